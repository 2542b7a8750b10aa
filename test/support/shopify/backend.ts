import type { IncomingMessage } from 'node:http'
import type { RouteReply, TestServer } from '../server'

/**
 * Stand-in for Shopify's Ajax Cart API (`POST /{locale}/cart/add.js` and the `/cart/add` form
 * action), as its reference documents it: JSON, FormData or url-encoded bodies, one item (`id`,
 * `quantity`) or `items[]`; the reply is the added line item (with `sections` when asked), or
 * `{items: [...]}` for `items[]`; a line's `quantity` is its new total when the variant was
 * already in the cart; a sold-out variant gets 422 `{status, message, description}`. A form post
 * without JavaScript is redirected to `/cart`.
 */
export const VARIANTS: Record<string, Record<string, unknown>> = {
  '41': { product_id: 7, product_title: 'Ceramic Mug', variant_title: 'Blue', price: 1250, sku: 'MUG-B', product_type: 'Kitchen' },
  '43': { product_id: 8, product_title: 'Tea Towel', variant_title: null, price: 800, sku: 'TOWEL', product_type: 'Linen' },
}
export const SOLD_OUT = '99'

/** The product page's `ShopifyAnalytics.meta`, as `content_for_header` prints it. */
export const META = `window.ShopifyAnalytics = { meta: { currency: 'EUR', product: { id: 7, gid: 'gid://shopify/Product/7', vendor: 'Potter', type: 'Kitchen',
  variants: [{ id: 41, price: 1250, name: 'Ceramic Mug - Blue', public_title: 'Blue', sku: 'MUG-B' }] }, page: { pageType: 'product', resourceType: 'product', resourceId: 7 } } }`

/** What `content_for_header` defines on every storefront page. */
export const SHOPIFY_GLOBAL = `window.Shopify = window.Shopify || {}; Shopify.shop = 'test-shop.myshopify.com'; Shopify.locale = 'en';
Shopify.currency = { active: 'EUR', rate: '1.0' }; Shopify.country = 'FR'; Shopify.routes = Shopify.routes || {}; Shopify.routes.root = '/';`

const parse = async (req: IncomingMessage, raw: Buffer): Promise<{ id?: unknown; quantity?: unknown }[]> => {
  const type = req.headers['content-type'] || ''
  if (type.includes('json')) {
    const j = JSON.parse(raw.toString() || '{}')
    return j.items || [j]
  }
  const form = type.includes('multipart')
    ? await new Request('http://x/', { method: 'POST', headers: { 'content-type': type }, body: new Uint8Array(raw) }).formData()
    : new URLSearchParams(raw.toString())
  const items: Record<string, Record<string, unknown>> = {}
  for (const [k, v] of form as URLSearchParams) {
    const m = /^(?:items\[(\d*)\]\[)?(id|quantity)\]?$/.exec(k)
    if (m) (items[m[1] || '0'] ||= {})[m[2]] = v
  }
  return Object.values(items)
}

/** Installs the Ajax Cart API on the test server; `overrides` replace the reply line of a variant (bad payloads). */
export function shopifyBackend(server: TestServer, overrides: Record<string, unknown> = {}) {
  const cart: Record<string, number> = {}
  const seen: unknown[] = []
  const add = (req: IncomingMessage, raw: Buffer, js: boolean): Promise<RouteReply> =>
    parse(req, raw).then((asked): RouteReply => {
      seen.push(asked)
      const lines = []
      for (const a of asked) {
        const id = String(a.id)
        if (id == SOLD_OUT || !(VARIANTS[id] || overrides[id]))
          return { status: 422, body: JSON.stringify({ status: 422, message: 'Cart Error', description: `The product 'Sold Out Vase' is already sold out.` }) }
        cart[id] = (cart[id] || 0) + (Number(a.quantity) || 1)
        const v = VARIANTS[id] || {}
        const title = v.variant_title ? `${v.product_title} - ${v.variant_title}` : v.product_title
        lines.push(overrides[id] ?? { id: Number(id), quantity: cart[id], variant_id: Number(id), key: `${id}:abc`, title, price: v.price, original_price: v.price, final_price: v.price, line_price: Number(v.price) * cart[id], ...v, handle: 'h', url: `/products/h?variant=${id}` })
      }
      if (!js) return { status: 302, headers: { Location: '/cart', 'Content-Type': 'text/html' } }
      const reply = asked.length > 1 || /items/.test(raw.toString()) ? { items: lines } : { ...(lines[0] as object), ...(/sections/.test(raw.toString()) ? { sections: { 'cart-drawer': '<div>drawer</div>' } } : {}) }
      return { status: 200, body: JSON.stringify(reply) }
    })
  for (const path of ['/cart/add', '/cart/add.js', '/fr/cart/add.js'])
    server.routes.set(`POST ${path}`, (req, raw) => {
      const js = path.endsWith('.js') || /json|javascript/.test(String(req.headers.accept)) || req.headers['x-requested-with'] == 'XMLHttpRequest'
      return add(req, raw, js)
    })
  return { cart, seen }
}
