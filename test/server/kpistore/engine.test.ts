// @vitest-environment node
/** The engine's catch-up after an interrupted build, boundaries that are not whole milliseconds, and a store of schema 5 brought up to date. */
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { describe, expect, it } from 'vitest'
import { computeKpis, type KpiEvent } from '../../../src/kpi/index'
import { FAR, openEngine } from '../../../src/server/kpistore/engine'
import { idFilter, save } from '../../../src/server/kpistore/ids'
import { SCHEMA_VERSION } from '../../../src/server/kpistore/schema'
import { history } from './history'

const stored = (dir: string) => {
  const events = history({ seed: 11, sessions: 40 }).map((e) => JSON.parse(JSON.stringify(e)) as KpiEvent)
  for (const e of events) appendFileSync(join(dir, `${(e.receivedAt as string).slice(0, 10)}.ndjson`), JSON.stringify(e) + '\n')
  return events
}

/** A data directory of stored events; \`append\` adds lines to its newest day file, as the collector appends. */
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-engine-'))
  const events = stored(dir)
  const newest = readdirSync(dir).filter((f) => f.endsWith('.ndjson')).sort().at(-1)!
  const append = (list: KpiEvent[]) => appendFileSync(join(dir, newest), list.map((e) => JSON.stringify(e) + '\n').join(''))
  return { dir, db: join(dir, 'kpi.duckdb'), events, pages: events.filter((e) => e.type === 'page'), append }
}

/** A store built from the directory's files, then closed. */
const build = async (dir: string, db: string) => {
  const built = await openEngine({ source: { dir }, db })
  await built.catchUp()
  await built.close()
}

/** Run statements on the database directly (the engine closed); the rows of the last. */
const direct = async (db: string, ...statements: string[]) => {
  const instance = await DuckDBInstance.create(db)
  const c = await instance.connect()
  let rows: Record<string, unknown>[] = []
  for (const sql of statements) rows = (await c.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[]
  c.closeSync()
  instance.closeSync()
  return rows
}

/** The report of the whole history, without its bounds. */
const whole = async (engine: Awaited<ReturnType<typeof openEngine>>) => {
  const [{ from: _f, to: _t, ...got }] = await engine.report([-FAR, FAR])
  return got
}

describe('KPI store engine', () => {
  it('folds the sessions of a build that stopped before its fold, with nothing new to apply', async () => {
    const { dir, db, events } = dataDir()
    await build(dir, db)
    // What a process ending between the last chunk's commit and the fold leaves.
    await direct(db, ...['sessions', 'cells', 'near', 'long', 'long_events', 'kin'].map((t) => `DELETE FROM ${t}`), `INSERT OR REPLACE INTO meta VALUES ('sessions', 'stale')`)
    const engine = await openEngine({ source: { dir }, db })
    expect(await engine.catchUp()).toBe(true)
    expect(await whole(engine)).toEqual(computeKpis(events))
    await engine.close()
  })

  it('brings a store of schema 5 up to date in place (kin from its sessions, or from the fold still to come), without a rebuild', async () => {
    const KIN = `SELECT * FROM kin ORDER BY ALL`
    for (const stale of [false, true]) {
      const { dir, db, events } = dataDir()
      await build(dir, db)
      const want = await direct(db, KIN)
      expect(want.length).toBeGreaterThan(0)
      // What schema 5 left: no kin; a marker row that a rebuild (a new file) would not keep.
      await direct(
        db,
        `DROP TABLE kin`,
        `UPDATE meta SET value = '5' WHERE key = 'version'`,
        `INSERT INTO meta VALUES ('marker', 'kept')`,
        ...(stale ? [...['sessions', 'cells', 'near', 'long', 'long_events'].map((t) => `DELETE FROM ${t}`), `INSERT OR REPLACE INTO meta VALUES ('sessions', 'stale')`] : []),
      )
      const engine = await openEngine({ source: { dir }, db })
      expect(await engine.catchUp()).toBe(true)
      expect(await whole(engine)).toEqual(computeKpis(events))
      await engine.close()
      expect(await direct(db, KIN)).toEqual(want)
      expect(await direct(db, `SELECT key, value FROM meta WHERE key IN ('marker', 'version') ORDER BY key`)).toEqual([
        { key: 'marker', value: 'kept' },
        { key: 'version', value: SCHEMA_VERSION },
      ])
    }
  })

  it('rebuilds from the day files a store of schema 5 whose upgrade fails', async () => {
    const { dir, db, events } = dataDir()
    await build(dir, db)
    // A table in the way of the upgrade's statements.
    await direct(db, `DROP TABLE kin`, `CREATE TABLE kin (x INTEGER)`, `UPDATE meta SET value = '5' WHERE key = 'version'`)
    const engine = await openEngine({ source: { dir }, db })
    expect(await engine.catchUp()).toBe(true)
    expect(await whole(engine)).toEqual(computeKpis(events))
    await engine.close()
  })

  it('checks a batch against every stored message id only when one of its ids may be stored', async () => {
    const { dir, db, events, pages, append } = dataDir()
    const engine = await openEngine({ source: { dir }, db })
    await engine.catchUp()
    const fresh = pages.slice(0, 5).map((e) => ({ ...e, messageId: `${e.messageId}-new` }))
    const steps: KpiEvent[][] = [
      fresh, // none stored: no check
      [fresh[2]], // an id stored by the batch before (the filter learnt it): checked, dropped
      [pages[17]], // an id stored by the first build (the filter read it): checked, dropped
    ]
    for (const step of steps) {
      append(step)
      expect(await engine.catchUp()).toBe(true)
    }
    expect(engine.checks()).toEqual({ full: 2, skipped: 1 })
    expect(await whole(engine)).toEqual(computeKpis([...events, ...steps.flat()]))
    await engine.close()
  })

  it('keeps the filter of stored ids beside the database: a restart reads it and the events applied after it was kept', async () => {
    const { dir, db, events, pages, append } = dataDir()
    const later = pages.slice(0, 4).map((e) => ({ ...e, messageId: `${e.messageId}-later` }))
    let engine = await openEngine({ source: { dir }, db })
    await engine.catchUp()
    // The filter as a process that stops without closing left it: from before the later events.
    const kept = readFileSync(`${db}.ids`)
    append(later)
    await engine.catchUp()
    await engine.close()
    writeFileSync(`${db}.ids`, kept)
    engine = await openEngine({ source: { dir }, db })
    await engine.catchUp()
    const fresh = pages.slice(4, 8).map((e) => ({ ...e, messageId: `${e.messageId}-fresh` }))
    const steps = [fresh, [later[1]], [pages[9]]]
    for (const step of steps) {
      append(step)
      expect(await engine.catchUp()).toBe(true)
    }
    // The fresh batch needed no check; the repeats of an event applied after the file was kept and
    // of one from the first build were both found, and dropped.
    expect(engine.checks()).toEqual({ full: 2, skipped: 1 })
    expect(await whole(engine)).toEqual(computeKpis([...events, ...later, ...steps.flat()]))
    await engine.close()
  })

  it('keeps every id applied after a restart in the filter, though the last event stored before it was a dropped repeat and a process ended without keeping its filter', async () => {
    const { dir, db, events, pages, append } = dataDir()
    // The last line a repeat: the build drops it, and the next order of application the database
    // shows is below the one the process counted to (and kept with the filter at close).
    append([pages[2]])
    let engine = await openEngine({ source: { dir }, db })
    await engine.catchUp()
    await engine.close()
    const kept = readFileSync(`${db}.ids`)
    // New events applied by the next process before it reads the filter kept (at its first
    // catch-up); then that process ends without keeping its own (killed): the file is as before.
    const fresh = pages.slice(4, 7).map((e) => ({ ...e, messageId: `${e.messageId}-fresh` }))
    append(fresh)
    engine = await openEngine({ source: { dir }, db })
    await engine.catchUp()
    await engine.close()
    writeFileSync(`${db}.ids`, kept)
    // The process after: a repeat of one of those events is found.
    engine = await openEngine({ source: { dir }, db })
    await engine.catchUp()
    append([fresh[0]])
    await engine.catchUp()
    const steps = [fresh, [fresh[0]]]
    expect(engine.checks()).toEqual({ full: 1, skipped: 0 })
    expect(await whole(engine)).toEqual(computeKpis([...events, pages[2], ...steps.flat()]))
    await engine.close()
  })

  it('does not read a kept filter of another build of the database (or another hash function): it reads every id again', async () => {
    const { dir, db, events, pages, append } = dataDir()
    // A filter that says no id is stored, from far after every event: believed, it would let repeats in.
    await save(`${db}.ids`, idFilter(1000), { build: 'another build 123', upTo: 1_000_000 })
    const engine = await openEngine({ source: { dir }, db })
    await engine.catchUp()
    const repeat = pages[3]
    append([repeat])
    await engine.catchUp()
    expect(engine.checks()).toEqual({ full: 1, skipped: 0 })
    expect(await whole(engine)).toEqual(computeKpis([...events, repeat]))
    await engine.close()
  })

  it('answers boundaries that are not whole milliseconds as the whole milliseconds, and names them as asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'footfall-engine-'))
    stored(dir)
    const engine = await openEngine({ source: { dir }, db: ':memory:' })
    await engine.catchUp()
    const a = Date.parse('2026-03-29T00:00:00Z'), b = a + 86_400_000, c = b + 86_400_000
    const exact = await engine.report([a, b, c])
    const fractional = await engine.report([a + 0.4, b - 0.3, c + 0.2])
    expect(fractional.map((r) => [r.from, r.to])).toEqual([[a + 0.4, b - 0.3], [b - 0.3, c + 0.2]])
    expect(fractional.map(({ from: _f, to: _t, ...r }) => r)).toEqual(exact.map(({ from: _f, to: _t, ...r }) => r))
    expect(exact[0].overall.sessions + exact[1].overall.sessions).toBeGreaterThan(0)
    await engine.close()
  })
})
