// @vitest-environment node
import { gzipSync } from 'node:zlib'
import { Analytics } from '@segment/analytics-node'
import { describe, expect, it } from 'vitest'
import { AS_ADMIN, envelope, post, request, inProcessCollectors, waitFor, type Running } from './helpers'

const start = inProcessCollectors()

const events = async (r: Running, limit = 1000) => (await (await fetch(`${r.url}/events?limit=${limit}`, { headers: AS_ADMIN })).json()) as any[]

describe('ingest', () => {
  it('stores a text/plain batch from the SDK and stamps receivedAt', async () => {
    const r = await start()
    const e = envelope()
    const res = await post(`${r.url}/collect`, { batch: [e], sentAt: new Date().toISOString(), writeKey: 'demo-shop' })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ ok: true, accepted: 1, duplicates: 0, rejected: [] })
    const [stored] = await events(r)
    expect(stored).toMatchObject({ messageId: e.messageId, event: 'add_to_cart', writeKey: 'demo-shop' })
    expect(Date.parse(stored.receivedAt)).toBeGreaterThan(0)
  })

  it('accepts application/json on /v1/batch and gzip bodies', async () => {
    const r = await start()
    const a = envelope()
    const b = envelope()
    expect((await post(`${r.url}/v1/batch`, { batch: [a] }, { 'content-type': 'application/json' })).status).toBe(200)
    const gz = gzipSync(JSON.stringify({ batch: [b] }))
    const res = await request(`${r.url}/collect`, { method: 'POST', headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip' }, body: gz })
    expect(res.status).toBe(200)
    expect((await events(r)).map((e) => e.messageId)).toEqual([a.messageId, b.messageId])
  })

  it('answers 400 with a JSON error for malformed JSON, a bad shape or broken gzip', async () => {
    const r = await start()
    for (const body of ['{"batch": [', '[1,2]', '{"nobatch": true}']) {
      const res = await post(`${r.url}/collect`, body)
      expect(res.status).toBe(400)
      expect((await res.json()).error).toEqual(expect.any(String))
    }
    const res = await request(`${r.url}/collect`, { method: 'POST', headers: { 'content-encoding': 'gzip' }, body: 'not gzip' })
    expect(res.status).toBe(400)
    expect(res.json().error).toMatch(/gzip/)
  })

  it('answers 413 to a body over 512 KB without reading it all', async () => {
    const r = await start()
    const big = JSON.stringify({ batch: [envelope({ properties: { pad: 'x'.repeat(600 * 1024) } })] })
    const res = await request(`${r.url}/collect`, { method: 'POST', body: big })
    expect(res.status).toBe(413)
    // Declared length over the limit: refused before any byte of the body is read.
    const declared = await request(`${r.url}/collect`, { method: 'POST', headers: { 'content-length': String(10 << 20) }, body: '' }).catch(() => undefined)
    if (declared) expect(declared.status).toBe(413)
    // A small gzip that inflates past the limit is refused too.
    const bomb = gzipSync(JSON.stringify({ batch: [], pad: 'x'.repeat(2 << 20) }))
    expect(bomb.length).toBeLessThan(64 * 1024)
    const inflated = await request(`${r.url}/collect`, { method: 'POST', headers: { 'content-encoding': 'gzip' }, body: bomb })
    expect(inflated.status).toBe(413)
    expect(await events(r)).toEqual([])
  })

  it('keeps the valid messages of a batch and lists the rejected ones', async () => {
    const r = await start()
    const good = envelope()
    const batch = [
      good,
      envelope({ type: 'bogus' }),
      envelope({ event: '' }),
      envelope({ anonymousId: undefined }),
      'not an object',
      envelope({ timestamp: 'yesterday' }),
    ]
    const res = await post(`${r.url}/collect`, { batch })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.accepted).toBe(1)
    expect(body.rejected.map((x: any) => x.index)).toEqual([1, 2, 3, 4, 5])
    expect(body.rejected[0]).toMatchObject({ messageId: (batch[1] as { messageId: string }).messageId, error: expect.stringMatching(/type/) })
    expect((await events(r)).map((e) => e.messageId)).toEqual([good.messageId])
    // Nothing valid at all: 400, so a client can bisect.
    expect((await post(`${r.url}/collect`, { batch: [envelope({ type: 'x' })] })).status).toBe(400)
  })

  it('ignores duplicate messageIds, within a batch and across batches', async () => {
    const r = await start()
    const e = envelope()
    const first = await (await post(`${r.url}/collect`, { batch: [e, e] })).json()
    const again = await (await post(`${r.url}/collect`, { batch: [e] })).json()
    expect(first).toMatchObject({ accepted: 1, duplicates: 1 })
    expect(again).toMatchObject({ accepted: 0, duplicates: 1 })
    expect(await events(r)).toHaveLength(1)
  })

  it('drops __proto__, constructor and prototype keys instead of polluting prototypes', async () => {
    const r = await start()
    const id = envelope().messageId
    const raw = `{"batch":[{"type":"track","event":"x","messageId":"${id}","anonymousId":"a","__proto__":{"polluted":1},"properties":{"constructor":{"prototype":{"polluted":1}},"ok":1}}]}`
    expect((await post(`${r.url}/collect`, raw)).status).toBe(200)
    const [stored] = await events(r)
    expect(stored.properties).toEqual({ ok: 1 })
    expect(Object.keys(stored)).not.toContain('__proto__')
    expect(({} as any).polluted).toBeUndefined()
  })

  it('rejects a writeKey that is not a plain site id', async () => {
    const r = await start()
    for (const writeKey of ['../etc', 'a/b', '', 'x'.repeat(200)]) {
      expect((await post(`${r.url}/collect`, { batch: [envelope()], writeKey })).status).toBe(400)
    }
    const only = await start({ writeKeys: ['demo-shop'] })
    expect((await post(`${only.url}/collect`, { batch: [envelope()], writeKey: 'other' })).status).toBe(401)
    expect((await post(`${only.url}/collect`, { batch: [envelope()], writeKey: 'demo-shop' })).status).toBe(200)
  })

  it('corrects client clock skew with sentAt and keeps originalTimestamp', async () => {
    const r = await start()
    // The client's clock is one hour ahead; the event happened 5 s before sending.
    const skew = 3600_000
    const sentAt = new Date(Date.now() + skew)
    const e = envelope({ timestamp: new Date(sentAt.getTime() - 5000).toISOString() })
    await post(`${r.url}/collect`, { batch: [e], sentAt: sentAt.toISOString() })
    const [stored] = await events(r)
    expect(stored.originalTimestamp).toBe(e.timestamp)
    expect(Date.parse(stored.receivedAt) - Date.parse(stored.timestamp)).toBe(5000)
  })

  it('stores the timestamp exactly as sent when the client clock is right', async () => {
    const r = await start()
    const e = envelope({ timestamp: new Date(Date.now() - 5000).toISOString() })
    await post(`${r.url}/collect`, { batch: [e], sentAt: new Date().toISOString() })
    const [stored] = await events(r)
    expect(stored.timestamp).toBe(e.timestamp)
    expect(stored).not.toHaveProperty('originalTimestamp')
  })
})

describe('access', () => {
  it('answers CORS preflights on ingest paths, open by default', async () => {
    const r = await start()
    const res = await request(`${r.url}/collect`, { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } })
    expect(res.status).toBe(204)
    expect(res.headers['access-control-allow-origin']).toBe('*')
    expect(res.headers['access-control-allow-methods']).toMatch(/POST/)
  })

  it('limits ingest to configured origins', async () => {
    const r = await start({ origins: ['https://shop.example'] })
    const ok = await request(`${r.url}/collect`, { method: 'POST', headers: { origin: 'https://shop.example' }, body: JSON.stringify({ batch: [envelope()] }) })
    expect(ok.status).toBe(200)
    expect(ok.headers['access-control-allow-origin']).toBe('https://shop.example')
    const other = await request(`${r.url}/collect`, { method: 'POST', headers: { origin: 'https://evil.example' }, body: JSON.stringify({ batch: [envelope()] }) })
    expect(other.status).toBe(403)
  })

  it('serves /events and /kpi to a token holder only (same origin or not), without CORS', async () => {
    const r = await start({ adminToken: 'sekret-sekret-sekret' })
    const host = `127.0.0.1:${r.port}`
    for (const path of ['/events', '/kpi']) {
      expect((await request(`${r.url}${path}`)).status).toBe(401)
      expect((await request(`${r.url}${path}`, { headers: { origin: `http://${host}` } })).status).toBe(401)
      const held = await request(`${r.url}${path}`, { headers: { origin: 'https://evil.example', authorization: 'Bearer sekret-sekret-sekret' } })
      expect(held.status).toBe(200)
      expect(held.headers['access-control-allow-origin']).toBeUndefined()
      expect((await request(`${r.url}${path}?token=sekret-sekret-sekret`)).status).toBe(401)
    }
    const health = await request(`${r.url}/health`)
    expect(health.status).toBe(200)
    expect(health.json()).toMatchObject({ ok: true })
  })

  it('rate-limits each client with 429 and Retry-After', async () => {
    const r = await start({ rateLimit: { rate: 1, burst: 3 } })
    const statuses: number[] = []
    let retryAfter: string | null = null
    for (let i = 0; i < 5; i++) {
      const res = await post(`${r.url}/collect`, { batch: [envelope()] })
      statuses.push(res.status)
      if (res.status === 429) retryAfter = res.headers.get('retry-after')
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200])
    expect(statuses).toContain(429)
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1)
  })

  it('lets a fault hook fail or drop ingest requests', async () => {
    let fault: 503 | 'drop' | null = 503
    const r = await start({ fault: () => fault })
    const res = await post(`${r.url}/collect`, { batch: [envelope()] })
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    fault = 'drop'
    await expect(post(`${r.url}/collect`, { batch: [envelope()] })).rejects.toThrow()
    fault = null
    expect((await post(`${r.url}/collect`, { batch: [envelope()] })).status).toBe(200)
    expect(await events(r)).toHaveLength(1)
  })

  it('passes other paths to next() and answers 404 without it', async () => {
    const r = await start()
    expect((await request(`${r.url}/elsewhere`)).status).toBe(404)
    let called = false
    const handled = r.collector({ url: '/shop', method: 'GET', headers: {} } as any, {} as any, () => (called = true))
    expect(handled).toBe(false)
    expect(called).toBe(true)
  })
})

describe('reading', () => {
  it('returns the most recent events, oldest first, up to limit', async () => {
    const r = await start()
    const batch = Array.from({ length: 5 }, () => envelope())
    await post(`${r.url}/collect`, { batch })
    const last2 = await events(r, 2)
    expect(last2.map((e) => e.messageId)).toEqual(batch.slice(3).map((e) => e.messageId))
  })

  it('computes /kpi over what is stored', async () => {
    const r = await start()
    const ctx = (sessionId: string) => ({ ...envelope().context, sessionId, campaign: { source: 'newsletter', medium: 'email', name: 'spring' } })
    await post(`${r.url}/collect`, {
      batch: [
        envelope({ type: 'page', event: undefined, context: ctx('s1') }),
        envelope({ type: 'page', event: undefined, context: ctx('s1') }),
        envelope({ type: 'page', event: undefined, context: ctx('s2'), anonymousId: 'anon-2' }),
      ],
    })
    const kpi = await (await fetch(`${r.url}/kpi`, { headers: AS_ADMIN })).json()
    expect(kpi.overall).toMatchObject({ sessions: 2, users: 2, pageViews: 3, engagedSessions: 1, engagementRate: 0.5 })
    expect(Object.keys(kpi.byChannel)).toEqual(['Email'])
    expect(kpi.byCampaign.spring.sessions).toBe(2)
  })
})

describe('third-party clients', () => {
  it('stores events sent by @segment/analytics-node', async () => {
    const r = await start()
    const analytics = new Analytics({ writeKey: 'segment-key', host: r.url, path: '/v1/batch', flushInterval: 50, maxEventsInBatch: 10 })
    analytics.track({ userId: 'user-1', event: 'Order Viewed', properties: { id: 'o-1' } })
    analytics.page({ anonymousId: 'anon-9', name: 'Home' })
    analytics.identify({ userId: 'user-1', traits: { plan: 'pro' } })
    await analytics.closeAndFlush({ timeout: 10_000 })
    const stored = await waitFor(async () => {
      const list = await events(r)
      return list.length === 3 && list
    })
    expect(stored.map((e) => e.type).sort()).toEqual(['identify', 'page', 'track'])
    expect(stored.find((e) => e.type === 'track')).toMatchObject({ event: 'Order Viewed', userId: 'user-1', writeKey: 'segment-key' })
  })
})
