// @vitest-environment node
/**
 * The KPI store in the built collector (its worker thread) and CLI: reports never take ingest
 * down, `kpi` and `commit` read a data directory even while a collector holds its database.
 */
import { existsSync, readdirSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { writeSample } from '../../../src/server/collector/sample'
import { AS_ADMIN, envelope, post, runCli, spawnedClis, tempDir, waitFor } from './helpers'

const CLI = new URL('../../../dist/footfall-collector.mjs', import.meta.url).pathname
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('dist/footfall-collector.mjs is missing: run `npm run build` first')
})
const cli = spawnedClis()
const kpiReady = (url: string) =>
  waitFor(async () => ((await (await fetch(`${url}/health`)).json()) as any).kpi?.state === 'ready', 120_000, 'the KPI store')

describe('KPI store in the collector process', () => {
  it('twenty concurrent reports on a year of history leave ingest answering', async () => {
    const data = tempDir()
    await writeSample({ dir: data, events: 60_000, days: 365, seed: 5, end: new Date('2026-11-29T00:00:00Z') })
    const c = await cli(['--data', data, '--rate-limit', '0', '--now', '2026-11-30T08:00:00Z'])
    await kpiReady(c.url)
    const paths = Array.from({ length: 20 }, (_, i) =>
      i % 3 === 0 ? `/kpi?from=2026-0${1 + (i % 9)}-01T00:00:00Z` : i % 3 === 1 ? `/kpi/series?interval=week&tz=Europe/Berlin&x=${i}` : `/commitments?tz=UTC&horizon=${1 + (i % 13)}`,
    )
    let ingesting = true
    const acks: number[] = []
    const ingest = (async () => {
      // The sample's site: one site, so reports need no site=.
      for (let n = 0; ingesting && n < 400; n++) {
        const res = await post(`${c.url}/collect`, { batch: Array.from({ length: 20 }, () => envelope()), writeKey: 'demo-shop' })
        acks.push(res.status)
      }
    })()
    const reports = await Promise.all(paths.map(async (p) => {
      const res = await fetch(c.url + p, { headers: AS_ADMIN })
      return { status: res.status, retryAfter: res.headers.get('retry-after') }
    }))
    ingesting = false
    await ingest
    // Every batch acknowledged; every report answered, or told when to come back.
    expect(acks.length).toBeGreaterThan(0)
    expect(acks.every((s) => s === 200)).toBe(true)
    for (const r of reports) expect(r.status === 200 || (r.status === 503 && Number(r.retryAfter) > 0)).toBe(true)
    expect(reports.filter((r) => r.status === 200).length).toBeGreaterThan(0)
    const health = (await (await fetch(`${c.url}/health`)).json()) as any
    expect(health.memory.rss).toBeLessThan(1024 * 1024 * 1024)
    // The reports included everything acknowledged before them.
    const kpi = (await (await fetch(`${c.url}/kpi`, { headers: AS_ADMIN })).json()) as any
    expect(kpi.overall.sessions).toBeGreaterThan(0)
  }, 180_000)

  it('kpi and commit read a data directory, also while a collector holds its database', async () => {
    const data = tempDir()
    // The bin's own sample, ending Wednesday 25 November 2026; the reports as of the Thursday after.
    const sampled = await runCli(['sample', data, '--events', '30000', '--days', '120', '--seed', '7', '--end', '2026-11-25'])
    expect([sampled.code, sampled.stdout]).toEqual([0, expect.stringMatching(/wrote \d+ sample events over 120 days/)])
    expect(readdirSync(data).filter((f) => f.endsWith('.ndjson')).sort().at(-1)).toBe('2026-11-25.ndjson')
    const alone = await runCli(['kpi', data, '--json'])
    expect(alone.code).toBe(0)
    expect(alone.stderr).toMatch(/building the KPI store .*100%/)
    const report = JSON.parse(alone.stdout)
    for (const format of ['table', 'md', 'csv', 'json']) {
      const out = await runCli(['commit', data, '--tz', 'Europe/Berlin', '--as-of', '2026-11-26', '--format', format, '--scope', 'overall'])
      expect([format, out.code]).toEqual([format, 0])
      if (format === 'json') expect(JSON.parse(out.stdout).find((x: any) => x.kpi === 'sessions').status).toBe('provisional')
      if (format === 'md') expect(out.stdout).toMatch(/^### Owned by marketing\n\n\| KPI \| Scope \|/)
      if (format === 'csv') expect(out.stdout.split('\r\n')[0]).toBe('class,kpi,scope,status,baseline_next_week,commitment,hit_rate,hit_rate_low,backtested_weeks,change_points,gaps,note')
      if (format === 'json') {
        // --now is the same option; the forecast starts with the week in progress that Thursday.
        const now = await runCli(['commit', data, '--tz', 'Europe/Berlin', '--now', '2026-11-26', '--format', 'json', '--scope', 'overall'])
        expect(now.stdout).toBe(out.stdout)
        expect(JSON.parse(out.stdout)[0].forecast[0]).toBe('2026-11-23T00:00:00+01:00')
      }
      if (format === 'table') expect(out.stdout).toMatch(/Owned by marketing[\s\S]*Sessions\s+All channels\s+provisional/)
    }
    const c = await cli(['--data', data])
    await kpiReady(c.url)
    const busy = await runCli(['kpi', data, '--json'])
    expect(busy.code).toBe(0)
    expect(busy.stderr).toMatch(/a collector is using .*private copy/)
    expect(JSON.parse(busy.stdout)).toEqual(report)
    expect(await (await fetch(`${c.url}/kpi`, { headers: AS_ADMIN })).json()).toEqual(report)

    const bad = await runCli(['commit', data, '--confidence', '2'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/confidence must be above 0.5/)
    const badDate = await runCli(['commit', data, '--as-of', 'tomorrow'])
    expect([badDate.code, badDate.stderr]).toEqual([2, expect.stringMatching(/bad --as-of tomorrow/)])
    const badEnd = await runCli(['sample', tempDir(), '--end', '2026-13-01'])
    expect([badEnd.code, badEnd.stderr]).toEqual([2, expect.stringMatching(/bad --end/)])
  }, 180_000)
})
