/**
 * What the KPI report needs from one stored event, derived once. `computeKpis` and the KPI
 * store both build on this, so that a report read from a database is, by construction, made
 * of the same facts as the reference computed in memory.
 */
import type { Context, Envelope } from '../shared/types'
import { channelOfSource, trafficSourceOf, type Channel } from './channels'

/** An event as stored by a collector; anything Segment-shaped will do. */
export type KpiEvent = Partial<Omit<Envelope, 'type' | 'context'>> & { type?: string; context?: Partial<Context> }

/**
 * Who sent an event, as the collector classified it (`context.traffic`): a person, a crawler, a
 * browser run by automation, referrer spam, or the reason it could not tell (`no-user-agent`).
 * Events stored before classes existed have none and count as `human`.
 */
export type TrafficClass = 'human' | 'crawler' | 'automation' | 'spam' | 'no-user-agent'
export const HUMAN = 'human'
/** The classes a report always lists in `filtered` (0 when none), beside any other it meets. */
export const FILTERED_CLASSES = ['crawler', 'automation', 'spam', 'no-user-agent'] as const

/** Campaign key for sessions that carry no `utm_campaign`. */
export const NO_CAMPAIGN = '(not set)'
/** One engagement event reports one page view: more than a day is a broken or hostile client. */
export const MAX_ENGAGED_MS = 86_400_000

export const Kind = {
  Other: 0,
  Page: 1,
  AddToCart: 2,
  Inquiry: 3,
  ChatOpen: 4,
  Engagement: 5,
  /** footfall's own loss reports: not visitor activity, they make no session. */
  Ignored: 6,
} as const
export type Kind = (typeof Kind)[keyof typeof Kind]

export interface Fact {
  /** `messageId`, or '' (never deduplicated). */
  id: string
  /** `s:` + `context.sessionId`, or '' when the event has none (sessions by visitor and gap). */
  session: string
  /** `anonymousId`, else `userId`, else ''. */
  visitor: string
  /** Epoch ms of `timestamp` (else `receivedAt`); 0 when unreadable. */
  t: number
  kind: Kind
  /** Whole milliseconds of engaged time (engagement events), 0–MAX_ENGAGED_MS. */
  engagedMs: number
  /** The channel and campaign this event gives its session when it is the session's first. */
  channel: Channel
  campaign: string
  /** GA4 source and medium of that first touch (descriptive). */
  source: string
  medium: string
  /** `context.traffic`, or `human` when the event has none (stored before classes existed). */
  traffic: string
}

// Lone surrogates are not text: a database stores them as U+FFFD, so the reference does too.
const str = (v: unknown): string => (typeof v === 'string' ? v.toWellFormed() : '')

export const timeOf = (e: KpiEvent): number => {
  const t = Date.parse(e.timestamp ?? e.receivedAt ?? '')
  return Number.isNaN(t) ? 0 : t
}

const KINDS = new Map<unknown, Kind>([['add_to_cart', Kind.AddToCart], ['inquiry', Kind.Inquiry], ['chat_open', Kind.ChatOpen], ['engagement', Kind.Engagement], ['footfall_dropped', Kind.Ignored]])

/** The facts of one event, or undefined for something that is not an event object. */
export const factOf = (e: KpiEvent): Fact | undefined => {
  if (!e || typeof e !== 'object') return undefined
  const kind = e.type === 'page' ? Kind.Page : e.type === 'track' ? (KINDS.get(e.event) ?? Kind.Other) : Kind.Other
  const ms = kind === Kind.Engagement ? Number(e.properties?.engaged_ms) : 0
  const context = e.context && typeof e.context === 'object' ? e.context : {}
  const campaign = context.campaign && typeof context.campaign === 'object' ? context.campaign : {}
  const page = context.page && typeof context.page === 'object' ? context.page : undefined
  const sid = str(context.sessionId)
  const source = trafficSourceOf({ ...campaign, referrer: str(page?.referrer), url: str(page?.url) })
  return {
    id: str(e.messageId),
    session: sid && `s:${sid}`,
    visitor: str(e.anonymousId) || str(e.userId),
    t: timeOf(e),
    kind,
    engagedMs: ms > 0 ? Math.round(Math.min(ms, MAX_ENGAGED_MS)) : 0,
    channel: channelOfSource(source),
    campaign: str(campaign.name).trim() || NO_CAMPAIGN,
    source: source.source,
    medium: source.medium,
    traffic: str(context.traffic) || HUMAN,
  }
}

/** Which of two events comes first in a session: earlier time, then the smaller id. */
export const before = (a: Fact, b: Fact): boolean => a.t < b.t || (a.t === b.t && a.id < b.id)
