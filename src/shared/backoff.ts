/**
 * Delay before retry number `attempt` (1, 2, …): exponential with full jitter (a random wait
 * between 0 and `base` · 2^attempt, capped) so that many browsers coming back after an outage do
 * not hit the collector in step. A `Retry-After` from the collector wins. The SDK and the
 * collector's forwarder both use it.
 */
export const backoff = (attempt: number, retryAfter?: number, random?: () => number, base?: number, cap?: number): number =>
  retryAfter ?? (random ? random() : Math.random()) * Math.min(cap ?? 300e3, (base ?? 500) * 2 ** attempt)

/** Parses `Retry-After` (delta-seconds or an HTTP date) into milliseconds; undefined when absent, past or garbage. */
export const parseRetryAfter = (h: string | null | undefined): number | undefined => {
  if (!h) return
  const ms = /^\d+$/.test(h) ? +h * 1e3 : Date.parse(h) - Date.now()
  return ms >= 0 ? ms : undefined
}
