import { test, expect, sitePage, ready } from '../support/fixtures'
import { shopifyBackend, SHOPIFY_GLOBAL } from '../support/shopify/backend'
import { productPage } from '../support/shopify/pages'

import { carts, flush, saw, settle, wrapped } from '../support/platform'

test.describe('Shopify theme', () => {
  test('Dawn product form: one add_to_cart per confirmed add, with the quantity added, and the theme sees its own reply', async ({ page, server }) => {
    shopifyBackend(server)
    server.pages.set('/products/mug', productPage())
    await page.goto(server.url + '/products/mug')
    await ready(page)
    await wrapped(page)
    await page.click('button[name=add]')
    await page.waitForFunction(() => (window as any).themeSaw.length == 1)
    await page.click('button[name=add]')
    await page.waitForFunction(() => (window as any).themeSaw.length == 2)
    await flush(page)
    const ev = await server.waitForCount(2, 'add_to_cart')
    const props = { product_id: '7', variant_id: '41', name: 'Ceramic Mug', variant: 'Blue', sku: 'MUG-B', category: 'Kitchen', price: 12.5, currency: 'EUR', quantity: 2, value: 25 }
    // The second reply says 4 (the line's new total); what was added is 2.
    expect(ev.map((e) => e.properties)).toEqual([props, props])
    const theme = await saw(page)
    expect(theme.map((s: any) => [s.status, s.json.quantity, !!s.json.sections])).toEqual([[200, 2, true], [200, 4, true]])
    expect(await page.evaluate(() => (window as any).themeResponse instanceof Response && (window as any).themeResponse.bodyUsed)).toBe(true)
    expect(await page.locator('#cart-count').textContent()).toBe('4')
    await settle(page, server)
    expect(carts(server)).toHaveLength(2)
  })

  test('items[] by fetch and one item by XMLHttpRequest (url-encoded), this and handlers kept', async ({ page, server }) => {
    shopifyBackend(server)
    server.pages.set('/products/mug', productPage())
    await page.goto(server.url + '/products/mug')
    await ready(page)
    await wrapped(page)
    await page.evaluate(`quickAddItems([{ id: 41, quantity: 1 }, { id: 43, quantity: 3 }])`)
    await page.evaluate(`legacyAddItem(43, 1)`)
    await flush(page)
    const ev = await server.waitForCount(3, 'add_to_cart')
    expect(ev.map((e) => [e.properties!.product_id, e.properties!.variant_id, e.properties!.quantity, e.properties!.price, e.properties!.currency])).toEqual([
      ['7', '41', 1, 12.5, 'EUR'],
      ['8', '43', 3, 8, 'EUR'],
      ['8', '43', 1, 8, 'EUR'],
    ])
    const theme = await saw(page)
    expect(theme[0].json.items).toHaveLength(2)
    expect(theme[1]).toMatchObject({ via: 'xhr', status: 200, self: true, json: { variant_id: 43, quantity: 4 } })
  })

  test('sold out (422): no add_to_cart, and the theme shows Shopify’s error', async ({ page, server }) => {
    shopifyBackend(server)
    server.pages.set('/products/vase', productPage({ variant: '99' }))
    await page.goto(server.url + '/products/vase')
    await ready(page)
    await wrapped(page)
    await page.click('button[name=add]')
    await page.waitForFunction(() => (window as any).themeSaw.length == 1)
    await page.evaluate(`legacyAddItem(99, 1)`)
    expect((await saw(page)).map((s: any) => s.status)).toEqual([422, 422])
    await expect(page.locator('.product-form__error-message')).toContainText('sold out')
    await settle(page, server)
    expect(carts(server)).toHaveLength(0)
  })

  test('classic product form without JavaScript: counted on submit, from Shopify’s page data', async ({ page, server }) => {
    const backend = shopifyBackend(server)
    server.pages.set('/products/mug', productPage({ classic: true }))
    server.pages.set('/cart', sitePage({ head: `<script>${SHOPIFY_GLOBAL}</script>`, body: '<h1>Your cart</h1>' }))
    await page.goto(server.url + '/products/mug')
    await ready(page)
    await wrapped(page)
    await Promise.all([page.waitForURL('**/cart'), page.click('button[name=add]')])
    const [e] = await server.waitForCount(1, 'add_to_cart')
    expect(e.properties).toEqual({ product_id: '7', variant_id: '41', name: 'Ceramic Mug - Blue', variant: 'Blue', sku: 'MUG-B', category: 'Kitchen', price: 12.5, currency: 'EUR', quantity: 2, value: 25 })
    expect(e.context.page.path).toBe('/products/mug')
    // Shopify received the form as the browser posted it.
    expect(backend.seen).toEqual([[{ id: '41', quantity: '2' }]])
  })

  test('the same click also carries data-ff-event="add_to_cart": counted once', async ({ page, server }) => {
    shopifyBackend(server)
    server.pages.set('/products/mug', productPage({ button: 'data-ff-event="add_to_cart" data-ff-product-id="7" data-ff-price="12.5"' }))
    await page.goto(server.url + '/products/mug')
    await ready(page)
    await wrapped(page)
    await page.click('button[name=add]')
    await page.waitForFunction(() => (window as any).themeSaw.length == 1)
    await settle(page, server)
    expect(carts(server).map((e: any) => e.properties)).toEqual([{ product_id: '7', price: 12.5, quantity: 1, value: 12.5 }])
  })

  test('bad replies give a sanitised event or a counted drop, never an exception in the theme', async ({ page, server }) => {
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(String(e)))
    shopifyBackend(server, {
      '77': { id: 77, title: 'No product id', quantity: 1 },
      '78': { id: 78, variant_id: '78', product_id: '9', product_title: 'T'.repeat(100e3), price: '1999', quantity: 'lots' },
      '79': 'not a line',
    })
    server.pages.set('/products/odd', productPage())
    await page.goto(server.url + '/products/odd')
    await ready(page)
    await wrapped(page)
    await page.evaluate(`quickAddItems([{ id: 77 }, { id: 78, quantity: 'two' }, { id: 79 }])`)
    await flush(page)
    const [e] = await server.waitForCount(1, 'add_to_cart')
    expect(e.properties).toMatchObject({ product_id: '9', variant_id: '78', price: 19.99, quantity: 1, currency: 'EUR' })
    expect((e.properties!.name as string).length).toBe(200)
    const [drop] = await server.waitForCount(1, 'footfall_dropped')
    expect(drop.properties).toEqual({ count: 1, reason: 'invalid' })
    expect((await saw(page))[0].status).toBe(200)
    expect(errors).toEqual([])
  })

  test('no platform found, or data-platform="off": nothing is wrapped and no platform file loads', async ({ page, server }) => {
    const files: string[] = []
    page.on('request', (r) => files.push(new URL(r.url()).pathname))
    server.pages.set('/', sitePage())
    server.pages.set('/off', productPage({ attrs: { 'data-platform': 'off' } }))
    for (const path of ['/', '/off']) {
      await page.goto(server.url + path)
      await ready(page)
      await page.evaluate(`footfall.track('marker')`)
      await flush(page)
      expect(await page.evaluate(() => [String(window.fetch), String(XMLHttpRequest.prototype.open), String(XMLHttpRequest.prototype.send)].every((s) => s.includes('[native code]')))).toBe(true)
    }
    expect(files.filter((f) => f.includes('platform'))).toEqual([])
  })
})
