import { createTracker } from './tracker'
import type { ConsentState, Options } from './options'
import type { Persistence } from './lib/storage'

type Stub = ((...a: unknown[]) => unknown) & { q?: ArrayLike<unknown>[]; track?: unknown }

const w = window as unknown as { footfall?: Stub }

// A second copy of the script must not start a second tracker.
if (!w.footfall?.track) {
  const s = (document.currentScript || document.querySelector('script[data-endpoint]')) as HTMLScriptElement | null
  const attr = (n: string) => s?.getAttribute('data-' + n)
  const has = (n: string) => !!s?.hasAttribute('data-' + n)
  const options: Options = {
    endpoint: attr('endpoint'),
    site: attr('site'),
    debug: has('debug'),
    consent: attr('consent') as ConsentState,
    spa: (attr('spa') || 'history') as Options['spa'],
    autocapture: attr('autocapture') != 'off',
    vitals: attr('vitals') != 'off',
    persistence: (attr('persistence') || 'local') as Persistence,
    respectDnt: has('respect-dnt'),
    datalayer: has('datalayer'),
    src: s?.src,
  }
  const queued = w.footfall?.q || []
  const api = ((cmd: string, ...args: unknown[]) => {
    const f = (api as unknown as Record<string, unknown>)[cmd]
    if (typeof f == 'function' && Object.hasOwn(api, cmd)) return f(...args)
    console.warn(`[footfall] unknown command "${String(cmd)}"`)
  }) as Stub
  createTracker(options, (t) => {
    Object.assign(api, t)
    w.footfall = api
    // Calls made through the stub before this script arrived, in their order.
    for (const args of Array.from(queued)) api(...(args as unknown[]))
  })
}
