// @vitest-environment node
/**
 * Same numbers at scale: a 200k-event synthetic year (collector/sample.ts) loaded into the
 * embedded KPI store and into ClickHouse gives identical reports, weekly series (as
 * /commitments reads them) and daily series, in a zone with daylight saving time.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectClickHouse } from '../../../src/server/clickhouse/connect'
import { inputFiles, loadFiles } from '../../../src/server/clickhouse/load'
import { openClickHouseReports } from '../../../src/server/clickhouse/reports'
import { writeSample } from '../../../src/server/collector/sample'
import { openEngine, type Engine } from '../../../src/server/kpistore/engine'
import { tempDir } from '../collector/helpers'
import { clickhouseBinary, SKIP_REASON, startClickHouse, type RunningClickHouse } from './server'

let server: RunningClickHouse | undefined
let engine: Engine | undefined
let reports: ReturnType<typeof openClickHouseReports>
const end = new Date('2026-11-29T00:00:00Z')

if (!clickhouseBinary) console.warn(SKIP_REASON)

describe.skipIf(!clickhouseBinary)('embedded store ≡ ClickHouse on a 200k-event year', () => {
  beforeAll(async () => {
    const dir = tempDir()
    const [ch] = await Promise.all([startClickHouse(), writeSample({ dir, events: 200_000, days: 365, end, seed: 3 })])
    server = ch
    const url = `${server.url}/?database=year`
    const client = connectClickHouse(url)
    await client.applySchema()
    engine = await openEngine({ source: { dir }, db: join(dir, 'kpi.duckdb') })
    await Promise.all([engine.catchUp(), loadFiles(client, await inputFiles([dir]))])
    reports = openClickHouseReports({ url })
  }, 180_000)
  afterAll(async () => {
    await engine?.close()
    await server?.stop()
  })

  it('the whole history and a range', async () => {
    const [{ from: _a, to: _b, ...all }] = await engine!.report([-8.64e15, 8.64e15])
    expect(all.overall.sessions).toBeGreaterThan(40_000)
    expect(await reports.report()).toEqual(all)
    const from = Date.parse('2026-05-03T13:00:00Z'), to = Date.parse('2026-08-17T07:30:00Z')
    for (const traffic of ['human', 'all'] as const) {
      const [{ from: _c, to: _d, ...part }] = await engine!.report([from, to], undefined, traffic)
      expect(await reports.report(from, to, undefined, traffic)).toEqual(part)
    }
  })

  it('weekly series in Europe/Berlin, and daily series across a DST change', async () => {
    expect(await reports.series('week', 'Europe/Berlin', undefined, end.getTime())).toEqual(await engine!.series('week', 'Europe/Berlin', undefined, end.getTime()))
    const from = Date.parse('2026-10-01T00:00:00Z'), to = Date.parse('2026-11-10T00:00:00Z')
    expect(await reports.series('day', 'Europe/Berlin', from, to)).toEqual(await engine!.series('day', 'Europe/Berlin', from, to))
  })
})
