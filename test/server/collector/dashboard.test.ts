// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest'
import { startInProcess, type Running } from './helpers'

let running: Running | undefined
afterEach(async () => {
  await running?.stop()
  running = undefined
})

describe('GET /dashboard', () => {
  it('serves the page to whoever may read /kpi (else its login page), its files to anyone, with a strict CSP', async () => {
    running = await startInProcess({ adminToken: 'secret-token-secret-token', kpiStore: false })
    const { url } = running
    const as = { authorization: 'Bearer secret-token-secret-token' }
    const page = await fetch(`${url}/dashboard`, { headers: as })
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'.*style-src 'self'/)
    expect(await page.text()).toContain('<script type="module" src="/dashboard/footfall-dashboard.js"></script>')
    expect((await fetch(`${url}/dashboard/`, { headers: as })).status).toBe(200)
    const js = await fetch(`${url}/dashboard/footfall-dashboard.js`)
    expect(js.status).toBe(200)
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(js.headers.get('cross-origin-resource-policy')).toBe('same-origin')
    expect((await fetch(`${url}/dashboard/footfall-dashboard.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect((await fetch(`${url}/dashboard/collector.mjs`)).status).toBe(404)
    expect((await fetch(`${url}/dashboard/toString`)).status).toBe(404)
    expect((await fetch(`${url}/dashboard`, { method: 'POST' })).status).toBe(405)

    // Without credentials (same origin or not): the login page, 401.
    const login = await fetch(`${url}/dashboard`)
    expect(login.status).toBe(401)
    expect(await login.text()).toContain('<form method="post" action="/login">')
    expect((await fetch(`${url}/dashboard?token=secret-token-secret-token`)).status).toBe(401)
  })
})
