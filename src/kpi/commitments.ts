/**
 * What marketing can safely promise: for each KPI and scope (overall, each channel), a weekly
 * baseline, a floor ("at least this, every week"), how often that floor rule held when
 * backtested on this history, and the dated level shifts that reset the baseline.
 * Pure: a weekly series in (`/kpi/series?interval=week`), commitments out.
 *
 * The method, in words (each commitment's `note` says it again with its own numbers):
 * 1. Complete weeks only: the current week and weeks before the first event are dropped.
 * 2. Change points: at each week, a robust line (Theil–Sen) through the 10 weeks before and
 *    one through the 10 weeks after; where they disagree by more than 4.5 noise units, and the
 *    disagreement is the largest around, the level shifted. Smooth seasons and trends make
 *    lines that meet; spikes of one to three weeks (a sale, a press mention) are taken out
 *    first (a Hampel filter over 7 weeks), so they never make a shift.
 * 3. Baseline: of three methods, the one with the smallest rolling-origin backtest error: the
 *    trimmed mean of the last 8 weeks since the last change point; a robust line through them,
 *    carried forward (seasons and trends); with 52 weeks or more, the level × the same weeks'
 *    change a year earlier (yearly season).
 * 4. Floor: baseline × (1 + q), q a quantile of the method's relative errors in that backtest:
 *    the highest quantile whose floors, each computed only from the weeks before it, held in at
 *    least `confidence` of the backtested weeks.
 */
import { boundaries, localIso } from '../kpistore/intervals'
import type { Metrics } from './index'

export type KpiName = keyof Metrics | (string & {})
export type OwnershipClass = 'owned' | 'shared' | 'outside'

/** One week of `/kpi/series`: its start and metrics, overall and per channel. */
export interface SeriesPoint {
  start: string
  end?: string
  overall: Partial<Metrics>
  byChannel?: Record<string, Partial<Metrics>>
}

export interface CommitmentOptions {
  /** Share of weeks the floor must hold (0.5–0.99). Default 0.9. */
  confidence?: number
  /** Weeks ahead the commitment is for (1–13). Default 4. */
  horizon?: number
  /** Now (ms or ISO): weeks ending after it are incomplete. Default `Date.now()`. */
  now?: number | string
  /** The first stored event (ms or ISO): a week starting before it is partial. Default: the first week is. */
  since?: number | string
  /** KPIs to report. Default: every KPI of CLASSES present in the series. */
  kpis?: readonly string[]
  /** The site's time zone (IANA): forecast weeks start on its Mondays. Default: 7-day steps in UTC. */
  tz?: string
  /** Ownership per KPI; merged over CLASSES. */
  classes?: Record<string, OwnershipClass>
  /** Only these scopes ('overall' and/or channel names). Default: overall and every channel. */
  scopes?: readonly string[]
}

export interface Commitment {
  kpi: string
  scope: string
  class: OwnershipClass
  /** Backtested weeks behind `hitRate` (0 when there is no commitment). */
  weeks: number
  status: 'insufficient' | 'provisional' | 'full' | 'stale'
  /** Baseline and its spread for each of the next `horizon` weeks. */
  baseline: number[]
  low: number[]
  high: number[]
  /** The floor the KPI is promised to reach in each of the next `horizon` weeks; null when none can be given. */
  commitment: number | null
  /** Share of backtested weeks in which the floor rule held. */
  hitRate: number | null
  /** Lower 95 % bound of `hitRate` given `weeks`. */
  hitRateLow?: number | null
  /** Stretches of missing data (ISO week starts, `to` exclusive). */
  gaps?: { from: string; to: string }[]
  /** Week starts of sustained level shifts. */
  changePoints: string[]
  note: string
  /** Complete weeks: start and value (null where not usable: a rate of a week without sessions). */
  history: { start: string; value: number | null; gap?: true }[]
  /** Week starts of the next `horizon` weeks. */
  forecast: string[]
}

/** Who moves each KPI: marketing alone, the whole team, or nobody marketing answers for. */
export const CLASSES: Record<string, OwnershipClass> = {
  sessions: 'owned',
  users: 'owned',
  engagedSessions: 'owned',
  engagementRate: 'owned',
  avgEngagedMs: 'owned',
  addToCartRate: 'shared',
  inquiryRate: 'shared',
  chatOpenRate: 'shared',
  purchases: 'outside',
  revenue: 'outside',
}

/** KPIs that are shares of sessions: undefined in a week without sessions. */
const RATES = new Set(['engagementRate', 'addToCartRate', 'inquiryRate', 'chatOpenRate', 'avgEngagedMs'])

export const MIN_WEEKS = 8
export const FULL_WEEKS = 52
/** Weeks each side of a candidate change point. */
const SIDE = 10
/** Noise units two lines must disagree by to call it a shift. */
const SHIFT = 4.5
/** Weeks in the baseline's level. */
const LEVEL = 8
const WEEK = 7 * 86_400_000

export class CommitmentError extends Error {}

/** The options with their defaults; throws CommitmentError when one is out of range or unknown. */
export const checkOptions = (options: CommitmentOptions) => {
  const confidence = options.confidence ?? 0.9
  const horizon = options.horizon ?? 4
  if (!(confidence > 0.5 && confidence < 0.99)) throw new CommitmentError('confidence must be above 0.5 and below 0.99')
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > 13) throw new CommitmentError('horizon must be a whole number of weeks from 1 to 13')
  const classes = { ...CLASSES, ...options.classes }
  for (const [k, c] of Object.entries(classes)) if (!['owned', 'shared', 'outside'].includes(c)) throw new CommitmentError(`class of ${k} must be owned, shared or outside`)
  for (const k of options.kpis ?? []) if (!Object.hasOwn(classes, k)) throw new CommitmentError(`unknown KPI ${JSON.stringify(k.slice(0, 64))}: one of ${Object.keys(classes).join(', ')}`)
  return { confidence, horizon, classes }
}

const toMs = (v: number | string | undefined, fallback: number) => (v === undefined ? fallback : typeof v === 'number' ? v : Date.parse(v))

/** Compute commitments for every KPI × scope of a weekly series. Throws CommitmentError on bad options. */
export const computeCommitments = (series: readonly SeriesPoint[], options: CommitmentOptions = {}): Commitment[] => {
  const { confidence, horizon, classes } = checkOptions(options)
  if (!Array.isArray(series)) throw new CommitmentError('series must be an array of weeks')
  const now = toMs(options.now, Date.now())
  const since = options.since === undefined ? undefined : toMs(options.since, 0)
  if (Number.isNaN(now) || (since !== undefined && Number.isNaN(since))) throw new CommitmentError('now and since must be dates')

  // Complete weeks: ended by now, and (when known) started after the first event; else not the first.
  const weeks = [...series]
    .filter((w) => w && typeof w.start === 'string' && !Number.isNaN(Date.parse(w.start)))
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start))
    .filter((w, i) => {
      const start = Date.parse(w.start)
      const end = w.end ? Date.parse(w.end) : start + WEEK
      return end <= now && (since === undefined ? i > 0 : start >= since)
    })
  const forecast = nextWeeks(weeks, horizon, now, options.tz)

  const known = new Set(Object.keys(classes))
  const valueOf = (m: Partial<Metrics> | undefined, k: string) => (m as Record<string, unknown> | undefined)?.[k]
  const kpis = options.kpis ?? [...known].filter((k) => series.some((w) => typeof valueOf(w.overall, k) === 'number'))
  for (const k of kpis) if (!known.has(k)) throw new CommitmentError(`unknown KPI ${JSON.stringify(k)}`)
  const channels = [...new Set(series.flatMap((w) => Object.keys(w.byChannel ?? {})))].sort()
  const scopes = options.scopes ?? ['overall', ...channels]
  for (const s of scopes) if (s !== 'overall' && !channels.includes(s)) throw new CommitmentError(`unknown channel ${JSON.stringify(s.slice(0, 64))}`)

  const out: Commitment[] = []
  for (const kpi of kpis) {
    for (const scope of scopes) {
      const history = weeks.map((w) => {
        const m = scope === 'overall' ? w.overall : w.byChannel?.[scope]
        const v = valueOf(m, kpi)
        // A rate of a week without sessions is undefined, not zero.
        const usable = typeof v === 'number' && Number.isFinite(v) && !(RATES.has(kpi) && !(m?.sessions ?? 0))
        return { start: w.start, value: usable ? v : scope === 'overall' || RATES.has(kpi) ? null : 0 }
      })
      out.push(commit(kpi, scope, classes[kpi] ?? 'owned', history, forecast, confidence, horizon))
    }
  }
  const order: Record<OwnershipClass, number> = { owned: 0, shared: 1, outside: 2 }
  return out.sort((a, b) => order[a.class] - order[b.class])
}

/**
 * Starts of the `horizon` weeks after the last complete one (the first is the week in progress),
 * in `tz` when given (DST-correct, with each week's own offset), else in whole 7-day steps.
 */
const nextWeeks = (weeks: readonly SeriesPoint[], horizon: number, now: number, tz?: string): string[] => {
  const last = weeks.at(-1)
  const from = last ? Date.parse(last.end ?? '') || Date.parse(last.start) + WEEK : now
  if (tz) return boundaries('week', tz, from, from + (horizon - 1) * WEEK + 1)!.slice(0, horizon).map((t) => localIso(tz, t))
  return Array.from({ length: horizon }, (_, j) => localIso('UTC', from + j * WEEK))
}

const commit = (
  kpi: string,
  scope: string,
  cls: OwnershipClass,
  history: { start: string; value: number | null }[],
  forecast: string[],
  confidence: number,
  horizon: number,
): Commitment => {
  const points = history.filter((h) => h.value !== null) as { start: string; value: number }[]
  const raw = points.map((p) => p.value)
  // Forecasts and change points read the series without its one- to three-week spikes;
  // forecasts are judged against what really happened.
  const ys = despike(raw)
  const shifts = changePoints(ys)
  const cut = shifts.at(-1) ?? 0
  const recent = ys.slice(cut)
  const actual = raw.slice(cut)
  const n = recent.length
  const base: Commitment = {
    kpi, scope, class: cls, weeks: 0,
    status: n < MIN_WEEKS ? 'insufficient' : n < FULL_WEEKS ? 'provisional' : 'full',
    baseline: [], low: [], high: [], commitment: null, hitRate: null,
    changePoints: shifts.map((i) => points[i].start), note: '', history, forecast,
  }
  const since = cut ? ` It uses the ${n} weeks since the level shift of the week of ${points[cut].start.slice(0, 10)}.` : ''
  if (n < MIN_WEEKS) {
    base.note = `Not enough history: ${n} complete week${n === 1 ? '' : 's'}${cut ? ' since the last level shift' : ''}; a commitment needs ${MIN_WEEKS}.`
    if (n) base.baseline = Array(horizon).fill(level(recent))
    return base
  }
  // The method with the smallest backtest error: a level, a carried-forward line, or (a year on) the season.
  const methods: Method[] = n >= FULL_WEEKS ? ['level', 'trend', 'season'] : ['level', 'trend']
  const bt = methods.map((m) => backtest(recent, actual, horizon, m)).reduce((a, b) => (b.mae < a.mae ? b : a))
  const ahead = Array.from({ length: horizon }, (_, j) => forecastAt(recent, n, j + 1, bt.method))
  const { q, hit, weeks } = calibrate(bt, recent, actual, confidence, horizon)
  const errs = bt.errors.map((e) => e.err).sort((a, b) => a - b)
  const lowQ = quantileOf(errs, (1 - confidence) / 2), highQ = quantileOf(errs, 1 - (1 - confidence) / 2)
  base.baseline = ahead
  base.low = ahead.map((b) => Math.max(0, b * (1 + lowQ)))
  base.high = ahead.map((b) => b * (1 + highQ))
  base.hitRate = weeks ? hit : null
  base.weeks = weeks
  const method = {
    level: `the trimmed mean of the last ${LEVEL} weeks`,
    trend: `a robust (Theil–Sen) line through the last ${LEVEL} weeks, carried forward`,
    season: `the trimmed mean of the last ${LEVEL} weeks × the change over the same weeks a year earlier`,
  }[bt.method]
  const who = cls === 'shared' ? ' Shared KPI: the site, offer and sales team move it as much as marketing; commit to it as a team.' : ''
  if (cls === 'outside') {
    base.note = `Context only: sales closure is not a marketing commitment. Baseline: ${method}.${since}`
    return base
  }
  if (q === undefined || !weeks) {
    base.note = `No floor held in ${pct(confidence)} of backtested weeks (${weeks} weeks): the KPI moves more than the history can bound.${since}${who}`
    return base
  }
  base.commitment = Math.max(0, Math.min(...ahead) * (1 + q))
  base.note =
    `Baseline: ${method} (of the methods tried, the smallest backtest error). ` +
    `Floor: the lowest baseline of the next ${horizon} week${horizon > 1 ? 's' : ''} ${q < 0 ? '−' : '+'} ${pct(Math.abs(q))}, ` +
    `a quantile of ${errs.length} backtested forecast errors. Backtested by rolling origin on ${weeks} weeks, each judged by the floors of up to ${horizon} earlier weeks ` +
    `(each floor from the weeks before it only): held in ${pct(hit)}.${since}${base.status === 'provisional' ? ` Provisional: ${n} weeks, no yearly season yet.` : ''}${who}`
  return base
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`

/** Trimmed mean of the last LEVEL values before index `end` (the highest and lowest dropped from 5 on). */
const level = (ys: readonly number[], end = ys.length): number => {
  const w = ys.slice(Math.max(0, end - LEVEL), end).sort((a, b) => a - b)
  const kept = w.length >= 5 ? w.slice(1, -1) : w
  return kept.length ? kept.reduce((a, b) => a + b, 0) / kept.length : 0
}

type Method = 'level' | 'trend' | 'season'

/** Forecast of week `origin + j` (j ≥ 1) from the weeks before `origin`. */
const forecastAt = (ys: readonly number[], origin: number, j: number, method: Method): number => {
  const now = level(ys, origin)
  if (method === 'trend') {
    // A robust line through the last weeks, carried forward: follows a season or a trend.
    const from = Math.max(0, origin - LEVEL)
    return Math.max(0, lineAt(ys, from, origin, origin - 1 + j))
  }
  if (method === 'level') return now
  // The same weeks a year earlier: how the target week compared with the level then.
  const then = level(ys, origin - 52)
  const t = origin + j - 1 - 52
  const around = ys.slice(Math.max(0, t - 1), t + 2)
  if (origin - 52 < LEVEL || !around.length || !then) return now
  return now * (around.reduce((a, b) => a + b, 0) / around.length / then)
}

interface Backtest {
  method: Method
  /** Relative error of each forecast: origin, horizon step, target week. */
  errors: { origin: number; target: number; err: number }[]
  mae: number
}

/** Rolling-origin backtest: from every origin with enough weeks before it, forecast the next `horizon` weeks. */
const backtest = (ys: readonly number[], actual: readonly number[], horizon: number, method: Method): Backtest => {
  const errors: Backtest['errors'] = []
  const first = method === 'season' ? 52 + LEVEL : 4
  for (let origin = first; origin < ys.length; origin++) {
    for (let j = 1; j <= horizon && origin + j - 1 < ys.length; j++) {
      const f = forecastAt(ys, origin, j, method)
      const y = actual[origin + j - 1]
      errors.push({ origin, target: origin + j - 1, err: f > 0 ? (y - f) / f : y > 0 ? 1 : 0 })
    }
  }
  const mae = errors.length ? errors.reduce((a, e) => a + Math.abs(e.err), 0) / errors.length : Infinity
  return { method, errors, mae }
}

/** Errors needed before a floor is computed at an origin. */
const MIN_ERRORS = 6
/** From this many errors on, the empirical quantile; below it, a normal prediction bound. */
const EMPIRICAL = 30

/**
 * The least conservative error quantile whose floors, each computed at an origin from the errors
 * known by then, held in at least `confidence` of the backtested target weeks.
 */
const calibrate = (bt: Backtest, ys: readonly number[], actual: readonly number[], confidence: number, horizon: number) => {
  const origins = [...new Set(bt.errors.map((e) => e.origin))]
  // Per origin: the errors of forecasts whose target week had passed by then, sorted.
  const known = origins.map((o) => bt.errors.filter((e) => e.target < o).map((e) => e.err).sort((a, b) => a - b))
  const lows = origins.map((o) => Math.min(...Array.from({ length: horizon }, (_, j) => forecastAt(ys, o, j + 1, bt.method))))
  const all = bt.errors.map((e) => e.err).sort((a, b) => a - b)
  let best: { q: number | undefined; hit: number; weeks: number } = { q: undefined, hit: 0, weeks: 0 }
  // The weeks judged (each by up to `horizon` floors made before it).
  const targets = new Set<number>()
  origins.forEach((o, i) => {
    if (known[i].length >= MIN_ERRORS) for (let j = 0; j < horizon && o + j < actual.length; j++) targets.add(o + j)
  })
  // From the median down, the first (highest) floor that held often enough.
  for (let step = 0; step <= 200; step++) {
    const a = 0.5 * (1 - step / 200)
    let hits = 0, total = 0
    origins.forEach((o, i) => {
      if (known[i].length < MIN_ERRORS) return
      const floor = lows[i] * (1 + quantileOf(known[i], a))
      for (let j = 0; j < horizon && o + j < actual.length; j++) {
        total++
        if (actual[o + j] >= floor) hits++
      }
    })
    if (!total) return best
    best = { q: quantileOf(all, a), hit: hits / total, weeks: targets.size }
    if (hits / total >= confidence) return best
  }
  return { ...best, q: undefined }
}

/**
 * The p-quantile of sorted errors: empirical from EMPIRICAL errors on; below that, a normal
 * prediction bound (mean + z·sd·√(1 + 1/n)), which unlike the smallest of a few errors keeps
 * going lower as p does.
 */
const quantileOf = (xs: readonly number[], p: number): number => {
  if (!xs.length) return 0
  if (xs.length < EMPIRICAL) {
    const n = xs.length
    const mean = xs.reduce((a, b) => a + b, 0) / n
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1))
    return mean + probit(p) * sd * Math.sqrt(1 + 1 / n)
  }
  const i = Math.min(xs.length - 1, Math.max(0, p * (xs.length - 1)))
  const lo = Math.floor(i)
  return xs[lo] + (xs[Math.min(xs.length - 1, lo + 1)] - xs[lo]) * (i - lo)
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export const probit = (p: number): number => {
  if (p <= 0) return -Infinity
  if (p >= 1) return Infinity
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239]
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572]
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783]
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416]
  const tail = (q: number) => (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)))
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)))
  const q = p - 0.5, r = q * q
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
}

/** The series' noise: robust spread of week-to-week differences (a difference has √2 × the noise). */
const noiseOf = (ys: readonly number[]): number => {
  const diffs = ys.slice(1).map((y, i) => y - ys[i])
  const mad = median(diffs.map((d) => Math.abs(d - median(diffs))))
  const mean = ys.reduce((a, b) => a + Math.abs(b), 0) / Math.max(1, ys.length)
  return Math.max((1.4826 * mad) / Math.SQRT2, 0.02 * mean, 1e-9)
}

/**
 * The series with short spikes replaced by the median around them (a Hampel filter over 7 weeks):
 * a run of up to three unusual weeks is a spike; a level shift has more than three weeks on its
 * new side within any window, so it stays.
 */
export const despike = (ys: readonly number[]): number[] => {
  const noise = noiseOf(ys)
  return ys.map((y, i) => {
    const m = median(ys.slice(Math.max(0, i - 3), i + 4))
    return Math.abs(y - m) > 3 * noise ? m : y
  })
}

/** Theil–Sen line through (i, ys[i]) for i in [from, to): its value at x. */
const lineAt = (ys: readonly number[], from: number, to: number, x: number): number => {
  const slopes: number[] = []
  for (let i = from; i < to; i++) for (let k = i + 1; k < to; k++) slopes.push((ys[k] - ys[i]) / (k - i))
  const slope = median(slopes)
  const intercepts: number[] = []
  for (let i = from; i < to; i++) intercepts.push(ys[i] - slope * i)
  return median(intercepts) + slope * x
}

const median = (xs: number[]): number => {
  if (!xs.length) return 0
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/**
 * Indices where a sustained level shift starts. At each week i, the robust lines through the
 * SIDE weeks before and the SIDE weeks from i on are compared at the boundary (i − 0.5); the
 * gap, in units of the series' noise, must exceed SHIFT and be the largest within SIDE weeks.
 */
export const changePoints = (ys: readonly number[]): number[] => {
  const n = ys.length
  if (n < 2 * SIDE) return []
  const noise = noiseOf(ys)
  const gap: number[] = Array(n).fill(0)
  for (let i = SIDE; i <= n - SIDE; i++) {
    const before = lineAt(ys, i - SIDE, i, i - 0.5)
    const after = lineAt(ys, i, i + SIDE, i - 0.5)
    gap[i] = Math.abs(after - before) / noise
  }
  const found: number[] = []
  for (let i = SIDE; i <= n - SIDE; i++) {
    if (gap[i] <= SHIFT) continue
    let peak = true
    for (let k = Math.max(0, i - SIDE); k <= Math.min(n - 1, i + SIDE); k++) if (gap[k] > gap[i] || (gap[k] === gap[i] && k < i)) peak = false
    if (peak) found.push(i)
  }
  return found
}
