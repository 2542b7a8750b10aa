// ClickHouse benchmark (reports figures, never fails the build). Needs clickhouse-server (Debian's
// package is enough) and a build (`npm run bench:clickhouse` builds first).
//  1. Sustained ingest from one collector into ClickHouse: 20 clients posting 20-event batches;
//     ClickHouse is stopped for 30 s in the middle and restarted; spool depth every second;
//     at the end every accepted event must be in ClickHouse (0 lost).
//  2. Reports over a year of EVENTS (default 1,000,000) sample events: /kpi and /kpi/series?interval=week
//     (what /commitments reads) from ClickHouse vs the embedded store, warm, median of 3.
// Usage: EVENTS=1000000 SECONDS=60 node bench/clickhouse.mjs
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const EVENTS = Number(process.env.EVENTS ?? 1_000_000)
const SECONDS = Number(process.env.SECONDS ?? 60)
const OUTAGE = Number(process.env.OUTAGE ?? 30)
const cli = new URL('../dist/footfall-collector.mjs', import.meta.url).pathname
const work = mkdtempSync(join(tmpdir(), 'footfall-bench-ch-'))
const children = new Set()
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const freePort = () => new Promise((resolve) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)) }) })

// --- ClickHouse as a plain process --------------------------------------------------------------
const chDir = join(work, 'clickhouse')
const [httpPort, tcpPort, interPort] = [await freePort(), await freePort(), await freePort()]
const chUrl = `http://127.0.0.1:${httpPort}`
let ch
const startClickHouse = async () => {
  ch = spawn(process.env.CLICKHOUSE_SERVER ?? 'clickhouse-server', ['--config-file=/etc/clickhouse-server/config.xml', '--', `--path=${chDir}/`, `--tmp_path=${chDir}/tmp/`,
    `--user_files_path=${chDir}/user_files/`, `--format_schema_path=${chDir}/format_schemas/`, `--http_port=${httpPort}`, `--tcp_port=${tcpPort}`,
    `--interserver_http_port=${interPort}`, '--listen_host=127.0.0.1', `--logger.log=${chDir}/ch.log`, `--logger.errorlog=${chDir}/err.log`, '--logger.level=warning'], { stdio: 'ignore' })
  children.add(ch)
  for (;;) {
    try { if ((await fetch(`${chUrl}/?query=SELECT%201`)).ok) return } catch {}
    if (ch.exitCode !== null) throw new Error('clickhouse-server exited: is it installed?')
    await sleep(100)
  }
}
const stopClickHouse = () => new Promise((resolve) => { ch.once('exit', resolve); ch.kill('SIGTERM'); children.delete(ch) })
const sql = async (q) => (await (await fetch(chUrl, { method: 'POST', body: q })).text()).trim()

const collector = (args) => new Promise((resolve, reject) => {
  const child = spawn(process.execPath, [cli, '--port', '0', '--rate-limit', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  children.add(child)
  let out = ''
  child.stderr.on('data', () => {})
  child.stdout.on('data', (d) => { out += d; const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out); if (m) resolve({ url: m[1], child }) })
  child.once('exit', (code) => reject(new Error(`collector exited with ${code}`)))
})
const stop = (c) => new Promise((resolve) => { c.child.once('exit', resolve); c.child.kill('SIGTERM'); children.delete(c.child) })
const getJson = async (url) => { const res = await fetch(url); return { status: res.status, body: await res.json() } }

const cleanup = () => { for (const c of children) c.kill('SIGKILL'); rmSync(work, { recursive: true, force: true }) }
process.on('exit', cleanup)
process.on('SIGINT', () => process.exit(130))

await startClickHouse()
const version = await sql('SELECT version()')
const lines = [`# ClickHouse benchmark`, '', `ClickHouse ${version} (one server process), Node ${process.version}, one collector process, loopback.`, '']

// --- 1. Sustained ingest through an outage --------------------------------------------------------
{
  const c = await collector(['--data', join(work, 'ingest'), '--clickhouse', `${chUrl}/?database=ingest`, '--clickhouse-apply-schema'])
  const agent = new Agent({ keepAlive: true, maxSockets: 20 })
  let seq = 0
  const envelope = () => ({
    type: 'page', properties: {}, messageId: `b-${seq++}`, timestamp: new Date().toISOString(), anonymousId: `a-${seq % 5000}`,
    context: { page: { url: 'https://shop.example/p', path: '/p', search: '', referrer: 'https://www.google.com/', title: 'P' }, sessionId: `s-${Math.floor(seq / 5)}` },
  })
  const post = (body) => new Promise((resolve, reject) => {
    const req = request(`${c.url}/collect`, { method: 'POST', agent, headers: { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) } }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)) })
    req.on('error', reject)
    req.end(body)
  })
  let accepted = 0, failed = 0, sending = true
  const depth = []
  const clients = Array.from({ length: 20 }, async () => {
    while (sending) {
      const batch = Array.from({ length: 20 }, envelope)
      const status = await post(JSON.stringify({ batch, writeKey: 'bench' }))
      if (status === 200) accepted += batch.length
      else failed++
    }
  })
  const started = Date.now()
  const outageAt = Math.max(5, (SECONDS - OUTAGE) / 2) * 1000
  let outage = 'before'
  const sampler = setInterval(async () => {
    const h = (await getJson(`${c.url}/health`)).body.clickhouse
    depth.push({ t: Math.round((Date.now() - started) / 1000), spooled: h.spooled, inserted: h.inserted, outage })
  }, 1000)
  await sleep(outageAt)
  const beforeOutage = accepted
  const t0 = Date.now()
  await stopClickHouse()
  outage = 'down'
  await sleep(OUTAGE * 1000)
  const duringOutage = accepted - beforeOutage
  const downFor = (Date.now() - t0) / 1000
  await startClickHouse()
  outage = 'after'
  await sleep(Math.max(0, SECONDS * 1000 - (Date.now() - started)))
  sending = false
  await Promise.all(clients)
  const seconds = (Date.now() - started) / 1000
  const drainStart = Date.now()
  while ((await getJson(`${c.url}/health`)).body.clickhouse.spooled > 0) await sleep(200)
  const drained = (Date.now() - drainStart) / 1000
  clearInterval(sampler)
  const h = (await getJson(`${c.url}/health`)).body
  const stored = Number(await sql('SELECT uniqExact(message_id) FROM ingest.events'))
  const peak = Math.max(...depth.map((d) => d.spooled))
  lines.push('## Sustained ingest into ClickHouse, with a 30 s outage', '',
    '| figure | value |', '|---|---|',
    `| run | ${seconds.toFixed(0)} s, 20 clients × 20-event batches, fsync always |`,
    `| accepted (acknowledged 200) | ${accepted} events, ${(accepted / seconds).toFixed(0)} events/s (non-200: ${failed}) |`,
    `| accepted while ClickHouse was down (${downFor.toFixed(0)} s) | ${duringOutage} events, ${(duringOutage / downFor).toFixed(0)} events/s |`,
    `| spool depth at its peak | ${peak} files (batches) |`,
    `| spool drained after the last request | ${drained.toFixed(1)} s |`,
    `| distinct message ids in ClickHouse | ${stored} |`,
    `| lost | ${accepted - stored} |`,
    `| failed inserts retried / dead-lettered | ${h.clickhouse.failures} / ${h.clickhouse.deadLettered} |`, '',
    'Spool depth (files) per 5 s: ' + depth.filter((d) => d.t % 5 === 0).map((d) => `${d.t}s ${d.spooled}${d.outage === 'down' ? '↓' : ''}`).join(', '), '')
  await stop(c)
  console.log(lines.join('\n'))
}

// --- 2. Reports over a year: ClickHouse vs the embedded store ---------------------------------------
{
  const data = join(work, 'year')
  const t = (label, ms) => `${label} ${(ms / 1000).toFixed(1)} s`
  let t0 = performance.now()
  await new Promise((resolve, reject) => spawn(process.execPath, [cli, 'sample', data, '--events', String(EVENTS), '--days', '365'], { stdio: 'ignore' }).once('exit', (c) => (c ? reject(new Error('sample failed')) : resolve())))
  const sampled = performance.now() - t0
  t0 = performance.now()
  await new Promise((resolve, reject) => spawn(process.execPath, [cli, 'clickhouse-load', data, '--clickhouse', `${chUrl}/?database=year`, '--apply-schema'], { stdio: 'ignore' }).once('exit', (c) => (c ? reject(new Error('load failed')) : resolve())))
  const loaded = performance.now() - t0
  const rows = Number(await sql('SELECT count() FROM year.events'))
  const bytes = Number(await sql(`SELECT sum(bytes_on_disk) FROM system.parts WHERE database = 'year' AND active`))

  const store = await collector(['--data', data])
  t0 = performance.now()
  while ((await getJson(`${store.url}/health`)).body.kpi?.state !== 'ready') await sleep(500)
  const built = performance.now() - t0
  const reader = await collector(['--data', join(work, 'reader'), '--clickhouse', `${chUrl}/?database=year`, '--read-from', 'clickhouse'])

  const time = async (url) => {
    const runs = []
    let body
    for (let i = 0; i < 4; i++) {
      const s = performance.now()
      const res = await getJson(url)
      if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(res.body)}`)
      body = res.body
      runs.push(performance.now() - s)
    }
    const warm = runs.slice(1).sort((a, b) => a - b)[1]
    return { first: runs[0], warm, body }
  }
  const fmt = (ms) => (ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`)
  const paths = ['/kpi', '/kpi/series?interval=week&tz=Europe/Berlin', '/kpi/series?interval=day&tz=Europe/Berlin']
  lines.push(`## Reports over a year of ${EVENTS.toLocaleString('en')} sample events`, '',
    `Prepared: ${t('sample written', sampled)}; ${t('loaded into ClickHouse (clickhouse-load)', loaded)} (${rows} rows, ${(bytes / 1e6).toFixed(0)} MB on disk); ${t('embedded store built', built)}.`, '',
    '| request | embedded store (first / warm) | ClickHouse (first / warm) | same answer |', '|---|---|---|---|')
  for (const p of paths) {
    const a = await time(`${store.url}${p}`)
    const b = await time(`${reader.url}${p}`)
    lines.push(`| \`${p}\` | ${fmt(a.first)} / ${fmt(a.warm)} | ${fmt(b.first)} / ${fmt(b.warm)} | ${JSON.stringify(a.body) === JSON.stringify(b.body) ? 'yes' : '**no**'} |`)
  }
  lines.push('', '/commitments reads the weekly series and computes on it in JS: its time is the weekly row plus that computation, the same for both.')
  await stop(store)
  await stop(reader)
}
console.log('\n' + lines.join('\n'))
process.exit(0)
