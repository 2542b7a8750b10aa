/**
 * The demo server: one origin for the shop, the QA inspector, the built SDK and the reference
 * collector, so the shop's footfall posts to `/collect` exactly as a real site's would.
 * Demo-only endpoints drive the inspector: `/demo/fault` (make the collector fail), `/demo/reset`
 * (forget everything the collector stored) and `/demo/sample` (add a year of sample history).
 */
import { createServer } from 'node:http'
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const pub = join(root, 'demo', 'public')
const dist = join(root, 'dist')

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
}

/** Client-side routes of the shop: the server answers each with the same page (SPA fallback). */
const ROUTES = /^\/(?:$|products(?:\/[\w-]+)?$|contact$|cart$)/

/**
 * Strict: no inline script or style anywhere, so the demo also proves footfall runs under a
 * `script-src 'self'` policy.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

/** What the failure switch can make the collector do with every ingest request. */
const FAULTS = { ok: null, 503: 503, offline: 'drop', reject: 400 }

const headers = (type) => ({
  'Content-Type': type,
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  ...(type.startsWith('text/html') ? { 'Content-Security-Policy': CSP } : {}),
})

const json = (res, status, body) => {
  res.writeHead(status, headers('application/json; charset=utf-8'))
  res.end(JSON.stringify(body))
}

/** The demo endpoints change state: only the page's own origin may call them (no CSRF from other sites). */
const sameOrigin = (req) => {
  const origin = req.headers.origin
  if (req.headers['sec-fetch-site'] && !['same-origin', 'none'].includes(req.headers['sec-fetch-site'])) return false
  return !origin || origin === `http://${req.headers.host}`
}

const readJson = async (req) => {
  let text = ''
  for await (const c of req) if ((text += c).length > 4096) throw new Error('too large')
  return JSON.parse(text || '{}')
}

/** Serves `file` when it lies inside `dir` and exists; false otherwise. */
const serveFile = async (res, dir, path) => {
  const file = normalize(join(dir, path))
  if (!file.startsWith(dir + sep)) return false
  try {
    if (!(await stat(file)).isFile()) return false
    const data = await readFile(file)
    res.writeHead(200, headers(TYPES[extname(file)] || 'application/octet-stream'))
    res.end(data)
    return true
  } catch {
    return false
  }
}

/**
 * Starts the demo on `host:port` (port 0 picks a free one). `dataDir` holds the collector's
 * NDJSON files and the demo's admin token (`admin-token`, made on first start). `now` (ISO 8601 or
 * epoch ms) pins the reports' clock: the sample history ends the day before it and the commitments
 * are those of that day. Resolves with the URL, the token, a URL that logs a browser in, and a
 * `close()` that stops the server and the collector.
 */
export async function startDemo({ port = 8787, host = '127.0.0.1', dataDir = join(root, '.data', 'demo'), now, log = () => {} } = {}) {
  // The collector is built by `npm run build`; imported late so that start.mjs can build first.
  const { createCollector, createAuth, newToken, writeSample } = await import(new URL('../dist/collector.mjs', import.meta.url).href)
  const pinned = now === undefined ? undefined : typeof now === 'number' ? now : Date.parse(now)
  if (Number.isNaN(pinned)) throw new Error(`now must be an ISO 8601 date or epoch milliseconds, not ${now}`)
  const clock = () => pinned ?? Date.now()
  // Reports need credentials, here too: the demo's own admin token, kept beside its data.
  const TOKEN_FILE = join(dataDir, 'admin-token')
  const token = (await readFile(TOKEN_FILE, 'utf8').catch(() => '')).trim() || newToken()
  const keepToken = async () => {
    await mkdir(dataDir, { recursive: true })
    await writeFile(TOKEN_FILE, token + '\n', { mode: 0o600 })
  }
  await keepToken()
  // One set of logins for every collector the demo opens: a reset does not log the inspector out.
  const auth = createAuth({ dataDir, adminToken: token })
  let mode = 'ok'
  const open = () => createCollector({ dataDir, fault: () => FAULTS[mode], rateLimit: false, log, auth, now: pinned })
  let collector = open()
  await collector.ready

  const demoApi = async (req, res, path) => {
    if (!sameOrigin(req)) return json(res, 403, { ok: false, error: 'same origin only' })
    if (path === '/demo/fault') {
      if (req.method === 'POST') {
        const next = String((await readJson(req)).mode)
        if (!(next in FAULTS)) return json(res, 400, { ok: false, error: `mode must be one of ${Object.keys(FAULTS).join(', ')}` })
        mode = next
        log(`demo: collector mode is now "${mode}"`)
      }
      return json(res, 200, { ok: true, mode })
    }
    if (path === '/demo/reset' && req.method === 'POST') {
      // A fresh collector over an empty directory: stored events and the dedupe index both go.
      const old = collector
      collector = undefined
      await old.close()
      await rm(dataDir, { recursive: true, force: true })
      await keepToken()
      collector = open()
      await collector.ready
      mode = 'ok'
      log('demo: collector data cleared')
      return json(res, 200, { ok: true, mode })
    }
    if (path === '/demo/sample' && req.method === 'POST') return loadSample(res, (await readJson(req)).events)
    json(res, 404, { ok: false, error: 'not found' })
  }

  /**
   * A year of sample history, ending yesterday (the day before the pinned `now`), written beside what the shop sent. The collector
   * is closed meanwhile (ingest answers 503 and footfall retries), and the KPI store is rebuilt
   * from the day files: a bulk build of a year takes seconds, where catching up event by event
   * would take a minute. The page follows the build's progress on `/health`.
   */
  const SAMPLED = join(dataDir, 'sample.json')
  const loadSample = async (res, events = 100_000) => {
    if (await stat(SAMPLED).then(() => true, () => false)) return json(res, 409, { ok: false, error: 'the sample history is already loaded' })
    if (!collector) return json(res, 503, { ok: false, error: 'busy' })
    events = Math.max(1000, Math.min(500_000, Number(events) || 100_000))
    const old = collector
    collector = undefined
    try {
      await old.close()
      const written = await writeSample({ dir: dataDir, events, end: new Date(clock() - 86_400_000), site: 'demo-shop' })
      await writeFile(SAMPLED, JSON.stringify({ events: written, at: new Date(clock()).toISOString() }))
      // The KPI store is derived from the day files: rebuilt from them in one pass.
      await rm(join(dataDir, 'kpi.duckdb'), { force: true })
      await rm(join(dataDir, 'kpi.duckdb.wal'), { force: true })
      log(`demo: wrote ${written} sample events; the KPI store is rebuilding`)
      return json(res, 200, { ok: true, events: written })
    } finally {
      collector = open()
      await collector.ready
    }
  }

  const handle = async (req, res) => {
    const path = new URL(req.url || '/', 'http://demo.invalid').pathname
    if (path.startsWith('/demo/')) return demoApi(req, res, path)
    // While a reset swaps the collector, ingest answers 503 and footfall simply retries.
    if (!collector) return json(res, 503, { ok: false, error: 'resetting' })
    let ours = true
    collector(req, res, () => (ours = false))
    if (ours) return
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { ok: false, error: 'use GET' })
    if (ROUTES.test(path)) return serveFile(res, pub, 'index.html')
    // The SDK's browser files (footfall.js, footfall-vitals.js, …) come straight from dist/.
    if ((await serveFile(res, pub, path)) || (/^\/[\w.-]+\.js$/.test(path) && (await serveFile(res, dist, path)))) return
    json(res, 404, { ok: false, error: 'not found' })
  }

  const sockets = new Set()
  const server = createServer((req, res) =>
    handle(req, res).catch((err) => {
      log(`demo: ${err.message}`)
      if (!res.headersSent) json(res, 500, { ok: false, error: 'internal error' })
    }),
  )
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, resolve)
  })
  const url = `http://${host}:${server.address().port}`
  return {
    url,
    token,
    // Opens a session in the browser (the cookie), then the shop and its inspector.
    loginUrl: `${url}/login?token=${encodeURIComponent(token)}&next=/`,
    /** The failure switch, for tests that want to set it without the page. */
    setFault: (m) => (mode = m),
    async close() {
      await new Promise((resolve) => {
        server.close(resolve)
        // Keep-alive connections would hold close() open until they time out.
        for (const s of sockets) s.destroy()
      })
      await collector?.close()
    },
  }
}
