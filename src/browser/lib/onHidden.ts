/**
 * Calls `cb` when the page may be about to go away: the tab is hidden (the last moment that
 * is reliable on mobile) or the page is unloaded (pagehide also covers bfcache entry).
 */
export function onHidden(cb: () => void): void {
  addEventListener('visibilitychange', () => document.visibilityState == 'hidden' && cb(), true)
  addEventListener('pagehide', cb, true)
}
