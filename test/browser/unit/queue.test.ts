import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Envelope } from '../../../src/shared/types'

// The transport takes fetch once at load, like in a page: install the fake before importing.
type Call = { batch: Envelope[]; check?: string[]; keepalive?: boolean }
let calls: Call[] = []
/** A status, a status and a body, or 'hang': a reply that never comes (the page is gone). */
let answer: (b: Call) => number | { status: number; body: string; headers?: Record<string, string> } | 'hang' = () => 200
const fakeFetch = async (_url: string, init: RequestInit) => {
  const b = { ...JSON.parse(init.body as string), keepalive: init.keepalive } as Call
  calls.push(b)
  const a = answer(b)
  if (a == 'hang') return new Promise(() => {})
  if (a === 0) throw new TypeError('Failed to fetch')
  return typeof a == 'number' ? new Response('{}', { status: a }) : new Response(a.body, { status: a.status, headers: a.headers })
}
vi.stubGlobal('fetch', fakeFetch)
const { createQueue, MAX_EVENTS } = await import('../../../src/browser/queue')

const ev = (props: Record<string, unknown> = {}, at = new Date()): Envelope => ({
  type: 'track',
  event: 'e',
  properties: props,
  messageId: crypto.randomUUID(),
  timestamp: at.toISOString(),
  anonymousId: 'a',
  context: {} as Envelope['context'],
})

const queues: { reset(): Promise<void>; enable(on: boolean): void }[] = []
const setup = () => {
  const dropped: [number, string][] = []
  const events: [string, any][] = []
  const q = createQueue({
    endpoint: 'http://127.0.0.1/collect',
    emit: (t, d) => events.push([t, d]),
    // As the tracker does: a count, and a `drop` event for the ids given up.
    dropped: (c, r, ids) => (dropped.push([c, r]), ids && events.push(['drop', { ids, reason: r }])),
    report: () => {},
    warn: (m, r) => events.push(['warn', [m, r]]),
  })
  q.enable(true)
  queues.push(q)
  // What the timer calls; `q.flush()` below is what the tracker's flush() calls: now, whatever the backoff.
  const timed = q.flush
  q.flush = () => timed(true)
  return { q, dropped, events, timed }
}

const sent = () => calls.flatMap((c) => c.batch.map((e) => e.messageId))

beforeEach(() => {
  calls = []
  answer = () => 200
})
// Each test leaves an empty store behind and no timer that could still send.
afterEach(async () => {
  for (const q of queues.splice(0)) {
    q.enable(false)
    await q.reset()
  }
})

describe('queue', () => {
  it('delivers queued events in one batch and forgets them after the 2xx', async () => {
    const { q, events } = setup()
    const list = [ev(), ev(), ev()]
    list.forEach(q.add)
    await q.flush()
    expect(calls).toHaveLength(1)
    expect(sent()).toEqual(list.map((e) => e.messageId))
    expect(events.filter((e) => e[0] == 'ack')).toEqual([['ack', { ids: list.map((e) => e.messageId) }]])
    await q.flush()
    expect(calls).toHaveLength(1) // nothing left to send
  })

  it('keeps events through a 503 and sends them again with the same messageId', async () => {
    const { q } = setup()
    answer = () => 503
    const e = ev()
    q.add(e)
    await q.flush()
    answer = () => 200
    await q.flush()
    expect(sent()).toEqual([e.messageId, e.messageId])
    await q.flush()
    expect(calls).toHaveLength(2)
  })

  it('bisects a refused batch and drops only the refused event', async () => {
    const { q, dropped, events } = setup()
    answer = (b) => (b.batch.some((e) => e.properties!.bad) ? 400 : 200)
    const list = Array.from({ length: 9 }, (_, i) => ev({ bad: i == 4 }))
    list.forEach(q.add)
    await q.flush()
    const acked = events.filter((e) => e[0] == 'ack').flatMap((e) => e[1].ids)
    expect(acked.sort()).toEqual(list.filter((_, i) => i != 4).map((e) => e.messageId).sort())
    expect(dropped).toEqual([[1, 'rejected']])
    expect(events.find((e) => e[0] == 'drop')![1]).toEqual({ ids: [list[4].messageId], reason: 'rejected' })
  })

  it('splits on 413 without dropping anything that fits', async () => {
    const { q, dropped } = setup()
    answer = (b) => (b.batch.length > 2 ? 413 : 200)
    Array.from({ length: 8 }, () => ev()).forEach(q.add)
    await q.flush()
    expect(new Set(calls.filter((c) => c.batch.length <= 2).flatMap((c) => c.batch.map((e) => e.messageId))).size).toBe(8)
    expect(dropped).toEqual([])
  })

  it('keeps at most 5,000 events, drops the oldest and counts exactly', async () => {
    const { q, dropped } = setup()
    answer = () => 503
    const list = Array.from({ length: MAX_EVENTS + 37 }, () => ev())
    list.forEach(q.add)
    await q.flush()
    expect(dropped).toEqual([[37, 'queue_full']])
    answer = () => 200
    calls = []
    await q.flush()
    expect(new Set(sent())).toEqual(new Set(list.slice(37).map((e) => e.messageId)))
  })

  it('drops events older than 7 days and reports them', async () => {
    const { q, dropped } = setup()
    q.add(ev({}, new Date(Date.now() - 8 * 864e5)))
    q.add(ev())
    await q.flush()
    expect(dropped).toEqual([[1, 'expired']])
    expect(calls.flatMap((c) => c.batch)).toHaveLength(1)
  })

  it('refuses an event over 32 KB when it is stored, and says so', async () => {
    const { q, events, dropped } = setup()
    const big = ev({ s: 'x'.repeat(40e3) })
    q.add(big)
    q.add(ev())
    await q.flush()
    expect(sent()).not.toContain(big.messageId)
    expect(sent()).toHaveLength(1)
    expect(events.find((e) => e[0] == 'warn')![1][0]).toMatch(/over 32 KB/)
    expect(dropped).toEqual([[1, 'too_large']])
    expect(events.find((e) => e[0] == 'drop')![1]).toEqual({ ids: [big.messageId], reason: 'too_large' })
  })

  it('asks which events that left with keepalive the collector holds, and sends only the others again', async () => {
    const { q, events } = setup()
    const list = [ev(), ev(), ev()]
    list.forEach(q.add)
    answer = () => 'hang'
    q.unload()
    expect(calls).toEqual([expect.objectContaining({ keepalive: true, batch: list })])
    const later = ev()
    q.add(later)
    // footfall's collector holds the first two.
    answer = (b) => (b.check ? { status: 200, body: JSON.stringify({ ok: true, held: b.check.slice(0, 2) }) } : 200)
    await q.flush()
    expect(calls[1].check).toEqual(list.map((e) => e.messageId))
    expect(calls[1].batch.map((e) => e.messageId)).toEqual([later.messageId])
    expect(calls.slice(2).flatMap((c) => c.batch.map((e) => e.messageId))).toEqual([list[2].messageId])
    const acked = events.filter((e) => e[0] == 'ack').flatMap((e) => e[1].ids)
    expect(acked.sort()).toEqual([...list, later].map((e) => e.messageId).sort())
    // Nothing is left to send or to ask about.
    const n = calls.length
    await q.flush()
    expect(calls).toHaveLength(n)
  })

  it('sends everything again to an endpoint that does not answer the question', async () => {
    const { q } = setup()
    const list = [ev(), ev()]
    list.forEach(q.add)
    answer = () => 'hang'
    q.unload()
    // A Segment-compatible endpoint: 200 without `held` (or 400 for a batch with nothing in it).
    for (const reply of [200, 400]) {
      calls = []
      answer = (b) => (b.batch.length ? 200 : reply)
      await q.flush()
      expect(calls[0].check).toEqual(list.map((e) => e.messageId))
      expect(calls.flatMap((c) => c.batch.map((e) => e.messageId))).toEqual(list.map((e) => e.messageId))
      // Sent, acknowledged: the second round has a fresh pair that left with keepalive.
      list.splice(0, 2, ev(), ev())
      list.forEach(q.add)
      answer = () => 'hang'
      q.unload()
    }
  })

  /** The next flush asks about `e`, the collector does not hold it, and it is sent again. */
  const asksThenSendsAgain = async (q: { flush(): Promise<void> }, e: Envelope) => {
    answer = (b) => (b.check ? { status: 200, body: '{"held":[]}' } : 200)
    calls = []
    await q.flush()
    expect(calls[0].check).toEqual([e.messageId])
    expect(calls.flatMap((c) => c.batch.map((x) => x.messageId))).toEqual([e.messageId])
  }

  it('asks again, and loses nothing, when the question itself fails', async () => {
    const { q } = setup()
    const e = ev()
    q.add(e)
    answer = () => 'hang'
    q.unload()
    answer = () => 503
    await q.flush()
    await asksThenSendsAgain(q, e)
  })

  it('asks about what a request without an answer carried (the collector may hold it), and sends it again when not held', async () => {
    const { q } = setup()
    const e = ev()
    q.add(e)
    answer = () => 0 // a network error
    await q.flush()
    await asksThenSendsAgain(q, e)
  })

  it('a timed flush waits out the backoff (Retry-After); flush() does not', async () => {
    const { q, timed } = setup()
    answer = () => ({ status: 503, body: '', headers: { 'Retry-After': '60' } })
    q.add(ev())
    await q.flush()
    expect(calls).toHaveLength(1)
    answer = () => 200
    await timed()
    expect(calls).toHaveLength(1)
    await q.flush()
    expect(calls).toHaveLength(2)
  })

  it('sends nothing until enabled (consent) and nothing after reset()', async () => {
    const { q } = setup()
    q.enable(false)
    q.add(ev())
    await q.flush()
    expect(calls).toHaveLength(0)
    await q.reset()
    q.enable(true)
    await q.flush()
    expect(calls).toHaveLength(0)
  })
})
