import { describe, expect, it } from 'vitest'
import { body, chunk, MAX_BODY } from '../../../src/browser/batch'
import type { Entry } from '../../../src/browser/store'
import type { Envelope } from '../../../src/shared/types'

const ev = (i: number, pad = 0, props: Record<string, unknown> = { i, pad: 'x'.repeat(pad) }): Entry => [
  `k${String(i).padStart(5, '0')}`,
  JSON.stringify({ type: 'track', event: 'e', properties: props, messageId: 'id' + i, timestamp: '', anonymousId: 'a', context: {} as Envelope['context'] }),
]

describe('chunk', () => {
  it('keeps everything in one chunk while it fits', () => {
    const c = chunk(Array.from({ length: 20 }, (_, i) => ev(i)))
    expect(c).toHaveLength(1)
    expect(c[0].entries).toHaveLength(20)
  })
  it('never builds a body over 64 KB, and keeps order', () => {
    const list = Array.from({ length: 300 }, (_, i) => ev(i, 1000))
    const cs = chunk(list)
    expect(cs.length).toBeGreaterThan(4)
    for (const c of cs) expect(new TextEncoder().encode(body(c, 'site')).length).toBeLessThanOrEqual(MAX_BODY)
    expect(cs.flatMap((c) => c.entries.map((e) => e[0]))).toEqual(list.map((e) => e[0]))
  })
  it('counts UTF-8 bytes, not characters', () => {
    const cs = chunk(Array.from({ length: 40 }, (_, i) => ev(i, 0, { s: '€'.repeat(1000) })))
    for (const c of cs) expect(new TextEncoder().encode(body(c)).length).toBeLessThanOrEqual(MAX_BODY)
    expect(cs.length).toBeGreaterThan(1)
  })
})

describe('body', () => {
  it('is the Segment-compatible batch body', () => {
    const b = JSON.parse(body(chunk([ev(1)])[0], 'demo-shop'))
    expect(Object.keys(b)).toEqual(['batch', 'sentAt', 'writeKey'])
    expect(b.batch[0].messageId).toBe('id1')
    expect(b.writeKey).toBe('demo-shop')
    expect(new Date(b.sentAt).toISOString()).toBe(b.sentAt)
  })
  it('leaves writeKey out when there is no site id', () => {
    expect(JSON.parse(body(chunk([ev(1)])[0]))).not.toHaveProperty('writeKey')
  })
})
