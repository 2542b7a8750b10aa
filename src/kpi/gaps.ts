/**
 * Gaps: stretches where events are missing because tracking or collection stopped (the script
 * left the theme, the collector was down), not because visitors did. A gap is not the site's
 * truth: it is left out of baselines, backtests and hit rates, and drawn as a gap.
 *
 * The rule, on days (the site's overall sessions per day), each day against its own weekday (the
 * median of the 4 latest same weekdays before it that were not dark, once 2 are known): a day
 * under 5 % of its weekday's usual, and under 5 % of the site's median day over the year before,
 * is dark; a run of days without an ordinary one (days whose
 * weekday usually has no sessions neither break nor add to it) is a gap when its dark days would
 * usually have had at least 10 sessions between them — by chance, a run like that has a
 * probability under e⁻¹⁰ (Poisson). A week that holds a gap day is a gap week. The same rule on
 * whole weeks (under 5 % of the median of the 8 weeks before, once 4 are known) adds what the days
 * cannot see. Annotated `exclude` periods are gaps too.
 */
import { median } from './shifts'

/** Share of the usual below which a day (or week) is dark. */
const DARK = 0.05
/** Sessions a run of dark days would usually have had, at least, to be a gap. */
const EXPECTED = 10
const WEEK_REF = 8

/**
 * Which of `counts` are gaps, each judged against `usualOf(i, dark)` (undefined: not judged yet;
 * 0: a count that is usually nothing, neutral).
 */
const runs = (counts: readonly number[], span: number, usualOf: (i: number, dark: readonly boolean[]) => number | undefined): boolean[] => {
  const usual: (number | undefined)[] = []
  const dark: boolean[] = []
  // The site's usual over the last `span` (a year), refreshed every 28 steps: a quiet season after
  // a peak (a sport's off-season after its final) is low against the peak, not against the year.
  let year = 0
  counts.forEach((c, i) => {
    if (i % 28 === 0) year = median(counts.slice(Math.max(0, i - span), i).filter((_, k) => !dark[Math.max(0, i - span) + k]))
    usual[i] = usualOf(i, dark)
    dark[i] = (usual[i] ?? 0) > 0 && c < DARK * usual[i]! && c < DARK * year
  })
  const gap = counts.map(() => false)
  for (let i = 0; i < counts.length; ) {
    if (!dark[i]) {
      i++
      continue
    }
    let end = i, expected = 0
    for (; end < counts.length && (dark[end] || !((usual[end] ?? 0) > 0)); end++) if (dark[end]) expected += usual[end]!
    if (expected >= EXPECTED) for (let k = i; k < end; k++) gap[k] = dark[k]
    i = end
  }
  return gap
}

/** Gap days: each day against the 4 latest same weekdays before it that were not dark (2 at least). */
export const darkDays = (counts: readonly number[]): boolean[] =>
  runs(counts, 364, (i, dark) => {
    const ref: number[] = []
    for (let k = i - 7; k >= 0 && ref.length < 4; k -= 7) if (!dark[k]) ref.push(counts[k])
    return ref.length >= 2 ? median(ref) : undefined
  })

/** Gap weeks by their own totals: against the 8 weeks before that were not dark (4 at least). */
export const darkWeeks = (counts: readonly number[]): boolean[] =>
  runs(counts, 52, (i, dark) => {
    const ref: number[] = []
    for (let k = i - 1; k >= 0 && ref.length < WEEK_REF; k--) if (!dark[k]) ref.push(counts[k])
    return ref.length >= 4 ? median(ref) : undefined
  })

export interface Day {
  start: string
  sessions: number
}

export interface Period {
  from: string
  to?: string
}

export interface Gaps {
  /** Per week: a gap. */
  weeks: boolean[]
  /** Per week: inside an `exclude` period. */
  excluded: boolean[]
  /** The first gap day of the last run of gap days, when days are known. */
  lastDark?: string
}

/**
 * Which of `weeks` (starts, ends; ascending) are gaps: from `days` when given and from the weeks'
 * own `sessions`, plus every week that overlaps an `exclude` period (`to` not included; a single
 * day without it). `at` reads a period's date (a date alone: midnight in the site's time zone).
 */
export const gapWeeks = (
  weeks: readonly { start: string; end: string; sessions: number }[],
  days?: readonly Day[],
  exclude: readonly Period[] = [],
  at: (date: string) => number = Date.parse,
): Gaps => {
  const bounds = weeks.map((w) => [Date.parse(w.start), Date.parse(w.end)] as const)
  const out = darkWeeks(weeks.map((w) => w.sessions))
  let lastDark: string | undefined
  if (days?.length) {
    const sorted = [...days].sort((a, b) => Date.parse(a.start) - Date.parse(b.start))
    const dark = darkDays(sorted.map((d) => d.sessions))
    sorted.forEach((d, k) => {
      if (!dark[k]) return
      if (!dark[k - 1]) lastDark = d.start
      const t = Date.parse(d.start)
      const w = bounds.findIndex(([a, b]) => t >= a && t < b)
      if (w >= 0) out[w] = true
    })
  }
  const excluded = weeks.map(() => false)
  for (const p of exclude) {
    const a = at(p.from), b = p.to === undefined ? a + 86_400_000 : at(p.to)
    bounds.forEach(([s, e], w) => {
      if (s < b && e > a) out[w] = excluded[w] = true
    })
  }
  return { weeks: out, excluded, lastDark }
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
