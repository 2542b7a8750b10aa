/**
 * The KPI store's engine: a DuckDB database beside the NDJSON day files, kept current by
 * applying what the files gained since last time, and answering reports for time ranges.
 * It runs in a worker thread of the collector (worker.ts), or in-process for the CLI and tests.
 */
import { randomUUID } from 'node:crypto'
import { open, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import type { DuckDBConnection, DuckDBInstance, DuckDBPreparedStatement, DuckDBVector } from '@duckdb/node-api'
import { factOf, HUMAN, Kind, type KpiEvent } from '../../kpi/event'
import { ENGAGED_MS, leftOut, metricsOf, sortedRecord, type Counts, type SeriesInterval as SeriesPoint, type KpiReport, type Metrics, type TrafficFilter } from '../../kpi/index'
import { boundaries, localIso, type Interval } from '../../kpi/intervals'
import { idFilter, load as loadIds, save as saveIds, type IdFilter } from './ids'
import { ANY_IN, CROSSING_KEYS, FOLD_ALL, FOLD_TOUCHED, HOUR, INCOMING, INSERT_NEW, LOOSE_IN, LOOSE_NEW, NEAR_MS, NEARBY, ID_HASHES, PIECE_SESSIONS, PIECES, REPORT, REPORT_CELLS, SCHEMA, SCHEMA_VERSION, SESSIONS_CELLS, SITES, SPAN, SPAN_HOURS, UPGRADES } from './schema'

export interface EngineOptions {
  /** Directory of the day files (`YYYY-MM-DD.ndjson`), or the files themselves. */
  source: { dir: string } | { files: string[] }
  /** Database file, or ':memory:'. */
  db: string
  /** DuckDB's memory limit. Default 256MB. */
  memoryLimit?: string
  /** DuckDB threads. Default 2. */
  threads?: number
  /** Told what a build or catch-up has done so far. */
  onProgress?: (p: Progress) => void
  /** Events read into memory at a time (default CHUNK), and applied together by a catch-up (default STAGED). */
  chunk?: number
  staged?: number
}

export interface Progress {
  phase: 'building' | 'catching up' | 'ready'
  files: { done: number; total: number }
  bytes: { done: number; total: number }
  events: number
  /** Events a second over this build. */
  rate: number
  /** Seconds left at that rate, by bytes. */
  eta: number
}

/** One interval of a series: counts per channel and campaign, turned into metrics. */
export interface IntervalReport extends KpiReport {
  from: number
  to: number
}

export type { SeriesPoint }

/** Most intervals one series may have (ten years of days). */
export const MAX_INTERVALS = 3660

/** The database file is held by another process. */
export class Locked extends Error {}

/** The engine could not load DuckDB (an optional dependency of the collector). */
export class MissingDatabase extends Error {}

class OlderSchema extends Error {}

/**
 * What DuckDB says of a database file that is damaged rather than busy, full or asked too much:
 * a checksum that fails, a block cut short, a file it does not recognise, or an internal error
 * (after which it refuses the database until it is opened again).
 */
export const DAMAGED = /Corrupt database file|checksum|not a valid DuckDB database|Could not read enough bytes|INTERNAL Error|database has been invalidated|Serialization Error/i

const DAY_FILE = /^\d{4}-\d{2}-\d{2}\.ndjson$/
/** Events read into memory at a time. */
const CHUNK = 20_000
/** Events applied in one transaction after a build (a catch-up applies its chunks together, up to this many). */
const STAGED = 250_000
const READ_BYTES = 4 << 20
/** The widest range a report may ask for, in epoch ms (±292,000 years fit a BIGINT). */
export const FAR = 8.64e15

const loadDuckDB = async () => {
  try {
    return await import('@duckdb/node-api')
  } catch {
    throw new MissingDatabase('the KPI store needs DuckDB: npm install @duckdb/node-api')
  }
}

export const openEngine = async (options: EngineOptions) => {
  const duckdb = await loadDuckDB()
  const config: Record<string, string> = { memory_limit: options.memoryLimit ?? '256MB', threads: String(options.threads ?? 2), preserve_insertion_order: 'false' }
  // Big sorts spill to disk beside the database (DuckDB's default), or to the system's temp folder.
  if (options.db === ':memory:') config.temp_directory = join(tmpdir(), `footfall-duckdb-${process.pid}`)
  let instance!: DuckDBInstance
  let db!: DuckDBConnection
  const connect = async () => {
    instance = await duckdb.DuckDBInstance.create(options.db, config)
    db = await instance.connect()
  }
  const discard = async () => {
    if (options.db === ':memory:') return
    await rm(options.db, { force: true })
    await rm(options.db + '.wal', { force: true })
  }
  const get = async (sql: string, values: unknown[] = []) =>
    (await db.runAndReadAll(sql, values as never)).getRowObjectsJS() as Record<string, unknown>[]
  /**
   * A report's queries, planned once: planning the report takes longer than reading the cells of
   * a year. DuckDB plans them again itself should the tables change.
   */
  const statements = new Map<string, DuckDBPreparedStatement>()
  const ask = async (sql: string, values: unknown[]) => {
    let statement = statements.get(sql)
    if (!statement) statements.set(sql, (statement = await db.prepare(sql)))
    statement.bind(values as never)
    return (await statement.runAndReadAll()).getRowObjectsJS() as Record<string, unknown>[]
  }

  // A database of another schema version is rebuilt from the files; one that will not open is
  // the caller's to set aside (runner.ts).
  try {
    await connect()
    await db.run(SCHEMA)
    const [version] = await get(`SELECT value FROM meta WHERE key = 'version'`)
    if (version && version.value !== SCHEMA_VERSION) {
      const upgrade = UPGRADES[version.value as string]
      if (!upgrade) throw new OlderSchema()
      // Brought up to date and marked so in one transaction: a process stopped half way upgrades
      // again; an upgrade that fails (beyond the memory limit) is a rebuild from the files instead.
      await db.run('BEGIN TRANSACTION')
      try {
        for (const sql of upgrade) await db.run(sql)
        await db.run(`INSERT OR REPLACE INTO meta VALUES ('version', $1)`, [SCHEMA_VERSION])
        await db.run('COMMIT')
      } catch (err) {
        await db.run('ROLLBACK').catch(() => {})
        throw DAMAGED.test((err as Error).message) ? err : new OlderSchema()
      }
    }
  } catch (err) {
    // Another process has it open (a collector running on this directory): not ours to discard.
    // (Not /lock/: a checksum error names the "block at location" it read.)
    if (/Could not set lock|Conflicting lock/i.test((err as Error).message)) throw new Locked((err as Error).message)
    db?.closeSync()
    instance?.closeSync()
    if (!(err instanceof OlderSchema)) throw err
    await discard()
    await connect()
    await db.run(SCHEMA)
  }
  await db.run(`INSERT OR REPLACE INTO meta VALUES ('version', $1)`, [SCHEMA_VERSION])
  // Which build of the store this is: a filter of its ids saved beside it (ids.ts) names it.
  await db.run(`INSERT OR IGNORE INTO meta VALUES ('build', $1)`, [randomUUID()])
  let build = (await get(`SELECT value FROM meta WHERE key = 'build'`))[0].value as string

  /**
   * The day files and their sizes. The collector appends only to the files of the last two days
   * (late events go to the day they arrive): while the list of files stays the same, only those
   * (and any named later, and the newest two) are looked at again; every file when one appears or
   * goes away, at the first catch-up, and at least once a minute (a file edited by hand).
   */
  let listing: string | undefined
  let listedAt = -Infinity
  const sizes = new Map<string, number>()
  const files = async (): Promise<{ name: string; path: string; size: number }[]> => {
    const dir = 'dir' in options.source ? options.source.dir : undefined
    const paths = dir ? (await readdir(dir)).filter((f) => DAY_FILE.test(f)).sort().map((f) => join(dir, f)) : (options.source as { files: string[] }).files
    const names = paths.map((path) => (dir ? basename(path) : path))
    const listed = names.join('\n')
    const now = Date.now()
    const all = !dir || listed !== listing || now - listedAt > 60_000
    const recent = new Date(now - DAY).toISOString().slice(0, 10)
    await Promise.all(paths.map(async (path, i) => (all || i >= paths.length - 2 || names[i] >= recent ? sizes.set(names[i], (await stat(path)).size) : undefined)))
    // Only once every size is known: a look that failed half way is made again in full.
    if (all) (listing = listed), (listedAt = now)
    return paths.map((path, i) => ({ name: names[i], path, size: sizes.get(names[i])! }))
  }
  /** How far each file is applied, as in \`applied\`: kept in memory between catch-ups that succeed. */
  let appliedNow: Map<string, number> | undefined

  let progress: Progress = { phase: 'ready', files: { done: 0, total: 0 }, bytes: { done: 0, total: 0 }, events: 0, rate: 0, eta: 0 }

  /** The next event's order of application; undefined until read from the database. */
  let seq: number | undefined
  /** Grows whenever events are applied: a report made at one version holds until the next. */
  let version = 0
  /**
   * The stored message ids (ids.ts), read when the store opens: a batch none of whose ids may be
   * stored skips the check against every stored id. Undefined while not read (after a bulk load,
   * until the catch-up's end). \`checks\`: batches checked against the stored ids, and batches not.
   */
  let ids: IdFilter | undefined
  const checks = { full: 0, skipped: 0 }
  /** Each chunk of the halves of the hashes of the message ids of \`table\` from seq \`from\` on (ID_HASHES). */
  const hashes = async (table: string, from: number, each: (a: Uint32Array, b: Uint32Array) => void) => {
    const result = await db.stream(ID_HASHES(table), [BigInt(from)])
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      each(uints(chunk.getColumnVector(0), chunk.rowCount), uints(chunk.getColumnVector(1), chunk.rowCount))
    }
  }
  /**
   * \`seq\`, read from the database the first time (and after a rebuild): never below the \`upTo\`
   * of the filter kept beside it, which says it holds every event below it. A process may have
   * counted past the last event stored (a repeat dropped last, a batch that failed): events applied
   * below its \`upTo\` would be missing from that filter at every later start.
   */
  const seqNow = async () => {
    if (seq === undefined) {
      seq = Number((await get(`SELECT coalesce(max(seq) + 1, 0)::DOUBLE AS next FROM events`))[0].next)
      seq = Math.max(seq, (await keptFilter())?.saved.upTo ?? 0)
    }
    return seq
  }
  /** The filter kept beside this build of the database (and DuckDB's hash function), read when asked again; null when none fits. */
  let kept: Awaited<ReturnType<typeof loadIds>> | null | undefined
  const keptFilter = async () => {
    if (kept === undefined) {
      const file = idsFile ? await loadIds(idsFile) : undefined
      stamp ??= await stampOf()
      kept = file && file.saved.build === stamp && !file.filter.full() ? file : null
    }
    return kept
  }
  /** Where the filter is kept between starts (none for a database in memory). */
  const idsFile = options.db === ':memory:' ? undefined : `${options.db}.ids`
  let idsSavedAt = -Infinity
  /**
   * Which filter fits this database: its build, and DuckDB's hash function (a DuckDB whose hash()
   * changed would read a kept filter as holding none of the stored ids).
   */
  let stamp: string | undefined
  const stampOf = async () => `${build} ${(await get(`SELECT hash('footfall')::VARCHAR AS h`))[0].h as string}`
  /**
   * Keep the filter beside the database: the next start reads it and only the events applied
   * after. Only a saving: a filter that cannot be written (a full or read-only disk) is read again.
   */
  const saveFilter = async () => {
    if (!idsFile || !ids || seq === undefined) return
    stamp ??= await stampOf()
    await saveIds(idsFile, ids, { build: stamp, upTo: seq }).catch(() => {})
    idsSavedAt = Date.now()
  }
  /**
   * The filter of every stored id: the one kept beside this build of the database and the ids of
   * the events applied since, or (none kept, another build's, or full) every id, with room for
   * half as many again, and kept.
   */
  const readIds = async () => {
    await seqNow()
    const file = await keptFilter()
    // Taken: the file is read again only after a bulk load (which sets \`kept\` back to undefined).
    kept = null
    if (file) {
      // It holds every event below its upTo, and no event was applied below it since (seqNow).
      await hashes('events', file.saved.upTo, (a, b) => file.filter.add(a, b))
      if (!file.filter.full()) return void (ids = file.filter)
    }
    const [{ n }] = await get(`SELECT count(*)::DOUBLE AS n FROM events`)
    const filter = idFilter((n as number) * 1.5)
    await hashes('events', 0, (a, b) => filter.add(a, b))
    ids = filter
    await saveFilter()
    // Every id read filled DuckDB's buffers with blocks no report reads: let them go (a limit
    // lowered evicts what it can), then the limit as it was. Worth it for a big store only.
    if ((n as number) >= 1_000_000 && /^\d+(\.\d+)?\s*[a-z]+$/i.test(config.memory_limit)) {
      await db.run(`SET memory_limit = '16MB'`).catch(() => {})
      await db.run(`SET memory_limit = '${config.memory_limit}'`)
    }
  }
  /** Append events to `table` through the appender (DuckDB's own loader: no SQL text from data). */
  const load = async (table: string, events: KpiEvent[]) => {
    const appender = await db.createAppender(table)
    for (const e of events) {
      const f = factOf(e)
      if (!f || f.kind === Kind.Ignored) continue
      const site = typeof e.writeKey === 'string' ? e.writeKey : ''
      appender.appendVarchar(f.id)
      if (f.session) appender.appendVarchar(ofSite(f.session, site))
      else appender.appendNull()
      appender.appendVarchar(f.visitor && ofSite(f.visitor, site))
      appender.appendBigInt(BigInt(f.t))
      appender.appendUTinyInt(f.kind)
      appender.appendBigInt(BigInt(f.engagedMs))
      appender.appendVarchar(f.channel)
      appender.appendVarchar(f.campaign)
      appender.appendVarchar(f.source)
      appender.appendVarchar(f.medium)
      const path = e.context?.page?.path
      appender.appendVarchar(typeof path === 'string' ? path.toWellFormed() : '')
      appender.appendVarchar(site)
      appender.appendBigInt(BigInt(seq!++))
      appender.appendVarchar(f.traffic.toWellFormed())
      appender.endRow()
    }
    appender.closeSync()
  }

  /** Load a bulk chunk of events and how far it reaches in each file, in one transaction. */
  const applyBulk = async (events: KpiEvent[], offsets: Map<string, number>) => {
    await db.run('BEGIN TRANSACTION')
    try {
      await load('events', events)
      for (const [file, bytes] of offsets) await db.run(`INSERT OR REPLACE INTO applied VALUES ($1, $2)`, [file, BigInt(bytes)])
      await db.run('COMMIT')
    } catch (err) {
      await db.run('ROLLBACK').catch(() => {})
      throw err
    }
  }

  /**
   * Apply the staged events (\`incoming\`, from seq \`first\` on) and how far they reach in each
   * file, in one transaction: new events only, then their sessions folded again. One check for
   * duplicates and one fold per catch-up (up to STAGED events), however many chunks it read: each
   * reads every stored messageId, or every event of the touched sessions.
   */
  const applyStaged = async (first: number, offsets: Map<string, number>) => {
    const batch: [Uint32Array, Uint32Array][] = []
    if (ids) await hashes('incoming', 0, (a, b) => batch.push([a.slice(), b.slice()]))
    const stored = !ids || batch.some(([a, b]) => ids!.mayHaveAny(a, b))
    await db.run('BEGIN TRANSACTION')
    try {
      await db.run(INSERT_NEW(stored))
      await db.run(LOOSE_NEW, [BigInt(first)])
      await db.run(`CREATE OR REPLACE TEMP TABLE touched_rows AS SELECT DISTINCT session_key, visitor FROM incoming`)
      for (const sql of FOLD_TOUCHED) await db.run(sql)
      for (const [file, bytes] of offsets) await db.run(`INSERT OR REPLACE INTO applied VALUES ($1, $2)`, [file, BigInt(bytes)])
      await db.run('COMMIT')
    } catch (err) {
      await db.run('ROLLBACK').catch(() => {})
      throw err
    }
    // Every id of the batch is now stored (or was already): the filter holds them all.
    for (const [a, b] of batch) ids?.add(a, b)
    if (stored) checks.full++
    else checks.skipped++
    if (ids?.full()) ids = undefined
  }

  /**
   * Apply everything the files gained. Returns false when they no longer match what was applied
   * (a file shrank or went away): the caller rebuilds.
   */
  const catchUp = async (): Promise<boolean> => {
    const list = await files()
    const known = appliedNow !== undefined
    const applied = appliedNow ?? new Map((await get(`SELECT file, bytes FROM applied`)).map((r) => [r.file as string, Number(r.bytes)]))
    appliedNow = undefined
    const bySize = new Map(list.map((f) => [f.name, f.size]))
    for (const [name, bytes] of applied) if (!bySize.has(name) || bySize.get(name)! < bytes) return false
    const todo = list.filter((f) => f.size > (applied.get(f.name) ?? 0))
    if (!todo.length) {
      // A build stopped between its last chunk and its fold (the process ended): fold now.
      if (!known) await foldIfStale()
      if (!ids) await readIds()
      appliedNow = applied
      return true
    }
    // Read once, then counted here: a scan of the last row groups at every catch-up otherwise.
    await seqNow()
    const total = todo.reduce((sum, f) => sum + f.size - (applied.get(f.name) ?? 0), 0)
    const stored = [...applied.values()].reduce((a, b) => a + b, 0)
    // An empty store, or a backlog of more than a quarter of it, loads in bulk: then duplicates
    // are dropped and every session folded once at the end, rather than batch by batch.
    const bulk = seq === 0 || total > stored / 4
    if (bulk) {
      // Loaded without the filter (duplicates are dropped at the end): read again after, from
      // the one kept and the events after it.
      ids = undefined
      kept = undefined
      await db.run(`INSERT OR REPLACE INTO meta VALUES ('sessions', 'stale')`)
    }
    const started = performance.now()
    progress = { phase: bulk ? 'building' : 'catching up', files: { done: 0, total: todo.length }, bytes: { done: 0, total }, events: 0, rate: 0, eta: 0 }
    const report = () => {
      const seconds = (performance.now() - started) / 1000
      progress.rate = seconds > 0 ? Math.round(progress.events / seconds) : 0
      const bytesPerSecond = seconds > 0 ? progress.bytes.done / seconds : 0
      progress.eta = bytesPerSecond ? Math.round((progress.bytes.total - progress.bytes.done) / bytesPerSecond) : 0
      options.onProgress?.({ ...progress, files: { ...progress.files }, bytes: { ...progress.bytes } })
    }
    // Events of any number of files go in one chunk, with how far each file is then applied.
    let events: KpiEvent[] = []
    let offsets = new Map<string, number>()
    let read = 0
    // Not in bulk: chunks are staged in \`incoming\` and applied together (applyStaged).
    let staged = 0
    let stagedFrom = seq!
    let stagedOffsets = new Map<string, number>()
    if (!bulk) await db.run(INCOMING)
    const flush = async (last = false) => {
      if (bulk) {
        if (events.length) await applyBulk(events, offsets)
        else for (const [file, bytes] of offsets) await db.run(`INSERT OR REPLACE INTO applied VALUES ($1, $2)`, [file, BigInt(bytes)])
        if (events.length) version++
      } else {
        if (events.length) await load('incoming', events)
        staged += events.length
        for (const [file, bytes] of offsets) stagedOffsets.set(file, bytes)
        if (last || staged >= (options.staged ?? STAGED)) {
          await applyStaged(stagedFrom, stagedOffsets)
          if (staged) version++
          staged = 0
          stagedFrom = seq!
          stagedOffsets = new Map()
          if (!last) await db.run(INCOMING)
        }
      }
      progress.events += events.length
      progress.bytes.done = read
      events = []
      offsets = new Map()
      report()
    }
    for (const f of todo) {
      const base = applied.get(f.name) ?? 0
      let offset = base
      const fh = await open(f.path, 'r')
      try {
        let carry = Buffer.alloc(0)
        while (offset < f.size) {
          const buf = Buffer.alloc(Math.min(READ_BYTES, f.size - offset))
          const { bytesRead } = await fh.read(buf, 0, buf.length, offset)
          if (!bytesRead) break
          offset += bytesRead
          const data = carry.length ? Buffer.concat([carry, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead)
          // Only whole lines: a line still being written is taken next time.
          const end = data.lastIndexOf(10) + 1
          carry = Buffer.from(data.subarray(end))
          const at = offset - data.length
          let start = 0
          while (start < end) {
            const nl = data.indexOf(10, start)
            const line = data.toString('utf8', start, nl)
            start = nl + 1
            if (line) {
              try {
                events.push(JSON.parse(line) as KpiEvent)
              } catch {
                // A line cut by a crash: the collector's own repair removes it; skip it here.
              }
            }
            offsets.set(f.name, at + start)
            if (events.length >= (options.chunk ?? CHUNK)) {
              read += at + start - (applied.get(f.name) ?? base)
              applied.set(f.name, at + start)
              await flush()
            }
          }
        }
        read += (offsets.get(f.name) ?? base) - (applied.get(f.name) ?? base)
        applied.set(f.name, offsets.get(f.name) ?? base)
      } finally {
        await fh.close()
      }
      progress.files.done++
    }
    await flush(true)
    await foldIfStale()
    if (!ids) await readIds()
    else if (Date.now() - idsSavedAt > 300_000) await saveFilter()
    progress.phase = 'ready'
    report()
    appliedNow = applied
    return true
  }

  /** After a bulk load: every session folded once, from scratch. */
  const foldIfStale = async () => {
    const [stale] = await get(`SELECT value FROM meta WHERE key = 'sessions'`)
    if (stale?.value !== 'stale') return
    version++
    await db.run('BEGIN TRANSACTION')
    for (const sql of FOLD_ALL) await db.run(sql)
    await db.run(`DELETE FROM meta WHERE key = 'sessions'`)
    await db.run('COMMIT')
    // The build written into the database file now: a process stopped before closing it would
    // otherwise replay the whole build from the write-ahead log on its next start.
    await db.run('CHECKPOINT')
  }

  /** Drop everything and apply the files from the start. */
  const rebuild = async () => {
    version++
    seq = undefined
    ids = undefined
    build = randomUUID()
    stamp = undefined
    kept = null
    appliedNow = undefined
    listing = undefined
    sizes.clear()
    await db.run('BEGIN TRANSACTION')
    for (const table of ['events', 'sessions', 'applied', 'cells', 'near', 'long', 'long_events', 'kin', 'loose']) await db.run(`DELETE FROM ${table}`)
    await db.run(`INSERT OR REPLACE INTO meta VALUES ('build', $1)`, [build])
    await db.run('COMMIT')
    await catchUp()
  }

  /**
   * The boundaries with a first or last one cut mid-hour (a series up to now) moved out to the
   * whole hour, when the site has no event between the two: the same sessions, pieces and users,
   * so the same report, which can then read cells (see plan). The same list when nothing moves.
   */
  const snap = async (bounds: number[], site?: string) => {
    const b = bounds.map(Math.round)
    const n = b.length
    const lo = floorHour(b[0]), hi = -floorHour(-b[n - 1])
    if (lo === b[0] && hi === b[n - 1]) return bounds
    const none = async (from: number, to: number) => ((await ask(ANY_IN(site !== undefined), [site ?? null, BigInt(from), BigInt(to)]))[0].n as number) === 0
    const first = lo !== b[0] && (await none(lo, b[0])) ? lo : bounds[0]
    const last = hi !== b[n - 1] && (await none(b[n - 1], hi)) ? hi : bounds[n - 1]
    return first === bounds[0] && last === bounds[n - 1] ? bounds : [first, ...bounds.slice(1, -1), last]
  }

  /** The first start hour and the last end hour of a site's sessions (undefined: all), null without any; kept while nothing new is applied. */
  let known: { version: number; bySite: Map<string | undefined, { h: number | null; e: number | null }> } = { version: -1, bySite: new Map() }
  const hours = async (site?: string) => {
    if (known.version !== version) known = { version, bySite: new Map() }
    let r = known.bySite.get(site)
    if (!r) {
      const [row] = await ask(SPAN_HOURS(site !== undefined), [site ?? null])
      known.bySite.set(site, (r = { h: row.h as number | null, e: row.e as number | null }))
    }
    return r
  }

  /**
   * How a report over boundaries reads the store. \`fast\`: whole hours between the first and last
   * boundary are read from cells, when every boundary in between is a whole hour (days and weeks in
   * any time zone of whole hours) and every interval can count its users from them (schema.ts,
   * cells). \`whole\`: moreover the first and last are whole hours and no event in the range lacks
   * a session id; then cells and the pieces of the sessions crossing a boundary are all there is.
   */
  const plan = async (bounds: number[], site?: string) => {
    const one = site !== undefined
    const b = bounds.map(Math.round)
    const first = BigInt(b[0]), last = BigInt(b[b.length - 1])
    const { h: firstHour, e: lastHour } = await hours(site)
    const a = -floorHour(-b[0]), z = floorHour(b[b.length - 1])
    const fast =
      a <= z &&
      b.every((x, i) => i === 0 || i === b.length - 1 || floorHour(x) === x) &&
      b.every((lo, i) => i === b.length - 1 || b[i + 1] - lo <= NEAR_MS || (firstHour !== null && lo <= (firstHour as number)))
    const whole = fast && a === b[0] && z === b[b.length - 1] && ((await ask(LOOSE_IN(one), [site ?? null, first, last]))[0].n as number) === 0
    // A session crossing a boundary x starts before it and ends at or after it: within the site's hours.
    const crossed = firstHour !== null && b.some((x) => x > (firstHour as number) && x < (lastHour as number) + HOUR)
    return {
      list: duckdb.listValue(b.map(BigInt)), one, first, last, fast, whole, crossed,
      edges: fast ? [BigInt(a), BigInt(z)] : [], start: BigInt((firstHour as number | null) ?? -FAR), nearFrom: BigInt(nearFrom(b, a, z, firstHour as number | null)),
    }
  }

  /** Counts per interval (boundaries ascending, ≥ 2), channel and campaign, of one site (undefined: all); people only unless `traffic` is `all`. */
  const report = async (bounds: number[], site?: string, traffic: TrafficFilter = 'human'): Promise<IntervalReport[]> => {
    // Whole milliseconds, as the database keeps time; the answer keeps the boundaries asked.
    const b = bounds.map(Math.round)
    if (b.some((x, i) => x !== bounds[i])) return (await report(b, site, traffic)).map((r, i) => ({ ...r, from: bounds[i], to: bounds[i + 1] }))
    // A first or last interval cut off mid-hour (a series up to now) is asked alone: each interval
    // is what computeKpis says of it alone, so the others stay whole hours, read from cells.
    const whole = await snap(bounds, site)
    if (whole !== bounds) return (await report(whole, site, traffic)).map((r, i) => ({ ...r, from: bounds[i], to: bounds[i + 1] }))
    const cut = apart(bounds)
    if (cut) return [...(await report(cut[0], site, traffic)), ...(await report(cut[1], site, traffic))]
    return reportOf(bounds, site, traffic)
  }

  const reportOf = async (bounds: number[], site: string | undefined, traffic: TrafficFilter): Promise<IntervalReport[]> => {
    const { list, one, first, last, fast, whole, crossed, edges, start, nearFrom } = await plan(bounds, site)
    const all = traffic === 'all'
    let rows: Record<string, unknown>[]
    let pieces: Record<string, unknown>[] = []
    if (whole) {
      rows = await ask(REPORT_CELLS(one), [list, all, site ?? null, ...edges, start, nearFrom])
      if (crossed) pieces = await ask(PIECES(one), [list, site ?? null, first, last])
    } else {
      const [crossing] = await ask(CROSSING_KEYS(one, fast), [list, site ?? null, first, last, ...edges])
      // '' first: an empty list would have no type, and no session key is '' (they start with `s:`).
      const keys = duckdb.listValue(['', ...(crossing.keys as string[])])
      rows =
        fast && !(crossing.keys as string[]).length && !crossing.rest && !crossing.loose
          ? await ask(REPORT_CELLS(one), [list, all, site ?? null, ...edges, start, nearFrom])
          : await ask(REPORT(one, fast, !fast || crossing.loose !== 0), [
              list, BigInt(crossing.lo as number), BigInt(crossing.hi as number), keys, all, site ?? null, first, last, BigInt(crossing.span as number),
              ...(fast ? [...edges, start, nearFrom] : []),
            ])
    }
    const overall = new Map<number, Counts>()
    const channels = new Map<number, Record<string, Counts>>()
    const campaigns = new Map<number, Record<string, Counts>>()
    const left = new Map<number, ReturnType<typeof leftOut>>()
    for (let i = 0; i < bounds.length - 1; i++) left.set(bounds[i], leftOut())
    for (const r of rows) {
      const lo = Number(r.lo)
      if (r.traffic !== null) {
        left.get(lo)!.add(r.traffic as string, r.sessions as number, r.events as number)
        continue
      }
      const counts = (users: unknown): Counts => ({
        sessions: r.sessions as number,
        users: users as number,
        pageViews: r.page_views as number,
        engaged: r.engaged as number,
        addToCart: r.add_to_cart as number,
        inquiry: r.inquiry as number,
        chatOpen: r.chat_open as number,
        engagedMs: r.engaged_ms as number,
      })
      if (r.no_channel && r.no_campaign) overall.set(lo, counts(r.users_any))
      else if (!r.no_channel) add(group(channels, lo), r.channel as string, counts(r.users_channel))
      else add(group(campaigns, lo), r.campaign as string, counts(r.users_campaign))
    }
    if (pieces.length) await addPieces(pieces, [list, site ?? null, first, last], all, { overall, channels, campaigns, left })
    return bounds.slice(0, -1).map((lo, i) => ({
      from: lo,
      to: bounds[i + 1],
      overall: metricsOf(overall.get(lo) ?? ZERO),
      byChannel: sortedRecord(metricsOfAll(channels.get(lo))),
      byCampaign: sortedRecord(metricsOfAll(campaigns.get(lo))),
      ...left.get(lo)!.result(),
    }))
  }

  /**
   * The sessions alone per interval: what \`report\` says of \`overall.sessions\`, without users,
   * channels and campaigns (the days of a gap search). Over whole hours, cells and pieces only.
   */
  const sessionsIn = async (bounds: number[], site?: string, traffic: TrafficFilter = 'human'): Promise<number[]> => {
    if (bounds.some((x) => x !== Math.round(x))) return sessionsIn(bounds.map(Math.round), site, traffic)
    const whole = await snap(bounds, site)
    if (whole !== bounds) return sessionsIn(whole, site, traffic)
    const cut = apart(bounds)
    if (cut) return [...(await sessionsIn(cut[0], site, traffic)), ...(await sessionsIn(cut[1], site, traffic))]
    const p = await plan(bounds, site)
    if (!p.whole) return (await report(bounds, site, traffic)).map((r) => r.overall.sessions)
    const all = traffic === 'all'
    const counts = new Map<number, number>()
    for (const r of await ask(SESSIONS_CELLS(p.one), [p.list, all, site ?? null, ...p.edges])) counts.set(r.lo as number, r.sessions as number)
    if (p.crossed)
      for (const r of await ask(PIECE_SESSIONS(p.one), [p.list, site ?? null, p.first, p.last, all]))
        counts.set(r.lo as number, (counts.get(r.lo as number) ?? 0) + (r.sessions as number))
    return bounds.slice(0, -1).map((lo) => counts.get(lo) ?? 0)
  }

  /**
   * Count the pieces of sessions crossing a boundary (PIECES) into a report's counts: each is a
   * session of its interval; its visitor is a user there unless a whole session (NEARBY) or an
   * earlier piece counted them already, overall, in the channel, in the campaign (as REPORT does).
   */
  const addPieces = async (pieces: Record<string, unknown>[], range: [list: unknown, site: string | null, first: bigint, last: bigint], all: boolean, into: Tallies) => {
    const kept = pieces.filter((p) => all || p.traffic === HUMAN)
    for (const p of pieces) if (!all && p.traffic !== HUMAN) into.left.get(p.lo as number)!.add(p.traffic as string, 1, p.events as number)
    const visitors = [...new Set(kept.map((p) => p.visitor as string).filter((v) => v !== ''))]
    const counted = new Set<string>()
    const key = (...parts: unknown[]) => JSON.stringify(parts)
    if (visitors.length) {
      const nearby = await ask(NEARBY(range[1] !== null), [...range, all, duckdb.listValue(visitors)])
      const before = (p: unknown, lo: number) => p === null || (p as number) < lo
      for (const w of nearby) {
        const lo = w.lo as number
        if (before(w.p_any, lo)) counted.add(key(lo, w.visitor))
        if (before(w.p_channel, lo)) counted.add(key(lo, w.visitor, 'channel', w.channel))
        if (before(w.p_campaign, lo)) counted.add(key(lo, w.visitor, 'campaign', w.campaign))
      }
    }
    // Whether a piece counts its visitor (once per interval, and per channel and per campaign in it).
    const first = (p: Record<string, unknown>, ...scope: unknown[]) => {
      if (p.visitor === '') return 0
      const k = key(p.lo, p.visitor, ...scope)
      if (counted.has(k)) return 0
      counted.add(k)
      return 1
    }
    for (const p of kept) {
      const lo = p.lo as number
      const engaged = (p.engaged_ms as number) >= ENGAGED_MS || (p.page_views as number) >= 2 || p.add_to_cart || p.inquiry || p.chat_open
      const counts = (users: number): Counts => ({
        sessions: 1,
        users,
        pageViews: p.page_views as number,
        engaged: engaged ? 1 : 0,
        addToCart: p.add_to_cart ? 1 : 0,
        inquiry: p.inquiry ? 1 : 0,
        chatOpen: p.chat_open ? 1 : 0,
        engagedMs: p.engaged_ms as number,
      })
      into.overall.set(lo, sum(into.overall.get(lo) ?? ZERO, counts(first(p))))
      add(group(into.channels, lo), p.channel as string, counts(first(p, 'channel', p.channel)))
      add(group(into.campaigns, lo), p.campaign as string, counts(first(p, 'campaign', p.campaign)))
    }
  }

  /** The first and last event time of a site (undefined: all) in the store (epoch ms), or undefined when empty. */
  const span = async (site?: string): Promise<{ first: number; last: number } | undefined> => {
    const one = site !== undefined
    const { h, e } = await hours(site)
    // Without sessions, no hours: the bounds then select none (only events without a session id count).
    const [r] = await ask(SPAN(one), [site ?? null, BigInt(h ?? FAR), BigInt(e ?? FAR)])
    return r?.first == null ? undefined : { first: r.first as number, last: r.last as number }
  }

  /** The sites of the stored events ('' for messages posted without a writeKey). */
  const sites = async (): Promise<string[]> => (await get(SITES)).map((r) => r.site as string)

  /**
   * Whole intervals (days or ISO weeks in `tz`) covering [from, to), by default the stored
   * history up to now (`asOf`, default the clock). Undefined when that would be more than `MAX_INTERVALS`.
   */
  const series = (interval: Interval, tz: string, from?: number, to?: number, asOf?: number, site?: string, traffic?: TrafficFilter) =>
    seriesOver((bounds) => report(bounds, site, traffic), () => span(site), interval, tz, from, to, asOf)

  /** The sessions of each whole day in \`tz\` from \`from\` to \`asOf\` (that day counted up to it): the days of \`series\`, sessions only. */
  const daySessions = async (tz: string, from: number, asOf: number, site?: string, traffic?: TrafficFilter) =>
    (
      await seriesOver(
        async (bounds) => (await sessionsIn(bounds, site, traffic)).map((sessions, i) => ({ from: bounds[i], to: bounds[i + 1], overall: metricsOf({ ...ZERO, sessions }), byChannel: {}, byCampaign: {}, filtered: {}, filteredEvents: {} })),
        () => span(site), 'day', tz, from, asOf, asOf,
      )
    )?.map((d) => ({ start: d.start, sessions: d.overall.sessions }))

  /**
   * Per site (writeKey): its last event before `now`, and the days of the `days` before `now`
   * that had events (whole UTC days, as day numbers since 1970). One small scan of the recent rows.
   */
  const activity = async (now: number, days: number): Promise<SiteActivity[]> => {
    const since = now - days * DAY
    // The recent days: a scan of the recent row groups only. Every event before them is read
    // only for a site without a recent one (its last event).
    const recent = await get(
      `SELECT site, max(ts)::DOUBLE AS last, list(DISTINCT ts // $3::BIGINT) AS days
       FROM events WHERE ts >= $2::BIGINT AND ts < $1::BIGINT GROUP BY site`,
      [BigInt(Math.floor(now)), BigInt(Math.floor(since)), BigInt(DAY)],
    )
    const bySite = new Map(recent.map((r) => [r.site as string, { site: r.site as string, last: r.last as number, days: (r.days as unknown[]).map(Number).sort((a, b) => a - b) }]))
    for (const site of await sites()) {
      if (bySite.has(site)) continue
      const [r] = await get(`SELECT max(ts)::DOUBLE AS last FROM events WHERE site = $1 AND ts < $2::BIGINT`, [site, BigInt(Math.floor(since))])
      if (r?.last != null) bySite.set(site, { site, last: r.last as number, days: [] })
    }
    return [...bySite.values()].sort((a, b) => (a.site < b.site ? -1 : a.site > b.site ? 1 : 0))
  }

  return {
    catchUp,
    rebuild,
    report,
    series,
    daySessions,
    span,
    activity,
    sites,
    version: () => version,
    progress: () => progress,
    /** Batches checked against every stored message id, and batches that did not need it (ids.ts). */
    checks: () => ({ ...checks }),
    async close() {
      await saveFilter().catch(() => {})
      for (const statement of statements.values()) statement.destroySync()
      db.closeSync()
      instance.closeSync()
    },
  }
}

export type Engine = Awaited<ReturnType<typeof openEngine>>

/**
 * A store's series: whole days or ISO weeks in `tz` covering [from, to), by default its history
 * up to now, from its `report` over boundaries. Undefined when that would be more than MAX_INTERVALS.
 * With `asOf`, the series is what it was at that instant: it ends by default with the interval
 * holding `asOf`, and that interval counts only the events before `asOf` (its bounds stay whole).
 */
export const seriesOver = async (
  report: (bounds: number[]) => Promise<IntervalReport[]>,
  span: () => Promise<{ first: number; last: number } | undefined>,
  interval: Interval,
  tz: string,
  from?: number,
  to?: number,
  asOf?: number,
): Promise<SeriesPoint[] | undefined> => {
  const known = from === undefined || (to === undefined && asOf === undefined) ? await span() : undefined
  const start = from ?? known?.first ?? asOf ?? Date.now()
  const end = to ?? asOf ?? Math.max(Date.now(), (known?.last ?? 0) + 1)
  const bounds = boundaries(interval, tz, start, Math.max(end, start + 1), MAX_INTERVALS)
  if (!bounds) return undefined
  // Nothing at or after asOf: the intervals it cuts are counted up to it, those after it are empty.
  const cut = asOf === undefined ? bounds : bounds.map((b, i) => (i === 0 ? b : Math.max(bounds[0], Math.min(b, asOf))))
  const asked = cut.filter((b, i) => i === 0 || b > cut[i - 1])
  const counted = asked.length > 1 ? await report(asked) : []
  const byFrom = new Map(counted.map((r) => [r.from, r]))
  return bounds.slice(0, -1).map((lo, i) => {
    const r = byFrom.get(cut[i]) && cut[i + 1] > cut[i] ? byFrom.get(cut[i])! : { overall: metricsOf(ZERO), byChannel: {}, filtered: {}, filteredEvents: {} }
    return { start: localIso(tz, lo), end: localIso(tz, bounds[i + 1]), overall: r.overall, byChannel: r.byChannel, filtered: r.filtered, filteredEvents: r.filteredEvents }
  })
}

export interface SiteActivity {
  site: string
  /** The last event before now, epoch ms. */
  last: number
  /** Day numbers (UTC days since 1970) of the recent days with events, ascending. */
  days: number[]
}

const DAY = 86_400_000

/**
 * Where a report over whole hours [a, z) reads returns (\`near\`) from: the first boundary after
 * the site's first session hour (none before it can count a return), at least a; z when none is.
 */
const nearFrom = (bounds: number[], a: number, z: number, firstHour: number | null) => {
  const after = firstHour === null ? bounds[0] : bounds.slice(0, -1).find((x) => x > firstHour)
  return after === undefined ? z : Math.min(Math.max(a, after), z)
}

/**
 * A UINTEGER column of a result chunk: the client library's own buffer where it keeps one (no
 * value converted one by one: ten million ids are read at open), else its values one by one.
 */
const uints = (v: DuckDBVector, n: number): Uint32Array => {
  const items = (v as unknown as { items?: unknown }).items
  return items instanceof Uint32Array && items.length === n ? items : Uint32Array.from({ length: n }, (_, i) => Number(v.getItem(i) ?? 0))
}

/** The start of the hour of a time (epoch ms). */
const floorHour = (t: number) => t - (((t % HOUR) + HOUR) % HOUR)

/**
 * Boundaries of three or more whose first or last is not a whole hour (the others being whole),
 * as two lists that share a boundary: that interval alone, and the rest. Undefined otherwise.
 */
const apart = (bounds: number[]): [number[], number[]] | undefined => {
  const n = bounds.length
  if (n < 3 || !bounds.slice(1, -1).every((x) => floorHour(Math.round(x)) === Math.round(x))) return undefined
  if (floorHour(Math.round(bounds[0])) !== Math.round(bounds[0])) return [bounds.slice(0, 2), bounds.slice(1)]
  if (floorHour(Math.round(bounds[n - 1])) !== Math.round(bounds[n - 1])) return [bounds.slice(0, -1), bounds.slice(-2)]
  return undefined
}

/**
 * A session key or visitor of one site: the same id sent to two sites is two sessions, two users
 * (\u0001 appears in no site name).
 */
const ofSite = (id: string, site: string) => `${id}\u0001${site}`

const ZERO: Counts = { sessions: 0, users: 0, pageViews: 0, engaged: 0, addToCart: 0, inquiry: 0, chatOpen: 0, engagedMs: 0 }

interface Tallies {
  overall: Map<number, Counts>
  channels: Map<number, Record<string, Counts>>
  campaigns: Map<number, Record<string, Counts>>
  left: Map<number, ReturnType<typeof leftOut>>
}

const sum = (a: Counts, b: Counts): Counts => ({
  sessions: a.sessions + b.sessions,
  users: a.users + b.users,
  pageViews: a.pageViews + b.pageViews,
  engaged: a.engaged + b.engaged,
  addToCart: a.addToCart + b.addToCart,
  inquiry: a.inquiry + b.inquiry,
  chatOpen: a.chatOpen + b.chatOpen,
  engagedMs: a.engagedMs + b.engagedMs,
})

/** The counts of one interval per channel (or campaign). */
const group = (map: Map<number, Record<string, Counts>>, lo: number) => {
  let g = map.get(lo)
  if (!g) map.set(lo, (g = Object.create(null) as Record<string, Counts>))
  return g
}

const add = (g: Record<string, Counts>, name: string, c: Counts) => {
  g[name] = g[name] ? sum(g[name], c) : c
}

const metricsOfAll = (g: Record<string, Counts> | undefined) => {
  const out: Record<string, Metrics> = Object.create(null)
  for (const name in g) out[name] = metricsOf(g[name])
  return out
}
