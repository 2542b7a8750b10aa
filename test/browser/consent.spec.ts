import type { Page, Request } from '@playwright/test'
import { test, expect, sitePage, ready, nameOf } from '../support/fixtures'
import { readStorage, NOTHING } from '../support/storage'

/** Every request the page makes to the collector, seen from the browser (before any server answers). */
const collectorRequests = (page: Page): Request[] => {
  const seen: Request[] = []
  page.on('request', (r) => new URL(r.url()).pathname == '/collect' && seen.push(r))
  return seen
}

/** Records the messageId of every event footfall records from now on. */
const watchTracked = (page: Page) =>
  page.evaluate(() => {
    const w = window as any
    w.__tracked = []
    w.footfall.on('track', (e: { messageId: string }) => w.__tracked.push(e.messageId))
  })
const trackedIds = (page: Page): Promise<string[]> => page.evaluate(() => (window as any).__tracked)

/**
 * Gives footfall every reason to send and store: track, flush(), the tab hiding and the page
 * being hidden (pagehide), all of which send immediately when consent allows it.
 */
const provoke = async (page: Page, n = 3) => {
  await page.evaluate(async (n) => {
    const f = (window as any).footfall
    for (let i = 0; i < n; i++) f.track('held_' + i, { i })
    f.identify('user-1')
    await f.flush()
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true })
    document.dispatchEvent(new Event('visibilitychange'))
    dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }))
    delete (document as any).visibilityState
    await f.flush()
    // Let the tasks queued by the above (deferred writes) run: two turns of the event loop.
    for (let i = 0; i < 2; i++) await new Promise((r) => setTimeout(r))
    await f.flush()
  }, n)
}

test.describe('consent', () => {
  test('pending holds events in memory only: nothing stored, nothing sent; granted then delivers them all', async ({ page, server }) => {
    const requests = collectorRequests(page)
    server.pages.set('/', sitePage({ attrs: { 'data-consent': 'pending' } }))
    await page.goto(server.url + '/?utm_source=news')
    await ready(page)
    await watchTracked(page)
    await provoke(page)

    expect(await readStorage(page)).toEqual(NOTHING)
    expect(requests).toHaveLength(0)
    expect(server.attempts).toHaveLength(0)

    const held = await trackedIds(page)
    expect(held.length).toBeGreaterThanOrEqual(4)
    const grantedAt = new Date().toISOString()
    await page.evaluate(() => (window as any).footfall('consent', 'granted'))
    // The page view recorded at load plus everything tracked while pending, recorded back then.
    const ev = await server.waitFor((e) => held.every((id) => e.some((x) => x.messageId == id)) && e.some((x) => x.type == 'page'), 20e3, 'held events')
    expect(ev.map(nameOf)).toEqual(expect.arrayContaining(['held_0', 'held_1', 'held_2', 'identify', 'page']))
    for (const e of ev) expect(e.timestamp < grantedAt).toBe(true)
    expect(ev.find((e) => e.type == 'page')!.context.campaign).toEqual({ source: 'news' })
    expect(new Set(ev.map((e) => e.anonymousId)).size).toBe(1)
    // Granted: ids are now kept, and the queue uses IndexedDB.
    const stored = await readStorage(page)
    expect(Object.keys(stored.localStorage)).toEqual(expect.arrayContaining(['ff_aid', 'ff_uid']))
    expect(stored.localStorage.ff_aid).toBe(ev[0].anonymousId)
    expect(Object.keys(stored.indexedDB)).toEqual(['footfall'])
  })

  test('granted by default: stores and sends', async ({ page, server }) => {
    server.pages.set('/', sitePage())
    await page.goto(server.url + '/')
    await server.waitForCount(1, 'page')
    await expect.poll(async () => Object.keys((await readStorage(page)).localStorage)).toContain('ff_aid')
  })

  test('denied discards held events, removes every stored id and queued event, and sends nothing more', async ({ page, server }) => {
    // A granted visit whose events cannot be delivered: they wait in IndexedDB.
    let up = false
    server.reply = () => (up ? 200 : 503)
    server.pages.set('/', sitePage())
    await page.goto(server.url + '/')
    await ready(page)
    await page.evaluate(() => {
      const f = (window as any).footfall
      f.identify('user-9')
      f.track('queued', { n: 1 })
    })
    await expect.poll(() => server.attempts.length).toBeGreaterThan(0)
    await expect
      .poll(async () => {
        const s = await readStorage(page)
        return (s.indexedDB.footfall?.queue?.length ?? 0) >= 3 && !!s.localStorage.ff_uid
      })
      .toBe(true)

    // The next page load starts pending (the consent banner is showing) and records a page view.
    server.pages.set('/', sitePage({ attrs: { 'data-consent': 'pending' } }))
    await page.goto(server.url + '/')
    await ready(page)
    await page.evaluate(() => (window as any).footfall.track('while_pending'))

    // The visitor refuses.
    await page.evaluate(() => (window as any).footfall('consent', 'denied'))
    await expect.poll(() => readStorage(page)).toEqual(NOTHING)

    // Nothing tracked after the refusal, nor held or queued before it, ever reaches the collector.
    up = true
    const requests = collectorRequests(page)
    await page.evaluate(() => (window as any).footfall.track('after_denied'))
    await provoke(page)
    expect(await readStorage(page)).toEqual(NOTHING)
    expect(requests).toHaveLength(0)

    // Granting later starts afresh: a new visitor id, none of the discarded events.
    const earlier = server.attempts.flatMap((a) => a.body.batch).map((e) => e.anonymousId)
    await page.evaluate(() => (window as any).footfall('consent', 'granted'))
    await page.evaluate(() => (window as any).footfall.track('after_granted'))
    const ev = await server.waitForCount(1, 'after_granted')
    await page.evaluate(() => (window as any).footfall.flush())
    const names = [...server.unique().values()].map(nameOf)
    for (const n of ['queued', 'while_pending', 'after_denied', 'held_0']) expect(names).not.toContain(n)
    expect(earlier.length).toBeGreaterThan(0)
    expect(earlier).not.toContain(ev[0].anonymousId)
    expect(ev[0].userId).toBeUndefined()
  })

  test('denied in one tab removes the queue while another tab of the site is open', async ({ context, server }) => {
    server.reply = () => 503
    server.pages.set('/', sitePage())
    const a = await context.newPage()
    await a.goto(server.url + '/')
    await ready(a)
    await a.evaluate(() => (window as any).footfall.track('queued'))
    await expect.poll(async () => (await readStorage(a)).indexedDB.footfall?.queue?.length ?? 0).toBeGreaterThanOrEqual(2)
    // Tab a keeps its IndexedDB connection open; tab b gets the refusal.
    server.pages.set('/b', sitePage({ attrs: { 'data-consent': 'pending' } }))
    const b = await context.newPage()
    await b.goto(server.url + '/b')
    await ready(b)
    await b.evaluate(() => (window as any).footfall.consent('denied'))
    await expect.poll(async () => (await readStorage(b)).indexedDB).toEqual({})
  })

  test('denied from the first page load creates no storage at all and sends nothing', async ({ page, server }) => {
    const requests = collectorRequests(page)
    server.pages.set('/', sitePage({ attrs: { 'data-consent': 'denied' } }))
    await page.goto(server.url + '/')
    await ready(page)
    await provoke(page)
    expect(await readStorage(page)).toEqual(NOTHING)
    expect(requests).toHaveLength(0)
  })

  test('pending → denied → pending → granted: only what was recorded after the refusal is sent', async ({ page, server }) => {
    server.pages.set('/', sitePage({ attrs: { 'data-consent': 'pending' } }))
    await page.goto(server.url + '/')
    await ready(page)
    await page.evaluate(() => {
      const f = (window as any).footfall
      f.track('before')
      f.consent('denied')
      f.track('refused')
      f.consent('pending')
      f.track('after')
      f.consent('granted')
    })
    await server.waitForCount(1, 'after')
    await page.evaluate(() => (window as any).footfall.flush())
    expect([...server.unique().values()].map(nameOf)).toEqual(['after'])
  })

  test('bad consent values are refused with a warning, state unchanged', async ({ page, server }) => {
    const warnings: string[] = []
    page.on('console', (m) => m.type() == 'warning' && warnings.push(m.text()))
    server.pages.set('/', sitePage({ attrs: { 'data-consent': 'pending' } }))
    await page.goto(server.url + '/')
    await ready(page)
    const threw = await page.evaluate(() => {
      try {
        ;(window as any).footfall.consent('yes')
        ;(window as any).footfall('consent', 'GRANTED')
        return false
      } catch {
        return true
      }
    })
    expect(threw).toBe(false)
    expect(warnings.filter((w) => w.includes('consent()'))).toHaveLength(2)
    await provoke(page, 1)
    expect(server.attempts).toHaveLength(0)
    expect(await readStorage(page)).toEqual(NOTHING)
  })

  test('the ES module takes consent as an init() option and through consent()', async ({ page, server }) => {
    const requests = collectorRequests(page)
    server.pages.set(
      '/esm',
      `<!doctype html><html><head><meta charset="utf-8"><title>ESM</title>
<script type="importmap">{"imports":{"idb-keyval":"/node_modules/idb-keyval/dist/index.js","web-vitals":"/node_modules/web-vitals/dist/web-vitals.js"}}</script>
<script type="module">
import * as ff from '/dist/footfall.mjs'
ff.track('before_init')
ff.init({ endpoint: '/collect', site: 'esm', consent: 'pending', vitals: 'off' })
ff.track('held')
window.ff = ff
</script></head><body></body></html>`,
    )
    await page.goto(server.url + '/esm')
    await page.waitForFunction(() => !!(window as any).ff)
    await page.evaluate(() => (window as any).ff.flush())
    expect(await readStorage(page)).toEqual(NOTHING)
    expect(requests).toHaveLength(0)
    await page.evaluate(() => (window as any).ff.consent('granted'))
    const ev = await server.waitFor((e) => ['before_init', 'held', 'page'].every((n) => e.some((x) => nameOf(x) == n)), 20e3, 'held events')
    expect(ev.every((e) => e.anonymousId == ev[0].anonymousId)).toBe(true)
  })
})

test.describe('Do Not Track and Global Privacy Control', () => {
  const signals = {
    'Do Not Track': () => Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' }),
    'Global Privacy Control': () => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }),
  }
  for (const [name, signal] of Object.entries(signals)) {
    test(`${name} with data-respect-dnt acts as denied, even if consent('granted') is called later`, async ({ page, server }) => {
      await page.addInitScript(signal)
      const requests = collectorRequests(page)
      server.pages.set('/', sitePage({ attrs: { 'data-respect-dnt': true } }))
      await page.goto(server.url + '/')
      await ready(page)
      await provoke(page)
      // A consent platform granting by default must not override the browser's signal.
      await page.evaluate(() => (window as any).footfall('consent', 'granted'))
      await provoke(page)
      expect(await readStorage(page)).toEqual(NOTHING)
      expect(requests).toHaveLength(0)
    })

    test(`${name} without data-respect-dnt changes nothing`, async ({ page, server }) => {
      await page.addInitScript(signal)
      server.pages.set('/', sitePage())
      await page.goto(server.url + '/')
      await server.waitForCount(1, 'page')
    })
  }

  test('data-respect-dnt without a signal tracks as usual', async ({ page, server }) => {
    server.pages.set('/', sitePage({ attrs: { 'data-respect-dnt': true } }))
    await page.goto(server.url + '/')
    await server.waitForCount(1, 'page')
  })
})

test('consent given in one tab reaches the other tabs of the site', async ({ context, server }) => {
  server.pages.set('/', sitePage({ attrs: { 'data-consent': 'pending' } }))
  const a = await context.newPage()
  await a.goto(server.url + '/')
  await ready(a)
  await a.evaluate(() => (window as any).footfall.track('held_in_a'))
  const b = await context.newPage()
  await b.goto(server.url + '/')
  await ready(b)
  expect(server.attempts).toEqual([])
  await b.evaluate(() => (window as any).footfall.consent('granted'))
  // Tab a sends what it held, although only tab b was asked.
  await server.waitForCount(1, 'held_in_a')
  expect(await a.evaluate(() => localStorage.getItem('ff_consent'))).toBeNull()
})
