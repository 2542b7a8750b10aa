import { sitePage } from '../server'

const PARAMS = `var wc_add_to_cart_params = {"ajax_url":"\\/wp-admin\\/admin-ajax.php","wc_ajax_url":"\\/?wc-ajax=%%endpoint%%","i18n_view_cart":"View cart","cart_url":"\\/cart\\/","is_cart":"","cart_redirect_after_add":"no"};`
const SETTINGS = `var wcSettings = { storeApiRoot: '/wp-json/', currency: { code: 'EUR', precision: 2, symbol: '€', decimalSeparator: ',', thousandSeparator: '.' } };`
const price = (was: string, now: string) =>
  `<span class="price"><del aria-hidden="true"><span class="woocommerce-Price-amount amount"><bdi>${was}&nbsp;<span class="woocommerce-Price-currencySymbol">&euro;</span></bdi></span></del> <ins><span class="woocommerce-Price-amount amount"><bdi>${now}&nbsp;<span class="woocommerce-Price-currencySymbol">&euro;</span></bdi></span></ins></span>`

/** A shop archive: classic loop buttons (add-to-cart.js); WordPress prints jQuery and the scripts in the footer. */
export const archivePage = (o: { button?: string; attrs?: Record<string, string | true | false> } = {}) =>
  sitePage({
    attrs: o.attrs,
    body: `<ul class="products columns-4">
  <li class="product type-product post-15 status-publish instock product_cat-kitchen">
    <a href="/product/mug/" class="woocommerce-LoopProduct-link"><h2 class="woocommerce-loop-product__title">Mug</h2>${price('15,00', '12,50')}</a>
    <a href="?add-to-cart=15" data-quantity="1" class="button product_type_simple add_to_cart_button ajax_add_to_cart" data-product_id="15" data-product_sku="MUG-15" aria-label="Add “Mug” to your cart" rel="nofollow" ${o.button ?? ''}>Add to cart</a>
  </li>
  <li class="product type-product post-99 status-publish instock">
    <a href="/product/vase/" class="woocommerce-LoopProduct-link"><h2 class="woocommerce-loop-product__title">Vase</h2>${price('40,00', '30,00')}</a>
    <a href="?add-to-cart=99" data-quantity="1" class="button product_type_simple add_to_cart_button ajax_add_to_cart" data-product_id="99" data-product_sku="VASE" rel="nofollow">Add to cart</a>
  </li>
</ul>
<script>${SETTINGS}\n${PARAMS}</script>
<script src="/test/support/woocommerce/jquery-lite.js"></script>
<script src="/test/support/woocommerce/add-to-cart.js"></script>`,
  }).replace('<body>', '<body class="archive post-type-archive post-type-archive-product woocommerce woocommerce-page">')

/** A block theme's product collection: no jQuery, no wc_add_to_cart_params; Store API buttons. */
export const blocksPage = () =>
  sitePage({
    body: `<div class="wc-block-components-notice-banner"></div><ul class="wc-block-product-template">
  <li class="wc-block-product"><h3 class="wc-block-grid__product-title">Teapot</h3>
    <button class="wp-block-button__link wc-block-components-product-button__button add_to_cart_button" data-product_id="16">Add to cart</button></li>
  <li class="wc-block-product"><h3 class="wc-block-grid__product-title">Vase</h3>
    <button class="wp-block-button__link wc-block-components-product-button__button add_to_cart_button" data-product_id="99">Add to cart</button></li>
</ul>
<script>${SETTINGS}</script><script src="/test/support/woocommerce/blocks.js"></script>`,
  }).replace('<body>', '<body class="wp-site-blocks woocommerce woocommerce-page woocommerce-shop">')

/**
 * A single product page: `form.cart` posting to the product's own URL, the product's structured
 * data (where its currency is), and a field whose value footfall must never read.
 */
export const singlePage = () =>
  sitePage({
    head: `<script type="application/ld+json">{"@context":"https:\\/\\/schema.org\\/","@graph":[{"@type":"Product","name":"Teapot","sku":"POT-16","offers":[{"@type":"Offer","price":"1234.56","priceCurrency":"EUR"}]}]}</script>`,
    body: `<div id="product-16" class="product type-product post-16">
  <div class="summary entry-summary"><h1 class="product_title entry-title">Teapot</h1>
    <p class="price"><span class="woocommerce-Price-amount amount"><bdi>1.234,56&nbsp;<span class="woocommerce-Price-currencySymbol">&euro;</span></bdi></span></p>
    <form class="cart" action="/product/teapot/" method="post" enctype="multipart/form-data">
      <input type="text" name="gift_message" id="gift" value="Love, Jane">
      <div class="quantity"><input type="number" id="quantity_1" class="input-text qty text" name="quantity" value="3" min="1" step="1"></div>
      <button type="submit" name="add-to-cart" value="16" class="single_add_to_cart_button button alt">Add to cart</button>
    </form>
  </div>
</div>
<script>${PARAMS}
// Any read of this field's value, by anyone, is noted.
Object.defineProperty(document.getElementById('gift'), 'value', { get: function () { window.fieldRead = true; return 'Love, Jane' } })</script>`,
  }).replace('<body>', '<body class="product-template-default single single-product postid-16 woocommerce woocommerce-page">')
