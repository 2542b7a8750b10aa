/**
 * Annotations: what a site's people know about its history that the events cannot say. `change`
 * (a known level shift: a change point from that date), `exclude` (a stretch that is not the
 * site's truth: an outage, a bot attack, test traffic — a gap), `note` (drawn, changes nothing).
 *
 * Kept in the data directory as `annotations.ndjson`, append-only: `{"op":"add",…}` and
 * `{"op":"delete","id"}` lines; the current set is their fold. Like the day files it is the truth
 * the KPI store is derived from, so rebuilding the store loses nothing; an edit never rewrites a
 * line, so a crash mid-write loses at most that edit (a torn last line is skipped).
 */
import { randomBytes } from 'node:crypto'
import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Period } from '../../kpi/gaps'
import { isValidWriteKey } from './validate'

export type AnnotationKind = 'change' | 'exclude' | 'note'

export interface Annotation {
  id: string
  site: string
  /** First day (YYYY-MM-DD). */
  date: string
  /** Last day, included (YYYY-MM-DD); absent: the one day. */
  until?: string
  kind: AnnotationKind
  note: string
  createdAt?: string
}

export const ANNOTATION_KINDS: readonly AnnotationKind[] = ['change', 'exclude', 'note']
export const MAX_NOTE = 2000
const FILE = 'annotations.ndjson'
const DAY = 86_400_000
const DATE = /^\d{4}-\d{2}-\d{2}$/

/** A calendar date that exists (2026-02-30 does not). */
const isDate = (v: unknown): v is string => {
  if (typeof v !== 'string' || !DATE.test(v)) return false
  const t = Date.parse(v + 'T00:00:00Z')
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === v
}

/**
 * An annotation from what a client sent, checked: `{ annotation }`, or `{ error }` saying what is
 * wrong. `site` is the site the request is about (the body's `site`, when present, must be it).
 */
export const checkAnnotation = (input: unknown, site: string | undefined, now = Date.now()): { annotation: Omit<Annotation, 'id'> } | { error: string } => {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return { error: 'send an annotation as a JSON object: { date, until?, kind, note }' }
  const a = input as Record<string, unknown>
  const named = a.site ?? site
  if (!isValidWriteKey(named)) return { error: 'name the site (site=…): letters, digits, ".", "_" or "-"' }
  if (site !== undefined && named !== site) return { error: 'the body names another site than the request' }
  if (!isDate(a.date)) return { error: 'date must be a day as YYYY-MM-DD' }
  if (a.until !== undefined && a.until !== null && !isDate(a.until)) return { error: 'until must be a day as YYYY-MM-DD (or left out)' }
  const until = typeof a.until === 'string' ? a.until : undefined
  if (until !== undefined && until < a.date) return { error: 'until must be on or after date' }
  // A year ahead at most: a planned relaunch may be noted, a typo of the year may not.
  if (Date.parse(a.date) > now + 366 * DAY || Date.parse(a.date) < Date.parse('2000-01-01')) return { error: 'date must lie between 2000-01-01 and a year from now' }
  if (typeof a.kind !== 'string' || !ANNOTATION_KINDS.includes(a.kind as AnnotationKind)) return { error: 'kind must be change, exclude or note' }
  if (typeof a.note !== 'string') return { error: 'note must be text' }
  if (a.note.length > MAX_NOTE) return { error: `note must be at most ${MAX_NOTE} characters (this one has ${a.note.length})` }
  if (until !== undefined && a.kind === 'change') return { error: 'a change has a date, not a stretch: leave out until' }
  return { annotation: { site: named, date: a.date, ...(until !== undefined ? { until } : {}), kind: a.kind as AnnotationKind, note: a.note } }
}

/** The annotations of a data directory: read (the fold of the file), add, delete. */
export const annotationsIn = (dir: string) => {
  const path = join(dir, FILE)
  const append = (line: object) => {
    mkdirSync(dir, { recursive: true })
    const fd = openSync(path, 'a')
    try {
      appendFileSync(fd, JSON.stringify(line) + '\n')
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  }
  const list = (site?: string): Annotation[] => {
    let text = ''
    try {
      text = readFileSync(path, 'utf8')
    } catch {
      return []
    }
    const set = new Map<string, Annotation>()
    for (const line of text.split('\n')) {
      let op: { op?: unknown; id?: unknown } & Partial<Annotation>
      try {
        op = JSON.parse(line)
      } catch {
        continue // a torn last line, or an empty one
      }
      if (!op || typeof op.id !== 'string') continue
      if (op.op === 'delete') set.delete(op.id)
      else if (op.op === 'add' && typeof op.site === 'string' && isDate(op.date) && ANNOTATION_KINDS.includes(op.kind!)) {
        const { op: _, ...a } = op
        set.set(op.id, a as Annotation)
      }
    }
    const all = [...set.values()].sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id))
    return site === undefined ? all : all.filter((a) => a.site === site)
  }
  return {
    list,
    get: (id: string) => list().find((a) => a.id === id),
    add(a: Omit<Annotation, 'id'>, now = Date.now()): Annotation {
      const made: Annotation = { id: 'a_' + randomBytes(6).toString('hex'), ...a, createdAt: new Date(now).toISOString() }
      append({ op: 'add', ...made })
      return made
    },
    /** False when no such annotation is in force. */
    remove(id: string, now = Date.now()): boolean {
      if (!list().some((a) => a.id === id)) return false
      append({ op: 'delete', id, at: new Date(now).toISOString() })
      return true
    },
  }
}

/** What computeCommitments takes from a site's annotations: `exclude` periods (end exclusive) and `change` dates. */
export const commitmentInputs = (list: readonly Annotation[]): { exclude: Period[]; changes: string[] } => ({
  exclude: list
    .filter((a) => a.kind === 'exclude')
    .map((a) => ({ from: `${a.date}T00:00:00.000Z`, to: new Date(Date.parse(a.until ?? a.date) + DAY).toISOString() })),
  changes: list.filter((a) => a.kind === 'change').map((a) => `${a.date}T00:00:00.000Z`),
})
