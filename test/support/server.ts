import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'
import { gunzipSync } from 'node:zlib'
import type { AddressInfo } from 'node:net'
import type { Batch, Envelope } from '../../src/shared/types'

const root = new URL('../../', import.meta.url).pathname
const types: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html', '.css': 'text/css', '.json': 'application/json' }

/** What the test collector answers to one ingest request. */
export type Reply = number | { status: number; headers?: Record<string, string>; body?: string } | 'reset' | 'hang'

export type RouteReply = { status: number; body?: string; headers?: Record<string, string> }

export interface Received {
  body: Batch
  headers: IncomingMessage['headers']
  bytes: number
  at: number
}

export interface TestServer {
  url: string
  /** Every request that reached POST /collect and was answered 2xx, in order. */
  received: Received[]
  /** Every request that reached POST /collect, whatever the answer. */
  attempts: Received[]
  /** Decides the answer to each ingest request; default 200. */
  reply: (req: Received, n: number) => Reply
  /** HTML pages by path (served as JavaScript when the path ends in .js, e.g. a site's own script). */
  pages: Map<string, string | ((req: IncomingMessage) => string)>
  /**
   * Stand-in back ends by `METHOD /path` (e.g. `POST /cart/add.js`): the handler gets the request
   * and its raw body and answers with a status, a body and headers.
   */
  routes: Map<string, (req: IncomingMessage, body: Buffer) => RouteReply | Promise<RouteReply>>
  /** Extra response headers for HTML pages (e.g. a Content-Security-Policy). */
  pageHeaders: Record<string, string>
  /** Events accepted (2xx), duplicates included. */
  events(): Envelope[]
  /** Accepted events by messageId. */
  unique(): Map<string, Envelope>
  /** Resolves once `pred` holds for the accepted events; rejects with what arrived after `timeout` ms. */
  waitFor(pred: (events: Envelope[]) => boolean, timeout?: number, what?: string): Promise<Envelope[]>
  /** Waits until `n` distinct events named `name` (or any, when omitted) arrived; returns those events. */
  waitForCount(n: number, name?: string, timeout?: number): Promise<Envelope[]>
  close(): Promise<void>
}

export const nameOf = (e: Envelope) => (e.type == 'track' ? e.event! : e.type)

/**
 * One server for a browser test: serves the built SDK (/footfall.js, /dist/…), test pages, and a
 * collector at POST /collect that records every body it receives, so tests assert on what
 * actually reached the network.
 */
export async function startServer(): Promise<TestServer> {
  const sockets = new Set<import('node:net').Socket>()
  const s: TestServer = {
    url: '',
    received: [],
    attempts: [],
    reply: () => 200,
    pages: new Map(),
    routes: new Map(),
    pageHeaders: {},
    events: () => s.received.flatMap((r) => r.body.batch),
    unique: () => new Map(s.events().map((e) => [e.messageId, e])),
    async waitFor(pred, timeout = 20e3, what = 'condition') {
      const end = Date.now() + timeout
      for (;;) {
        const ev = [...s.unique().values()]
        if (pred(ev)) return ev
        if (Date.now() > end)
          throw new Error(`timed out waiting for ${what}; collector has ${ev.length} events: ${ev.map(nameOf).join(', ')}`)
        await new Promise((r) => setTimeout(r, 25))
      }
    },
    waitForCount: async (n, name, timeout) => {
      const named = (ev: Envelope[]) => ev.filter((e) => !name || nameOf(e) == name)
      return named(await s.waitFor((ev) => named(ev).length >= n, timeout, `${n} ${name || ''} events`))
    },
    close: () =>
      new Promise((r) => {
        for (const sock of sockets) sock.destroy()
        server.close(() => r())
      }),
  }

  const cors = (res: ServerResponse) => {
    res.setHeader('Access-Control-Allow-Origin', '*')
    res.setHeader('Access-Control-Expose-Headers', 'Retry-After')
  }

  const server = createServer(async (req, res) => {
    const path = (req.url || '/').split('?')[0]
    if (req.method == 'OPTIONS') {
      cors(res)
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type')
      res.setHeader('Access-Control-Allow-Methods', 'POST')
      return res.writeHead(204).end()
    }
    if (req.method == 'POST' && (path == '/collect' || path == '/v1/batch')) {
      const chunks: Buffer[] = []
      for await (const c of req) chunks.push(c as Buffer)
      let raw = Buffer.concat(chunks)
      if (req.headers['content-encoding'] == 'gzip') raw = gunzipSync(raw)
      let body: Batch
      try {
        body = JSON.parse(raw.toString('utf8'))
      } catch {
        cors(res)
        return res.writeHead(400).end('{"error":"malformed"}')
      }
      const r: Received = { body, headers: req.headers, bytes: raw.length, at: Date.now() }
      s.attempts.push(r)
      const reply = s.reply(r, s.attempts.length)
      if (reply == 'reset') return req.socket.destroy()
      if (reply == 'hang') return
      const { status, headers = {}, body: text = '{"ok":true}' } = typeof reply == 'number' ? { status: reply } : reply
      if (status >= 200 && status < 300) s.received.push(r)
      cors(res)
      return res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(text)
    }
    const route = s.routes.get(`${req.method} ${path}`)
    if (route) {
      const chunks: Buffer[] = []
      for await (const c of req) chunks.push(c as Buffer)
      const r = await route(req, Buffer.concat(chunks))
      return res.writeHead(r.status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...r.headers }).end(r.body ?? '')
    }
    const pg = s.pages.get(path)
    if (pg) {
      const type = path.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8'
      res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store', ...s.pageHeaders })
      return res.end(typeof pg == 'function' ? pg(req) : pg)
    }
    // Static files: /footfall.js and friends from dist/, anything else from the repository.
    const file = normalize(join(root, path.startsWith('/dist/') ? path : /^\/[\w.-]+\.(m?js|sri)$/.test(path) ? 'dist' + path : path))
    if (!file.startsWith(root)) return res.writeHead(403).end()
    try {
      const data = await readFile(file)
      // Readable from any origin, like a CDN: <script crossorigin integrity> needs CORS.
      res.writeHead(200, { 'Content-Type': types[extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': '*' })
      res.end(data)
    } catch {
      res.writeHead(404).end('not found')
    }
  })
  server.on('connection', (sock) => {
    sockets.add(sock)
    sock.on('close', () => sockets.delete(sock))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  s.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return s
}

export const STUB = `window.footfall=window.footfall||function(){(footfall.q=footfall.q||[]).push(arguments)}`

/**
 * A page that loads footfall the way a site does: the one-line stub, then the async script with
 * data-* attributes. `attrs` are added to (or override) the defaults.
 */
export function sitePage(
  o: { attrs?: Record<string, string | true | false>; head?: string; body?: string; title?: string; script?: string } = {},
): string {
  const attrs: Record<string, string | boolean> = { 'data-endpoint': '/collect', 'data-site': 'test-site', 'data-vitals': 'off', ...o.attrs }
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== false)
    .map(([k, v]) => (v === true ? k : `${k}="${v}"`))
    .join(' ')
  return `<!doctype html><html><head><meta charset="utf-8"><title>${o.title ?? 'Test page'}</title>
<script>${STUB}</script>${o.head ?? ''}
<script async src="${o.script ?? '/footfall.js'}" ${a}></script></head><body>${o.body ?? '<h1>Shop</h1>'}</body></html>`
}
