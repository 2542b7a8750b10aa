import { test, expect, sitePage, ready } from '../support/fixtures'
import type { Page } from '@playwright/test'

/** Runs `fn` in the page, moves the page's clock past the route settle window, then flushes. */
const go = async (page: Page, fn: string) => {
  await page.evaluate(fn)
  await page.clock.runFor(400)
  await page.evaluate(() => (window as any).footfall.flush())
}
const pages = (ev: { type: string }[]) => ev.filter((e) => e.type == 'page') as any[]

test.describe('SPA page views', () => {
  // A controllable clock, so that the 300 ms route settle window is passed without waiting.
  test.beforeEach(({ page }) => page.clock.install())

  test('history mode: pushState, replaceState and back/forward are page views; the same URL is not', async ({ page, server }) => {
    server.pages.set('/', sitePage({ title: 'Home' }))
    await page.goto(server.url + '/')
    await ready(page)
    await go(page, `history.pushState({}, '', '/products'); document.title = 'Products'`)
    await server.waitFor((e) => pages(e).some((p) => p.properties.path == '/products'))
    // Same URL again, and a hash-only change: not new page views in history mode.
    await go(page, `history.pushState({}, '', '/products'); history.replaceState({}, '', '/products'); location.hash = 'reviews'`)
    await go(page, `history.replaceState({}, '', '/products/sku-1')`)
    await server.waitFor((e) => pages(e).some((p) => p.properties.path == '/products/sku-1'))
    await page.goBack() // /products#reviews → same route as /products, but the current route is /products/sku-1
    await server.waitFor((e) => pages(e).filter((p) => p.properties.path == '/products').length == 2)
    const pv = pages(await server.waitForCount(4, 'page'))
    expect(pv.map((p) => p.properties.path)).toEqual(['/', '/products', '/products/sku-1', '/products'])
    // The title of the route, set after the URL, and the previous route as referrer.
    expect(pv[1].properties.title).toBe('Products')
    expect(pv[1].properties.referrer).toBe(server.url + '/')
    expect(pv[2].properties.referrer).toBe(server.url + '/products')
    // Nothing more arrives after a final flush.
    await page.evaluate(() => (window as any).footfall.flush())
    expect(pages(server.events().filter((e, i, a) => a.findIndex((x) => x.messageId == e.messageId) == i))).toHaveLength(4)
  })

  test('hash mode counts fragment routes', async ({ page, server }) => {
    server.pages.set('/', sitePage({ attrs: { 'data-spa': 'hash' } }))
    await page.goto(server.url + '/')
    await ready(page)
    await go(page, `location.hash = '#/cart'`)
    await server.waitFor((e) => pages(e).some((p) => p.properties.url.endsWith('#/cart')))
    await go(page, `location.hash = '#/checkout'`)
    const pv = pages(await server.waitForCount(3, 'page'))
    expect(pv.map((p) => new URL(p.properties.url).hash)).toEqual(['', '#/cart', '#/checkout'])
  })

  test('off: only the load page view, route changes are left to page()', async ({ page, server }) => {
    server.pages.set('/', sitePage({ attrs: { 'data-spa': 'off' } }))
    await page.goto(server.url + '/')
    await ready(page)
    await go(page, `history.pushState({}, '', '/a'); history.pushState({}, '', '/b')`)
    await page.evaluate(() => (window as any).footfall.track('marker'))
    await page.evaluate(() => (window as any).footfall.flush())
    await server.waitFor((e) => e.some((x) => x.event == 'marker'))
    await page.evaluate(() => (window as any).footfall.page())
    const pv = pages(await server.waitForCount(2, 'page'))
    expect(pv.map((p) => p.properties.path)).toEqual(['/', '/b'])
  })

  test('an app that calls page() right after its route change is counted once', async ({ page, server }) => {
    server.pages.set('/', sitePage())
    await page.goto(server.url + '/')
    await ready(page)
    // Same task, and from a later task (a router hook after render).
    await go(page, `history.pushState({}, '', '/one'); footfall.page({ from: 'app' })`)
    await page.evaluate(`history.pushState({}, '', '/two')`)
    await page.evaluate(`footfall.page({ from: 'app' })`)
    await go(page, `history.pushState({}, '', '/three')`)
    await server.waitFor((e) => pages(e).some((p) => p.properties.path == '/three'))
    await page.evaluate(() => (window as any).footfall.flush())
    const pv = pages([...server.unique().values()])
    expect(pv.map((p) => p.properties.path)).toEqual(['/', '/one', '/two', '/three'])
    expect(pv[1].properties.from).toBe('app')
    expect(pv[2].properties.from).toBe('app')
  })

  test('a bfcache restore is a new page view, even of the same URL', async ({ page, server }) => {
    server.pages.set('/', sitePage())
    await page.goto(server.url + '/')
    await ready(page)
    await server.waitForCount(1, 'page')
    // What the browser fires when it restores the page from the back/forward cache.
    await go(page, `dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true })); footfall.flush()`)
    const pv = pages(await server.waitForCount(2, 'page'))
    expect(pv.map((p) => p.properties.path)).toEqual(['/', '/'])
    // A plain pageshow (first load) is not one.
    await go(page, `dispatchEvent(new PageTransitionEvent('pageshow', { persisted: false })); footfall.track('marker'); footfall.flush()`)
    await server.waitFor((e) => e.some((x) => x.event == 'marker'))
    expect(pages([...server.unique().values()])).toHaveLength(2)
  })

  test('a route change just before the tab closes is still delivered', async ({ page, server }) => {
    server.pages.set('/', sitePage())
    await page.goto(server.url + '/')
    await ready(page)
    await server.waitForCount(1, 'page')
    await go(page, `history.pushState({}, '', '/leaving')`)
    await page.close({ runBeforeUnload: true })
    await server.waitFor((e) => pages(e).some((p) => p.properties.path == '/leaving'))
  })
})
