/**
 * The rows behind one KPI's chart and its table: the weeks of the range, then the forecast weeks
 * of the commitment, as one timeline. Charts and tables are two views of these rows.
 */
import type { Commitment, SeriesPoint } from './data'
import { metricOf, type KpiDef } from './kpis'

export interface Week {
  /** Week start, epoch seconds (uPlot's x). */
  t: number
  start: string
  /** The week is over: its numbers are final. */
  complete: boolean
  value: number | null
  byChannel: Record<string, number | null>
  baseline: number | null
  low: number | null
  high: number | null
  commitment: number | null
  changePoint: boolean
  /** Events are missing this week (tracking or collection stopped): no value, drawn as a gap. */
  gap: boolean
}

const WEEK = 7 * 86_400

export const scopeLabel = (scope: string) => (scope === 'overall' ? 'All traffic' : scope)

/** `channels` get their own column when the scope is all traffic. */
/** Whether the week starting at `t` (epoch ms) lies in one of the commitment's gaps (`to` exclusive). */
export const inGap = (c: Commitment | undefined, t: number): boolean =>
  !!c?.gaps?.some((g) => Date.parse(g.from) <= t && t < Date.parse(g.to)) || !!c?.history.some((h) => h.gap && Date.parse(h.start) === t)

export const weeksOf = (kpi: KpiDef, points: SeriesPoint[], scope: string, channels: string[], c: Commitment | undefined, now: number): Week[] => {
  const changes = new Set((c?.changePoints ?? []).map((s) => Math.floor(Date.parse(s) / 1000)))
  const out: Week[] = points.map((p) => {
    const t = Math.floor(Date.parse(p.start) / 1000)
    const metrics = scope === 'overall' ? p.overall : p.byChannel[scope]
    // A week of missing data has no value (null, never 0): the line stops rather than falls.
    const gap = inGap(c, Date.parse(p.start))
    return {
      t,
      start: p.start,
      complete: Date.parse(p.end) <= now,
      value: gap ? null : metricOf(kpi.kind, metrics, kpi.key),
      byChannel: Object.fromEntries(scope === 'overall' ? channels.map((ch) => [ch, gap ? null : metricOf(kpi.kind, p.byChannel[ch], kpi.key)]) : []),
      baseline: null, low: null, high: null, commitment: null,
      changePoint: changes.has(t),
      gap,
    }
  })
  // The forecast only belongs on a chart whose range reaches the present.
  const last = points.at(-1)
  if (!c || !c.baseline.length || !last || Date.parse(last.end) < now - WEEK * 1000) return out
  const firstIncomplete = out.find((w) => !w.complete)?.t ?? (out.at(-1)?.t ?? 0) + WEEK
  const starts = c.forecast?.length ? c.forecast.map((s) => Math.floor(Date.parse(s) / 1000)) : c.baseline.map((_, i) => firstIncomplete + i * WEEK)
  starts.forEach((t, i) => {
    // Weeks of different length (DST) are a few hours apart: match to the nearest day.
    let w = out.find((x) => Math.abs(x.t - t) < 43_200)
    if (!w) {
      w = { t, start: c.forecast?.[i] ?? new Date(t * 1000).toISOString(), complete: false, value: null, byChannel: {}, baseline: null, low: null, high: null, commitment: null, changePoint: false, gap: false }
      out.push(w)
    }
    w.baseline = c.baseline[i] ?? null
    w.low = c.low[i] ?? null
    w.high = c.high[i] ?? null
    w.commitment = c.commitment
  })
  return out.sort((a, b) => a.t - b.t)
}
