#!/usr/bin/env node
/**
 * `npm run build && node bench/commitments.mjs`: time `computeCommitments` itself on 11 scopes
 * (overall and 10 channels) × 8 KPIs of synthetic weekly series, over a year and over ten years,
 * and on the real series of bench/real/ (with their days, so with their gaps). Median of RUNS.
 * `OUT=file.json` also writes every result, to compare two builds for identical output.
 */
import { writeFileSync } from 'node:fs'
import { loadReal } from './real/index.mjs'
import { weeksOf } from './real/backtest.mjs'
import { MONDAY, weekly } from './synthetic.mjs'

const { computeCommitments } = await import(process.env.MODULE ?? '../dist/kpi.mjs')
const RUNS = Number(process.env.RUNS ?? 5)
const WEEK = 7 * 86_400_000
const iso = (t) => new Date(t).toISOString().slice(0, 19) + '+00:00'

const PROCESSES = [
  { noise: 0.05 }, { season: 0.2, noise: 0.08 }, { trend: 0.15, noise: 0.1 }, { step: { at: 30, size: -0.4 }, noise: 0.05 },
  { spikes: 6, noise: 0.06 }, { season: 0.1, step: { at: 200, size: 0.5 }, noise: 0.12 },
]
/** `weeks` weeks of overall and 10 channels, each with the 8 KPIs of the owned and shared classes. */
const synthetic = (weeks, seed) => {
  const scope = (s) => {
    const p = PROCESSES[s % PROCESSES.length]
    const sessions = weekly({ ...p, weeks, level: 200 + 400 * s, seed: seed * 100 + s })
    const share = (k, base) => weekly({ ...p, weeks, level: base, noise: 0.1, seed: seed * 100 + s * 10 + k })
    const [users, engaged, ms, cart, inquiry, chat] = [share(1, 0.8), share(2, 0.5), share(3, 40_000), share(4, 0.03), share(5, 0.01), share(6, 0.02)]
    return sessions.map((v, i) => {
      const n = Math.round(i % 97 === 50 && s === 3 ? 0 : v)
      return {
        sessions: n, users: Math.round(n * Math.min(1, users[i])), engagedSessions: Math.round(n * Math.min(1, engaged[i])),
        engagementRate: Math.min(1, engaged[i]), avgEngagedMs: ms[i], addToCartRate: cart[i], inquiryRate: inquiry[i], chatOpenRate: chat[i],
      }
    })
  }
  const channels = Array.from({ length: 10 }, (_, c) => scope(c + 1))
  const overall = scope(0)
  return overall.map((m, i) => ({
    start: iso(MONDAY + i * WEEK), end: iso(MONDAY + (i + 1) * WEEK), overall: m,
    byChannel: Object.fromEntries(channels.map((c, k) => [`channel-${k}`, c[i]])),
  }))
}
const nowOf = (series) => Date.parse(series.at(-1).end)

const cases = []
for (const [name, weeks] of [['1 year', 53], ['10 years', 521]]) {
  const series = synthetic(weeks, weeks)
  cases.push({ name: `${name}, 11 scopes × 8 KPIs`, timed: true, series, options: { now: nowOf(series) } })
}
const year = synthetic(120, 7)
cases.push({ name: 'options', series: year, options: { now: nowOf(year), confidence: 0.95, horizon: 13, tz: 'Europe/Paris', changes: [year[60].start.slice(0, 10), year.at(-1).end.slice(0, 10)], exclude: [{ from: year[40].start.slice(0, 10), to: year[43].start.slice(0, 10) }] } })
for (const real of loadReal()) {
  const { weeks, days } = weeksOf(real)
  const series = weeks.map((w) => ({ start: `${w.start}T00:00:00+00:00`, end: iso(Date.parse(w.start) + WEEK), overall: { sessions: w.sessions, engagementRate: Math.min(1, w.sessions / 1e6) }, byChannel: {} }))
  const now = nowOf(series)
  cases.push({ name: real.name, timed: true, series, options: { now, days, since: Date.parse(series[0].start) } })
  cases.push({ name: `${real.name}, changes`, series, options: { now, days, horizon: 2, changes: [series[100].start.slice(0, 10)] } })
}

const out = {}
for (const c of cases) {
  const times = []
  for (let r = 0; r < (c.timed ? RUNS : 1); r++) {
    const t0 = performance.now()
    out[c.name] = computeCommitments(c.series, c.options)
    times.push(performance.now() - t0)
  }
  times.sort((a, b) => a - b)
  if (c.timed) console.log(`${c.name}: ${c.series.length} weeks, ${out[c.name].length} commitments, ${times[times.length >> 1].toFixed(0)} ms (median of ${RUNS})`)
}
if (process.env.OUT) writeFileSync(process.env.OUT, JSON.stringify(out))
