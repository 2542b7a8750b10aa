/**
 * The KPI report: sessions, engagement and on-site conversions, overall, by
 * GA4 channel and by campaign. Pure: same events in, same numbers out.
 */
import { SESSION_MS } from '../shared/session'
import { before, factOf, FILTERED_CLASSES, HUMAN, Kind, type Fact, type KpiEvent } from './event'

export { channelOf, trafficSourceOf, categoryOf, RULES, SOURCES, MEDIUMS } from './channels'
export type { Channel, Touch, TrafficSource } from './channels'
export { factOf, NO_CAMPAIGN, MAX_ENGAGED_MS, HUMAN, FILTERED_CLASSES, type KpiEvent, type Fact, type TrafficClass } from './event'

export interface KpiOptions {
  /** Only events at or after this instant (ISO string, Date or epoch ms). */
  from?: string | number | Date
  /** Only events before this instant (exclusive). */
  to?: string | number | Date
  /**
   * `human` (default): only sessions whose first event is `human` traffic (or has no class: stored
   * before classes existed) are counted, the others are reported in `filtered`. `all`: every session.
   */
  traffic?: TrafficFilter
}

export type TrafficFilter = 'human' | 'all'

/** Sessions (and their events) a report left out, by traffic class. */
export interface Filtered {
  /** Sessions left out, per class: always `crawler`, `automation`, `spam`, `no-user-agent`, plus any other class met. */
  filtered: Record<string, number>
  /** The events of those sessions, per class. */
  filteredEvents: Record<string, number>
}

/** One interval of `/kpi/series`: its bounds in the site's time zone, overall and per channel, and what was left out. */
export interface SeriesInterval extends Filtered {
  start: string
  end: string
  overall: Metrics
  byChannel: Record<string, Metrics>
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

export interface KpiReport extends Filtered {
  overall: Metrics
  byChannel: Record<string, Metrics>
  byCampaign: Record<string, Metrics>
}

/** GA4's engaged-session threshold. */
export const ENGAGED_MS = 10_000
/** One session's sums: what every metric is computed from. */
export interface SessionSums {
  /** `anonymousId` (else `userId`) of the session's first event. */
  user: string
  pageViews: number
  engagedMs: number
  addToCart: boolean
  inquiry: boolean
  chatOpen: boolean
}

interface Session extends SessionSums {
  first: Fact
  /** Events of the session (footfall's own loss reports aside). */
  events: number
}

const toMs = (v: string | number | Date | undefined): number | undefined =>
  v === undefined ? undefined : v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Date.parse(v)

/**
 * Sessions, in one time range. A session is its events within the range: its first event
 * (earliest, then smallest `messageId`) names its visitor, channel and campaign.
 */
export const sessionsOf = (events: Iterable<KpiEvent>, options: KpiOptions = {}): Map<string, Session> => {
  const from = toMs(options.from) ?? -Infinity
  const to = toMs(options.to) ?? Infinity
  const seen = new Set<string>()
  const keyed: Fact[] = []
  const unkeyed: Fact[] = []

  for (const e of events) {
    const f = factOf(e)
    if (!f) continue
    if (f.id) {
      if (seen.has(f.id)) continue
      seen.add(f.id)
    }
    if (f.kind === Kind.Ignored || f.t < from || f.t >= to) continue
    ;(f.session ? keyed : unkeyed).push(f)
  }

  // Events without a session id: one session per visitor per 30-minute run of activity.
  unkeyed.sort((a, b) => a.t - b.t)
  const lastSeen = new Map<string, { t: number; n: number }>()
  for (const f of unkeyed) {
    const last = lastSeen.get(f.visitor)
    const n = !last ? 0 : f.t - last.t > SESSION_MS ? last.n + 1 : last.n
    lastSeen.set(f.visitor, { t: f.t, n })
    f.session = `a:${f.visitor}:${n}`
  }

  const sessions = new Map<string, Session>()
  for (const f of [...keyed, ...unkeyed]) {
    let s = sessions.get(f.session)
    if (!s) sessions.set(f.session, (s = { first: f, user: f.visitor, pageViews: 0, engagedMs: 0, addToCart: false, inquiry: false, chatOpen: false, events: 0 }))
    else if (before(f, s.first)) s.first = f
    s.user = s.first.visitor
    s.events++
    if (f.kind === Kind.Page) s.pageViews++
    else if (f.kind === Kind.AddToCart) s.addToCart = true
    else if (f.kind === Kind.Inquiry) s.inquiry = true
    else if (f.kind === Kind.ChatOpen) s.chatOpen = true
    else if (f.kind === Kind.Engagement) s.engagedMs += f.engagedMs
  }
  return sessions
}

/** Compute the KPI report over stored envelopes (any order; a `messageId` counts once). */
export const computeKpis = (events: Iterable<KpiEvent>, options: KpiOptions = {}): KpiReport => {
  const overall = tally()
  const byChannel: Record<string, ReturnType<typeof tally>> = Object.create(null)
  const byCampaign: Record<string, ReturnType<typeof tally>> = Object.create(null)
  const left = leftOut()
  const all = options.traffic === 'all'
  for (const s of sessionsOf(events, options).values()) {
    // A session is what its first event says it is, like its channel (the same visitor throughout).
    if (!all && s.first.traffic !== HUMAN) {
      left.add(s.first.traffic, 1, s.events)
      continue
    }
    overall.add(s)
    ;(byChannel[s.first.channel] ??= tally()).add(s)
    ;(byCampaign[s.first.campaign] ??= tally()).add(s)
  }
  return { overall: overall.metrics(), byChannel: mapValues(byChannel), byCampaign: mapValues(byCampaign), ...left.result() }
}

/** Sessions and events left out per traffic class; the usual classes are listed even at 0. */
export const leftOut = () => {
  const sessions: Record<string, number> = Object.create(null)
  const events: Record<string, number> = Object.create(null)
  for (const c of FILTERED_CLASSES) sessions[c] = events[c] = 0
  return {
    add(traffic: string, n: number, e: number) {
      sessions[traffic] = (sessions[traffic] ?? 0) + n
      events[traffic] = (events[traffic] ?? 0) + e
    },
    result: (): Filtered => ({ filtered: sortedRecord(sessions), filteredEvents: sortedRecord(events) }),
  }
}

/** The same record with its keys in sorted order, each an own data property (`__proto__` stays a key). */
export const sortedRecord = <T>(groups: Record<string, T>): Record<string, T> => {
  const out: Record<string, T> = {}
  for (const key of Object.keys(groups).sort()) {
    Object.defineProperty(out, key, { value: groups[key], enumerable: true, writable: true, configurable: true })
  }
  return out
}

const mapValues = (groups: Record<string, ReturnType<typeof tally>>): Record<string, Metrics> => {
  const out: Record<string, Metrics> = Object.create(null)
  for (const key of Object.keys(groups)) out[key] = groups[key].metrics()
  return sortedRecord(out)
}

/** What a group of sessions adds up to: every metric is a function of these counts. */
export interface Counts {
  sessions: number
  users: number
  pageViews: number
  engaged: number
  addToCart: number
  inquiry: number
  chatOpen: number
  engagedMs: number
}

/** The metrics of a group of sessions from its counts (the store computes counts in SQL). */
export const metricsOf = (c: Counts): Metrics => {
  const rate = (n: number) => (c.sessions ? n / c.sessions : 0)
  return {
    sessions: c.sessions,
    users: c.users,
    pageViews: c.pageViews,
    engagedSessions: c.engaged,
    engagementRate: rate(c.engaged),
    addToCartRate: rate(c.addToCart),
    inquiryRate: rate(c.inquiry),
    chatOpenRate: rate(c.chatOpen),
    avgEngagedMs: rate(c.engagedMs),
  }
}

/** Whether a session counts as engaged (GA4's rule). */
export const isEngaged = (s: SessionSums): boolean =>
  s.engagedMs >= ENGAGED_MS || s.pageViews >= 2 || s.addToCart || s.inquiry || s.chatOpen

/** Running sums for one group of sessions. */
export const tally = () => {
  const c: Counts = { sessions: 0, users: 0, pageViews: 0, engaged: 0, addToCart: 0, inquiry: 0, chatOpen: 0, engagedMs: 0 }
  const users = new Set<string>()
  return {
    add(s: SessionSums) {
      c.sessions++
      if (s.user) users.add(s.user)
      c.pageViews += s.pageViews
      c.engagedMs += s.engagedMs
      c.addToCart += +s.addToCart
      c.inquiry += +s.inquiry
      c.chatOpen += +s.chatOpen
      c.engaged += +isEngaged(s)
    },
    metrics: (): Metrics => metricsOf({ ...c, users: users.size }),
  }
}

export { computeCommitments, checkOptions, changePoints, CLASSES, CommitmentError, MIN_WEEKS, FULL_WEEKS } from './commitments'
export type { Commitment, CommitmentOptions, OwnershipClass, KpiName, SeriesPoint, Day, Period } from './commitments'
