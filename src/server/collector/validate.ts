/** Per-message validation of incoming Segment-compatible messages. */
import { createHash } from 'node:crypto'
import type { Envelope } from '../../shared/types'
import { isPlainObject } from './json'

export const MESSAGE_TYPES = new Set(['track', 'page', 'identify', 'screen', 'group', 'alias'])
export const MAX_ID_LENGTH = 200
export const MAX_EVENT_LENGTH = 256
/** Segment's per-message limit, also the SDK's. */
export const MAX_MESSAGE_BYTES = 32 * 1024

/** A message as stored: an envelope plus what the collector stamps on it. */
export type StoredMessage = Omit<Envelope, 'type'> & {
  type: Envelope['type'] | 'screen' | 'group' | 'alias'
  receivedAt: string
  /** The client's `timestamp` before clock-skew correction. */
  originalTimestamp?: string
  [key: string]: unknown
}

export type Checked = { ok: true; message: Record<string, unknown> } | { ok: false; error: string; messageId?: string }

const WRITE_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/

/** Site ids / write keys: letters, digits, `.`, `_`, `-`; never a path. */
export const isValidWriteKey = (key: unknown): key is string => typeof key === 'string' && WRITE_KEY.test(key)

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/
export const isIso = (v: unknown): v is string => typeof v === 'string' && ISO.test(v) && !Number.isNaN(Date.parse(v))
const nonEmpty = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max

/**
 * Check one message. A message without `messageId` gets one derived from its content, so
 * that a client that retries it unchanged is still deduplicated.
 */
export const checkMessage = (raw: unknown): Checked => {
  if (!isPlainObject(raw)) return { ok: false, error: 'message is not an object' }
  const m = { ...raw }
  const id = typeof m.messageId === 'string' ? m.messageId : undefined
  const fail = (error: string): Checked => ({ ok: false, error, ...(id ? { messageId: id.slice(0, MAX_ID_LENGTH) } : {}) })
  if (m.messageId === undefined) m.messageId = 'h-' + createHash('sha256').update(JSON.stringify(raw)).digest('hex').slice(0, 32)
  else if (!nonEmpty(m.messageId, MAX_ID_LENGTH)) return fail(`messageId must be a string of 1 to ${MAX_ID_LENGTH} characters`)
  if (typeof m.type !== 'string' || !MESSAGE_TYPES.has(m.type)) return fail('type must be one of ' + [...MESSAGE_TYPES].join(', '))
  if (m.type === 'track' && !nonEmpty(m.event, MAX_EVENT_LENGTH)) return fail(`track needs an event name of 1 to ${MAX_EVENT_LENGTH} characters`)
  if (m.timestamp !== undefined && !isIso(m.timestamp)) return fail('timestamp must be an ISO 8601 date')
  const anon = m.anonymousId, user = m.userId
  if (anon !== undefined && !nonEmpty(anon, MAX_ID_LENGTH)) return fail('anonymousId must be a non-empty string')
  if (user !== undefined && user !== null && !nonEmpty(user, MAX_ID_LENGTH)) return fail('userId must be a non-empty string')
  if (anon === undefined && (user === undefined || user === null)) return fail('anonymousId or userId is required')
  for (const key of ['properties', 'traits', 'context'] as const) {
    if (m[key] !== undefined && !isPlainObject(m[key])) return fail(`${key} must be an object`)
  }
  return { ok: true, message: m }
}
