import { test, expect, sitePage, ready } from '../support/fixtures'

const flush = (page: import('@playwright/test').Page) => page.evaluate(() => (window as any).footfall.flush())

test.describe('sessions and campaigns', () => {
  test('a session ends after 30 minutes without events', async ({ page, server }) => {
    await page.clock.install()
    server.pages.set('/', sitePage())
    await page.goto(server.url + '/')
    await ready(page)
    await page.evaluate(() => (window as any).footfall.track('first'))
    await page.clock.fastForward('29:00')
    await page.evaluate(() => (window as any).footfall.track('within'))
    await page.clock.fastForward('30:01')
    await page.evaluate(() => (window as any).footfall.track('after'))
    await flush(page)
    const ev = await server.waitFor((e) => e.some((x) => x.event == 'after'))
    const by = (n: string) => ev.find((x) => (x.event || x.type) == n)!.context
    expect(by('page').sessionStart).toBe(true)
    expect(by('first')).toMatchObject({ sessionId: by('page').sessionId, sessionStart: false })
    expect(by('within')).toMatchObject({ sessionId: by('page').sessionId, sessionStart: false })
    expect(by('after').sessionStart).toBe(true)
    expect(by('after').sessionId).not.toBe(by('page').sessionId)
  })

  test('the first-touch campaign and landing referrer ride on every event across SPA routes; a new campaign is a new session', async ({ page, server }) => {
    server.pages.set('/landing', sitePage())
    await page.goto(server.url + '/landing?utm_source=news&utm_medium=email&utm_campaign=spring&gclid=G-1&email=bob%40mail.example', {
      referer: 'https://www.google.com/search?q=mugs&token=s3cret',
    })
    await ready(page)
    await page.evaluate(() => history.pushState({}, '', '/products'))
    await server.waitFor((e) => e.some((x) => x.type == 'page' && x.properties!.path == '/products'))
    await page.evaluate(() => (window as any).footfall.track('add_to_cart', { product_id: 'p' }))
    await page.evaluate(() => history.pushState({}, '', '/promo?utm_source=facebook&utm_medium=paid_social&utm_campaign=summer'))
    await server.waitFor((e) => e.some((x) => x.type == 'page' && x.properties!.path == '/promo'))
    await page.evaluate(() => (window as any).footfall.track('after_promo'))
    await flush(page)
    const ev = await server.waitFor((e) => e.some((x) => x.event == 'after_promo'))
    const first = { source: 'news', medium: 'email', name: 'spring', gclid: 'G-1' }
    const pv = (path: string) => ev.find((x) => x.type == 'page' && x.properties!.path == path)!
    const [land, products, promo] = ['/landing', '/products', '/promo'].map(pv)
    const [cart, after] = ['add_to_cart', 'after_promo'].map((n) => ev.find((x) => x.event == n)!)
    for (const e of [land, products, cart]) {
      expect(e.context.campaign).toEqual(first)
      expect(e.context.sessionId).toBe(land.context.sessionId)
      expect(e.context.referrer).toEqual({ url: 'https://www.google.com/search?q=mugs&token=REDACTED' })
    }
    expect(land.context.sessionStart).toBe(true)
    expect(products.context.sessionStart).toBe(false)
    expect(land.properties!.url).toBe(server.url + '/landing?utm_source=news&utm_medium=email&utm_campaign=spring&gclid=G-1&email=REDACTED')
    expect(land.properties!.referrer).toBe('https://www.google.com/search?q=mugs&token=REDACTED')
    // A new campaign: a new session with its own first touch, kept on later events.
    const summer = { source: 'facebook', medium: 'paid_social', name: 'summer' }
    expect(promo.context).toMatchObject({ sessionStart: true, campaign: summer })
    expect(promo.context.sessionId).not.toBe(land.context.sessionId)
    expect(after.context).toMatchObject({ sessionStart: false, sessionId: promo.context.sessionId, campaign: summer })
    // Nothing personal anywhere on the wire.
    for (const r of server.attempts) expect(JSON.stringify(r.body)).not.toMatch(/s3cret|bob@mail|bob%40mail/)
  })

  test('persistence: local keeps the visitor across tabs, session per tab, none per page; never a cookie', async ({ browser, server }) => {
    for (const mode of ['local', 'session', 'none']) server.pages.set('/' + mode, sitePage({ attrs: { 'data-persistence': mode } }))
    const ids: Record<string, string[]> = {}
    for (const mode of ['local', 'session', 'none']) {
      const ctx = await browser.newContext()
      ids[mode] = []
      const tab = await ctx.newPage()
      await tab.goto(server.url + '/' + mode)
      await tab.reload()
      const other = await ctx.newPage()
      await other.goto(server.url + '/' + mode)
      for (const p of [tab, other]) {
        await ready(p)
        ids[mode].push(await p.evaluate(() => new Promise<string>((r) => { const off = (window as any).footfall.on('track', (e: any) => (off(), r(e.anonymousId))); (window as any).footfall.track('who') })))
      }
      const stored = await tab.evaluate(() => [localStorage.getItem('ff_aid'), sessionStorage.getItem('ff_aid')])
      expect(stored).toEqual(mode == 'local' ? [ids[mode][0], null] : mode == 'session' ? [null, ids[mode][0]] : [null, null])
      expect(await tab.evaluate(() => document.cookie)).toBe('')
      expect((await ctx.cookies()).length).toBe(0)
      await ctx.close()
    }
    expect(ids.local[0]).toBe(ids.local[1]) // another tab, same visitor
    expect(ids.session[0]).not.toBe(ids.session[1]) // sessionStorage is per tab
    expect(ids.none[0]).not.toBe(ids.none[1])
  })
})
