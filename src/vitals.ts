import { onLoad } from './lib/onLoad'
import { isOn } from './options'
import type { Ctx } from './tracker'

/** The lazy part: web-vitals and the code that turns its metrics into events. */
export type LazyVitals = { start(t: Ctx): void }

/**
 * How the lazy part arrives. The script-tag build loads `footfall-vitals.js` from beside its own
 * file with a plain script element (fine under `script-src 'self'`) and hands it this context
 * on that element, so no global is needed. The ES module build replaces this with a dynamic
 * import, which bundlers turn into a chunk.
 */
export const lazy = {
  load(t: Ctx, fail: () => void): void {
    if (!t.options.src) return
    const s = document.createElement('script')
    s.src = new URL('footfall-vitals.js', t.options.src).href
    ;(s as HTMLScriptElement & { ff?: Ctx }).ff = t
    s.onerror = fail
    document.head.append(s)
  },
}

/** Core Web Vitals, fetched only after `load` and only when `vitals` is on: nothing in the core, nothing before the page. */
export function vitals(t: Ctx): void {
  if (isOn(t.options.vitals)) onLoad(() => lazy.load(t, () => t.emit('error', { message: 'web vitals could not be loaded' })))
}
