// Stand-in for WooCommerce's assets/js/frontend/add-to-cart.js event flow: a click on an
// `.ajax_add_to_cart` button is taken over, the button's data-* attributes are posted to
// wc_add_to_cart_params.wc_ajax_url (endpoint add_to_cart); a reply with `error` and
// `product_url` sends the visitor to the product page, otherwise `added_to_cart` is triggered on
// document.body through jQuery with (fragments, cart_hash, $button).
// Then WooCommerce Blocks' legacy-events bridge: the jQuery event becomes a native
// `wc-blocks_added_to_cart` on document.body.
jQuery(function ($) {
  if (typeof wc_add_to_cart_params === 'undefined') return false
  window.themeSaw = window.themeSaw || []
  $(document.body).on('click', '.add_to_cart_button', function (e) {
    var $thisbutton = $(this)
    if (!$thisbutton.is('.ajax_add_to_cart')) return true
    e.preventDefault()
    $thisbutton.removeClass('added').addClass('loading')
    var data = {}
    $.each($thisbutton.data(), function (key, value) { data[key] = value })
    $(document.body).trigger('adding_to_cart', [$thisbutton, data])
    $.ajax({
      type: 'POST',
      url: wc_add_to_cart_params.wc_ajax_url.toString().replace('%%endpoint%%', 'add_to_cart'),
      data: data,
      dataType: 'json',
      success: function (response) {
        if (!response) return
        if (response.error && response.product_url) {
          window.location = response.product_url
          return
        }
        $(document.body).trigger('added_to_cart', [response.fragments, response.cart_hash, $thisbutton])
      },
    })
  })
  // The theme's own handler (the mini-cart refresh) still gets the fragments.
  $(document.body).on('added_to_cart', function (e, fragments, hash, $button) {
    window.themeSaw.push({ via: 'added_to_cart', fragments: fragments, hash: hash, button: $button[0].getAttribute('data-product_id') })
  })
  $(document).on('added_to_cart', function () {
    document.body.dispatchEvent(new CustomEvent('wc-blocks_added_to_cart', { bubbles: false, cancelable: false }))
  })
})
