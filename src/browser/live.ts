import { chat } from './autocapture/chat'
import { clicks } from './autocapture/clicks'
import { engagement } from './autocapture/engagement'
import { pageviews } from './autocapture/pageviews'
import { onLoad } from './lib/onLoad'
import { onReady } from './lib/onReady'
import { isOn } from './options'
import type { Ctx } from './tracker'

/**
 * What the tracker starts with, all in `footfall.js` (with sending from the store, which the tracker
 * attaches to its queue): SPA routes, engagement, clicks and chat openings. Only the parts a page opts into
 * or qualifies for are files of their own, added later: the dataLayer bridge (`data-datalayer`),
 * the shop platforms (a Shopify or WooCommerce shop), web vitals (after `load`).
 */
export function live(t: Ctx): void {
  const o = t.options
  pageviews(t)
  engagement(t)
  if (isOn(o.autocapture)) {
    clicks(t)
    chat(t)
    if (o.datalayer) t.load('datalayer')
    // Shopify and WooCommerce add-to-cart without markup: that file comes only to such a shop.
    const p = o.platform
    if (p != 'off')
      onReady(
        () =>
          (p == 'shopify' || p == 'woocommerce' || (window as any).Shopify || (window as any).wc_add_to_cart_params || document.body.classList.contains('woocommerce')) &&
          t.load('platform'),
      )
  }
  if (isOn(o.vitals)) onLoad(() => t.load('vitals'))
}
