/** `/commitments` over a store's weekly series: the same for the embedded store and ClickHouse. */
import { computeCommitments, CommitmentError, type Commitment, type CommitmentOptions } from '../kpi/commitments'
import type { SeriesPoint } from './engine'

/**
 * Commitments from the first stored event's week to now, or `{ error }` for what the asker got
 * wrong (an unknown channel, nothing stored yet).
 */
export const commitmentsOver = async (
  first: number | undefined,
  weeks: (from: number, to: number) => Promise<SeriesPoint[] | undefined | null>,
  options: CommitmentOptions & { tz: string },
): Promise<Commitment[] | { error: string }> => {
  if (first === undefined) return { error: 'no stored events yet: commitments need weeks of history' }
  const now = options.now === undefined ? Date.now() : Number(options.now)
  const series = (await weeks(first, now)) ?? []
  try {
    return computeCommitments(series, { ...options, now, since: first })
  } catch (err) {
    if (err instanceof CommitmentError) return { error: err.message }
    throw err
  }
}
