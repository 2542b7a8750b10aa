import type { Page } from '@playwright/test'
import { test, expect, sitePage, ready, nameOf } from '../support/fixtures'
import type { TestServer } from '../support/server'

/** Counts every read and write of document.cookie, by anyone, from before the first script runs. */
const watchCookieAccess = (page: Page) =>
  page.addInitScript(() => {
    const d = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie')!
    const w = window as any
    w.__cookie = { get: 0, set: 0 }
    Object.defineProperty(Document.prototype, 'cookie', {
      configurable: true,
      get() {
        w.__cookie.get++
        return d.get!.call(this)
      },
      set(v) {
        w.__cookie.set++
        d.set!.call(this, v)
      },
    })
  })

/** Every byte that reached the collector, whatever it answered. */
const wire = (s: TestServer) => s.attempts.map((a) => JSON.stringify(a.body)).join('\n')

const SECRETS = ['jane@doe.com', 'jane%40doe.com', 'tok-5ecret', 'pw-hunter2', '555-0100', 'my private message']

const shop = (title: string) =>
  sitePage({
    title,
    attrs: { 'data-vitals': 'on' },
    body: `<h1>${title}</h1>
<a id="next" href="/shop?utm_source=mail&utm_medium=email&email=jane@doe.com">Shop</a>
<button data-ff-event="add_to_cart" data-ff-product-id="sku-1" data-ff-price="10">Add</button>
<a id="mail" href="mailto:shop@example.com">Mail us</a>
<form data-ff-event="inquiry" id="contact" name="contact" action="/thanks" method="post">
  <input name="email" type="email" value="jane@doe.com">
  <input name="password" type="password" value="pw-hunter2">
  <input name="phone" value="555-0100">
  <textarea name="message">my private message</textarea>
  <button>Send</button>
</form>`,
  })

test.describe('privacy on a full session', () => {
  test('no cookie is set or read, none is sent, and no secret, e-mail or form value leaves the page', async ({ page, server, context }) => {
    await watchCookieAccess(page)
    for (const p of ['/start', '/shop', '/thanks']) server.pages.set(p, shop(p.slice(1)))

    // Landing with secrets in the URL; then a same-origin link, so the next page's referrer is that full URL.
    await page.goto(server.url + '/start?token=tok-5ecret&q=shoes&contact=jane@doe.com')
    await ready(page)
    await page.click('#next')
    await page.waitForURL('**/shop**')
    await ready(page)
    await page.evaluate(() => {
      const f = (window as any).footfall
      f.identify('user-42')
      f.track('search', { term: 'boots' })
      document.getElementById('mail')!.addEventListener('click', (e) => e.preventDefault())
      // An SPA route whose URL carries a password reset token and an e-mail.
      history.pushState({}, '', '/account/reset?password=pw-hunter2&user=jane@doe.com')
    })
    await page.evaluate(() => (window as any).footfall.flush())
    await server.waitFor((e) => e.some((x) => x.type == 'page' && x.properties!.path == '/account/reset'), 20e3, 'the SPA page view')
    // E-mail in the path, an OAuth token in the fragment.
    await page.evaluate(() => history.pushState({}, '', '/users/jane@doe.com/orders#access_token=tok-5ecret'))
    await page.click('button[data-ff-event=add_to_cart]')
    await page.click('#mail')
    await page.fill('input[name=phone]', '555-0100')
    await page.click('#contact button')
    await page.waitForURL('**/thanks**')
    await ready(page)
    await page.evaluate(() => (window as any).footfall.flush())
    const ev = await server.waitFor((e) => e.filter((x) => x.type == 'page').length >= 5 && e.some((x) => x.event == 'add_to_cart'), 20e3, 'the session')

    // Referrer redacted like every other URL field: on the page view and in every event's context.
    const shopView = ev.find((e) => e.type == 'page' && e.properties!.path == '/shop')!
    expect(shopView.properties!.referrer).toBe(`${server.url}/start?token=REDACTED&q=shoes&contact=REDACTED`)
    expect(shopView.context.page!.referrer).toBe(shopView.properties!.referrer)
    expect(shopView.properties!.url).toBe(`${server.url}/shop?utm_source=mail&utm_medium=email&email=REDACTED`)
    const spaView = ev.find((e) => e.type == 'page' && e.properties!.path == '/account/reset')!
    expect(spaView.properties!.referrer).toBe(shopView.properties!.url)
    expect(spaView.properties!.search).toBe('?password=REDACTED&user=REDACTED')
    const userView = ev.find((e) => e.type == 'page' && String(e.properties!.path).startsWith('/users/'))!
    expect(userView.properties).toMatchObject({ path: '/users/REDACTED/orders', url: `${server.url}/users/REDACTED/orders#access_token=REDACTED` })

    // Nothing secret anywhere on the wire: URLs, referrers, campaign, properties, form fields.
    await page.evaluate(() => (window as any).footfall.flush())
    const sent = wire(server)
    for (const s of SECRETS) expect(sent, s).not.toContain(s)
    expect(ev.map(nameOf)).toEqual(expect.arrayContaining(['page', 'identify', 'search', 'add_to_cart']))
    // The inquiry form was captured, by its id and name only.
    const inquiry = await server.waitFor((e) => e.some((x) => x.event == 'inquiry' && x.properties!.method == 'form'), 20e3, 'form inquiry')
    const form = inquiry.find((x) => x.event == 'inquiry' && x.properties!.method == 'form')!
    expect(form.properties).toMatchObject({ form_id: 'contact', form_name: 'contact' })

    // No cookies: none in the browser, none read or written by footfall, none sent to the collector.
    expect(await context.cookies()).toEqual([])
    expect(await page.evaluate(() => (window as any).__cookie)).toEqual({ get: 0, set: 0 })
    for (const a of server.attempts) expect(a.headers.cookie).toBeUndefined()
  })

  test('a site cookie is never sent with footfall requests to a same-origin collector', async ({ page, server, context }) => {
    await context.addCookies([{ name: 'site_session', value: 'abc', url: server.url }])
    server.pages.set('/', sitePage())
    await page.goto(server.url + '/')
    await ready(page)
    await page.evaluate(() => (window as any).footfall.track('x'))
    await server.waitForCount(1, 'x')
    // Also the keepalive path, taken when the page hides.
    await page.evaluate(() => (window as any).footfall.track('on_hide'))
    await page.evaluate(() => dispatchEvent(new PageTransitionEvent('pagehide')))
    await server.waitForCount(1, 'on_hide')
    for (const a of server.attempts) expect(a.headers.cookie).toBeUndefined()
  })
})
