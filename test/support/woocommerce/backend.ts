import type { IncomingMessage } from 'node:http'
import { sitePage, type TestServer } from '../server'

/**
 * Stand-in for WooCommerce's two add-to-cart back ends: the `?wc-ajax=add_to_cart` endpoint that
 * add-to-cart.js posts to (url-encoded; `{fragments, cart_hash}`, or `{error: true, product_url}`
 * for a product that cannot be added), and the Store API `POST /wp-json/wc/store/v1/cart/add-item`
 * (JSON `{id, quantity}`; 201 with the whole cart, prices as strings in minor units; 400 with
 * `code` and `message` when out of stock). The single-product form posts back to the product page.
 */
export const PRODUCTS: Record<string, { name: string; sku: string; price: string }> = {
  '15': { name: 'Mug', sku: 'MUG-15', price: '1250' },
  '16': { name: 'Teapot', sku: 'POT-16', price: '123456' },
}
export const OUT_OF_STOCK = '99'

export function wooBackend(server: TestServer, productPage: () => string) {
  const cart: Record<string, number> = {}
  const posted: string[] = []
  const body = (raw: Buffer) => raw.toString()
  server.routes.set('POST /', (req: IncomingMessage, raw) => {
    posted.push(body(raw))
    if (!/wc-ajax=add_to_cart/.test(req.url || '')) return { status: 404 }
    const p = new URLSearchParams(body(raw))
    const id = p.get('product_id') || ''
    if (!PRODUCTS[id]) return { status: 200, body: JSON.stringify({ error: true, product_url: '/product/vase/' }) }
    cart[id] = (cart[id] || 0) + (Number(p.get('quantity')) || 1)
    return { status: 200, body: JSON.stringify({ fragments: { 'div.widget_shopping_cart_content': `<div>${cart[id]} × ${PRODUCTS[id].name}</div>` }, cart_hash: 'c0ffee' }) }
  })
  server.routes.set('POST /wp-json/wc/store/v1/cart/add-item', (_req, raw) => {
    posted.push(body(raw))
    const { id, quantity = 1 } = JSON.parse(body(raw))
    if (!PRODUCTS[id])
      return { status: 400, body: JSON.stringify({ code: 'woocommerce_rest_product_out_of_stock', message: 'You cannot add "Vase" to the cart because the product is out of stock.', data: { status: 400 } }) }
    cart[id] = (cart[id] || 0) + quantity
    const items = Object.keys(cart).map((k) => ({
      key: 'k' + k, id: Number(k), quantity: cart[k], name: PRODUCTS[k].name, sku: PRODUCTS[k].sku,
      prices: { price: PRODUCTS[k].price, regular_price: PRODUCTS[k].price, sale_price: PRODUCTS[k].price, currency_code: 'USD', currency_symbol: '$', currency_minor_unit: 2, currency_decimal_separator: '.', currency_thousand_separator: ',' },
    }))
    return { status: 201, body: JSON.stringify({ items, items_count: items.length, totals: { currency_code: 'USD' } }) }
  })
  server.routes.set('POST /product/teapot/', (_req, raw) => {
    posted.push(body(raw))
    return { status: 200, headers: { 'Content-Type': 'text/html' }, body: productPage() }
  })
  server.pages.set('/product/vase/', sitePage({ body: '<h1>Vase</h1><p class="stock out-of-stock">Out of stock</p>' }))
  return { cart, posted }
}
