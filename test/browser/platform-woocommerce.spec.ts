import { test, expect, ready } from '../support/fixtures'
import { wooBackend } from '../support/woocommerce/backend'
import { archivePage, blocksPage, singlePage } from '../support/woocommerce/pages'

import { carts, saw, settle, wrapped } from '../support/platform'

test.describe('WooCommerce', () => {
  test('archive button (add-to-cart.js): one add_to_cart from added_to_cart, price from the markup; the theme’s own handler still hears it', async ({ page, server }) => {
    wooBackend(server, singlePage)
    server.pages.set('/shop/', archivePage())
    await page.goto(server.url + '/shop/')
    await ready(page)
    await wrapped(page)
    await page.click('a[data-product_id="15"]')
    await page.waitForFunction(() => (window as any).themeSaw.length == 1)
    await settle(page, server)
    expect(carts(server).map((e: any) => e.properties)).toEqual([
      { product_id: '15', sku: 'MUG-15', name: 'Mug', price: 12.5, currency: 'EUR', quantity: 1, value: 12.5 },
    ])
    expect(await saw(page)).toEqual([{ via: 'added_to_cart', fragments: { 'div.widget_shopping_cart_content': '<div>1 × Mug</div>' }, hash: 'c0ffee', button: '15' }])
    expect(page.url()).toBe(server.url + '/shop/')
  })

  test('archive button for a product that cannot be added: WooCommerce sends the visitor to it, no add_to_cart', async ({ page, server }) => {
    wooBackend(server, singlePage)
    server.pages.set('/shop/', archivePage())
    await page.goto(server.url + '/shop/')
    await ready(page)
    await wrapped(page)
    await Promise.all([page.waitForURL('**/product/vase/'), page.click('a[data-product_id="99"]')])
    await ready(page)
    await settle(page, server)
    expect(carts(server)).toHaveLength(0)
  })

  test('block product button (Store API cart/add-item): one add_to_cart per 2xx, none for out of stock', async ({ page, server }) => {
    wooBackend(server, singlePage)
    server.pages.set('/shop/', blocksPage())
    await page.goto(server.url + '/shop/')
    await ready(page)
    await wrapped(page)
    await page.click('button[data-product_id="16"]')
    await page.click('button[data-product_id="99"]')
    await page.waitForFunction(() => (window as any).themeSaw.length == 2)
    await settle(page, server)
    expect(carts(server).map((e: any) => e.properties)).toEqual([
      { product_id: '16', name: 'Teapot', sku: 'POT-16', price: 1234.56, currency: 'USD', quantity: 1, value: 1234.56 },
    ])
    expect((await saw(page)).map((s: any) => s.status)).toEqual([201, 400])
    await expect(page.locator('.wc-block-components-notice-banner')).toContainText('out of stock')
    expect(await page.evaluate(() => (window as any).nativeAdded)).toBe(1)
  })

  test('single-product form.cart: counted on submit, reading only the product id and quantity fields', async ({ page, server }) => {
    const backend = wooBackend(server, singlePage)
    server.pages.set('/product/teapot/', singlePage())
    await page.goto(server.url + '/product/teapot/')
    await ready(page)
    await wrapped(page)
    await Promise.all([page.waitForNavigation(), page.click('button[name="add-to-cart"]')])
    const [e] = await server.waitForCount(1, 'add_to_cart')
    expect(e.properties).toEqual({ product_id: '16', name: 'Teapot', price: 1234.56, currency: 'EUR', quantity: 3, value: 3703.68 })
    expect(JSON.stringify(server.events())).not.toContain('Jane')
    // The browser posted the whole form; footfall read none of its other fields.
    expect(backend.posted.join()).toContain('Love, Jane')
    expect(await page.evaluate(() => (window as any).fieldRead)).toBeUndefined()
  })

  test('the same button also carries data-ff-event="add_to_cart": counted once', async ({ page, server }) => {
    wooBackend(server, singlePage)
    server.pages.set('/shop/', archivePage({ button: 'data-ff-event="add_to_cart" data-ff-product-id="15"' }))
    await page.goto(server.url + '/shop/')
    await ready(page)
    await wrapped(page)
    await page.click('a[data-product_id="15"]')
    await page.waitForFunction(() => (window as any).themeSaw.length == 1)
    await settle(page, server)
    expect(carts(server).map((e: any) => e.properties)).toEqual([{ product_id: '15', quantity: 1 }])
  })
})
