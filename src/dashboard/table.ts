/**
 * Tables: every chart's numbers, the commitment report, campaigns and the latest events. A table
 * is built as plain cells first (what CSV and markdown export), then shown; every cell is text.
 */
import { h } from './dom'
import type { Commitment, OwnershipClass, StoredEvent } from './data'
import type { Cell, Table } from './export'
import { formatValue, kpiDef, plainValue, KPIS, type Kind } from './kpis'
import { scopeLabel, type Week } from './weeks'
import type { KpiReport } from '../kpi/index'

/** How a column shows its cells on screen; exports get the plain cell. */
export type Show = Kind | 'text' | 'percent'

export interface ShownTable extends Table {
  show: Show[]
}

const shown = (show: Show, v: Cell): string => {
  if (typeof v !== 'number') return v || '—'
  if (show === 'percent') return formatValue('rate', v)
  return show === 'text' ? String(v) : formatValue(show, v)
}

export interface TableOptions {
  attrs?: Record<string, string>
  /** How cell j of row i shows, when it differs by row. */
  showOf?: (i: number, j: number) => Show
  rowAttrs?: (i: number) => Record<string, string>
}

/** The table on screen, in a box that scrolls sideways on a phone. The first column heads its row. */
export const tableEl = (t: ShownTable, { attrs = {}, showOf = (_i, j) => t.show[j], rowAttrs = () => ({}) }: TableOptions = {}): HTMLElement =>
  h('div', { class: 'table-wrap', tabindex: '0', ...attrs },
    h('table', {},
      h('thead', {}, h('tr', {}, t.columns.map((c, j) => h('th', { scope: 'col', class: t.show[j] === 'text' ? 'text' : '' }, c)))),
      h('tbody', {}, t.rows.map((r, i) =>
        h('tr', rowAttrs(i), r.map((v, j) =>
          // data-label: the column's name beside each value where a phone shows rows as cards.
          h(j ? 'td' : 'th', { ...(j ? {} : { scope: 'row' }), class: t.show[j] === 'text' ? 'text' : '', 'data-label': t.columns[j] }, shown(showOf(i, j), v))))))))

const week = (iso: string) => iso.slice(0, 10)

/** A chart's numbers: one row per week, forecast weeks included. */
export const weeksTable = (kind: Kind, weeks: Week[], scope: string, channels: string[]): ShownTable => {
  const perChannel = scope === 'overall' ? channels : []
  return {
    columns: ['Week of', scopeLabel(scope), 'Baseline', 'Low', 'High', 'Commitment', ...perChannel, 'Note'],
    show: ['text', kind, kind, kind, kind, kind, ...perChannel.map(() => kind), 'text'],
    rows: weeks.map((w) => [
      week(w.start),
      plainValue(kind, w.value),
      plainValue(kind, w.baseline),
      plainValue(kind, w.low),
      plainValue(kind, w.high),
      plainValue(kind, w.commitment),
      ...perChannel.map((c) => plainValue(kind, w.complete ? w.byChannel[c] : null)),
      [w.gap ? 'no data' : '', w.changePoint ? 'level shift' : '', w.baseline !== null ? 'forecast' : '', !w.complete && w.value !== null ? 'in progress' : '']
        .filter(Boolean).join(', '),
    ]),
  }
}

export const CLASSES: [OwnershipClass, string, string][] = [
  ['owned', 'Owned', 'Marketing controls these: commit to them.'],
  ['shared', 'Shared', 'Marketing and the site move these together: commit with the site team.'],
  ['outside', 'Outside', 'Context only: sales closure is not a marketing commitment.'],
]

const STATUS: Record<string, string> = { insufficient: 'not enough weeks', provisional: 'provisional', full: 'full year', stale: 'stale: data missing' }

/** Stretches of missing data as dates, `to` not included: "2026-10-05 to 2026-11-09". */
export const gapsText = (c: Commitment): string => (c.gaps ?? []).map((g) => `${week(g.from)} to ${week(g.to)}`).join(', ')
const order = (c: Commitment) => {
  const k = KPIS.findIndex((d) => d.key === c.kpi)
  return (k < 0 ? KPIS.length : k) * 1000 + (c.scope === 'overall' ? 0 : 1)
}

export const sortCommitments = (rows: Commitment[]) => [...rows].sort((a, b) => order(a) - order(b) || a.scope.localeCompare(b.scope))

/** Which of the commitment report's descriptive columns a table carries. */
export interface CommitmentColumns {
  scope?: boolean
  class?: boolean
  /** How it was computed: a paragraph; exports carry it, the screen shows it beside each chart. */
  how?: boolean
}

/** The commitment report as a table, value columns in the KPI's own unit on screen. */
export const commitmentTable = (rows: Commitment[], cols: CommitmentColumns): ShownTable => {
  const pick = <T>(on: boolean | undefined, ...v: T[]): T[] => (on ? v : [])
  return {
    columns: ['KPI', ...pick(cols.scope, 'Scope'), ...pick(cols.class, 'Class'), 'Status', 'Commit to (at least)', 'Hit rate', 'Hit rate, 95 % low', 'Weeks tested', 'Baseline next week', 'Low', 'High', 'Change points', 'Missing data', ...pick(cols.how, 'How')],
    show: ['text', ...pick<Show>(cols.scope, 'text'), ...pick<Show>(cols.class, 'text'), 'text', 'count', 'percent', 'percent', 'count', 'count', 'count', 'count', 'text', 'text', ...pick<Show>(cols.how, 'text')],
    rows: sortCommitments(rows).map((c) => {
      const kind = kpiDef(c.kpi).kind
      return [
        kpiDef(c.kpi).label,
        ...pick(cols.scope, scopeLabel(c.scope)),
        ...pick(cols.class, c.class),
        STATUS[c.status] ?? c.status,
        plainValue(kind, c.commitment),
        c.hitRate === null ? null : Math.round(c.hitRate * 1000) / 1000,
        typeof c.hitRateLow === 'number' ? Math.round(c.hitRateLow * 1000) / 1000 : null,
        c.weeks,
        plainValue(kind, c.baseline[0]),
        plainValue(kind, c.low[0]),
        plainValue(kind, c.high[0]),
        c.changePoints.map(week).join(' '),
        gapsText(c),
        ...pick(cols.how, c.note),
      ]
    }),
  }
}

/** On screen: one scope, so no scope column; rates next to counts, each in its unit. */
export const commitmentEl = (rows: Commitment[]): HTMLElement => {
  const sorted = sortCommitments(rows)
  const t = commitmentTable(sorted, {})
  const valueColumns = new Set(['Commit to (at least)', 'Baseline next week', 'Low', 'High'])
  return tableEl(t, {
    attrs: { class: 'table-wrap commitments' },
    showOf: (i, j) => (valueColumns.has(t.columns[j]) ? kpiDef(sorted[i].kpi).kind : t.show[j]),
    rowAttrs: (i) => ({ 'data-kpi': sorted[i].kpi, 'data-scope': sorted[i].scope, 'data-status': sorted[i].status }),
  })
}

/** Campaigns of the range, most sessions first. Campaign names come from visitors' URLs. */
export const campaignTable = (report: KpiReport): ShownTable => ({
  columns: ['Campaign', 'Sessions', 'Users', 'Engagement rate', 'Add-to-cart rate', 'Inquiry rate', 'Chat-open rate', 'Avg engaged time'],
  show: ['text', 'count', 'count', 'rate', 'rate', 'rate', 'rate', 'ms'],
  rows: Object.entries(report.byCampaign ?? {})
    .sort(([, a], [, b]) => b.sessions - a.sessions)
    .map(([name, m]) => [name, m.sessions, m.users, plainValue('rate', m.engagementRate), plainValue('rate', m.addToCartRate), plainValue('rate', m.inquiryRate), plainValue('rate', m.chatOpenRate), plainValue('ms', m.avgEngagedMs)]),
})

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v))

/** The latest stored events: names, campaigns, referrers and titles exactly as they arrived, as text. */
export const eventsTable = (events: StoredEvent[]): ShownTable => ({
  columns: ['Received', 'Event', 'Source / medium / campaign', 'Referrer', 'Page title', 'Path'],
  show: ['text', 'text', 'text', 'text', 'text', 'text'],
  rows: [...events].reverse().map((e) => {
    const c = e.context?.campaign ?? {}
    const page = e.context?.page ?? {}
    const at = Date.parse(str(e.receivedAt) || str(e.timestamp))
    return [
      Number.isFinite(at) ? new Date(at).toLocaleString() : '',
      e.type === 'track' ? str(e.event) : e.type === 'page' ? 'page_view' : str(e.type),
      [c.source, c.medium, c.name].some((x) => x) ? [c.source, c.medium, c.name].map((x) => str(x) || '—').join(' / ') : '',
      str(page.referrer ?? e.properties?.referrer),
      str(page.title ?? e.properties?.title),
      str(page.path ?? e.properties?.path),
    ]
  }),
})
