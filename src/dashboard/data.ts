/**
 * What the dashboard reads from the collector: the weekly series, the commitment report, the
 * KPI report of the range (for campaigns) and the latest events. Same origin, no credentials
 * beyond what the page was opened with.
 */
import type { Commitment } from '../kpi/commitments'
import type { KpiReport } from '../kpi/index'
import type { SeriesInterval as SeriesPoint } from '../kpi/index'

export type { Commitment, OwnershipClass } from '../kpi/commitments'
export type { SeriesInterval as SeriesPoint } from '../kpi/index'

/** The KPI store is building: the answer comes later, and this is how far it got. */
export interface Progress {
  phase: string
  files: { done: number; total: number }
  events: number
  eta: number
}

/** A reading endpoint that cannot answer now (503): retry after `retryAfter` seconds. */
export interface NotYet {
  ok: false
  status: 503
  notYet: true
  message: string
  retryAfter: number
  progress?: Progress
  /** The store's database failed its checks and is being rebuilt; the damaged copy is kept under this name. */
  repair?: { setAside?: string }
}

export type Answer<T> = { ok: true; value: T; notYet?: undefined } | { ok: false; status: number; message: string; notYet?: undefined } | NotYet

// `?site=` on the page's own URL names the site of every report (the login cookie opens them).
const site = new URLSearchParams(location.search).get('site')

const get = <T>(path: string, params: Record<string, string | number | undefined> = {}): Promise<Answer<T>> => ask<T>('GET', path, params)

/** A request to the collector (GET, or POST / DELETE with a JSON body), its answer read as JSON. */
const ask = async <T>(method: string, path: string, params: Record<string, string | number | undefined> = {}, payload?: unknown): Promise<Answer<T>> => {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v))
  if (site !== null) q.set('site', site)
  const url = path + (q.size ? `?${q}` : '')
  let r: Response
  try {
    r = await fetch(url, {
      method,
      cache: 'no-store',
      credentials: 'same-origin',
      ...(payload === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) }),
    })
  } catch (err) {
    return { ok: false, status: 0, message: `${path}: ${(err as Error).message}` }
  }
  const body = await r.json().catch(() => undefined)
  if (r.ok) return { ok: true, value: body as T }
  const sites = Array.isArray(body?.sites) ? ` (${body.sites.map((s: unknown) => `?site=${String(s)}`).join(', ')})` : ''
  const message = (typeof body?.error === 'string' ? body.error : `HTTP ${r.status}`) + sites
  if (r.status === 503) return { ok: false, status: 503, notYet: true, message, retryAfter: Number(r.headers.get('Retry-After')) || 2, progress: body?.progress, repair: body?.repair }
  return { ok: false, status: r.status, message }
}

export interface Range {
  /** Epoch ms, inclusive; none: from the first stored event. */
  from?: number
  /** Epoch ms, exclusive; none: up to now. */
  to?: number
}

/** `asOf` (the page's own, when given): the collector answers from the events before it only. */
export const loadSeries = (range: Range, tz: string, asOf?: string) => get<SeriesPoint[]>('/kpi/series', { interval: 'week', tz, ...range, asOf })
export const loadCommitments = (tz: string, asOf?: string) => get<Commitment[]>('/commitments', { confidence: 0.9, horizon: 4, tz, asOf })
export const loadReport = (range: Range) => get<KpiReport>('/kpi', { ...range })
export const loadHealth = (tz: string, asOf?: string) => get<Health>('/health', { tz, asOf })

/** What the dashboard reads of `/health`: the sites gone silent (absent while the store cannot say). */
export interface Health {
  now?: string
  silent?: { site: string; since: string; normalDays: number }[]
}
/** The sites this login may read. */
export const loadSites = () => get<{ sites: string[] }>('/sites')
/** An annotation (`/annotations`): every text in it is whatever someone typed. */
export interface Annotation {
  id: string
  site: string
  date: string
  until?: string
  kind: 'change' | 'exclude' | 'note'
  note: string
}
export const loadAnnotations = () => get<Annotation[]>('/annotations')
export const addAnnotation = (a: Omit<Annotation, 'id' | 'site'>) => ask<Annotation>('POST', '/annotations', {}, a)
export const deleteAnnotation = (id: string) => ask<{ ok: true }>('DELETE', `/annotations/${encodeURIComponent(id)}`)

/** A saved commitment as listed; opened, with its rows and review. */
export interface SavedHead {
  id: string
  name: string
  createdAt: string
  asOf: string
  site?: string
}
export type { ReviewWeek } from '../kpi/commitments'
import type { ReviewWeek } from '../kpi/commitments'
export interface Saved extends SavedHead {
  tz: string
  confidence: number
  inForce: Annotation[]
  rows: Commitment[]
  review: ReviewWeek[]
  summary: { kpi: string; scope: string; judged: number; met: number; text: string }[]
}
/** A saved commitment's own URL (its markdown appendix with `format=md`). */
export const savedUrl = (id: string, format?: string) => {
  const q = new URLSearchParams()
  if (format) q.set('format', format)
  if (site !== null) q.set('site', site)
  return `/commitments/saved/${encodeURIComponent(id)}` + (q.size ? `?${q}` : '')
}
export const loadSaved = () => get<SavedHead[]>('/commitments/saved')
export const openSaved = (id: string) => get<Saved>(`/commitments/saved/${encodeURIComponent(id)}`)
export const saveCommitment = (name: string, tz: string, asOf?: string) => ask<Saved>('POST', '/commitments/saved', {}, { name, tz, confidence: 0.9, horizon: 4, ...(asOf ? { asOf } : {}) })

export const loadEvents = (limit: number) => get<StoredEvent[]>('/events', { limit })

/** A stored event as far as the dashboard reads it: every field may be anything a visitor sent. */
export interface StoredEvent {
  type?: unknown
  event?: unknown
  timestamp?: unknown
  receivedAt?: unknown
  properties?: Record<string, unknown>
  context?: { page?: Record<string, unknown>; campaign?: Record<string, unknown> }
}
