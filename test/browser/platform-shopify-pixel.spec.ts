import { test, expect, sitePage, ready } from '../support/fixtures'
import type { Page } from '@playwright/test'
import { SHOPIFY_GLOBAL } from '../support/shopify/backend'

/** A storefront page with footfall in theme.liquid, a contact form, and the pixel sandbox stand-in. */
const storefront = (body = '') =>
  sitePage({
    title: 'Ceramic Mug',
    head: `<script>${SHOPIFY_GLOBAL}</script><script src="/test/support/shopify/pixel-sandbox.js"></script>`,
    body: `<h1>Ceramic Mug</h1>
<form method="post" action="/contact#ContactForm" id="ContactForm" accept-charset="UTF-8" class="contact-form" onsubmit="event.preventDefault()">
  <input type="hidden" name="form_type" value="contact"><input type="email" name="contact[email]" value="jane@doe.com">
  <textarea name="contact[body]">Do you ship to Lyon?</textarea><button type="submit">Send</button>
</form>${body}`,
  })

/** product_added_to_cart's data, as Shopify documents its cartLine. */
const CART_LINE = {
  cartLine: {
    quantity: 2,
    cost: { totalAmount: { amount: 25, currencyCode: 'EUR' } },
    merchandise: { id: '41', title: 'Blue', sku: 'MUG-B', price: { amount: 12.5, currencyCode: 'EUR' }, product: { id: '7', title: 'Ceramic Mug', type: 'Kitchen', vendor: 'Potter', url: '/products/mug' } },
  },
}
const CHECKOUT = { checkout: { token: 't1', currencyCode: 'EUR', totalPrice: { amount: 37.5, currencyCode: 'EUR' }, lineItems: [{ quantity: 3, title: 'Ceramic Mug' }], order: { id: '1001' } } }

const start = (page: Page, server: any, more = {}) =>
  page.evaluate((settings) => {
    ;(window as any).pixel = new (window as any).PixelSandbox('/footfall-shopify-pixel.js', settings)
  }, { endpoint: server.url + '/collect', site: 'test-site', ...more })

test.describe('Shopify customer-events pixel', () => {
  test('standard events become footfall events in order, sharing the theme script’s visitor and session', async ({ page, server }) => {
    server.pages.set('/products/mug', storefront())
    await page.goto(server.url + '/products/mug?utm_source=news&utm_medium=email&utm_campaign=spring')
    await ready(page)
    const [themeView] = await server.waitForCount(1, 'page')
    await start(page, server)
    await page.evaluate((line) => {
      const p = (window as any).pixel
      p.publish('page_viewed', {})
      p.publish('product_added_to_cart', line)
    }, CART_LINE)
    await page.click('#ContactForm button')
    await page.evaluate((checkout) => {
      const p = (window as any).pixel
      p.publish('checkout_started', checkout)
      p.publish('checkout_completed', checkout)
    }, CHECKOUT)
    const all = await server.waitFor((ev) => ev.some((e) => e.event == 'purchase'), 20e3, 'purchase')
    const pixel = all.filter((e) => e.messageId != themeView.messageId && !['engagement', 'web_vitals'].includes(e.event!))
    expect(pixel.map((e) => e.event || e.type)).toEqual(['page', 'add_to_cart', 'inquiry', 'checkout_started', 'purchase'])
    expect([...pixel].sort((a, b) => (a.timestamp < b.timestamp ? -1 : 1)).map((e) => e.messageId)).toEqual(pixel.map((e) => e.messageId))
    for (const e of pixel) {
      expect(e.anonymousId).toBe(themeView.anonymousId)
      expect(e.context.sessionId).toBe(themeView.context.sessionId)
      expect(e.context.sessionStart).toBe(false)
      expect(e.context.campaign).toEqual({ source: 'news', medium: 'email', name: 'spring' })
    }
    const [view, add, inquiry, started, purchase] = pixel
    expect(view.properties).toMatchObject({ path: '/products/mug', search: '?utm_source=news&utm_medium=email&utm_campaign=spring', title: 'Ceramic Mug' })
    expect(view.context.page.url).toBe(server.url + '/products/mug?utm_source=news&utm_medium=email&utm_campaign=spring')
    expect(add.properties).toEqual({ product_id: '7', variant_id: '41', name: 'Ceramic Mug', variant: 'Blue', sku: 'MUG-B', category: 'Kitchen', price: 12.5, currency: 'EUR', quantity: 2, value: 25 })
    expect(inquiry.properties).toEqual({ method: 'form', form_id: 'ContactForm', target: '/contact' })
    expect(started.properties).toEqual({ value: 37.5, currency: 'EUR', items: 1 })
    expect(purchase.properties).toEqual({ value: 37.5, currency: 'EUR', order_id: '1001', items: 1 })
    // form_submitted carried what the visitor typed; none of it left.
    const wire = JSON.stringify(server.received.map((r) => r.body))
    expect(wire).not.toContain('jane@doe.com')
    expect(wire).not.toContain('Lyon')
    expect(server.received.every((r) => r.body.writeKey == 'test-site')).toBe(true)
    expect(await page.evaluate(() => (window as any).pixelErrors)).toEqual([])
  })

  test('collector down: what the pixel could not send is rescued through browser.localStorage and sent by the next page', async ({ page, server }) => {
    server.reply = () => 503
    server.pages.set('/products/mug', storefront())
    server.pages.set('/cart', storefront())
    await page.goto(server.url + '/products/mug')
    await ready(page)
    await start(page, server)
    await page.evaluate((line) => {
      const p = (window as any).pixel
      p.publish('page_viewed', {})
      p.publish('product_added_to_cart', line)
    }, CART_LINE)
    // The pixel keeps its unacknowledged events in a rescue key of the shop's localStorage.
    await page.waitForFunction(() => Object.keys(localStorage).some((k) => k.startsWith('ff_rescue_') && localStorage.getItem(k)!.includes('add_to_cart')))
    expect(server.events()).toHaveLength(0)
    await page.evaluate(() => (window as any).pixel.terminate())
    server.reply = () => 200
    await page.goto(server.url + '/cart')
    await ready(page)
    const [add] = await server.waitForCount(1, 'add_to_cart')
    expect(add.properties!.product_id).toBe('7')
    expect(add.context.page.path).toBe('/products/mug')
  })

  test('bad payloads give a sanitised event or a counted drop, never an exception in the sandbox', async ({ page, server }) => {
    server.pages.set('/products/mug', storefront())
    await page.goto(server.url + '/products/mug')
    await ready(page)
    await start(page, server)
    await page.evaluate(() => {
      const p = (window as any).pixel
      p.publish('product_added_to_cart', {})
      p.publish('product_added_to_cart', null)
      p.publish('product_added_to_cart', { cartLine: { quantity: '3', merchandise: { id: 5, price: { amount: '9.90', currencyCode: 'eur' }, product: { id: 55, title: 'X'.repeat(100e3) } } } })
      p.publish('page_viewed', { x: 1 }, 'standard', null)
      p.publish('checkout_completed', { checkout: { totalPrice: { amount: 'lots' } } })
      p.publish('form_submitted', { element: null }, 'dom')
    })
    const ev = await server.waitFor((e) => e.some((x) => x.event == 'purchase') && e.some((x) => x.event == 'footfall_dropped'), 20e3, 'purchase and a drop')
    const adds = ev.filter((e) => e.event == 'add_to_cart')
    expect(adds).toHaveLength(1)
    expect(adds[0].properties).toMatchObject({ product_id: '55', variant_id: '5', price: 9.9, currency: 'EUR', quantity: 3, value: 29.7 })
    expect((adds[0].properties!.name as string).length).toBe(200)
    const drops = ev.filter((e) => e.event == 'footfall_dropped').map((e) => e.properties)
    expect(drops).toEqual([{ count: 1, reason: 'invalid' }, { count: 1, reason: 'invalid' }])
    // No context on the event: the page from init's snapshot.
    expect(ev.filter((e) => e.type == 'page').map((e) => e.context.page.path)).toEqual(['/products/mug', '/products/mug'])
    expect(ev.find((e) => e.event == 'purchase')!.properties).toEqual({})
    expect(await page.evaluate(() => (window as any).pixelErrors)).toEqual([])
  })

  test('beside the theme script (pageViews and addToCart false): storefront views and adds are left to it, checkout still counts', async ({ page, server }) => {
    server.pages.set('/products/mug', storefront())
    await page.goto(server.url + '/products/mug')
    await ready(page)
    await server.waitForCount(1, 'page')
    await start(page, server, { pageViews: false, addToCart: false })
    await page.evaluate(
      ([line, checkout]) => {
        const p = (window as any).pixel
        p.publish('page_viewed', {})
        p.publish('product_added_to_cart', line)
        const ctx = { document: { location: { href: location.origin + '/checkouts/cn/abc', pathname: '/checkouts/cn/abc', search: '' }, referrer: '', title: 'Checkout' } }
        p.publish('page_viewed', {}, 'standard', ctx)
        p.publish('checkout_completed', checkout, 'standard', ctx)
      },
      [CART_LINE, CHECKOUT] as const,
    )
    const ev = await server.waitFor((e) => e.some((x) => x.event == 'purchase'), 20e3, 'purchase')
    expect(ev.filter((e) => e.type == 'page').map((e) => e.context.page.path)).toEqual(['/products/mug', '/checkouts/cn/abc'])
    expect(ev.filter((e) => e.event == 'add_to_cart')).toHaveLength(0)
  })
})
