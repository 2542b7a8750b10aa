#!/usr/bin/env node
/**
 * `npm run bench:calibration`: are the commitments honest? On synthetic histories with known
 * processes, the 90 % floor computed from the history is checked against the held-out weeks
 * that follow: it should hold in 85–95 % of them (above 95 %: floors set too low to be useful).
 * Beside it, two rules a marketer uses today: "last year's value" and "the trailing 4-week mean".
 * Then the same on real public traffic series (bench/real/): per series and pooled, beside a
 * naive empirical rule (the median of the last 8 weeks × the 10th percentile of past ratios).
 */
import { computeCommitments } from '../dist/kpi.mjs'
import { footfallRule, judge, medianOf, naiveRule, pool } from './real/backtest.mjs'
import { loadReal } from './real/index.mjs'
import { asSeries, weekly } from './synthetic.mjs'

const SEEDS = Number(process.env.SEEDS ?? 150)
const HORIZON = 4
const CONFIDENCE = 0.9
const WEEK = 7 * 86_400_000

const scenarios = [
  ['stationary, 5 % noise', { noise: 0.05 }],
  ['stationary, 15 % noise', { noise: 0.15 }],
  ['yearly season ±20 %, 5 % noise', { season: 0.2, noise: 0.05 }],
  ['season ±20 %, trend +15 %/yr, 8 % noise', { season: 0.2, trend: 0.15, noise: 0.08 }],
  ['step +40 % 24 weeks ago, 5 % noise', { step: { at: 80, size: 0.4 }, noise: 0.05 }],
  ['step −30 % 44 weeks ago, season ±10 %, 10 % noise', { step: { at: 60, size: -0.3 }, season: 0.1, noise: 0.1 }],
  ['4 sale spikes a year, 5 % noise', { spikes: 8, noise: 0.05 }],
  ['provisional: 30 weeks, 8 % noise', { noise: 0.08, weeks: 30 }],
]

const rows = []
let allHits = 0, allTotal = 0
const allRatios = []
for (const [name, process_] of scenarios) {
  const historyWeeks = process_.weeks ?? 104
  const stats = { footfall: [0, 0, []], lastYear: [0, 0, []], trailing4: [0, 0, []] }
  let committed = 0
  for (let seed = 1; seed <= SEEDS; seed++) {
    const values = weekly({ ...process_, weeks: historyWeeks + HORIZON, seed })
    const history = values.slice(0, historyWeeks)
    const future = values.slice(historyWeeks)
    const series = asSeries(history)
    const now = Date.parse(series.at(-1).end)
    const [c] = computeCommitments(series, { kpis: ['sessions'], scopes: ['overall'], confidence: CONFIDENCE, horizon: HORIZON, now, since: Date.parse(series[0].start) })
    const check = (key, floor) => {
      if (floor == null) return
      for (const y of future) {
        stats[key][1]++
        if (y >= floor) stats[key][0]++
        stats[key][2].push(floor / y)
      }
    }
    if (c.commitment != null) committed++
    check('footfall', c.commitment)
    if (historyWeeks >= 52) for (let j = 0; j < HORIZON; j++) check('lastYear', history[historyWeeks + j - 52]) // per-week rule
    check('trailing4', history.slice(-4).reduce((a, b) => a + b, 0) / 4)
  }
  const cell = ([hits, total, ratios]) => {
    if (!total) return '—'
    const sorted = ratios.sort((a, b) => a - b)
    return `${((hits / total) * 100).toFixed(1)} % · ${sorted[sorted.length >> 1].toFixed(2)}`
  }
  allHits += stats.footfall[0]
  allTotal += stats.footfall[1]
  allRatios.push(...stats.footfall[2])
  rows.push([name, cell(stats.footfall), `${committed}/${SEEDS}`, cell(stats.lastYear), cell(stats.trailing4)])
}

const head = ['history', 'footfall 90 % floor: held · floor÷actual', 'committed', 'last year\'s value', 'trailing 4-week mean']
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
const line = (r) => '| ' + r.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |'
console.log(`Commitment calibration: ${SEEDS} seeds per history, horizon ${HORIZON} weeks, confidence ${CONFIDENCE}.`)
console.log('"held" = share of held-out future weeks at or above the floor; "floor÷actual" = median ratio (closer to 1 = more useful).\n')
console.log(line(head))
console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|')
for (const r of rows) console.log(line(r))
console.log(`\nfootfall overall: ${((allHits / allTotal) * 100).toFixed(1)} % of ${allTotal} held-out weeks (goal 85–95 %), median floor÷actual ${medianOf(allRatios).toFixed(2)} (goal ≥ 0.85)`)
void WEEK

// Real series: rolling origin every 4 weeks, each origin seeing only the weeks before it.
const real = loadReal()
const rules = [['footfall 90 % floor', footfallRule(computeCommitments)], ['naive rule', naiveRule]]
const judged = rules.map(([, rule]) => real.map((s) => judge(s, rule)))
const realHead = ['series', ...rules.flatMap(([name]) => [`${name}: held · floor÷actual`, 'committed (eligible)', 'zero · above baseline'])]
const realRows = [...real.map((s, i) => [s.name, i]), ['pooled', -1]].map(([name, i]) => [
  name,
  ...judged.flatMap((results) => {
    const r = i < 0 ? pool(results) : results[i]
    return [
      `${((r.held / r.judged) * 100).toFixed(1)} % of ${r.judged} · ${medianOf(r.ratios).toFixed(2)}`,
      `${r.committed}/${r.origins} (${r.eligibleCommitted}/${r.eligible})`,
      `${r.zero} · ${r.above}`,
    ]
  }),
])
const realWidths = realHead.map((h, i) => Math.max(h.length, ...realRows.map((r) => String(r[i]).length)))
const realLine = (r) => '| ' + r.map((c, i) => String(c).padEnd(realWidths[i])).join(' | ') + ' |'
console.log(`\nReal series (bench/real/README.md): origins every 4 weeks; weeks with a missing day are footfall's to find as gaps and are not judged.`)
console.log('"eligible" = origins with 8+ clean weeks since the last change point. Goals: held 85–95 %, floor÷actual ≥ 0.75, no zero floor, none above its baseline, committed at ≥ 95 % of eligible origins.\n')
console.log(realLine(realHead))
console.log('|' + realWidths.map((w) => '-'.repeat(w + 2)).join('|') + '|')
for (const r of realRows) console.log(realLine(r))
