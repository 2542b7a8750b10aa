/**
 * From a parsed body to stored messages: unwrap the batch, check each message, correct
 * clock skew, stamp `receivedAt` and the traffic class, drop duplicates, append to the store, hand to the forwarder.
 */
import { isPlainObject } from './json'
import { toLine, type Store } from './store'
import { classOfAgent, trafficOf } from './traffic'
import { checkMessage, isIso, isValidWriteKey, MAX_MESSAGE_BYTES, type StoredMessage } from './validate'

export interface Rejected {
  index: number
  messageId?: string
  error: string
}

export interface IngestReply {
  status: number
  body: { ok: boolean; accepted: number; duplicates: number; rejected: Rejected[]; error?: string; held?: string[] }
}

export interface IngestDeps {
  store: Store
  forward?: (batch: StoredMessage[], writeKey?: string) => Promise<void>
  /** Accepted write keys; none means any well-formed key. */
  writeKeys?: readonly string[]
  now?: () => Date
  /** The request's `User-Agent` header: it classifies the messages (`context.traffic`) and is not stored. */
  userAgent?: string | string[]
}

const reply = (status: number, error: string): IngestReply => ({
  status,
  body: { ok: false, accepted: 0, duplicates: 0, rejected: [], error },
})

/** Below this gap between the client's `sentAt` and our clock, the client clock is trusted. */
export const SKEW_MS = 60e3

/**
 * Segment's clock-skew rule, applied only to a clock that is visibly wrong: the client's clock
 * may be off, but `sentAt - timestamp` is measured on that clock, so `receivedAt - (sentAt -
 * timestamp)` is the event time on ours. Within a minute (network time, ordinary drift) the
 * event keeps the timestamp it was recorded with, exactly. Returns undefined when unchanged.
 */
export const correctTimestamp = (timestamp: string | undefined, sentAt: string | undefined, receivedAt: Date): string | undefined => {
  if (!timestamp) return receivedAt.toISOString()
  const s = sentAt ? Date.parse(sentAt) : NaN
  if (Number.isNaN(s) || Math.abs(receivedAt.getTime() - s) <= SKEW_MS) return
  return new Date(receivedAt.getTime() - (s - Date.parse(timestamp))).toISOString()
}

/** At most this many ids are answered in `held`; the client sends the others again. */
export const MAX_CHECK = 10_000

/**
 * The answer to a client's `check` (ids it sent with keepalive as a page went away, reply unseen):
 * those this collector holds on disk. Anything it cannot vouch for is left out, so the client sends
 * it again. Undefined when the body asks nothing.
 */
export const held = async (check: unknown, store: Store): Promise<string[] | undefined> => {
  if (!Array.isArray(check)) return
  const ids = check.slice(0, MAX_CHECK).filter((id): id is string => typeof id == 'string' && store.has(id))
  // A copy still being written counts once it landed; a failed write forgets the id (has() turns false).
  await Promise.allSettled(ids.map((id) => store.stored([id])))
  return ids.filter((id) => store.has(id))
}

/** Ingest one request body (`{batch, sentAt?, writeKey?, check?}` or a single message). */
export const ingest = async (payload: unknown, authKey: string | undefined, deps: IngestDeps): Promise<IngestReply> => {
  if (!isPlainObject(payload)) return reply(400, 'body must be a JSON object')
  // Segment's single-message endpoints post one message, not a batch: accept both.
  const single = !('batch' in payload) && 'type' in payload
  const batch = single ? [payload] : payload.batch
  if (!Array.isArray(batch)) return reply(400, 'body must have a "batch" array')
  const writeKey = payload.writeKey ?? authKey
  if (writeKey !== undefined && !isValidWriteKey(writeKey)) return reply(400, 'invalid writeKey')
  if (deps.writeKeys?.length && !deps.writeKeys.includes(writeKey as string)) return reply(401, 'unknown writeKey')
  const sentAt = isIso(payload.sentAt) ? payload.sentAt : undefined

  const now = (deps.now ?? (() => new Date()))()
  const agent = classOfAgent(deps.userAgent)
  const receivedAt = now.toISOString()
  const rejected: Rejected[] = []
  const fresh: StoredMessage[] = []
  const lines: string[] = []
  const inBatch = new Set<string>()
  /** Duplicates of messages stored by an earlier request: acknowledged once that copy is on disk. */
  const earlier: string[] = []
  let duplicates = 0

  batch.forEach((raw, index) => {
    const checked = checkMessage(raw)
    if (!checked.ok) return void rejected.push({ index, messageId: checked.messageId, error: checked.error })
    const m = checked.message
    const id = m.messageId as string
    const messageSentAt = isIso(m.sentAt) ? m.sentAt : sentAt
    // The limit applies to the message as the client sent it (what the SDK measures), not to
    // the stored line with its stamps.
    if (Buffer.byteLength(JSON.stringify(m)) > MAX_MESSAGE_BYTES) {
      return void rejected.push({ index, messageId: id, error: `message larger than ${MAX_MESSAGE_BYTES} bytes` })
    }
    const corrected = correctTimestamp(m.timestamp as string | undefined, messageSentAt, now)
    // The collector's class, whatever the message said: a class sent by a client is overwritten.
    // (The context is this request's own parse: set in place, not copied.)
    ;((m.context ??= {}) as Record<string, unknown>).traffic = trafficOf(agent, m)
    const stored = {
      ...m,
      // A corrected clock keeps the client's time as originalTimestamp (a relayed message keeps the first client's).
      ...(corrected ? { timestamp: corrected } : {}),
      ...(corrected && m.timestamp !== undefined ? { originalTimestamp: (m.originalTimestamp as string) ?? m.timestamp } : {}),
      ...(messageSentAt ? { sentAt: messageSentAt } : {}),
      ...(writeKey !== undefined ? { writeKey } : {}),
      receivedAt,
    } as unknown as StoredMessage
    const line = toLine(stored)
    if (inBatch.has(id)) return void duplicates++
    if (deps.store.has(id)) return void (earlier.push(id), duplicates++)
    inBatch.add(id)
    fresh.push(stored)
    lines.push(line)
  })

  if (batch.length > 0 && rejected.length === batch.length) {
    return { status: 400, body: { ok: false, accepted: 0, duplicates, rejected, error: 'no valid message in batch' } }
  }
  const [wrote, before, asked] = await Promise.allSettled([deps.store.append(fresh, lines), deps.store.stored(earlier), held(payload.check, deps.store)])
  // What this request stored is forwarded even when the request then fails: its retry will see duplicates.
  if (wrote.status == 'fulfilled' && deps.forward && fresh.length) await deps.forward(fresh, writeKey as string | undefined)
  // A failed write of either kind fails the request (500 + Retry-After): the client keeps the events and retries.
  for (const r of [wrote, before]) if (r.status == 'rejected') throw r.reason
  const answer = asked.status == 'fulfilled' && asked.value ? { held: asked.value } : {}
  return { status: 200, body: { ok: true, accepted: fresh.length, duplicates, rejected, ...answer } }
}
