/** `/commitments` over a store's weekly series: the same for the embedded store and ClickHouse. */
import { computeCommitments, CommitmentError, type Commitment, type CommitmentOptions } from '../../kpi/commitments'
import type { SeriesPoint } from './engine'

/** An instant given as epoch ms or ISO 8601; NaN when unreadable. */
const toMs = (v: number | string) => (typeof v === 'number' ? v : /^-?\d+$/.test(v) ? Number(v) : Date.parse(v))

/**
 * Commitments from the first stored event's week to now (`options.now`, or `asOf`, default the
 * clock), from the events before it only; or `{ error }` for what the asker got wrong (an unknown
 * channel, nothing stored before then).
 */
export const commitmentsOver = async (
  first: number | undefined,
  series: (interval: 'week' | 'day', from: number, asOf: number) => Promise<SeriesPoint[] | undefined | null>,
  options: CommitmentOptions & { tz: string; asOf?: number | string },
  /** The days' sessions, when the store counts them alone faster than a daily series. */
  daily?: (from: number, asOf: number) => Promise<{ start: string; sessions: number }[] | undefined>,
): Promise<Commitment[] | { error: string }> => {
  const asked = options.now ?? options.asOf
  const now = asked === undefined ? Date.now() : toMs(asked)
  if (Number.isNaN(now)) return { error: 'asOf (now) must be an ISO 8601 date or epoch milliseconds' }
  if (first === undefined) return { error: 'no stored events yet: commitments need weeks of history' }
  if (first >= now) return { error: `no stored events before ${new Date(now).toISOString()}: commitments need weeks of history` }
  const weeks = (await series('week', first, now)) ?? []
  // The days' sessions find a gap to the day (a history too long for days: by the week).
  const days = daily ? await daily(first, now) : (await series('day', first, now))?.map((d) => ({ start: d.start, sessions: d.overall.sessions ?? 0 }))
  const { asOf: _, ...rest } = options
  try {
    return computeCommitments(weeks, { ...rest, now, since: first, days })
  } catch (err) {
    if (err instanceof CommitmentError) return { error: err.message }
    throw err
  }
}
