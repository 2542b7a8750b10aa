// @vitest-environment node
/**
 * The ClickHouse sink against a stand-in for ClickHouse's HTTP interface: acknowledgements do
 * not wait on it, an outage loses nothing (the spool waits and retries), batches it refuses are
 * isolated and dead-lettered and counted in /health, and credentials never reach a log line.
 */
import { readdirSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { envelope, post, startInProcess, tempDir, waitFor, type Running } from '../collector/helpers'

interface Fake {
  url: string
  server: Server
  /** message ids inserted, in order. */
  rows: string[]
  auth: string[]
  mode: 'up' | 'down'
  /** Batches holding this id are refused as ClickHouse refuses bad rows. */
  poison?: string
}

const fakeClickHouse = async (): Promise<Fake> => {
  const fake = { rows: [], auth: [], mode: 'up' } as unknown as Fake
  fake.server = createServer(async (req: IncomingMessage, res) => {
    let body = ''
    for await (const chunk of req) body += chunk
    fake.auth.push(String(req.headers.authorization))
    const query = new URL(req.url!, 'http://x').searchParams.get('query') ?? body
    if (fake.mode === 'down') return void res.writeHead(503).end('Code: 999. DB::Exception: down for the test')
    if (!/^INSERT INTO footfall\.events FORMAT JSONEachRow/.test(query)) return void res.writeHead(200).end('')
    const ids = body.split('\n').filter(Boolean).map((l) => JSON.parse(l).message_id as string)
    if (fake.poison && ids.includes(fake.poison)) {
      return void res.writeHead(500).end('Code: 27, e.displayText() = DB::Exception: Cannot parse input: expected { before: x')
    }
    fake.rows.push(...ids)
    res.writeHead(200).end('')
  })
  await new Promise<void>((r) => fake.server.listen(0, '127.0.0.1', r))
  fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`
  return fake
}

let running: Running | undefined
let fake: Fake | undefined
afterEach(async () => {
  await running?.stop()
  fake?.server.close()
  running = fake = undefined
})

const health = async (r: Running) => (await (await fetch(`${r.url}/health`)).json()) as { clickhouse: Record<string, number | string> }

describe('ClickHouse sink', () => {
  it('acknowledges during an outage, spools, and inserts everything once ClickHouse is back', async () => {
    fake = await fakeClickHouse()
    fake.mode = 'down'
    const logs: string[] = []
    running = await startInProcess({
      clickhouse: { url: fake.url.replace('//', '//ops:s3cret@'), lingerMs: 20, minBackoffMs: 20, maxBackoffMs: 100 },
      kpiStore: false,
      log: (l) => logs.push(l),
    })
    const sent: string[] = []
    for (let i = 0; i < 5; i++) {
      const batch = [envelope(), envelope()]
      sent.push(...batch.map((e) => e.messageId))
      const started = performance.now()
      const res = await post(`${running.url}/collect`, { batch })
      expect(res.status).toBe(200)
      expect(performance.now() - started).toBeLessThan(1000)
    }
    await waitFor(async () => (await health(running!)).clickhouse.failures as number > 0, 5000, 'a failed insert')
    const during = (await health(running)).clickhouse
    expect(during.spooled).toBeGreaterThan(0)
    expect(during.inserted).toBe(0)
    fake.mode = 'up'
    await waitFor(async () => (await health(running!)).clickhouse.spooled === 0, 10_000, 'the spool to drain')
    expect(new Set(fake.rows)).toEqual(new Set(sent))
    expect((await health(running)).clickhouse.inserted).toBeGreaterThanOrEqual(sent.length)
    // Credentials travel as Basic auth only, and never reach the log or /health.
    expect(fake.auth.at(-1)).toBe('Basic ' + Buffer.from('ops:s3cret').toString('base64'))
    expect(logs.join('\n')).not.toContain('s3cret')
    expect(JSON.stringify(await health(running))).not.toContain('s3cret')
  })

  it('dead-letters the batch ClickHouse refuses, inserts the others, and counts it in /health', async () => {
    fake = await fakeClickHouse()
    const bad = envelope()
    fake.poison = bad.messageId
    fake.mode = 'down'
    const dataDir = tempDir()
    running = await startInProcess({ dataDir, clickhouse: { url: fake.url, lingerMs: 20, minBackoffMs: 20, maxBackoffMs: 100 }, kpiStore: false })
    const good = [envelope(), envelope(), envelope()]
    // Spooled while down, so that the bad batch travels in a group with good ones and must be isolated.
    for (const batch of [[good[0]], [bad, good[1]], [good[2]]]) expect((await post(`${running.url}/collect`, { batch })).status).toBe(200)
    await waitFor(async () => (await health(running!)).clickhouse.spooled === 3, 5000, 'three spooled batches')
    fake.mode = 'up'
    await waitFor(async () => (await health(running!)).clickhouse.spooled === 0, 10_000, 'the spool to drain')
    const h = (await health(running)).clickhouse
    expect(h.deadLettered).toBe(1)
    expect(String(h.lastError)).toMatch(/Cannot parse input/)
    expect(fake.rows.sort()).toEqual([good[0].messageId, good[2].messageId].sort())
    const dead = readdirSync(join(dataDir, 'clickhouse-spool', 'dead'))
    expect(dead).toHaveLength(1)
  })
})
