/**
 * Random histories for the KPI store's property tests: sessions across midnight and across
 * report boundaries, late and out-of-order events, exact duplicates, events without a session
 * id, every kind of traffic source, every traffic class (none: stored before classes; a session's
 * events mostly of one class, now and then not), hostile strings. Deterministic for a seed.
 */
import type { KpiEvent } from '../../../src/kpi/index'

export const rng = (seed: number) => () => {
  // mulberry32
  seed |= 0
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

export const HOSTILE = [
  `it's "quoted"`, `x'; DROP TABLE events; --`, 'semi;colon', 'nul\u0000byte', 'ünïcødé 🛒 日本', '<img src=x onerror=alert(1)>',
  '__proto__', 'constructor', ' spaced ', 'x'.repeat(10_000), '=cmd|calc', 'lone\ud800surrogate', '\\back\\slash',
]

const CAMPAIGNS: (Record<string, string> | undefined)[] = [
  undefined,
  { source: 'google', medium: 'cpc', name: 'spring' },
  { source: 'newsletter', medium: 'email', name: 'spring' },
  { source: 'facebook', medium: 'paid_social', name: 'launch' },
  { source: 'facebook', medium: 'social' },
  { gclid: 'abc' },
  { fbclid: 'def' },
  { source: 'partner', medium: 'affiliate', name: 'deals' },
  { source: 'x', medium: 'display', name: 'cross-network brand' },
  { source: 'amazon', medium: 'referral', name: 'shopping week' },
  { source: 'sms', name: 'alert' },
  { source: 'firebase', medium: 'push' },
  { medium: 'audio' },
  { source: 'odd', medium: 'mystery' },
]
const REFERRERS = ['', 'https://www.google.com/', 'https://t.co/abc', 'https://shop.example/other', 'https://www.bing.com/search?q=x',
  'https://blog.example.org/post', 'javascript:alert(1)', 'not a url', 'https://youtube.com/watch']

/** `context.traffic` as stored; undefined: a message stored before the collector classified traffic. */
const TRAFFIC = [undefined, undefined, 'human', 'human', 'crawler', 'automation', 'spam', 'no-user-agent', 'odd-class', '__proto__', `x'; DROP TABLE sessions; --`]

export interface HistoryOptions {
  seed: number
  sessions?: number
  /** Start of the history, epoch ms. */
  start?: number
  /** Spread of session starts, ms. */
  spread?: number
}

/** Events in arrival order (late ones later), with receivedAt stamps. */
export const history = ({ seed, sessions = 40, start = Date.parse('2026-03-28T20:00:00Z'), spread = 3 * 86_400_000 }: HistoryOptions): KpiEvent[] => {
  const r = rng(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]
  const visitors = Array.from({ length: 1 + Math.floor(sessions / 4) }, (_, i) => (r() < 0.1 ? pick(HOSTILE) + i : `v${i}`))
  const out: { e: KpiEvent; arrive: number }[] = []
  let id = 0
  for (let s = 0; s < sessions; s++) {
    const keyed = r() > 0.15
    const sid = r() < 0.05 ? pick(HOSTILE) + s : `s${seed}-${s}`
    const visitor = pick(visitors)
    const campaign = pick(CAMPAIGNS)
    const hostileCampaign = r() < 0.1 ? { source: pick(HOSTILE), medium: 'cpc', name: pick(HOSTILE) } : undefined
    const traffic = pick(TRAFFIC)
    let t = start + Math.floor(r() * spread)
    const n = 1 + Math.floor(r() * 6)
    for (let k = 0; k < n; k++) {
      // Mostly minutes apart; sometimes the same millisecond; sometimes > 30 minutes (unkeyed: a new session).
      t += r() < 0.1 ? 0 : r() < 0.1 ? 40 * 60_000 : Math.floor(r() * 10 * 60_000)
      const roll = r()
      const type = k === 0 || roll < 0.3 ? 'page' : 'track'
      const event = type === 'page' ? undefined : pick(['add_to_cart', 'inquiry', 'chat_open', 'engagement', 'engagement', 'web_vitals', 'footfall_dropped', pick(HOSTILE)])
      const cls = r() < 0.05 ? pick(TRAFFIC) : traffic
      const engaged = pick<unknown>([4000, 12_000, 9_999, 10_000, '2500', -5, 1e12, 0.4, 1234.5, null, 'abc', Infinity])
      const e: KpiEvent = {
        type,
        ...(event ? { event } : {}),
        properties: event === 'engagement' ? { engaged_ms: engaged } : {},
        messageId: r() < 0.03 ? pick(HOSTILE) + id++ : `m${seed}-${id++}`,
        timestamp: new Date(t).toISOString(),
        anonymousId: r() < 0.05 ? pick(visitors) : visitor,
        context: {
          page: { url: 'https://shop.example/p', path: r() < 0.1 ? pick(HOSTILE) : '/p', search: '', referrer: k === 0 ? pick(REFERRERS) : 'https://shop.example/', title: 't' },
          ...(hostileCampaign ?? campaign ? { campaign: hostileCampaign ?? campaign } : {}),
          ...(keyed ? { sessionId: sid } : {}),
          ...(cls ? { traffic: cls } : {}),
        } as KpiEvent['context'],
      }
      // Most arrive within seconds; some days late (retried), some twice (the same message).
      const arrive = t + (r() < 0.15 ? Math.floor(r() * 5 * 86_400_000) : 1000)
      out.push({ e, arrive })
      if (r() < 0.08) out.push({ e: structuredClone(e), arrive: arrive + Math.floor(r() * 86_400_000) })
    }
  }
  out.sort((a, b) => a.arrive - b.arrive)
  return out.map(({ e, arrive }) => ({ ...e, receivedAt: new Date(arrive).toISOString() }))
}
