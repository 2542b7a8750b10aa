/**
 * A series' noise over its latest values, kept as values are appended: the figure of `noiseOf`
 * (shifts.ts) on the same window, to the last bit, without sorting for every week pushed.
 *
 * noiseOf sorts the window's week-to-week differences twice: to take their median, and to take
 * the median of their distances from it (the MAD). Here the differences stay sorted as the window
 * slides (one binary-search insert and one remove a week), so their median is read off, and the
 * distances need no sort either: from the median outwards, the differences above it and those
 * below it each give distances in ascending order, and merging the two up to the middle gives the
 * MAD. Each distance is computed as noiseOf computes it (`Math.abs(d − mid)`), and rounding is
 * monotone, so the merged order is the sorted order: the same values, the same medians.
 */

/** Where `x` goes in ascending `xs` (before any equal value). */
export const place = (xs: readonly number[], x: number) => {
  let lo = 0, hi = xs.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (xs[mid] < x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** The noise of the latest `size` values pushed (all of them while fewer): `noiseOf(values.slice(-size))`. */
export const noiseWindow = (size: number) => {
  /** Every value pushed, the window's first, and its differences (each value minus the one before), ascending. */
  const values: number[] = []
  let first = 0
  const diffs: number[] = []
  return {
    push(y: number) {
      if (values.length > first) {
        const d = y - values[values.length - 1]
        diffs.splice(place(diffs, d), 0, d)
      }
      values.push(y)
      if (values.length - first > size) {
        // The same subtraction as when it came in: the same number, found by the same search.
        diffs.splice(place(diffs, values[first + 1] - values[first]), 1)
        first++
      }
    },
    noise(): number {
      const n = diffs.length, m = n >> 1
      let mad = 0
      if (n) {
        const mid = n % 2 ? diffs[m] : (diffs[m - 1] + diffs[m]) / 2
        // The m-th and (m−1)-th smallest distances: walk up from the first difference ≥ mid and
        // down from the one before it, taking the nearer each step.
        let up = place(diffs, mid), down = up - 1, prev = 0, cur = 0
        for (let k = 0; k <= m; k++) {
          const a = up < n ? Math.abs(diffs[up] - mid) : Infinity
          const b = down >= 0 ? Math.abs(diffs[down] - mid) : Infinity
          prev = cur
          if (a <= b) (cur = a), up++
          else (cur = b), down--
        }
        mad = n % 2 ? cur : (prev + cur) / 2
      }
      // The mean absolute value, summed in the window's order as noiseOf sums it.
      let sum = 0
      for (let i = first; i < values.length; i++) sum += Math.abs(values[i])
      const mean = sum / Math.max(1, values.length - first)
      return Math.max((1.4826 * mad) / Math.SQRT2, 0.02 * mean, 1e-9)
    },
  }
}
