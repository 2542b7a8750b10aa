/**
 * The reference collector as a request handler: mount it in `node:http`,
 * Express or Connect. `footfall-collector` is this handler in its own server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'
import { checkOptions, type CommitmentOptions, type OwnershipClass } from '../../kpi/commitments'
import { clickhouseFor, type ClickHouseOptions, type ClickHouseSinkStats } from '../clickhouse/index'
import { instantIn, isTimeZone } from '../../kpi/intervals'
import { openKpiStore, Unavailable, type KpiStoreOptions, type KpiStoreStatus, type Silent } from '../kpistore/index'
import { applyCors, preflight } from './access'
import { annotationsIn, checkAnnotation, commitmentInputs } from './annotations'
import { checkSaveRequest, reviewFrom, savedIn } from './saved'
import { formatSaved } from './appendix'
import { clientAddress, createAuth, type Auth, type AuthOptions, type Grant, type Identity } from './auth'
import { readBody } from './body'
import { serveDashboard } from './dashboard'
import { createForwarder, type ForwardOptions, type ForwardStats } from './forward'
import { ingest } from './ingest'
import { parseJson } from './json'
import { serveLogin } from './login'
import { createRateLimiter, type RateLimitOptions } from './ratelimit'
import { openStore, type FsyncPolicy } from './store'

export type { ForwardOptions, ForwardStats } from './forward'
export type { ClickHouseOptions, ClickHouseSinkStats } from '../clickhouse/index'
export type { RateLimitOptions } from './ratelimit'
export type { FsyncPolicy } from './store'
export type { StoredMessage } from './validate'
export type { IngestReply, Rejected } from './ingest'
export { writeSample, type SampleOptions } from './sample'
export { createToken, listTokens, revokeToken, newToken, type TokenInfo } from './tokens'
export { createAuth, type Auth, type AuthOptions } from './auth'

/** What a `fault` hook may answer: a status to reply with, `'drop'` to cut the connection, or nothing. */
export type Fault = number | 'drop' | null | undefined | void

export interface CollectorOptions {
  /** Directory of the NDJSON files (one per UTC day) and of the forward spool. */
  dataDir: string
  /** Origins allowed to post (CORS). Default: any origin. */
  origins?: readonly string[]
  /** Relay accepted messages to this Segment-compatible `/v1/batch` URL. */
  forward?: string | ForwardOptions
  /**
   * The admin token: sees every site (`Authorization: Bearer …`, or the login form). Site tokens
   * (`footfall-collector token create`) live in the data directory. Without any, only ingest and
   * `/health` answer (and the public sites).
   */
  adminToken?: string
  /** @deprecated The admin token's former name; `adminToken` wins when both are given. */
  readToken?: string
  /** Sites whose dashboard and reports anyone may read without logging in. Default none. */
  publicSites?: readonly string[]
  /** Login sessions and the limit on failed logins (see auth.ts). */
  login?: Pick<AuthOptions, 'sessionMs' | 'maxFailures' | 'failureRefillMs' | 'now'>
  /**
   * Logins made by `createAuth` (its `dataDir` the same), to share them with the collector that
   * replaces this one; when given, `adminToken`, `publicSites`, `trustProxy` and `login` are its own.
   */
  auth?: Auth
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
  /** Key clients by the last `X-Forwarded-For` hop, the address the proxy saw (only behind a proxy you trust). */
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
  /**
   * The collector's clock for its reports (epoch ms, ISO 8601, or a function): what `/commitments`,
   * `/kpi/series` and `/health` take as now when a request names no `asOf`. Pinned in demos and
   * tests so that nothing depends on the day they run. Default: the system clock. Ingest always
   * stamps `receivedAt` with the system clock.
   */
  now?: number | string | (() => number)
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

/** `/health`: the counters, and the sites that have gone silent (see kpistore/silent.ts). */
export interface Health extends CollectorStats {
  ok: boolean
  version: string
  /** The instant the health was judged at (the collector's clock, or `asOf`). */
  now: string
  /** Sites silent for longer than their recent history makes normal; absent while the KPI store cannot say. */
  silent?: Silent[]
}

const INGEST = new Set(['/collect', '/v1/batch'])
const READ = new Set(['/events', '/kpi', '/kpi/series', '/commitments', '/health', '/sites'])
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

const NEEDS_CREDENTIALS = { ok: false, error: 'credentials required: Authorization: Bearer TOKEN, or log in at /login' }

/** A stored message's site: its writeKey, '' without one. */
const siteOfMessage = (m: unknown): string => {
  const key = (m as { writeKey?: unknown } | null)?.writeKey
  return typeof key === 'string' ? key : ''
}

/** `/commitments` options from the query, checked; a message when they are bad. */
const commitmentOptions = (q: URLSearchParams, classes: CommitmentOptions['classes'] | undefined, now: number | undefined): CommitmentOptions | string => {
  const number = (name: string, fallback: number) => (q.has(name) ? Number(q.get(name)) : fallback)
  const list = (name: string) => (q.getAll(name).length ? q.getAll(name).flatMap((v) => v.split(',')) : undefined)
  const options: CommitmentOptions = { confidence: number('confidence', 0.9), horizon: number('horizon', 4), kpis: list('kpi'), scopes: list('scope'), classes, now }
  try {
    checkOptions(options)
    return options
  } catch (err) {
    return (err as Error).message
  }
}

/** `from` / `to` of a report: absent, an ISO 8601 date, or epoch ms; NaN when unreadable. */
const instant = (v: string | null): number | undefined => (v === null || v === '' ? undefined : /^-?\d+$/.test(v) ? Number(v) : Date.parse(v))

/** A clock from the `now` option: pinned to one instant, a function, or the system's. */
export const clockOf = (now: CollectorOptions['now']): (() => number) | undefined => {
  if (now === undefined) return undefined
  if (typeof now === 'function') return now
  const at = typeof now === 'number' ? now : instantIn('UTC', now)
  if (!Number.isFinite(at)) throw new Error(`now must be an ISO 8601 date or epoch milliseconds, not ${JSON.stringify(String(now).slice(0, 64))}`)
  return () => at
}

const basicAuthKey = (req: IncomingMessage): string | undefined => {
  const auth = req.headers.authorization
  if (!auth?.startsWith('Basic ')) return undefined
  const user = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':')[0]
  return user || undefined
}

/** Create the collector's request handler. */
export const createCollector = (options: CollectorOptions): Collector => {
  const { dataDir, maxBodyBytes = 512 * 1024, maxInflight = 64, log = () => {} } = options
  const clock = clockOf(options.now)
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

  const clientKey = (req: IncomingMessage) => clientAddress(req, options.trustProxy)
  const auth = options.auth ?? createAuth({
    dataDir,
    adminToken: options.adminToken ?? options.readToken,
    publicSites: options.publicSites,
    trustProxy: options.trustProxy,
    ...options.login,
  })

  /** The sites stored: the KPI store's list, else (no store, or not ready) those of the recent messages. */
  const knownSites = async (): Promise<string[]> => {
    if (kpi) {
      try {
        return await kpi.sites()
      } catch (err) {
        if (!(err instanceof Unavailable)) throw err
      }
    }
    return [...new Set(storeValue!.recent(MAX_EVENTS * 2).map(siteOfMessage))].sort()
  }

  /**
   * The one site a reading request is about: `site=` if the grant opens it; else the only site it
   * may see (none: every stored event, which is then at most one site's). Several → 400 listing them.
   */
  const siteFor = async (grant: Grant, q: URLSearchParams): Promise<{ site?: string } | { status: number; body: unknown }> => {
    const named = q.get('site')
    if (named !== null) {
      if (grant.all || grant.sites.includes(named) || auth.publicSites.includes(named)) return { site: named }
      return grant.via === 'public' ? { status: 401, body: NEEDS_CREDENTIALS } : { status: 403, body: { ok: false, error: 'these credentials do not open that site' } }
    }
    const visible = grant.all ? await knownSites() : grant.sites
    if (visible.length > 1) return { status: 400, body: { ok: false, error: 'this collector holds several sites: name one with site=', sites: visible } }
    return { site: visible[0] }
  }

  /**
   * The JSON body of a request that writes (annotations, saved commitments). `application/json`
   * only: a form on another site cannot send one without a CORS preflight, which is refused.
   */
  const jsonBody = async (req: IncomingMessage): Promise<{ input: unknown } | { status: number; error: string }> => {
    const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
    if (type !== 'application/json') return { status: 415, error: 'send the request as application/json' }
    const body = await readBody(req, 64 * 1024)
    if (!body.ok) return { status: body.status, error: body.error }
    try {
      return { input: parseJson(body.body.toString('utf8')) }
    } catch (err) {
      return { status: 400, error: `malformed JSON: ${(err as Error).message}` }
    }
  }

  /**
   * The common start of a writing path under `base` (`base` itself, or `base/:id`): credentials,
   * the methods allowed, and no writing for a public site's visitors. Undefined when answered.
   */
  const opening = async (req: IncomingMessage, res: ServerResponse, path: string, base: string, list: string, one: string) => {
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin')
    const who = auth.identify(req)
    if (!who.ok) return void refuse(res, who)
    const id = path === base ? undefined : path.slice(base.length + 1)
    const method = req.method === 'HEAD' ? 'GET' : req.method
    const allowed = id === undefined ? list : one
    if (!allowed.split(', ').includes(method ?? '')) return void send(res, 405, { ok: false, error: `use ${allowed}` }, { Allow: allowed })
    if (method !== 'GET' && who.grant.via === 'public') return void send(res, 401, NEEDS_CREDENTIALS, { 'WWW-Authenticate': 'Bearer realm="footfall"' })
    await ready
    return { grant: who.grant, id, method }
  }

  const notes = annotationsIn(dataDir)

  /**
   * `/annotations` (GET list, POST add) and `/annotations/:id` (DELETE): the same credentials as
   * the reports; a site token reads and writes its own site's only. Writing needs real
   * credentials (a public site's visitors may read its annotations, not make them).
   */
  const handleAnnotations = async (req: IncomingMessage, res: ServerResponse, url: URL, path: string) => {
    const open = await opening(req, res, path, '/annotations', 'GET, POST', 'DELETE')
    if (!open) return
    const { grant, id, method } = open
    const opens = (s: string) => grant.all || grant.sites.includes(s)
    if (id !== undefined) {
      const found = notes.get(id)
      if (!found) return send(res, 404, { ok: false, error: 'no such annotation' })
      if (!opens(found.site)) return send(res, 403, { ok: false, error: 'these credentials do not open that site' })
      notes.remove(id, clock?.())
      return send(res, 200, { ok: true, deleted: id })
    }
    if (method === 'GET') {
      const chosen = await siteFor(grant, url.searchParams)
      if ('status' in chosen) return send(res, chosen.status, chosen.body)
      return send(res, 200, notes.list(chosen.site))
    }
    const read = await jsonBody(req)
    if ('status' in read) return send(res, read.status, { ok: false, error: read.error })
    const { input } = read
    // The site: the body's, else site=, else the only one these credentials see.
    const named = (input as { site?: unknown } | null)?.site
    const q = new URLSearchParams(url.searchParams)
    if (typeof named === 'string') q.set('site', named)
    const chosen = await siteFor(grant, q)
    if ('status' in chosen) return send(res, chosen.status, chosen.body)
    if (chosen.site !== undefined && !opens(chosen.site)) return send(res, 403, { ok: false, error: 'these credentials do not open that site' })
    const checked = checkAnnotation(input, chosen.site, clock?.())
    if ('error' in checked) return send(res, 400, { ok: false, error: checked.error })
    if (!opens(checked.annotation.site)) return send(res, 403, { ok: false, error: 'these credentials do not open that site' })
    return send(res, 201, notes.add(checked.annotation, clock?.()))
  }

  const saved = savedIn(dataDir)

  /**
   * `/commitments/saved` (GET list, POST save) and `/commitments/saved/:id` (GET, with its review).
   * A saved commitment is computed once, from the data before its `asOf`, and frozen.
   */
  const handleSaved = async (req: IncomingMessage, res: ServerResponse, url: URL, path: string) => {
    const open = await opening(req, res, path, '/commitments/saved', 'GET, POST', 'GET')
    if (!open) return
    const { grant, id, method } = open
    const opens = (s: string | undefined) => grant.all || (s !== undefined && (grant.sites.includes(s) || auth.publicSites.includes(s)))
    const q = url.searchParams
    const tzOf = (tz: string | null | undefined) => tz ?? 'UTC'
    if (id !== undefined) {
      const found = saved.get(id)
      if (!found) return send(res, 404, { ok: false, error: 'no such saved commitment' })
      if (!opens(found.site)) return send(res, 403, { ok: false, error: 'these credentials do not open that site' })
      if (!kpi) return send(res, 503, { ok: false, error: 'this collector runs without a KPI store' })
      const now = clock?.() ?? Date.now()
      try {
        const review = await reviewFrom(found, {
          series: async (from, to, at) => (await kpi.series('week', found.tz, from, to, at, found.site, 'human')) as never,
          commitments: (o) => kpi.commitments(found.tz, { ...o, classes: options.classes }, found.site) as never,
        }, notes.list(found.site), now)
        // ?format=md|csv: the contract appendix as a download.
        const format = q.get('format')
        if (format === 'md' || format === 'csv') {
          const text = formatSaved({ ...found, ...review }, format)
          res.writeHead(200, {
            'Content-Type': format === 'md' ? 'text/markdown; charset=utf-8' : 'text/csv; charset=utf-8',
            'Content-Disposition': `attachment; filename="${found.id}.${format}"`,
            'Cache-Control': 'no-store',
            'X-Content-Type-Options': 'nosniff',
          })
          return void res.end(text)
        }
        return send(res, 200, { ...found, ...review })
      } catch (err) {
        if (!(err instanceof Unavailable)) throw err
        return send(res, 503, { ok: false, error: err.message }, { 'Retry-After': String(err.retryAfter) })
      }
    }
    if (method === 'GET') {
      const chosen = await siteFor(grant, q)
      if ('status' in chosen) return send(res, chosen.status, chosen.body)
      return send(res, 200, saved.list(chosen.site))
    }
    const read = await jsonBody(req)
    if ('status' in read) return send(res, read.status, { ok: false, error: read.error })
    const asked = checkSaveRequest(read.input)
    if ('error' in asked) return send(res, 400, { ok: false, error: asked.error })
    const where = new URLSearchParams(q)
    if (asked.site !== undefined) where.set('site', asked.site)
    const chosen = await siteFor(grant, where)
    if ('status' in chosen) return send(res, chosen.status, chosen.body)
    const { site } = chosen
    // A public site is readable by anyone, not theirs to save for.
    if (site !== undefined && !grant.all && !grant.sites.includes(site)) return send(res, 403, { ok: false, error: 'these credentials do not open that site' })
    const tz = tzOf(asked.tz ?? q.get('tz'))
    if (!isTimeZone(tz)) return send(res, 400, { ok: false, error: `unknown time zone ${JSON.stringify(tz.slice(0, 64))}` })
    const asOf = asked.asOf !== undefined ? instantIn(tz, asked.asOf) : clock?.() ?? Date.now()
    if (!Number.isFinite(asOf)) return send(res, 400, { ok: false, error: 'asOf is an ISO 8601 date (midnight in tz), date and time, or epoch milliseconds' })
    if (!kpi) return send(res, 503, { ok: false, error: 'this collector runs without a KPI store' })
    const commitmentAsked = { ...asked.options, classes: options.classes, now: asOf }
    try {
      checkOptions(commitmentAsked)
    } catch (err) {
      return send(res, 400, { ok: false, error: (err as Error).message })
    }
    const annotations = notes.list(site)
    try {
      const rows = (await kpi.commitments(tz, { ...commitmentAsked, ...commitmentInputs(annotations) }, site)) as unknown
      if (!Array.isArray(rows)) return send(res, 400, { ok: false, error: (rows as { error?: string }).error ?? 'cannot compute the commitment' })
      const record = saved.save({
        name: asked.name, createdAt: new Date(clock?.() ?? Date.now()).toISOString(), asOf: new Date(asOf).toISOString(), site, tz,
        confidence: commitmentAsked.confidence ?? 0.9, horizon: commitmentAsked.horizon ?? 4,
        ...(asked.options.kpis ? { kpis: [...asked.options.kpis] } : {}), ...(asked.options.scopes ? { scopes: [...asked.options.scopes] } : {}),
        annotations, rows,
      })
      return send(res, 201, record)
    } catch (err) {
      if (!(err instanceof Unavailable)) throw err
      return send(res, 503, { ok: false, error: err.message }, { 'Retry-After': String(err.retryAfter) })
    }
  }

  const refuse = (res: ServerResponse, who: Extract<Identity, { ok: false }>) =>
    who.status === 429
      ? send(res, 429, { ok: false, error: 'too many failed attempts' }, { 'Retry-After': String(who.retryAfter ?? 60) })
      : send(res, 401, NEEDS_CREDENTIALS, { 'WWW-Authenticate': 'Bearer realm="footfall"' })

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
    if (url.pathname === '/health') return send(res, ...(await health(url.searchParams)))
    const who = auth.identify(req)
    if (!who.ok) return refuse(res, who)
    await ready
    const q = url.searchParams
    if (url.pathname === '/sites') {
      const sites = who.grant.all ? await knownSites() : [...new Set([...who.grant.sites, ...auth.publicSites])]
      return send(res, 200, { sites })
    }
    const chosen = await siteFor(who.grant, q)
    if ('status' in chosen) return send(res, chosen.status, chosen.body)
    const { site } = chosen
    if (url.pathname === '/events') {
      const n = Number(q.get('limit') ?? 100)
      const limit = Number.isFinite(n) ? Math.max(0, Math.min(MAX_EVENTS, Math.floor(n))) : 100
      const recent = storeValue!.recent(MAX_EVENTS * 2)
      const mine = site === undefined ? recent : recent.filter((m) => siteOfMessage(m) === site)
      return send(res, 200, mine.slice(Math.max(0, mine.length - limit)))
    }
    if (!kpi) return send(res, 503, { ok: false, error: 'this collector runs without a KPI store' })
    const from = instant(q.get('from')), to = instant(q.get('to'))
    if (Number.isNaN(from) || Number.isNaN(to)) return send(res, 400, { ok: false, error: 'from and to are ISO 8601 dates or epoch milliseconds' })
    const tz = q.get('tz') ?? 'UTC'
    if (!isTimeZone(tz)) return send(res, 400, { ok: false, error: `unknown time zone ${JSON.stringify(tz.slice(0, 64))}` })
    // asOf: the report as it would have been given then, from the events before it only.
    const asOf = q.get('asOf') ? instantIn(tz, q.get('asOf')!) : clock?.()
    if (Number.isNaN(asOf)) return send(res, 400, { ok: false, error: 'asOf is an ISO 8601 date (midnight in tz), date and time, or epoch milliseconds' })
    // People only by default; `traffic=all` counts crawlers, automation and spam too.
    const traffic = q.get('traffic') ?? 'human'
    if (traffic !== 'human' && traffic !== 'all') return send(res, 400, { ok: false, error: 'traffic is human or all' })
    try {
      if (url.pathname === '/kpi') return send(res, 200, await kpi.report(from, to, site, traffic))
      if (url.pathname === '/commitments') {
        const asked = commitmentOptions(q, options.classes, asOf)
        if (typeof asked === 'string') return send(res, 400, { ok: false, error: asked })
        // The site's known shifts and excluded stretches: part of the question, so of the cache key.
        Object.assign(asked, commitmentInputs(notes.list(site)))
        const answer = (await kpi.commitments(tz, asked, site)) as { error?: string }
        return answer.error ? send(res, 400, { ok: false, error: answer.error }) : send(res, 200, answer)
      }
      const interval = q.get('interval') ?? 'week'
      if (interval !== 'day' && interval !== 'week') return send(res, 400, { ok: false, error: 'interval is day or week' })
      const series = await kpi.series(interval, tz, from, to, asOf, site, traffic)
      if (!series) return send(res, 400, { ok: false, error: 'too many intervals: narrow from/to or use weeks' })
      return send(res, 200, series)
    } catch (err) {
      if (!(err instanceof Unavailable)) throw err
      return send(res, 503, { ok: false, error: err.message, ...(err.progress ? { progress: err.progress } : {}), ...(err.repair ? { repair: err.repair } : {}) }, { 'Retry-After': String(err.retryAfter) })
    }
  }

  /** `/health`: 200 while events can be stored; names the sites gone silent at now (or `asOf`). */
  const health = async (q: URLSearchParams): Promise<[number, Health]> => {
    await ready.catch(() => {})
    const asked = q.get('asOf') ? instantIn(q.get('tz') && isTimeZone(q.get('tz')!) ? q.get('tz')! : 'UTC', q.get('asOf')!) : undefined
    // The clock to the minute: health is asked often, and the silent sites are a question of days.
    const now = Number.isFinite(asked) ? asked! : clock ? clock() : Math.floor(Date.now() / 60_000) * 60_000
    let silent: Silent[] | undefined
    if (kpi && kpi.status().state === 'ready') silent = await kpi.silent(now).catch(() => undefined)
    return [storeValue ? 200 : 503, { ok: !!storeValue, version, now: new Date(now).toISOString(), ...stats(), ...(silent ? { silent } : {}) }]
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
      : /^\/annotations(\/[^/]+)?$/.test(path) ? handleAnnotations(req, res, url, path)
      : /^\/commitments\/saved(\/[^/]+)?$/.test(path) ? handleSaved(req, res, url, path)
      : path === '/login' || path === '/logout' ? serveLogin(auth, req, res, url, path)
      : /^\/dashboard(\/|$)/.test(path) ? serveDashboard(req, res, url, path, () => auth.identify(req)) : undefined
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
