import type { Props } from '../shared/types'

/**
 * Fills in what the event table derives for well-known events, whichever way they were tracked:
 * add_to_cart gets `quantity` 1 by default and `value` = price × quantity.
 */
export function normalize(name: string, p: Props): Props {
  if (name == 'add_to_cart') {
    p.quantity ??= 1
    if (typeof p.price == 'number' && typeof p.quantity == 'number') p.value ??= Math.round(p.price * p.quantity * 100) / 100
  }
  return p
}
