/**
 * Rolling-origin judgement of weekly floors on the real series of this folder, as footfall would
 * see them: a missing day has no sessions (its week holds a gap for footfall to find), and only
 * weeks with all seven days known are judged. Every 4 weeks an origin: the history before it
 * gives a floor for the next 4 weeks, which those weeks then meet or miss.
 *
 * `judge(series, rule)` → per-series and pooled figures; rules: `footfallRule(computeCommitments)`
 * and `naiveRule` (the median of the last 8 weeks × the 10th percentile of past week-ahead ratios).
 */
import { weekly } from './index.mjs'

export const HORIZON = 4
export const CONFIDENCE = 0.9
const DAY = 86_400_000

/** Weeks (Monday starts, UTC) of a series with sessions per week, missing days as 0, and its days. */
export const weeksOf = (series) => {
  const weeks = weekly(series.days).map((w) => ({ ...w, sessions: w.value ?? 0 }))
  const first = Date.parse(weeks[0].start), last = Date.parse(weeks.at(-1).start) + 7 * DAY
  const days = series.days
    .filter((d) => Date.parse(d.date) >= first && Date.parse(d.date) < last)
    .map((d) => ({ start: `${d.date}T00:00:00+00:00`, sessions: d.value ?? 0 }))
  return { weeks, days }
}

const iso = (date) => `${date}T00:00:00+00:00`

/** footfall's 90 % floor at origin `o`: `{ floor, baseline, eligible }` (eligible: 8+ clean weeks since the last change point). */
export const footfallRule = (computeCommitments) => ({ weeks, days }, o) => {
  const series = weeks.slice(0, o).map((w) => ({
    start: iso(w.start),
    end: new Date(Date.parse(w.start) + 7 * DAY).toISOString().slice(0, 19) + '+00:00',
    overall: { sessions: w.sessions },
    byChannel: {},
  }))
  const now = Date.parse(weeks[o].start)
  const [c] = computeCommitments(series, {
    kpis: ['sessions'], scopes: ['overall'], confidence: CONFIDENCE, horizon: HORIZON, now, since: Date.parse(weeks[0].start),
    days: days.filter((d) => Date.parse(d.start) < now),
  })
  const cut = c.changePoints.length ? c.changePoints.at(-1) : c.history[0]?.start
  const clean = c.history.filter((h) => h.start >= cut && h.value !== null).length
  return { floor: c.commitment, baseline: c.baseline, eligible: clean >= 8 && c.status !== 'stale', status: c.status }
}

/** The rule a marketer would reach for: median of the last 8 weeks × the 10th percentile of past week-ahead ratios. */
export const naiveRule = ({ weeks }, o) => {
  const ys = weeks.map((w) => w.sessions)
  const med = (xs) => {
    const s = [...xs].sort((a, b) => a - b)
    return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
  }
  const ratios = []
  for (let p = 8; p < o; p++) {
    const m = med(ys.slice(p - 8, p))
    for (let j = 0; j < HORIZON && p + j < o; j++) if (m > 0) ratios.push(ys[p + j] / m)
  }
  if (o < 8 || ratios.length < 10) return { floor: null, baseline: [], eligible: o >= 16 }
  ratios.sort((a, b) => a - b)
  const q = ratios[Math.floor(0.1 * (ratios.length - 1))]
  const m = med(ys.slice(o - 8, o))
  return { floor: m * q, baseline: Array(HORIZON).fill(m), eligible: true }
}

/** Judge `rule` on one series: origins every HORIZON weeks from week 16 on. */
export const judge = (series, rule) => {
  const data = weeksOf(series)
  const { weeks } = data
  const out = { name: series.name, held: 0, judged: 0, ratios: [], zero: 0, above: 0, origins: 0, eligible: 0, committed: 0, eligibleCommitted: 0 }
  for (let o = 16; o + HORIZON <= weeks.length; o += HORIZON) {
    const r = rule(data, o)
    out.origins++
    if (r.eligible) out.eligible++
    if (r.floor == null) continue
    out.committed++
    if (r.eligible) out.eligibleCommitted++
    if (r.floor === 0) out.zero++
    if (r.baseline.some((b) => r.floor > b)) out.above++
    for (let j = 0; j < HORIZON; j++) {
      const w = weeks[o + j]
      if (w.missing) continue // not known: not judged
      out.judged++
      if (w.sessions >= r.floor) out.held++
      out.ratios.push(r.floor / w.sessions)
    }
  }
  return out
}

/** Pooled figures of several `judge` results. */
export const pool = (results) => {
  const all = { name: 'pooled', held: 0, judged: 0, ratios: [], zero: 0, above: 0, origins: 0, eligible: 0, committed: 0, eligibleCommitted: 0 }
  for (const r of results) for (const k of Object.keys(all)) if (k !== 'name') all[k] = k === 'ratios' ? all.ratios.concat(r.ratios) : all[k] + r[k]
  return all
}

export const medianOf = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? s[s.length >> 1] : NaN
}
