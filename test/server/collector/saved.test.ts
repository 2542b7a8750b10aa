// @vitest-environment node
/**
 * Saved commitments and their review, on a generated year whose traffic falls to 40 % in its last
 * six weeks: a commitment saved as of eight weeks before the end is reviewed week by week against
 * `/kpi/series`, an `exclude` annotation turns a missed week into an excluded one, and the frozen
 * commitment does not change by a byte when the KPI store is rebuilt or new events arrive.
 */
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeSample } from '../../../src/server/collector/sample'
import { createToken } from '../../../src/server/collector/tokens'
import { AS_ADMIN, envelope, inProcessCollectors, post, runCli, tempDir, waitFor } from './helpers'

const start = inProcessCollectors()
const NOW = '2026-11-30T12:00:00Z'
const AS_OF = '2026-10-05'
const STEP = '2026-10-19'
const COMMITTED = ['2026-10-05', '2026-10-12', '2026-10-19', '2026-10-26'].map((d) => `${d}T00:00:00+00:00`)
const json = { ...AS_ADMIN, 'content-type': 'application/json' }
let dataDir: string

beforeAll(async () => {
  dataDir = tempDir()
  // A year at the usual level up to the step, then 40 % of it: the commitment's last two weeks miss.
  await writeSample({ dir: dataDir, events: 18_000, days: 321, seed: 5, end: new Date('2026-10-18T00:00:00Z') })
  await writeSample({ dir: dataDir, events: 900, days: 42, seed: 6, end: new Date('2026-11-29T00:00:00Z') })
})
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

const ok = async (res: Response, status = 200) => {
  if (res.status !== status) throw new Error(`${res.status}: ${await res.text()}`)
  return res.json()
}

/** The first answer that is not 503 (the store builds in the background). */
const settled = (ask: () => Promise<Response>) =>
  waitFor(async () => {
    const res = await ask()
    return res.status !== 503 && res
  }, 60_000, 'the KPI store')

describe('saved commitments', () => {
  it('reviews the committed weeks against /kpi/series; an excluded week is excluded, not missed; frozen across a rebuild', async () => {
    let r = await start({ dataDir, now: NOW })
    const save = (body: unknown) => settled(() => fetch(`${r.url}/commitments/saved`, { method: 'POST', headers: json, body: JSON.stringify(body) }))
    const made = await ok(await save({ name: 'Q4 <script>alert(1)</script>', asOf: AS_OF, kpis: ['sessions', 'engagedSessions'], scopes: ['overall'] }), 201)
    expect(made).toMatchObject({ name: 'Q4 <script>alert(1)</script>', asOf: '2026-10-05T00:00:00.000Z', site: 'demo-shop' })
    expect(made.id).toMatch(/^c_[0-9a-f]{12}$/)
    const sessions = made.rows.find((c: any) => c.kpi === 'sessions')
    expect(sessions.forecast).toEqual(COMMITTED)
    expect(sessions.commitment).toBeGreaterThan(0)
    // From the data before asOf only: no week of the step in its history.
    for (const h of sessions.history) expect(Date.parse(h.start)).toBeLessThan(Date.parse(AS_OF))

    const file = join(dataDir, 'commitments', `${made.id}.json`)
    const frozen = readFileSync(file)
    expect(await ok(await fetch(`${r.url}/commitments/saved`, { headers: AS_ADMIN }))).toEqual([
      expect.objectContaining({ id: made.id, name: made.name, asOf: made.asOf }),
    ])

    const series = await ok(await fetch(`${r.url}/kpi/series?interval=week&from=${AS_OF}&to=2026-11-02`, { headers: AS_ADMIN }))
    const actualOf = (start: string, kpi: string) => series.find((w: any) => w.start === start).overall[kpi]
    const check = (got: any) => {
      expect(got.rows).toEqual(made.rows)
      for (const kpi of ['sessions', 'engagedSessions']) {
        const row = made.rows.find((c: any) => c.kpi === kpi)
        const weeks = got.review.filter((w: any) => w.kpi === kpi)
        expect(weeks.map((w: any) => w.start)).toEqual(COMMITTED)
        for (const w of weeks) {
          expect(w.actual, `${kpi} ${w.start}`).toBe(actualOf(w.start, kpi))
          expect(w.floor).toBe(row.commitment)
        }
      }
    }
    const first = await ok(await fetch(`${r.url}/commitments/saved/${made.id}`, { headers: AS_ADMIN }))
    check(first)
    const weeks = first.review.filter((w: any) => w.kpi === 'sessions')
    // Before the step the floor held; at 40 % it did not.
    expect(weeks.map((w: any) => w.met)).toEqual([true, true, false, false])
    for (const w of weeks) expect(w.met).toBe(w.actual >= w.floor)
    expect(first.summary.find((s: any) => s.kpi === 'sessions')).toMatchObject({ judged: 4, met: 2, excluded: 0, pending: 0, text: 'met 2 of 4 judged weeks' })

    // The week of the step was a bot filter gone wrong, say: excluded, not missed.
    await ok(await fetch(`${r.url}/annotations`, { method: 'POST', headers: json, body: JSON.stringify({ site: 'demo-shop', date: STEP, until: '2026-10-25', kind: 'exclude', note: 'collector outage' }) }), 201)
    const excluded = await ok(await fetch(`${r.url}/commitments/saved/${made.id}`, { headers: AS_ADMIN }))
    check(excluded)
    const step = excluded.review.find((w: any) => w.kpi === 'sessions' && w.start === COMMITTED[2])
    expect(step).toMatchObject({ met: null, flags: ['gap', 'annotated'] })
    expect(excluded.summary.find((s: any) => s.kpi === 'sessions')).toMatchObject({ judged: 3, met: 2, excluded: 1, text: 'met 2 of 3 judged weeks; 1 excluded: collector outage' })

    // A commitment whose weeks are still running: pending, not judged.
    const later = await ok(await save({ name: 'a quarter', asOf: AS_OF, horizon: 13, kpis: ['sessions'], scopes: ['overall'] }), 201)
    const running = await ok(await fetch(`${r.url}/commitments/saved/${later.id}`, { headers: AS_ADMIN }))
    expect(running.review).toHaveLength(13)
    expect(running.review[7]).toMatchObject({ start: '2026-11-23T00:00:00+00:00', flags: [], met: false })
    expect(running.review[8]).toMatchObject({ start: '2026-11-30T00:00:00+00:00', flags: ['in-progress'], met: null })
    expect(running.summary[0]).toMatchObject({ judged: 7, excluded: 1, pending: 5 })

    // New events, then a rebuilt store: the saved commitment is the same, byte for byte.
    await ok(await post(`${r.url}/collect`, { batch: [envelope({ writeKey: 'demo-shop' })] }))
    await r.stop()
    rmSync(join(dataDir, 'kpi.duckdb'), { force: true })
    rmSync(join(dataDir, 'kpi.duckdb.wal'), { force: true })
    r = await start({ dataDir, now: NOW })
    const rebuilt = await ok(await settled(() => fetch(`${r.url}/commitments/saved/${made.id}`, { headers: AS_ADMIN })))
    expect(readFileSync(file).equals(frozen)).toBe(true)
    check(rebuilt)
    expect(rebuilt.review).toEqual(excluded.review)
  }, 180_000)

  it('commit --save and review: the appendix in markdown and CSV, hostile text kept text', async () => {
    await runCli(['annotate', dataDir, '--site', 'demo-shop', '--date', '2026-10-28', '--kind', 'note', '--note', '=HYPERLINK("x") <b>bold</b> | pipe'])
    const saved = await runCli(['commit', dataDir, '--save', 'Q4 <img src=x onerror=alert(1)>', '--as-of', AS_OF, '--kpi', 'sessions', '--scope', 'overall', '--site', 'demo-shop'])
    expect(saved.code, saved.stderr).toBe(0)
    const id = /saved as (c_[0-9a-f]{12})/.exec(saved.stderr)![1]
    const md = await runCli(['review', dataDir, id, '--format', 'md', '--now', NOW])
    expect(md.code, md.stderr).toBe(0)
    expect(md.stdout).toContain('# Commitment: Q4 &lt;img src=x onerror=alert(1)&gt;')
    expect(md.stdout).toContain('owned: marketing commits to what it controls')
    expect(md.stdout).toContain('## Annotations in force')
    expect(md.stdout).toContain('&lt;b&gt;bold&lt;/b&gt; \\| pipe')
    expect(md.stdout).toContain('met 2 of 3 judged weeks; 1 excluded: collector outage')
    expect(md.stdout).not.toMatch(/<img|<b>/)
    const csv = await runCli(['review', dataDir, id, '--format', 'csv', '--now', NOW])
    const lines = csv.stdout.trim().split('\r\n')
    expect(lines).toHaveLength(5)
    expect(lines[4]).toContain(`"note: =HYPERLINK(""x"") <b>bold</b> | pipe"`)
    const data = JSON.parse((await runCli(['review', dataDir, id, '--format', 'json', '--now', NOW])).stdout)
    expect(data.review.map((w: any) => w.met)).toEqual([true, true, null, false])
  }, 120_000)

  it('refuses bad requests and unknown ids; needs credentials', async () => {
    const r = await start({ dataDir, now: NOW })
    const save = (body: unknown, headers: Record<string, string> = json) => fetch(`${r.url}/commitments/saved`, { method: 'POST', headers, body: JSON.stringify(body) })
    expect((await save({ name: '' })).status).toBe(400)
    expect((await save({ name: 'x', horizon: 40 })).status).toBe(400)
    expect((await save({ name: 'x', asOf: 'yesterday' })).status).toBe(400)
    expect((await save({ name: 'x' }, { 'content-type': 'application/json' })).status).toBe(401)
    expect((await fetch(`${r.url}/commitments/saved`)).status).toBe(401)
    expect((await fetch(`${r.url}/commitments/saved/c_000000000000`, { headers: AS_ADMIN })).status).toBe(404)
    expect((await fetch(`${r.url}/commitments/saved/..%2Ftokens`, { headers: AS_ADMIN })).status).toBe(404)
    // A site token sees its own site's saved commitments only.
    const [one] = await ok(await fetch(`${r.url}/commitments/saved`, { headers: AS_ADMIN }))
    const other = createToken(dataDir, 'other-shop')
    const mine = createToken(dataDir, 'demo-shop')
    if ('error' in other || 'error' in mine) throw new Error('no token')
    const asOther = { authorization: `Bearer ${other.token}` }
    expect((await fetch(`${r.url}/commitments/saved/${one.id}`, { headers: asOther })).status).toBe(403)
    expect(await ok(await fetch(`${r.url}/commitments/saved`, { headers: asOther }))).toEqual([])
    expect((await save({ name: 'x', site: 'demo-shop' }, { ...asOther, 'content-type': 'application/json' })).status).toBe(403)
    expect((await fetch(`${r.url}/commitments/saved/${one.id}`, { headers: { authorization: `Bearer ${mine.token}` } })).status).toBe(200)
  })
})
