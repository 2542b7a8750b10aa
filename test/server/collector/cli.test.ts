// @vitest-environment node
// Integration: the built bin (dist/footfall-collector.mjs, made by `npm run build`) as a real process.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { AS_ADMIN, envelope, post, runCli, spawnCli, startInProcess, tempDir, waitFor, type Running, type Spawned } from './helpers'

const CLI = new URL('../../../dist/footfall-collector.mjs', import.meta.url).pathname

let cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(cleanup.map((f) => f()))
  cleanup = []
})
const cli = async (args: string[]) => {
  const s = await spawnCli(args)
  cleanup.push(s.stop)
  return s
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('dist/footfall-collector.mjs is missing: run `npm run build` first')
})

const events = async (url: string) => (await (await fetch(`${url}/events?limit=1000`, { headers: AS_ADMIN })).json()) as any[]

describe('footfall-collector (process)', () => {
  it('serves, stores NDJSON under --data and reports health', async () => {
    const data = tempDir()
    const c = await cli(['--data', data])
    const e = envelope()
    // The day file is the UTC day the collector stored it on: the day before or after the post (midnight may pass between).
    const day = () => `${new Date().toISOString().slice(0, 10)}.ndjson`
    const before = day()
    expect((await post(`${c.url}/collect`, { batch: [e], sentAt: new Date().toISOString() })).status).toBe(200)
    const files = readdirSync(data).filter((f) => f.endsWith('.ndjson'))
    expect(files).toHaveLength(1)
    expect([before, day()]).toContain(files[0])
    expect(JSON.parse(readFileSync(join(data, files[0]), 'utf8'))).toMatchObject({ messageId: e.messageId })
    expect(await (await fetch(`${c.url}/health`)).json()).toMatchObject({ ok: true, accepted: 1 })
  })

  it('still drops a duplicate messageId after a restart', async () => {
    const data = tempDir()
    const e = envelope()
    const first = await cli(['--data', data])
    expect(await (await post(`${first.url}/collect`, { batch: [e] })).json()).toMatchObject({ accepted: 1 })
    await first.stop()
    const second = await cli(['--data', data])
    expect(await (await post(`${second.url}/collect`, { batch: [e, envelope()] })).json()).toMatchObject({ accepted: 1, duplicates: 1 })
    const stored = await events(second.url)
    expect(stored.filter((m) => m.messageId === e.messageId)).toHaveLength(1)
    expect(stored).toHaveLength(2)
  })

  it('relays to an upstream that fails for a while, keeping the spool across a restart', async () => {
    let failing = true
    let refused = 0
    const upstream: Running = await startInProcess({
      fault: () => {
        if (!failing) return null
        refused++
        return 503
      },
    })
    cleanup.push(upstream.stop)
    const data = tempDir()
    const forward = `${upstream.url}/v1/batch`
    let downstream: Spawned = await cli(['--data', data, '--forward', forward, '--rate-limit', '0'])
    const batch = Array.from({ length: 5 }, () => envelope())
    expect((await post(`${downstream.url}/collect`, { batch, writeKey: 'demo-shop' })).status).toBe(200)
    await waitFor(() => refused >= 2, 15_000, 'upstream to refuse twice')
    // Accepted locally, waiting in the spool.
    expect(readdirSync(join(data, 'spool')).filter((f) => f.endsWith('.json')).length).toBeGreaterThan(0)
    await downstream.stop()
    downstream = await cli(['--data', data, '--forward', forward, '--rate-limit', '0'])
    failing = false
    const relayed = await waitFor(async () => {
      const list = await events(upstream.url)
      return list.length === 5 && list
    }, 20_000, 'the spool to reach upstream')
    expect(relayed.map((m) => m.messageId).sort()).toEqual(batch.map((m) => m.messageId).sort())
    expect(relayed[0].writeKey).toBe('demo-shop')
    await waitFor(() => readdirSync(join(data, 'spool')).filter((f) => f.endsWith('.json')).length === 0, 5000, 'the spool to empty')
  })

  it('answers malformed, oversize and gzip requests like the in-process handler', async () => {
    const c = await cli(['--data', tempDir()])
    expect((await post(`${c.url}/collect`, '{oops')).status).toBe(400)
    const big = JSON.stringify({ batch: [envelope({ properties: { pad: 'x'.repeat(520 * 1024) } })] })
    expect((await post(`${c.url}/collect`, big)).status).toBe(413)
    const { gzipSync } = await import('node:zlib')
    const res = await fetch(`${c.url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ batch: [envelope()] })),
    })
    expect(res.status).toBe(200)
  })

  it('prints the KPI table for NDJSON files', async () => {
    const file = join(tempDir(), 'events.ndjson')
    const ctx = { library: { name: 'footfall', version: '0' }, page: { url: 'https://s.example/', path: '/', search: '', referrer: '', title: '' } }
    const lines = [
      envelope({ type: 'page', event: undefined, context: { ...ctx, sessionId: 's1', campaign: { source: 'newsletter', medium: 'email', name: 'spring' } } }),
      envelope({ type: 'page', event: undefined, context: { ...ctx, sessionId: 's1' } }),
      envelope({ type: 'page', event: undefined, context: { ...ctx, sessionId: 's2' } }),
    ]
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n')
    const table = await runCli(['kpi', file])
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/Overall\s+2\s+1\s+3\s+1\s+50\.0 %/)
    expect(table.stdout).toMatch(/By channel[\s\S]*Direct[\s\S]*Email/)
    expect(table.stdout).toMatch(/By campaign[\s\S]*spring/)
    const json = await runCli(['kpi', '--json', file])
    expect(JSON.parse(json.stdout).overall.sessions).toBe(2)
  })

  it('counts people in the KPI table, says what it left out, and everything with --traffic all', async () => {
    const file = join(tempDir(), 'events.ndjson')
    const ctx = { library: { name: 'footfall', version: '0' }, page: { url: 'https://s.example/', path: '/', search: '', referrer: '', title: '' } }
    const lines = [
      envelope({ type: 'page', event: undefined, context: { ...ctx, sessionId: 'p1', traffic: 'human' } }),
      envelope({ type: 'page', event: undefined, context: { ...ctx, sessionId: 'old' } }),
      envelope({ type: 'page', event: undefined, context: { ...ctx, sessionId: 'bot', traffic: 'crawler' } }),
      envelope({ type: 'page', event: undefined, context: { ...ctx, sessionId: 'bot', traffic: 'crawler' } }),
    ]
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n')
    const table = await runCli(['kpi', file])
    expect(table.stdout).toMatch(/Overall\s+2\s/)
    expect(table.stdout).toContain('Left out (not people): crawler 1 session, 2 events')
    const all = JSON.parse((await runCli(['kpi', '--json', '--traffic', 'all', file])).stdout)
    expect(all.overall.sessions).toBe(3)
    expect((await runCli(['kpi', '--traffic', 'bots', file])).code).toBe(2)
  })

  it('reports one site with --site, every site without', async () => {
    const file = join(tempDir(), 'events.ndjson')
    const ctx = { library: { name: 'footfall', version: '0' }, page: { url: 'https://s.example/', path: '/', search: '', referrer: '', title: '' } }
    const lines = [
      envelope({ type: 'page', event: undefined, writeKey: 'shop-a', context: { ...ctx, sessionId: 'a1' } }),
      envelope({ type: 'page', event: undefined, writeKey: 'shop-a', context: { ...ctx, sessionId: 'a2' } }),
      envelope({ type: 'page', event: undefined, writeKey: 'shop-b', context: { ...ctx, sessionId: 'b1' } }),
    ]
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n')
    const sessions = async (...args: string[]) => JSON.parse((await runCli(['kpi', '--json', ...args, file])).stdout).overall.sessions
    expect(await sessions('--site', 'shop-a')).toBe(2)
    expect(await sessions('--site', 'shop-b')).toBe(1)
    expect(await sessions('--site', 'shop-c')).toBe(0)
    expect(await sessions()).toBe(3)
    expect((await runCli(['kpi', '--site', 'no site', file])).code).toBe(2)
  })

  it('exits with usage on bad arguments', async () => {
    const r = await runCli(['--port', 'nope'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/usage/)
  })
})
