import type { Ctx } from '../tracker'

type Obj = Record<string, any>

/** GA4 sends numbers as numbers or numeric strings; anything else is left out. */
const num = (v: unknown) => (v === '' || v == null || !isFinite(+v!) ? undefined : +v!)

/**
 * Opt-in GA4 bridge (`data-datalayer`): `add_to_cart` (one footfall add_to_cart per item of
 * `items[]`) and `generate_lead` (an inquiry, method `custom`) pushed to `window.dataLayer`, the
 * GTM way (`{event, ecommerce}`) or through `gtag('event', …)`, so a site instrumented for GA4
 * needs no new markup. Pushes made before footfall loaded count too.
 */
export function datalayer(t: Ctx): void {
  const read = (m: any) => {
    // gtag() pushes its arguments object: ['event', name, params].
    const [name, p]: [unknown, Obj] = m?.[0] == 'event' ? [m[1], m[2] || {}] : [m?.event, m?.ecommerce || m || {}]
    if (name == 'add_to_cart')
      for (const i of (Array.isArray(p.items) && p.items) || [])
        t.track('add_to_cart', {
          product_id: i.item_id ?? i.item_name,
          name: i.item_name,
          price: num(i.price),
          currency: i.currency ?? p.currency,
          quantity: num(i.quantity),
          category: i.item_category,
          variant: i.item_variant,
        })
    if (name == 'generate_lead') t.track('inquiry', { method: 'custom', value: num(p.value), currency: p.currency })
  }
  const w = window as any
  const dl: unknown[] = (w.dataLayer ||= [])
  const push = dl.push
  dl.push = function (this: unknown, ...a: unknown[]) {
    try {
      a.forEach(read)
    } catch {}
    return push.apply(this, a)
  }
  dl.forEach(read)
}
