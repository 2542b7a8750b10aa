import { boot } from '../lib/lazy'
import { platform } from '../platform'

// dist/footfall-platform.js: add-to-cart on Shopify and WooCommerce shops, without markup.
boot(platform)
