// @vitest-environment node
/**
 * Commitments on synthetic series with known answers: change points found where they are (and
 * nowhere on noise), spikes ignored, partial weeks dropped, history sufficiency, ownership,
 * bad input, gaps and outages, counts behind rates, and calibration on held-out weeks — on
 * synthetic series and on real public traffic series (bench/real/).
 */
import { describe, expect, it } from 'vitest'
import { asSeries, weekly } from '../../bench/synthetic.mjs'
import { changePoints, computeCommitments, type SeriesPoint } from '../../src/kpi/index'

const WEEK = 7 * 86_400_000
const complete = (series: SeriesPoint[]) => ({ now: Date.parse(series.at(-1)!.end!), since: Date.parse(series[0].start) })
const sessions = (series: SeriesPoint[], extra = {}) =>
  computeCommitments(series, { kpis: ['sessions'], scopes: ['overall'], ...complete(series), ...extra })[0]

describe('change points', () => {
  it('finds none on stationary noise in at least 95 % of seeds', () => {
    let clean = 0
    for (let seed = 1; seed <= 200; seed++) if (!changePoints((weekly({ weeks: 104, noise: 0.1, seed }))).length) clean++
    expect(clean / 200).toBeGreaterThanOrEqual(0.95)
  })

  it('finds none on a smooth yearly season and trend in at least 90 % of seeds (week by week, without hindsight)', () => {
    let clean = 0
    for (let seed = 1; seed <= 200; seed++) if (!changePoints((weekly({ weeks: 104, season: 0.25, trend: 0.2, noise: 0.05, seed }))).length) clean++
    expect(clean / 200).toBeGreaterThanOrEqual(0.9)
  })

  it('dates a sudden sustained fall within 3 weeks, by its fourth week', () => {
    let found = 0
    for (let seed = 1; seed <= 100; seed++) {
      const at = 30 + (seed % 40)
      const values = weekly({ weeks: 104, noise: 0.1, season: 0.1, step: { at, size: -0.5 }, seed })
      // Known from the weeks up to the fourth week of the fall only.
      if (changePoints(values.slice(0, at + 4)).some((c) => Math.abs(c - at) <= 3)) found++
    }
    expect(found).toBeGreaterThanOrEqual(80)
  })

  it('takes a dip that comes back within weeks (a holiday) for no shift', () => {
    const values = weekly({ weeks: 60, noise: 0.03, seed: 5 })
    for (const i of [40, 41, 42]) values[i] *= 0.5
    expect(changePoints(values)).toEqual([])
  })

  it('dates a sustained shift within 2 weeks, up or down', () => {
    let found = 0
    for (let seed = 1; seed <= 100; seed++) {
      const at = 30 + (seed % 40)
      const cps = changePoints((weekly({ weeks: 104, noise: 0.05, step: { at, size: seed % 2 ? 0.4 : -0.3 }, seed })))
      if (cps.length === 1 && Math.abs(cps[0] - at) <= 2) found++
    }
    expect(found).toBeGreaterThanOrEqual(95)
  })

  it('is not fooled by one- or two-week spikes (sales, press)', () => {
    let clean = 0
    for (let seed = 1; seed <= 100; seed++) if (!changePoints((weekly({ weeks: 104, noise: 0.05, spikes: 8, seed }))).length) clean++
    expect(clean).toBeGreaterThanOrEqual(95)
  })

  it('the baseline uses only the weeks after the last shift, and says so', () => {
    const series = asSeries(weekly({ weeks: 60, noise: 0.03, step: { at: 40, size: 0.5 }, seed: 3 }))
    const c = sessions(series)
    expect(c.changePoints).toHaveLength(1)
    const at = series.findIndex((w) => w.start === c.changePoints[0])
    expect(Math.abs(at - 40)).toBeLessThanOrEqual(1)
    expect(c.status).toBe('provisional')
    expect(c.note).toContain(`${60 - at} weeks since the level shift of the week of ${series[at].start.slice(0, 10)}`)
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
    expect(c.history[5].value).toBeNull()
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
      // What it says of itself: a hit rate out of sample, and a lower bound below it.
      expect(c.hitRate!).toBeGreaterThan(0.75)
      expect(c.hitRateLow!).toBeLessThan(c.hitRate!)
    }
    expect(total).toBeGreaterThan(200)
    expect(hits / total).toBeGreaterThanOrEqual(0.85)
    expect(hits / total).toBeLessThanOrEqual(0.95)
  })
})

describe('gaps: weeks where collection stopped', () => {
  const year = () => asSeries(weekly({ weeks: 57, noise: 0.05, seed: 11 })).map((w) => ({
    ...w,
    overall: { ...w.overall, engagedSessions: w.overall.sessions! * 0.6, addToCartRate: 0.08, avgEngagedMs: 15_300 },
  }))

  it('a year whose last five weeks are empty: stale, no commitment of 0, data missing since the last event', () => {
    const series = year()
    for (const w of series.slice(-5)) w.overall = { sessions: 0, engagedSessions: 0, engagementRate: 0, addToCartRate: 0, avgEngagedMs: 0 }
    const all = computeCommitments(series, complete(series))
    for (const c of all) {
      expect(c.status).toBe('stale')
      expect(c.commitment).not.toBe(0)
      expect(c.gaps).toEqual([{ from: series[52].start, to: series[56].end }])
      expect(c.note).toContain(`No data since ${series[52].start.slice(0, 10)}`)
      expect(c.history.slice(-5).every((h) => h.gap && h.value === null)).toBe(true)
    }
    // The commitment from before the gap, at the level before it.
    const sessions = all.find((c) => c.kpi === 'sessions')!
    expect(sessions.commitment!).toBeGreaterThan(800)
    expect(all.find((c) => c.kpi === 'avgEngagedMs')!.commitment!).toBeGreaterThan(10_000)
  })

  it('knows the missing day from the days: the week holding it is left out, not a fall', () => {
    const series = year()
    const days = series.flatMap((w) => Array.from({ length: 7 }, (_, d) => ({
      start: new Date(Date.parse(w.start) + d * 86_400_000).toISOString(),
      sessions: w.overall.sessions! / 7,
    })))
    days[30 * 7 + 3].sessions = 0 // Thursday of week 30: the collector was down
    series[30].overall.sessions! *= 6 / 7
    const c = computeCommitments(series, { ...complete(series), kpis: ['sessions'], scopes: ['overall'], days })[0]
    expect(c.gaps).toEqual([{ from: series[30].start, to: series[30].end }])
    expect(c.history[30]).toEqual({ start: series[30].start, value: null, gap: true })
    expect(c.status).toBe('full')
  })

  it('an annotated exclusion is a gap', () => {
    const series = year()
    const c = computeCommitments(series, { ...complete(series), kpis: ['sessions'], scopes: ['overall'], exclude: [{ from: series[10].start, to: series[12].start }] })[0]
    expect(c.gaps).toEqual([{ from: series[10].start, to: series[11].end }])
  })
})

describe('floors a marketer can sign', () => {
  it('lie below every baseline week and above 0, also after a +25 % step 15 weeks ago', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const series = asSeries(weekly({ weeks: 60, noise: 0.05, step: { at: 45, size: 0.25 }, seed }))
      const c = sessions(series)
      if (c.commitment === null) continue
      expect(c.commitment).toBeGreaterThan(0)
      for (const b of c.baseline) expect(c.commitment).toBeLessThan(b)
    }
  })

  it('say "too few sessions" for a rate of a small channel instead of promising 0', () => {
    const series = asSeries(weekly({ weeks: 40, noise: 0.05, seed: 8 })).map((w, i) => ({
      ...w,
      byChannel: { 'Paid Social': { sessions: 20, inquiryRate: i % 3 ? 0 : 0.05, engagementRate: 0.5 } },
    }))
    const rows = computeCommitments(series, { ...complete(series), kpis: ['inquiryRate', 'engagementRate'], scopes: ['Paid Social'] })
    const inquiry = rows.find((c) => c.kpi === 'inquiryRate')!, engagement = rows.find((c) => c.kpi === 'engagementRate')!
    expect(inquiry.commitment).toBeNull()
    expect(inquiry.note).toMatch(/^Too few sessions to commit \(20 a week\)/)
    // Half of 20 sessions is 10 expected events a week: enough to commit.
    expect(engagement.commitment!).toBeGreaterThan(0)
  })

  it('report a hit rate out of sample with its 95 % lower bound', () => {
    const c = sessions(asSeries(weekly({ weeks: 104, noise: 0.08, seed: 3 })))
    expect(c.weeks).toBeGreaterThan(80)
    expect(c.hitRate!).toBeGreaterThan(0.8)
    expect(c.hitRateLow!).toBeGreaterThan(0.7)
    expect(c.hitRateLow!).toBeLessThan(c.hitRate!)
    expect(c.note).toMatch(/split conformal/)
  })
})

describe('calibration on real public traffic series (bench/real/)', () => {
  it('90 % floors hold in 85–95 % of held-out weeks, sharper than the naive rule and no further from 90 %', async () => {
    const { loadReal } = await import('../../bench/real/index.mjs')
    const { footfallRule, judge, naiveRule, pool, medianOf } = await import('../../bench/real/backtest.mjs')
    const real = loadReal()
    const ours = pool(real.map((s: any) => judge(s, footfallRule(computeCommitments))))
    const naive = pool(real.map((s: any) => judge(s, naiveRule)))
    const held = ours.held / ours.judged
    expect(held).toBeGreaterThanOrEqual(0.85)
    expect(held).toBeLessThanOrEqual(0.95)
    expect(medianOf(ours.ratios)).toBeGreaterThanOrEqual(0.75)
    expect([ours.zero, ours.above]).toEqual([0, 0])
    expect(ours.eligibleCommitted / ours.eligible).toBeGreaterThanOrEqual(0.95)
    expect(Math.abs(held - 0.9)).toBeLessThanOrEqual(Math.abs(naive.held / naive.judged - 0.9) + 0.005)
    expect(medianOf(ours.ratios)).toBeGreaterThan(medianOf(naive.ratios))
  }, 180_000)

  it('dates the sudden fall of March 2020 within 3 weeks and promises nothing from the old level', async () => {
    const { loadReal } = await import('../../bench/real/index.mjs')
    const { weeksOf } = await import('../../bench/real/backtest.mjs')
    const { weeks, days } = weeksOf(loadReal().find((s) => s.name === 'melbourne-pedestrians-covid')!)
    const upTo = (end: string) => {
      const o = weeks.findIndex((w: any) => w.start === end)
      const series = weeks.slice(0, o).map((w: any) => ({ start: `${w.start}T00:00:00+00:00`, overall: { sessions: w.sessions } }))
      return computeCommitments(series, { kpis: ['sessions'], scopes: ['overall'], now: Date.parse(end), since: 0, days: days.filter((d: any) => d.start < end) })[0]
    }
    const soon = upTo('2020-04-06')
    const shock = soon.changePoints.at(-1)!
    expect(Math.abs(Date.parse(shock) - Date.parse('2020-03-16')) / WEEK).toBeLessThanOrEqual(3)
    expect([soon.status, soon.commitment]).toEqual(['insufficient', null])
    const later = upTo('2020-06-01')
    expect(later.commitment!).toBeLessThan(Math.min(...later.baseline))
    expect(later.commitment!).toBeLessThan(60_000) // from the weeks after the fall (≈ 30,000 a week), not the 230,000 before
  }, 60_000)
})

describe('known level shifts (annotated changes)', () => {
  it('start a new level from the annotated week, before the detector could see it', () => {
    const series = asSeries(weekly({ weeks: 60, noise: 0.03, step: { at: 55, size: 0.3 }, seed: 4 }))
    const plain = sessions(series)
    expect(plain.changePoints).toEqual([])
    const told = sessions(series, { changes: [series[55].start] })
    expect(told.changePoints).toEqual([series[55].start])
    expect([told.status, told.commitment]).toEqual(['insufficient', null])
    expect(told.note).toContain('5 complete weeks since the level shift of the week of ' + series[55].start.slice(0, 10))
  })
})

describe('review fixes: weekdays, the stated probability, a shift this week, zero floors', () => {
  const weekdaysOnly = (weeks: number, outage?: [number, number]) => {
    const series = asSeries(Array(weeks).fill(150))
    const days = series.flatMap((w, i) => Array.from({ length: 7 }, (_, d) => ({
      start: new Date(Date.parse(w.start) + d * 86_400_000).toISOString(),
      sessions: d < 5 && !(outage && i >= outage[0] && i < outage[1]) ? 30 + ((i * 7 + d) % 5) : 0,
    })))
    series.forEach((w, i) => (w.overall.sessions = days.slice(i * 7, i * 7 + 7).reduce((a, d) => a + d.sessions, 0)))
    return { series, days }
  }

  it('a site closed at weekends has no gaps; a week without its weekdays is one', () => {
    const quiet = weekdaysOnly(30)
    const c = computeCommitments(quiet.series, { ...complete(quiet.series), kpis: ['sessions'], scopes: ['overall'], days: quiet.days })[0]
    expect(c.gaps).toEqual([])
    expect(c.status).toBe('provisional')
    const down = weekdaysOnly(30, [20, 22])
    const d = computeCommitments(down.series, { ...complete(down.series), kpis: ['sessions'], scopes: ['overall'], days: down.days })[0]
    expect(d.gaps).toEqual([{ from: down.series[20].start, to: down.series[21].end }])
  })

  it('states a probability of at least the confidence asked', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const c = sessions(asSeries(weekly({ weeks: 156, noise: 0.03, seed })))
      const stated = Number(/probability at least ([\d.]+) %/.exec(c.note)![1])
      expect(stated).toBeGreaterThanOrEqual(90)
    }
  })

  it('an annotated shift in the week in progress stops the promise from the old level', () => {
    const series = asSeries(weekly({ weeks: 60, noise: 0.05, seed: 2 }))
    const c = sessions(series, { changes: [new Date(Date.parse(series[59].end!) + 86_400_000).toISOString()] })
    expect([c.status, c.commitment]).toEqual(['insufficient', null])
    expect(c.changePoints).toEqual([series[59].end])
  })
})
