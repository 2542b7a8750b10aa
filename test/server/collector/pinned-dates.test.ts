// @vitest-environment node
/**
 * The commitment report on chosen days, whatever the day the tests run: a Sunday, a Monday, the
 * days the clocks change in Berlin and New York, New Year's Eve and New Year's Day. Each day gets
 * a year of sample history ending that day, and `/commitments?asOf=` that day answers from the
 * events before it, with forecast weeks that start on the site's Mondays.
 */
import { describe, expect, it } from 'vitest'
import { writeSample } from '../../../src/server/collector/sample'
import { instantIn, localIso } from '../../../src/kpi/intervals'
import { AS_ADMIN, envelope, inProcessCollectors, post, tempDirs, waitFor } from './helpers'

const start = inProcessCollectors()
const tempDir = tempDirs()
const DAY = 86_400_000
const ZONES = ['Europe/Berlin', 'America/New_York']
export const PINNED_DATES = ['2026-12-06', '2026-12-07', '2026-03-29', '2026-10-25', '2026-03-08', '2026-11-01', '2026-12-31', '2027-01-01']

const commitments = async (url: string, asOf: string, tz: string) =>
  waitFor(async () => {
    const res = await fetch(`${url}/commitments?scope=overall&tz=${encodeURIComponent(tz)}&asOf=${asOf}`, { headers: AS_ADMIN })
    return res.status === 200 && ((await res.json()) as any[])
  }, 60_000, `commitments as of ${asOf}`)

/** A forecast week start: local midnight of a Monday in `tz`, written with that day's offset. */
const isMondayIn = (tz: string, iso: string) =>
  localIso(tz, Date.parse(iso)) === iso && iso.slice(10, 19) === 'T00:00:00' && new Date(iso.slice(0, 10) + 'T12:00:00Z').getUTCDay() === 1

describe('commitments at pinned dates', () => {
  for (const date of PINNED_DATES) {
    it(`as of ${date}: sessions get a floor below the baseline, forecast on the site's Mondays`, async () => {
      const dataDir = tempDir()
      await writeSample({ dir: dataDir, events: 20_000, days: 365, seed: 2, end: new Date(`${date}T00:00:00Z`) })
      const r = await start({ dataDir })
      for (const tz of ZONES) {
        const asOf = instantIn(tz, date)
        const sessions = (await commitments(r.url, date, tz)).find((c) => c.kpi === 'sessions')
        const where = `${date} in ${tz}`
        expect(sessions.status, where).not.toBe('insufficient')
        expect(sessions.commitment, where).toBeGreaterThan(0)
        for (const b of sessions.baseline) expect(sessions.commitment, where).toBeLessThan(b)
        // Only complete weeks before asOf are history; the forecast starts with the week in progress or the next.
        expect(sessions.history.length, where).toBeGreaterThan(40)
        for (const h of sessions.history) expect(Date.parse(h.start), where).toBeLessThan(asOf - 6 * DAY)
        const [first] = sessions.forecast as string[]
        expect(Date.parse(first) > asOf - 7 * DAY && Date.parse(first) <= asOf + 7 * DAY, `${where}: ${first}`).toBe(true)
        for (const [i, week] of (sessions.forecast as string[]).entries()) {
          expect(isMondayIn(tz, week), `${where}: ${week}`).toBe(true)
          if (i) expect(Date.parse(week.slice(0, 10)) - Date.parse(sessions.forecast[i - 1].slice(0, 10)), where).toBe(7 * DAY)
        }
      }
    }, 120_000)
  }

  it('answers from the events before asOf only: later events change nothing', async () => {
    const dataDir = tempDir()
    await writeSample({ dir: dataDir, events: 20_000, days: 365, seed: 2, end: new Date('2026-12-06T00:00:00Z') })
    const r = await start({ dataDir })
    const before = await commitments(r.url, '2026-12-03', 'Europe/Berlin')
    const series = async () => (await fetch(`${r.url}/kpi/series?interval=week&tz=Europe/Berlin&asOf=2026-12-03`, { headers: AS_ADMIN })).json() as Promise<any[]>
    const seriesBefore = await series()
    // The week in progress (Monday 30 November) counts Monday to Wednesday only.
    expect(seriesBefore.at(-1).start).toBe('2026-11-30T00:00:00+01:00')
    const day = async () => ((await (await fetch(`${r.url}/kpi?from=2026-12-03T00:00:00Z&to=2026-12-04T00:00:00Z`, { headers: AS_ADMIN })).json()) as any).overall.sessions
    const sampled = await day()
    expect(sampled).toBeGreaterThan(0)
    const later = Array.from({ length: 50 }, (_, i) =>
      envelope({ type: 'page', event: undefined, timestamp: new Date(Date.parse('2026-12-03T09:00:00Z') + i * 60_000).toISOString(), context: { page: { url: 'https://shop.example/', path: '/', search: '', referrer: '', title: 'Shop' }, sessionId: `late-${i}` } }))
    // No sentAt: the client's timestamps are taken as they are.
    expect((await post(`${r.url}/collect`, { batch: later, writeKey: 'demo-shop' })).status).toBe(200)
    await waitFor(async () => (await day()) === sampled + 50, 10_000, 'the later events in the store')
    expect(await series()).toEqual(seriesBefore)
    expect(await commitments(r.url, '2026-12-03', 'Europe/Berlin')).toEqual(before)
    // The same instant named three ways.
    for (const asOf of ['2026-12-03T00:00:00', '2026-12-02T23:00:00Z', String(Date.parse('2026-12-02T23:00:00Z'))]) {
      expect(await (await fetch(`${r.url}/commitments?scope=overall&tz=Europe/Berlin&asOf=${encodeURIComponent(asOf)}`, { headers: AS_ADMIN })).json()).toEqual(before)
    }
    const bad = await fetch(`${r.url}/commitments?asOf=someday`, { headers: AS_ADMIN })
    expect(bad.status).toBe(400)
    const early = await fetch(`${r.url}/commitments?asOf=2020-01-01`, { headers: AS_ADMIN })
    expect([early.status, ((await early.json()) as any).error]).toEqual([400, expect.stringMatching(/no stored events before 2020-01-01/)])
  }, 120_000)

  it('/health names a site silent for longer than its history makes normal, judged at the pinned clock', async () => {
    const dataDir = tempDir()
    // Events every day up to Sunday 6 December 2026 (UTC).
    await writeSample({ dir: dataDir, events: 3_000, days: 60, seed: 4, end: new Date('2026-12-06T00:00:00Z') })
    const health = async (url: string, q = '') => waitFor(async () => {
      const h = (await (await fetch(`${url}/health${q}`)).json()) as any
      return h.silent && h
    }, 60_000, 'a health that knows the sites')
    // Monday noon: one day after the last event is ordinary for a site with events every day.
    const monday = await start({ dataDir, now: '2026-12-07T12:00:00Z' })
    expect(await health(monday.url)).toMatchObject({ ok: true, now: '2026-12-07T12:00:00.000Z', silent: [] })
    await monday.stop()
    // Thursday: more than 2 days without events.
    const thursday = await start({ dataDir, now: '2026-12-10T12:00:00Z' })
    const h = await health(thursday.url)
    expect(h.silent).toEqual([{ site: 'demo-shop', since: expect.stringMatching(/^2026-12-06T/), normalDays: 2 }])
    // asOf asks the same question of another day.
    expect((await health(thursday.url, '?asOf=2026-12-07T12:00:00Z')).silent).toEqual([])
  }, 120_000)
})

