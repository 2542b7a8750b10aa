// Stand-in for a Dawn-like Shopify theme (global.js fetchConfig + the product-form custom element):
// the product form's submit is taken over, the form is posted as FormData to routes.cart_add_url
// with Accept: application/javascript and X-Requested-With, and the reply's JSON is rendered — or,
// when it carries `status` (422 sold out), its `description` is shown as the error.
// Every reply the theme's own code sees is kept in window.themeSaw for the tests.
window.themeSaw = []
window.routes = window.routes || { cart_add_url: '/cart/add', cart_url: '/cart' }

function fetchConfig(type) {
  return { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/' + (type || 'json') } }
}

if (!customElements.get('product-form')) {
  customElements.define(
    'product-form',
    class extends HTMLElement {
      connectedCallback() {
        this.form = this.querySelector('form')
        this.submitButton = this.querySelector('[type="submit"]')
        this.form.addEventListener('submit', (evt) => this.onSubmitHandler(evt))
      }
      onSubmitHandler(evt) {
        evt.preventDefault()
        if (this.submitButton.getAttribute('aria-disabled') === 'true') return
        this.submitButton.setAttribute('aria-disabled', true)
        const config = fetchConfig('javascript')
        config.headers['X-Requested-With'] = 'XMLHttpRequest'
        delete config.headers['Content-Type']
        const formData = new FormData(this.form)
        formData.append('sections', 'cart-drawer')
        formData.append('sections_url', window.location.pathname)
        config.body = formData
        fetch(window.routes.cart_add_url, config)
          .then((response) => {
            window.themeResponse = response
            return response.json().then((json) => ({ status: response.status, json }))
          })
          .then(({ status, json }) => {
            window.themeSaw.push({ via: 'product-form', status, json })
            const error = this.querySelector('.product-form__error-message')
            if (json.status) error.textContent = json.description
            else document.querySelector('#cart-count').textContent = String(json.quantity)
          })
          .catch((e) => window.themeSaw.push({ via: 'product-form', error: String(e) }))
          .finally(() => this.submitButton.removeAttribute('aria-disabled'))
      }
    },
  )
}

// Quick add and app code calling the Ajax Cart API directly, as the API reference shows it.
window.quickAddItems = (items) =>
  fetch(window.Shopify.routes.root + 'cart/add.js', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ items }) })
    .then((r) => r.json().then((json) => window.themeSaw.push({ via: 'items', status: r.status, json })))

// The legacy jQuery-era helper (Shopify.addItem): XMLHttpRequest, url-encoded, onreadystatechange.
window.legacyAddItem = (id, quantity) =>
  new Promise((resolve) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', '/cart/add.js')
    xhr.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded')
    xhr.onreadystatechange = function () {
      if (this.readyState !== 4) return
      window.themeSaw.push({ via: 'xhr', status: this.status, json: JSON.parse(this.responseText), self: this === xhr })
      resolve()
    }
    xhr.send('quantity=' + quantity + '&id=' + id)
  })
