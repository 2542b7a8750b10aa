// The bench's one origin on 127.0.0.1: pages, each SDK's browser files, and a collector that
// accepts every peer's protocol (Segment-style batches, PostHog, Snowplow, Plausible, Jitsu,
// beacons) and counts the bench's tagged events in whatever arrives. footfall's path (/collect)
// is answered by footfall's reference collector (the built dist/collector.mjs), as a site would run it.
import { createServer } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { createCollector } from '../dist/collector.mjs'

const types = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.html': 'text/html; charset=utf-8' }

// Cross-origin isolation gives performance.now() 5 µs resolution instead of 100 µs.
const isolated = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
}

/** Every tagged event in a request body, whatever the encoding: gzip, form-encoded base64, JSON. */
export function tagsIn(buf, query = '') {
  let text = buf[0] == 0x1f && buf[1] == 0x8b ? gunzipSync(buf).toString('utf8') : buf.toString('utf8')
  const texts = [text, decodeURIComponent(query)]
  // PostHog's fallback encodings and Snowplow's base64 contexts: look inside base64 too.
  for (const m of (text + '&' + query).matchAll(/(?:^|[&?])(?:data|ue_px|cx)=([^&]+)/g)) {
    const v = decodeURIComponent(m[1])
    texts.push(v, Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'))
  }
  return [...new Set(texts.join('\n').match(/ffb-\w+-\d+-/g) || [])]
}

/**
 * Starts the bench server. `files` maps URL paths to files on disk (or to a function of the
 * origin returning a body); `pages` maps paths to HTML (functions of the origin).
 */
export async function startBenchServer() {
  const s = {
    url: '',
    files: new Map(),
    pages: new Map(),
    /** Collector hits: { at, path, bytes (body + headers), tags }. */
    hits: [],
    /** First arrival time of each tag. */
    arrived: new Map(),
    /** Requests each tag arrived in (copies on the wire). */
    copies: new Map(),
    served: [],
    count(prefix) {
      let n = 0
      for (const t of s.arrived.keys()) if (t.startsWith(prefix)) n++
      return n
    },
    /** Copies on the wire of the tags starting with `prefix`, beyond the first of each. */
    duplicates(prefix) {
      let n = 0
      for (const [t, c] of s.copies) if (t.startsWith(prefix)) n += c - 1
      return n
    },
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => (collector.close().then(() => rmSync(dataDir, { recursive: true, force: true })), r())))),
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'footfall-bench-data-'))
  const collector = createCollector({ dataDir, rateLimit: false, fsync: 'never' })

  const server = createServer(async (req, res) => {
    const [path, query = ''] = (req.url || '/').split('?')
    const page = s.pages.get(path)
    if (req.method == 'GET' && page) return res.writeHead(200, { ...isolated, 'Content-Type': types['.html'] }).end(page(s.url))
    const file = req.method == 'GET' && s.files.get(path)
    if (file) {
      s.served.push(path)
      const body = typeof file == 'function' ? file(s.url) : await readFile(file)
      return res.writeHead(200, { ...isolated, 'Content-Type': types[extname(path)] || 'text/javascript' }).end(body)
    }
    // Anything else is the collector: record it, answer 200 with an empty JSON object.
    const chunks = []
    for await (const c of req) chunks.push(c)
    const body = Buffer.concat(chunks)
    const headerBytes = req.rawHeaders.reduce((n, h) => n + h.length + 2, 0) + req.method.length + req.url.length + 12
    let tags = []
    try {
      tags = tagsIn(body, query)
    } catch {}
    const at = performance.now()
    s.hits.push({ at, path, bytes: body.length + headerBytes, tags: tags.length })
    for (const t of tags) if (!s.arrived.has(t)) s.arrived.set(t, at)
    for (const t of tags) s.copies.set(t, (s.copies.get(t) || 0) + 1)
    if (path == '/collect') {
      // Already read: the collector takes the body from req.body.
      req.body = body
      return collector(req, res)
    }
    const reply = s.replies?.(path, s.url) ?? '{}'
    res.writeHead(200, { ...isolated, 'Content-Type': 'application/json' }).end(reply)
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  s.url = `http://127.0.0.1:${server.address().port}`
  return s
}
