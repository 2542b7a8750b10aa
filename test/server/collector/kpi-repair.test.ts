// @vitest-environment node
/**
 * A KPI store that repairs itself: a database that fails DuckDB's own checks — noise over a data
 * block (a bad sector, a torn write) or over its headers — is set aside (kept, not deleted) and
 * rebuilt from the day files while reports answer 503 with why; then the same numbers as before.
 * Damage again within a day of a repair is not repaired again. A store that failed comes back in
 * its thread of the built collector.
 */
import { existsSync, mkdirSync, openSync, readdirSync, rmSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { beforeAll, describe, expect, it } from 'vitest'
import { writeSample } from '../../../src/server/collector/sample'
import { createRunner, type Event } from '../../../src/server/kpistore/runner'
import { AS_ADMIN, inProcessCollectors, runCli, spawnedClis, tempDirs, waitFor } from './helpers'

const CLI = new URL('../../../dist/footfall-collector.mjs', import.meta.url).pathname
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('dist/footfall-collector.mjs is missing: run `npm run build` first')
})
const tempDir = tempDirs()
const start = inProcessCollectors()
const cli = spawnedClis()

const get = async (url: string) => {
  const res = await fetch(url, { headers: AS_ADMIN })
  return { status: res.status, body: (await res.json()) as any, retryAfter: res.headers.get('retry-after') }
}
const kpiOf = async (url: string) => ((await (await fetch(`${url}/health`)).json()) as any).kpi

/** Overwrite `bytes` of `file` from `offset` with random bytes. */
const noise = (file: string, offset: number, bytes = 100 * 1024) => {
  const fd = openSync(file, 'r+')
  writeSync(fd, randomBytes(bytes), 0, bytes, offset)
  closeSync(fd)
}

/**
 * Where a block of the `cells` table starts in the file (every report over whole hours reads it,
 * the year's `/kpi` nothing else): past the file's 4 KB header and its two 4 KB database headers,
 * blocks of `block_size` bytes.
 */
const tableBlock = async (file: string, table: string) => {
  const instance = await DuckDBInstance.create(file)
  const db = await instance.connect()
  const [{ block }] = (await db.runAndReadAll(`SELECT max(block_id)::INTEGER AS block FROM pragma_storage_info('${table}') WHERE block_id >= 0`)).getRowObjectsJS()
  const [{ size }] = (await db.runAndReadAll(`SELECT block_size::INTEGER AS size FROM pragma_database_size()`)).getRowObjectsJS()
  db.closeSync()
  instance.closeSync()
  return 3 * 4096 + (block as number) * (size as number)
}

const setAside = (dir: string) => readdirSync(dir).filter((f) => /^kpi\.duckdb\.corrupt-/.test(f) && !f.endsWith('.wal'))

describe('a KPI store that repairs itself', () => {
  it('sets a database with a corrupted data block aside, rebuilds it, and answers the same report', async () => {
    const data = tempDir()
    await writeSample({ dir: data, events: 30_000, days: 90, seed: 11, end: new Date('2026-11-25T00:00:00Z') })
    let c = await cli(['--data', data])
    await waitFor(async () => (await kpiOf(c.url))?.state === 'ready', 60_000, 'the first build')
    const before = await get(`${c.url}/kpi`)
    expect(before.status).toBe(200)
    await c.stop()

    const file = join(data, 'kpi.duckdb')
    const size = statSync(file).size
    // A block of each table a report reads, well past the headers, inside the file: data blocks, the header intact.
    for (const table of ['cells', 'sessions']) {
      const offset = await tableBlock(file, table)
      expect(offset).toBeGreaterThan(12 * 1024)
      expect(offset + 100 * 1024).toBeLessThan(size)
      noise(file, offset)
    }

    c = await cli(['--data', data])
    // The report that reads the damaged block answers 503, with why and when to ask again, never a
    // number. (The store may read it first, listing its sites: then this answer waits for the short
    // rebuild, as for any build about to end, and is the rebuilt report.)
    const first = await get(`${c.url}/kpi`)
    if (first.status !== 200) {
      expect(first.status).toBe(503)
      expect(first.body.error).toMatch(/failed its checks and is being rebuilt/)
      expect(first.body.repair.reason).toMatch(/checksum/i)
      expect(Number(first.retryAfter)).toBeGreaterThan(0)
    }
    const t0 = Date.now()
    const answered = await waitFor(async () => {
      const r = await get(`${c.url}/kpi`)
      // Until rebuilt, every answer is the rebuild's 503.
      if (r.status !== 200) expect([r.status, r.body.error]).toEqual([503, expect.stringMatching(/being rebuilt/)])
      return r.status === 200 && r
    }, 60_000, 'the rebuilt store')
    const seconds = (Date.now() - t0) / 1000
    expect(answered.body).toEqual(before.body)

    const health = await kpiOf(c.url)
    expect(health.state).toBe('ready')
    expect(health.repair).toMatchObject({ reason: expect.stringMatching(/Corrupt database file/), setAside: expect.stringMatching(/^kpi\.duckdb\.corrupt-/) })
    // No path of the machine in /health: the copy's name, in the data directory.
    expect(JSON.stringify(health)).not.toContain(data)
    // Kept beside the new one, whole, for inspection; the console says where.
    expect(setAside(data)).toEqual([health.repair.setAside])
    expect(statSync(join(data, health.repair.setAside)).size).toBe(size)
    expect(c.stderr()).toContain(`kept as ${join(data, health.repair.setAside)}`)
    expect(seconds).toBeLessThan(30)
  }, 120_000)

  it('sets a database with corrupted headers aside at open and rebuilds it', async () => {
    const data = tempDir()
    await writeSample({ dir: data, events: 3_000, days: 20, seed: 12, end: new Date('2026-11-25T00:00:00Z') })
    let r = await start({ dataDir: data })
    const before = await waitFor(async () => {
      const got = await get(`${r.url}/kpi`)
      return got.status === 200 && got
    }, 30_000, 'the first build')
    await r.stop()
    // Both database headers (4 KB each, after the file's own 4 KB header).
    noise(join(data, 'kpi.duckdb'), 4096, 8192)

    r = await start({ dataDir: data })
    const after = await waitFor(async () => {
      const got = await get(`${r.url}/kpi`)
      return got.status === 200 && got
    }, 30_000, 'the rebuilt store')
    expect(after.body).toEqual(before.body)
    const kpi = await kpiOf(r.url)
    expect(kpi).toMatchObject({ state: 'ready', repair: { reason: expect.stringMatching(/checksum/i), setAside: expect.stringMatching(/^kpi\.duckdb\.corrupt-/) } })
    expect(setAside(data)).toEqual([kpi.repair.setAside])
  }, 60_000)

  it('footfall-collector kpi sets a damaged database aside too, and prints the rebuilt report', async () => {
    const data = tempDir()
    await writeSample({ dir: data, events: 3_000, days: 20, seed: 15, end: new Date('2026-11-25T00:00:00Z') })
    const before = await runCli(['kpi', data, '--json'])
    expect(before.code).toBe(0)
    noise(join(data, 'kpi.duckdb'), await tableBlock(join(data, 'kpi.duckdb'), 'cells'))
    const after = await runCli(['kpi', data, '--json'])
    expect([after.code, after.stderr]).toEqual([0, expect.stringMatching(/failed its checks \(IO Error: Corrupt database file.*\); kept as .*kpi\.duckdb\.corrupt-/)])
    expect(JSON.parse(after.stdout)).toEqual(JSON.parse(before.stdout))
    expect(setAside(data)).toHaveLength(1)
  }, 60_000)

  it('does not repair a database damaged again within a day of a repair: it fails, as before', async () => {
    const data = tempDir()
    await writeSample({ dir: data, events: 1_000, days: 5, seed: 13, end: new Date('2026-11-25T00:00:00Z') })
    const db = join(data, 'kpi.duckdb')
    const events: Event[] = []
    const first = createRunner({ source: { dir: data }, db }, (e) => events.push(e))
    await first.opened
    await first.handle({ op: 'close' })
    noise(db, 4096, 8192)
    const again = createRunner({ source: { dir: data }, db, repairedAt: Date.now() - 3_600_000 }, (e) => events.push(e))
    await expect(again.opened).rejects.toThrow(/failed its checks again within a day of being rebuilt: .*checksum/)
    expect(events.at(-1)).toMatchObject({ op: 'failed', error: expect.stringMatching(/again within a day/) })
    expect(events.some((e) => e.op === 'rebuilding')).toBe(false)
    // Left where it is, for a person to look at; nothing set aside a second time.
    expect(setAside(data)).toEqual([])
    expect(existsSync(db)).toBe(true)
  })

  it('applies the files on the next wake after a repair, even when a wake came while the damage was found', async () => {
    const data = tempDir()
    await writeSample({ dir: data, events: 3_000, days: 20, seed: 14, end: new Date('2026-11-25T00:00:00Z') })
    const db = join(data, 'kpi.duckdb')
    const first = createRunner({ source: { dir: data }, db }, () => {})
    await first.opened
    await first.handle({ op: 'close' })
    noise(db, await tableBlock(db, 'cells'))
    const runner = createRunner({ source: { dir: data }, db }, () => {})
    try {
      await runner.opened
      // The report finds the damage; the wake, queued behind it, meets the store under repair.
      const [report] = await Promise.all([runner.handle({ op: 'report' }), runner.handle({ op: 'wake' })])
      expect(report).toMatchObject({ unavailable: expect.stringMatching(/checksum/i) })
      await waitFor(async () => !(await runner.handle({ op: 'report' }) as { unavailable?: string }).unavailable, 30_000, 'the rebuilt store')
      // Five days after the sample's last event the site is silent; an event of today, applied
      // by a wake (/health's question applies nothing itself), ends that.
      const now = Date.parse('2026-11-30T12:00:00Z')
      expect(((await runner.handle({ op: 'silent', now })) as { site: string }[]).map((x) => x.site)).toEqual(['demo-shop'])
      const line = { type: 'page', messageId: 'after-repair', anonymousId: 'v', writeKey: 'demo-shop', timestamp: new Date(now - 60_000).toISOString(), receivedAt: new Date(now - 60_000).toISOString(), context: { sessionId: 's-after', traffic: 'human' } }
      writeFileSync(join(data, '2026-11-30.ndjson'), JSON.stringify(line) + '\n')
      await runner.handle({ op: 'wake' })
      expect(await runner.handle({ op: 'silent', now: now + 60_000 })).toEqual([])
    } finally {
      await runner.handle({ op: 'close' })
    }
  })

  it('comes back in its thread of the built collector after a failure', async () => {
    const data = tempDir()
    await writeSample({ dir: data, events: 1_000, days: 5, seed: 14, end: new Date('2026-11-25T00:00:00Z') })
    const c = await cli(['--data', data])
    await waitFor(async () => (await kpiOf(c.url))?.state === 'ready', 30_000, 'the first build')
    const before = await get(`${c.url}/kpi`)
    // An unreadable day file: the store cannot apply the files; its thread is restarted.
    mkdirSync(join(data, '2020-01-01.ndjson'))
    expect((await get(`${c.url}/kpi`)).status).toBe(503)
    rmSync(join(data, '2020-01-01.ndjson'), { recursive: true })
    const healed = await waitFor(async () => {
      const got = await get(`${c.url}/kpi`)
      return got.status === 200 && got
    }, 30_000, 'the store to come back')
    expect(healed.body).toEqual(before.body)
    expect((await kpiOf(c.url)).state).toBe('ready')
    // The thread stopped for the restart is not taken for the new one failing (which restarted it again, and again).
    expect(c.stderr()).not.toMatch(/thread stopped/)
  }, 60_000)
})
