/**
 * The reference collector as a request handler: mount it in `node:http`,
 * Express or Connect. `footfall-collector` is this handler in its own server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'
import { checkOptions, type CommitmentOptions, type OwnershipClass } from '../kpi/commitments'
import { clickhouseFor, type ClickHouseOptions, type ClickHouseSinkStats } from '../clickhouse/index'
import { isTimeZone } from '../kpistore/intervals'
import { openKpiStore, Unavailable, type KpiStoreOptions, type KpiStoreStatus } from '../kpistore/index'
import { applyCors, mayRead, preflight } from './access'
import { readBody } from './body'
import { serveDashboard } from './dashboard'
import { createForwarder, type ForwardOptions, type ForwardStats } from './forward'
import { ingest } from './ingest'
import { parseJson } from './json'
import { createRateLimiter, type RateLimitOptions } from './ratelimit'
import { openStore, type FsyncPolicy } from './store'

export type { ForwardOptions, ForwardStats } from './forward'
export type { ClickHouseOptions, ClickHouseSinkStats } from '../clickhouse/index'
export type { RateLimitOptions } from './ratelimit'
export type { FsyncPolicy } from './store'
export type { StoredMessage } from './validate'
export type { IngestReply, Rejected } from './ingest'
export { writeSample, type SampleOptions } from './sample'

/** What a `fault` hook may answer: a status to reply with, `'drop'` to cut the connection, or nothing. */
export type Fault = number | 'drop' | null | undefined | void

export interface CollectorOptions {
  /** Directory of the NDJSON files (one per UTC day) and of the forward spool. */
  dataDir: string
  /** Origins allowed to post (CORS). Default: any origin. */
  origins?: readonly string[]
  /** Relay accepted messages to this Segment-compatible `/v1/batch` URL. */
  forward?: string | ForwardOptions
  /** Token that opens `/events` and `/kpi` to other origins (`Authorization: Bearer …` or `?token=`). */
  readToken?: string
  /** Only these write keys are accepted (401 otherwise). Default: any well-formed key. */
  writeKeys?: readonly string[]
  /** See store.ts. Default `always`. */
  fsync?: FsyncPolicy
  /** Largest request body, on the wire and decoded. Default 512 KB. */
  maxBodyBytes?: number
  /** Ingest requests handled at once; beyond it 503 + `Retry-After`. Default 64. */
  maxInflight?: number
  /** Per-client rate limit on ingest paths, or `false`. Default 20 req/s, bursts of 60. */
  rateLimit?: RateLimitOptions | false
  /** Key clients by the first `X-Forwarded-For` address (only behind a proxy you trust). */
  trustProxy?: boolean
  /** Most `messageId`s remembered for deduplication. Default 500,000. */
  maxDedupeIds?: number
  /**
   * Consulted on every ingest request before anything else; lets a demo or a test make the
   * collector fail: return a status (e.g. 503) to answer with it, `'drop'` to destroy the
   * connection without an answer, or nothing to proceed normally.
   */
  fault?: (req: IncomingMessage) => Fault
  /**
   * The KPI store answering `/kpi` and `/kpi/series` (DuckDB beside the day files), or `false`
   * for none (those paths then answer 503). Default on.
   */
  kpiStore?: boolean | Omit<KpiStoreOptions, 'dataDir' | 'log'>
  /** This site's ownership classes for `/commitments`, over the defaults (e.g. `{ inquiryRate: 'owned' }`). */
  classes?: Record<string, OwnershipClass>
  /**
   * Also insert accepted messages into ClickHouse (its HTTP URL, spooled under `<dataDir>/clickhouse-spool`);
   * with `read: true`, `/kpi` and `/kpi/series` are answered from ClickHouse instead of the embedded store.
   */
  clickhouse?: string | ClickHouseOptions
  /** Called with one line per notable event (forward failures, write errors). */
  log?: (line: string) => void
}

export type Next = (err?: unknown) => void

export interface Collector {
  /**
   * Handle a request. Returns true when the path is the collector's. For any other path it
   * calls `next()` when given, else answers 404.
   */
  (req: IncomingMessage, res: ServerResponse, next?: Next): boolean
  /** Resolves once the store's dedupe index is rebuilt (requests wait for it anyway). */
  ready: Promise<void>
  /** Counters for `/health`. */
  stats(): CollectorStats
  /** Wait until the forward and ClickHouse spools are empty (or backing off). */
  flushForward(): Promise<void>
  /** Finish pending writes, stop the forwarder, close files. */
  close(): Promise<void>
}

export interface CollectorStats {
  accepted: number
  duplicates: number
  rejected: number
  storedAtStart: number
  inflight: number
  /** Process memory, for watching the bounds under load. */
  memory: { rss: number; heapUsed: number }
  forward?: ForwardStats
  clickhouse?: ClickHouseSinkStats
  kpi?: KpiStoreStatus
}

const INGEST = new Set(['/collect', '/v1/batch'])
const READ = new Set(['/events', '/kpi', '/kpi/series', '/commitments', '/health'])
const MAX_EVENTS = 1000
const version = '__VERSION__'

const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  if (res.headersSent) return
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  })
  res.end(text)
}

/** `/commitments` options from the query, checked; a message when they are bad. */
const commitmentOptions = (q: URLSearchParams, classes?: CommitmentOptions['classes']): CommitmentOptions | string => {
  const number = (name: string, fallback: number) => (q.has(name) ? Number(q.get(name)) : fallback)
  const list = (name: string) => (q.getAll(name).length ? q.getAll(name).flatMap((v) => v.split(',')) : undefined)
  const options: CommitmentOptions = { confidence: number('confidence', 0.9), horizon: number('horizon', 4), kpis: list('kpi'), scopes: list('scope'), classes }
  try {
    checkOptions(options)
    return options
  } catch (err) {
    return (err as Error).message
  }
}

/** `from` / `to` of a report: absent, an ISO 8601 date, or epoch ms; NaN when unreadable. */
const instant = (v: string | null): number | undefined => (v === null || v === '' ? undefined : /^-?\d+$/.test(v) ? Number(v) : Date.parse(v))

const basicAuthKey = (req: IncomingMessage): string | undefined => {
  const auth = req.headers.authorization
  if (!auth?.startsWith('Basic ')) return undefined
  const user = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':')[0]
  return user || undefined
}

/** Create the collector's request handler. */
export const createCollector = (options: CollectorOptions): Collector => {
  const { dataDir, maxBodyBytes = 512 * 1024, maxInflight = 64, log = () => {} } = options
  const limiter = options.rateLimit === false ? undefined : createRateLimiter(options.rateLimit)
  const counters = { accepted: 0, duplicates: 0, rejected: 0 }
  let inflight = 0

  const storeReady = openStore({ dir: dataDir, fsync: options.fsync, maxIds: options.maxDedupeIds })
  const forwardOptions = typeof options.forward === 'string' ? { url: options.forward } : options.forward
  const forwarderReady = forwardOptions
    ? createForwarder({ spoolDir: join(dataDir, 'spool'), ...forwardOptions })
    : Promise.resolve(undefined)
  const clickhouse = clickhouseFor(options.clickhouse, dataDir, log)
  const ready = Promise.all([storeReady, forwarderReady, clickhouse.sink]).then(() => {})
  // An unhandled rejection here would crash the host; requests report it instead.
  ready.catch((err) => log(`collector: cannot open ${dataDir}: ${(err as Error).message}`))
  let storeValue: Awaited<typeof storeReady> | undefined
  let forwarderValue: Awaited<typeof forwarderReady>
  void storeReady.then((s) => (storeValue = s), () => {})
  void forwarderReady.then((f) => (forwarderValue = f), () => {})
  let sink: Awaited<typeof clickhouse.sink>
  void clickhouse.sink.then((s) => (sink = s), () => {})

  const kpi = clickhouse.reports ?? (options.kpiStore === false ? undefined : openKpiStore({ dataDir, log, ...(options.kpiStore === true ? {} : options.kpiStore) }))
  // Stored lines reach the KPI store in micro-batches: one wake-up per 2 s at most (a report
  // applies whatever is newer itself, so this only keeps the store near the files).
  let waking: NodeJS.Timeout | undefined
  const wakeKpi = () => {
    waking ??= setTimeout(() => {
      waking = undefined
      kpi?.wake()
    }, 2000).unref()
  }

  const clientKey = (req: IncomingMessage) => {
    const xff = options.trustProxy ? String(req.headers['x-forwarded-for'] ?? '').split(',')[0].trim() : ''
    return xff || req.socket.remoteAddress || 'unknown'
  }

  const handleIngest = async (req: IncomingMessage, res: ServerResponse) => {
    if (!applyCors(req, res, options.origins)) return send(res, 403, { ok: false, error: 'origin not allowed' })
    if (req.method === 'OPTIONS') return preflight(res)
    if (req.method !== 'POST') return send(res, 405, { ok: false, error: 'use POST' }, { Allow: 'POST, OPTIONS' })
    const wait = limiter?.(clientKey(req))
    if (wait) return send(res, 429, { ok: false, error: 'rate limited' }, { 'Retry-After': String(wait) })
    const fault = options.fault?.(req)
    if (fault === 'drop') return void req.socket.destroy()
    if (typeof fault === 'number') return send(res, fault, { ok: false, error: 'fault injected' }, fault === 429 || fault === 503 ? { 'Retry-After': '1' } : {})
    if (inflight >= maxInflight) return send(res, 503, { ok: false, error: 'busy' }, { 'Retry-After': '1' })
    const type = String(req.headers['content-type'] ?? 'text/plain').split(';')[0].trim().toLowerCase()
    if (type !== 'text/plain' && type !== 'application/json' && !type.endsWith('+json')) {
      return send(res, 415, { ok: false, error: 'send JSON as text/plain or application/json' })
    }
    inflight++
    try {
      const body = await readBody(req, maxBodyBytes)
      if (!body.ok) {
        // 413: the rest of the body is not read; closing is the only way to stop it.
        const close: Record<string, string> = body.status === 413 ? { Connection: 'close' } : {}
        if (body.status === 413) res.once('finish', () => req.socket.destroySoon?.())
        return send(res, body.status, { ok: false, error: body.error }, close)
      }
      let payload: unknown
      try {
        payload = parseJson(body.body.toString('utf8'))
      } catch (err) {
        return send(res, 400, { ok: false, error: `malformed JSON: ${(err as Error).message}` })
      }
      await ready
      const result = await ingest(payload, basicAuthKey(req), {
        store: storeValue!,
        writeKeys: options.writeKeys,
        userAgent: req.headers['user-agent'],
        forward:
          forwarderValue || sink
            ? async (batch, writeKey) => {
                await Promise.all([
                  forwarderValue?.enqueue(batch, writeKey).catch((err) => log(`forward: cannot spool: ${(err as Error).message}`)),
                  sink?.enqueue(batch, writeKey).catch((err) => log(`clickhouse: cannot spool: ${(err as Error).message}`)),
                ])
              }
            : undefined,
      })
      if (result.body.accepted) wakeKpi()
      counters.accepted += result.body.accepted
      counters.duplicates += result.body.duplicates
      counters.rejected += result.body.rejected.length
      send(res, result.status, result.body)
    } catch (err) {
      log(`collector: ${(err as Error).message}`)
      send(res, 500, { ok: false, error: 'could not store the batch' }, { 'Retry-After': '1' })
    } finally {
      inflight--
    }
  }

  const handleRead = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    // Reading paths never carry CORS headers; this one stops other sites embedding them too.
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin')
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { ok: false, error: 'use GET' }, { Allow: 'GET' })
    if (url.pathname === '/health') {
      await ready.catch(() => {})
      return send(res, storeValue ? 200 : 503, { ok: !!storeValue, version, ...stats() })
    }
    if (!mayRead(req, url, options.readToken)) return send(res, 403, { ok: false, error: 'same origin or read token only' })
    await ready
    if (url.pathname === '/events') {
      const n = Number(url.searchParams.get('limit') ?? 100)
      const limit = Number.isFinite(n) ? Math.max(0, Math.min(MAX_EVENTS, Math.floor(n))) : 100
      return send(res, 200, storeValue!.recent(limit))
    }
    if (!kpi) return send(res, 503, { ok: false, error: 'this collector runs without a KPI store' })
    const q = url.searchParams
    const from = instant(q.get('from')), to = instant(q.get('to'))
    if (Number.isNaN(from) || Number.isNaN(to)) return send(res, 400, { ok: false, error: 'from and to are ISO 8601 dates or epoch milliseconds' })
    const tz = q.get('tz') ?? 'UTC'
    if (!isTimeZone(tz)) return send(res, 400, { ok: false, error: `unknown time zone ${JSON.stringify(tz.slice(0, 64))}` })
    // People only by default; `traffic=all` counts crawlers, automation and spam too.
    const traffic = q.get('traffic') ?? 'human'
    if (traffic !== 'human' && traffic !== 'all') return send(res, 400, { ok: false, error: 'traffic is human or all' })
    try {
      if (url.pathname === '/kpi') return send(res, 200, await kpi.report(from, to, traffic))
      if (url.pathname === '/commitments') {
        const asked = commitmentOptions(q, options.classes)
        if (typeof asked === 'string') return send(res, 400, { ok: false, error: asked })
        const answer = (await kpi.commitments(tz, asked)) as { error?: string }
        return answer.error ? send(res, 400, { ok: false, error: answer.error }) : send(res, 200, answer)
      }
      const interval = q.get('interval') ?? 'week'
      if (interval !== 'day' && interval !== 'week') return send(res, 400, { ok: false, error: 'interval is day or week' })
      const series = await kpi.series(interval, tz, from, to, traffic)
      if (!series) return send(res, 400, { ok: false, error: 'too many intervals: narrow from/to or use weeks' })
      return send(res, 200, series)
    } catch (err) {
      if (!(err instanceof Unavailable)) throw err
      return send(res, 503, { ok: false, error: err.message, ...(err.progress ? { progress: err.progress } : {}) }, { 'Retry-After': String(err.retryAfter) })
    }
  }

  const stats = (): CollectorStats => ({
    ...counters,
    storedAtStart: storeValue?.loaded ?? 0,
    inflight,
    memory: (({ rss, heapUsed }) => ({ rss, heapUsed }))(process.memoryUsage()),
    ...(forwarderValue ? { forward: forwarderValue.stats() } : {}),
    ...(sink ? { clickhouse: sink.stats() } : {}),
    ...(kpi ? { kpi: kpi.status() } : {}),
  })

  const handler = ((req: IncomingMessage, res: ServerResponse, next?: Next): boolean => {
    let url: URL
    try {
      url = new URL(req.url ?? '/', 'http://collector.invalid')
    } catch {
      url = new URL('http://collector.invalid/')
    }
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/$/, '') : url.pathname
    const work = INGEST.has(path) ? handleIngest(req, res) : READ.has(path) ? handleRead(req, res, url)
      : /^\/dashboard(\/|$)/.test(path) ? serveDashboard(req, res, url, path, options.readToken) : undefined
    if (!work) {
      if (next) next()
      else send(res, 404, { ok: false, error: 'not found' })
      return false
    }
    work.catch((err) => {
      log(`collector: ${(err as Error).message}`)
      send(res, 500, { ok: false, error: 'internal error' })
    })
    return true
  }) as Collector

  handler.ready = ready
  handler.stats = stats
  handler.flushForward = async () => {
    await ready
    await Promise.all([forwarderValue?.flush(), sink?.flush()])
  }
  handler.close = async () => {
    await ready.catch(() => {})
    clearTimeout(waking)
    await forwarderValue?.close()
    await sink?.close()
    await storeValue?.close()
    await kpi?.close()
  }
  return handler
}
