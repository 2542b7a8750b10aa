/**
 * The KPI store as the collector sees it: reports answered by a database beside the day files,
 * in a worker thread with its own memory bound, behind a bounded queue. Never in the way of
 * ingest: if the database is missing, building, being rebuilt after failing its checks, or has
 * failed, reports answer 503 (with the build's progress) and ingest goes on.
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { Progress } from './engine'
import type { CommitmentOptions } from '../../kpi/commitments'
import type { TrafficFilter } from '../../kpi/index'
import type { Interval } from '../../kpi/intervals'
import { createRunner, type Event, type Request } from './runner'
import type { Silent } from './silent'

export type { Progress, SeriesPoint } from './engine'
export type { Interval } from '../../kpi/intervals'
export type { Silent } from './silent'

export interface KpiStoreOptions {
  /** The collector's data directory; the database is `kpi.duckdb` in it. */
  dataDir: string
  /** Database file. Default `<dataDir>/kpi.duckdb`. */
  db?: string
  /** Reports waiting at once; beyond it 503 + Retry-After. Default 16. */
  maxQueue?: number
  /** DuckDB's memory limit. Default 256MB. */
  memoryLimit?: string
  /** DuckDB's threads. Default 1. */
  threads?: number
  /** Run in this thread rather than a worker (tests, one-shot commands). */
  inProcess?: boolean
  log?: (line: string) => void
}

export interface KpiStoreStatus {
  /** `rebuilding`: the database failed its checks; it is set aside and built again from the day files. */
  state: 'starting' | 'building' | 'rebuilding' | 'ready' | 'failed'
  progress?: Progress
  error?: string
  /** The last time the database failed its checks: why, when, and the damaged copy kept beside the new one. */
  repair?: Repair
}

export interface Repair {
  reason: string
  /** ISO time the damage was found. */
  at: string
  /** The damaged database's new name, in the data directory (once it is set aside). */
  setAside?: string
}

/** A report cannot be answered now: the HTTP layer turns it into 503 + Retry-After. */
export class Unavailable extends Error {
  constructor(message: string, readonly retryAfter = 5, readonly progress?: Progress, readonly repair?: Repair) {
    super(message)
  }
}

// The worker is its own entry of the build, beside this chunk or one folder up.
const workerFile = (): URL | undefined =>
  ['./kpi-worker.mjs', '../kpi-worker.mjs'].map((p) => new URL(p, import.meta.url)).find((u) => u.protocol === 'file:' && existsSync(u))

/** Open the store: it builds or catches up in the background; `status()` says how far. */
export const openKpiStore = (options: KpiStoreOptions) => {
  const { dataDir, maxQueue = 16, log = () => {} } = options
  // One DuckDB thread: the other core stays with ingest, which must never wait for reports.
  const engineOptions = { source: { dir: dataDir }, db: options.db ?? join(dataDir, 'kpi.duckdb'), memoryLimit: options.memoryLimit, threads: options.threads ?? 1 }
  let status: KpiStoreStatus = { state: 'starting' }
  /** Kept across restarts of the thread: a database damaged again within a day is not repaired again. */
  let repair: Repair | undefined
  let send: (req: Request) => Promise<unknown>
  let stop: () => Promise<void>
  let closed = false
  let restarts = 0
  let lastLog = 0
  const inFlight = new Map<string, Promise<unknown>>()
  let queued = 0

  const onEvent = (e: Event) => {
    if (e.op === 'progress') {
      // Once open, catching up is part of answering: reports wait for it in the worker's queue.
      const state = status.state === 'ready' || status.state === 'rebuilding' || e.progress.phase === 'ready' ? status.state : 'building'
      status = { ...status, state, progress: e.progress }
      // The console hears of a build at most every 2 s.
      if (e.progress.phase === 'building' && Date.now() - lastLog > 2000) {
        lastLog = Date.now()
        const p = e.progress
        log(`kpi store: building from the day files: ${p.files.done}/${p.files.total} files, ${p.events} events, ${p.rate}/s, ~${p.eta} s left`)
      }
    } else if (e.op === 'ready') {
      if (status.state === 'building' || status.state === 'rebuilding') log('kpi store: ready')
      status = { state: 'ready', progress: status.progress, ...(repair ? { repair } : {}) }
      restarts = 0
    } else if (e.op === 'rebuilding') {
      repair = { reason: e.reason, at: e.setAside && repair ? repair.at : new Date().toISOString(), setAside: e.setAside }
      status = { state: 'rebuilding', repair }
      if (e.setAside) log(`kpi store: the database failed its checks (${e.reason}); kept as ${join(dirname(engineOptions.db), e.setAside)}, rebuilding from the day files`)
    } else {
      fail(e.error)
    }
  }

  const fail = (error: string) => {
    if (closed || status.state === 'failed') return
    status = { state: 'failed', error, ...(repair ? { repair } : {}) }
    log(`kpi store: ${error}`)
    // DuckDB missing is not going to change by itself; anything else is retried.
    if (/npm install/.test(error)) return
    const wait = Math.min(30_000, 1000 * 2 ** restarts++)
    setTimeout(() => {
      if (closed) return
      // The stopped store closed (and its filter of ids kept) before another opens the database;
      // one that does not answer within 10 s is left to end on its own.
      const gone = new Promise((resolve) => setTimeout(resolve, 10_000).unref())
      void Promise.race([stop().catch(() => {}), gone]).then(() => closed || start())
    }, wait).unref()
  }

  /** Which start is current: a thread or runner stopped for a restart is no longer heard. */
  let generation = 0
  const start = () => {
    status = { state: 'starting' }
    const mine = ++generation
    const current = () => mine === generation
    const runnerOptions = { ...engineOptions, repairedAt: repair?.setAside ? Date.parse(repair.at) : undefined }
    const file = options.inProcess ? undefined : workerFile()
    if (!file) {
      const runner = createRunner(runnerOptions, (e) => current() && onEvent(e))
      send = (req) => runner.handle(req)
      stop = async () => void (await runner.handle({ op: 'close' }).catch(() => {}))
      return
    }
    // Its own heap limit: a runaway report ends the worker, never the collector.
    const worker = new Worker(file, { workerData: runnerOptions, resourceLimits: { maxOldGenerationSizeMb: 256 } })
    worker.unref()
    const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
    let next = 0
    worker.on('message', (m: Event | { op: 'result'; id: number; ok: boolean; value?: unknown; error?: string }) => {
      if (m.op !== 'result') return void (current() && onEvent(m))
      const w = waiting.get(m.id)
      waiting.delete(m.id)
      if (m.ok) w?.resolve(m.value)
      else w?.reject(new Error(m.error))
    })
    const lost = (err: Error) => {
      for (const w of waiting.values()) w.reject(err)
      waiting.clear()
      if (current()) fail(err.message)
    }
    let exited = false
    worker.on('error', lost)
    worker.on('exit', (code) => {
      exited = true
      if (!closed) lost(new Error(`the KPI store's thread stopped (${code})`))
    })
    send = (req) =>
      new Promise((resolve, reject) => {
        const id = next++
        waiting.set(id, { resolve, reject })
        worker.postMessage({ id, ...req })
      })
    stop = async () => {
      // A thread that has ended answers nothing more.
      if (!exited) await send({ op: 'close' }).catch(() => {})
      await worker.terminate()
    }
  }
  start()

  const building = () => status.state === 'building' || status.state === 'rebuilding'
  /** Opening, or a build about to end: worth waiting for rather than failing. */
  const soon = () => status.state === 'starting' || (building() && (status.progress?.eta ?? 0) <= 2)
  const settled = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const deadline = Date.now() + ms
      const check = () => (!soon() || Date.now() > deadline ? resolve() : setTimeout(check, 20))
      check()
    })

  /** Why reports cannot be answered now, with the build's progress and when to ask again. */
  const unavailable = () => {
    const { state, error, progress, repair } = status
    const why =
      state === 'failed'
        ? `the KPI store is unavailable: ${error}`
        : state === 'rebuilding'
          ? `the KPI store failed its checks and is being rebuilt from the stored events${repair?.setAside ? ` (the damaged database is kept as ${repair.setAside})` : ''}`
          : state === 'building'
            ? 'the KPI store is being built from the stored events'
            : 'the KPI store is starting'
    return new Unavailable(why, building() ? Math.max(1, Math.min(60, progress?.eta ?? 5)) : 5, progress, state === 'rebuilding' ? repair : undefined)
  }

  /** One report; identical requests in flight share one answer. */
  const ask = async (req: Request): Promise<unknown> => {
    if (soon()) await settled(5000)
    if (status.state !== 'ready') throw unavailable()
    const key = JSON.stringify(req)
    const shared = inFlight.get(key)
    if (shared) return shared
    if (queued >= maxQueue) throw new Unavailable('too many reports at once', 1)
    queued++
    const answer = send(req).then(
      (value) => {
        const failed = (value as { unavailable?: string } | null)?.unavailable
        if (failed) throw building() ? unavailable() : new Unavailable(`the report could not be computed: ${failed}`, 5)
        return value
      },
      (err: Error) => {
        fail(err.message)
        throw new Unavailable(`the KPI store failed: ${err.message}`)
      },
    )
    inFlight.set(key, answer)
    const done = () => {
      queued--
      inFlight.delete(key)
    }
    answer.then(done, done)
    return answer
  }

  return {
    status: (): KpiStoreStatus => status,
    /** Resolves once the store has opened and caught up (or failed). */
    ready: (): Promise<void> =>
      new Promise((resolve) => {
        const check = () => (status.state === 'ready' || status.state === 'failed' ? resolve() : setTimeout(check, 20))
        check()
      }),
    /** The KPI report over [from, to) — what computeKpis returns for the stored events of `site` (undefined: all), people only unless `traffic` is `all`. */
    report: (from?: number, to?: number, site?: string, traffic?: TrafficFilter) => ask({ op: 'report', from, to, site, traffic }),
    /** Per day or ISO week in `tz`; null when the range holds too many intervals. `asOf`: only events before it. */
    series: (interval: Interval, tz: string, from?: number, to?: number, asOf?: number, site?: string, traffic?: TrafficFilter) =>
      ask({ op: 'series', interval, tz, from, to, asOf, site, traffic }),
    /** Commitments over the stored weeks in `tz` (see computeCommitments); `{ error }` for bad input. */
    commitments: (tz: string, options: CommitmentOptions, site?: string) => ask({ op: 'commitments', tz, options, site }),
    /** Sites silent at `now` for longer than their recent history makes normal (see silent.ts). */
    silent: (now: number) => ask({ op: 'silent', now }) as Promise<Silent[]>,
    /** The sites of the stored events. */
    sites: () => ask({ op: 'sites' }) as Promise<string[]>,
    /** New lines are on disk: apply them soon. */
    wake: () => {
      if (status.state === 'ready') void send({ op: 'wake' }).catch(() => {})
    },
    async close() {
      closed = true
      await stop()
    },
  }
}

export type KpiStore = ReturnType<typeof openKpiStore>
