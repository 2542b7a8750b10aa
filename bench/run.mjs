// `npm run bench`: builds footfall, then measures it beside the SDKs a site would pick instead,
// in one Chromium on one machine: size, main-thread cost of track(), delivery, unload, init.
// Writes bench/results.md and prints it. It reports; it never fails the build.
// Knobs (environment): BENCH_RUNS (3), BENCH_EVENTS (2000), BENCH_WINDOW_MS (10000),
// BENCH_ONLY (comma-separated row names), BENCH_NO_BUILD=1, CHROMIUM_PATH.
import { execSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { chromium } from '@playwright/test'
import { rollup } from 'rollup'
import nodeResolve from '@rollup/plugin-node-resolve'
import terser from '@rollup/plugin-terser'
import { footfallChunks, peers } from './peers.mjs'
import { startBenchServer } from './server.mjs'
import { profileTrack } from './profile.mjs'

process.chdir(new URL('..', import.meta.url).pathname)
const env = process.env
const RUNS = +(env.BENCH_RUNS || 3)
const N = +(env.BENCH_EVENTS || 2000)
const WINDOW = +(env.BENCH_WINDOW_MS || 10000)
const UNLOAD_N = 20
const only = env.BENCH_ONLY?.split(',')
const rows = peers.filter((p) => !only || only.includes(p.name))
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

if (!env.BENCH_NO_BUILD) execSync('npm run build --silent', { stdio: 'inherit' })

// ---- Browser files: shipped builds served as they are; ES-only packages bundled like a site would.
const tmp = mkdtempSync(join(tmpdir(), 'footfall-bench-'))
const entry = (code) => ({ name: 'entry', resolveId: (id) => (id == 'bench:entry' ? id : null), load: (id) => (id == 'bench:entry' ? code : null) })
async function iife(input, plugins) {
  const b = await rollup({ input, plugins: [...plugins, nodeResolve({ browser: true }), terser()], onwarn() {} })
  const { output } = await b.generate({ format: 'iife', inlineDynamicImports: true })
  await b.close()
  return output[0].code
}
for (const p of rows) {
  const map = {}
  for (const [url, f] of Object.entries(p.files?.() || {})) {
    if (typeof f == 'string' || typeof f == 'function') map[url] = f
    else {
      const out = join(tmp, url.replace(/\W/g, '_') + '.js')
      writeFileSync(out, f.bundle ? await iife('bench:entry', [entry(f.bundle)]) : await iife(f.minify, []))
      map[url] = out
    }
  }
  p.fileMap = map
}

// ---- Size of each script-tag build (and footfall's lazy chunks, each on its own).
const size = (file) => {
  const b = readFileSync(file)
  return { raw: b.length, gzip: gzipSync(b, { level: 9 }).length, brotli: brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length }
}
for (const p of rows) if (p.main) p.size = size(p.fileMap[p.main])
const chunkSizes = rows.some((p) => p.name == 'footfall') ? footfallChunks().map((f) => ({ file: f, ...size('dist/' + f) })) : []

// ---- Browser
const exe = [env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p))
const browser = await chromium.launch({
  executablePath: exe,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
    // Nothing beyond 127.0.0.1: other hosts fail to resolve. (Request interception would pause
    // every request in the driver and skew the timings, so blocked requests are only counted.)
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  ],
})
// One user agent for every row, without "Headless": PostHog drops events from bot-like agents.
const userAgent = await browser.newPage().then(async (pg) => [(await pg.evaluate(() => navigator.userAgent)).replace('HeadlessChrome', 'Chrome'), await pg.close()][0])
const newContext = () => browser.newContext({ userAgent })
const server = await startBenchServer()
const origin = server.url
server.pages.set('/away', () => '<!doctype html><title>away</title><p>away</p>')

// Harness: collects long tasks from the start, exposes __ready() to the SDK's snippet.
const html = (p) => `<!doctype html><html><head><meta charset="utf-8"><title>bench</title>
<script>window.__long=[];try{new PerformanceObserver(function(l){l.getEntries().forEach(function(e){__long.push([e.startTime,e.duration])})}).observe({type:'longtask',buffered:true})}catch(e){}
window.__ready=function(){if(window.__readyAt==null)window.__readyAt=performance.now()};window.__track=${p.track}</script>
${p.head()}</head><body><h1>Shop</h1><a href="/away">away</a></body></html>`

async function open(p, ctx) {
  const page = await ctx.newPage()
  page.on('request', (r) => !r.url().startsWith(origin) && /^(https?|wss?):/.test(r.url()) && p.cur.blocked++)
  page.on('console', (m) => env.BENCH_DEBUG && console.log(`  [${p.name}] ${m.text()}`))
  page.on('pageerror', (e) => env.BENCH_DEBUG && console.log(`  [${p.name}] page error: ${e.message}`))
  await page.goto(`${origin}/p/${p.id}`)
  await page.waitForFunction(() => window.__readyAt != null, null, { timeout: 30e3 })
  return page
}
const until = async (cond, ms) => {
  const end = Date.now() + ms
  while (!cond() && Date.now() < end) await sleep(25)
}

/** One run of one row: burst, delivery window, unload, next visit. */
async function measure(p, run) {
  for (const [url, f] of Object.entries(p.fileMap || {})) server.files.set(url, f)
  server.pages.set(`/p/${p.id}`, () => html(p))
  const r = (p.cur = { blocked: 0 })
  const ctx = await newContext()
  const page = await open(p, ctx)
  Object.assign(r, await page.evaluate((main) => {
    const e = main && performance.getEntriesByType('resource').find((x) => x.name.endsWith(main))
    return { isolated: crossOriginIsolated, init: e ? __readyAt - e.responseEnd : null }
  }, p.main))
  // Let the load-time traffic (page view, remote config) settle before the burst.
  await page.waitForLoadState('networkidle', { timeout: 5e3 }).catch(() => {})
  const cdp = await ctx.newCDPSession(page)
  await cdp.send('Performance.enable')
  const task = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name == 'TaskDuration').value * 1e3
  const tag = `ffb-r${run}b${p.id}-`
  const hits0 = server.hits.length
  const task0 = await task()
  const t0 = performance.now()
  const b = await page.evaluate(
    ([n, tag]) => {
      const ps = []
      for (let i = 0; i < n; i++) ps.push({ product_id: 'sku-1', price: 19.99, currency: 'USD', quantity: 1, tag: tag + i + '-' })
      const d = new Float64Array(n)
      const s = performance.now()
      for (let i = 0; i < n; i++) {
        const a = performance.now()
        __track(ps[i])
        d[i] = performance.now() - a
      }
      const e = performance.now()
      d.sort()
      return { mean: (d.reduce((x, y) => x + y, 0) / n) * 1e3, p95: d[Math.floor(n * 0.95)] * 1e3, burst: e - s, end: e }
    },
    [N, tag],
  )
  await sleep(WINDOW)
  const task1 = await task()
  const inWindow = server.hits.slice(hits0).filter((h) => h.at <= t0 + WINDOW)
  if (env.BENCH_DEBUG) console.log(`  [${p.name}] collector paths:`, inWindow.map((h) => h.path).join(' '))
  r.track = b.mean
  r.p95 = b.p95
  r.burst = b.burst
  r.task = ((task1 - task0) / N) * 1000
  const long = await page.evaluate((end) => __long.filter(([s]) => s > end), b.end)
  r.longN = long.length
  r.longMs = long.reduce((n, [, d]) => n + d, 0)
  r.delivered = [...server.arrived].filter(([t, at]) => t.startsWith(tag) && at <= t0 + WINDOW).length
  r.requests = inWindow.length
  r.bytes = r.delivered ? inWindow.reduce((n, h) => n + h.bytes, 0) / r.delivered : null
  r.scripts = await page.evaluate((o) => performance.getEntriesByType('resource').filter((e) => e.initiatorType == 'script' && e.name.startsWith(o)).map((e) => new URL(e.name).pathname), origin)
  await ctx.close()

  // Unload: 20 events, then straight away to another page; then the next visit.
  const utag = `ffb-r${run}u${p.id}-`
  const uctx = await newContext()
  const upage = await open(p, uctx)
  await upage.waitForLoadState('networkidle', { timeout: 5e3 }).catch(() => {})
  await upage
    .evaluate(([n, tag]) => {
      for (let i = 0; i < n; i++) __track({ product_id: 'sku-1', price: 19.99, currency: 'USD', quantity: 1, tag: tag + i + '-' })
      location.href = '/away'
    }, [UNLOAD_N, utag])
    .catch(() => {})
  await upage.waitForURL('**/away').catch(() => {})
  await until(() => server.count(utag) >= UNLOAD_N, 3e3)
  r.unload = server.count(utag)
  r.unloadDup = server.duplicates(utag)
  await upage.goto(`${origin}/p/${p.id}`)
  await upage.waitForFunction(() => window.__readyAt != null, null, { timeout: 30e3 }).catch(() => {})
  await until(() => server.count(utag) >= UNLOAD_N, WINDOW)
  // Whatever the next page sends again at start has left once the network is quiet.
  await upage.waitForLoadState('networkidle', { timeout: 5e3 }).catch(() => {})
  r.nextVisit = server.count(utag)
  r.dup = server.duplicates(utag)
  await uctx.close()
  return r
}

const results = new Map(rows.map((p, i) => ((p.id = i), [p.name, []])))
for (let run = 0; run < RUNS; run++) {
  // Rotate the order so no SDK always runs first (or last) on a busy machine.
  for (let k = 0; k < rows.length; k++) {
    const p = rows[(k + run) % rows.length]
    const t = Date.now()
    const r = await measure(p, run)
    results.get(p.name).push(r)
    console.log(`run ${run + 1}/${RUNS} ${p.name}: track ${r.track.toFixed(1)} µs, main thread ${r.task.toFixed(0)} ms/1k, delivered ${r.delivered}/${N} in ${r.requests} req, unload ${r.unload}/${UNLOAD_N} → ${r.nextVisit}, blocked ${r.blocked} (${((Date.now() - t) / 1e3).toFixed(0)} s)`)
  }
}

// CPU profile of footfall's track() on an unminified build, for whoever optimises it.
const profile = rows.some((p) => p.name == 'footfall') ? await profileTrack(browser, server, N, tmp).catch((e) => (console.warn('profile failed:', e.message), null)) : null
const version = browser.version()
await browser.close()
await server.close()
rmSync(tmp, { recursive: true, force: true })

// ---- Report
const med = (a) => {
  const s = a.filter((x) => x != null).sort((x, y) => x - y)
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null
}
const stat = (name, k) => {
  const v = (results.get(name) || []).map((r) => r[k]).filter((x) => x != null)
  return v.length ? { med: med(v), min: Math.min(...v), max: Math.max(...v) } : null
}
const fmt = (x, d = 0) => (x == null ? '—' : x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }))
const cell = (name, k, d = 0) => {
  const s = stat(name, k)
  if (!s) return '—'
  return RUNS > 1 && s.min != s.max ? `${fmt(s.med, d)} (${fmt(s.min, d)}–${fmt(s.max, d)})` : fmt(s.med, d)
}
const kb = (n) => fmt(n)
const ff = 'footfall'
const M = (name, k) => stat(name, k)?.med
const cores = availableParallelism()
const out = []
out.push(`# footfall benchmark`, '')
out.push(`Generated by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: Chromium ${version} (headless), ${cores} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, ${RUNS} run${RUNS > 1 ? 's' : ''}; medians with min–max across runs. All traffic stays on 127.0.0.1: each SDK is served from and sends to one local origin whose collector accepts every SDK's protocol and counts the tagged events that arrive; every other host fails to resolve (the "blocked" column counts attempts).`, '')
out.push(`## Size of the script-tag build (bytes)`, '')
out.push(`| SDK | version | file | raw | gzip | brotli (q11) | JS the page loaded |`, `|---|---|---|--:|--:|--:|---|`)
const ver = (p) => (p.pkg ? JSON.parse(readFileSync(p.pkg == '.' ? 'package.json' : `node_modules/${p.pkg}/package.json`, 'utf8')).version : '')
for (const p of rows) {
  if (!p.size) continue
  const loaded = [...new Set(results.get(p.name).flatMap((r) => r.scripts))]
  const extra = loaded.filter((u) => u != p.main)
  const lazy = extra.map((u) => `\`${u}\`` + (typeof p.fileMap[u] == 'string' ? ` ${kb(size(p.fileMap[u]).brotli)} B` : ''))
  out.push(`| ${p.name} | ${ver(p)} | \`${p.main}\` | ${kb(p.size.raw)} | ${kb(p.size.gzip)} | **${kb(p.size.brotli)}** | ${lazy.length ? 'also ' + lazy.join(', ') : 'main file only'} |`)
  if (p.name == ff) for (const c of chunkSizes) out.push(`| ↳ footfall part | | \`/${c.file}\` | ${kb(c.raw)} | ${kb(c.gzip)} | ${kb(c.brotli)} | |`)
}
out.push('')
out.push(`## Main thread, delivery, unload, init`, '')
out.push(`${N.toLocaleString('en-US')}-event \`track()\` burst after the SDK is ready. *track()*: synchronous time per call (cross-origin-isolated page, \`performance.now()\` at 5 µs resolution). *Main thread*: CDP \`Performance.getMetrics\` \`TaskDuration\` over the burst and the following ${WINDOW / 1e3} s, per 1,000 events. *Long tasks*: ≥ 50 ms tasks after the burst's own task (i.e. work the SDK scheduled). *Delivered*: distinct events at the collector within ${WINDOW / 1e3} s of the burst; *requests* and *bytes/event* (request line + headers + body) over the same window. *Unload*: ${UNLOAD_N} events then an immediate navigation away: distinct events arrived within 3 s (*after nav away*), after the next visit, and the copies beyond the first of each that reached the collector by then (*duplicates on the wire*; in brackets, those sent while leaving). *Init*: from the script's download end to the SDK being ready (evaluation + setup).`, '')
out.push(`| SDK | track() mean µs | track() p95 µs | main thread ms / 1k events | long tasks after burst | delivered | requests | bytes / event | after nav away | after next visit | duplicates on the wire | init ms | blocked requests |`)
out.push(`|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|`)
for (const p of rows) {
  const n = p.name
  out.push(`| ${p.floor ? '*' + n + '*' : n} | ${cell(n, 'track', 1)} | ${cell(n, 'p95', 0)} | ${cell(n, 'task', 0)} | ${cell(n, 'longN')}${M(n, 'longMs') ? ` (${fmt(M(n, 'longMs'))} ms)` : ''} | ${cell(n, 'delivered')} / ${fmt(N)} | ${cell(n, 'requests')} | ${cell(n, 'bytes')} | ${cell(n, 'unload')} / ${UNLOAD_N} | ${cell(n, 'nextVisit')} / ${UNLOAD_N} | ${cell(n, 'dup')} (${cell(n, 'unloadDup')}) | ${cell(n, 'init', 1)} | ${cell(n, 'blocked')} |`)
}
out.push('')
if (results.has(ff)) {
  const ratio = (k, other) => (M(ff, k) != null && M(other, k) ? (M(ff, k) / M(other, k)).toFixed(2) + '×' : '—')
  const sz = (other) => {
    const a = rows.find((p) => p.name == ff)?.size, b = rows.find((p) => p.name == other)?.size
    return a && b ? (a.brotli / b.brotli).toFixed(2) + '×' : '—'
  }
  out.push(`## Ratios: footfall ÷ each row (medians; below 1 means footfall is smaller / cheaper)`, '')
  out.push(`| vs | brotli size | track() mean | main thread / 1k events | requests | bytes / event |`, `|---|--:|--:|--:|--:|--:|`)
  for (const p of rows) if (p.name != ff) out.push(`| ${p.name} | ${sz(p.name)} | ${ratio('track', p.name)} | ${ratio('task', p.name)} | ${ratio('requests', p.name)} | ${ratio('bytes', p.name)} |`)
  out.push('')
  // Targets: reported, never enforced.
  const core = rows.find((p) => p.name == ff).size.brotli
  const floor = M('floor: array push', 'track')
  const peerTask = rows.filter((p) => !p.floor && p.name != ff).map((p) => [p.name, M(p.name, 'task')]).filter(([, v]) => v != null)
  const best = peerTask.sort((a, b) => a[1] - b[1])[0]
  const t = [
    [`core ≤ 5,000 B brotli`, core <= 5000, `${fmt(core)} B${core > 5000 ? ` (${fmt(core - 5000)} B over)` : ''}`],
    floor != null && [`track() ≤ 3 × array-push floor`, M(ff, 'track') <= 3 * floor, `${fmt(M(ff, 'track'), 1)} µs vs ${fmt(3 * floor, 1)} µs (${(M(ff, 'track') / floor).toFixed(1)} × floor)`],
    best && [`main thread / 1k events below every peer`, M(ff, 'task') < best[1], `${fmt(M(ff, 'task'))} ms vs best peer ${best[0]} ${fmt(best[1])} ms`],
    [`burst: ${N} of ${N} delivered`, M(ff, 'delivered') == N, `${fmt(M(ff, 'delivered'))} (min ${fmt(stat(ff, 'delivered').min)})`],
    [`burst: ≤ 100 requests`, M(ff, 'requests') <= 100, `${fmt(M(ff, 'requests'))}`],
    [`no long task from footfall`, stat(ff, 'longN').max == 0, `${fmt(stat(ff, 'longN').max)} at most`],
    [`unload: ${UNLOAD_N} of ${UNLOAD_N} delivered`, stat(ff, 'unload').min == UNLOAD_N, `${fmt(stat(ff, 'unload').min)}–${fmt(stat(ff, 'unload').max)} before the next visit, ${fmt(stat(ff, 'nextVisit').min)} after`],
    [`unload: ${UNLOAD_N} arrivals in all (no duplicate on the wire)`, stat(ff, 'dup').max == 0, `${fmt(UNLOAD_N + stat(ff, 'dup').max)} at most (${fmt(stat(ff, 'dup').max)} duplicates)`],
  ].filter(Boolean)
  out.push(`## footfall against its targets`, '', `| target | met | measured |`, `|---|---|---|`)
  for (const [name, ok, v] of t) out.push(`| ${name} | ${ok ? 'yes' : '**no**'} | ${v} |`)
  out.push('')
  if (profile) {
    out.push(`### Where track() spends its time`, '', `CPU profile (CDP \`Profiler\`, ${profile.interval} µs sampling) of the ${N.toLocaleString('en-US')}-call burst on an unminified build of the script-tag entry; top self time:`, '')
    out.push(`| function | source | self ms | share |`, `|---|---|--:|--:|`)
    for (const f of profile.top) out.push(`| \`${f.name}\` | ${f.where} | ${f.ms.toFixed(1)} | ${(f.share * 100).toFixed(0)}% |`)
    out.push('')
  }
}
// What each size change saved: kept by hand in bench/size.md (measured with the build of each change).
if (existsSync('bench/size.md')) out.push(readFileSync('bench/size.md', 'utf8').trim(), '')
out.push(`## Notes`, '')
out.push(`- Peers load the way a site loads them: PostHog's snippet + \`array.js\` (its extensions, if it asks for them, from the same origin), Segment's snippet + standalone \`analytics.min.js\` with its settings and lazy bundles from a local "CDN", Jitsu's \`p.js\` script tag, Snowplow's UMD build with \`newTracker\` + \`trackPageView\`, Plausible's npm tracker bundled to a minified IIFE. Each uses its defaults apart from where it sends, and records one page view at load, as footfall does. Adding a row is one entry in \`bench/peers.mjs\`.`)
out.push(`- The floors bound what any SDK can do: an array push (no delivery at all) and one \`sendBeacon\` per event.`)
out.push(`- *Main thread* ends when CDP answers after the window; a page whose main thread is saturated answers late, so its window stretches and its total keeps growing (a long-task column far from 0 shows it). Events a peer holds back on purpose (client-side rate limits, one request at a time) show as *delivered* below ${N.toLocaleString('en-US')} within the window.`)
if (env.BENCH_NOTE) out.push(`- ${env.BENCH_NOTE}`)
out.push(`- Timings depend on the machine and on whatever else it is running; compare rows of the same run, not numbers across machines. The min–max spread shows the run-to-run noise.`)
out.push('')
const md = out.join('\n')
writeFileSync('bench/results.md', md)
console.log('\n' + md)
