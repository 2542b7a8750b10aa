// Stand-in for the WooCommerce Blocks product button (All Products / Product Collection): the
// cart store's addItemToCart POSTs {id, quantity} as JSON to the Store API
// /wp-json/wc/store/v1/cart/add-item (with the Nonce header), receives the whole cart, then
// dispatches `wc-blocks_added_to_cart` ({preserveCartData: true}) on document.body. On an error
// (out of stock: 400 with code and message) the error is shown and no event is dispatched.
window.themeSaw = window.themeSaw || []
document.addEventListener('click', function (e) {
  var b = e.target.closest && e.target.closest('.wc-block-components-product-button__button')
  if (!b) return
  e.preventDefault()
  fetch(wcSettings.storeApiRoot + 'wc/store/v1/cart/add-item', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Nonce: 'a1b2c3' },
    credentials: 'same-origin',
    body: JSON.stringify({ id: Number(b.getAttribute('data-product_id')), quantity: 1 }),
  })
    .then(function (r) {
      return r.json().then(function (json) {
        window.themeSaw.push({ via: 'store-api', status: r.status, json: json })
        if (!r.ok) return (document.querySelector('.wc-block-components-notice-banner').textContent = json.message)
        document.body.dispatchEvent(new CustomEvent('wc-blocks_added_to_cart', { bubbles: true, cancelable: true, detail: { preserveCartData: true } }))
      })
    })
})
document.body.addEventListener('wc-blocks_added_to_cart', function () {
  window.nativeAdded = (window.nativeAdded || 0) + 1
})
