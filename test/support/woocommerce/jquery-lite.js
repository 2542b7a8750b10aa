// A minimal stand-in for the parts of jQuery that WooCommerce's add-to-cart.js uses: $(fn),
// $(el|selector), .on(type[, selector], fn) with delegation, .trigger(type, args) — which, like
// jQuery's, calls jQuery handlers on the element and its ancestors with (event, ...args) and is
// not a DOM event — .data() (data-* attributes, numeric strings as numbers), .is, .addClass,
// .removeClass, $.each and $.ajax (XMLHttpRequest, url-encoded, JSON reply).
;(function () {
  var custom = new WeakMap()
  var DOM = /^(click|submit|change|input)$/
  function J(list) {
    this.length = list.length
    for (var i = 0; i < list.length; i++) this[i] = list[i]
  }
  function $(x) {
    if (typeof x == 'function') return document.readyState == 'loading' ? document.addEventListener('DOMContentLoaded', function () { x($) }) : x($)
    if (x instanceof J) return x
    return new J(typeof x == 'string' ? document.querySelectorAll(x) : x ? [x] : [])
  }
  J.prototype.on = function (type, sel, fn) {
    if (typeof sel == 'function') (fn = sel), (sel = null)
    for (var i = 0; i < this.length; i++) {
      var el = this[i]
      if (DOM.test(type))
        el.addEventListener(type, function (e) {
          var target = sel ? e.target.closest && e.target.closest(sel) : this
          if (!target) return
          var ev = { type: type, target: e.target, currentTarget: target, originalEvent: e, preventDefault: function () { e.preventDefault() } }
          if (fn.call(target, ev) === false) e.preventDefault()
        })
      else {
        var map = custom.get(el) || {}
        ;(map[type] = map[type] || []).push(fn)
        custom.set(el, map)
      }
    }
    return this
  }
  J.prototype.trigger = function (type, args) {
    var ev = { type: type, isTrigger: true }
    for (var el = this[0]; el; el = el.parentNode) {
      var fns = (custom.get(el) || {})[type] || []
      ev.currentTarget = el
      for (var i = 0; i < fns.length; i++) fns[i].apply(el, [ev].concat(args || []))
    }
    return this
  }
  J.prototype.data = function () {
    var out = {}
    var el = this[0]
    for (var i = 0; el && i < el.attributes.length; i++) {
      var a = el.attributes[i]
      if (a.name.indexOf('data-') != 0) continue
      var k = a.name.slice(5).replace(/-([a-z])/g, function (_, c) { return c.toUpperCase() })
      out[k] = /^-?\d+(\.\d+)?$/.test(a.value) ? +a.value : a.value
    }
    return out
  }
  J.prototype.is = function (sel) { return !!this[0] && this[0].matches(sel) }
  J.prototype.addClass = function (c) { this[0] && this[0].classList.add(c); return this }
  J.prototype.removeClass = function (c) { this[0] && this[0].classList.remove(c); return this }
  $.each = function (o, fn) { Object.keys(o).forEach(function (k) { fn(k, o[k]) }) }
  $.ajax = function (o) {
    var xhr = new XMLHttpRequest()
    xhr.open(o.type || 'GET', o.url)
    xhr.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded; charset=UTF-8')
    xhr.setRequestHeader('X-Requested-With', 'XMLHttpRequest')
    xhr.onload = function () {
      var json
      try { json = JSON.parse(xhr.responseText) } catch (e) { return o.error && o.error(xhr) }
      xhr.status < 300 ? o.success && o.success(json) : o.error && o.error(xhr)
    }
    xhr.send(new URLSearchParams(o.data).toString())
    return xhr
  }
  window.jQuery = window.$ = $
})()
