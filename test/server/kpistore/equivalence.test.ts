// @vitest-environment node
/**
 * The store answers exactly what computeKpis answers on the same events, for any range:
 * random histories applied in several increments (late events change sessions already
 * folded), compared for random ranges (most of them starting and ending mid-day) and for
 * whole-day intervals, for every site and for all of them.
 */
import { appendFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { factOf, Kind } from '../../../src/kpi/event'
import { computeKpis, type KpiEvent } from '../../../src/kpi/index'
import { FAR, openEngine, type Engine, type IntervalReport } from '../../../src/server/kpistore/engine'
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
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`random history ${seed}: every range, after every increment`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'footfall-kpistore-'))
      // As stored: what JSON keeps of each event.
      // Seeds 4 to 6: two sites and messages without a writeKey (site ''), the events of one
      // session now and then reaching two sites (there two sessions: each site is compared alone).
      // A message's copies go to the same site, as a retry does.
      // Seeds 7 and 8: every event has a session id, as the SDK sends them; reports over whole hours
      // then read the cells and the pieces of the sessions crossing a boundary, and nothing else.
      const several = seed > 3
      const siteOf = (id: unknown) => {
        const roll = rng([...String(id)].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, seed))()
        return roll < 0.45 ? 'shop-a' : roll < 0.9 ? 'shop-b' : undefined
      }
      const all = history({ seed, sessions: several ? 90 : 60 })
        .map((e) => {
          const writeKey = several ? siteOf(e.messageId) : undefined
          return writeKey ? { ...e, writeKey } : e
        })
        .map((e) => JSON.parse(JSON.stringify(e)) as KpiEvent)
        .filter((e) => seed < 7 || e.context?.sessionId !== undefined)
      // Seeds 2 and 5 read a few events at a time and apply them a few chunks together.
      const engine = await openEngine({ source: { dir }, db: join(dir, 'kpi.duckdb'), ...(seed % 3 === 2 ? { chunk: 7, staged: 20 } : {}) })
      engines.push(engine)
      const r = rng(seed * 7)
      // A third, then two thirds (both loaded in bulk: a backlog of more than a quarter of the store),
      // then smaller steps, each applied to the sessions already folded; compared at three of them.
      const at = (f: number) => Math.floor(all.length * f)
      const cuts = [at(1 / 3), at(2 / 3), at(3 / 4), at(5 / 6), all.length]
      const compared = new Set([at(1 / 3), at(3 / 4), all.length])
      let done = 0
      for (const cut of cuts) {
        write(dir, all.slice(done, cut))
        done = cut
        expect(await engine.catchUp()).toBe(true)
        if (!compared.has(cut)) continue
        const seen = all.slice(0, done)
        const first = Date.parse('2026-03-28T00:00:00Z')
        const ranges: [number, number][] = [[-FAR, FAR]]
        for (let i = 0; i < 6; i++) {
          const a = first + Math.floor(r() * 5 * DAY)
          ranges.push([a, a + Math.floor(r() * 3 * DAY)])
        }
        // Whole hours (read from the cells), a range from before the first session, one of more than
        // eight days starting later (both read from sessions when not of whole hours).
        const hour = (t: number) => t - (t % 3_600_000)
        for (let i = 0; i < 4; i++) {
          const a = hour(first + Math.floor(r() * 5 * DAY))
          ranges.push([a, hour(a + Math.floor(r() * 3 * DAY))])
        }
        ranges.push([first - 3 * DAY, first + 20 * DAY], [first + 2 * DAY, first + 20 * DAY], [hour(first + 2 * DAY + 3_600_000), first + 20 * DAY])
        // People only (the default) and every class: the same numbers, the same sessions left out.
        for (const traffic of ['human', 'all'] as const) {
          for (const only of several ? ['shop-a', 'shop-b', ''] : [undefined, '']) {
            const mine = only === undefined ? seen : seen.filter((e) => (e.writeKey ?? '') === only)
            for (const [from, to] of ranges) {
              const [got] = await engine.report([from, to], only, traffic)
              const want = computeKpis(mine, from === -FAR ? { traffic } : { from, to, traffic })
              expect(strip(got)).toEqual(want)
            }
            // The first and last event time (a series' default range).
            const times = mine.map(factOf).filter((f) => f && f.kind !== Kind.Ignored).map((f) => f!.t)
            expect(await engine.span(only)).toEqual(times.length ? { first: Math.min(...times), last: Math.max(...times) } : undefined)
            // Whole days, and days cut at a random hour and minute: every interval equals
            // computeKpis over that interval alone.
            const shift = Math.floor(r() * DAY)
            // And whole days between a first and a last boundary cut mid-hour (a series up to now).
            const cutEnds = (days: number[]) => [days[0] + 1 + Math.floor(r() * (DAY - 1)), ...days.slice(1, -1), days[days.length - 1] - 1 - Math.floor(r() * (DAY - 1))]
            for (const start of [first, first + shift, first + 3_600_000 * Math.floor(shift / 3_600_000), -1]) {
              const days = start === -1 ? cutEnds(Array.from({ length: 7 }, (_, i) => first + i * DAY)) : Array.from({ length: 7 }, (_, i) => start + i * DAY)
              const series = await engine.report(days, only, traffic)
              for (const interval of series) expect(strip(interval)).toEqual(computeKpis(mine, { from: interval.from, to: interval.to, traffic }))
            }
            // The days' sessions alone (the gap search of commitments): what the days' reports say, in
            // time zones of whole hours (cells and pieces) and in one of half hours (the reports).
            const end = first + 7 * DAY
            const days = await engine.daySessions('UTC', first, end, only, traffic)
            expect(days).toEqual(Array.from({ length: 7 }, (_, i) => ({ start: new Date(first + i * DAY).toISOString().slice(0, 19) + '+00:00', sessions: computeKpis(mine, { from: first + i * DAY, to: first + (i + 1) * DAY, traffic }).overall.sessions })))
            // Up to an instant mid-hour: the last day counted up to it.
            const now = end - DAY + 1 + Math.floor(r() * (DAY - 1))
            const upToNow = await engine.daySessions('UTC', first, now, only, traffic)
            expect(upToNow!.at(-1)!.sessions).toBe(computeKpis(mine, { from: end - DAY, to: now, traffic }).overall.sessions)
            for (const tz of ['America/New_York', 'Asia/Tokyo', 'Asia/Kolkata']) {
              const daily = await engine.series('day', tz, first, end, end, only, traffic)
              expect(await engine.daySessions(tz, first, end, only, traffic)).toEqual(daily!.map((d) => ({ start: d.start, sessions: d.overall.sessions })))
            }
          }
        }
        if (done === all.length) {
          const [human] = await engine.report([-FAR, FAR])
          expect(Object.values(human.filtered).reduce((a, b) => a + b)).toBeGreaterThan(0)
        }
      }
    }, 120_000)
  }
})
