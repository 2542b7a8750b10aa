/**
 * Sustained level shifts (a relaunch, a market shock, a consent banner that halves measured
 * traffic), found causally: weeks are pushed one by one and a shift is known only once the weeks
 * pushed show it, so the same detector runs in the backtest and for today's answer.
 *
 * Two rules, the second one fast because a fall is what breaks a floor:
 * - **Level shift.** At each week i, a robust (Theil–Sen) line through the 10 weeks before it and
 *   one through the 10 weeks from it; where they disagree by more than 4.5 noise units, and the
 *   disagreement is the largest from 10 weeks before to 5 after, the level shifted at i. Seasons and
 *   trends make lines that meet; spikes of one to three weeks (a sale, a press mention) are taken
 *   out first (a Hampel filter over 7 weeks), so they never make a shift. Known 19 weeks on.
 * - **Sudden fall.** Three weeks in a row, each more than 3 noise units below the line through
 *   (up to) the 12 weeks before them, their median more than 4 units and 25 % below it: the level
 *   fell at the first of them. Known on the third week; undone when, within 4 weeks after, two
 *   weeks in a row come back to within 2 noise units of the old line (a holiday dip, not a shift).
 */

import { noiseWindow } from './noise'

const SIDE = 10
const SHIFT = 4.5
/** Weeks after a candidate level shift whose lines are compared with its own before it is dated. */
const LATE = 5
/** Weeks a fall must last; weeks of reference before it (at least MIN_REF). */
const FALL = 3
const REF = 12
const MIN_REF = 6
/** Weeks behind a noise figure: a year (the lines' noise: the year before them, and their after side). */
const YEAR = 52
/** Noise units every week of a fall, and its median, lie below the line; share of the level it loses. */
const EACH = 3
const MEDIAN = 4
const SIZE = 0.25
/** Weeks after a fall in which two weeks back near the old line make it a dip. */
const RECOVER = 4

/** Lists a median sorts by insertion (a detector's longest: the 66 slopes of a 12-week line); longer ones natively. */
const SHORT = 80
const scratch = new Float64Array(SHORT)

/**
 * A short list sorted into `scratch`, by insertion: medians are taken several times for every week
 * pushed, of a few numbers each, where a new typed array and its native sort cost more than the
 * sorting. The order is a typed array's, −0 before +0, so a median is the same to its zero's sign.
 */
const sortShort = (xs: readonly number[]): Float64Array => {
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i]
    let j = i
    for (; j > 0 && (scratch[j - 1] > v || (v === 0 && scratch[j - 1] === 0 && 1 / v < 1 / scratch[j - 1])); j--) scratch[j] = scratch[j - 1]
    scratch[j] = v
  }
  return scratch
}

export const median = (xs: readonly number[]): number => {
  const n = xs.length
  if (!n) return 0
  // A typed array's order (weeks' values are finite: no NaN to place).
  const s = n <= SHORT ? sortShort(xs) : Float64Array.from(xs).sort()
  const m = n >> 1
  return n % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Theil–Sen line through (i, ys[i]) for i in [from, to), as its value at x. */
export const line = (ys: readonly number[], from: number, to: number): ((x: number) => number) => {
  const slopes: number[] = []
  for (let i = from; i < to; i++) for (let k = i + 1; k < to; k++) slopes.push((ys[k] - ys[i]) / (k - i))
  const slope = median(slopes)
  const intercepts: number[] = []
  for (let i = from; i < to; i++) intercepts.push(ys[i] - slope * i)
  const intercept = median(intercepts)
  return (x) => intercept + slope * x
}

/**
 * A series' noise: robust spread of week-to-week differences (a difference has √2 × the noise), at
 * least 2 % of its level. The definition; the detector keeps the same figure as weeks are pushed
 * (noise.ts), held to this one by the tests.
 */
export const noiseOf = (ys: readonly number[]): number => {
  const diffs = ys.slice(1).map((y, i) => y - ys[i])
  const mid = median(diffs)
  const mad = median(diffs.map((d) => Math.abs(d - mid)))
  const mean = ys.reduce((a, b) => a + Math.abs(b), 0) / Math.max(1, ys.length)
  return Math.max((1.4826 * mad) / Math.SQRT2, 0.02 * mean, 1e-9)
}

/**
 * Feed weeks in order with `push`; `start` is where the current level began and `points` the
 * shifts found so far, as positions in the pushed sequence.
 */
export const shiftDetector = () => {
  const ys: number[] = []
  /** Despiked values, known 3 weeks late (the Hampel window reaches 3 weeks ahead). */
  const clean: number[] = []
  /** The two lines' disagreement at each position, in noise units. */
  const gap: number[] = []
  /**
   * The line through the SIDE despiked weeks from each position: drawn once, as the after side of
   * one position and again, SIDE weeks later, as the before side of another (its weeks are final).
   */
  const lines: ((x: number) => number)[] = []
  const lineFrom = (a: number) => (lines[a] ??= line(clean, a, a + SIDE))
  // The noise of the last year of weeks, of that year 3 weeks back (what the fall rule sees), and
  // of the despiked weeks around the lines (a year before them and their after side): kept as
  // weeks are pushed instead of sorted again for each (noise.ts).
  const recent = noiseWindow(YEAR), lagged = noiseWindow(YEAR), around = noiseWindow(YEAR + SIDE)
  let start = 0
  const points: number[] = []

  const fall = (): number | undefined => {
    const len = ys.length
    const end = len - FALL, from = Math.max(start, end - REF)
    if (end - from < MIN_REF) return undefined
    const noise = lagged.noise()
    // The reference without its spikes.
    const ref = ys.slice(from, end)
    const mid = median(ref)
    const flat = ref.map((v) => (Math.abs(v - mid) > 4 * noise ? mid : v))
    const old = line(flat, 0, flat.length)
    const at = ys.slice(end).map((_, i) => old(end - from + i))
    const off = ys.slice(end).map((v, i) => (v - at[i]) / noise)
    const drop = median(off)
    if (!(off.every((d) => d < -EACH) && drop < -MEDIAN && (-drop * noise) / Math.max(median(at), 1e-9) >= SIZE)) return undefined
    // Kept to see whether the weeks come back to the old line (a dip, not a shift).
    dip = { at: end, before: start, until: len + RECOVER, line: (x: number) => old(x - from), noise }
    return end
  }

  /** A fall found lately: where the old line would be, and until when a recovery undoes it. */
  let dip: { at: number; before: number; until: number; line: (x: number) => number; noise: number } | undefined
  const recovered = () => {
    if (!dip || ys.length > dip.until) return (dip = undefined), false
    const last = ys.length - 1
    const back = (i: number) => ys[i] >= dip!.line(i) - 2 * dip!.noise
    return last - 1 >= dip.at + FALL && back(last) && back(last - 1)
  }

  const shift = (): number | undefined => {
    // Despike the week 3 back; measure the position whose 10 weeks after it are all known; judge
    // the one 3 before that, against its neighbours known by now (up to 10 before, 3 after).
    const len = ys.length
    const i = len - 4
    if (i >= 0) {
      const m = median(ys.slice(Math.max(0, i - 3), i + 4))
      clean[i] = Math.abs(ys[i] - m) > 3 * recent.noise() ? m : ys[i]
      around.push(clean[i])
    }
    const q = clean.length - SIDE
    if (q < SIDE) return undefined
    const before = lineFrom(q - SIDE)(q - 0.5), after = lineFrom(q)(q - 0.5)
    gap[q] = Math.abs(after - before) / around.noise()
    const p = q - LATE
    if (p - SIDE < start || !(gap[p] > SHIFT)) return undefined
    for (let k = Math.max(0, p - SIDE); k <= q; k++) if (k !== p && (gap[k] ?? 0) > gap[p]) return undefined
    return p
  }

  return {
    /** Where the current level began (0 before any shift). */
    get start() {
      return start
    },
    /** The shifts found so far, positions ascending (a fall undone by a recovery is not one). */
    points,
    push(y: number) {
      ys.push(y)
      recent.push(y)
      if (ys.length > FALL) lagged.push(ys[ys.length - 1 - FALL])
      if (recovered()) {
        points.pop()
        start = dip!.before
        dip = undefined
      }
      // Both rules see every week (the level rule keeps its despiked weeks and lines current).
      const sudden = fall(), level = shift()
      const found = sudden ?? level
      if (found === undefined || found <= start) return
      start = found
      points.push(found)
    },
  }
}

/** Positions where a sustained level shift starts, as the detector finds them week by week. */
export const changePoints = (ys: readonly number[]): number[] => {
  const d = shiftDetector()
  for (const y of ys) d.push(y)
  return d.points
}
