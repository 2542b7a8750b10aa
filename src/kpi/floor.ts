/**
 * The floor and its evidence, from one walk through the weeks: at every week (an origin), with
 * only the weeks before it, the walk dates level shifts, forecasts the next `horizon` weeks by
 * each method, picks the method whose past forecasts erred least, and sets a floor; when the
 * weeks pass, it judges the floors and keeps the ratios of actual to forecast. The last origin
 * (today) gives the commitment; the floors before it give the hit rate, an honest out-of-sample
 * figure because nothing at an origin saw the weeks it is judged on.
 *
 * The floor (split conformal prediction, on ratios): of the n latest ratios of a week's actual to
 * the lowest forecast of its origin's `horizon` weeks, the k-th smallest, k = ⌊α (n+1)⌋, times
 * that lowest forecast. Guarantee: when the coming weeks' ratios behave like those n
 * (exchangeable), each week reaches the floor with probability at least 1 − k/(n+1) ≥ 1 − α.
 * α is adapted as weeks are judged (adaptive conformal inference, Gibbs & Candès 2021: α += γ
 * (target − miss)), which keeps the long-run share of misses near the target when the series
 * shifts and the exchangeability assumption fails.
 */
import { forecasts, METHODS, type Method } from './forecast'
import { place } from './noise'
import { shiftDetector } from './shifts'

/** Complete weeks since the last level shift before a commitment is given. */
export const MIN_WEEKS = 8
/** Latest ratios a floor is taken from (52 origins at a 4-week horizon: about a year). */
const WINDOW = 208
/** Step of the adaptive α. */
const GAMMA = 0.05
/** The floor stays at least this far below the lowest baseline week. */
const BELOW = 0.995
/** Events a week a floor needs to be more than noise (rates: sessions × rate; counts: the count). */
export const MIN_EVENTS = 10
/** Sessions a week an average per session needs. */
export const MIN_SESSIONS = 30

export type Kind = 'count' | 'rate' | 'mean'

export interface Walk {
  /** Index where the current level began (0 without a shift); shifts found, as week indices. */
  start: number
  shifts: number[]
  /** Complete weeks since `start` that are not gaps. */
  clean: number
  method: Method
  baseline: number[]
  /** Ratios (actual ÷ forecast of that week) behind the band, sorted. */
  ratios: number[]
  /** Ratios of 0 behind a floor of 0 (why: 'zero'). */
  zeros?: number
  /** The commitment, or why there is none. */
  floor?: number
  q?: number
  k?: number
  n?: number
  why?: string
  /** Judged (floor, week) pairs, how many held, and how many distinct weeks were judged. */
  judged: number
  held: number
  weeks: number
}

interface Score {
  /** Where the level its forecast was made from began, and the week it forecast. */
  from: number
  target: number
  /** Actual ÷ the lowest forecast of the origin's horizon. */
  s: number
  /** Actual ÷ the forecast of this week. */
  r: number
}

/** The latest WINDOW scores of a method forecast within the level from `start`, and their `s` sorted: kept as scores come in. */
interface Usable {
  start: number
  /** Scores of the method looked at so far. */
  seen: number
  scores: Score[]
  sorted: number[]
}

const fresh = (): Usable => ({ start: -1, seen: 0, scores: [], sorted: [] })

/** `u` brought up to `scores` for the level from `start` (from scratch when the level is another). */
const update = (u: Usable, scores: readonly Score[], start: number) => {
  if (u.start !== start) Object.assign(u, { start, seen: 0, scores: [], sorted: [] })
  for (; u.seen < scores.length; u.seen++) {
    const s = scores[u.seen]
    if (s.from < start && s.target >= start) continue
    u.scores.push(s)
    u.sorted.splice(place(u.sorted, s.s), 0, s.s)
    if (u.scores.length > WINDOW) u.sorted.splice(place(u.sorted, u.scores.shift()!.s), 1)
  }
  return u
}

/**
 * Walk `ys` (complete weeks, null where not usable: gaps, rates without sessions) with `sessions`
 * of the same scope, for a KPI of `kind`.
 */
export const walk = (
  ys: readonly (number | null)[],
  sessions: readonly (number | null)[],
  kind: Kind,
  horizon: number,
  confidence: number,
  /** Week indices of known level shifts (annotated `change`): a new level from there, detected or not. */
  known: readonly number[] = [],
): Walk => {
  const target = 1 - confidence
  const nMin = Math.ceil(1 / target - 1e-9) - 1
  const detector = shiftDetector()
  const pushed: number[] = []
  let start = 0
  let alpha = target
  let judged = 0, held = 0, weeks = 0
  const floors = new Map<number, number[]>()
  const pending = new Map<number, { m: Method; origin: number; from: number; low: number; f: number }[]>()
  const scores: Record<Method, Score[]> = { level: [], trend: [], season: [] }
  const err: Record<Method, [number, number]> = { level: [0, 0], trend: [0, 0], season: [0, 0] }
  const usables: Record<Method, Usable> = { level: fresh(), trend: fresh(), season: fresh() }
  const n = ys.length
  /** Weeks that are not gaps before each index. */
  const seen = [0]
  for (const y of ys) seen.push(seen[seen.length - 1] + (y === null ? 0 : 1))
  let lastEnd = n
  while (lastEnd > 0 && ys[lastEnd - 1] === null) lastEnd--
  if (lastEnd === 0) lastEnd = n
  let out!: Walk

  for (let o = 0; o <= n; o++) {
    if (o > 0) {
      const t = o - 1, y = ys[t]
      if (y !== null) {
        const fs = floors.get(t) ?? []
        if (fs.length) weeks++
        for (const f of fs) {
          judged++
          const hit = y >= f
          if (hit) held++
          // Adapted down after misses, back up to the target after hits, never above it: the stated
          // probability is never below `confidence`.
          alpha = Math.min(target, Math.max(0.001, alpha + GAMMA * (target - (hit ? 0 : 1))))
        }
        for (const p of pending.get(t) ?? []) {
          if (!(p.low > 0 && p.f > 0)) continue
          scores[p.m].push({ from: p.from, target: t, s: y / p.low, r: y / p.f })
          err[p.m][0] += Math.abs(Math.log(Math.max(y, 1e-9) / p.f))
          err[p.m][1]++
        }
        detector.push(y)
        pushed.push(t)
        start = detector.start ? pushed[detector.start] : 0
        // A known shift counts from the week after its first week is seen.
        for (const c of known) if (c <= t && c > start) start = c
      }
      floors.delete(t)
      pending.delete(t)
    }

    // Today: a shift known for the week in progress starts a level with no weeks yet; and after a
    // gap at the end, the forecast is made from where the data stopped, not across the gap.
    if (o === n && known.includes(n)) start = n
    const origin = o === n ? lastEnd : o
    // Forecasts at this origin, from the current level's weeks.
    const ahead = forecasts(ys, start, origin, horizon)
    for (const m of METHODS) {
      const f = ahead[m]
      if (!f) continue
      const low = Math.min(...f)
      for (let j = 0; j < horizon && o + j < n; j++) {
        const list = pending.get(o + j) ?? []
        list.push({ m, origin: o, from: start, low, f: f[j] })
        pending.set(o + j, list)
      }
    }
    // The method whose past forecasts erred least (the level until each has 10 errors).
    let method: Method = 'level'
    for (const m of METHODS) {
      const [sum, count] = err[m]
      if (ahead[m] && count >= 10 && sum / count < (err[method][1] >= 10 ? err[method][0] / err[method][1] : Infinity)) method = m
    }
    const clean = seen[o] - seen[Math.min(start, o)]
    const base = ahead[method]
    let floor: number | undefined, q: number | undefined, k: number | undefined, count = 0, why: string | undefined, zeros: number | undefined
    if (!base) why = 'history'
    else if (clean < MIN_WEEKS) why = 'history'
    else {
      // Ratios of weeks forecast within one level: none forecast from before a shift known now for a week after it.
      const usable = update(usables[method], scores[method], start)
      count = usable.scores.length
      const low = Math.min(...base)
      // The latest 8 weeks' sessions, sorted by insertion as they are picked (at every week).
      const recent: number[] = []
      for (let i = o - 1; i >= start && recent.length < 8; i--) {
        const v = sessions[i]
        if (v === null) continue
        let j = recent.length
        for (recent.push(v); j > 0 && recent[j - 1] > v; j--) recent[j] = recent[j - 1]
        recent[j] = v
      }
      const perWeek = recent.length ? recent[recent.length >> 1] : 0
      if (count < nMin) why = 'ratios'
      else if (kind === 'rate' && perWeek * low < MIN_EVENTS) why = 'few'
      else if (kind === 'mean' && perWeek < MIN_SESSIONS) why = 'few'
      else if (kind === 'count' && low < MIN_EVENTS) why = 'few'
      else {
        k = Math.max(1, Math.floor(alpha * (count + 1)))
        q = Math.min(usable.sorted[k - 1], BELOW)
        floor = low * q
        if (!(floor > 0)) {
          why = 'zero'
          zeros = usable.scores.filter((s) => !(s.s > 0)).length
          floor = undefined
        }
      }
    }
    if (o === n) {
      const ratios = update(usables[method], scores[method], start).scores.map((s) => s.r).sort((a, b) => a - b)
      out = { zeros, start, shifts: [...new Set([...detector.points.map((p) => pushed[p]).filter((p) => known.every((c) => Math.abs(c - p) > 3)), ...known.filter((c) => c <= n)])].sort((a, b) => a - b), clean, method, baseline: base ?? [], ratios, floor, q, k, n: count, why, judged, held, weeks }
    } else if (floor !== undefined) {
      for (let j = 0; j < horizon && o + j < n; j++) {
        const list = floors.get(o + j)
        if (list) list.push(floor)
        else floors.set(o + j, [floor])
      }
    }
  }
  return out
}

/** Lower end of the 95 % Wilson score interval of a share `p` of `n` trials. */
export const wilsonLow = (p: number, n: number): number => {
  if (!n) return 0
  const z = 1.959964, z2 = z * z
  const centre = p + z2 / (2 * n)
  const spread = z * Math.sqrt((p * (1 - p) + z2 / (4 * n)) / n)
  return Math.max(0, (centre - spread) / (1 + z2 / n))
}
