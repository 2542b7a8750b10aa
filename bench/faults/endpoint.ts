import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Socket } from 'node:net'
import { createCollector } from '../../src/server/collector/index'

/**
 * What the faulty collector does with one ingest request:
 * - `undefined`: hand it to the reference collector, which stores it and answers;
 * - a status, or `{status, headers, body}`: answer that, store nothing;
 * - `'reset'`: destroy the connection without storing or answering;
 * - `'cut'`: store it, then cut the connection in the middle of the status line (stored, never acknowledged);
 * - `{delay}`: store and answer after `delay` ms.
 */
export type Fault =
  | undefined
  | number
  | { status: number; headers?: Record<string, string>; body?: string }
  | 'reset'
  | 'cut'
  | { delay: number }

export interface Request {
  at: number
  ids: string[]
  /** Ids the client asked about (`check`: sent with keepalive, reply unseen). */
  check?: string[]
}

/** One event as the endpoint saw it: its wire name (`event` of a track, else `type`) and properties. */
export interface Seen {
  name: string
  props: Record<string, any>
}

/**
 * The reference collector (src/server/collector, with its own NDJSON store in a temporary directory)
 * behind a fault switch, on its own 127.0.0.1 port so that it can also refuse connections
 * while the site's pages stay up. It counts every copy of every event that reached ingest.
 */
export async function startEndpoint(fault: (n: number, req: Request) => Fault = () => undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-faults-'))
  const collector = createCollector({ dataDir: dir, rateLimit: false, fsync: 'never' })
  await collector.ready
  const sockets = new Set<Socket>()
  /** Every request that reached the endpoint, faulted or not. */
  const requests: Request[] = []
  /** Copies of each messageId handed to the reference collector, and when it first got one. */
  const copies = new Map<string, number>()
  const firstStored = new Map<string, number>()
  /** Each event the reference collector stored (first copy). */
  const seen = new Map<string, Seen>()
  let port = 0
  let policy = fault

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method != 'POST') return collector(req, res)
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const buf = Buffer.concat(chunks)
    let batch: { messageId: string; type: string; event?: string; properties?: Record<string, any> }[] = []
    let check: string[] | undefined
    try {
      ;({ batch = [], check } = JSON.parse(buf.toString('utf8')))
    } catch {}
    const ids = batch.map((e) => e.messageId)
    const r: Request = { at: Date.now(), ids, check }
    requests.push(r)
    const f = policy(requests.length, r)
    if (f == 'reset') return req.socket.destroy()
    if (typeof f == 'number' || (typeof f == 'object' && 'status' in f)) {
      const { status, headers = {}, body = '{"ok":false}' } = typeof f == 'number' ? { status: f } : f
      res.writeHead(status, { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'Retry-After', ...headers })
      return res.end(body)
    }
    if (typeof f == 'object' && 'delay' in f) await new Promise((ok) => setTimeout(ok, f.delay))
    const count = () => {
      const now = Date.now()
      for (const e of batch) {
        copies.set(e.messageId, (copies.get(e.messageId) || 0) + 1)
        if (!seen.has(e.messageId)) {
          firstStored.set(e.messageId, now)
          seen.set(e.messageId, { name: e.type == 'track' ? e.event! : e.type, props: e.properties || {} })
        }
      }
    }
    if (f == 'cut') {
      // The collector stores the batch, then the connection dies before the client can read the reply.
      res.writeHead = (() => res) as never
      res.end = (() => {
        count()
        req.socket.end('HTTP/1.1 200 O')
        req.socket.destroy()
        return res
      }) as never
    } else {
      // Counted when the reference collector answers 2xx, even if the client is gone by then (a
      // navigation aborts an ordinary request): the events are stored all the same.
      const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse
      res.end = ((...a: unknown[]) => (res.statusCode < 300 && count(), end(...a))) as never
    }
    ;(req as IncomingMessage & { body?: Buffer }).body = buf
    collector(req, res)
  }

  const server = createServer((req, res) => void handle(req, res).catch(() => req.socket.destroy()))
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  const listen = () => new Promise<void>((ok) => server.listen(port, '127.0.0.1', () => ((port = (server.address() as { port: number }).port), ok())))
  await listen()
  return {
    url: `http://127.0.0.1:${port}/collect`,
    requests,
    copies,
    firstStored,
    seen,
    /** Replaces the fault policy. */
    set fault(f: (n: number, req: Request) => Fault) {
      policy = f
    },
    /** Stops listening and cuts open connections: new connections are refused until `accept()`. */
    refuse: () =>
      new Promise<void>((ok) => {
        server.close(() => ok())
        for (const s of sockets) s.destroy()
      }),
    accept: listen,
    /** Every line the reference collector wrote, as messageId → number of lines. */
    stored(): Map<string, number> {
      const lines = new Map<string, number>()
      for (const f of readdirSync(dir).filter((f) => f.endsWith('.ndjson')))
        for (const l of readFileSync(join(dir, f), 'utf8').split('\n'))
          if (l) {
            const id = JSON.parse(l).messageId as string
            lines.set(id, (lines.get(id) || 0) + 1)
          }
      return lines
    },
    /** Stored messages, parsed (for checks on their fields). */
    messages(): Record<string, any>[] {
      return readdirSync(dir)
        .filter((f) => f.endsWith('.ndjson'))
        .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)))
    },
    async close() {
      await new Promise<void>((ok) => {
        for (const s of sockets) s.destroy()
        server.close(() => ok())
      })
      await collector.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export type Endpoint = Awaited<ReturnType<typeof startEndpoint>>
