// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { computeKpis, type KpiEvent } from '../../src/kpi/index'

const at = (hhmm: string) => `2026-03-01T${hhmm}:00.000Z`
let n = 0
const ev = (
  type: 'page' | 'track',
  time: string,
  anonymousId: string,
  sessionId: string | undefined,
  extra: { event?: string; properties?: Record<string, unknown>; campaign?: Record<string, string>; referrer?: string; messageId?: string } = {},
): KpiEvent => ({
  type,
  ...(extra.event ? { event: extra.event } : {}),
  properties: extra.properties ?? {},
  messageId: extra.messageId ?? `id-${n++}`,
  timestamp: at(time),
  anonymousId,
  context: {
    library: { name: 'footfall', version: '0' },
    page: { url: 'https://shop.example/', path: '/', search: '', referrer: extra.referrer ?? '', title: '' },
    ...(extra.campaign ? { campaign: extra.campaign } : {}),
    ...(sessionId ? { sessionId } : {}),
  },
})

const spring = { source: 'google', medium: 'cpc', name: 'spring' }
const dup = ev('track', '10:12', 'u2', 'C', { event: 'add_to_cart', messageId: 'dup' })

// Hand-computed: see the expectations below.
const fixture: KpiEvent[] = [
  // A: u1, paid search "spring", 2 page views (engaged), 4 s engaged.
  ev('page', '10:00', 'u1', 'A', { campaign: spring }),
  ev('page', '10:01', 'u1', 'A', { campaign: spring }),
  ev('track', '10:02', 'u1', 'A', { event: 'engagement', properties: { engaged_ms: 4000 } }),
  // B: u1 again, from facebook, 12 s engaged (engaged).
  ev('page', '10:05', 'u1', 'B', { referrer: 'https://www.facebook.com/' }),
  ev('track', '10:06', 'u1', 'B', { event: 'engagement', properties: { engaged_ms: 12000 } }),
  // C: u2, direct, add to cart (engaged) — the same message delivered twice.
  ev('page', '10:10', 'u2', 'C'),
  dup,
  { ...dup },
  // D: u3, direct, 9.999 s: not engaged.
  ev('page', '10:15', 'u3', 'D'),
  ev('track', '10:16', 'u3', 'D', { event: 'engagement', properties: { engaged_ms: 9999 } }),
  // E: u3, listed out of order; its first event is an email "spring" page view. Inquiry + chat.
  ev('track', '10:22', 'u3', 'E', { event: 'chat_open' }),
  ev('track', '10:21', 'u3', 'E', { event: 'inquiry' }),
  ev('page', '10:20', 'u3', 'E', { campaign: { source: 'newsletter', medium: 'email', name: 'spring' } }),
  // F: u4 without session ids: 40 minutes apart, so two sessions of one page view each.
  ev('page', '09:00', 'u4', undefined),
  ev('page', '09:40', 'u4', undefined),
]

describe('computeKpis', () => {
  const report = computeKpis(fixture)

  it('computes the overall metrics', () => {
    expect(report.overall).toEqual({
      sessions: 7,
      users: 4,
      pageViews: 8,
      engagedSessions: 4,
      engagementRate: 4 / 7,
      addToCartRate: 1 / 7,
      inquiryRate: 1 / 7,
      chatOpenRate: 1 / 7,
      avgEngagedMs: 25999 / 7,
    })
  })

  it('attributes each session to the channel of its first event', () => {
    expect(Object.keys(report.byChannel).sort()).toEqual(['Direct', 'Email', 'Organic Social', 'Paid Search'])
    expect(report.byChannel['Paid Search']).toMatchObject({ sessions: 1, users: 1, pageViews: 2, engagedSessions: 1, avgEngagedMs: 4000 })
    expect(report.byChannel['Organic Social']).toMatchObject({ sessions: 1, engagedSessions: 1, avgEngagedMs: 12000 })
    expect(report.byChannel.Direct).toEqual({
      sessions: 4,
      users: 3,
      pageViews: 4,
      engagedSessions: 1,
      engagementRate: 0.25,
      addToCartRate: 0.25,
      inquiryRate: 0,
      chatOpenRate: 0,
      avgEngagedMs: 9999 / 4,
    })
    expect(report.byChannel.Email).toMatchObject({ sessions: 1, inquiryRate: 1, chatOpenRate: 1, engagementRate: 1 })
  })

  it('groups by campaign name, "(not set)" without one', () => {
    expect(report.byCampaign.spring).toEqual({
      sessions: 2,
      users: 2,
      pageViews: 3,
      engagedSessions: 2,
      engagementRate: 1,
      addToCartRate: 0,
      inquiryRate: 0.5,
      chatOpenRate: 0.5,
      avgEngagedMs: 2000,
    })
    expect(report.byCampaign['(not set)']).toMatchObject({ sessions: 5, users: 4, pageViews: 5, engagedSessions: 2, addToCartRate: 0.2, avgEngagedMs: 21999 / 5 })
  })

  it('does not depend on input order', () => {
    expect(computeKpis([...fixture].reverse())).toEqual(report)
  })

  it('keeps only events in [from, to)', () => {
    const r = computeKpis(fixture, { from: at('09:30'), to: new Date(at('10:20')) })
    // F1 (09:00) and E (10:20–10:22) fall outside.
    expect(r.overall).toMatchObject({ sessions: 5, pageViews: 6 })
    expect(r.byChannel.Email).toBeUndefined()
  })

  it('returns zeros, not NaN, without events', () => {
    expect(computeKpis([]).overall).toEqual({
      sessions: 0, users: 0, pageViews: 0, engagedSessions: 0, engagementRate: 0, addToCartRate: 0, inquiryRate: 0, chatOpenRate: 0, avgEngagedMs: 0,
    })
  })

  it('ignores junk and keeps a campaign named __proto__ as a plain key', () => {
    const r = computeKpis([null as never, 42 as never, ev('page', '10:00', 'u', 's', { campaign: { name: '__proto__' } })])
    expect(r.overall.sessions).toBe(1)
    expect(Object.prototype.hasOwnProperty.call(r.byCampaign, '__proto__')).toBe(true)
    expect(Object.getPrototypeOf(r.byCampaign)).toBe(Object.prototype)
  })

  // Speed is measured by the benchmarks (npm run bench:kpi), not here.
  it('counts 100k events into their 10k sessions', () => {
    const many: KpiEvent[] = []
    for (let i = 0; i < 100_000; i++) {
      const s = `s${i % 10_000}`
      many.push(ev(i % 3 ? 'track' : 'page', `${String(10 + (i % 10)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`, `u${i % 5000}`, s, {
        event: i % 3 === 1 ? 'engagement' : 'add_to_cart',
        properties: { engaged_ms: 1000 },
        campaign: { source: 'google', medium: 'cpc', name: `c${i % 20}` },
      }))
    }
    const r = computeKpis(many)
    expect(r.overall.sessions).toBe(10_000)
    expect(r.overall.users).toBe(5_000)
  })
})

describe('footfall_dropped', () => {
  it('is not visitor activity: it makes no session', () => {
    const r = computeKpis([
      { type: 'track', event: 'footfall_dropped', messageId: 'd1', anonymousId: 'a', timestamp: '2026-01-01T00:00:00.000Z', properties: { count: 3, reason: 'queue_full' }, context: { sessionId: 'lonely' } },
    ] as any)
    expect(r.overall.sessions).toBe(0)
  })
})
