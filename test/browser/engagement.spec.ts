import { test, expect, sitePage, ready } from '../support/fixtures'
import type { Page } from '@playwright/test'

// Visibility and focus are emulated the way a tab switch looks to the page: visibilityState /
// hasFocus() report the new state and the event fires. Time is Playwright's controllable clock
// (performance.now() included), so "20 s hidden" takes no real time.
const hide = (page: Page) =>
  page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true })
    document.dispatchEvent(new Event('visibilitychange'))
  })
const show = (page: Page) =>
  page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true })
    document.dispatchEvent(new Event('visibilitychange'))
  })
const blur = (page: Page) =>
  page.evaluate(() => {
    document.hasFocus = () => false
    dispatchEvent(new Event('blur'))
  })
const focus = (page: Page) =>
  page.evaluate(() => {
    delete (document as any).hasFocus
    dispatchEvent(new Event('focus'))
  })
const endPage = (page: Page) => page.evaluate(() => (window as any).footfall.page())

const engagements = (ev: any[]) => ev.filter((e) => e.event == 'engagement')
/** Real time passing between steps (test overhead) may add a little to what the clock was moved. */
const about = (ms: number, actual: number) => {
  expect(actual).toBeGreaterThanOrEqual(ms - 50)
  expect(actual).toBeLessThan(ms + 1500)
}

const TALL = '<div style="height:5000px;background:linear-gradient(#fff,#ccc)">long page</div>'

test.describe('engagement', () => {
  test('engaged time excludes a hidden period; each hide reports what accrued, never twice', async ({ page, server }) => {
    await page.clock.install()
    server.pages.set('/', sitePage())
    await page.goto(server.url + '/')
    await ready(page)
    await page.clock.runFor(5000)
    await hide(page)
    const [first] = await server.waitForCount(1, 'engagement')
    about(5000, first.properties!.engaged_ms as number)
    expect(first.context.page.path).toBe('/')
    // 20 s hidden (below the idle threshold, so only the pause keeps it out), then 3 s visible.
    await page.clock.runFor(20000)
    await show(page)
    await page.clock.runFor(3000)
    await endPage(page)
    await page.evaluate(() => (window as any).footfall.flush())
    const ev = engagements(await server.waitForCount(2, 'engagement'))
    about(3000, ev[1].properties.engaged_ms)
    const total = ev.reduce((s, e) => s + e.properties.engaged_ms, 0)
    expect(total).toBeLessThan(8000 + 1500)
  })

  test('a blurred window does not accrue; focus resumes', async ({ page, server }) => {
    await page.clock.install()
    server.pages.set('/', sitePage())
    await page.goto(server.url + '/')
    await ready(page)
    await page.clock.runFor(2000)
    await blur(page)
    await page.clock.runFor(15000)
    await focus(page)
    await page.clock.runFor(1000)
    await endPage(page)
    await page.evaluate(() => (window as any).footfall.flush())
    const [e] = await server.waitForCount(1, 'engagement')
    about(3000, e.properties!.engaged_ms as number)
  })

  test('an idle visitor stops accruing 30 s after the last input', async ({ page, server }) => {
    await page.clock.install()
    server.pages.set('/', sitePage())
    await page.goto(server.url + '/')
    await ready(page)
    await page.clock.runFor(2000)
    await page.mouse.move(10, 10)
    await page.mouse.move(50, 50)
    await page.clock.runFor(120000)
    await endPage(page)
    await page.evaluate(() => (window as any).footfall.flush())
    const [e] = await server.waitForCount(1, 'engagement')
    about(32000, e.properties!.engaged_ms as number)
  })

  test('scroll depth is the furthest share of a long page that was in view', async ({ page, server }) => {
    server.pages.set('/', sitePage({ body: TALL }))
    await page.goto(server.url + '/')
    await ready(page)
    // Bottom of the viewport at 60% of the page, then back to the top: the maximum stays.
    const target = await page.evaluate(() => {
      const y = document.documentElement.scrollHeight * 0.6 - innerHeight
      scrollTo(0, y)
      return y
    })
    expect(target).toBeGreaterThan(0)
    await page.waitForFunction(() => scrollY > 0)
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
    await page.evaluate(() => scrollTo(0, 0))
    await endPage(page)
    await page.evaluate(() => (window as any).footfall.flush())
    const [e] = await server.waitForCount(1, 'engagement')
    expect(e.properties!.scroll_depth).toBe(60)
    // The next page view starts again from what is in view.
    await page.evaluate(() => (window as any).footfall.page())
    await hide(page)
    const ev = engagements(await server.waitForCount(2, 'engagement'))
    expect(ev[1].properties.scroll_depth).toBeLessThan(60)
  })

  test('a page that fits the window counts as fully seen', async ({ page, server }) => {
    server.pages.set('/', sitePage())
    await page.goto(server.url + '/')
    await ready(page)
    await hide(page)
    const [e] = await server.waitForCount(1, 'engagement')
    expect(e.properties!.scroll_depth).toBe(100)
  })

  test('an SPA route change ends the page view: its engagement carries the page that ended', async ({ page, server }) => {
    server.pages.set('/', sitePage({ title: 'Home' }))
    await page.goto(server.url + '/')
    await ready(page)
    await page.evaluate(() => history.pushState({}, '', '/products'))
    await server.waitFor((e) => e.some((x) => x.type == 'page' && x.properties!.path == '/products'), 20e3, 'the /products page view')
    await page.evaluate(() => (window as any).footfall.flush())
    const [e] = await server.waitForCount(1, 'engagement')
    expect(e.context.page.path).toBe('/')
    expect(e.properties!.engaged_ms).toBeGreaterThan(0)
    expect(Number.isInteger(e.properties!.engaged_ms)).toBe(true)
  })

  test('closing the tab delivers exactly one engagement event for the page view', async ({ context, server }) => {
    server.pages.set('/', sitePage())
    server.pages.set('/again', sitePage())
    const first = await context.newPage()
    await first.goto(server.url + '/')
    await ready(first)
    await server.waitForCount(1, 'page')
    await first.close({ runBeforeUnload: true })
    const [e] = await server.waitForCount(1, 'engagement')
    expect(e.context.page.path).toBe('/')
    expect(e.properties!.engaged_ms).toBeGreaterThan(0)
    // pagehide and visibilitychange both fire on the way out; by the next visit both have had their say.
    const next = await context.newPage()
    await next.goto(server.url + '/again')
    await server.waitFor((ev) => ev.some((x) => x.type == 'page' && x.properties!.path == '/again'))
    await next.evaluate(() => (window as any).footfall.flush())
    expect(engagements([...server.unique().values()])).toHaveLength(1)
  })

  test('scroll and pointer listeners are passive, so they never hold up scrolling', async ({ page, server }) => {
    server.pages.set('/', sitePage({ body: TALL }))
    // The DevTools protocol lists window's listeners with their passive flag and the script that added them.
    const cdp = await page.context().newCDPSession(page)
    const scripts = new Map<string, string>()
    cdp.on('Debugger.scriptParsed', (e) => scripts.set(e.scriptId, e.url))
    await cdp.send('Debugger.enable')
    await page.goto(server.url + '/')
    await ready(page)
    const { result } = await cdp.send('Runtime.evaluate', { expression: 'window' })
    const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId! })
    const ours = listeners.filter((l) => /\/footfall\.js$/.test(scripts.get(l.scriptId) || ''))
    const hot = ours.filter((l) => ['scroll', 'pointermove', 'wheel', 'touchstart', 'touchmove'].includes(l.type))
    expect(hot.map((l) => l.type)).toEqual(expect.arrayContaining(['pointermove', 'scroll']))
    for (const l of hot) expect(l, l.type).toMatchObject({ passive: true })
  })
})
