import { backoff } from './backoff'
import { chunk, MAX_BODY } from './batch'
import { ids, MAX_EVENTS, type Queue } from './queue'
import type { Entry } from './store'

/** Events older than this are dropped (and reported) rather than sent. */
export const MAX_AGE_MS = 7 * 864e5

/**
 * Sending from the store: batches, acknowledgements, retries, the bounds and several tabs. The
 * tracker attaches it to the queue as `run` as it starts.
 *
 * Sending happens under a Web Lock, so with several tabs open each stored event is sent by one
 * tab at a time. What earlier pages sent with keepalive is still stored (their replies came after
 * they were gone): the first request asks the collector which of those it holds (`"check": [ids]`);
 * footfall's collector answers `"held": [ids]`, and only the others are sent again. An endpoint
 * that does not answer holds none of them as far as footfall knows: they are all sent again.
 */
export function sender(q: Queue): Queue['run'] {
  const { o, mine, kept } = q
  let attempt = 0

  /** Forgets entries for good: delivered, or given up. */
  const forget = async (entries: Entry[]) => {
    const keys = entries.map((e) => e[0])
    keys.forEach((k) => (mine.delete(k), kept.delete(k)))
    await q.del(keys)
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
    const r = await q.send(c, false, ask)
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
      q.retryAt = Date.now() + backoff(++attempt, r.retryAfter)
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
    o.emit('drop', { ids: ids(entries), reason })
    // A refused drop report is not reported again: with a collector that refuses everything that
    // would be one more report every few seconds, forever.
    o.dropped(entries.filter((e) => !e[1].includes('"event":"footfall_dropped"')).length, reason)
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
    q.retryAt = attempt = 0
    q.flush()
  })

  return async () => {
    // Backing off (a timed flush queued behind the one that failed and set it): wait.
    if (Date.now() < q.retryAt) return true
    let rest = false
    const locked = async () => {
      // Only when no write is under way is every key in `mine` already in the store.
      const known = q.writing.size ? [] : [...mine.keys()]
      const all = await trim(await q.stored())
      // Another tab may have delivered some of ours: stop holding those for the unload path.
      const live = new Set(all.map((e) => e[0]))
      for (const k of known) live.has(k) || mine.delete(k)
      if (!navigator.onLine) return
      // Drop reports are created only when they can leave, so they never crowd the queue: not while
      // the collector keeps failing (at the bound each retry would push out one more real event),
      // but as soon as it answers again.
      const failing = attempt
      failing || o.report()
      for (const k of q.take()) kept.add(k)
      // At most 500 ids are asked about (20 KB of the 64 KB a body may hold: a sendBeacon fallback
      // must carry it too); the rest are sent again, as to any collector.
      const ask = all.filter((e) => kept.has(e[0])).slice(0, 500)
      kept.clear()
      ask.forEach((e) => kept.add(e[0]))
      let list = all.filter((e) => !kept.has(e[0])).concat(await q.persist())
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
}
