/**
 * Point forecasts of a weekly KPI from the weeks before an origin (gaps are null and skipped):
 * - `level`: the mean of the last 8 weeks without their two highest and their lowest (a sale of
 *   one or two weeks does not lift it);
 * - `trend`: a robust (Theil–Sen) line through the last 8 weeks, carried forward (seasons, trends);
 * - `season`: the level × how the target week compared with its level a year earlier.
 */
import { median } from './shifts'

export type Method = 'level' | 'trend' | 'season'
export const METHODS: readonly Method[] = ['level', 'trend', 'season']

/** Weeks in the level and the line. */
export const LEVEL = 8

/** Up to `n` (index, value) of the weeks in [from, end) that are not gaps, the latest last. */
const lastKnown = (ys: readonly (number | null)[], from: number, end: number, n: number) => {
  const xs: number[] = [], vs: number[] = []
  for (let i = end - 1; i >= from && vs.length < n; i--) {
    const v = ys[i]
    if (v !== null) {
      xs.unshift(i)
      vs.unshift(v)
    }
  }
  return { xs, vs }
}

const levelOf = (vs: readonly number[]) => {
  // Sorted by insertion, as stable as a sort (at most 8 values, at every week of every KPI and scope).
  const s: number[] = []
  for (const v of vs) {
    let j = s.length
    for (s.push(v); j > 0 && s[j - 1] > v; j--) s[j] = s[j - 1]
    s[j] = v
  }
  const kept = s.length >= 6 ? s.slice(1, -2) : s
  return kept.length ? kept.reduce((a, b) => a + b, 0) / kept.length : 0
}

/**
 * Forecasts of weeks origin, origin+1, … origin+h−1 by each method, from the weeks in
 * [from, origin); a method is left out when it cannot be used there.
 */
export const forecasts = (ys: readonly (number | null)[], from: number, origin: number, h: number): Partial<Record<Method, number[]>> => {
  const { xs, vs } = lastKnown(ys, from, origin, LEVEL)
  if (vs.length < 4) return {}
  const level = levelOf(vs)
  // Theil–Sen through (xs, vs): the week indices carry the gaps.
  const slopes: number[] = []
  for (let i = 0; i < xs.length; i++) for (let k = i + 1; k < xs.length; k++) slopes.push((vs[k] - vs[i]) / (xs[k] - xs[i]))
  const slope = median(slopes)
  const intercept = median(vs.map((v, i) => v - slope * xs[i]))
  const season = seasonal(ys, origin, h, level)
  // A plain loop: forecasts are made at every week of every KPI and scope.
  const trend: number[] = []
  for (let j = 0; j < h; j++) trend.push(Math.max(0, intercept + slope * (origin + j)))
  return { level: Array(h).fill(level), trend, ...(season && { season }) }
}

/** The forecast of `method` alone (see `forecasts`). */
export const forecast = (ys: readonly (number | null)[], from: number, origin: number, h: number, method: Method): number[] | undefined =>
  forecasts(ys, from, origin, h)[method]

const seasonal = (ys: readonly (number | null)[], origin: number, h: number, level: number): number[] | undefined => {
  // A year earlier (before a level shift too: a season's shape outlasts a level): the level
  // then, and the target week (median of it and its neighbours) then.
  if (origin - 52 - LEVEL < 0) return undefined
  const then = lastKnown(ys, 0, origin - 52, LEVEL)
  if (then.vs.length < 4) return undefined
  const thenLevel = levelOf(then.vs)
  if (!(thenLevel > 0)) return undefined
  const out: number[] = []
  for (let j = 0; j < h; j++) {
    const t = origin + j - 52
    const around = [ys[t - 1], ys[t], ys[t + 1]].filter((v): v is number => v !== null && v !== undefined)
    if (!around.length) return undefined
    out.push(level * (median(around) / thenLevel))
  }
  return out
}

