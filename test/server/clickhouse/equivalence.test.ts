// @vitest-environment node
/**
 * ClickHouse answers exactly what computeKpis answers on the same events, for any range:
 * random histories (sessions across midnight, late and duplicate events, events without a
 * session id, hostile strings) inserted in several blocks and some blocks twice, compared for
 * random ranges and for whole-day intervals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KpiEvent } from '../../../src/kpi/index'
import { connectClickHouse, type ClickHouse } from '../../../src/server/clickhouse/connect'
import { reportFrom } from '../../../src/server/clickhouse/reports'
import { rowsOf } from '../../../src/server/clickhouse/row'
import { FAR } from '../../../src/server/kpistore/engine'
import { history, rng } from '../kpistore/history'
import { same } from './compare'
import { clickhouseBinary, SKIP_REASON, startClickHouse, type RunningClickHouse } from './server'

const DAY = 86_400_000
let server: RunningClickHouse | undefined

if (!clickhouseBinary) console.warn(SKIP_REASON)

describe.skipIf(!clickhouseBinary)('ClickHouse reports ≡ computeKpis', () => {
  beforeAll(async () => {
    server = await startClickHouse()
  }, 90_000)
  afterAll(async () => {
    await server?.stop()
  })

  const open = async (database: string): Promise<ClickHouse> => {
    const ch = connectClickHouse(`${server!.url}/?database=${database}`)
    await ch.applySchema()
    return ch
  }

  it('leaves tables of another schema version alone and says to reload them', async () => {
    const ch = connectClickHouse(`${server!.url}/?database=older`)
    await ch.run('CREATE DATABASE IF NOT EXISTS older')
    await ch.run('CREATE TABLE IF NOT EXISTS older.schema_version (version UInt32, applied DateTime DEFAULT now()) ENGINE = TinyLog')
    await ch.run('INSERT INTO older.schema_version (version) VALUES (1)')
    await expect(ch.applySchema()).rejects.toThrow(/holds footfall schema 1, this collector needs 2: drop the database and reload/)
    expect(await ch.version()).toBe(1)
  })

  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`random history ${seed}: every range, after every increment, with blocks inserted twice`, async () => {
      const ch = await open(`eq${seed}`)
      const all = history({ seed, sessions: 60 }).map((e) => JSON.parse(JSON.stringify(e)) as KpiEvent)
      const r = rng(seed * 7)
      const cuts = [Math.floor(all.length / 3), Math.floor((2 * all.length) / 3), all.length]
      let done = 0
      for (const cut of cuts) {
        const block = all.slice(done, cut)
        await ch.insert('events', rowsOf(block))
        // A collector behind a load balancer relays a retried batch again.
        if (r() < 0.7) await ch.insert('events', rowsOf(block.filter(() => r() < 0.5)))
        done = cut
        const seen = all.slice(0, done)
        const first = Date.parse('2026-03-28T00:00:00Z')
        const ranges: [number, number][] = [[-FAR, FAR]]
        for (let i = 0; i < 6; i++) {
          const a = first + Math.floor(r() * 5 * DAY)
          ranges.push([a, a + Math.floor(r() * 3 * DAY)])
        }
        for (const [from, to] of ranges) await same(ch, [from, to], seen)
        await same(ch, Array.from({ length: 7 }, (_, i) => first + i * DAY), seen)
      }
      // Many intervals (the binary search over bounds): 3-hour slices of five days.
      const slices = Array.from({ length: 41 }, (_, i) => Date.parse('2026-03-28T00:00:00Z') + i * 3 * 3_600_000)
      await same(ch, slices, all)
      // Background merges fold sessions and copies: the numbers stay.
      await ch.run(`OPTIMIZE TABLE ${ch.database}.events FINAL`)
      await ch.run(`OPTIMIZE TABLE ${ch.database}.sessions FINAL`)
      await same(ch, [-FAR, FAR], all)
      const [people] = await reportFrom(ch, [-FAR, FAR])
      expect(Object.values(people.filtered).reduce((a, b) => a + b)).toBeGreaterThan(0)
    })
  }
})
