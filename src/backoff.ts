/**
 * Delay before retry number `attempt` (1, 2, …): exponential with full jitter (a random wait
 * between 0 and 1 s · 2^attempt, capped at 5 minutes) so that many browsers coming back after an
 * outage do not hit the collector in step. A `Retry-After` from the collector wins.
 */
export const backoff = (attempt: number, retryAfter?: number, random = Math.random): number =>
  retryAfter ?? random() * Math.min(300e3, 500 * 2 ** attempt)
