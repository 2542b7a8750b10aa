/**
 * Saved commitments: a commitment as it was given (its rows, options, the annotations in force),
 * frozen in `commitments/<id>.json` in the data directory — written once, atomically, never
 * recomputed, so later data and a rebuilt KPI store cannot change what was promised. Its
 * **review** is computed on every read: for each committed week, the floor, what the week
 * actually had (the store's weekly series, people only), and whether the floor held.
 */
import { randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import type { Commitment, CommitmentOptions, ReviewFlag, ReviewWeek, SeriesPoint } from '../../kpi/commitments'
import type { Period } from '../../kpi/gaps'
import { type Annotation, commitmentInputs } from './annotations'

export interface SavedCommitment {
  id: string
  name: string
  createdAt: string
  /** The instant the commitment was computed for: data before it only. */
  asOf: string
  site?: string
  tz: string
  confidence: number
  horizon: number
  kpis?: string[]
  scopes?: string[]
  /** The annotations of the site when it was saved. */
  annotations: Annotation[]
  rows: Commitment[]
}

export type { ReviewFlag, ReviewWeek } from '../../kpi/commitments'

export interface ReviewSummary {
  kpi: string
  scope: string
  judged: number
  met: number
  excluded: number
  pending: number
  /** "met 3 of 4 judged weeks; 1 excluded: collector outage". */
  text: string
}

export interface Review {
  /** The instant the review was made at. */
  reviewedAt: string
  /** The site's annotations when reviewed (those frozen with it are `annotations`). */
  inForce: Annotation[]
  review: ReviewWeek[]
  summary: ReviewSummary[]
}

const DIR = 'commitments'
const ID = /^c_[0-9a-f]{12}$/
export const MAX_NAME = 200
const DAY = 86_400_000
const WEEK = 7 * DAY

/** The saved commitments of a data directory. */
export const savedIn = (dataDir: string) => {
  const dir = join(dataDir, DIR)
  const get = (id: string): SavedCommitment | undefined => {
    if (!ID.test(id)) return undefined
    try {
      return JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')) as SavedCommitment
    } catch {
      return undefined
    }
  }
  return {
    get,
    /** The saved commitments of a site (every one without a site), newest first, without their rows. */
    list(site?: string): Omit<SavedCommitment, 'rows' | 'annotations'>[] {
      let names: string[] = []
      try {
        names = readdirSync(dir).filter((f) => ID.test(f.replace(/\.json$/, '')) && f.endsWith('.json'))
      } catch {
        return []
      }
      return names
        .map((f) => get(f.replace(/\.json$/, '')))
        .filter((s): s is SavedCommitment => !!s && (site === undefined || s.site === site))
        .map(({ rows: _, annotations: __, ...head }) => head)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id))
    },
    /** Freeze a commitment: written to a temporary file, flushed, then renamed into place. */
    save(saved: Omit<SavedCommitment, 'id'>): SavedCommitment {
      mkdirSync(dir, { recursive: true })
      const record: SavedCommitment = { id: 'c_' + randomBytes(6).toString('hex'), ...saved }
      const path = join(dir, `${record.id}.json`)
      const fd = openSync(path + '.tmp', 'w')
      try {
        writeSync(fd, JSON.stringify(record, null, 2) + '\n')
        fsyncSync(fd)
      } finally {
        closeSync(fd)
      }
      renameSync(path + '.tmp', path)
      return record
    },
  }
}

/** A request to save, checked: the name and the commitment options; or `{ error }`. */
export const checkSaveRequest = (input: unknown): { name: string; options: CommitmentOptions; asOf?: string; tz?: string; site?: string } | { error: string } => {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return { error: 'send { name, confidence?, horizon?, asOf?, kpis?, scopes? } as JSON' }
  const b = input as Record<string, unknown>
  if (typeof b.name !== 'string' || !b.name.trim() || b.name.length > MAX_NAME) return { error: `name is text of 1 to ${MAX_NAME} characters` }
  const strings = (v: unknown) => v === undefined || (Array.isArray(v) && v.every((x) => typeof x === 'string'))
  if (!strings(b.kpis) || !strings(b.scopes)) return { error: 'kpis and scopes are lists of names' }
  for (const k of ['confidence', 'horizon'] as const) if (b[k] !== undefined && typeof b[k] !== 'number') return { error: `${k} is a number` }
  for (const k of ['asOf', 'tz', 'site'] as const) if (b[k] !== undefined && typeof b[k] !== 'string') return { error: `${k} is text` }
  return {
    name: b.name,
    options: { confidence: (b.confidence as number) ?? 0.9, horizon: (b.horizon as number) ?? 4, kpis: b.kpis as string[] | undefined, scopes: b.scopes as string[] | undefined },
    asOf: b.asOf as string | undefined,
    tz: b.tz as string | undefined,
    site: b.site as string | undefined,
  }
}

/** Whether [a, b) and [c, d) overlap. */
const overlaps = (a: number, b: number, c: number, d: number) => a < d && c < b

const KINDS_NOT_COUNTS = /Rate$|^avgEngagedMs$/

/**
 * The review of a saved commitment at `now`: `weeks` is the store's weekly series over the
 * committed weeks (as of now); `gaps` the stretches found missing (detected, or annotated
 * `exclude`); `annotations` the site's annotations now (a week excluded after the fact is
 * excluded, not missed).
 */
export const reviewOf = (saved: SavedCommitment, weeks: readonly SeriesPoint[], gaps: readonly Period[], annotations: readonly Annotation[], now: number): Review => {
  const byStart = new Map(weeks.map((w) => [Date.parse(w.start), w]))
  const excluded = commitmentInputs(annotations).exclude
  const review: ReviewWeek[] = []
  const summary: ReviewSummary[] = []
  for (const row of saved.rows) {
    if (row.commitment === null || !row.forecast?.length) continue
    let judged = 0, met = 0, pending = 0
    const reasons: string[] = []
    let excludedWeeks = 0
    for (const start of row.forecast) {
      const a = Date.parse(start)
      const w = byStart.get(a)
      const b = w?.end ? Date.parse(w.end) : a + WEEK
      const m = (row.scope === 'overall' ? w?.overall : w?.byChannel?.[row.scope]) as Record<string, unknown> | undefined
      const v = m?.[row.kpi]
      const usable = typeof v === 'number' && Number.isFinite(v) && !(KINDS_NOT_COUNTS.test(row.kpi) && !((m?.sessions as number) > 0))
      const actual = usable ? (v as number) : KINDS_NOT_COUNTS.test(row.kpi) || !w ? null : 0
      const inWeek = annotations.filter((n) => overlaps(a, b, Date.parse(n.date), Date.parse(n.until ?? n.date) + DAY))
      const gap = [...gaps, ...excluded].some((g) => overlaps(a, b, Date.parse(g.from), g.to === undefined ? Date.parse(g.from) + DAY : Date.parse(g.to)))
      const flags: ReviewFlag[] = []
      if (gap) flags.push('gap')
      if (inWeek.length) flags.push('annotated')
      if (b > now) flags.push('in-progress')
      const verdict = b > now || gap || actual === null ? null : actual >= row.commitment
      if (b > now) pending++
      else if (gap) {
        excludedWeeks++
        for (const n of inWeek) if (n.kind === 'exclude' && n.note && !reasons.includes(n.note)) reasons.push(n.note)
      } else if (verdict !== null) {
        judged++
        if (verdict) met++
      }
      review.push({ kpi: row.kpi, scope: row.scope, start, floor: row.commitment, actual, met: verdict, flags })
    }
    const parts = [`met ${met} of ${judged} judged week${judged === 1 ? '' : 's'}`]
    if (excludedWeeks) parts.push(`${excludedWeeks} excluded${reasons.length ? `: ${reasons.join('; ')}` : ''}`)
    if (pending) parts.push(`${pending} pending`)
    summary.push({ kpi: row.kpi, scope: row.scope, judged, met, excluded: excludedWeeks, pending, text: parts.join('; ') })
  }
  return { reviewedAt: new Date(now).toISOString(), inForce: [...annotations], review, summary }
}

/** What a review needs from a KPI store (the collector's, or the CLI's own). */
export interface ReviewSource {
  /** The weekly series (people only) from `from` to `to`, as of `now`. */
  series(from: number, to: number, now: number): Promise<SeriesPoint[] | null | undefined>
  /** Commitments at `now` with the site's annotations: their `gaps` are the stretches found missing. */
  commitments(options: CommitmentOptions): Promise<Commitment[] | { error: string }>
}

/** The review of `saved` at `now`, from a store; never throws for the store's "no data" answers. */
export const reviewFrom = async (saved: SavedCommitment, source: ReviewSource, annotations: readonly Annotation[], now: number): Promise<Review> => {
  const starts = saved.rows.flatMap((r) => r.forecast ?? []).map(Date.parse).filter(Number.isFinite)
  if (!starts.length) return reviewOf(saved, [], [], annotations, now)
  const from = Math.min(...starts), to = Math.max(...starts) + WEEK
  const weeks = (await source.series(from, to, now)) ?? []
  const found = await source.commitments({ now, kpis: ['sessions'], scopes: ['overall'], ...commitmentInputs(annotations) })
  const gaps = Array.isArray(found) ? (found[0]?.gaps ?? []) : []
  return reviewOf(saved, weeks, gaps, annotations, now)
}
