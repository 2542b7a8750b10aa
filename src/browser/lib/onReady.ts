/** Calls `cb` once the document is parsed: now if it is, else on `DOMContentLoaded`. */
export function onReady(cb: () => void): void {
  document.readyState == 'loading' ? addEventListener('DOMContentLoaded', cb) : cb()
}
