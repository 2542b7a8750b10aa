import type { Props } from '../../shared/types'

const NUMERIC = ['price', 'quantity', 'value']

/**
 * The `data-ff-*` attributes of an element as event properties: `data-ff-product-id`
 * → `product_id`; `price`, `quantity` and `value` become numbers, and are left out when they are
 * not numbers rather than sent as text the KPI report would have to second-guess.
 * `data-ff-event` is the event name, not a property.
 */
export function attributes(el: Element): Props {
  const p: Props = {}
  for (const { name, value } of el.attributes) {
    const k = name.slice(8).replace(/-/g, '_')
    if (name.startsWith('data-ff-') && k != 'event') {
      if (!NUMERIC.includes(k)) p[k] = value
      else if (value.trim() && isFinite(+value)) p[k] = +value
    }
  }
  return p
}
