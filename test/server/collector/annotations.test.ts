// @vitest-environment node
/**
 * Annotations: kept as an append-only file in the data directory (the fold is the set), checked
 * before anything is stored, behind the reports' credentials, and read by `/commitments`: an
 * annotated change is a change point, an annotated exclusion a gap, the same day they are added.
 */
import { appendFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { annotationsIn, checkAnnotation } from '../../../src/server/collector/annotations'
import { writeSample } from '../../../src/server/collector/sample'
import { createToken } from '../../../src/server/collector/tokens'
import { AS_ADMIN, inProcessCollectors, tempDirs, waitFor } from './helpers'

const start = inProcessCollectors()
const tempDir = tempDirs()

const NOW = '2026-11-30T12:00:00Z'
const json = { 'content-type': 'application/json' }
const add = (url: string, body: unknown, headers: Record<string, string> = AS_ADMIN) =>
  fetch(`${url}/annotations`, { method: 'POST', headers: { ...json, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) })

describe('the annotations file', () => {
  it('is the fold of its add and delete lines, skipping a torn line', () => {
    const dir = tempDir()
    const book = annotationsIn(dir)
    const a = book.add({ site: 's1', date: '2026-05-04', kind: 'change', note: 'relaunch' })
    const b = book.add({ site: 's1', date: '2026-06-01', until: '2026-06-03', kind: 'exclude', note: 'outage' })
    book.add({ site: 's2', date: '2026-01-01', kind: 'note', note: 'other site' })
    expect(book.remove(a.id)).toBe(true)
    expect(book.remove(a.id)).toBe(false)
    appendFileSync(join(dir, 'annotations.ndjson'), '{"op":"add","id":"torn"')
    expect(book.list('s1').map((x) => x.id)).toEqual([b.id])
    expect(book.list().length).toBe(2)
    const lines = readFileSync(join(dir, 'annotations.ndjson'), 'utf8').split('\n')
    expect(lines.filter((l) => l.startsWith('{"op":"delete"'))).toHaveLength(1)
  })

  it('checks what it is given and never throws', () => {
    for (const bad of [null, 'x', [], { date: '2026-13-01', kind: 'note', note: '' }, { date: '2026-05-04', kind: 'shift', note: '' }]) {
      expect('error' in checkAnnotation(bad, 's1')).toBe(true)
    }
    expect(checkAnnotation({ date: '2026-05-04', until: '2026-05-01', kind: 'exclude', note: '' }, 's1')).toEqual({ error: 'until must be on or after date' })
  })
})

describe('/annotations', () => {
  it('adds, lists and deletes; refuses bad input with 400 and stores nothing', async () => {
    const r = await start({ dataDir: tempDir(), kpiStore: false, now: NOW })
    const made = await add(r.url, { site: 'shop', date: '2026-10-05', until: '2026-10-07', kind: 'exclude', note: 'collector down' })
    expect(made.status).toBe(201)
    const a = await made.json()
    expect(a).toMatchObject({ site: 'shop', date: '2026-10-05', until: '2026-10-07', kind: 'exclude', note: 'collector down' })
    expect(a.id).toMatch(/^a_/)

    const cases: [unknown, RegExp][] = [
      [{ site: 'shop', date: '5 Oct', kind: 'note', note: '' }, /date/],
      [{ site: 'shop', date: '2026-10-05', until: '2026-10-01', kind: 'exclude', note: '' }, /until/],
      [{ site: 'shop', date: '2026-10-05', kind: 'relaunch', note: '' }, /kind/],
      [{ site: 'shop', date: '2026-10-05', kind: 'note', note: 'x'.repeat(10_240) }, /2000 characters/],
      [{ site: 'shop', date: '2031-10-05', kind: 'note', note: '' }, /year from now/],
      ['{"site":', /malformed/],
    ]
    for (const [body, message] of cases) {
      const res = await add(r.url, body)
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400)
      expect((await res.json()).error).toMatch(message)
    }
    const list = await (await fetch(`${r.url}/annotations?site=shop`, { headers: AS_ADMIN })).json()
    expect(list).toEqual([a])

    expect((await fetch(`${r.url}/annotations/a_unknown`, { method: 'DELETE', headers: AS_ADMIN })).status).toBe(404)
    expect((await fetch(`${r.url}/annotations/${a.id}`, { method: 'DELETE', headers: AS_ADMIN })).status).toBe(200)
    expect(await (await fetch(`${r.url}/annotations?site=shop`, { headers: AS_ADMIN })).json()).toEqual([])
  })

  it('needs credentials; a site token reads and writes its own site only', async () => {
    const dataDir = tempDir()
    const mine = createToken(dataDir, 'shop')
    if ('error' in mine) throw new Error(mine.error)
    const r = await start({ dataDir, kpiStore: false, now: NOW })
    const asShop = { authorization: `Bearer ${mine.token}` }
    const note = { date: '2026-10-05', kind: 'note', note: 'banner' }
    expect((await fetch(`${r.url}/annotations?site=shop`)).status).toBe(401)
    expect((await add(r.url, { ...note, site: 'shop' }, {})).status).toBe(401)
    expect((await add(r.url, { ...note, site: 'other' }, asShop)).status).toBe(403)
    expect((await fetch(`${r.url}/annotations?site=other`, { headers: asShop })).status).toBe(403)
    // Without a site named, a site token's one site.
    const made = await add(r.url, note, asShop)
    expect(made.status).toBe(201)
    expect((await made.json()).site).toBe('shop')
    const theirs = await (await add(r.url, { ...note, site: 'other' })).json()
    expect((await fetch(`${r.url}/annotations/${theirs.id}`, { method: 'DELETE', headers: asShop })).status).toBe(403)
    expect((await fetch(`${r.url}/annotations`, { headers: asShop }).then((x) => x.json())).map((a: any) => a.site)).toEqual(['shop'])
    // A form post (not JSON) is refused before it is read.
    const form = await fetch(`${r.url}/annotations`, { method: 'POST', headers: { ...AS_ADMIN, 'content-type': 'application/x-www-form-urlencoded' }, body: 'date=2026-10-05' })
    expect(form.status).toBe(415)
  })
})

describe('annotations in /commitments', () => {
  const commitments = (url: string) =>
    waitFor(async () => {
      const res = await fetch(`${url}/commitments?kpi=sessions&scope=overall`, { headers: AS_ADMIN })
      return res.status === 200 && ((await res.json()) as any[])[0]
    }, 60_000, 'commitments')

  it('an annotated change is a change point, an exclusion a gap, the same day they are added', async () => {
    const dataDir = tempDir()
    await writeSample({ dir: dataDir, events: 20_000, days: 365, seed: 3, end: new Date('2026-11-29T00:00:00Z') })
    const r = await start({ dataDir, now: NOW })
    const before = await commitments(r.url)
    expect(before.changePoints).not.toContain('2026-09-07T00:00:00+00:00')
    expect(before.gaps).toEqual([])

    expect((await add(r.url, { site: 'demo-shop', date: '2026-09-09', kind: 'change', note: 'relaunch' })).status).toBe(201)
    const changed = await commitments(r.url)
    expect(changed.changePoints).toContain('2026-09-07T00:00:00+00:00')
    expect(changed.note).toMatch(/level shift of the week of 2026-09-07/)

    expect((await add(r.url, { site: 'demo-shop', date: '2026-10-13', until: '2026-10-14', kind: 'exclude', note: 'bot attack' })).status).toBe(201)
    const excluded = await commitments(r.url)
    expect(excluded.gaps).toEqual([{ from: '2026-10-12T00:00:00+00:00', to: '2026-10-19T00:00:00+00:00' }])
    expect(excluded.history.find((h: any) => h.start === '2026-10-12T00:00:00+00:00')).toMatchObject({ value: null, gap: true })
  }, 120_000)
})
