/** The KPIs the dashboard draws, in the order of the commitment report, and how each reads. */
import type { Metrics } from '../kpi/index'

export type Kind = 'count' | 'rate' | 'ms'

export interface KpiDef {
  key: keyof Metrics
  label: string
  kind: Kind
}

export const KPIS: KpiDef[] = [
  { key: 'sessions', label: 'Sessions', kind: 'count' },
  { key: 'users', label: 'Users', kind: 'count' },
  { key: 'engagedSessions', label: 'Engaged sessions', kind: 'count' },
  { key: 'engagementRate', label: 'Engagement rate', kind: 'rate' },
  { key: 'avgEngagedMs', label: 'Avg engaged time', kind: 'ms' },
  { key: 'addToCartRate', label: 'Add-to-cart rate', kind: 'rate' },
  { key: 'inquiryRate', label: 'Inquiry rate', kind: 'rate' },
  { key: 'chatOpenRate', label: 'Chat-open rate', kind: 'rate' },
]

const byKey = new Map<string, KpiDef>(KPIS.map((k) => [k.key, k]))

/** Unknown KPIs (a site's own, or `outside` ones such as revenue) read as plain numbers under their own name. */
export const kpiDef = (key: string): KpiDef => byKey.get(key) ?? { key: key as keyof Metrics, label: key, kind: 'count' }

const counts = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

/** A value as people read it: 1,234 · 12.5% · 8.2 s; a dash for nothing. */
export const formatValue = (kind: Kind, v: number | null | undefined): string => {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—'
  if (kind === 'rate') return `${(v * 100).toFixed(v < 0.1 ? 2 : 1)}%`
  if (kind === 'ms') return `${(v / 1000).toFixed(1)} s`
  return counts.format(v)
}

/** A value for CSV and markdown: rates as fractions with 4 digits, the rest rounded to 0.1. */
export const plainValue = (kind: Kind, v: number | null | undefined): number | null =>
  v === null || v === undefined || !Number.isFinite(v) ? null : kind === 'rate' ? Math.round(v * 1e4) / 1e4 : Math.round(v * 10) / 10

/** Counts are 0 in a week without sessions (or without the channel); rates and averages have no value then. */
export const metricOf = (kind: Kind, m: Metrics | undefined, key: keyof Metrics): number | null =>
  kind === 'count' ? (m?.[key] ?? 0) : m?.sessions ? m[key] : null
