/** Wire shapes shared by the SDK, the collector and the KPI report. */

export type Props = Record<string, unknown>

export interface Campaign {
  source?: string
  medium?: string
  name?: string
  term?: string
  content?: string
  gclid?: string
  fbclid?: string
  msclkid?: string
  ttclid?: string
  [key: string]: string | undefined
}

export interface PageContext {
  url: string
  path: string
  search: string
  referrer: string
  title: string
}

export interface Context {
  library: { name: 'footfall'; version: string }
  page: PageContext
  campaign?: Campaign
  sessionId?: string
  sessionStart?: boolean
  locale?: string
  timezone?: string
  screen?: { width: number; height: number }
  /** Set by the SDK in a browser driven by automation (WebDriver, headless, test runners). */
  automation?: boolean
  /** Set by the collector: `human`, `crawler`, `automation`, `spam` or `no-user-agent`. */
  traffic?: string
  [key: string]: unknown
}

/** One Segment-compatible message. */
export interface Envelope {
  type: 'track' | 'page' | 'identify'
  event?: string
  name?: string
  properties?: Props
  traits?: Props
  messageId: string
  timestamp: string
  anonymousId: string
  userId?: string
  context: Context
  /** Stamped by the collector. */
  receivedAt?: string
  /** Stamped by the collector from the batch. */
  sentAt?: string
  writeKey?: string
}

/** The body of one POST to the collector. */
export interface Batch {
  batch: Envelope[]
  sentAt: string
  writeKey?: string
}
