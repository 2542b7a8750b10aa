import type { Ctx } from '../tracker'

/**
 * How long a route change settles before its page view is recorded. Routers set the title after
 * the URL, redirect with replaceState right after pushState, and apps call page() from their
 * route hooks: within this window all of that collapses into one page view with the final URL
 * and title.
 */
export const SETTLE_MS = 300

/**
 * Page views after the one the core records on load: one per SPA route change (`data-spa`):
 * `history` hooks pushState/replaceState/popstate, `hash` also counts fragment changes, `off`
 * leaves it to page(). A bfcache restore is always a new page view. It starts before the landing
 * page view is recorded, which sets `last`.
 */
export function pageviews(t: Ctx): void {
  const mode = t.options.spa || 'history'
  // What makes a route: the URL, but in history mode the fragment is an anchor on the same page.
  const route = (h = location.href) => (mode == 'hash' ? h : h.split('#')[0])
  let last = route()
  let timer: ReturnType<typeof setTimeout> | 0 = 0
  const record = () => {
    clearTimeout(timer)
    timer = 0
    if (route() != last) t.page()
  }
  // Whoever records a page view (this module or the app's own page() call), that route is done.
  t.on('track', (e) => {
    if (e.type == 'page') {
      last = route()
      clearTimeout(timer)
      timer = 0
    }
  })
  if (mode == 'off') return
  const change = () => {
    clearTimeout(timer)
    timer = setTimeout(record, SETTLE_MS)
  }
  for (const m of ['pushState', 'replaceState'] as const) {
    const f = history[m]
    history[m] = function (this: History, ...a: Parameters<History['pushState']>) {
      const r = f.apply(this, a)
      change()
      return r
    }
  }
  addEventListener('popstate', change)
  if (mode == 'hash') addEventListener('hashchange', change)
  // A page restored from the back/forward cache runs no script again: it is a new visit of the page.
  addEventListener('pageshow', (e) => {
    if (e.persisted) (last = ''), record()
  })
  // Leaving before the route settled: record it now so that it goes out with the last batch.
  t.on('hidden', () => timer && record())
}
