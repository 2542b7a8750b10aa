/**
 * The demo shop: a small single-page app. Routes change with history.pushState, the way most
 * SPAs do, and footfall's autocapture turns them into page views. Tracking is all markup:
 * `data-ff-event` on the add-to-cart buttons and on the inquiry form, plain mailto/tel/WhatsApp
 * links, and Intercom's API for the chat; the shop itself never calls footfall.
 */
import { PRODUCTS, CURRENCY, byId, money } from './catalog.js'
import { h } from './dom.js'

const view = document.getElementById('view')
const cart = JSON.parse(sessionStorage.getItem('shop_cart') || '{}')

const tile = (p, big) => {
  const t = h('div', { class: 'tile' + (big ? ' big' : '') }, h('svg', { viewBox: '0 0 100 100', 'aria-hidden': 'true' }, h('path', { d: p.art })))
  // CSSOM, not a style attribute: the strict CSP (style-src 'self') allows only the former.
  t.style.setProperty('--tint', p.tint)
  t.style.setProperty('--ink', p.ink)
  return t
}

/** The add-to-cart button: its data-ff-* attributes are the add_to_cart properties. */
const addButton = (p, quantity = 1) =>
  h('button', {
    type: 'button',
    class: 'btn primary add',
    'data-ff-event': 'add_to_cart',
    'data-ff-product-id': p.id,
    'data-ff-name': p.name,
    'data-ff-price': p.price,
    'data-ff-currency': CURRENCY,
    'data-ff-quantity': quantity,
    'data-ff-category': p.category,
    'data-sku': p.id,
  }, 'Add to cart')

const contactLinks = () =>
  h('div', { class: 'contact-links' },
    h('a', { class: 'pill', href: 'mailto:hello@alder.example?subject=Question' }, '✉ hello@alder.example'),
    h('a', { class: 'pill', href: 'tel:+4930123456' }, '☎ +49 30 123 456'),
    h('a', { class: 'pill', href: 'https://wa.me/4930123456?text=Hello', target: '_blank', rel: 'noopener' }, 'WhatsApp'))

const card = (p) =>
  h('article', { class: 'card' },
    h('a', { href: `/products/${p.id}`, 'data-route': true, class: 'card-link' }, tile(p), h('h3', {}, p.name)),
    h('div', { class: 'card-foot' }, h('span', { class: 'price' }, money(p.price)), addButton(p)))

const home = () => [
  h('section', { class: 'hero' },
    h('div', {},
      h('p', { class: 'eyebrow' }, 'Spring collection'),
      h('h1', {}, 'Goods for slow mornings'),
      h('p', { class: 'lead' }, 'Small-batch homeware from workshops we visit ourselves. Free delivery over €60.'),
      h('a', { class: 'btn', href: '/products', 'data-route': true }, 'Browse all products'))),
  h('h2', { class: 'section-title' }, 'Bestsellers'),
  h('div', { class: 'grid' }, PRODUCTS.map(card)),
]

const list = () => [h('h1', { class: 'page-title' }, 'All products'), h('div', { class: 'grid' }, PRODUCTS.map(card))]

const product = (p) => {
  if (!p) return notFound()
  const add = addButton(p)
  const qty = h('select', { id: 'qty', 'aria-label': 'Quantity' }, [1, 2, 3, 4].map((n) => h('option', { value: n }, n)))
  // The button carries the chosen quantity, so add_to_cart's value = price × quantity.
  qty.addEventListener('change', () => add.setAttribute('data-ff-quantity', qty.value))
  return [
    h('nav', { class: 'crumbs' }, h('a', { href: '/products', 'data-route': true }, 'Products'), ' / ', p.category),
    h('div', { class: 'product' },
      tile(p, true),
      h('div', { class: 'product-info' },
        h('h1', {}, p.name),
        h('p', { class: 'price big' }, money(p.price)),
        h('p', {}, p.blurb),
        h('div', { class: 'buy' }, h('label', { for: 'qty' }, 'Qty'), qty, add),
        h('p', { class: 'muted' }, 'Questions about this item?'),
        contactLinks())),
  ]
}

const contact = () => {
  const form = h('form', { id: 'contact-form', name: 'contact', class: 'form', 'data-ff-event': 'inquiry', action: '/contact', method: 'post' },
    h('label', {}, 'Name', h('input', { name: 'name', autocomplete: 'name', required: true })),
    h('label', {}, 'E-mail', h('input', { name: 'email', type: 'email', autocomplete: 'email', required: true })),
    h('label', {}, 'Topic', h('select', { name: 'topic' }, ['Product question', 'Wholesale', 'Delivery'].map((t) => h('option', {}, t)))),
    h('label', {}, 'Message', h('textarea', { name: 'message', rows: 4, required: true })),
    h('button', { class: 'btn primary', type: 'submit' }, 'Send inquiry'))
  // There is no backend for the form: the demo only needs the submit that footfall records.
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    form.replaceWith(h('div', { class: 'thanks', role: 'status' }, h('h2', {}, 'Thank you!'), h('p', {}, 'We will answer within one working day.')))
  })
  return [
    h('h1', { class: 'page-title' }, 'Contact us'),
    h('div', { class: 'contact' }, form,
      h('div', { class: 'contact-side' }, h('h2', {}, 'Or reach us directly'), h('p', { class: 'muted' }, 'Mon–Fri, 9:00–17:00 CET'), contactLinks())),
  ]
}

const cartView = () => {
  const lines = Object.entries(cart).map(([id, n]) => [byId(id), n]).filter(([p]) => p)
  const total = lines.reduce((s, [p, n]) => s + p.price * n, 0)
  return [
    h('h1', { class: 'page-title' }, 'Your cart'),
    lines.length
      ? h('div', { class: 'cart' },
          lines.map(([p, n]) => h('div', { class: 'cart-line' }, tile(p), h('span', {}, p.name), h('span', {}, `× ${n}`), h('span', { class: 'price' }, money(p.price * n)))),
          h('div', { class: 'cart-total' }, h('span', {}, 'Total'), h('strong', {}, money(total))),
          h('p', { class: 'muted' }, 'Checkout is not part of this demo: footfall measures what marketing controls, up to the cart.'))
      : h('p', { class: 'muted' }, 'Your cart is empty.'),
  ]
}

const notFound = () => [h('h1', { class: 'page-title' }, 'Not found'), h('a', { href: '/', 'data-route': true }, 'Back to the shop')]

const TITLES = { '/': 'Goods for slow mornings', '/products': 'All products', '/contact': 'Contact', '/cart': 'Cart' }

const render = () => {
  const path = location.pathname
  const m = /^\/products\/([\w-]+)$/.exec(path)
  const p = m && byId(m[1])
  document.title = `${p ? p.name : TITLES[path] || 'Not found'} — Alder & Co.`
  view.replaceChildren(...[].concat(path === '/' ? home() : path === '/products' ? list() : m ? product(p) : path === '/contact' ? contact() : path === '/cart' ? cartView() : notFound()))
  for (const a of document.querySelectorAll('.nav a')) a.classList.toggle('active', a.getAttribute('href') === path)
  document.getElementById('cart-count').textContent = Object.values(cart).reduce((a, b) => a + b, 0)
}

// SPA navigation: same-origin links marked data-route change the URL with pushState.
document.addEventListener('click', (e) => {
  const a = e.target.closest('a[data-route]')
  if (a && !e.metaKey && !e.ctrlKey && !e.shiftKey && e.button === 0) {
    e.preventDefault()
    if (a.getAttribute('href') !== location.pathname + location.search) history.pushState(null, '', a.getAttribute('href'))
    render()
    scrollTo(0, 0)
  }
  const add = e.target.closest('button.add')
  if (add) {
    cart[add.dataset.sku] = (cart[add.dataset.sku] || 0) + Number(add.getAttribute('data-ff-quantity'))
    sessionStorage.setItem('shop_cart', JSON.stringify(cart))
    document.getElementById('cart-count').textContent = Object.values(cart).reduce((a, b) => a + b, 0)
    add.textContent = 'Added ✓'
    setTimeout(() => (add.textContent = 'Add to cart'), 1200)
  }
})
addEventListener('popstate', render)
document.getElementById('chat-btn').addEventListener('click', () => window.Intercom('show'))
render()
