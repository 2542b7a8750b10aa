import { stringify, utf8 } from './lib/json'
import type { Entry } from './store'

/** The keepalive / sendBeacon limit for one request body. */
export const MAX_BODY = 64e3

export interface Chunk {
  entries: Entry[]
  /** JSON of each event, joined: the inside of `"batch":[...]`. */
  parts: string
  bytes: number
}

/**
 * Packs entries (already JSON), oldest first, into chunks whose bodies stay under `max` bytes.
 * An event too big for any body still gets a chunk of its own so the collector can answer 413
 * and it is dropped visibly rather than stuck forever.
 */
export function chunk(list: Entry[], max = MAX_BODY - 200): Chunk[] {
  const out: Chunk[] = []
  let c: Chunk | undefined
  for (const e of list) {
    const s = e[1]
    const n = utf8.encode(s).length + 1
    if (!c || c.bytes + n > max) out.push((c = { entries: [], parts: '', bytes: 0 }))
    c.entries.push(e)
    c.parts += (c.parts ? ',' : '') + s
    c.bytes += n
  }
  return out
}

/**
 * The request body: `{"batch": [...], "sentAt": "ISO", "writeKey": "site"}`, and `"check": [ids]`
 * when footfall asks which of the events it sent with keepalive the collector already holds (a
 * top-level field Segment-compatible endpoints ignore).
 */
export const body = (c: Chunk, writeKey?: string | null, check: string[] = []): string =>
  '{"batch":[' +
  c.parts +
  '],"sentAt":"' +
  new Date().toISOString() +
  '"' +
  (writeKey ? ',"writeKey":' + stringify(writeKey) : '') +
  (check.length ? ',"check":' + stringify(check) : '') +
  '}'
