/** Per-client token bucket: `rate` requests a second, bursts up to `burst`. */

export interface RateLimitOptions {
  /** Sustained requests per second per client. Default 20. */
  rate?: number
  /** Requests a client may make at once. Default 60. */
  burst?: number
  /** Clients tracked at once; the least recently seen are forgotten first. Default 10,000. */
  maxClients?: number
}

/** Returns a function that takes a client key and answers 0 (go) or the seconds to wait. */
export const createRateLimiter = ({ rate = 20, burst = 60, maxClients = 10_000 }: RateLimitOptions = {}) => {
  const buckets = new Map<string, { tokens: number; at: number }>()
  return (key: string, now = Date.now()): number => {
    const b = buckets.get(key) ?? { tokens: burst, at: now }
    buckets.delete(key)
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate)
    b.at = now
    // Re-inserting keeps the Map ordered by last use: the first entry is the stalest.
    buckets.set(key, b)
    if (buckets.size > maxClients) buckets.delete(buckets.keys().next().value as string)
    if (b.tokens >= 1) {
      b.tokens -= 1
      return 0
    }
    return Math.ceil((1 - b.tokens) / rate)
  }
}
