import { body, chunk, MAX_BODY, type Chunk } from './batch'
import { stringify, tooBig } from './lib/json'
import { createRescue } from './rescue'
import { createQueueStore, type Entry } from './store'
import { post } from './transport'
import type { Envelope } from './types'

/** The queue bounds: beyond them the oldest events go first, and every one is reported. */
export const MAX_EVENTS = 5000
/** A flush starts as soon as this many events wait. */
export const FLUSH_AT = 20
/** …and otherwise every 5 s while anything waits. */
export const FLUSH_MS = 5e3
/** An event larger than this is refused. */
export const MAX_EVENT_BYTES = 32768

export interface QueueOptions {
  endpoint: string
  writeKey?: string | null
  emit(type: string, data: unknown): void
  /** Counts events given up for `reason`; the tracker turns the counts into footfall_dropped events. */
  dropped(count: number, reason: string): void
  /** Reports the drop counts not reported yet as footfall_dropped events (the sender calls it when they can leave). */
  report(): void
  /** Tells the site about an event it sent that cannot be accepted (console.warn + `error` + count). */
  warn(message: string, reason: string): void
}

export type Queue = ReturnType<typeof createQueue>

/** The messageIds of entries (keys end with the messageId, 36 characters). */
export const ids = (entries: Entry[]) => entries.map((e) => e[0].slice(-36))

/**
 * track() → queue → IndexedDB, and out with keepalive when the page hides. This is the part of
 * delivery that cannot wait: every event is kept in IndexedDB (idb-keyval) until a 2xx, and the
 * tab also keeps its own unacknowledged events in memory (`mine`) so that they can leave with
 * keepalive as the page hides, when there is no time left to read IndexedDB.
 *
 * Sending from the store (batches, acknowledgements, retries, bounds, several tabs) is `run`,
 * which the sender (send.ts) attaches as the tracker starts.
 *
 * A keepalive reply usually arrives after the page is gone, so what left that way is still stored
 * on the next page load. Its keys are remembered (`kept`, in localStorage across pages), and the
 * next request asks the collector which of them it holds (see send.ts).
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
          o.emit('drop', { ids: [e.messageId], reason: 'too_large' })
          o.warn(`"${e.event || e.type}" over 32 KB`, 'too_large')
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
      Date.now() < q.retryAt ? schedule(q.retryAt - Date.now()) : flush()
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
    // For the next page's sender to ask about.
    keptLog.save([...kept])
  }

  /** A chunk's request; its keys are `kept` until answered. `ask`: the keys it asks about (see send.ts). */
  const send = (c: Chunk, keepalive?: boolean, ask: Entry[] = []) => {
    c.entries.forEach((e) => kept.add(e[0]))
    o.emit('send', { ids: ids(c.entries), transport: keepalive ? 'keepalive' : 'fetch' })
    return post(o.endpoint, body(c, o.writeKey, ids(ask)), keepalive)
  }

  const run = async () => {
    if (!enabled) return
    await persist()
    // (Backing off, the timer itself waits until retryAt.)
    if ((await q.run!()) || mine.size || unsaved.length) schedule(FLUSH_MS)
  }

  /** Runs one flush after the current one; calls made while one waits share it. */
  const flush = (): Promise<void> =>
    (next ||= chain = chain.then(() => {
      next = undefined
      sinceFlush = 0
      return run().catch((e) => o.emit('error', { message: 'flush failed', error: '' + e }))
    }))

  const q = {
    o,
    mine,
    kept,
    writing,
    /** No retry before this time (set by the sender from its backoff; flush() and `online` clear it). */
    retryAt: 0,
    /** One flush from the store, attached by the sender; true when some of it must wait for a retry. */
    run: undefined as undefined | (() => Promise<boolean>),
    stored: store.stored,
    del: store.del,
    persist,
    send,
    /** The keys every page gone since sent with keepalive (see `kept`), taken out of localStorage. */
    take: keptLog.take,
    flush,
    /** Makes sure a flush comes within 5 s (e.g. to report drops). */
    soon: () => schedule(FLUSH_MS),
    add(e: Envelope) {
      // Sortable: time, then recording order within the millisecond, then the id for uniqueness across tabs.
      if (unsaved.push([e.timestamp + (1e9 + ++seq) + e.messageId, e]) == 1) setTimeout(() => persist())
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
