/**
 * Synthetic weekly KPI series with known processes, for the commitment calibration benchmark
 * and unit tests: level, yearly season, trend, multiplicative noise, an optional step change
 * (a new strategy) and optional short spikes (a sale). Deterministic for a seed.
 */
const WEEK = 7 * 86_400_000
/** A Monday, 00:00 UTC. */
export const MONDAY = Date.UTC(2024, 0, 1)

export const rng = (seed) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

/** Standard normal from two uniforms (Box–Muller). */
const normal = (r) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r())

/**
 * Weekly values. Options: weeks, level (1000), season (yearly amplitude, 0–1), trend (per year),
 * noise (relative sd), step { at, size } (relative), spikes (count of one- or two-week
 * events, +80 %), seed.
 */
export const weekly = ({ weeks, level = 1000, season = 0, trend = 0, noise = 0.05, step, spikes = 0, seed = 1 }) => {
  const r = rng(seed)
  const phase = r() * 2 * Math.PI
  // Separate events (a sale, a press mention): each one or two weeks, at least 6 weeks apart.
  const spikeAt = new Set()
  for (let tries = 0; spikeAt.size < spikes && tries < 1000; tries++) {
    const at = Math.floor(r() * (weeks - 1))
    if ([...spikeAt].every((s) => Math.abs(s - at) >= 6)) spikeAt.add(at)
  }
  const long = new Set([...spikeAt].filter(() => r() < 0.5))
  return Array.from({ length: weeks }, (_, i) => {
    let v = level * (1 + (trend * i) / 52) * (1 + season * Math.sin((2 * Math.PI * i) / 52 + phase))
    if (step && i >= step.at) v *= 1 + step.size
    if (spikeAt.has(i) || long.has(i - 1)) v *= 1.8
    return Math.max(0, v * (1 + noise * normal(r)))
  })
}

/** As `/kpi/series?interval=week` (UTC): `sessions` carries the values; rates ride along. */
export const asSeries = (values, start = MONDAY) =>
  values.map((v, i) => ({
    start: new Date(start + i * WEEK).toISOString().slice(0, 19) + '+00:00',
    end: new Date(start + (i + 1) * WEEK).toISOString().slice(0, 19) + '+00:00',
    overall: { sessions: v, engagementRate: Math.min(1, v / 4000) },
    byChannel: {},
  }))
