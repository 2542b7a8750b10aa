import type { Page } from '@playwright/test'
import { test, expect, sitePage, ready } from '../support/fixtures'

/**
 * The SDK flags a browser driven by automation and still sends everything: QA's suites (this one
 * included: Playwright sets navigator.webdriver) must see their events; the collector classes them.
 */
const sendOne = async (page: Page, name: string) => {
  await ready(page)
  await page.evaluate((n) => (window as any).footfall.track(n), name)
  await page.evaluate(() => (window as any).footfall.flush())
}
/** As a person's browser: no WebDriver flag. */
const asPerson = (page: Page) => page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'webdriver', { get: () => false }))

test.describe('automation flag', () => {
  test('a browser driven by WebDriver still sends every event, each flagged context.automation: true', async ({ page, server }) => {
    server.pages.set('/', sitePage())
    await page.goto(server.url + '/')
    expect(await page.evaluate(() => navigator.webdriver)).toBe(true)
    await sendOne(page, 'qa_step')
    const ev = await server.waitFor((e) => e.some((x) => x.event == 'qa_step'))
    expect(ev.map((e) => e.type)).toContain('page')
    for (const e of ev) expect(e.context.automation).toBe(true)
  })

  test("a person's browser sends no automation key at all", async ({ page, server }) => {
    await asPerson(page)
    server.pages.set('/', sitePage())
    await page.goto(server.url + '/')
    await sendOne(page, 'person_step')
    const ev = await server.waitFor((e) => e.some((x) => x.event == 'person_step'))
    for (const e of ev) expect('automation' in e.context).toBe(false)
  })

  test('Cypress (window.Cypress, no WebDriver flag) is flagged too', async ({ page, server }) => {
    await asPerson(page)
    await page.addInitScript(() => ((window as any).Cypress = { version: '13.6.0' }))
    server.pages.set('/', sitePage())
    await page.goto(server.url + '/')
    await sendOne(page, 'cypress_step')
    const ev = await server.waitFor((e) => e.some((x) => x.event == 'cypress_step'))
    for (const e of ev) expect(e.context.automation).toBe(true)
  })
})
