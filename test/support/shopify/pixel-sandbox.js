// Stand-in for Shopify's customer-events pixel sandbox, after the Web Pixels API documentation.
// The pixel runs in a worker (pixel-worker.js): no DOM of the shop, no IndexedDB, no localStorage.
// It gets the standard API as globals — analytics.subscribe(name, cb), browser.localStorage (every
// method asynchronous, executed in the top frame: here, this page's localStorage) and init (the
// page's context at render). The page publishes customer events with Shopify's shape: {id, name,
// type, seq, timestamp, clientId, context: {document, navigator, window}, data}; DOM events
// (form_submitted) carry the form's id, action and every field with its value, and no context.
// The merchant's step, setting the endpoint and site at the top of the pasted code, is done too.
;(function () {
  window.pixelErrors = []
  var loc = function () {
    return { href: location.href, hash: location.hash, host: location.host, hostname: location.hostname, origin: location.origin, pathname: location.pathname, port: location.port, protocol: location.protocol, search: location.search }
  }
  var context = function () {
    return {
      document: { location: loc(), referrer: document.referrer, title: document.title, characterSet: document.characterSet },
      navigator: { language: navigator.language, languages: navigator.languages.slice(), cookieEnabled: navigator.cookieEnabled, userAgent: navigator.userAgent },
      window: { innerHeight: innerHeight, innerWidth: innerWidth, location: loc(), origin: location.origin, screen: { height: screen.height, width: screen.width }, scrollX: scrollX, scrollY: scrollY },
    }
  }
  window.PixelSandbox = function (pixelUrl, settings) {
    var worker = new Worker('/test/support/shopify/pixel-worker.js')
    var seq = 0
    worker.onmessage = function (m) {
      var d = m.data
      if (d.error) return window.pixelErrors.push(d.error)
      var result = null
      try {
        result = d.method == 'length' ? localStorage.length : localStorage[d.method].apply(localStorage, d.args)
      } catch (e) {}
      worker.postMessage({ rpc: d.rpc, result: result === undefined ? null : result })
    }
    worker.postMessage({ type: 'init', pixelUrl: pixelUrl, settings: settings, init: { context: context(), data: { shop: { name: 'Test shop', paymentSettings: { currencyCode: 'EUR' } }, cart: null, customer: null } } })
    var publish = function (name, data, type, ctx) {
      var event = { id: 'sh-' + crypto.randomUUID(), clientId: 'shopify-client-1', name: name, seq: ++seq, timestamp: new Date().toISOString(), type: type || 'standard', data: data }
      if (type != 'dom') event.context = ctx === undefined ? context() : ctx
      worker.postMessage({ type: 'event', event: event })
    }
    // Shopify publishes form_submitted for every form the visitor submits, values included.
    document.addEventListener('submit', function (e) {
      var f = e.target
      publish('form_submitted', {
        element: {
          id: f.getAttribute('id'),
          action: f.action,
          elements: Array.prototype.map.call(f.elements, function (x) { return { id: x.id || null, name: x.name || null, tagName: x.tagName, type: x.type || null, value: x.value } }),
        },
      }, 'dom')
    })
    return { publish: publish, terminate: function () { worker.terminate() } }
  }
})()
