// @vitest-environment node
/**
 * Who may read what: every path but ingest needs credentials (from loopback too), a site token
 * opens its own site only, the login cookie's flags, sessions that end, failed logins that are
 * limited, tokens that never leak, and sites kept apart.
 */
import { describe, expect, it } from 'vitest'
import { createToken, revokeToken } from '../../../src/server/collector/tokens'
import { computeKpis, type KpiEvent } from '../../../src/kpi/index'
import { ADMIN_TOKEN, AS_ADMIN, envelope, inProcessCollectors, post, request, runCli, spawnCli, tempDir, waitFor } from './helpers'

const start = inProcessCollectors()
const READING = ['/events', '/kpi', '/kpi/series', '/commitments', '/sites']
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const NOW = Date.parse('2026-05-04T10:00:00Z')

/** A session with a page view (and an add-to-cart for `carts`). */
const visit = (id: string, carts = false) => [
  envelope({ type: 'page', event: undefined, properties: { path: '/' }, timestamp: new Date(NOW - 3_600_000).toISOString(), anonymousId: `v-${id}`, context: { page: { path: '/' }, sessionId: id } }),
  ...(carts ? [envelope({ timestamp: new Date(NOW - 3_500_000).toISOString(), anonymousId: `v-${id}`, context: { page: { path: '/' }, sessionId: id } })] : []),
]

/** Two sites' events posted; returns what each site was sent. */
const twoSites = async (url: string) => {
  const a = [...visit('a1', true), ...visit('a2')]
  const b = [...visit('b1'), ...visit('a1', true), ...visit('b3', true)]
  expect((await post(`${url}/collect`, { batch: a, writeKey: 'shop-a' })).status).toBe(200)
  expect((await post(`${url}/collect`, { batch: b, writeKey: 'shop-b' })).status).toBe(200)
  return { a, b }
}

const loginWith = (url: string, token: string, headers: Record<string, string> = {}) =>
  request(`${url}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams({ token, next: '/dashboard' }).toString() })

const cookieOf = (res: { headers: Record<string, unknown> }) => String((res.headers['set-cookie'] as string[] | undefined)?.[0] ?? '').split(';')[0]

describe('access', () => {
  it('answers 401 on every reading path without credentials, from loopback too; the dashboard answers with its login page', async () => {
    const r = await start()
    for (const path of READING) {
      const res = await request(`${r.url}${path}`, { headers: { origin: r.url } })
      expect(res.status, path).toBe(401)
      expect(res.headers['www-authenticate']).toBe('Bearer realm="footfall"')
      expect(res.json().ok).toBe(false)
    }
    const page = await request(`${r.url}/dashboard`)
    expect(page.status).toBe(401)
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.text).toContain('action="/login"')
  })

  it('answers 401 to a wrong token, and 200 to the admin token', async () => {
    // More wrong tokens than the failed-login limit allows one client: not what this test is about.
    const r = await start({ login: { maxFailures: 1000 } })
    for (const path of [...READING, '/dashboard']) {
      expect((await request(`${r.url}${path}`, { headers: bearer('wrong-token') })).status, path).toBe(401)
      expect((await request(`${r.url}${path}`, { headers: bearer(ADMIN_TOKEN + 'x') })).status, path).toBe(401)
      expect((await request(`${r.url}${path}?token=${ADMIN_TOKEN}`)).status, path).toBe(401)
      expect([200, 400].includes((await request(`${r.url}${path}`, { headers: AS_ADMIN })).status), path).toBe(true)
    }
  })

  it('leaves the ingest paths open without credentials', async () => {
    const r = await start()
    expect((await post(`${r.url}/collect`, { batch: [envelope()] })).status).toBe(200)
    expect((await post(`${r.url}/v1/batch`, { batch: [envelope()] })).status).toBe(200)
    expect((await request(`${r.url}/health`)).status).toBe(200)
  })

  it('gives a site token its own site only: another site is 403 for reports, events and the dashboard data', async () => {
    const r = await start()
    await twoSites(r.url)
    const made = createToken(r.dataDir, 'shop-a', 'client A')
    if ('error' in made) throw new Error(made.error)
    const as = bearer(made.token)
    for (const path of ['/events', '/kpi', '/kpi/series?interval=week', '/commitments']) {
      const sep = path.includes('?') ? '&' : '?'
      expect((await request(`${r.url}${path}${sep}site=shop-b`, { headers: as })).status, path).toBe(403)
      expect((await request(`${r.url}${path}${sep}site=shop-a`, { headers: as })).status, path).not.toBe(403)
    }
    const events = (await request(`${r.url}/events`, { headers: as })).json() as KpiEvent[]
    expect(events.length).toBe(3)
    expect(events.every((e) => e.writeKey === 'shop-a')).toBe(true)
    expect((await request(`${r.url}/sites`, { headers: as })).json()).toEqual({ sites: ['shop-a'] })
    expect((await request(`${r.url}/dashboard`, { headers: as })).status).toBe(200)
  })

  it('sets an HttpOnly, SameSite=Strict, expiring session cookie; Secure over https behind a trusted proxy', async () => {
    const r = await start({ trustProxy: true })
    const res = await loginWith(r.url, ADMIN_TOKEN)
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/dashboard')
    const set = String((res.headers['set-cookie'] as string[])[0])
    expect(set).toMatch(/^footfall_session=[A-Za-z0-9_-]{43}; /)
    expect(set).toContain('HttpOnly')
    expect(set).toContain('SameSite=Strict')
    expect(set).toContain('Path=/')
    expect(set).toMatch(/Max-Age=\d+/)
    expect(set).not.toContain('Secure')
    expect((await request(`${r.url}/kpi`, { headers: { cookie: cookieOf(res) } })).status).toBe(200)
    const https = await loginWith(r.url, ADMIN_TOKEN, { 'x-forwarded-proto': 'https' })
    expect(String((https.headers['set-cookie'] as string[])[0])).toContain('; Secure')
    // A form posted from another site is refused (login CSRF).
    expect((await loginWith(r.url, ADMIN_TOKEN, { 'sec-fetch-site': 'cross-site' })).status).toBe(403)
  })

  it('ends a session when it expires, on logout, and when its token is revoked', async () => {
    let now = NOW
    const r = await start({ login: { now: () => now, sessionMs: 60_000 } })
    const one = cookieOf(await loginWith(r.url, ADMIN_TOKEN))
    expect((await request(`${r.url}/kpi`, { headers: { cookie: one } })).status).toBe(200)
    expect((await request(`${r.url}/logout`, { method: 'POST', headers: { cookie: one } })).status).toBe(303)
    expect((await request(`${r.url}/kpi`, { headers: { cookie: one } })).status).toBe(401)

    const two = cookieOf(await loginWith(r.url, ADMIN_TOKEN))
    now += 61_000
    expect((await request(`${r.url}/kpi`, { headers: { cookie: two } })).status).toBe(401)

    const made = createToken(r.dataDir, 'shop-a')
    if ('error' in made) throw new Error(made.error)
    const three = cookieOf(await loginWith(r.url, made.token))
    expect((await request(`${r.url}/events`, { headers: { cookie: three } })).status).toBe(200)
    expect(revokeToken(r.dataDir, made.info.id)).toBe(true)
    expect((await request(`${r.url}/events`, { headers: { cookie: three } })).status).toBe(401)
    expect((await request(`${r.url}/events`, { headers: bearer(made.token) })).status).toBe(401)
  })

  it('answers 100 wrong logins with 429 and Retry-After; the right token still works, from elsewhere at once and here afterwards', async () => {
    let now = NOW
    const r = await start({ trustProxy: true, login: { now: () => now } })
    const here = { 'x-forwarded-for': '203.0.113.7' }
    const statuses: number[] = []
    let retryAfter = 0
    for (let i = 0; i < 100; i++) {
      const res = await loginWith(r.url, `guess-${i}`, here)
      statuses.push(res.status)
      if (res.status === 429) retryAfter = Number(res.headers['retry-after'])
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true)
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true)
    expect(retryAfter).toBeGreaterThan(0)
    // Locked out: even the right token is not tried here, by form or bearer.
    expect((await loginWith(r.url, ADMIN_TOKEN, here)).status).toBe(429)
    expect((await request(`${r.url}/kpi`, { headers: { ...AS_ADMIN, ...here } })).status).toBe(429)
    // Another client logs in meanwhile.
    expect((await loginWith(r.url, ADMIN_TOKEN, { 'x-forwarded-for': '198.51.100.2' })).status).toBe(303)
    // Once Retry-After has passed, this client too.
    now += retryAfter * 1000
    expect((await loginWith(r.url, ADMIN_TOKEN, here)).status).toBe(303)
  })

  it('keys the limit by the last X-Forwarded-For hop, the one the proxy added: a forged first hop chooses nothing', async () => {
    const r = await start({ trustProxy: true, login: { maxFailures: 2 } })
    // A proxy that appends (nginx's $proxy_add_x_forwarded_for) after what the client sent.
    const forged = (i: number) => ({ 'x-forwarded-for': `198.51.100.${i}, 203.0.113.7` })
    expect((await loginWith(r.url, 'guess-1', forged(1))).status).toBe(401)
    expect((await loginWith(r.url, 'guess-2', forged(2))).status).toBe(401)
    expect((await loginWith(r.url, ADMIN_TOKEN, forged(3))).status).toBe(429)
    expect((await request(`${r.url}/kpi`, { headers: { ...AS_ADMIN, 'x-forwarded-for': '198.51.100.4,203.0.113.7' } })).status).toBe(429)
    // The forged first hop, alone, is another client.
    expect((await loginWith(r.url, ADMIN_TOKEN, { 'x-forwarded-for': '198.51.100.3' })).status).toBe(303)
  })

  it('never shows a token in stdout, stderr, /health or an error body', async () => {
    const data = tempDir()
    const made = await runCli(['token', 'create', data, '--site', 'shop-a', '--name', 'client A'])
    expect(made.code).toBe(0)
    const siteToken = made.stdout.split('\n')[0]
    expect(siteToken).toMatch(/^fft_[A-Za-z0-9_-]{43}$/)
    const list = await runCli(['token', 'list', data])
    expect(list.stdout).toContain('shop-a')
    expect(list.stdout).not.toContain(siteToken)
    const c = await spawnCli(['--data', data])
    try {
      const bodies: string[] = []
      await post(`${c.url}/collect`, { batch: [envelope()], writeKey: 'shop-a' })
      for (const token of [ADMIN_TOKEN, siteToken]) {
        for (const wrong of [token + 'x', token.slice(1), `${token} ${token}`]) {
          const res = await request(`${c.url}/kpi`, { headers: bearer(wrong) })
          bodies.push(res.text)
          bodies.push((await loginWith(c.url, wrong)).text)
        }
        bodies.push((await request(`${c.url}/kpi?site=shop-b`, { headers: bearer(token) })).text)
        bodies.push((await request(`${c.url}/commitments?confidence=7`, { headers: bearer(token) })).text)
        bodies.push((await loginWith(c.url, token)).text)
      }
      bodies.push((await request(`${c.url}/health`)).text)
      bodies.push((await request(`${c.url}/login?token=${encodeURIComponent(siteToken + 'x')}`)).text)
      for (const text of [...bodies, c.stdout(), c.stderr()]) {
        expect(text).not.toContain(ADMIN_TOKEN)
        expect(text).not.toContain(siteToken)
        expect(text).not.toContain(siteToken.slice(4, 24))
      }
    } finally {
      await c.stop()
    }
  })

  it('warns that --read-token is the admin token under a deprecated name', async () => {
    const c = await spawnCli(['--data', tempDir(), '--read-token', 'an-old-read-token-1234'], { FOOTFALL_ADMIN_TOKEN: undefined })
    try {
      expect(c.stderr()).toContain('deprecated')
      expect(c.stderr()).not.toContain('an-old-read-token-1234')
      expect((await request(`${c.url}/kpi`, { headers: bearer('an-old-read-token-1234') })).status).not.toBe(401)
    } finally {
      await c.stop()
    }
  })

  it('keeps hostile site names and login targets as text', async () => {
    const r = await start()
    await twoSites(r.url)
    for (const site of ['<script>alert(1)</script>', "shop-a' OR '1'='1", '../../etc/passwd', 'shop-a\u0001', '']) {
      const res = await request(`${r.url}/kpi?site=${encodeURIComponent(site)}`, { headers: AS_ADMIN })
      expect(res.status).toBe(200)
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8')
      expect(res.json().overall.sessions).toBe(0)
    }
    const made = createToken(r.dataDir, 'shop-a')
    if ('error' in made) throw new Error(made.error)
    const denied = await request(`${r.url}/kpi?site=${encodeURIComponent('<img src=x onerror=alert(1)>')}`, { headers: bearer(made.token) })
    expect(denied.status).toBe(403)
    expect(denied.text).not.toContain('<img')
    expect('error' in createToken(r.dataDir, '<script>')).toBe(true)
    expect((await runCli(['token', 'create', r.dataDir, '--site', '../x'])).code).not.toBe(0)
    const page = await request(`${r.url}/login?next=${encodeURIComponent('"><script>alert(1)</script>')}`)
    expect(page.text).not.toContain('<script>alert')
    for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
      const res = await request(`${r.url}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: ADMIN_TOKEN, next }).toString() })
      expect(res.headers.location).toBe('/dashboard')
    }
  })

  it('keeps two sites apart: each its own KPIs, equal to computeKpis of its events; none named → 400 listing them', async () => {
    const r = await start()
    await twoSites(r.url)
    const all = (await request(`${r.url}/events?site=shop-a&limit=1000`, { headers: AS_ADMIN })).json() as KpiEvent[]
    const bs = (await request(`${r.url}/events?site=shop-b&limit=1000`, { headers: AS_ADMIN })).json() as KpiEvent[]
    expect(all.length).toBe(3)
    expect(bs.length).toBe(5)
    const none = await request(`${r.url}/kpi`, { headers: AS_ADMIN })
    expect(none.status).toBe(400)
    expect(none.json().sites).toEqual(['shop-a', 'shop-b'])
    for (const [site, events] of [['shop-a', all], ['shop-b', bs]] as const) {
      const got = await waitFor(async () => {
        const res = await request(`${r.url}/kpi?site=${site}`, { headers: AS_ADMIN })
        return res.status === 200 && res.json()
      })
      expect(got).toEqual(JSON.parse(JSON.stringify(computeKpis(events))))
    }
    // The same visitor and session id on both sites: one user, one session on each.
    const a = (await request(`${r.url}/kpi?site=shop-a`, { headers: AS_ADMIN })).json()
    const b = (await request(`${r.url}/kpi?site=shop-b`, { headers: AS_ADMIN })).json()
    expect([a.overall.sessions, b.overall.sessions]).toEqual([2, 3])
    expect((await request(`${r.url}/sites`, { headers: AS_ADMIN })).json()).toEqual({ sites: ['shop-a', 'shop-b'] })
  })

  it('serves a --public site read-only without login, and nothing else', async () => {
    const r = await start({ publicSites: ['shop-b'] })
    await twoSites(r.url)
    expect((await request(`${r.url}/kpi`)).status).toBe(200)
    expect((await request(`${r.url}/kpi?site=shop-b`)).json().overall.sessions).toBe(3)
    expect((await request(`${r.url}/kpi?site=shop-a`)).status).toBe(401)
    expect((await request(`${r.url}/dashboard`)).status).toBe(200)
    expect((await request(`${r.url}/kpi`, { method: 'POST' })).status).toBe(405)
  })
})
