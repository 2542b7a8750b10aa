// @vitest-environment node
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ingest } from '../../../src/server/collector/ingest'
import { openStore } from '../../../src/server/collector/store'
import { tempDir } from './helpers'

const event = (messageId: string) => ({ type: 'track', event: 'add_to_cart', messageId, anonymousId: 'a', timestamp: '2030-01-01T00:00:00.000Z' })

describe('ingest of a retried batch', () => {
  it('does not acknowledge a duplicate whose first copy then fails to be written', async () => {
    const dir = tempDir()
    const store = await openStore({ dir })
    const deps = { store, now: () => new Date('2030-01-01T00:00:01.000Z') }
    // The day file cannot be opened, so the first copy's write fails after the retry has arrived.
    mkdirSync(join(dir, '2030-01-01.ndjson'))
    const first = ingest({ batch: [event('m-1')] }, undefined, deps)
    const retry = ingest({ batch: [event('m-1')] }, undefined, deps)
    await expect(first).rejects.toThrow()
    // Before: the retry was answered 200 as a duplicate, the client deleted the event, and it was lost.
    await expect(retry).rejects.toThrow()
    await store.close()
  })

  it('forwards what a request stored even when a duplicate in it fails the request', async () => {
    const dir = tempDir()
    const store = await openStore({ dir })
    mkdirSync(join(dir, '2030-01-01.ndjson'))
    const forwarded: string[] = []
    const forward = async (batch: { messageId: string }[]) => void forwarded.push(...batch.map((m) => m.messageId))
    const first = ingest({ batch: [event('m-3')] }, undefined, { store, forward, now: () => new Date('2030-01-01T00:00:01.000Z') })
    // Stored on the next day's file, which works; its duplicate of m-3 waits for m-3's failing write.
    const second = ingest({ batch: [event('m-3'), event('m-4')] }, undefined, { store, forward, now: () => new Date('2030-01-02T00:00:01.000Z') })
    await expect(first).rejects.toThrow()
    await expect(second).rejects.toThrow()
    // m-4 is stored; its retry will be a duplicate, so it must reach the forwarder now.
    expect(store.has('m-4')).toBe(true)
    expect(forwarded).toEqual(['m-4'])
    await store.close()
  })

  it('acknowledges a duplicate once the first copy is on disk', async () => {
    const store = await openStore({ dir: tempDir() })
    const deps = { store, now: () => new Date('2030-01-01T00:00:01.000Z') }
    const [a, b] = await Promise.all([ingest({ batch: [event('m-2')] }, undefined, deps), ingest({ batch: [event('m-2')] }, undefined, deps)])
    expect([a.body.accepted, b.body.accepted].sort()).toEqual([0, 1])
    expect(b.body.duplicates + a.body.duplicates).toBe(1)
    expect(store.recent(10)).toHaveLength(1)
    await store.close()
  })
})

describe('check: which events sent with keepalive the collector already holds', () => {
  const now = () => new Date('2030-01-01T00:00:01.000Z')

  it('answers held with the asked ids it has on disk, and only those', async () => {
    const store = await openStore({ dir: tempDir() })
    await ingest({ batch: [event('k-1'), event('k-2')] }, undefined, { store, now })
    const r = await ingest({ batch: [event('k-4')], check: ['k-1', 'k-3', 'k-2', 42] }, undefined, { store, now })
    expect(r.status).toBe(200)
    expect(r.body.held).toEqual(['k-1', 'k-2'])
    expect(r.body.accepted).toBe(1)
    await store.close()
  })

  it('answers a check with an empty batch, and says nothing when nothing is asked', async () => {
    const store = await openStore({ dir: tempDir() })
    await ingest({ batch: [event('k-5')] }, undefined, { store, now })
    const asked = await ingest({ batch: [], check: ['k-5', 'k-6'] }, undefined, { store, now })
    expect(asked).toMatchObject({ status: 200, body: { ok: true, accepted: 0, held: ['k-5'] } })
    const plain = await ingest({ batch: [event('k-7')] }, undefined, { store, now })
    expect(plain.body).not.toHaveProperty('held')
    await store.close()
  })

  it('does not vouch for a copy whose write then fails', async () => {
    const dir = tempDir()
    const store = await openStore({ dir })
    mkdirSync(join(dir, '2030-01-01.ndjson'))
    const first = ingest({ batch: [event('k-8')] }, undefined, { store, now })
    // Asked on another day (whose file works) while k-8 is still being written, and fails.
    const asked = ingest({ batch: [], check: ['k-8'] }, undefined, { store, now: () => new Date('2030-01-02T00:00:01.000Z') })
    await expect(first).rejects.toThrow()
    expect((await asked).body.held).toEqual([])
    await store.close()
  })
})
