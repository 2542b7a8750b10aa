import { describe, expect, it } from 'vitest'
import { backoff, parseRetryAfter } from '../../src/shared/backoff'

describe('backoff', () => {
  it('grows exponentially with full jitter', () => {
    expect(backoff(1, undefined, () => 1)).toBe(1000)
    expect(backoff(3, undefined, () => 1)).toBe(4000)
    expect(backoff(3, undefined, () => 0)).toBe(0)
    expect(backoff(3, undefined, () => 0.5)).toBe(2000)
  })
  it('is capped at 5 minutes', () => {
    expect(backoff(30, undefined, () => 1)).toBe(300e3)
  })
  it('lets Retry-After win', () => {
    expect(backoff(5, 2000, () => 1)).toBe(2000)
  })
})

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000)
    const d = parseRetryAfter(new Date(Date.now() + 10e3).toUTCString())!
    expect(d).toBeGreaterThan(8000)
    expect(d).toBeLessThanOrEqual(10e3)
  })
  it('ignores missing, past or garbage values', () => {
    expect(parseRetryAfter(null)).toBeUndefined()
    expect(parseRetryAfter('soon')).toBeUndefined()
    expect(parseRetryAfter(new Date(0).toUTCString())).toBeUndefined()
  })
})
