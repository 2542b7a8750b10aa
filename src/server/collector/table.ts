/** The KPI report as a plain-text table for the terminal. */
import type { KpiReport, Metrics } from '../../kpi/index'

const COLUMNS: [string, (m: Metrics) => string][] = [
  ['sessions', (m) => String(m.sessions)],
  ['users', (m) => String(m.users)],
  ['page views', (m) => String(m.pageViews)],
  ['engaged', (m) => String(m.engagedSessions)],
  ['engagement', (m) => pct(m.engagementRate)],
  ['add to cart', (m) => pct(m.addToCartRate)],
  ['inquiry', (m) => pct(m.inquiryRate)],
  ['chat open', (m) => pct(m.chatOpenRate)],
  ['avg engaged', (m) => `${(m.avgEngagedMs / 1000).toFixed(1)} s`],
]

const pct = (r: number) => `${(r * 100).toFixed(1)} %`

/** Overall, then one block per channel and per campaign, columns aligned. */
export const formatKpiTable = (report: KpiReport): string => {
  const rows: string[][] = [['', ...COLUMNS.map(([h]) => h)]]
  const section = (title: string, groups: Record<string, Metrics>) => {
    rows.push([title])
    for (const [name, m] of Object.entries(groups).sort((a, b) => b[1].sessions - a[1].sessions || a[0].localeCompare(b[0]))) {
      rows.push(['  ' + name, ...COLUMNS.map(([, f]) => f(m))])
    }
  }
  rows.push(['Overall', ...COLUMNS.map(([, f]) => f(report.overall))])
  section('By channel', report.byChannel)
  section('By campaign', report.byCampaign)
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  // What was not counted as people, when anything was (a report from before classes has no `filtered`).
  const left = Object.entries(report.filtered ?? {}).filter(([, n]) => n > 0)
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  const note = left.length ? `\nLeft out (not people): ${left.map(([k, n]) => `${k} ${plural(n, 'session')}, ${plural(report.filteredEvents?.[k] ?? 0, 'event')}`).join('; ')}` : ''
  return (
    rows
      .map((r) => (r.length === 1 ? r[0] : r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')))
      .join('\n') + note
  )
}
