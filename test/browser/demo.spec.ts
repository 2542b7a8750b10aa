import { expect, type Page } from '@playwright/test'
import type { Demo } from '../../demo/server.mjs'
import { asAdmin, demoTest } from '../support/demo'
import type { Envelope } from '../../src/shared/types'

/**
 * Each test gets its own demo server (over the built dist/, with a temporary data dir) and a
 * page that fails the test on any script error or alert: the demo must run clean.
 */
const test = demoTest(/ERR_|Failed to load resource/)

let demo: Demo
test.beforeEach(({ demo: d }) => void (demo = d))

const stored = async (): Promise<Envelope[]> => {
  const r = await fetch(`${demo.url}/events?limit=1000`, { headers: asAdmin(demo) })
  if (!r.ok) throw new Error(`GET /events: HTTP ${r.status}`)
  return r.json()
}
/** Waits until the collector stored an event matching `pred`; returns it. */
const storedEvent = async (what: string, pred: (e: Envelope) => boolean): Promise<Envelope> => {
  let hit: Envelope | undefined
  await expect
    .poll(async () => ((hit = (await stored()).find(pred)), !!hit), { message: `collector stored ${what}`, timeout: 20e3 })
    .toBe(true)
  return hit!
}
const row = (page: Page, name: string, status?: string) =>
  page.locator(`.qa-event[data-name="${name}"]${status ? `[data-status="${status}"]` : ''}`)

test('QA adds to cart, browses SPA routes and sees every event acknowledged in the inspector', async ({ page }) => {
  await page.goto(demo.url + '/')
  await expect(page.locator('#view h1')).toHaveText('Goods for slow mornings')
  // The landing page view travels tracked → … → acknowledged.
  await expect(row(page, 'page_view', 'acked').first()).toBeVisible()

  await page.locator('.card button[data-ff-event="add_to_cart"]').first().click()
  const atc = await storedEvent('add_to_cart sku-mug', (e) => e.event == 'add_to_cart' && e.properties?.product_id == 'sku-mug')
  expect(atc.properties).toMatchObject({ name: 'Stoneware mug', price: 24, currency: 'EUR', quantity: 1, category: 'Kitchen' })
  await expect(row(page, 'add_to_cart', 'acked')).toHaveCount(1)
  await expect(page.locator('#cart-count')).toHaveText('1')

  // Product page as an SPA route, quantity 2.
  await page.locator('.card-link', { hasText: 'Waxed canvas tote' }).click()
  await expect(page).toHaveURL(/\/products\/sku-tote$/)
  await storedEvent('page view of /products/sku-tote', (e) => e.type == 'page' && e.properties?.path == '/products/sku-tote')
  await page.selectOption('#qty', '2')
  await page.locator('.product button.add').click()
  const tote = await storedEvent('add_to_cart sku-tote', (e) => e.properties?.product_id == 'sku-tote')
  expect(tote.properties).toMatchObject({ quantity: 2, price: 58 })

  // The inspector shows the full JSON on click, and the filter narrows the list.
  await page.selectOption('#qa-filter', 'add_to_cart')
  await expect(page.locator('.qa-event')).toHaveCount(2)
  await row(page, 'add_to_cart').first().locator('.qa-event-head').click()
  const json = JSON.parse((await page.locator('.qa-json').textContent())!)
  expect(json).toMatchObject({ type: 'track', event: 'add_to_cart', properties: { product_id: 'sku-tote' } })
  expect(json.messageId).toBe(tote.messageId)
  await page.selectOption('#qa-filter', '')
  await expect(page.locator('.qa-event[data-name="page_view"]').first()).toBeVisible()

  // Queue depth back to 0 once everything is acknowledged; KPI table from GET /kpi.
  await expect(page.locator('#qa-depth')).toHaveText('0')
  // This browser is driven by Playwright (navigator.webdriver): every event reached the collector,
  // flagged by the SDK and classed `automation`, and the KPIs, which count people, leave it out.
  expect((await stored()).every((e) => e.context.automation === true && e.context.traffic === 'automation')).toBe(true)
  await expect(row(page, 'add_to_cart', 'acked').first().locator('.qa-traffic')).toHaveText('automation')
  await expect(page.locator('.qa-kpi tr[data-kpi="All traffic"] td').nth(0)).toHaveText('0')
  await expect(page.locator('#qa-left')).toHaveText('1 session from crawlers and automation left out (automation 1)')
  await page.check('#qa-traffic-all')
  await expect(page.locator('.qa-kpi tr[data-kpi="All traffic"] td').nth(0)).toHaveText('1')
})

test('QA submits the inquiry form and follows mailto, tel and WhatsApp links', async ({ page, context }) => {
  // The WhatsApp link opens a new tab towards wa.me: answered locally, nothing leaves the machine.
  await context.route(/^https:\/\/wa\.me\//, (r) => r.fulfill({ body: 'WhatsApp', contentType: 'text/plain' }))
  await page.goto(demo.url + '/contact')
  await page.fill('input[name=name]', 'Ada')
  await page.fill('input[name=email]', 'ada@example.com')
  await page.fill('textarea[name=message]', 'Do you ship to Norway?')
  await page.click('#contact-form button[type=submit]')
  await expect(page.locator('.thanks')).toBeVisible()
  const form = await storedEvent('inquiry by form', (e) => e.event == 'inquiry' && e.properties?.method == 'form')
  expect(form.properties).toMatchObject({ form_id: 'contact-form', form_name: 'contact' })
  // Form values are never read.
  expect(JSON.stringify(form)).not.toContain('Norway')
  expect(JSON.stringify(form)).not.toContain('ada@example.com')

  await page.locator('.contact-side a[href^="mailto:"]').click()
  await page.locator('.contact-side a[href^="tel:"]').click()
  const popup = page.waitForEvent('popup')
  await page.locator('.contact-side a[href*="wa.me"]').click()
  await (await popup).close()
  for (const method of ['mailto', 'tel', 'whatsapp']) await storedEvent(`inquiry by ${method}`, (e) => e.event == 'inquiry' && e.properties?.method == method)
  await expect(row(page, 'inquiry', 'acked')).toHaveCount(4)
})

test('QA opens the chat: the Intercom stand-in opens and chat_open (intercom) reaches the collector', async ({ page }) => {
  await page.goto(demo.url + '/')
  await page.waitForFunction(() => (window as any).Intercom?.booted)
  await page.click('#chat-btn')
  await expect(page.locator('.ic-panel.open')).toBeVisible()
  const chat = await storedEvent('chat_open from intercom', (e) => e.event == 'chat_open')
  expect(chat.properties).toMatchObject({ provider: 'intercom' })
  await expect(row(page, 'chat_open', 'acked')).toHaveCount(1)
})

test('the failure switch makes the collector fail; events wait, retry and catch up', async ({ page }) => {
  await page.goto(demo.url + '/')
  await expect(row(page, 'page_view', 'acked').first()).toBeVisible()

  await page.click('.qa-seg[data-mode="503"]')
  await expect(page.locator('.qa-health')).toHaveText(/failing: 503/)
  await page.evaluate(() => (window as any).footfall.track('during_503', { n: 1 }))
  // Sent, refused with 503, kept in IndexedDB and retried.
  await expect(row(page, 'during_503')).toHaveClass(/retrying/)
  await expect(row(page, 'during_503').locator('.qa-steps b')).toContainText('HTTP 503')
  await expect(page.locator('#qa-depth')).not.toHaveText('0')
  expect((await stored()).some((e) => e.event == 'during_503')).toBe(false)

  await page.click('.qa-seg[data-mode="offline"]')
  await page.evaluate(() => (window as any).footfall.track('while_offline'))
  await expect(row(page, 'while_offline').locator('.qa-steps b')).toContainText('network error')

  // Back to healthy: the retries deliver both without any help from the page.
  await page.click('.qa-seg[data-mode="ok"]')
  await expect(row(page, 'during_503', 'acked')).toBeVisible({ timeout: 40e3 })
  await expect(row(page, 'while_offline', 'acked')).toBeVisible({ timeout: 40e3 })
  await storedEvent('during_503', (e) => e.event == 'during_503')
  await storedEvent('while_offline', (e) => e.event == 'while_offline')
  await expect(page.locator('#qa-depth')).toHaveText('0')
})

test('with the browser offline an event waits in IndexedDB as "queued" and leaves when it is back online', async ({ page, context }) => {
  await page.goto(demo.url + '/')
  await expect(row(page, 'page_view', 'acked').first()).toBeVisible()
  await context.setOffline(true)
  await page.evaluate(() => (window as any).footfall.track('browser_offline'))
  await expect(row(page, 'browser_offline', 'queued')).toHaveCount(1)
  await expect(page.locator('#qa-depth')).not.toHaveText('0')
  await context.setOffline(false)
  await expect(row(page, 'browser_offline', 'acked')).toHaveCount(1)
  await storedEvent('browser_offline', (e) => e.event == 'browser_offline')
})

test('a campaign link starts an attributed session, visible in the inspector and the KPI table', async ({ page }) => {
  await page.goto(demo.url + '/')
  await page.click('.qa-campaign[data-campaign="Newsletter"]')
  await expect(page).toHaveURL(/utm_campaign=spring_sale/)
  const pv = await storedEvent('page view from the newsletter', (e) => e.type == 'page' && e.context?.campaign?.name == 'spring_sale')
  expect(pv.context.campaign).toMatchObject({ source: 'newsletter', medium: 'email' })
  expect(pv.context.sessionStart).toBe(true)
  await expect(page.locator('#qa-campaign')).toHaveText('newsletter / email / spring_sale')
  // An automated browser: its session is in the KPI table once crawlers and automation are counted too.
  await page.check('#qa-traffic-all')
  await expect(page.locator('.qa-kpi tr[data-kpi="Email"]')).toBeVisible()
  await expect(page.locator('.qa-kpi tr[data-kpi="↳ spring_sale"]')).toBeVisible()
})

test('event names and properties are shown as text, never as markup', async ({ page }) => {
  await page.goto(demo.url + '/')
  await page.waitForFunction(() => !!(window as any).footfall?.track)
  const evil = '<img src=x onerror=alert(1)>'
  await page.evaluate((n) => (window as any).footfall.track(n, { [n]: '<script>alert(2)</script>', html: '<b>bold</b>' }), evil)
  const r = row(page, evil.replace(/"/g, '\\"'))
  await expect(r).toHaveCount(1)
  await expect(r.locator('.qa-name')).toHaveText(evil)
  await r.locator('.qa-event-head').click()
  await expect(r.locator('.qa-json')).toContainText('"<img src=x onerror=alert(1)>": "<script>alert(2)</script>"')
  await expect(page.locator('.qa img, .qa script, .qa b:text("bold")')).toHaveCount(0)
  await page.selectOption('#qa-filter', evil)
  await expect(page.locator('.qa-event')).toHaveCount(1)
  await storedEvent('the evil event', (e) => e.event == evil)
})

test('screenshots of the shop and inspector at desktop and phone widths', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto(demo.url + '/')
  await page.locator('.card button.add').nth(2).click()
  await expect(row(page, 'add_to_cart', 'acked').first()).toBeVisible()
  await expect(page.locator('.qa-kpi table')).toBeVisible()
  await page.screenshot({ path: 'test-results/demo-desktop.png' })
  await page.locator('.card-link').nth(5).click()
  await expect(page.locator('.product h1')).toHaveText('Wool throw')
  await row(page, 'add_to_cart').first().locator('.qa-event-head').click()
  await expect(row(page, 'page_view', 'acked').first()).toBeVisible()
  await page.screenshot({ path: 'test-results/demo-desktop-product.png' })
  await page.click('#chat-btn')
  await expect(page.locator('.ic-panel.open')).toBeVisible()
  await expect(row(page, 'chat_open')).toHaveCount(1)
  await page.screenshot({ path: 'test-results/demo-desktop-chat.png' })

  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto(demo.url + '/')
  await expect(page.locator('.qa-event').first()).toBeVisible()
  // Nothing wider than the phone: no sideways scrolling.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
  await page.screenshot({ path: 'test-results/demo-phone.png', fullPage: true })
  await page.locator('#qa').scrollIntoViewIfNeeded()
  await page.screenshot({ path: 'test-results/demo-phone-inspector.png' })
})

test('clear data empties the collector, the queue and the inspector', async ({ page }) => {
  await page.goto(demo.url + '/')
  await expect(row(page, 'page_view', 'acked').first()).toBeVisible()
  const old = await stored()
  expect(old.length).toBeGreaterThan(0)
  const before = await page.evaluate(() => localStorage.getItem('ff_aid'))
  await Promise.all([page.waitForEvent('framenavigated'), page.click('#qa-clear')])
  // After the reload only the new visit exists: a new visitor, none of the old events anywhere.
  await expect
    .poll(async () => {
      const now = await stored().catch(() => [])
      return now.some((e) => e.type == 'page') && now.every((e) => e.anonymousId != old[0].anonymousId)
    })
    .toBe(true)
  const ids = new Set((await stored()).map((e) => e.messageId))
  expect(old.some((e) => ids.has(e.messageId))).toBe(false)
  await expect(row(page, 'page_view', 'acked')).toHaveCount(1)
  for (const e of old) await expect(page.locator(`.qa-event[data-id="${e.messageId}"]`)).toHaveCount(0)
  expect(await page.evaluate(() => localStorage.getItem('ff_aid'))).not.toBe(before)
  // One session left, this automated browser's: left out of the people count, there with everything counted.
  await expect(page.locator('#qa-left')).toHaveText('1 session from crawlers and automation left out (automation 1)')
  await page.check('#qa-traffic-all')
  await expect(page.locator('.qa-kpi tr[data-kpi="All traffic"] td').nth(0)).toHaveText('1')
})

test('the demo answers with a strict CSP, and its control endpoints refuse other origins', async () => {
  const r = await fetch(demo.url + '/products/sku-mug')
  expect(r.status).toBe(200)
  expect(r.headers.get('content-security-policy')).toContain("script-src 'self'")
  expect(await r.text()).toContain('data-endpoint="/collect"')
  expect((await fetch(demo.url + '/footfall.js')).status).toBe(200)
  const cross = await fetch(demo.url + '/demo/fault', { method: 'POST', headers: { Origin: 'https://evil.example' }, body: '{"mode":"503"}' })
  expect(cross.status).toBe(403)
  expect((await (await fetch(demo.url + '/demo/fault')).json()).mode).toBe('ok')
  expect((await fetch(demo.url + '/%2e%2e/package.json')).status).toBe(404)
})
