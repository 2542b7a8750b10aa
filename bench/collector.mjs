// Sustained ingest on loopback: 50 concurrent clients posting 20-event batches to the built
// collector process (fsync "always"), then events/s, latency percentiles and memory held.
// Usage: node bench/collector.mjs [seconds=15] [clients=50] [batch=20]
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const [seconds = 15, clients = 50, batchSize = 20] = process.argv.slice(2).map(Number)
// DATA=dir: ingest into that data directory (e.g. one holding a big KPI store) and keep it.
const data = process.env.DATA ?? mkdtempSync(join(tmpdir(), 'footfall-bench-'))
const TOKEN = 'bench-admin-token-0123456789abcdef'
const cli = new URL('../dist/footfall-collector.mjs', import.meta.url).pathname
const fsync = process.env.FSYNC ?? 'always'
// KPI=off: without the KPI store, to compare ingest with and without it.
const kpi = process.env.KPI === 'off' ? ['--no-kpi'] : []
const child = spawn(process.execPath, [cli, '--port', '0', '--data', data, '--rate-limit', '0', '--fsync', fsync, '--admin-token', TOKEN, ...kpi], { stdio: ['ignore', 'pipe', 'inherit'] })
const url = await new Promise((resolve, reject) => {
  let out = ''
  child.stdout.on('data', (d) => {
    out += d
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
    if (m) resolve(m[1])
  })
  child.once('exit', (code) => reject(new Error(`collector exited with ${code}`)))
})

const agent = new Agent({ keepAlive: true, maxSockets: clients })
// Real browsers send a User-Agent the collector classifies on every request; one in ten here is a crawler.
const userAgents = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0',
  'Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/28.0 Chrome/130.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 400.0.0.0.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
]
let requests = 0
const post = (body) =>
  new Promise((resolve, reject) => {
    const ua = userAgents[requests++ % userAgents.length]
    const req = request(`${url}/collect`, { method: 'POST', agent, headers: { 'content-type': 'text/plain;charset=UTF-8', 'content-length': Buffer.byteLength(body), 'user-agent': ua } }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode))
    })
    req.on('error', reject)
    req.end(body)
  })
const health = async () => JSON.parse(await new Promise((resolve) => request(`${url}/health`, (res) => { let t = ''; res.on('data', (d) => (t += d)); res.on('end', () => resolve(t)) }).end()))

let seq = 0
const envelope = () => ({
  type: 'track', event: 'add_to_cart', properties: { product_id: 'sku-1', price: 19.99, currency: 'USD', quantity: 1, value: 19.99 },
  messageId: `bench-${seq++}`, timestamp: new Date().toISOString(), anonymousId: `anon-${seq % 1000}`,
  context: {
    library: { name: 'footfall', version: 'bench' },
    page: { url: 'https://shop.example/p/1?utm_source=google', path: '/p/1', search: '?utm_source=google', referrer: 'https://www.google.com/', title: 'Product 1' },
    campaign: { source: 'google', medium: 'cpc', name: 'spring' }, sessionId: `s-${seq % 5000}`, locale: 'en-US', timezone: 'Europe/Paris', screen: { width: 1280, height: 800 },
  },
})

// The collector's own CPU time (Linux /proc): per event, it says what ingest costs even when other
// work shares the machine and throughput does not.
const cpuMs = () => {
  try {
    const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100
  } catch {
    return NaN
  }
}
const latencies = []
const errors = new Map()
let events = 0
let peakRss = 0
const end = Date.now() + seconds * 1000
const cpu0 = cpuMs()
const sampler = setInterval(async () => (peakRss = Math.max(peakRss, (await health()).memory.rss)), 500)
const bodySizes = []
await Promise.all(
  Array.from({ length: clients }, async () => {
    while (Date.now() < end) {
      const body = JSON.stringify({ batch: Array.from({ length: batchSize }, envelope), sentAt: new Date().toISOString(), writeKey: 'bench' })
      if (bodySizes.length < 10) bodySizes.push(body.length)
      const t0 = performance.now()
      const status = await post(body).catch((e) => e.code)
      latencies.push(performance.now() - t0)
      if (status === 200) events += batchSize
      else errors.set(status, (errors.get(status) ?? 0) + 1)
    }
  }),
)
clearInterval(sampler)
const cpu = cpuMs() - cpu0
// The KPI store applies the files in the background and may still be behind: a report applies
// everything first, so the CPU time up to its answer is what the events cost in all.
let caughtUp = NaN
if (!kpi.length) {
  const t0 = performance.now()
  await new Promise((resolve) => request(`${url}/kpi?from=${Date.now() - 3_600_000}`, { headers: { authorization: `Bearer ${TOKEN}` } }, (res) => (res.resume(), res.on('end', resolve))).end())
  caughtUp = performance.now() - t0
}
const cpuAll = cpuMs() - cpu0
const after = await health()
latencies.sort((a, b) => a - b)
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1)
const mb = (b) => (b / 1048576).toFixed(0)
console.log(`node ${process.version}, ${clients} clients × ${batchSize}-event batches (~${Math.round(bodySizes[0] / 1024)} KB), ${seconds} s, fsync ${fsync}`)
console.log(`ingest: ${Math.round(events / seconds)} events/s (${Math.round(latencies.length / seconds)} req/s), stored ${after.accepted}`)
if (!Number.isNaN(cpu)) console.log(`collector CPU: ${((cpu * 1000) / events).toFixed(1)} µs/event (${(cpu / 1000).toFixed(1)} s over the run)`)
if (!Number.isNaN(caughtUp)) console.log(`KPI store caught up ${(caughtUp / 1000).toFixed(1)} s after the run; collector CPU with it: ${((cpuAll * 1000) / events).toFixed(1)} µs/event`)
console.log(`latency ms: p50 ${pct(50)}  p99 ${pct(99)}  max ${pct(100)}`)
console.log(`collector memory: peak RSS ${mb(Math.max(peakRss, after.memory.rss))} MB, after run RSS ${mb(after.memory.rss)} MB, heap ${mb(after.memory.heapUsed)} MB`)
if (errors.size) console.log('non-200:', Object.fromEntries(errors))
agent.destroy()
child.kill('SIGTERM')
await new Promise((r) => child.once('exit', r))
if (!process.env.DATA) rmSync(data, { recursive: true, force: true })
