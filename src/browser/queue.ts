import { backoff } from '../shared/backoff'
import { body, chunk, MAX_BODY, type Chunk } from './batch'
import { stringify, tooBig } from './lib/json'
import { createRescue } from './rescue'
import { createQueueStore, type Entry } from './store'
import { post } from './transport'
import type { Envelope } from '../shared/types'

/** The queue bounds: beyond them the oldest events go first, and every one is reported. */
export const MAX_EVENTS = 5000
/** A flush starts as soon as this many events wait. */
export const FLUSH_AT = 20
/** …and otherwise every 5 s while anything waits. */
export const FLUSH_MS = 5e3
/** An event larger than this is refused. */
export const MAX_EVENT_BYTES = 32768
/** Events older than this are dropped (and reported) rather than sent. */
export const MAX_AGE_MS = 7 * 864e5

export interface QueueOptions {
  endpoint: string
  writeKey?: string | null
  emit(type: string, data: unknown): void
  /**
   * Counts events given up for `reason` (the tracker turns the counts into footfall_dropped events);
   * `ids`: the events given up, for a `drop` event.
   */
  dropped(count: number, reason: string, ids?: string[]): void
  /** Reports the drop counts not reported yet as footfall_dropped events (called when they can leave). */
  report(): void
  /** Tells the site about an event it sent that cannot be accepted (console.warn + `error`; + count with a reason). */
  warn(message: string, reason?: string): void
}

/** The messageIds of entries (keys end with the messageId, 36 characters). */
const ids = (entries: Entry[]) => entries.map((e) => e[0].slice(-36))

/**
 * track() → queue → IndexedDB, and out with keepalive when the page hides. This is the part of
 * delivery that cannot wait: every event is kept in IndexedDB (idb-keyval) until a 2xx, and the
 * tab also keeps its own unacknowledged events in memory (`mine`) so that they can leave with
 * keepalive as the page hides, when there is no time left to read IndexedDB.
 *
 * Sending from the store (batches, acknowledgements, retries, bounds, several tabs) is in the same
 * closure: one flush at a time, on a timer, at 20 events, on `online` and on flush().
 *
 * A keepalive reply usually arrives after the page is gone, so what left that way is still stored
 * on the next page load. Its keys are remembered (`kept`, in localStorage across pages), and the
 * next request asks the collector which of them it holds (see the sending part below).
 */
export function createQueue(o: QueueOptions) {
  /** Events not yet serialised and stored: that work is batched after a burst so track() stays cheap. */
  let unsaved: [string, Envelope][] = []
  let enabled = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let timerAt = 0
  let sinceFlush = 0
  let seq = 0
  let chain = Promise.resolve()
  let next: Promise<void> | undefined
  /** No retry before this time (set from the backoff; flush(true) and `online` clear it). */
  let retryAt = 0

  /** This tab's events not yet acknowledged, oldest first, as JSON. */
  const mine = new Map<string, string>()
  /**
   * Keys of events on their way and not yet acknowledged: in a request of this page (a browser
   * aborts the ordinary ones as the page goes away, maybe after the collector got them), or sent
   * with keepalive by this page or by pages gone since.
   */
  const kept = new Set<string>()
  /** Keys whose write to the store is under way: in `mine`, not yet safe in IndexedDB. */
  const writing = new Set<string>()
  const rescue = createRescue<Entry>('ff_rescue_')
  const keptLog = createRescue<string>('ff_kept_')
  const store = createQueueStore((e) => {
    o.emit('error', { message: 'no IndexedDB', error: '' + e })
    store.save([...mine])
  })

  /**
   * Serialises what track() recorded (once: the store and every batch reuse the JSON), refuses
   * events over 32 KB, and writes the rest to the store, 200 events per task so that a burst does
   * not become one long task. `now`: all of it before the first await, as the unload path needs.
   */
  const persist = async (now?: boolean) => {
    const list: Entry[] = []
    while (unsaved.length) {
      const part: Entry[] = []
      for (const [k, e] of unsaved.splice(0, now ? unsaved.length : 200)) {
        const json = stringify(e)
        // The one size check: on the JSON that is stored and sent.
        if (tooBig(json, MAX_EVENT_BYTES)) {
          o.dropped(1, 'too_large', [e.messageId])
          o.warn(`"${e.event || e.type}" over 32 KB`)
        } else part.push([k, json]), mine.set(k, json), writing.add(k)
      }
      // The unload path needs only the newest events; the store keeps them all.
      for (const k of mine.keys()) if (mine.size > MAX_EVENTS) mine.delete(k)
      list.push(...part)
      await store.save(part)
      part.forEach((e) => writing.delete(e[0]))
      // The page lived on after all (a tab switch, not an unload): the rescue copy is not needed.
      if (!writing.size) rescue.save([])
    }
    return list
  }

  const schedule = (ms: number) => {
    if (timer && timerAt <= Date.now() + ms) return
    clearTimeout(timer)
    timerAt = Date.now() + ms
    timer = setTimeout(() => {
      timer = undefined
      // Backing off: the retry comes when the backoff (Retry-After) ends, not before.
      Date.now() < retryAt ? schedule(retryAt - Date.now()) : flush()
    }, ms)
  }

  /**
   * Sends this tab's events that are not on their way already, with keepalive (the requests of a
   * page share one 64 KB budget in flight; what does not fit stays stored for the next page). The
   * reply is not read: the keys are `kept`, and the next request asks about them.
   */
  const leave = () => {
    let budget = MAX_BODY
    for (const c of chunk([...mine].filter((e) => !kept.has(e[0])))) {
      if ((budget -= c.bytes + 100) < 0) break
      // Content blockers often refuse sendBeacon: it is only post()'s fallback, for a fetch that is
      // missing or broken. Refused both ways, the events were not sent: the next flush tries again.
      send(c, true).then((r) => r.status || c.entries.forEach((e) => kept.delete(e[0])))
    }
    // For the next page to ask about.
    keptLog.save([...kept])
  }

  /** A chunk's request; its keys are `kept` until answered. `ask`: the keys it asks about (see below). */
  const send = (c: Chunk, keepalive?: boolean, ask: Entry[] = []) => {
    c.entries.forEach((e) => kept.add(e[0]))
    o.emit('send', { ids: ids(c.entries), transport: keepalive ? 'keepalive' : 'fetch' })
    return post(o.endpoint, body(c, o.writeKey, ids(ask)), keepalive)
  }

  // ——— Sending from the store: batches, acknowledgements, retries, the bounds and several tabs.
  // Sending happens under a Web Lock, so with several tabs open each stored event is sent by one
  // tab at a time. What earlier pages sent with keepalive is still stored (their replies came after
  // they were gone): the first request asks the collector which of those it holds (`"check": [ids]`);
  // footfall's collector answers `"held": [ids]`, and only the others are sent again. An endpoint
  // that does not answer holds none of them as far as footfall knows: they are all sent again.

  /** Failed attempts in a row (the backoff grows with them). */
  let attempt = 0

  /** Forgets entries for good: delivered, or given up. */
  const forget = async (entries: Entry[]) => {
    const keys = entries.map((e) => e[0])
    keys.forEach((k) => (mine.delete(k), kept.delete(k)))
    await store.del(keys)
  }

  /**
   * Sends one chunk's worth of entries, asking about `ask` (see `kept`); false when the collector is
   * unreachable or busy and the rest must wait. What left with keepalive meanwhile (the page hid
   * while this flush read the store) is not sent again here.
   */
  const deliver = async (list: Entry[], ask: Entry[] = []): Promise<boolean> => {
    const [c = { entries: [], parts: '', bytes: 0 }] = chunk(list.filter((e) => !kept.has(e[0])))
    const n = c.entries.length
    if (!n && !ask.length) return true
    const r = await send(c, false, ask)
    const s = r.status
    if (s > 199 && s < 300) {
      // Only footfall's collector answers `held`; any other endpoint gets every asked event again.
      const held = /"held":\[([^\]]*)/.exec(r.text!)?.[1] || ''
      for (const e of ask) if (held.includes(e[0].slice(-36))) c.entries.push(e)
      await forget(c.entries)
      o.emit('ack', { ids: ids(c.entries) })
      attempt = 0
      return true
    }
    // Refused, or never sent (sendBeacon refused it): not held. No answer at all (a network error, a
    // timeout, a request aborted as the page went away): the collector may hold them, so they stay
    // `kept` and are asked about next time.
    if (s || r.beacon) c.entries.forEach((e) => kept.delete(e[0]))
    if (s < 400 || s == 408 || s == 429 || s > 499) {
      retryAt = Date.now() + backoff(++attempt, r.retryAfter)
      o.emit('error', { message: 'send failed', status: s })
      return false
    }
    // 413 or another 4xx: the collector refuses something in this chunk (or the question: the
    // asked events are then sent again). Bisect until the refused events stand alone, drop only
    // those, and deliver the rest.
    if (n < 2) return n && give(c.entries, s == 413 ? 'too_large' : 'rejected'), true
    return (await deliver(c.entries.slice(0, n >> 1))) && deliver(c.entries.slice(n >> 1))
  }

  /** Gives up on entries for `reason`, visibly: a `drop` event now, a footfall_dropped report later. */
  const give = async (entries: Entry[], reason: string) => {
    if (!entries.length) return
    await forget(entries)
    // A refused drop report is not reported again: with a collector that refuses everything that
    // would be one more report every few seconds, forever.
    o.dropped(entries.filter((e) => !e[1].includes('"event":"footfall_dropped"')).length, reason, ids(entries))
  }

  /** Drops what is beyond the bounds (7 days, 5,000 events), oldest first. */
  const trim = async (all: Entry[]): Promise<Entry[]> => {
    const cutoff = new Date(Date.now() - MAX_AGE_MS).toISOString()
    // Keys start with the event's ISO time and `all` is sorted: the expired ones come first.
    const expired = all.filter((e) => e[0] < cutoff).length
    const keep = Math.max(expired, all.length - MAX_EVENTS)
    await give(all.slice(0, expired), 'expired')
    await give(all.slice(expired, keep), 'queue_full')
    return all.slice(keep)
  }

  addEventListener('online', () => {
    retryAt = attempt = 0
    flush()
  })

  /** One flush from the store; true when some of it must wait for a retry. */
  const fromStore = async (): Promise<boolean> => {
    // Backing off (a timed flush queued behind the one that failed and set it): wait.
    if (Date.now() < retryAt) return true
    let rest = false
    const locked = async () => {
      // Only when no write is under way is every key in `mine` already in the store.
      const known = writing.size ? [] : [...mine.keys()]
      const all = await trim(await store.stored())
      // Another tab may have delivered some of ours: stop holding those for the unload path.
      const live = new Set(all.map((e) => e[0]))
      for (const k of known) live.has(k) || mine.delete(k)
      if (!navigator.onLine) return
      // Drop reports are created only when they can leave, so they never crowd the queue: not while
      // the collector keeps failing (at the bound each retry would push out one more real event),
      // but as soon as it answers again.
      const failing = attempt
      failing || o.report()
      for (const k of keptLog.take()) kept.add(k)
      // At most 500 ids are asked about (20 KB of the 64 KB a body may hold: a sendBeacon fallback
      // must carry it too); the rest are sent again, as to any collector.
      const ask = all.filter((e) => kept.has(e[0])).slice(0, 500)
      kept.clear()
      ask.forEach((e) => kept.add(e[0]))
      let list = all.filter((e) => !kept.has(e[0])).concat(await persist())
      if (ask.length) {
        // The first request carries the question (with the first chunk, or alone).
        const first = chunk(list, MAX_BODY - 2e4)[0]?.entries || []
        if ((rest = !(await deliver(first, ask)))) return
        // Those the collector holds are forgotten (not kept any more); the others are sent again.
        list = ask.filter((e) => kept.delete(e[0])).concat(list.slice(first.length))
      }
      for (const c of chunk(list)) if ((rest = !(await deliver(c.entries)))) break
      if (failing && !attempt) o.report()
    }
    await (navigator.locks ? navigator.locks.request('footfall', locked) : locked())
    return rest
  }

  const run = async () => {
    if (!enabled) return
    await persist()
    // (Backing off, the timer itself waits until retryAt.)
    if ((await fromStore()) || mine.size || unsaved.length) schedule(FLUSH_MS)
  }

  /**
   * Runs one flush after the current one; calls made while one waits share it. `now`: asked for
   * (flush()), whatever backoff is under way; the timer's flushes wait it out.
   */
  const flush = (now?: boolean): Promise<void> => {
    if (now) retryAt = 0
    return (next ||= chain = chain.then(() => {
      next = undefined
      sinceFlush = 0
      return run().catch((e) => o.emit('error', { message: 'flush failed', error: '' + e }))
    }))
  }

  const q = {
    flush,
    /** Makes sure a flush comes within 5 s (e.g. to report drops). */
    soon: () => schedule(FLUSH_MS),
    add(e: Envelope) {
      // Sortable: time, then recording order within the millisecond, then the id for uniqueness across tabs.
      if (unsaved.push([e.timestamp + (1e9 + ++seq) + e.messageId, e]) == 1) setTimeout(persist)
      if (enabled) schedule(++sinceFlush >= FLUSH_AT ? 0 : FLUSH_MS)
    },
    /** Called when the page may be going away: sends what this tab holds with keepalive. */
    unload() {
      if (!enabled) return
      persist(true)
      // A page being unloaded aborts its IndexedDB writes: what is not yet safely stored (all of it
      // when the queue lives in memory) is also copied, synchronously, to localStorage, and moved
      // into the store on the next page load.
      rescue.save(store.durable() ? [...writing].map((k) => [k, mine.get(k)!]) : [...mine])
      // What is on its way already (an ordinary request in flight, or keepalive on an earlier
      // hide: pagehide often follows visibilitychange) is not sent again now.
      leave()
    },
    /** Consent granted: store and send. Otherwise hold nothing here. */
    enable(on: boolean) {
      enabled = on
      if (on) store.save(rescue.take()), schedule(0)
    },
    /** Consent denied: forget every queued event, stored or not. */
    async reset() {
      rescue.take()
      keptLog.take()
      kept.clear()
      mine.clear()
      unsaved = []
      await store.reset()
    },
  }
  return q
}
