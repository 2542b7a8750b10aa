// @vitest-environment node
/**
 * /kpi, /kpi/series and /commitments answered by the KPI store, in process: the same numbers
 * as computeKpis, hostile strings verbatim, time zones and DST, bad input, and a database that
 * fails at run time (ingest goes on; reports answer 503 until the store has caught up).
 */
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeSample } from '../../../src/server/collector/sample'
import { computeKpis } from '../../../src/kpi/index'
import { HOSTILE } from '../kpistore/history'
import { AS_ADMIN, envelope, post, inProcessCollectors, tempDir, waitFor, type Running } from './helpers'

const start = inProcessCollectors()
const get = async (url: string) => {
  const res = await fetch(url, { headers: AS_ADMIN })
  return { status: res.status, body: await res.json(), retryAfter: res.headers.get('retry-after') }
}
const stored = async (r: Running) => (await (await fetch(`${r.url}/events?limit=1000`, { headers: AS_ADMIN })).json()) as any[]

const ctx = (sessionId: string, campaign?: Record<string, string>, referrer = '') => ({
  library: { name: 'footfall', version: '0' },
  page: { url: 'https://shop.example/', path: '/', search: '', referrer, title: 'Shop' },
  sessionId,
  ...(campaign ? { campaign } : {}),
})

describe('reports from the KPI store', () => {
  it('reports hostile campaign names, sources, referrers and event names verbatim', async () => {
    const r = await start()
    const batch = HOSTILE.flatMap((s, i) => [
      envelope({ type: 'page', event: undefined, context: ctx(`h${i}`, { source: s, medium: 'cpc', name: s }, `https://${i}.example/${s}`) }),
      envelope({ event: s, context: ctx(`h${i}`) }),
    ])
    for (let i = 0; i < batch.length; i += 10) expect((await post(`${r.url}/collect`, { batch: batch.slice(i, i + 10) })).status).toBe(200)
    const { status, body } = await get(`${r.url}/kpi`)
    expect(status).toBe(200)
    // The names as sent (a lone surrogate becomes U+FFFD, as in any UTF-8 database).
    for (const s of HOSTILE) expect(Object.keys(body.byCampaign)).toContain(s.trim().toWellFormed())
    expect(body).toEqual(computeKpis(await stored(r)))
  })

  it('answers /kpi for a range and /kpi/series per ISO week in the site time zone, across DST', async () => {
    const r = await start()
    // Around the switch to summer time in Berlin (29 March 2026).
    const times = ['2026-03-22T22:30:00Z', '2026-03-23T00:30:00Z', '2026-03-28T23:30:00Z', '2026-03-29T22:30:00Z', '2026-04-05T21:59:00Z', '2026-04-05T22:01:00Z']
    const batch = times.map((t, i) => envelope({ type: 'page', event: undefined, timestamp: t, anonymousId: `v${i % 3}`, context: ctx(`d${i}`) }))
    expect((await post(`${r.url}/collect`, { batch })).status).toBe(200)
    const events = await stored(r)
    const from = '2026-03-23T00:00:00Z', to = '2026-04-01T00:00:00Z'
    const range = await get(`${r.url}/kpi?from=${from}&to=${to}`)
    expect(range.body).toEqual(computeKpis(events, { from, to }))

    const series = await get(`${r.url}/kpi/series?interval=week&tz=Europe/Berlin&from=2026-03-20T00:00:00Z&to=2026-04-10T00:00:00Z`)
    expect(series.status).toBe(200)
    expect(series.body.map((w: any) => w.start)).toEqual(['2026-03-16T00:00:00+01:00', '2026-03-23T00:00:00+01:00', '2026-03-30T00:00:00+02:00', '2026-04-06T00:00:00+02:00'])
    for (const w of series.body) {
      const want = computeKpis(events, { from: w.start, to: w.end })
      expect({ overall: w.overall, byChannel: w.byChannel }).toEqual({ overall: want.overall, byChannel: want.byChannel })
    }
    // The DST week is 167 hours long.
    expect((Date.parse(series.body[1].end) - Date.parse(series.body[1].start)) / 3_600_000).toBe(167)
    const days = await get(`${r.url}/kpi/series?interval=day&tz=America/New_York&from=2026-03-28T00:00:00Z&to=2026-03-30T00:00:00Z`)
    expect(days.body.map((d: any) => d.start)).toEqual(['2026-03-27T00:00:00-04:00', '2026-03-28T00:00:00-04:00', '2026-03-29T00:00:00-04:00'])
  })

  it('refuses bad report input with 400 and a message', async () => {
    const r = await start()
    const bad = [
      '/kpi?from=yesterday', '/kpi/series?interval=month', '/kpi/series?tz=Mars/Olympus', '/kpi/series?interval=day&from=1990-01-01&to=2026-01-01',
      '/commitments?confidence=0.3', '/commitments?confidence=1', '/commitments?horizon=0', '/commitments?horizon=14', '/commitments?tz=Nowhere',
      '/commitments?kpi=bounceRate', '/commitments',
    ]
    for (const path of bad) {
      const res = await get(r.url + path)
      expect([path, res.status]).toEqual([path, 400])
      expect(typeof res.body.error).toBe('string')
    }
    expect((await get(`${r.url}/commitments?scope=Carrier%20Pigeon`)).body.error).toBeDefined()
  })

  it('answers /commitments over the stored weeks, owned before shared', async () => {
    const dataDir = tempDir()
    // History to Wednesday 25 November 2026, the report as of the Thursday after: the same on any day.
    await writeSample({ dir: dataDir, events: 20_000, days: 140, seed: 2, end: new Date('2026-11-25T00:00:00Z') })
    const r = await start({ dataDir })
    const res = await waitFor(async () => {
      const got = await get(`${r.url}/commitments?confidence=0.9&horizon=4&tz=Europe/Berlin&scope=overall&asOf=2026-11-26`)
      return got.status === 200 && got
    }, 60_000, 'commitments')
    const sessions = res.body.find((c: any) => c.kpi === 'sessions')
    expect(sessions).toMatchObject({ scope: 'overall', class: 'owned', status: 'provisional' })
    expect(sessions.baseline).toHaveLength(4)
    // The week in progress on that Thursday is the first of the forecast.
    expect(sessions.forecast[0]).toBe('2026-11-23T00:00:00+01:00')
    expect(sessions.commitment).toBeGreaterThan(0)
    for (const b of sessions.baseline) expect(sessions.commitment).toBeLessThan(b)
    // An out-of-sample hit rate, with its lower bound.
    expect(sessions.hitRate).toBeGreaterThan(0.5)
    expect(sessions.hitRateLow).toBeLessThan(sessions.hitRate)
    expect(res.body.findIndex((c: any) => c.class === 'shared')).toBeGreaterThan(res.body.findLastIndex((c: any) => c.class === 'owned'))
  }, 120_000)

  it('keeps ingesting when the database fails, answers 503 meanwhile, then the right numbers', async () => {
    const r = await start()
    const first = [envelope({ type: 'page', event: undefined, context: ctx('f1') })]
    expect((await post(`${r.url}/collect`, { batch: first })).status).toBe(200)
    expect((await get(`${r.url}/kpi`)).body.overall.sessions).toBe(1)
    // An unreadable day file: the store cannot apply the files any more.
    const dir = r.dataDir
    mkdirSync(join(dir, '2020-01-01.ndjson'))
    const failing = await get(`${r.url}/kpi`)
    expect(failing.status).toBe(503)
    expect(failing.body.error).toMatch(/KPI store/)
    expect(Number(failing.retryAfter)).toBeGreaterThan(0)
    // Ingest is not affected.
    const more = [envelope({ type: 'page', event: undefined, context: ctx('f2') }), envelope({ type: 'page', event: undefined, context: ctx('f3') })]
    expect((await post(`${r.url}/collect`, { batch: more })).status).toBe(200)
    rmSync(join(dir, '2020-01-01.ndjson'), { recursive: true })
    const healed = await waitFor(async () => {
      const got = await get(`${r.url}/kpi`)
      return got.status === 200 && got
    }, 15_000, 'the store to recover')
    expect(healed.body).toEqual(computeKpis(await stored(r)))
    expect(healed.body.overall.sessions).toBe(3)
  }, 60_000)
})
