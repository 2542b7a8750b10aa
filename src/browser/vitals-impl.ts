import { onCLS, onFCP, onINP, onLCP, onTTFB, type Metric } from 'web-vitals'
import type { Ctx } from './tracker'

/**
 * Turns web-vitals metrics into `web_vitals` events. FCP and TTFB are final when reported and
 * leave at once. LCP, CLS and INP can change until the page hides, and web-vitals would report
 * them from its own `visibilitychange` listener, after footfall's keepalive send has left; so
 * they are followed as they change and recorded on footfall's `hidden`, in time for that send.
 * A later hide sends a metric again only if its value changed (the last one per `id` holds).
 *
 * `path` is the page the metric belongs to: the URL of the navigation web-vitals measured. With
 * soft navigations (Chromium) an SPA route change gets its own metrics; without them, SPA pages
 * have none and CLS / INP cover the whole document, attributed to the page that loaded it.
 */
export function start(t: Ctx): void {
  const live: Record<string, Metric> = {}
  const sent: Record<string, number> = {}
  const out = (m: Metric) => {
    if (sent[m.id] === m.value) return
    sent[m.id] = m.value
    t.track('web_vitals', {
      metric: m.name,
      value: +m.value.toFixed(m.name == 'CLS' ? 4 : 0),
      rating: m.rating,
      path: new URL(m.navigationURL || location.href, location.href).pathname,
      navigation_type: m.navigationType,
      id: m.id,
    })
  }
  const report = (m: Metric) =>
    /CLS|INP|LCP/.test(m.name)
      ? (live[m.id] = m)
      : // A soft navigation makes no request: web-vitals' TTFB of 0 for it would only flatter the average.
        (m.name != 'TTFB' || m.navigationType != 'soft-navigation') && out(m)
  t.on('hidden', () => Object.values(live).forEach(out))
  const opts = { reportAllChanges: true, reportSoftNavs: true }
  for (const on of [onCLS, onFCP, onINP, onLCP, onTTFB]) on(report, opts)
}
