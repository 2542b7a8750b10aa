/**
 * The store's work, one job at a time: open (build or catch up), apply what the files gained,
 * answer reports. Every report first applies what is on disk, so an acknowledged event is in
 * the next report. Runs inside the worker thread, or in-process (CLI, tests).
 */
import { FAR, openEngine, type Engine, type EngineOptions, type Progress } from './engine'
import type { CommitmentOptions } from '../kpi/commitments'
import type { TrafficFilter } from '../kpi/index'
import { commitmentsOver } from './commitments'
import { silentSites, WINDOW_DAYS, type Silent } from './silent'
import type { Interval } from './intervals'

/** `site`: one site's report; absent, every stored event. */
export type Request =
  | { op: 'report'; from?: number; to?: number; site?: string; traffic?: TrafficFilter }
  | { op: 'series'; interval: Interval; tz: string; from?: number; to?: number; asOf?: number; site?: string; traffic?: TrafficFilter }
  | { op: 'commitments'; tz: string; options: CommitmentOptions; site?: string }
  | { op: 'silent'; now: number }
  | { op: 'sites' }
  | { op: 'wake' }
  | { op: 'close' }

export type Event = { op: 'progress'; progress: Progress } | { op: 'ready' } | { op: 'failed'; error: string }

export const createRunner = (options: Omit<EngineOptions, 'onProgress'>, emit: (e: Event) => void) => {
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
  const opened = serial(async () => {
    engine = await openEngine({ ...options, onProgress: (progress) => emit({ op: 'progress', progress }) })
    await catchUp()
    emit({ op: 'ready' })
  })
  opened.catch((err: Error) => emit({ op: 'failed', error: err.message }))
  let waking = false
  const answers = cache(32)
  let silence: { now: number; version: number; at: number; value: Silent[] } | undefined
  /**
   * A report, after applying what is on disk. A failure to apply is the store's (it restarts);
   * a report that fails (e.g. beyond the memory limit) is only that report's: `{ unavailable }`.
   */
  const query = <T>(req: Request, work: () => Promise<T>) =>
    serial(async () => {
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
          return serial(async () => {
            waking = false
            await catchUp()
          })
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
          return serial(async () => {
            const version = engine!.version()
            if (silence?.now !== req.now || (silence.version !== version && Date.now() - silence.at >= 60_000)) {
              silence = { now: req.now, version, at: Date.now(), value: silentSites(await engine!.activity(req.now, WINDOW_DAYS), req.now) }
            }
            return silence.value
          })
        case 'commitments':
          return query(req, async () => {
            return commitmentsOver((await engine!.span(req.site))?.first, (interval, from, asOf) => engine!.series(interval, req.tz, from, asOf, asOf, req.site), { ...req.options, tz: req.tz })
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
