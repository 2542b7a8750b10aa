/**
 * KPI reports answered by ClickHouse: the same methods as the KPI store's client
 * (kpistore/index.ts), so the collector serves `/kpi`, `/kpi/series` and `/commitments` from
 * either. ClickHouse unreachable, or without footfall's schema: `Unavailable` (503), and it is
 * asked again at the next report.
 */
import type { CommitmentOptions } from '../../kpi/commitments'
import { commitmentsOver } from '../kpistore/commitments'
import { leftOut, metricsOf, sortedRecord, type Counts, type KpiReport, type Metrics, type TrafficFilter } from '../../kpi/index'
import { FAR, seriesOver, type IntervalReport, type SeriesPoint } from '../kpistore/engine'
import { Unavailable, type KpiStoreStatus } from '../kpistore/index'
import type { Interval } from '../../kpi/intervals'
import type { Silent } from '../kpistore/silent'
import { connectClickHouse, type ClickHouse } from './connect'
import { reportQuery, SCHEMA_VERSION, SITES_QUERY, SPAN_QUERY } from './schema'

export interface ClickHouseReportsOptions {
  url: string
  /** Create the tables when missing. Default false. */
  applySchema?: boolean
  ttlDays?: number
  /** Reports running at once; beyond it 503. Default 16. */
  maxQueue?: number
  /** Query timeout, ms. Default 120,000. */
  timeoutMs?: number
  log?: (line: string) => void
}

interface Row {
  i: number
  /** 0 overall, 1 a channel, 2 a campaign, 3 a traffic class left out. */
  grp: 0 | 1 | 2 | 3
  name: string
  sessions: number
  users: number
  page_views: number
  engaged: number
  add_to_cart: number
  inquiry: number
  chat_open: number
  engaged_ms: number
  events: number
}

const ZERO: Counts = { sessions: 0, users: 0, pageViews: 0, engaged: 0, addToCart: 0, inquiry: 0, chatOpen: 0, engagedMs: 0 }

/** Counts per interval (boundaries ascending, ≥ 2), channel and campaign, of a site (undefined: all), from ClickHouse; people only unless `traffic` is `all`. */
export const reportFrom = async (ch: ClickHouse, bounds: number[], site?: string, traffic: TrafficFilter = 'human'): Promise<IntervalReport[]> => {
  const rows = await ch.rows<Row>(reportQuery(ch.database, bounds, site, traffic))
  const out = bounds.slice(0, -1).map((from, i): IntervalReport => ({ from, to: bounds[i + 1], overall: metricsOf(ZERO), byChannel: {}, byCampaign: {}, filtered: {}, filteredEvents: {} }))
  const groups = out.map(() => [Object.create(null), Object.create(null)] as Record<string, Metrics>[])
  const left = out.map(() => leftOut())
  for (const r of rows) {
    if (r.grp === 3) {
      left[r.i].add(r.name, r.sessions, r.events)
      continue
    }
    const m = metricsOf({ sessions: r.sessions, users: r.users, pageViews: r.page_views, engaged: r.engaged, addToCart: r.add_to_cart, inquiry: r.inquiry, chatOpen: r.chat_open, engagedMs: r.engaged_ms })
    if (r.grp === 0) out[r.i].overall = m
    else groups[r.i][r.grp - 1][r.name] = m
  }
  out.forEach((interval, i) => {
    interval.byChannel = sortedRecord(groups[i][0])
    interval.byCampaign = sortedRecord(groups[i][1])
    Object.assign(interval, left[i].result())
  })
  return out
}

/** When ClickHouse's history starts and ends (epoch ms), or undefined when it holds nothing. */
const spanOf = async (ch: ClickHouse, site?: string) => {
  const [known] = await ch.rows<{ n: number; first: number; last: number }>(SPAN_QUERY(ch.database, site))
  return known && known.n > 0 ? { first: known.first, last: known.last } : undefined
}

/**
 * Whole days or ISO weeks in `tz` covering [from, to) (default: the stored history up to now,
 * or up to `asOf` counting only the events before it) of `site` (undefined: all); undefined when too many.
 */
export const seriesFrom = (ch: ClickHouse, interval: Interval, tz: string, from?: number, to?: number, asOf?: number, site?: string, traffic?: TrafficFilter): Promise<SeriesPoint[] | undefined> =>
  seriesOver((bounds) => reportFrom(ch, bounds, site, traffic), () => spanOf(ch, site), interval, tz, from, to, asOf)

/** Reports from ClickHouse with the KPI store's interface. */
export const openClickHouseReports = (options: ClickHouseReportsOptions) => {
  const { maxQueue = 16, log = () => {} } = options
  const ch = connectClickHouse({ url: options.url, timeoutMs: options.timeoutMs ?? 120_000 })
  let status: KpiStoreStatus = { state: 'starting' }
  const inFlight = new Map<string, Promise<unknown>>()

  /** Check (or create) the schema; until it holds, reports answer 503. */
  const check = async (): Promise<void> => {
    try {
      if (options.applySchema) await ch.applySchema(options.ttlDays)
      const version = await ch.version()
      if (version !== SCHEMA_VERSION) {
        throw new Error(version ? `ClickHouse holds footfall schema ${version}, this collector needs ${SCHEMA_VERSION}` : `no footfall schema in ${ch.where} (footfall-collector clickhouse-schema)`)
      }
      if (status.state !== 'ready') log(`clickhouse: reading reports from ${ch.where}`)
      status = { state: 'ready' }
    } catch (err) {
      const error = (err as Error).message
      if (status.error !== error) log(`clickhouse: ${error}`)
      status = { state: 'failed', error }
    }
  }
  let checking: Promise<void> | undefined = check()

  const ask = async <T>(key: string, work: () => Promise<T>): Promise<T> => {
    if (status.state !== 'ready') await (checking ??= check().finally(() => (checking = undefined)))
    if (status.state !== 'ready') throw new Unavailable(`ClickHouse is unavailable: ${status.error}`, 5)
    const shared = inFlight.get(key)
    if (shared) return shared as Promise<T>
    if (inFlight.size >= maxQueue) throw new Unavailable('too many reports at once', 1)
    const answer = work().catch((err: Error) => {
      status = { state: 'failed', error: err.message }
      log(`clickhouse: ${err.message}`)
      throw new Unavailable(`ClickHouse failed: ${err.message}`, 5)
    })
    inFlight.set(key, answer)
    const done = () => inFlight.delete(key)
    answer.then(done, done)
    return answer
  }

  return {
    status: (): KpiStoreStatus => status,
    /** Resolves once the first check is done (ready or failed). */
    ready: async () => void (await checking),
    /** The KPI report over [from, to) — what computeKpis returns for the events ClickHouse holds. */
    report: (from?: number, to?: number, site?: string, traffic?: TrafficFilter): Promise<KpiReport> =>
      ask(JSON.stringify(['report', from, to, site, traffic]), async () => {
        const [r] = await reportFrom(ch, [from ?? -FAR, to ?? FAR], site, traffic)
        return { overall: r.overall, byChannel: r.byChannel, byCampaign: r.byCampaign, filtered: r.filtered, filteredEvents: r.filteredEvents }
      }),
    /** Per day or ISO week in `tz`; null when the range holds too many intervals. `asOf`: only events before it. */
    series: (interval: Interval, tz: string, from?: number, to?: number, asOf?: number, site?: string, traffic?: TrafficFilter): Promise<SeriesPoint[] | null> =>
      ask(JSON.stringify(['series', interval, tz, from, to, asOf, site, traffic]), async () => (await seriesFrom(ch, interval, tz, from, to, asOf, site, traffic)) ?? null),
    /** Commitments over the weeks ClickHouse holds (see computeCommitments); `{ error }` for bad input. */
    commitments: (tz: string, opts: CommitmentOptions, site?: string) =>
      ask(JSON.stringify(['commitments', tz, opts, site]), async () => {
        return commitmentsOver((await spanOf(ch, site))?.first, (interval, from, asOf) => seriesFrom(ch, interval, tz, from, asOf, asOf, site), { ...opts, tz })
      }),
    /** Silent sites are told by the embedded store's recent rows; ClickHouse does not say. */
    silent: async (_now: number): Promise<Silent[] | undefined> => undefined,
    /** The sites of the events ClickHouse holds. */
    sites: (): Promise<string[]> => ask('sites', async () => (await ch.rows<{ site: string }>(SITES_QUERY(ch.database))).map((r) => r.site)),
    /** New events reach ClickHouse through the sink: nothing to do here. */
    wake: () => {},
    async close() {},
  }
}

export type ClickHouseReports = ReturnType<typeof openClickHouseReports>
