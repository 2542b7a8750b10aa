import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach } from 'vitest'
import { createCollector, type Collector, type CollectorOptions } from '../../../src/server/collector/index'

/** The admin token of every collector these helpers start (reports need credentials). */
export const ADMIN_TOKEN = 'test-admin-token-4f1c9a7e2b'
/** Headers that read as the admin: `fetch(url, { headers: AS_ADMIN })`. */
export const AS_ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` } as const

export const tempDir = () => mkdtempSync(join(tmpdir(), 'footfall-collector-'))

/** A `tempDir` whose folders are removed after the file's tests. */
export const tempDirs = () => {
  const dirs: string[] = []
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })))
  return () => {
    const dir = tempDir()
    dirs.push(dir)
    return dir
  }
}

/** Poll `check` until it returns a truthy value, or fail after `ms`. */
export const waitFor = async <T>(check: () => T | Promise<T>, ms = 10_000, what = 'condition'): Promise<Exclude<T, false | 0 | '' | null | undefined>> => {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value) return value as Exclude<T, false | 0 | '' | null | undefined>
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

export interface Running {
  url: string
  dataDir: string
  port: number
  collector: Collector
  server: Server
  stop(): Promise<void>
}

/** The collector in this process, on 127.0.0.1 and a free port; its admin token is ADMIN_TOKEN unless given. */
export const startInProcess = async (options: Partial<CollectorOptions> = {}, port = 0): Promise<Running> => {
  const dataDir = options.dataDir ?? tempDir()
  const collector = createCollector({ rateLimit: false, adminToken: ADMIN_TOKEN, ...options, dataDir })
  await collector.ready
  const server = createServer(collector)
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const actual = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${actual}`,
    dataDir,
    port: actual,
    collector,
    server,
    async stop() {
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
      await collector.close()
    },
  }
}

/** `start(options)` for a test file: collectors in this process, each stopped after its test. */
export const inProcessCollectors = () => {
  let running: Running[] = []
  afterEach(async () => {
    await Promise.all(running.map((r) => r.stop()))
    running = []
  })
  return async (...args: Parameters<typeof startInProcess>) => {
    const r = await startInProcess(...args)
    running.push(r)
    return r
  }
}

const CLI = new URL('../../../dist/footfall-collector.mjs', import.meta.url).pathname

export interface Spawned {
  url: string
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  stop(): Promise<void>
}

/**
 * The built bin as a child process; resolves once it prints the address it listens on. Its admin
 * token is ADMIN_TOKEN (through `$FOOTFALL_ADMIN_TOKEN`) unless `env` says otherwise.
 */
/** `spawnCli` for one test file: every collector it starts is stopped after each test. */
export const spawnedClis = () => {
  let spawned: Spawned[] = []
  afterEach(async () => {
    await Promise.all(spawned.map((s) => s.stop()))
    spawned = []
  })
  return async (...args: Parameters<typeof spawnCli>) => {
    const s = await spawnCli(...args)
    spawned.push(s)
    return s
  }
}

export const spawnCli = (args: string[], env: Record<string, string | undefined> = {}): Promise<Spawned> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--port', '0', '--host', '127.0.0.1', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FOOTFALL_ADMIN_TOKEN: ADMIN_TOKEN, ...env },
    })
    let out = ''
    let err = ''
    child.stderr!.on('data', (d) => (err += d))
    child.stdout!.on('data', (d) => {
      out += d
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (m)
        resolve({
          url: m[1],
          child,
          stdout: () => out,
          stderr: () => err,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done()
              child.once('exit', () => done())
              child.kill('SIGTERM')
            }),
        })
    })
    child.once('exit', (code) => reject(new Error(`collector exited with ${code}: ${err}`)))
  })

export const runCli = (args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.once('exit', (code) => resolve({ code, stdout, stderr }))
  })

let counter = 0
/** A valid footfall envelope; `overrides` win. */
export const envelope = (overrides: Record<string, unknown> = {}) => ({
  type: 'track',
  event: 'add_to_cart',
  properties: { product_id: 'sku-1' },
  messageId: `m-${process.pid}-${Date.now()}-${counter++}`,
  timestamp: new Date().toISOString(),
  anonymousId: 'anon-1',
  context: {
    library: { name: 'footfall', version: '0.0.0' },
    page: { url: 'https://shop.example/', path: '/', search: '', referrer: '', title: 'Shop' },
    sessionId: 's-1',
  },
  ...overrides,
})

/** A current desktop Chrome's User-Agent: what the collector sees from a person's browser. */
export const BROWSER_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36'

/** POST as a person's browser does (its User-Agent, unless `headers` names another). */
export const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': BROWSER_UA, ...headers },
    body: (typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body)) as BodyInit,
  })

/** A raw request through node:http, so any header (Origin, Content-Length) can be set. */
export const request = (
  url: string,
  { method = 'GET', headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string; json: () => any }> =>
  import('node:http').then(
    ({ request: req }) =>
      new Promise((resolve, reject) => {
        const r = req(url, { method, headers }, (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (d) => (text += d))
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text, json: () => JSON.parse(text) }))
        })
        r.on('error', reject)
        r.end(body)
      }),
  )
