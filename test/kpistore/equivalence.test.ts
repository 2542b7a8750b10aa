// @vitest-environment node
/**
 * The store answers exactly what computeKpis answers on the same events, for any range:
 * random histories applied in several increments (late events change sessions already
 * folded), compared for random ranges and for whole-day intervals.
 */
import { appendFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { computeKpis, type KpiEvent } from '../../src/kpi/index'
import { FAR, openEngine, type Engine, type IntervalReport } from '../../src/kpistore/engine'
import { history, rng } from './history'

const engines: Engine[] = []
afterAll(async () => {
  for (const e of engines) await e.close()
})

const write = (dir: string, events: KpiEvent[]) => {
  for (const e of events) appendFileSync(join(dir, `${(e.receivedAt as string).slice(0, 10)}.ndjson`), JSON.stringify(e) + '\n')
}

const DAY = 86_400_000
const strip = ({ from: _from, to: _to, ...report }: IntervalReport) => report

describe('KPI store ≡ computeKpis', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`random history ${seed}: every range, after every increment`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'footfall-kpistore-'))
      // As stored: what JSON keeps of each event.
      const all = history({ seed, sessions: 60 }).map((e) => JSON.parse(JSON.stringify(e)) as KpiEvent)
      const engine = await openEngine({ source: { dir }, db: join(dir, 'kpi.duckdb') })
      engines.push(engine)
      const r = rng(seed * 7)
      const cuts = [Math.floor(all.length / 3), Math.floor((2 * all.length) / 3), all.length]
      let done = 0
      for (const cut of cuts) {
        write(dir, all.slice(done, cut))
        done = cut
        expect(await engine.catchUp()).toBe(true)
        const seen = all.slice(0, done)
        const first = Date.parse('2026-03-28T00:00:00Z')
        const ranges: [number, number][] = [[-FAR, FAR]]
        for (let i = 0; i < 6; i++) {
          const a = first + Math.floor(r() * 5 * DAY)
          ranges.push([a, a + Math.floor(r() * 3 * DAY)])
        }
        // People only (the default) and every class: the same numbers, the same sessions left out.
        for (const traffic of ['human', 'all'] as const) {
          for (const [from, to] of ranges) {
            const [got] = await engine.report([from, to], undefined, traffic)
            const want = computeKpis(seen, from === -FAR ? { traffic } : { from, to, traffic })
            expect(strip(got)).toEqual(want)
          }
          // Whole days: every interval equals computeKpis over that day alone.
          const days = Array.from({ length: 7 }, (_, i) => first + i * DAY)
          const series = await engine.report(days, undefined, traffic)
          for (const interval of series) expect(strip(interval)).toEqual(computeKpis(seen, { from: interval.from, to: interval.to, traffic }))
        }
        if (done === all.length) {
          const [human] = await engine.report([-FAR, FAR])
          expect(Object.values(human.filtered).reduce((a, b) => a + b)).toBeGreaterThan(0)
        }
      }
    })
  }
})
