import { chat } from './autocapture/chat'
import { clicks } from './autocapture/clicks'
import { engagement } from './autocapture/engagement'
import { pageviews } from './autocapture/pageviews'
import { onLoad } from './lib/onLoad'
import { onReady } from './lib/onReady'
import { isOn } from './options'
import { sender } from './send'
import type { Ctx } from './tracker'

/**
 * What the core adds as soon as it starts (`footfall-live.js`): everything that happens after the
 * first moment. The core has already recorded the landing page view, keeps every event in
 * IndexedDB and sends it with keepalive when the page hides; this part sends from the store
 * (batches, retries, several tabs), follows SPA routes, measures engagement, captures clicks and
 * chat openings, and adds the parts a page needs: the dataLayer bridge, the shop platforms, web
 * vitals after `load`.
 */
export function live(t: Ctx): void {
  // A core of another release (one cached, the other not) names what they share differently.
  if (t.release != '__VERSION__') throw 0
  const o = t.options
  t.queue.run = sender(t.queue, (count, reason) => t.track('footfall_dropped', { count, reason }))
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
  // Started (the browser tests wait for this; nothing in the page needs it).
  t.emit('live')
}
