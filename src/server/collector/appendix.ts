/**
 * A saved commitment as the appendix of a contract: the site and its data span; per KPI and scope
 * the class in plain words, the weekly floor, its confidence, the hit rate on the site's own
 * history with its lower bound, the method; the annotations in force; and the review of the weeks
 * that have passed. Markdown to attach, CSV for a spreadsheet, a terminal table, or JSON. Every
 * text a person typed (names, notes) stays text: escaped for markdown, neutralised for CSV.
 */
import { CLASS_WORDS } from '../../kpi/commitments'
import type { Annotation } from './annotations'
import { csvCell, formatHitRate, formatValue, LABELS, md, oneLine, type CommitmentFormat } from './commitments'
import type { Review, ReviewWeek, SavedCommitment } from './saved'

export type Reviewed = SavedCommitment & Partial<Review>


const METHOD =
  'Each floor comes from the site\'s own weekly history before the date of the commitment, people only (crawlers, ' +
  'automation and referrer spam left out). Weeks where collection stopped, and periods annotated as not the site\'s ' +
  'truth, are left out; a known level shift starts a new baseline. Of three forecasts (a robust level, a robust line, ' +
  'a yearly season) the one whose past forecasts erred least gives the baseline; the floor is the baseline times a ' +
  'low quantile of past ratios of actual to forecast (split conformal prediction): if the coming weeks behave like ' +
  'the past ones, each reaches the floor with at least the stated confidence. The hit rate says how often that rule ' +
  'held when replayed week by week on this history, each floor from the weeks before it only.'

const day = (iso: string | undefined) => (iso ? iso.slice(0, 10) : '—')
const label = (kpi: string) => LABELS[kpi] ?? kpi
const scopeName = (s: string) => (s === 'overall' ? 'All channels' : s)
const result = (w: ReviewWeek) => (w.flags.includes('in-progress') ? 'pending' : w.flags.includes('gap') ? 'excluded' : w.met === null ? '—' : w.met ? 'met' : 'missed')

/** The first week of data behind the commitment, and the day it was given. */
export const spanOf = (s: SavedCommitment) => {
  const starts = s.rows.flatMap((r) => (r.history ?? []).map((h) => h.start)).sort()
  return { from: starts[0], to: s.asOf }
}

const floorRows = (s: Reviewed) =>
  s.rows.map((r) => [
    label(r.kpi), scopeName(r.scope), CLASS_WORDS[r.class] ?? r.class, formatValue(r.kpi, r.commitment),
    r.commitment === null ? '—' : `${Math.round(s.confidence * 100)} %`, formatHitRate(r), r.status,
  ])
const FLOOR_HEAD = ['KPI', 'Scope', 'Class', 'Floor (each week, at least)', 'Confidence', 'Held when backtested (95 % low)', 'Status']
const reviewRows = (s: Reviewed) =>
  (s.review ?? []).map((w) => [day(w.start), label(w.kpi), scopeName(w.scope), formatValue(w.kpi, w.floor), formatValue(w.kpi, w.actual), result(w), w.flags.join(', ') || '—'])
const REVIEW_HEAD = ['Week of', 'KPI', 'Scope', 'Floor', 'Actual', 'Result', 'Flags']
const annotationRows = (list: readonly Annotation[]) => list.map((a) => [day(a.date), a.until ? day(a.until) : '—', a.kind, a.note])
const ANNOTATION_HEAD = ['From', 'Until', 'Kind', 'Note']

const mdTable = (head: string[], rows: string[][]) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(md).join(' | ')} |`)]

const markdown = (s: Reviewed) => {
  const span = spanOf(s)
  const notes = s.inForce ?? s.annotations
  const out = [
    `# Commitment: ${md(s.name)}`,
    '',
    `- **Site:** ${md(s.site ?? '(the only site)')}`,
    `- **Data:** weekly, from ${day(span.from)} to ${day(span.to)} (time zone ${md(s.tz)})`,
    `- **Given on:** ${day(s.asOf)}, from the data before that day only; saved ${md(s.createdAt)}`,
    `- **Confidence:** ${Math.round(s.confidence * 100)} % per week, for the ${s.horizon} weeks from ${day(s.rows[0]?.forecast?.[0])}`,
    '',
    '## Floors',
    '',
    ...mdTable(FLOOR_HEAD, floorRows(s)),
    '',
    '## Method',
    '',
    METHOD,
    '',
    ...s.rows.map((r, i) => `${i + 1}. ${md(label(r.kpi))}, ${md(scopeName(r.scope))}: ${md(r.note)}`),
    '',
    '## Annotations in force',
    '',
    ...(notes.length ? mdTable(ANNOTATION_HEAD, annotationRows(notes)) : ['None.']),
    '',
  ]
  if (s.review) {
    out.push('## Review', '', `As of ${md(s.reviewedAt ?? '')}. A week is *excluded* when data is missing or annotated as not the site's truth, *pending* until it has ended.`, '')
    out.push(...(s.review.length ? mdTable(REVIEW_HEAD, reviewRows(s)) : ['No committed weeks: no floor was given.']), '')
    for (const x of s.summary ?? []) out.push(`- ${md(label(x.kpi))}, ${md(scopeName(x.scope))}: ${md(x.text)}`)
  }
  return out.join('\n')
}

const plain = (head: string[], rows: string[][]) => {
  const clean = rows.map((r) => r.map(oneLine))
  const widths = head.map((h, i) => Math.max(h.length, ...clean.map((r) => r[i].length)))
  return [head, ...clean].map((r) => r.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd())
}

const table = (s: Reviewed) => {
  const span = spanOf(s)
  const notes = s.inForce ?? s.annotations
  return [
    `${oneLine(s.name)} (${s.id}) · site ${oneLine(s.site ?? '—')} · data ${day(span.from)} to ${day(span.to)} · given ${day(s.asOf)}`,
    '',
    ...plain(FLOOR_HEAD, floorRows(s)),
    '',
    ...(notes.length ? plain(ANNOTATION_HEAD, annotationRows(notes)) : ['No annotations.']),
    '',
    ...(s.review ? [...plain(REVIEW_HEAD, reviewRows(s)), '', ...(s.summary ?? []).map((x) => `${label(x.kpi)}, ${oneLine(scopeName(x.scope))}: ${oneLine(x.text)}`)] : []),
  ].join('\n')
}

const csv = (s: Reviewed) => {
  const head = ['name', 'site', 'as_of', 'kpi', 'scope', 'class', 'confidence', 'floor', 'hit_rate', 'hit_rate_low', 'week', 'actual', 'result', 'flags', 'annotations']
  const notes = s.inForce ?? s.annotations
  const rows = (s.review ?? []).map((w) => {
    const r = s.rows.find((x) => x.kpi === w.kpi && x.scope === w.scope)
    const end = Date.parse(w.start) + 7 * 86_400_000
    const inWeek = notes.filter((a) => Date.parse(a.date) < end && Date.parse(a.until ?? a.date) + 86_400_000 > Date.parse(w.start))
    return [s.name, s.site ?? '', s.asOf, w.kpi, w.scope, r?.class ?? '', s.confidence, w.floor ?? '', r?.hitRate ?? '', r?.hitRateLow ?? '', w.start, w.actual ?? '', result(w), w.flags.join(' '),
      inWeek.map((a) => `${a.kind}: ${a.note}`).join(' | ')]
      .map((v) => csvCell(String(v))).join(',')
  })
  return [head.join(','), ...rows].join('\r\n')
}

/** A saved commitment (with its review, when made) in a format. */
export const formatSaved = (s: Reviewed, format: CommitmentFormat): string =>
  format === 'json' ? JSON.stringify(s, null, 2) : format === 'md' ? markdown(s) : format === 'csv' ? csv(s) : table(s)
