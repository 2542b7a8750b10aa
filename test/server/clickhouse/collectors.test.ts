// @vitest-environment node
/**
 * Several collectors, one ClickHouse (a real server): two collector processes behind a "load
 * balancer" each receive the same retried batches; ClickHouse is stopped for a while and
 * restarted; every number read back from ClickHouse — by `kpi --clickhouse`, and by a third
 * collector answering /kpi and /kpi/series from it — equals computeKpis over what was sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { computeKpis, type KpiEvent } from '../../../src/kpi/index'
import { history } from '../kpistore/history'
import { AS_ADMIN, post, runCli, spawnCli, tempDir, waitFor, type Spawned } from '../collector/helpers'
import { clickhouseBinary, SKIP_REASON, startClickHouse, type RunningClickHouse } from './server'

let server: RunningClickHouse | undefined
const collectors: Spawned[] = []

if (!clickhouseBinary) console.warn(SKIP_REASON)

const health = async (c: Spawned) => (await (await fetch(`${c.url}/health`)).json()) as { clickhouse: { spooled: number; inserted: number; failures: number; deadLettered: number } }

describe.skipIf(!clickhouseBinary)('collectors on one ClickHouse', () => {
  beforeAll(async () => {
    server = await startClickHouse()
  }, 90_000)
  afterAll(async () => {
    for (const c of collectors) await c.stop()
    await server?.stop()
  })

  it('two collectors receiving the same retried batches, through an outage, give the numbers computeKpis gives', async () => {
    const url = `${server!.url}/?database=lb`
    const start = async (extra: string[] = []) => {
      const c = await spawnCli(['--data', tempDir(), '--rate-limit', '0', '--clickhouse', url, '--clickhouse-apply-schema', ...extra])
      collectors.push(c)
      return c
    }
    const [a, b] = [await start(), await start()]
    // Events of the last days (recent enough to keep their client timestamps), sent as the SDK sends them.
    const shift = Date.now() - 2 * 86_400_000 - Date.parse('2026-03-28T20:00:00Z')
    const events = history({ seed: 11, sessions: 150 })
      // Messages a collector rejects (ids over 200 characters, long event names) are the HTTP tests' business.
      .filter((e) => String(e.messageId).length <= 200 && String(e.anonymousId).length <= 200 && String(e.event ?? "").length <= 256)
      .map((e) => {
        const { receivedAt: _, ...rest } = e
        return { ...rest, timestamp: new Date(Date.parse(e.timestamp!) + shift).toISOString() }
      })
    const batches: KpiEvent[][] = []
    for (let i = 0; i < events.length; i += 7) batches.push(events.slice(i, i + 7))
    const send = async (c: Spawned, batch: KpiEvent[]) => expect((await post(`${c.url}/collect`, { batch, sentAt: new Date().toISOString() })).status).toBe(200)

    // Every batch reaches one collector; a third of them is retried through the other one, some twice.
    for (const [i, batch] of batches.entries()) {
      if (i === Math.floor(batches.length / 2)) await server!.pause()
      await send(i % 2 ? a : b, batch)
      if (i % 3 === 0) await send(i % 2 ? b : a, batch)
      if (i % 5 === 0) await send(i % 2 ? a : b, batch)
    }
    // ClickHouse is down: what was accepted waits in the spools.
    expect((await health(a)).clickhouse.spooled + (await health(b)).clickhouse.spooled).toBeGreaterThan(0)
    await server!.resume()
    for (const c of [a, b]) await waitFor(async () => (await health(c)).clickhouse.spooled === 0, 60_000, 'the spool to drain')
    for (const c of [a, b]) expect((await health(c)).clickhouse.deadLettered).toBe(0)

    // As the collectors stored them (their own timestamps): the NDJSON of both, deduplicated by computeKpis.
    const stored: KpiEvent[] = []
    for (const c of [a, b]) stored.push(...((await (await fetch(`${c.url}/events?limit=1000`, { headers: AS_ADMIN })).json()) as KpiEvent[]))
    expect(new Set(stored.map((e) => e.messageId))).toEqual(new Set(events.map((e) => e.messageId)))
    const want = computeKpis(stored)

    const cli = await runCli(['kpi', '--clickhouse', url, '--json'])
    expect(cli.stderr).toBe('')
    expect(JSON.parse(cli.stdout)).toEqual(want)

    // A collector reading from ClickHouse answers /kpi and /kpi/series from it.
    const reader = await start(['--read-from', 'clickhouse'])
    expect(await (await fetch(`${reader.url}/kpi`, { headers: AS_ADMIN })).json()).toEqual(JSON.parse(JSON.stringify(want)))
    const from = new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10)
    const series = (await (await fetch(`${reader.url}/kpi/series?interval=day&from=${from}&tz=Europe/Paris`, { headers: AS_ADMIN })).json()) as { start: string; overall: { sessions: number } }[]
    expect(series.length).toBeGreaterThanOrEqual(5)
    expect(series.reduce((n, p) => n + p.overall.sessions, 0)).toBeGreaterThan(0)
  })

  it('refuses to start, in one line, on a ClickHouse without the footfall tables unless told to apply the schema', async () => {
    const url = `${server!.url}/?database=empty_one`
    const refused = await runCli(['--port', '0', '--data', tempDir(), '--clickhouse', url])
    expect(refused.code).not.toBe(0)
    expect(refused.stderr.trim().split('\n')).toHaveLength(1)
    expect(refused.stderr).toContain('has no footfall tables')
    const c = await spawnCli(['--data', tempDir(), '--rate-limit', '0', '--clickhouse', url, '--clickhouse-apply-schema'])
    collectors.push(c)
  })

  it('keeps sites apart in ClickHouse reports: each equals computeKpis of its own events', async () => {
    const url = `${server!.url}/?database=sites`
    const c = await spawnCli(['--data', tempDir(), '--rate-limit', '0', '--clickhouse', url, '--clickhouse-apply-schema', '--read-from', 'clickhouse'])
    collectors.push(c)
    const now = Date.now() - 3_600_000
    const visit = (id: string, i: number) => ({
      type: 'page', messageId: `${id}-${i}`, anonymousId: 'same-visitor', timestamp: new Date(now + i * 1000).toISOString(),
      context: { sessionId: 'same-session', page: { path: '/', url: 'https://x.example/', referrer: '' } },
    })
    await post(`${c.url}/collect`, { batch: [visit('a', 1), visit('a', 2)], writeKey: 'shop-a' })
    await post(`${c.url}/collect`, { batch: [visit('b', 1)], writeKey: 'shop-b' })
    await waitFor(async () => (await health(c)).clickhouse.inserted >= 3, 30_000, 'the inserts')
    expect((await fetch(`${c.url}/kpi`, { headers: AS_ADMIN })).status).toBe(400)
    for (const site of ['shop-a', 'shop-b']) {
      const mine = ((await (await fetch(`${c.url}/events?site=${site}`, { headers: AS_ADMIN })).json()) as KpiEvent[])
      expect(await (await fetch(`${c.url}/kpi?site=${site}`, { headers: AS_ADMIN })).json()).toEqual(JSON.parse(JSON.stringify(computeKpis(mine))))
    }
  })
})
