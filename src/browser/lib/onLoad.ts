/** Calls `cb` once the page has finished loading: now if it already has, else on `load`. */
export function onLoad(cb: () => void): void {
  document.readyState == 'complete' ? cb() : addEventListener('load', cb)
}
