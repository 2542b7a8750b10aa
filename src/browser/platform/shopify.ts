import type { Ctx } from '../tracker'
import { addToCart, num } from './cart'
import { intercept, requested } from './intercept'

/** The Ajax Cart API's add endpoint, with or without a locale prefix (`/fr/cart/add.js`). */
const ADD = /^[^?#]*\/cart\/add(\.js(on)?)?([?#]|$)/

const field = (f: HTMLFormElement, name: string) => (f.elements.namedItem(name) as HTMLInputElement | null)?.value

/**
 * Shopify themes (footfall in `theme.liquid`): one `add_to_cart` per line the Ajax Cart API
 * confirms (`POST /cart/add` or `/cart/add.js`, by fetch or XMLHttpRequest, 2xx only), from the
 * reply's line items; and the classic product form that posts to `/cart/add` without JavaScript.
 */
export function shopify(t: Ctx): void {
  const w = window as any
  // The presentment currency: what the cart's cents are in.
  const currency = () => w.Shopify?.currency?.active || w.ShopifyAnalytics?.meta?.currency
  intercept(t, ADD, (body, reply, at) => {
    const asked = requested(body)
    // One item: the line itself. Several (`items[]`): `{items: [...]}`.
    for (const line of Array.isArray(reply?.items) ? reply.items : [reply]) {
      if (!line || typeof line != 'object') continue
      // The reply's quantity is the line's new total when the variant was already in the cart:
      // what was added is the quantity asked for.
      const ask = asked.find((a) => a.id != null && a.id == (line.variant_id ?? line.id)) || (asked.length == 1 ? asked[0] : undefined)
      const cents = num(line.final_price ?? line.price)
      addToCart(
        t,
        {
          product_id: line.product_id,
          variant_id: line.variant_id ?? line.id,
          name: line.product_title ?? line.title,
          variant: line.variant_title,
          sku: line.sku,
          category: line.product_type,
          price: cents == null ? undefined : cents / 100,
          currency: currency(),
          quantity: ask ? (ask.quantity ?? 1) : line.quantity,
        },
        at,
      )
    }
  })
  // The classic product form: the browser posts it and leaves the page, so it counts on submit.
  // A theme that handles the submit itself (preventDefault, then Ajax) is counted above instead.
  addEventListener('submit', (e) => {
    const f = e.target as HTMLFormElement
    if (e.defaultPrevented || f.tagName != 'FORM' || !/^post$/i.test(f.method) || !ADD.test(new URL(f.action, location.href).pathname)) return
    // Only the variant id and quantity fields are read; the product comes from Shopify's own page data.
    const id = field(f, 'id')
    const meta = w.ShopifyAnalytics?.meta?.product
    const v = meta?.variants?.find?.((x: any) => x?.id == id)
    const cents = num(v?.price)
    addToCart(t, {
      product_id: meta?.id,
      variant_id: id,
      name: v?.name ?? meta?.title,
      variant: v?.public_title,
      sku: v?.sku,
      category: meta?.type,
      price: cents == null ? undefined : cents / 100,
      currency: currency(),
      quantity: field(f, 'quantity'),
    })
  })
}
