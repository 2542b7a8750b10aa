import { platform } from '../platform'

// dist/footfall-platform.js: add-to-cart on Shopify and WooCommerce shops, without markup.
export default platform
