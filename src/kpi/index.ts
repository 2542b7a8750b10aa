/**
 * The KPI report: sessions, engagement and on-site conversions, overall, by
 * GA4 channel and by campaign. Pure: same events in, same numbers out.
 */
import { SESSION_MS } from '../session'
import type { Context, Envelope } from '../types'
import { channelOf, type Channel } from './channels'

export { channelOf, trafficSourceOf, categoryOf, RULES, SOURCES, MEDIUMS } from './channels'
export type { Channel, Touch, TrafficSource } from './channels'

/** An event as stored by a collector; anything Segment-shaped will do. */
export type KpiEvent = Partial<Omit<Envelope, 'type' | 'context'>> & { type?: string; context?: Partial<Context> }

export interface KpiOptions {
  /** Only events at or after this instant (ISO string, Date or epoch ms). */
  from?: string | number | Date
  /** Only events before this instant (exclusive). */
  to?: string | number | Date
}

export interface Metrics {
  sessions: number
  /** Distinct `anonymousId` (or `userId` when there is none). */
  users: number
  pageViews: number
  engagedSessions: number
  /** engagedSessions ÷ sessions (0–1). */
  engagementRate: number
  /** Sessions with an `add_to_cart` ÷ sessions. */
  addToCartRate: number
  /** Sessions with an `inquiry` ÷ sessions. */
  inquiryRate: number
  /** Sessions with a `chat_open` ÷ sessions. */
  chatOpenRate: number
  /** Total `engagement.engaged_ms` ÷ sessions. */
  avgEngagedMs: number
}

export interface KpiReport {
  overall: Metrics
  byChannel: Record<string, Metrics>
  byCampaign: Record<string, Metrics>
}

/** GA4's engaged-session threshold. */
export const ENGAGED_MS = 10_000
/** Campaign key for sessions that carry no `utm_campaign`. */
export const NO_CAMPAIGN = '(not set)'

interface Session {
  first: KpiEvent
  firstAt: number
  user: string
  pageViews: number
  engagedMs: number
  addToCart: boolean
  inquiry: boolean
  chatOpen: boolean
}

const toMs = (v: string | number | Date | undefined): number | undefined =>
  v === undefined ? undefined : v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Date.parse(v)

const timeOf = (e: KpiEvent): number => {
  const t = Date.parse(e.timestamp ?? e.receivedAt ?? '')
  return Number.isNaN(t) ? 0 : t
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '')

/** Compute the KPI report over stored envelopes (any order; a `messageId` counts once). */
export const computeKpis = (events: Iterable<KpiEvent>, options: KpiOptions = {}): KpiReport => {
  const from = toMs(options.from) ?? -Infinity
  const to = toMs(options.to) ?? Infinity
  const seen = new Set<string>()
  const keyed: { e: KpiEvent; t: number; sid: string }[] = []
  const unkeyed: { e: KpiEvent; t: number; sid: string }[] = []

  for (const e of events) {
    if (!e || typeof e !== 'object') continue
    const id = str(e.messageId)
    if (id) {
      if (seen.has(id)) continue
      seen.add(id)
    }
    // footfall's own loss reports are not visitor activity: they make no session.
    if (e.event === 'footfall_dropped') continue
    const t = timeOf(e)
    if (t < from || t >= to) continue
    const sid = str(e.context?.sessionId)
    ;(sid ? keyed : unkeyed).push({ e, t, sid: sid && `s:${sid}` })
  }

  // Events without a session id: one session per visitor per 30-minute run of activity.
  unkeyed.sort((a, b) => a.t - b.t)
  const lastSeen = new Map<string, { t: number; n: number }>()
  for (const item of unkeyed) {
    const visitor = str(item.e.anonymousId) || str(item.e.userId)
    const last = lastSeen.get(visitor)
    const n = !last ? 0 : item.t - last.t > SESSION_MS ? last.n + 1 : last.n
    lastSeen.set(visitor, { t: item.t, n })
    item.sid = `a:${visitor}:${n}`
  }

  const sessions = new Map<string, Session>()
  const add = ({ e, t, sid }: { e: KpiEvent; t: number; sid: string }) => {
    let s = sessions.get(sid)
    if (!s) sessions.set(sid, (s = { first: e, firstAt: t, user: '', pageViews: 0, engagedMs: 0, addToCart: false, inquiry: false, chatOpen: false }))
    else if (t < s.firstAt) {
      s.first = e
      s.firstAt = t
    }
    s.user ||= str(e.anonymousId) || str(e.userId)
    if (e.type === 'page') s.pageViews++
    else if (e.type === 'track') {
      switch (e.event) {
        case 'add_to_cart': s.addToCart = true; break
        case 'inquiry': s.inquiry = true; break
        case 'chat_open': s.chatOpen = true; break
        case 'engagement': {
          const ms = Number(e.properties?.engaged_ms)
          if (Number.isFinite(ms) && ms > 0) s.engagedMs += ms
        }
      }
    }
  }
  keyed.forEach(add)
  unkeyed.forEach(add)

  const overall = tally()
  const byChannel: Record<string, ReturnType<typeof tally>> = Object.create(null)
  const byCampaign: Record<string, ReturnType<typeof tally>> = Object.create(null)
  for (const s of sessions.values()) {
    const context = s.first.context ?? {}
    const campaign = context.campaign ?? {}
    const channel: Channel = channelOf({ ...campaign, referrer: str(context.page?.referrer), url: str(context.page?.url) })
    const name = str(campaign.name).trim() || NO_CAMPAIGN
    overall.add(s)
    ;(byChannel[channel] ??= tally()).add(s)
    ;(byCampaign[name] ??= tally()).add(s)
  }
  return { overall: overall.metrics(), byChannel: mapValues(byChannel), byCampaign: mapValues(byCampaign) }
}

const mapValues = (groups: Record<string, ReturnType<typeof tally>>): Record<string, Metrics> => {
  const out: Record<string, Metrics> = {}
  // defineProperty, not assignment: a campaign named `__proto__` must stay a plain key.
  for (const key of Object.keys(groups).sort()) {
    Object.defineProperty(out, key, { value: groups[key].metrics(), enumerable: true, writable: true, configurable: true })
  }
  return out
}

/** Running sums for one group of sessions. */
const tally = () => {
  let sessions = 0, pageViews = 0, engaged = 0, atc = 0, inquiry = 0, chat = 0, engagedMs = 0
  const users = new Set<string>()
  const rate = (n: number) => (sessions ? n / sessions : 0)
  return {
    add(s: Session) {
      sessions++
      if (s.user) users.add(s.user)
      pageViews += s.pageViews
      engagedMs += s.engagedMs
      if (s.addToCart) atc++
      if (s.inquiry) inquiry++
      if (s.chatOpen) chat++
      if (s.engagedMs >= ENGAGED_MS || s.pageViews >= 2 || s.addToCart || s.inquiry || s.chatOpen) engaged++
    },
    metrics: (): Metrics => ({
      sessions,
      users: users.size,
      pageViews,
      engagedSessions: engaged,
      engagementRate: rate(engaged),
      addToCartRate: rate(atc),
      inquiryRate: rate(inquiry),
      chatOpenRate: rate(chat),
      avgEngagedMs: rate(engagedMs),
    }),
  }
}
