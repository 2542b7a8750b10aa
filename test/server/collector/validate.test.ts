// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { correctTimestamp } from '../../../src/server/collector/ingest'
import { parseJson } from '../../../src/server/collector/json'
import { createRateLimiter } from '../../../src/server/collector/ratelimit'
import { checkMessage, isValidWriteKey } from '../../../src/server/collector/validate'

const base = { type: 'track', event: 'add_to_cart', messageId: 'm1', anonymousId: 'a1', timestamp: '2026-03-01T10:00:00.000Z' }

describe('checkMessage', () => {
  it.each([
    ['a footfall track', base],
    ['a page without event', { ...base, type: 'page', event: undefined }],
    ['identify with userId only', { type: 'identify', messageId: 'm', userId: 'u', traits: {} }],
    ['screen, group and alias', { type: 'alias', messageId: 'm', userId: 'u', previousId: 'p' }],
    ['no timestamp', { ...base, timestamp: undefined }],
    ['offset timestamp', { ...base, timestamp: '2026-03-01T10:00:00+02:00' }],
  ])('accepts %s', (_n, m) => {
    expect(checkMessage(JSON.parse(JSON.stringify(m)))).toMatchObject({ ok: true })
  })

  it.each([
    ['an array', [], /object/],
    ['null', null, /object/],
    ['an unknown type', { ...base, type: 'purchase' }, /type/],
    ['a track without event', { ...base, event: '' }, /event/],
    ['an event name too long', { ...base, event: 'e'.repeat(257) }, /event/],
    ['an empty messageId', { ...base, messageId: '' }, /messageId/],
    ['a numeric messageId', { ...base, messageId: 5 }, /messageId/],
    ['a messageId over 200 chars', { ...base, messageId: 'x'.repeat(201) }, /messageId/],
    ['no anonymousId nor userId', { ...base, anonymousId: undefined }, /anonymousId or userId/],
    ['an empty anonymousId', { ...base, anonymousId: '' }, /anonymousId/],
    ['a non-ISO timestamp', { ...base, timestamp: 'Tue, 1 Mar 2026' }, /timestamp/],
    ['an impossible date', { ...base, timestamp: '2026-13-45T10:00:00Z' }, /timestamp/],
    ['properties that are not an object', { ...base, properties: [1] }, /properties/],
    ['context that is a string', { ...base, context: 'x' }, /context/],
  ])('rejects %s', (_n, m, error) => {
    const r = checkMessage(m === null || Array.isArray(m) ? m : JSON.parse(JSON.stringify(m)))
    expect(r.ok).toBe(false)
    expect(!r.ok && r.error).toMatch(error)
  })

  it('derives a stable messageId from the content when a client sends none', () => {
    const { messageId: _, ...rest } = base
    const a = checkMessage({ ...rest })
    const b = checkMessage({ ...rest })
    expect(a.ok && a.message.messageId).toMatch(/^h-[0-9a-f]{32}$/)
    expect(a.ok && b.ok && a.message.messageId === b.message.messageId).toBe(true)
  })
})

describe('isValidWriteKey', () => {
  it.each(['demo-shop', 'abc123', 'site.example_1'])('accepts %s', (k) => expect(isValidWriteKey(k)).toBe(true))
  it.each(['', '.hidden', '../x', 'a/b', 'a\\b', 'a b', 'x'.repeat(129), 5])('rejects %s', (k) => expect(isValidWriteKey(k)).toBe(false))
})

describe('parseJson', () => {
  it('drops __proto__, constructor and prototype keys at any depth', () => {
    const v = parseJson('{"a":{"__proto__":{"x":1},"b":[{"constructor":{"prototype":{"y":1}}}]},"prototype":2}') as any
    expect(v).toEqual({ a: { b: [{}] } })
    expect(Object.getPrototypeOf(v.a)).toBe(Object.prototype)
    expect(({} as any).x).toBeUndefined()
  })
  it('leaves other text alone', () => {
    expect(parseJson('{"constructorName":"x"}')).toEqual({ constructorName: 'x' })
  })
})

describe('correctTimestamp', () => {
  const received = new Date('2026-03-01T12:00:00.000Z')
  it('applies receivedAt - (sentAt - timestamp)', () => {
    expect(correctTimestamp('2026-03-01T13:00:00.000Z', '2026-03-01T13:00:10.000Z', received)).toBe('2026-03-01T11:59:50.000Z')
  })
  it('keeps the timestamp without sentAt, uses receivedAt without timestamp', () => {
    expect(correctTimestamp('2026-03-01T09:00:00.000Z', undefined, received)).toBeUndefined()
    expect(correctTimestamp(undefined, undefined, received)).toBe(received.toISOString())
  })
  it('trusts a client clock within a minute of ours: the timestamp stays exactly as recorded', () => {
    expect(correctTimestamp('2026-03-01T11:59:00.000Z', '2026-03-01T12:00:59.000Z', received)).toBeUndefined()
    expect(correctTimestamp('2026-03-01T11:59:00.000Z', '2026-03-01T11:59:01.000Z', received)).toBeUndefined()
  })
})

describe('rate limiter', () => {
  it('allows a burst, then one request per 1/rate seconds', () => {
    const limit = createRateLimiter({ rate: 2, burst: 2 })
    expect([limit('a', 0), limit('a', 0), limit('a', 0)]).toEqual([0, 0, 1])
    expect(limit('b', 0)).toBe(0)
    expect(limit('a', 500)).toBe(0)
  })
  it('forgets the stalest clients beyond maxClients', () => {
    const limit = createRateLimiter({ rate: 1, burst: 1, maxClients: 2 })
    limit('a', 0)
    limit('b', 0)
    limit('c', 0)
    expect(limit('a', 0)).toBe(0) // a was forgotten: a fresh bucket
  })
})
