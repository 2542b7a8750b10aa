/**
 * The store's work, one job at a time: open (build or catch up), apply what the files gained,
 * answer reports. Every report first applies what is on disk, so an acknowledged event is in
 * the next report. A database that fails its own checks (at open, or at any read) is set aside
 * and rebuilt from the day files. Runs inside the worker thread, or in-process (CLI, tests).
 */
import { rename } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import { DAMAGED, FAR, Locked, MissingDatabase, openEngine, type Engine, type EngineOptions, type Progress } from './engine'
import type { CommitmentOptions } from '../../kpi/commitments'
import type { TrafficFilter } from '../../kpi/index'
import { commitmentsOver } from './commitments'
import { silentSites, WINDOW_DAYS, type Silent } from './silent'
import type { Interval } from '../../kpi/intervals'

/** `site`: one site's report; absent, every stored event. */
export type Request =
  | { op: 'report'; from?: number; to?: number; site?: string; traffic?: TrafficFilter }
  | { op: 'series'; interval: Interval; tz: string; from?: number; to?: number; asOf?: number; site?: string; traffic?: TrafficFilter }
  | { op: 'commitments'; tz: string; options: CommitmentOptions; site?: string }
  | { op: 'silent'; now: number }
  | { op: 'sites' }
  | { op: 'wake' }
  | { op: 'close' }

/** `rebuilding`: the database failed its checks (`reason`); once set aside, the name of the copy kept beside it. */
export type Event =
  | { op: 'progress'; progress: Progress }
  | { op: 'ready' }
  | { op: 'failed'; error: string }
  | { op: 'rebuilding'; reason: string; setAside?: string }

export interface RunnerOptions extends Omit<EngineOptions, 'onProgress'> {
  /** When this store last set its database aside (epoch ms): damage again within a day is not repaired. */
  repairedAt?: number
}

const DAY = 86_400_000

export const createRunner = (options: RunnerOptions, emit: (e: Event) => void) => {
  let engine: Engine | undefined
  let chain: Promise<unknown> = Promise.resolve()
  /** One job at a time on the one connection; a failed job does not stop the next. */
  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    const run = chain.then(job, job)
    chain = run.catch(() => {})
    return run
  }
  const catchUp = async () => {
    if (!(await engine!.catchUp())) await engine!.rebuild()
  }
  const open = async () => {
    engine = await openEngine({ ...options, onProgress: (progress) => emit({ op: 'progress', progress }) })
    await catchUp()
    emit({ op: 'ready' })
  }
  const answers = cache(32)
  let silence: { now: number; version: number; at: number; value: Silent[] } | undefined
  let repairedAt = options.repairedAt ?? -Infinity
  /** The damage found, until the repair queued behind it has run: jobs queued meanwhile do not touch the database. */
  let damage: string | undefined
  const damaged = (err: unknown) => DAMAGED.test((err as Error).message)
  /**
   * Damage found: the store says it is rebuilding, and why. Damage again within a day of a repair
   * is not repaired: it is thrown, and the store fails (and is retried) as for any other failure.
   */
  const found = (err: unknown): string => {
    if (options.db === ':memory:') throw err
    // Paths stay on the console: /health and the reports name files only.
    const reason = (err as Error).message.replaceAll(dirname(options.db) + '/', '')
    if (Date.now() - repairedAt < DAY) throw new Error(`the database failed its checks again within a day of being rebuilt: ${reason}`)
    emit({ op: 'rebuilding', reason })
    return reason
  }
  /** Set the damaged database aside (renamed beside it: kept for inspection, never deleted) and build a new one from the day files. */
  const repair = async (reason: string) => {
    await engine?.close().catch(() => {})
    engine = undefined
    answers.clear(-1)
    silence = undefined
    const aside = `${options.db}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`
    for (const suffix of ['', '.wal']) await rename(options.db + suffix, aside + suffix).catch((e: NodeJS.ErrnoException) => e.code === 'ENOENT' || Promise.reject(e))
    repairedAt = Date.now()
    emit({ op: 'rebuilding', reason, setAside: basename(aside) })
    damage = undefined
    await open()
  }
  /** A job on the database. One that finds it damaged answers `{ unavailable }` and queues the repair. */
  const job = <T>(work: () => Promise<T>) =>
    serial(async (): Promise<T | { unavailable: string }> => {
      if (damage) return { unavailable: damage }
      try {
        return await work()
      } catch (err) {
        if (!damaged(err)) throw err
        const reason = (damage = found(err))
        serial(() => repair(reason)).catch((e: Error) => emit({ op: 'failed', error: e.message }))
        return { unavailable: reason }
      }
    })
  // A database that will not open, or fails its checks while catching up, is set aside; one held
  // by another process, or DuckDB missing, is not ours to touch.
  const opened = serial(async () => {
    try {
      await open()
    } catch (err) {
      // Only damage is repaired: a full disk, a permission or the memory limit is not the file's fault.
      if (err instanceof Locked || err instanceof MissingDatabase || !damaged(err)) throw err
      await repair(found(err))
    }
  })
  opened.catch((err: Error) => emit({ op: 'failed', error: err.message }))
  let waking = false
  /**
   * A report, after applying what is on disk. A failure to apply is the store's (it restarts);
   * a report that fails (e.g. beyond the memory limit) is only that report's: `{ unavailable }`.
   */
  const query = <T>(req: Request, work: () => Promise<T>) =>
    job(async () => {
      await catchUp()
      // The same question on the same data has the same answer: dashboards ask it again and again.
      // A question that names its instant (asOf, now) is the same question at any hour; one that
      // does not is answered for the clock's hour ("now" ends the default range and the week in progress).
      const key = JSON.stringify([req, pinned(req) ? 0 : Math.floor(Date.now() / 3_600_000)])
      const version = engine!.version()
      if (answers.version !== version) answers.clear(version)
      const known = answers.get(key)
      if (known !== undefined) return known
      try {
        const value = await work()
        answers.set(key, value)
        return value
      } catch (err) {
        if (damaged(err)) throw err
        return { unavailable: (err as Error).message }
      }
    })

  return {
    opened,
    handle(req: Request): Promise<unknown> {
      switch (req.op) {
        case 'wake':
          // Many appends, one catch-up: a wake that finds one queued joins it.
          if (waking) return Promise.resolve()
          waking = true
          // Down as the catch-up starts (wakes meanwhile queue the next), and also when the store
          // under repair answers without running it: a wake is never stuck.
          return job(async () => {
            waking = false
            await catchUp()
          }).finally(() => (waking = false))
        case 'report':
          return query(req, async () => {
            const [r] = await engine!.report([req.from ?? -FAR, req.to ?? FAR], req.site, req.traffic)
            return { overall: r.overall, byChannel: r.byChannel, byCampaign: r.byCampaign, filtered: r.filtered, filteredEvents: r.filteredEvents }
          })
        case 'series':
          return query(req, async () => {
            return (await engine!.series(req.interval, req.tz, req.from, req.to, req.asOf, req.site, req.traffic)) ?? null
          })
        case 'silent':
          // Silence is a matter of days, and /health is asked often: answered from what is applied
          // (no catch-up first), and again only when `now` moves or, while data arrives, a minute on.
          return job(async () => {
            const version = engine!.version()
            if (silence?.now !== req.now || (silence.version !== version && Date.now() - silence.at >= 60_000)) {
              try {
                silence = { now: req.now, version, at: Date.now(), value: silentSites(await engine!.activity(req.now, WINDOW_DAYS), req.now) }
              } catch (err) {
                // Damage is the store's (job() repairs it); anything else is only this answer's.
                if (damaged(err)) throw err
                return { unavailable: (err as Error).message }
              }
            }
            return silence.value
          })
        case 'commitments':
          return query(req, async () => {
            return commitmentsOver(
              (await engine!.span(req.site))?.first,
              (interval, from, asOf) => engine!.series(interval, req.tz, from, asOf, asOf, req.site),
              { ...req.options, tz: req.tz },
              (from, asOf) => engine!.daySessions(req.tz, from, asOf, req.site),
            )
          })
        case 'sites':
          return query(req, () => engine!.sites())
        case 'close':
          return serial(async () => engine?.close())
      }
    },
  }
}

/** Whether a request's answer is fixed by its own instant rather than by the clock. */
const pinned = (req: Request) =>
  (req.op === 'series' && (req.asOf !== undefined || req.to !== undefined)) || (req.op === 'commitments' && req.options.now !== undefined) || (req.op === 'report')

/** The last `size` answers of one data version. */
const cache = (size: number) => {
  const map = new Map<string, unknown>()
  return {
    version: -1,
    clear(version: number) {
      map.clear()
      this.version = version
    },
    get: (key: string) => map.get(key),
    set(key: string, value: unknown) {
      map.set(key, value)
      if (map.size > size) map.delete(map.keys().next().value as string)
    },
  }
}
