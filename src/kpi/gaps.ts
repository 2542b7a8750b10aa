/**
 * Gaps: stretches where events are missing because tracking or collection stopped (the script
 * left the theme, the collector was down), not because visitors did. A gap is not the site's
 * truth: it is left out of baselines, backtests and hit rates, and drawn as a gap.
 *
 * The rule, on days (the site's overall sessions per day): a run of days each with under 5 % of
 * the median day of the 28 days before it (gaps left out), long enough that the site would
 * normally have had at least 10 sessions in it — by chance, an ordinary run like that has a
 * probability under e⁻¹⁰ (Poisson); judged once 14 days (4 weeks) are known. A week that holds
 * a gap day is a gap week. Without days, the
 * same rule on weeks: a week under 5 % of the median of the 8 weeks before it, when those had at
 * least 10 sessions a week. Annotated `exclude` periods are gaps too.
 */
import { median } from './shifts'

/** Share of the usual day below which a day is dark. */
const DARK = 0.05
/** Sessions a run of dark days would normally have had, at least, to be a gap. */
const EXPECTED = 10
const DAY_REF = 28
const WEEK_REF = 8

/** Indices of `counts` that are gaps: runs of near-zero values against the `ref` values before each run (at least `least` of them). */
export const darkRuns = (counts: readonly number[], ref: number, least = Math.ceil(ref / 2)): boolean[] => {
  const gap = counts.map(() => false)
  /** The values so far that are not gaps. */
  const kept: number[] = []
  let i = 0
  while (i < counts.length) {
    const usual = median(kept.slice(-ref))
    // Judged only against enough known days (or weeks): a site whose usual day has no sessions has none.
    const dark = (v: number) => kept.length >= least && v < DARK * usual
    if (!dark(counts[i])) {
      kept.push(counts[i++])
      continue
    }
    let end = i
    while (end < counts.length && dark(counts[end])) end++
    const isGap = (end - i) * usual >= EXPECTED
    for (let k = i; k < end; k++) isGap ? (gap[k] = true) : kept.push(counts[k])
    i = end
  }
  return gap
}

export interface Day {
  start: string
  sessions: number
}

export interface Period {
  from: string
  to?: string
}

/**
 * Which of `weeks` (starts, ends; ascending) are gaps: from `days` when given, else from the
 * weeks' own `sessions`, plus every week that overlaps an `exclude` period.
 */
export const gapWeeks = (
  weeks: readonly { start: string; end: string; sessions: number }[],
  days?: readonly Day[],
  exclude: readonly Period[] = [],
): boolean[] => {
  const bounds = weeks.map((w) => [Date.parse(w.start), Date.parse(w.end)] as const)
  const out = weeks.map(() => false)
  if (days?.length) {
    const sorted = [...days].sort((a, b) => Date.parse(a.start) - Date.parse(b.start))
    const dark = darkRuns(sorted.map((d) => d.sessions), DAY_REF)
    sorted.forEach((d, k) => {
      if (!dark[k]) return
      const t = Date.parse(d.start)
      const w = bounds.findIndex(([a, b]) => t >= a && t < b)
      if (w >= 0) out[w] = true
    })
  } else {
    darkRuns(weeks.map((w) => w.sessions), WEEK_REF).forEach((g, w) => (out[w] ||= g))
  }
  for (const p of exclude) {
    const a = Date.parse(p.from), b = p.to === undefined ? a + 86_400_000 : Date.parse(p.to)
    bounds.forEach(([s, e], w) => {
      if (s < b && e > a) out[w] = true
    })
  }
  return out
}

/** Runs of gap weeks as periods: `from` the first gap week's start, `to` the start of the week after. */
export const periodsOf = (weeks: readonly { start: string; end: string }[], gap: readonly boolean[]): { from: string; to: string }[] => {
  const out: { from: string; to: string }[] = []
  gap.forEach((g, i) => {
    if (!g) return
    if (i > 0 && gap[i - 1]) out[out.length - 1].to = weeks[i].end
    else out.push({ from: weeks[i].start, to: weeks[i].end })
  })
  return out
}
