import type { Ctx } from '../tracker'
import { watchMarkup } from './cart'
import { shopify } from './shopify'
import { woocommerce } from './woocommerce'

/**
 * Add-to-cart on the shop platforms without markup (`data-platform`). footfall.js loads this only
 * where it found one (or was told which): Shopify by `window.Shopify`, WooCommerce by
 * `wc_add_to_cart_params` or the `woocommerce` body class.
 */
export function platform(t: Ctx): void {
  const p = t.options.platform
  watchMarkup()
  p == 'shopify' || (p != 'woocommerce' && (window as any).Shopify) ? shopify(t) : woocommerce(t)
}
