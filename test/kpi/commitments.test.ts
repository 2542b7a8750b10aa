// @vitest-environment node
/**
 * Commitments on synthetic series with known answers: change points found where they are (and
 * nowhere on noise), spikes ignored, partial weeks dropped, history sufficiency, ownership,
 * bad input, and calibration on held-out weeks.
 */
import { describe, expect, it } from 'vitest'
import { asSeries, weekly } from '../../bench/synthetic.mjs'
import { changePoints, computeCommitments, despike, type SeriesPoint } from '../../src/kpi/index'

const WEEK = 7 * 86_400_000
const complete = (series: SeriesPoint[]) => ({ now: Date.parse(series.at(-1)!.end!), since: Date.parse(series[0].start) })
const sessions = (series: SeriesPoint[], extra = {}) =>
  computeCommitments(series, { kpis: ['sessions'], scopes: ['overall'], ...complete(series), ...extra })[0]

describe('change points', () => {
  it('finds none on stationary noise in at least 95 % of seeds', () => {
    let clean = 0
    for (let seed = 1; seed <= 200; seed++) if (!changePoints(despike(weekly({ weeks: 104, noise: 0.1, seed }))).length) clean++
    expect(clean / 200).toBeGreaterThanOrEqual(0.95)
  })

  it('finds none on a smooth yearly season and trend in at least 95 % of seeds', () => {
    let clean = 0
    for (let seed = 1; seed <= 200; seed++) if (!changePoints(despike(weekly({ weeks: 104, season: 0.25, trend: 0.2, noise: 0.05, seed }))).length) clean++
    expect(clean / 200).toBeGreaterThanOrEqual(0.95)
  })

  it('dates a sustained shift within 2 weeks, up or down', () => {
    let found = 0
    for (let seed = 1; seed <= 100; seed++) {
      const at = 30 + (seed % 40)
      const cps = changePoints(despike(weekly({ weeks: 104, noise: 0.05, step: { at, size: seed % 2 ? 0.4 : -0.3 }, seed })))
      if (cps.length === 1 && Math.abs(cps[0] - at) <= 2) found++
    }
    expect(found).toBeGreaterThanOrEqual(95)
  })

  it('is not fooled by one- or two-week spikes (sales, press)', () => {
    let clean = 0
    for (let seed = 1; seed <= 100; seed++) if (!changePoints(despike(weekly({ weeks: 104, noise: 0.05, spikes: 8, seed }))).length) clean++
    expect(clean).toBeGreaterThanOrEqual(95)
  })

  it('the baseline uses only the weeks after the last shift, and says so', () => {
    const series = asSeries(weekly({ weeks: 60, noise: 0.03, step: { at: 40, size: 0.5 }, seed: 3 }))
    const c = sessions(series)
    expect(c.changePoints).toEqual([series[40].start])
    expect(c.status).toBe('provisional')
    expect(c.note).toContain('20 weeks since the level shift of the week of ' + series[40].start.slice(0, 10))
    // The level after the shift (≈ 1500), not the mix of both.
    expect(c.baseline[0]).toBeGreaterThan(1400)
    expect(c.commitment!).toBeGreaterThan(1300)
  })
})

describe('history sufficiency and partial weeks', () => {
  it('gives no commitment under 8 complete weeks, provisional to 51, full from 52', () => {
    const at = (weeks: number) => sessions(asSeries(weekly({ weeks, noise: 0.05, seed: weeks })))
    const short = at(7)
    expect([short.status, short.commitment, short.hitRate]).toEqual(['insufficient', null, null])
    expect(short.note).toBe('Not enough history: 7 complete weeks; a commitment needs 8.')
    expect(at(8).status).toBe('provisional')
    expect(at(51).status).toBe('provisional')
    expect(at(52).status).toBe('full')
  })

  it('never counts the current week or a week that began before the first event', () => {
    const series = asSeries(weekly({ weeks: 12, noise: 0.05, seed: 1 }))
    const now = Date.parse(series[11].start) + 2 * 86_400_000 // Wednesday of the last week
    const c = computeCommitments(series, { kpis: ['sessions'], scopes: ['overall'], now, since: Date.parse(series[0].start) + 86_400_000 })[0]
    expect(c.history.map((h) => h.start)).toEqual(series.slice(1, 11).map((w) => w.start))
    // Without `since`, the first week is taken as partial.
    const d = computeCommitments(series, { kpis: ['sessions'], scopes: ['overall'], now })[0]
    expect(d.history).toHaveLength(10)
    // The weeks promised start with the week in progress.
    expect(c.forecast.slice(0, 2)).toEqual([series[11].start, new Date(Date.parse(series[11].start) + WEEK).toISOString().slice(0, 19) + '+00:00'])
  })

  it('names the forecast weeks by the site\'s Mondays across a DST change', () => {
    // Complete weeks up to Monday 23 March 2026, 00:00 in Berlin (UTC+1); DST starts on the 29th.
    const series = asSeries(weekly({ weeks: 10, noise: 0.05, seed: 9 }), Date.UTC(2026, 0, 11, 23)).map((w) => ({
      ...w, start: w.start.replace('+00:00', 'Z'), end: w.end!.replace('+00:00', 'Z'),
    }))
    const c = computeCommitments(series, { kpis: ['sessions'], scopes: ['overall'], now: Date.parse(series.at(-1)!.end!), since: 0, tz: 'Europe/Berlin' })[0]
    expect(c.forecast).toEqual(['2026-03-23T00:00:00+01:00', '2026-03-30T00:00:00+02:00', '2026-04-06T00:00:00+02:00', '2026-04-13T00:00:00+02:00'])
  })

  it('treats a rate of a week without sessions as missing, not zero', () => {
    const series = asSeries(weekly({ weeks: 20, noise: 0.05, seed: 2 }))
    series[5].overall = { sessions: 0, engagementRate: 0 }
    const c = computeCommitments(series, { kpis: ['engagementRate'], scopes: ['overall'], ...complete(series) })[0]
    expect(c.history[5]).toEqual({ start: series[5].start, value: null })
  })
})

describe('ownership and input', () => {
  const series = asSeries(weekly({ weeks: 30, noise: 0.05, seed: 4 })).map((w) => ({
    ...w,
    overall: { ...w.overall, addToCartRate: 0.1, purchases: 12 } as SeriesPoint['overall'],
    byChannel: { 'Paid Search': { sessions: 100, engagementRate: 0.5 } },
  }))

  it('groups owned, shared and outside; outside is context only', () => {
    const all = computeCommitments(series, complete(series))
    expect([...new Set(all.map((c) => c.class))]).toEqual(['owned', 'shared', 'outside'])
    const purchases = all.find((c) => c.kpi === 'purchases')!
    expect(purchases.commitment).toBeNull()
    expect(purchases.note).toMatch(/^Context only/)
    expect(all.find((c) => c.kpi === 'addToCartRate')!.note).toContain('Shared KPI')
    expect(new Set(all.map((c) => c.scope))).toEqual(new Set(['overall', 'Paid Search']))
  })

  it('takes a site\'s own classes', () => {
    const [c] = computeCommitments(series, { ...complete(series), kpis: ['addToCartRate'], scopes: ['overall'], classes: { addToCartRate: 'owned' } })
    expect(c.class).toBe('owned')
  })

  it('refuses bad input with a clear message', () => {
    const bad: [object, RegExp][] = [
      [{ confidence: 0.5 }, /confidence/], [{ confidence: 0.99 }, /confidence/], [{ confidence: NaN }, /confidence/],
      [{ horizon: 0 }, /horizon/], [{ horizon: 14 }, /horizon/], [{ horizon: 1.5 }, /horizon/],
      [{ kpis: ['bounceRate'] }, /unknown KPI "bounceRate"/], [{ scopes: ['Carrier Pigeon'] }, /unknown channel "Carrier Pigeon"/],
      [{ classes: { sessions: 'mine' } }, /owned, shared or outside/],
    ]
    for (const [options, message] of bad) expect(() => computeCommitments(series, options)).toThrow(message)
  })
})

describe('calibration on held-out weeks', () => {
  it('a 90 % floor holds in 85–95 % of the weeks that follow', () => {
    let hits = 0, total = 0
    for (let seed = 1; seed <= 60; seed++) {
      const values = weekly({ weeks: 64, noise: 0.08, season: seed % 2 ? 0.2 : 0, seed })
      const series = asSeries(values.slice(0, 60))
      const c = sessions(series, { confidence: 0.9, horizon: 4 })
      if (c.commitment === null) continue
      for (const y of values.slice(60)) {
        total++
        if (y >= c.commitment) hits++
      }
      // What it says of itself: its backtest met the confidence.
      expect(c.hitRate!).toBeGreaterThanOrEqual(0.9)
    }
    expect(total).toBeGreaterThan(200)
    expect(hits / total).toBeGreaterThanOrEqual(0.85)
    expect(hits / total).toBeLessThanOrEqual(0.95)
  })
})
