import { onLoad } from './lib/onLoad'
import { isOn } from './options'
import type { Ctx } from './tracker'

/** The lazy part: web-vitals and the code that turns its metrics into events. */
export type LazyVitals = { start(t: Ctx): void }

/** The ES module build sets this to a dynamic import (its own chunk); the script tag loads a file. */
export const lazy: { load?: () => Promise<LazyVitals> } = {}

/**
 * Core Web Vitals, fetched only after `load` and only when `vitals` is on, so they add nothing
 * to the core or to the page's own loading. The script-tag build loads `footfall-vitals.js`
 * from beside its own file (a plain script element: fine under `script-src 'self'`) and hands
 * it this context on that element, so no global is needed.
 */
export function vitals(t: Ctx): void {
  const fail = () => t.emit('error', { message: 'web vitals could not be loaded' })
  if (isOn(t.options.vitals))
    onLoad(() => {
      if (lazy.load) return void lazy.load().then((m) => m.start(t), fail)
      if (!t.options.src) return
      const s = document.createElement('script')
      s.src = new URL('footfall-vitals.js', t.options.src).href
      ;(s as HTMLScriptElement & { ff?: Ctx }).ff = t
      s.onerror = fail
      document.head.append(s)
    })
}
