import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, expect } from '@playwright/test'

/**
 * One collector, two client sites: the admin's dashboard has a site picker listing both and
 * shows one at a time; a site token's dashboard shows its own site, with no picker.
 */
const ADMIN = 'sites-admin-token-5c0f2e81'
const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36'

test('an admin picks a site; a site token sees only its own', async ({ page }) => {
  const { createCollector, createToken } = await import(new URL('../../dist/collector.mjs', import.meta.url).href)
  const dir = await mkdtemp(join(tmpdir(), 'footfall-sites-'))
  const collector = createCollector({ dataDir: dir, rateLimit: false, adminToken: ADMIN, now: '2026-12-09T12:00:00Z' })
  await collector.ready
  const server: Server = createServer(collector)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  try {
    const visit = (site: string, i: number) => ({
      type: 'page', messageId: `${site}-${i}`, anonymousId: `v-${site}-${i}`, timestamp: '2026-12-08T10:00:00.000Z',
      context: { page: { url: 'https://shop.example/', path: '/', search: '', referrer: '', title: 'Shop' }, sessionId: `s-${site}-${i}` },
    })
    for (const [site, n] of [['shop-a', 3], ['shop-b', 2]] as const) {
      const res = await fetch(`${url}/collect`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': CHROME },
        body: JSON.stringify({ writeKey: site, batch: Array.from({ length: n }, (_, i) => visit(site, i)) }),
      })
      expect(res.status).toBe(200)
    }
    await expect.poll(async () => (await (await fetch(`${url}/sites`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()).sites).toEqual(['shop-a', 'shop-b'])

    // The admin: no site named, the first is shown, and the picker offers both.
    await page.goto(`${url}/login?token=${ADMIN}&next=${encodeURIComponent('/dashboard')}`)
    await expect(page).toHaveURL(/site=shop-a/)
    const picker = page.locator('#pick-site')
    await expect(picker.locator('option')).toHaveText(['shop-a', 'shop-b'])
    await picker.selectOption('shop-b')
    await expect(page).toHaveURL(/site=shop-b/)
    await expect(page.locator('#pick-site')).toHaveValue('shop-b')

    // A site token: its own site, no picker, and another site's reports are refused.
    const made = createToken(dir, 'shop-b', 'client b')
    const token = 'token' in made ? made.token : ''
    const client = await page.context().browser()!.newContext()
    const theirs = await client.newPage()
    await theirs.goto(`${url}/login?token=${token}&next=${encodeURIComponent('/dashboard?site=shop-b')}`)
    await expect(theirs.locator('#kpis')).not.toBeEmpty()
    await expect(theirs.locator('#pick-site')).toHaveCount(0)
    expect((await theirs.request.get(`${url}/kpi?site=shop-a`)).status()).toBe(403)
    await client.close()
  } finally {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await collector.close()
    await rm(dir, { recursive: true, force: true })
  }
})
