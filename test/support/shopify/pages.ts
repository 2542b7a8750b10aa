import { sitePage } from '../server'
import { META, SHOPIFY_GLOBAL } from './backend'

/** A Dawn-like product page: `content_for_header` globals, the theme's product form, footfall in theme.liquid. */
export const productPage = (o: { attrs?: Record<string, string | true | false>; button?: string; variant?: string; classic?: boolean } = {}) =>
  sitePage({
    attrs: o.attrs,
    head: `<script>${SHOPIFY_GLOBAL}\n${META}</script>${o.classic ? '' : '<script src="/test/support/shopify/dawn.js" defer></script>'}`,
    body: `<h1>Ceramic Mug</h1><span id="cart-count">0</span>
<${o.classic ? 'div' : 'product-form'} class="product-form">
  <form method="post" action="/cart/add" id="product-form-main" accept-charset="UTF-8" enctype="multipart/form-data" novalidate data-type="add-to-cart-form">
    <input type="hidden" name="form_type" value="product"><input type="hidden" name="utf8" value="✓">
    <input type="hidden" name="id" value="${o.variant ?? '41'}">
    <input type="number" name="quantity" value="2">
    <input type="text" name="properties[Engraving]" value="For Jane">
    <div class="product-form__error-message"></div>
    <button type="submit" name="add" ${o.button ?? ''}>Add to cart</button>
  </form>
</${o.classic ? 'div' : 'product-form'}>`,
  })
