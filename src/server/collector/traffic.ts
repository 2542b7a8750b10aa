/**
 * What kind of visitor sent a message: its traffic class, set by the collector on every stored
 * message (`context.traffic`) from the request's User-Agent, the SDK's automation flag and a
 * referrer-spam list. The User-Agent string itself is never stored.
 */
import { isbotMatch } from 'isbot'
import type { TrafficClass } from '../../kpi/event'
import { isPlainObject } from './json'
import { SPAM_DOMAINS } from './spam/domains'

export type { TrafficClass } from '../../kpi/event'

/**
 * What isbot reports that is a browser run by a script (headless browsers, automation tools) rather
 * than a crawler that announces itself: `automation`, like a browser whose SDK saw the same.
 */
const AUTOMATED = /headless|phantom|selenium|webdriver|puppeteer|playwright|cypress|electron|slimer|nightmare/i

/**
 * The class a request's User-Agent gives its messages. Every browser sends one: a missing or
 * blank header is a script (curl, a server) and its own reason, `no-user-agent`, not a person.
 */
export const classOfAgent = (userAgent: string | string[] | undefined): TrafficClass => {
  const ua = Array.isArray(userAgent) ? userAgent.join(' ') : userAgent
  if (!ua?.trim()) return 'no-user-agent'
  const match = isbotMatch(ua)
  return match === null ? 'human' : AUTOMATED.test(match) ? 'automation' : 'crawler'
}

const spam = new Set(SPAM_DOMAINS.split('\n').filter(Boolean))
// The host of an absolute URL, without user info or port; cheaper than new URL() on every message.
const HOST = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^:/?#]+)/i

// The events of a batch mostly share their page's referrer: the last answer is kept (ingest path).
let lastUrl = ''
let lastAnswer = false

/** Whether a referrer URL is on the spam list: its host or any parent domain of it (`a.b.spam.example` ← `spam.example`). */
export const isSpamReferrer = (url: unknown): boolean => {
  if (typeof url !== 'string' || !url) return false
  if (url === lastUrl) return lastAnswer
  lastAnswer = spamHost(url)
  lastUrl = url
  return lastAnswer
}

const spamHost = (url: string): boolean => {
  const m = HOST.exec(url)
  if (!m) return false
  let host = m[1].toLowerCase()
  if (host.endsWith('.')) host = host.slice(0, -1)
  // Every suffix with at least two labels: the list names registrable domains and some subdomains.
  for (let at = 0; host.indexOf('.', at) > 0; at = host.indexOf('.', at) + 1) {
    if (spam.has(at ? host.slice(at) : host)) return true
  }
  return false
}

/**
 * The class of one message: a crawler's or automated browser's User-Agent first, then the SDK's
 * flag (`context.automation: true`), then a spam referrer (the page's, or the session's landing
 * referrer), then what the User-Agent said (`human`, or `no-user-agent`).
 */
export const trafficOf = (agent: TrafficClass, message: Record<string, unknown>): TrafficClass => {
  if (agent === 'crawler' || agent === 'automation') return agent
  const context = isPlainObject(message.context) ? message.context : {}
  if (context.automation === true) return 'automation'
  const page = isPlainObject(context.page) ? context.page : {}
  const landing = isPlainObject(context.referrer) ? context.referrer : {}
  if (isSpamReferrer(page.referrer) || isSpamReferrer(landing.url)) return 'spam'
  return agent
}
