import { test, expect, sitePage, ready } from '../support/fixtures'

const GA4 = `<script>
window.dataLayer = window.dataLayer || []
function gtag(){ dataLayer.push(arguments) }
// Pushed before footfall loaded.
dataLayer.push({ ecommerce: null })
dataLayer.push({ event: 'add_to_cart', ecommerce: { currency: 'EUR', value: 30, items: [
  { item_id: 'sku-1', item_name: 'Mug', price: 10, quantity: 2, item_category: 'Kitchen', item_variant: 'blue' },
  { item_id: 'sku-2', item_name: 'Spoon', price: '5' } ] } })
</script>`

test.describe('dataLayer bridge', () => {
  test('GA4 add_to_cart and generate_lead pushes become footfall events, before and after load', async ({ page, server }) => {
    server.pages.set('/', sitePage({ attrs: { 'data-datalayer': true }, head: GA4 }))
    await page.goto(server.url + '/')
    await ready(page)
    await page.evaluate(`gtag('event', 'add_to_cart', { currency: 'USD', items: [{ item_id: 'sku-3', price: 4.5 }] })
      dataLayer.push({ event: 'generate_lead', currency: 'USD', value: 50 })
      dataLayer.push({ event: 'page_view' }, { event: 'view_item', ecommerce: { items: [{ item_id: 'x' }] } })
      footfall.flush()`)
    const carts = await server.waitForCount(3, 'add_to_cart')
    expect(carts.map((e) => e.properties)).toEqual([
      { product_id: 'sku-1', name: 'Mug', price: 10, currency: 'EUR', quantity: 2, category: 'Kitchen', variant: 'blue', value: 20 },
      { product_id: 'sku-2', name: 'Spoon', price: 5, currency: 'EUR', quantity: 1, value: 5 },
      { product_id: 'sku-3', price: 4.5, currency: 'USD', quantity: 1, value: 4.5 },
    ])
    const [lead] = await server.waitForCount(1, 'inquiry')
    expect(lead.properties).toEqual({ method: 'custom', value: 50, currency: 'USD' })
    // The page's own dataLayer keeps working.
    expect(await page.evaluate(() => (window as any).dataLayer.length)).toBe(6)
    expect(server.events().filter((e) => e.event == 'view_item' || e.event == 'page_view')).toHaveLength(0)
  })

  test('off unless data-datalayer is present', async ({ page, server }) => {
    server.pages.set('/', sitePage({ head: GA4 }))
    await page.goto(server.url + '/')
    await ready(page)
    await page.evaluate(`footfall.track('marker'); footfall.flush()`)
    const ev = await server.waitFor((e) => e.some((x) => x.event == 'marker'))
    expect(ev.filter((e) => e.event == 'add_to_cart')).toHaveLength(0)
  })
})
