import type { Ctx } from '../tracker'
import { addToCart, num } from './cart'
import { intercept, requested } from './intercept'

/** The Store API's add-item route, pretty (`/wp-json/wc/store/v1/…`) or not (`?rest_route=/wc/store/v1/…`). */
const ADD_ITEM = /\/wc\/store(\/v\d+)?\/cart\/add-item([?#&]|$)/

/** A displayed price ("1.234,56 €", "$19.99"): the last `.` or `,` followed by 1–2 digits is the decimal mark. */
export const priceOf = (text: string | null | undefined): number | undefined => {
  const s = (text || '').replace(/[^\d.,]/g, '')
  const m = /^(.*?)[.,](\d{1,2})$/.exec(s)
  return num(m ? m[1].replace(/\D/g, '') + '.' + m[2] : s.replace(/\D/g, ''))
}

/** The name and price shown in a product's markup; the sale price (`ins`) when there is one. */
const shown = (el: Element | null | undefined) => {
  const p = el?.querySelector('.price')
  return {
    name: el?.querySelector('.woocommerce-loop-product__title, .wc-block-grid__product-title, .product_title')?.textContent,
    price: priceOf((p?.querySelector('ins .amount') || p?.querySelector('.amount') || p)?.textContent),
  }
}

/**
 * WooCommerce: the `added_to_cart` event that `add-to-cart.js` triggers on `document.body`
 * through jQuery (archive buttons), the Store API `cart/add-item` request of the block-based
 * cart (2xx only), and the single-product `form.cart` submit.
 *
 * `wc-blocks_added_to_cart` is not counted: it carries no product, and WooCommerce Blocks also
 * dispatches it for every jQuery `added_to_cart`, so counting it would count archive adds twice.
 */
export function woocommerce(t: Ctx): void {
  const w = window as any
  // wcSettings (printed where blocks are used), else the product's structured data.
  const currency = () => w.wcSettings?.currency?.code || /"priceCurrency"\s*:\s*"(\w{3})"/.exec(document.querySelector('script[type="application/ld+json"]')?.textContent || '')?.[1]

  let hooked: unknown
  const hook = () => {
    const $ = w.jQuery
    if (typeof $ != 'function' || hooked == $) return
    hooked = $
    // jQuery events are not DOM events: only a jQuery handler hears them. add-to-cart.js passes
    // (fragments, cart_hash, $button).
    $(document.body).on('added_to_cart', (_e: unknown, _fragments: unknown, _hash: unknown, $button: any) => {
      try {
        const b: Element | undefined = $button?.[0]
        if (!b?.getAttribute) return
        addToCart(t, {
          product_id: b.getAttribute('data-product_id'),
          sku: b.getAttribute('data-product_sku'),
          quantity: b.getAttribute('data-quantity'),
          ...shown(b.closest('.product, .wc-block-grid__product, .wc-block-product')),
          currency: currency(),
        })
      } catch (e) {
        t.warn('added_to_cart: ' + e)
      }
    })
  }
  hook()
  // WordPress may print jQuery after footfall started.
  addEventListener('load', hook)

  intercept(t, ADD_ITEM, (body, cart, at) => {
    const [ask = {}] = requested(body)
    const items: any[] = Array.isArray(cart?.items) ? cart.items : []
    const item = items.find((i) => i?.id == ask.id) || {}
    const p = item.prices || {}
    const price = num(p.price)
    addToCart(
      t,
      {
        product_id: ask.id ?? item.id,
        name: item.name,
        sku: item.sku,
        price: price == null ? undefined : price / 10 ** (num(p.currency_minor_unit) ?? 2),
        currency: p.currency_code || currency(),
        quantity: ask.quantity,
      },
      at,
    )
  })

  // The single-product form posts and leaves the page: it counts on submit, unless a script took
  // it over (then its jQuery event or Store API request counts). Only the product id and quantity
  // fields are read, never another field.
  addEventListener('submit', (e) => {
    const f = e.target as HTMLFormElement
    if (e.defaultPrevented || !f.matches?.('form.cart')) return
    const field = (n: string) => (f.elements.namedItem(n) as HTMLInputElement | null)?.value
    const s = e.submitter as HTMLButtonElement | null
    addToCart(t, {
      product_id: s?.name == 'add-to-cart' ? s.value : field('add-to-cart') || field('product_id'),
      quantity: field('quantity'),
      ...shown(f.closest('.product') || document.querySelector('.summary')),
      currency: currency(),
    })
  })
}
