// @vitest-environment node
import { appendFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openStore } from '../../../src/server/collector/store'
import type { StoredMessage } from '../../../src/server/collector/validate'
import { tempDir } from './helpers'

const msg = (messageId: string, receivedAt = '2026-03-01T10:00:00.000Z'): StoredMessage =>
  ({ type: 'track', event: 'x', messageId, anonymousId: 'a', timestamp: receivedAt, receivedAt, context: {} }) as unknown as StoredMessage

describe('store', () => {
  it('appends one NDJSON line per message to a file per UTC day', async () => {
    const dir = tempDir()
    const store = await openStore({ dir })
    await store.append([msg('a'), msg('b', '2026-03-02T00:00:01.000Z')])
    await store.close()
    expect(readdirSync(dir).sort()).toEqual(['2026-03-01.ndjson', '2026-03-02.ndjson'])
    const lines = readFileSync(join(dir, '2026-03-01.ndjson'), 'utf8').split('\n')
    expect(lines).toHaveLength(2)
    expect(JSON.parse(lines[0])).toMatchObject({ messageId: 'a', receivedAt: '2026-03-01T10:00:00.000Z' })
    expect(lines[1]).toBe('')
  })

  it('a duplicate counts as stored only once the first copy is on disk, and not if that write fails', async () => {
    const dir = tempDir()
    const store = await openStore({ dir })
    // The day file cannot be opened (a directory has its name): the first copy's write fails.
    mkdirSync(join(dir, '2030-01-01.ndjson'))
    const first = store.append([msg('x', '2030-01-01T00:00:00.000Z')])
    expect(store.has('x')).toBe(true)
    const duplicate = store.stored(['x'])
    await expect(first).rejects.toThrow()
    await expect(duplicate).rejects.toThrow()
    // Not stored: the client's retry gets through and is written.
    expect(store.has('x')).toBe(false)
    await store.append([msg('x')])
    await expect(store.stored(['x'])).resolves.toBeDefined()
    await store.close()
    expect(readFileSync(join(dir, '2026-03-01.ndjson'), 'utf8').split('\n').filter(Boolean)).toHaveLength(1)
  })

  it('remembers stored messageIds after a restart', async () => {
    const dir = tempDir()
    const now = new Date().toISOString()
    const first = await openStore({ dir })
    await first.append([msg('a', now), msg('b', now)])
    await first.close()
    const second = await openStore({ dir })
    expect(second.has('a') && second.has('b')).toBe(true)
    expect(second.has('c')).toBe(false)
    expect(second.loaded).toBe(2)
    expect(second.recent(10).map((m: any) => m.messageId)).toEqual(['a', 'b'])
    await second.close()
  })

  it('reads only the files of the retry window at start (8 days by default)', async () => {
    const dir = tempDir()
    const day = (ago: number) => new Date(Date.now() - ago * 86_400_000).toISOString()
    const first = await openStore({ dir })
    await first.append([msg('old', day(30)), msg('edge', day(7)), msg('new', day(0))])
    await first.close()
    const second = await openStore({ dir })
    expect([second.has('old'), second.has('edge'), second.has('new')]).toEqual([false, true, true])
    expect(second.loaded).toBe(2)
    await second.close()
    const all = await openStore({ dir, dedupeDays: 365 })
    expect(all.has('old')).toBe(true)
    await all.close()
  })

  it('cuts a partial last line left by a crash', async () => {
    const dir = tempDir()
    const now = new Date().toISOString()
    const file = join(dir, `${now.slice(0, 10)}.ndjson`)
    writeFileSync(file, JSON.stringify(msg('a', now)) + '\n')
    appendFileSync(file, '{"messageId":"b","type":"tra')
    const store = await openStore({ dir })
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify(msg('a', now)) + '\n')
    expect(store.has('a')).toBe(true)
    expect(store.has('b')).toBe(false)
    await store.append([msg('b', now)])
    await store.close()
    expect(readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).messageId)).toEqual(['a', 'b'])
  })

  it('groups concurrent appends and keeps every line whole', async () => {
    const dir = tempDir()
    const store = await openStore({ dir })
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.append([msg(`m${i}`), msg(`n${i}`)])))
    await store.close()
    const lines = readFileSync(join(dir, '2026-03-01.ndjson'), 'utf8').trim().split('\n')
    expect(lines).toHaveLength(400)
    expect(new Set(lines.map((l) => JSON.parse(l).messageId)).size).toBe(400)
  })

  it('forgets the oldest ids beyond maxIds', async () => {
    const store = await openStore({ dir: tempDir(), maxIds: 2, fsync: 'never' })
    await store.append([msg('a'), msg('b'), msg('c')])
    expect([store.has('a'), store.has('b'), store.has('c')]).toEqual([false, true, true])
    await store.close()
  })
})
