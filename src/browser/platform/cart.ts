import type { Ctx } from '../tracker'
import type { Props } from '../../shared/types'

/** A number from a number or a numeric string (`"19.99"`); anything else is left out. */
export const num = (v: unknown): number | undefined => (typeof v == 'number' || (typeof v == 'string' && v.trim()) ? (isFinite(+v!) ? +v! : undefined) : undefined)

/** A short string from a string or a number; platforms send ids as either. Long titles are cut, not refused. */
export const str = (v: unknown, max = 200): string | undefined =>
  typeof v == 'string' || (typeof v == 'number' && isFinite(v)) ? ('' + v).trim().slice(0, max) || undefined : undefined

/** When the visitor last clicked or submitted `data-ff-event="add_to_cart"` markup. */
let marked = -1e9

/** Remembers clicks on add-to-cart markup, which declarative capture already counts. */
export function watchMarkup(): void {
  const note = (e: Event) => {
    const el = e.target as Element
    if (el.closest?.('[data-ff-event=add_to_cart]') || (e as SubmitEvent).submitter?.closest('[data-ff-event=add_to_cart]')) marked = Date.now()
  }
  addEventListener('click', note, true)
  addEventListener('submit', note, true)
}

/**
 * Records one add-to-cart the platform confirmed. `at` is when the visitor's action began (the
 * request left, the form was submitted): within 2 s of a click on `data-ff-event="add_to_cart"`
 * markup it is the same add, already counted by the markup. Every field is checked here, since
 * the platform's payload is the theme's to shape: numbers may come as strings, titles may be
 * huge, and an add without a product id is a counted drop, never an exception.
 */
export function addToCart(t: Pick<Ctx, 'track' | 'warn'>, item: Props, at = Date.now()): void {
  if (at - marked < 2e3) return
  const product_id = str(item.product_id, 128)
  if (!product_id) return t.warn('platform add-to-cart without a product id; dropped', 'invalid')
  const q = num(item.quantity)
  const currency = str(item.currency, 3)
  t.track('add_to_cart', {
    product_id,
    name: str(item.name),
    price: num(item.price),
    currency: currency && /^[a-z]{3}$/i.test(currency) ? currency.toUpperCase() : undefined,
    quantity: q && q > 0 ? q : 1,
    variant: str(item.variant),
    variant_id: str(item.variant_id, 128),
    sku: str(item.sku, 128),
    category: str(item.category),
  })
}
