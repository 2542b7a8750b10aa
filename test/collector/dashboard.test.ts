// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest'
import { startInProcess, type Running } from './helpers'

let running: Running | undefined
afterEach(async () => {
  await running?.stop()
  running = undefined
})

describe('GET /dashboard', () => {
  it('serves the page and its files under the reading rules of /kpi, with a strict CSP', async () => {
    running = await startInProcess({ readToken: 'secret-token', kpiStore: false })
    const { url } = running
    const page = await fetch(`${url}/dashboard`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'.*style-src 'self'/)
    expect(await page.text()).toContain('<script type="module" src="/dashboard/footfall-dashboard.js"></script>')
    expect((await fetch(`${url}/dashboard/`)).status).toBe(200)
    const js = await fetch(`${url}/dashboard/footfall-dashboard.js`)
    expect(js.status).toBe(200)
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect((await fetch(`${url}/dashboard/footfall-dashboard.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect((await fetch(`${url}/dashboard/collector.mjs`)).status).toBe(404)
    expect((await fetch(`${url}/dashboard/toString`)).status).toBe(404)
    expect((await fetch(`${url}/dashboard`, { method: 'POST' })).status).toBe(405)

    // Another site: refused, unless it holds the read token.
    const cross = { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' }
    expect((await fetch(`${url}/dashboard`, { headers: cross })).status).toBe(403)
    expect((await fetch(`${url}/dashboard/footfall-dashboard.js`, { headers: cross })).status).toBe(403)
    expect((await fetch(`${url}/dashboard?token=wrong`, { headers: cross })).status).toBe(403)
    expect((await fetch(`${url}/dashboard?token=secret-token`, { headers: cross })).status).toBe(200)
  })
})
