#!/usr/bin/env node
/**
 * `npm run bench:kpi`: the KPI store on a year of synthetic history of two sites (half the events
 * each, as the collector stores them), beside the full scan reports used before it (read every
 * event, computeKpis in memory). Reports are asked with the admin token, for one site: cold (the
 * first on a restarted collector), repeated, and right after 20 new events (on a copy of the store).
 * Usage: node bench/kpi.mjs [events=1000000,10000000]   (data kept under bench/.data for reruns)
 */
import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const cli = join(root, 'dist/footfall-collector.mjs')
const sizes = (process.argv[2] ?? '1000000,10000000').split(',').map(Number)
const RUNS = 5
const SITES = ['shop-a', 'shop-b']
/** The history's last day: fixed, so that the data kept for reruns and the week asked below stay the same. */
const END = '2026-11-30'
const TOKEN = 'bench-admin-token-0123456789abcdef'
const AUTH = { headers: { authorization: `Bearer ${TOKEN}` } }

const start = (data) =>
  new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, [cli, '--port', '0', '--data', data, '--rate-limit', '0', '--admin-token', TOKEN], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stderr.on('data', () => {})
    child.stdout.on('data', (d) => {
      out += d
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (m) resolve({ url: m[1], child, listening: performance.now() - t0, t0 })
    })
    child.once('exit', (code) => reject(new Error(`collector exited with ${code}`)))
  })
/** A batch of 20 page views of one site, sent now, with random message ids (as the SDK sends them). */
let posted = 0
const post = async (url, site) => {
  const now = new Date().toISOString()
  const batch = Array.from({ length: 20 }, (_, i) => ({
    type: 'page', messageId: randomUUID(), timestamp: now, anonymousId: `live-visitor-${posted}`,
    context: { sessionId: `live-session-${process.pid}-${posted}`, page: { url: 'https://shop.example/', path: '/', referrer: '' } },
  }))
  posted++
  const res = await fetch(`${url}/collect`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ batch, writeKey: site, sentAt: now }) })
  if (res.status !== 200) throw new Error(`collect: ${res.status}`)
}
const stop = (c) => new Promise((r) => (c.child.once('exit', r), c.child.kill('SIGTERM')))
const json = async (url) => (await fetch(url, AUTH)).json()
const until = async (check) => {
  for (;;) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** The first (cold) time of a GET and the median of the repeats, ms. */
const timed = async (url) => {
  const times = []
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now()
    const res = await fetch(url, AUTH)
    await res.arrayBuffer()
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`)
    times.push(performance.now() - t0)
  }
  const sorted = [...times.slice(1)].sort((a, b) => a - b)
  return `${Math.round(times[0])} ms / ${Math.round(sorted[sorted.length >> 1])} ms`
}

/** The report as it was made before the store: every event read and computed in memory. */
const fullScan = (data) => {
  const script = `
    import { createReadStream, readdirSync } from 'node:fs'
    import { createInterface } from 'node:readline'
    import { computeKpis } from ${JSON.stringify(join(root, 'dist/kpi.mjs'))}
    const t0 = performance.now(); const events = []
    for (const f of readdirSync(${JSON.stringify(data)}).filter((f) => f.endsWith('.ndjson')).sort())
      for await (const line of createInterface({ input: createReadStream(${JSON.stringify(data)} + '/' + f) })) if (line) events.push(JSON.parse(line))
    computeKpis(events)
    console.log(JSON.stringify({ ms: performance.now() - t0, rss: process.resourceUsage().maxRSS * 1024 }))`
  const r = spawnSync(process.execPath, ['--max-old-space-size=4096', '--input-type=module', '-e', script], { encoding: 'utf8' })
  if (r.status !== 0) return 'out of memory (4 GB heap)'
  const { ms, rss } = JSON.parse(r.stdout)
  return `${(ms / 1000).toFixed(1)} s, ${Math.round(rss / 1e6)} MB`
}

const rows = []
for (const events of sizes) {
  const data = join(root, 'bench/.data', `kpi-${SITES.length}sites-${events}`)
  if (!existsSync(join(data, '.complete'))) {
    rmSync(data, { recursive: true, force: true })
    mkdirSync(data, { recursive: true })
    console.log(`writing ${events} sample events…`)
    SITES.forEach((site, i) =>
      spawnSync(process.execPath, [cli, 'sample', data, '--events', String(events / SITES.length), '--days', '365', '--end', END, '--site', site, '--seed', String(i + 1)], { stdio: 'inherit' }),
    )
    spawnSync('touch', [join(data, '.complete')])
  }
  // REUSE=1 keeps a store built by an earlier run (its build time is then not measured again).
  const reuse = process.env.REUSE === '1' && existsSync(join(data, 'kpi.duckdb'))
  if (!reuse) {
    rmSync(join(data, 'kpi.duckdb'), { force: true })
    rmSync(join(data, 'kpi.duckdb.wal'), { force: true })
  }
  console.log(`${events} events: full scan…`)
  const scan = events <= 2_000_000 ? fullScan(data) : 'not run (the 1 M scan already takes 1.3 GB)'

  console.log(`${events} events: ${reuse ? 'opening' : 'building'} the store…`)
  let c = await start(data)
  await until(async () => (await json(`${c.url}/health`)).kpi?.state === 'ready')
  const rebuild = (performance.now() - c.t0) / 1000
  const stored = (await json(`${c.url}/health`)).kpi.progress?.events ?? events
  await stop(c)

  // Restart: how soon ingest answers, how soon reports do; then each report cold (the first on
  // the restarted process) and repeated (answered from memory while the data is unchanged).
  c = await start(data)
  const listening = c.listening
  await until(async () => (await json(`${c.url}/health`)).kpi?.state === 'ready')
  const ready = performance.now() - c.t0
  const site = `site=${SITES[0]}`
  const year = await timed(`${c.url}/kpi?${site}`)
  const week = await timed(`${c.url}/kpi?${site}&from=2026-06-01T00:00:00Z&to=2026-06-08T00:00:00Z`)
  const series = await timed(`${c.url}/kpi/series?${site}&interval=week&tz=Europe/Berlin`)
  const commitments = await timed(`${c.url}/commitments?${site}&tz=Europe/Berlin`)
  const rss = (await json(`${c.url}/health`)).memory.rss
  await stop(c)

  // What a marketer meets on a live site: new events arrived since the last answer. Each time, a
  // batch of 20 is posted, then the report asked (it applies them first): the median of five. On a
  // copy of the store beside the same day files, so that the data kept for reruns stays as written.
  const copy = mkdtempSync(join(tmpdir(), 'footfall-bench-live-'))
  for (const f of readdirSync(data)) if (f.endsWith('.ndjson')) symlinkSync(join(data, f), join(copy, f))
  for (const f of ['kpi.duckdb', 'kpi.duckdb.wal', 'kpi.duckdb.ids']) if (existsSync(join(data, f))) copyFileSync(join(data, f), join(copy, f))
  c = await start(copy)
  await until(async () => (await json(`${c.url}/health`)).kpi?.state === 'ready')
  await json(`${c.url}/kpi?${site}`)
  const afterNew = async (path) => {
    const times = []
    for (let i = 0; i < RUNS; i++) {
      await post(c.url, SITES[0])
      const t0 = performance.now()
      const res = await fetch(`${c.url}${path}`, AUTH)
      await res.arrayBuffer()
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`)
      times.push(performance.now() - t0)
    }
    return `${Math.round(times.sort((a, b) => a - b)[times.length >> 1])} ms`
  }
  const live = `${await afterNew(`/kpi?${site}`)} / ${await afterNew(`/commitments?${site}&tz=Europe/Berlin`)} (RSS ${Math.round((await json(`${c.url}/health`)).memory.rss / 1e6)} MB)`
  await stop(c)
  rmSync(copy, { recursive: true, force: true })
  rows.push([`${(stored / 1e6).toFixed(2)} M`, scan, reuse ? 'reused' : `${rebuild.toFixed(0)} s (${Math.round(stored / rebuild)}/s)`, year, week, series, commitments, live, `${Math.round(rss / 1e6)} MB`, `${(listening / 1000).toFixed(2)} s / ${(ready / 1000).toFixed(2)} s`])
}

const head = ['events', 'full scan (before)', 'store build', '/kpi year: cold / repeated', '/kpi one week', '/kpi/series weeks', '/commitments', 'after 20 new events: /kpi year / /commitments', 'RSS after', 'restart: ingest / reports ready']
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
const line = (r) => '| ' + r.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |'
console.log('\n' + line(head))
console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|')
for (const r of rows) console.log(line(r))
console.log('\nIngest with the store on vs off: KPI=off npm run bench:collector, then npm run bench:collector.')
