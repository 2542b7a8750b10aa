// @vitest-environment node
/**
 * The sliding noise (noise.ts) is noiseOf's figure on the same window, to the last bit: on noise,
 * ties, zeros, constant stretches, and windows not yet full.
 */
import { describe, expect, it } from 'vitest'
import { weekly } from '../../bench/synthetic.mjs'
import { noiseWindow } from '../../src/kpi/noise'
import { noiseOf } from '../../src/kpi/shifts'

const slidingEqualsSorted = (ys: number[], size: number) => {
  const w = noiseWindow(size)
  ys.forEach((y, i) => {
    w.push(y)
    expect(Object.is(w.noise(), noiseOf(ys.slice(Math.max(0, i + 1 - size), i + 1)))).toBe(true)
  })
}

describe('sliding noise', () => {
  it('is noiseOf of the latest values, week by week', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const ys = weekly({ weeks: 150, noise: 0.1, season: 0.2, spikes: 4, seed })
      slidingEqualsSorted(ys, 52)
      slidingEqualsSorted(ys, 62)
      // Ties and zeros: small counts.
      slidingEqualsSorted(ys.map((v) => Math.round(v / 80)), 52)
    }
  })

  it('holds on constant stretches, a single value and windows of two', () => {
    slidingEqualsSorted([5, 5, 5, 5, 0, 0, 0, 5, 5], 4)
    slidingEqualsSorted([3], 52)
    slidingEqualsSorted([1, 4, 2, 8, 5, 7], 2)
  })
})
