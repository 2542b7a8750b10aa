import { script } from './lib/lazy'
import { createTracker } from './tracker'
import type { Options } from './options'

type Stub = ((...a: unknown[]) => unknown) & { q?: ArrayLike<unknown>[]; track?: unknown }

const w = window as unknown as { footfall?: Stub }

// A second copy of the script must not start a second tracker.
if (!w.footfall?.track) {
  const s = (document.currentScript || document.querySelector('script[data-endpoint]')) as HTMLScriptElement | null
  // Every data-* attribute becomes the camelCased option of init() (the element's dataset camelCases
  // them). The flags (data-debug, data-respect-dnt, data-datalayer) count by their presence; an empty
  // value elsewhere is no value.
  const options: Record<string, unknown> = { src: s?.src }
  const d = s?.dataset
  for (const k in d) options[k] = d[k] || /debug|Dnt|datalayer/.test(k) || undefined
  const queued = w.footfall?.q || []
  const api = ((cmd: string, ...args: unknown[]) => {
    const f = (api as unknown as Record<string, unknown>)[cmd]
    if (typeof f == 'function' && Object.hasOwn(api, cmd)) return f(...args)
    console.warn('[footfall] unknown command', cmd)
  }) as Stub
  createTracker(
    options as Options,
    (t) => {
      Object.assign(api, t)
      w.footfall = api
      // Calls made through the stub before this script arrived, in their order.
      for (const args of queued as unknown[][]) api(...args)
    },
    script,
  )
}
