/**
 * What marketing can safely promise: for each KPI and scope (overall, each channel), a weekly
 * baseline, a floor ("at least this, every week"), how often that floor rule held when
 * backtested on this history (with a lower bound), the dated level shifts that reset the
 * baseline, and the gaps in the data. Pure: a weekly series in (`/kpi/series?interval=week`,
 * optionally the days' sessions), commitments out.
 *
 * The method, in words (each commitment's `note` says it again with its own numbers):
 * 1. Complete weeks only: the week containing `now` and weeks before the first event are dropped.
 * 2. Gaps (gaps.ts): weeks where collection stopped are left out of everything and listed.
 * 3. One walk through the weeks (floor.ts): at each week, from the weeks before it only, level
 *    shifts are dated (shifts.ts), three forecasts made (forecast.ts) and the one with the smallest
 *    past error used, and a floor set by split conformal prediction on past ratios of actual to
 *    forecast, with an adaptive level. The weeks that follow judge it: the hit rate.
 * 4. Counts behind rates: a rate needs 10 expected events a week, an average 30 sessions a week,
 *    a count 10 a week; below that the row says "too few" instead of promising zero.
 */
import { boundaries, instantIn, localIso } from './intervals'
import { walk, wilsonLow, MIN_EVENTS, MIN_SESSIONS, MIN_WEEKS, type Kind } from './floor'
import { gapWeeks, periodsOf, type Day, type Period } from './gaps'
import type { Metrics } from './index'
import { median } from './shifts'

export { changePoints } from './shifts'
export { MIN_WEEKS } from './floor'
export type { Day, Period } from './gaps'

export type KpiName = keyof Metrics | (string & {})
export type OwnershipClass = 'owned' | 'shared' | 'outside'

/** Each class in plain words (the appendix, and the dashboard's view of it). */
export const CLASS_WORDS: Record<OwnershipClass, string> = {
  owned: 'owned: marketing commits to what it controls',
  shared: 'shared: a team effort with the site, offer and sales',
  outside: 'outside: sales closure, context only',
}

/** Why a week of a saved commitment's review is not judged as usual. */
export type ReviewFlag = 'gap' | 'annotated' | 'in-progress'

/** One week of a saved commitment's review: its floor against what the week did. */
export interface ReviewWeek {
  kpi: string
  scope: string
  start: string
  floor: number | null
  /** The week's value (so far, while in progress); null when the KPI is undefined that week. */
  actual: number | null
  /** Null while the week is in progress, excluded (a gap), or has no floor or value. */
  met: boolean | null
  flags: ReviewFlag[]
}

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
  /** The report as it would have been given on this day (ms or ISO): `now`, by another name. */
  asOf?: number | string
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
  /** Overall sessions per day (in `tz`), to find gaps by the day. Default: gaps are found by the week. */
  days?: readonly Day[]
  /** Periods known not to be the site's truth (annotated `exclude`): gaps. */
  exclude?: readonly Period[]
  /** Dates of known level shifts (annotated `change`): a change point from the week holding each. */
  changes?: readonly string[]
}

export interface Commitment {
  kpi: string
  scope: string
  class: OwnershipClass
  /** Distinct backtested weeks behind `hitRate` (0 when there is no backtest). */
  weeks: number
  /** `stale`: the latest complete weeks are a gap; the figures are from before it. */
  status: 'insufficient' | 'provisional' | 'full' | 'stale'
  /** Baseline and its spread for each of the next `horizon` weeks. */
  baseline: number[]
  low: number[]
  high: number[]
  /** The floor the KPI is promised to reach in each of the next `horizon` weeks; null when none can be given. */
  commitment: number | null
  /** Share of backtested (floor, week) pairs in which the floor held. */
  hitRate: number | null
  /** Lower end of the 95 % (Wilson) interval of `hitRate`, given `weeks`. */
  hitRateLow: number | null
  /** Week starts of sustained level shifts. */
  changePoints: string[]
  /** Stretches of missing data: the first week's start, and the start of the week after the last. */
  gaps: { from: string; to: string }[]
  /** The forecast method in use (`level`, `trend`, `season`). */
  method: string | null
  note: string
  /** Complete weeks: start and value (null where not usable: a gap, a rate of a week without sessions). */
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

/** KPIs that are shares of sessions, or averages per session: undefined in a week without sessions. */
const KINDS: Record<string, Kind> = {
  engagementRate: 'rate', addToCartRate: 'rate', inquiryRate: 'rate', chatOpenRate: 'rate', avgEngagedMs: 'mean',
}

export const FULL_WEEKS = 52
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
  const now = toMs(options.now ?? options.asOf, Date.now())
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
  const spans = weeks.map((w) => ({ start: w.start, end: w.end ?? new Date(Date.parse(w.start) + WEEK).toISOString(), sessions: w.overall?.sessions ?? 0 }))
  const days = options.days?.filter((d) => Date.parse(d.start) < now)
  // A date alone (an annotation's) is midnight in the site's time zone.
  const at = (d: string) => instantIn(options.tz ?? 'UTC', d)
  const found = gapWeeks(spans, days, options.exclude, at)
  const gap = found.weeks
  const gaps = periodsOf(spans, gap)
  // The latest weeks a gap: since when (the first day of the last dark run, else the gap's first
  // week), and whether data is back in the week in progress or the gap was annotated.
  const last = gap.length - 1
  let stale: Stale | undefined
  if (last >= 0 && gap[last]) {
    const back = days?.find((d) => Date.parse(d.start) >= Date.parse(spans[last].end) && d.sessions > 0)?.start
    stale = { since: found.lastDark && found.lastDark >= gaps.at(-1)!.from ? found.lastDark : gaps.at(-1)!.from, back, excluded: found.excluded[last] }
  }
  // Known shifts, as the index of the week holding each date (the week in progress or later: n).
  const end = spans.length ? Date.parse(spans[last].end) : -Infinity
  const known = (options.changes ?? [])
    .map(at)
    .filter((t) => !Number.isNaN(t))
    .map((t) => (t >= end ? spans.length : spans.findIndex((w) => t >= Date.parse(w.start) && t < Date.parse(w.end))))
    .filter((i) => i >= 0)
  const names = new Set(Object.keys(classes))
  const valueOf = (m: Partial<Metrics> | undefined, k: string) => (m as Record<string, unknown> | undefined)?.[k]
  const kpis = options.kpis ?? [...names].filter((k) => series.some((w) => typeof valueOf(w.overall, k) === 'number'))
  for (const k of kpis) if (!names.has(k)) throw new CommitmentError(`unknown KPI ${JSON.stringify(k)}`)
  const channels = [...new Set(series.flatMap((w) => Object.keys(w.byChannel ?? {})))].sort()
  const scopes = options.scopes ?? ['overall', ...channels]
  for (const s of scopes) if (s !== 'overall' && !channels.includes(s)) throw new CommitmentError(`unknown channel ${JSON.stringify(s.slice(0, 64))}`)

  const out: Commitment[] = []
  for (const kpi of kpis) {
    for (const scope of scopes) {
      const kind = KINDS[kpi] ?? 'count'
      const metrics = weeks.map((w) => (scope === 'overall' ? w.overall : w.byChannel?.[scope]))
      const sessions = metrics.map((m, i) => (gap[i] ? null : m?.sessions ?? 0))
      const history = weeks.map((w, i) => {
        if (gap[i]) return { start: w.start, value: null, gap: true as const }
        const v = valueOf(metrics[i], kpi)
        // A rate of a week without sessions is undefined, not zero; a channel absent that week had none.
        const usable = typeof v === 'number' && Number.isFinite(v) && !(kind !== 'count' && !(metrics[i]?.sessions ?? 0))
        return { start: w.start, value: usable ? (v as number) : scope === 'overall' || kind !== 'count' ? null : 0 }
      })
      out.push(commit({ kpi, scope, cls: classes[kpi] ?? 'owned', kind, history, sessions, forecast, confidence, horizon, gaps, stale, known }))
    }
  }
  const order: Record<OwnershipClass, number> = { owned: 0, shared: 1, outside: 2 }
  return out.sort((a, b) => order[a.class] - order[b.class])
}

/** The latest weeks are a gap: since when, whether data is back, whether they were annotated `exclude`. */
interface Stale {
  since: string
  back?: string
  excluded: boolean
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

const METHOD_NAMES: Record<string, string> = {
  level: 'the mean of the last 8 weeks without their two highest and their lowest',
  trend: 'a robust (Theil–Sen) line through the last 8 weeks, carried forward',
  season: 'the level of the last 8 weeks × how the same weeks compared with their level a year earlier',
}

interface Row {
  kpi: string
  scope: string
  cls: OwnershipClass
  kind: Kind
  history: Commitment['history']
  sessions: (number | null)[]
  forecast: string[]
  confidence: number
  horizon: number
  gaps: { from: string; to: string }[]
  stale?: Stale
  known: number[]
}

const commit = ({ kpi, scope, cls, kind, history, sessions, forecast, confidence, horizon, gaps, stale, known }: Row): Commitment => {
  const ys = history.map((h) => h.value)
  const w = walk(ys, sessions, kind, horizon, confidence, known)
  // A known shift of the week in progress is dated by it.
  const weekOf = (i: number) => history[i]?.start ?? forecast[0]
  const changePoints = w.shifts.map(weekOf)
  const status: Commitment['status'] = stale ? 'stale' : w.clean < MIN_WEEKS ? 'insufficient' : w.clean < FULL_WEEKS ? 'provisional' : 'full'
  const hitRate = w.judged ? w.held / w.judged : null
  const base: Commitment = {
    kpi, scope, class: cls, weeks: w.weeks, status,
    baseline: w.baseline, low: [], high: [], commitment: null,
    hitRate, hitRateLow: hitRate === null ? null : wilsonLow(hitRate, w.weeks),
    changePoints, gaps, method: w.baseline.length ? w.method : null, note: '', history, forecast,
  }
  if (w.baseline.length && w.ratios.length >= 2) {
    const at = (p: number) => w.ratios[Math.min(w.ratios.length - 1, Math.max(0, Math.round(p * (w.ratios.length - 1))))]
    const lo = at((1 - confidence) / 2), hi = at(1 - (1 - confidence) / 2)
    base.low = w.baseline.map((b) => b * Math.min(lo, 1))
    base.high = w.baseline.map((b) => b * Math.max(hi, 1))
  }
  const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`
  const parts: string[] = []
  if (stale) {
    parts.push(
      stale.excluded
        ? `The latest weeks, from ${stale.since.slice(0, 10)}, are excluded (annotated): the figures below are from before them.`
        : stale.back
          ? `No data from ${stale.since.slice(0, 10)} until it resumed on ${stale.back.slice(0, 10)}: the figures below are from before the gap.`
          : `No data since ${stale.since.slice(0, 10)}: tracking or collection seems to have stopped. The figures below are from before then.`,
    )
  }
  const weeksSince = w.start ? ` since the level shift of the week of ${weekOf(w.start).slice(0, 10)}` : ''
  const missing = gaps.length
    ? ` Left out as missing data: ${gaps.map((g) => `${g.from.slice(0, 10)} to ${g.to.slice(0, 10)}`).join(', ')}.`
    : ''
  const who = cls === 'shared' ? ' Shared KPI: the site, offer and sales team move it as much as marketing; commit to it as a team.' : ''
  const method = METHOD_NAMES[w.method]
  if (cls === 'outside') {
    base.note = [...parts, `Context only: sales closure is not a marketing commitment.${w.baseline.length ? ` Baseline: ${method}.` : ''}${missing}`].join(' ')
    return base
  }
  if (w.floor === undefined) {
    const perWeek = median(sessions.slice(w.start).filter((v): v is number => v !== null).slice(-8))
    const low = w.baseline.length ? Math.min(...w.baseline) : 0
    const why =
      w.why === 'history' || !w.baseline.length
        ? `Not enough history: ${plural(w.clean, 'complete week')}${weeksSince}; a commitment needs ${MIN_WEEKS}.`
        : w.why === 'ratios'
          ? `Not enough backtest yet: ${plural(w.n ?? 0, 'past forecast')} to judge by; a ${pct(confidence)} floor needs ${Math.ceil(1 / (1 - confidence) - 1e-9) - 1}.`
          : w.why === 'zero'
            ? `No floor above 0: the KPI was 0 in ${plural(w.zeros ?? 0, 'week')} of the ratios behind it, so a ${pct(confidence)} floor would promise nothing.`
            : kind === 'rate'
            ? `Too few sessions to commit (${Math.round(perWeek).toLocaleString('en-US')} a week): a rate near ${pct(low)} needs about ${Math.ceil(MIN_EVENTS / Math.max(low, 1e-9)).toLocaleString('en-US')} sessions a week (${MIN_EVENTS} expected events).`
            : kind === 'mean'
              ? `Too few sessions to commit (${Math.round(perWeek).toLocaleString('en-US')} a week): an average per session needs ${MIN_SESSIONS} a week.`
              : `Too few to commit (about ${Math.round(low).toLocaleString('en-US')} a week): a floor needs at least ${MIN_EVENTS} a week.`
    base.note = [...parts, why + missing + who].join(' ')
    return base
  }
  base.commitment = w.floor
  const sure = 1 - w.k! / (w.n! + 1)
  parts.push(
    `Baseline: ${method} (of three methods, the one whose past forecasts erred least).`,
    `Floor: the lowest baseline of the next ${plural(horizon, 'week')} × ${w.q!.toFixed(3)}, the ${ordinal(w.k!)} lowest of ${w.n} past ratios of actual to forecast` +
      ` (split conformal: if the coming weeks behave like those, each reaches the floor with probability at least ${pct(sure)}).`,
    w.judged
      ? `Backtested week by week, each floor from the weeks before it only: held in ${w.held} of ${w.judged} checks of a floor against its week (${pct(hitRate!)}; at least ${pct(base.hitRateLow!)} with 95 % confidence), over ${plural(w.weeks, 'week')}.`
      : 'No backtested weeks yet.',
  )
  if (weeksSince) parts.push(`It uses the ${plural(w.clean, 'week')}${weeksSince}.`)
  if (status === 'provisional') parts.push(`Provisional: ${plural(w.clean, 'week')}, no yearly season yet.`)
  base.note = parts.join(' ') + missing + who
  return base
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`
const ordinal = (n: number) => `${n}${n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th'}`
