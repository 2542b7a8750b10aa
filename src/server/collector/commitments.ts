/**
 * Commitments as a person reads them: a terminal table, markdown for a contract appendix, CSV
 * for a spreadsheet (cells that a spreadsheet would run as formulas neutralised), or JSON.
 */
import type { Commitment, OwnershipClass } from '../../kpi/commitments'

export type CommitmentFormat = 'table' | 'md' | 'csv' | 'json'

export const LABELS: Record<string, string> = {
  sessions: 'Sessions',
  users: 'Users',
  engagedSessions: 'Engaged sessions',
  engagementRate: 'Engagement rate',
  avgEngagedMs: 'Avg engaged time',
  addToCartRate: 'Add-to-cart rate',
  inquiryRate: 'Inquiry rate',
  chatOpenRate: 'Chat-open rate',
  purchases: 'Purchases',
  revenue: 'Revenue',
}

const GROUPS: Record<OwnershipClass, string> = {
  owned: 'Owned by marketing',
  shared: 'Shared with the team (site, offer, sales)',
  outside: 'Context only (not a marketing commitment)',
}

/** A KPI's value in its unit: rates as %, engaged time in seconds, counts whole. */
export const formatValue = (kpi: string, v: number | null | undefined): string => {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—'
  if (kpi.endsWith('Rate')) return `${(v * 100).toFixed(1)} %`
  if (kpi === 'avgEngagedMs') return `${(v / 1000).toFixed(1)} s`
  return Math.round(v).toLocaleString('en-US')
}

const pct = (v: number) => `${(v * 100).toFixed(1)} %`

/** "90.6 % of 44 wk (≥ 82.1 %)": the hit rate, the weeks behind it, and its lower 95 % bound. */
export const formatHitRate = (c: Pick<Commitment, 'hitRate' | 'hitRateLow' | 'weeks'>): string =>
  c.hitRate === null ? '—' : `${pct(c.hitRate)} of ${c.weeks} wk` + (typeof c.hitRateLow === 'number' ? ` (≥ ${pct(c.hitRateLow)})` : '')

/** Stretches of missing data as dates, `to` exclusive: "2026-10-05 to 2026-11-09". */
export const formatGaps = (c: Pick<Commitment, 'gaps'>, sep = ', '): string =>
  (c.gaps ?? []).map((g) => `${g.from.slice(0, 10)} to ${g.to.slice(0, 10)}`).join(sep) || '—'

const row = (c: Commitment) => [
  LABELS[c.kpi] ?? c.kpi,
  c.scope === 'overall' ? 'All channels' : c.scope,
  c.status,
  formatValue(c.kpi, c.baseline[0]),
  formatValue(c.kpi, c.commitment),
  formatHitRate(c),
  c.changePoints.map((d) => d.slice(0, 10)).join(', ') || '—',
  formatGaps(c),
]
const HEAD = ['KPI', 'Scope', 'Status', 'Baseline (next week)', 'Commitment (each week, at least)', 'Held when backtested (95 % low)', 'Level shifts', 'Missing data']

/** Control characters out, one line: a visitor's campaign name cannot break the layout. */
export const oneLine = (s: string) => s.replace(/[\u0000-\u001f\u007f]+/g, ' ')

const groups = (list: readonly Commitment[]) =>
  (['owned', 'shared', 'outside'] as const).map((cls) => [cls, list.filter((c) => c.class === cls)] as const).filter(([, l]) => l.length)

const table = (list: readonly Commitment[]) => {
  const out: string[] = []
  for (const [cls, items] of groups(list)) {
    const rows = items.map((c) => row(c).map(oneLine))
    const widths = HEAD.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
    out.push(GROUPS[cls], HEAD.map((h, i) => h.padEnd(widths[i])).join('  '))
    for (const r of rows) out.push(r.map((v, i) => v.padEnd(widths[i])).join('  '))
    out.push('')
  }
  if (list.some((c) => c.gaps?.length)) out.push('Missing data: weeks without events because tracking or collection stopped, left out of baselines and backtests ("to" not included).', '')
  out.push('Notes')
  list.forEach((c, i) => out.push(`${i + 1}. ${LABELS[c.kpi] ?? c.kpi}, ${oneLine(c.scope)}: ${oneLine(c.note)}`))
  return out.join('\n')
}

/** Markdown text: pipes, backslashes and HTML characters escaped, so a cell stays a cell and text stays text. */
export const md = (s: string) => oneLine(s).replace(/[\\|`*_[\]<>&]/g, (ch) => (ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : ch === '&' ? '&amp;' : '\\' + ch))

const markdown = (list: readonly Commitment[]) => {
  const out: string[] = []
  let n = 0
  const notes: string[] = []
  for (const [cls, items] of groups(list)) {
    out.push(`### ${GROUPS[cls]}`, '', `| ${HEAD.join(' | ')} | Note |`, `|${HEAD.map(() => '---').join('|')}|---|`)
    for (const c of items) {
      n++
      notes.push(`${n}. ${md(c.note)}`)
      out.push(`| ${row(c).map(md).join(' | ')} | [${n}] |`)
    }
    out.push('')
  }
  return [...out, '**Notes**', '', ...notes].join('\n')
}

/** A CSV cell: quoted when needed; one a spreadsheet would run as a formula starts with `'`. */
export const csvCell = (v: string): string => {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

const csv = (list: readonly Commitment[]) => {
  const head = ['class', 'kpi', 'scope', 'status', 'baseline_next_week', 'commitment', 'hit_rate', 'hit_rate_low', 'backtested_weeks', 'change_points', 'gaps', 'note']
  // gaps: ISO 8601 intervals (start/end, end exclusive), space-separated.
  const rows = list.map((c) => [
    c.class, c.kpi, c.scope, c.status, c.baseline[0] ?? '', c.commitment ?? '', c.hitRate ?? '', c.hitRateLow ?? '', c.weeks, c.changePoints.join(' '),
    (c.gaps ?? []).map((g) => `${g.from}/${g.to}`).join(' '), c.note,
  ].map((v) => csvCell(String(v))).join(','))
  return [head.join(','), ...rows].join('\r\n')
}

export const formatCommitments = (list: readonly Commitment[], format: CommitmentFormat): string =>
  format === 'json' ? JSON.stringify(list, null, 2) : format === 'md' ? markdown(list) : format === 'csv' ? csv(list) : table(list)
