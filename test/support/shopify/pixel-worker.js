// The sandbox side of pixel-sandbox.js: the Web Pixels standard API as globals, then the pixel's
// code as the merchant pasted it. Events published before the pixel finished loading are delivered
// once it subscribed, as Shopify does for the page's first events.
Object.defineProperty(self, 'indexedDB', { value: undefined })
var subscribers = {}
var ready = false
var early = []
var calls = {}
var n = 0
var report = function (e) { postMessage({ error: String((e && e.stack) || e) }) }
self.addEventListener('error', function (e) { report(e.message) })
self.addEventListener('unhandledrejection', function (e) { report('unhandled rejection: ' + e.reason) })
var rpc = function (method, args) {
  return new Promise(function (resolve) {
    calls[++n] = resolve
    postMessage({ rpc: n, method: method, args: args })
  })
}
self.analytics = {
  subscribe: function (name, cb) {
    ;(subscribers[name] = subscribers[name] || []).push(cb)
    return Promise.resolve(true)
  },
}
self.browser = {
  localStorage: {
    getItem: function (k) { return rpc('getItem', [k]) },
    setItem: function (k, v) { return rpc('setItem', [k, v]).then(function () {}) },
    removeItem: function (k) { return rpc('removeItem', [k]).then(function () {}) },
    key: function (i) { return rpc('key', [i]) },
    length: function () { return rpc('length', []) },
    clear: function () { return rpc('clear', []).then(function () {}) },
  },
}
var deliver = function (ev) {
  ;[ev.name, 'all_events', ev.type == 'standard' ? 'all_standard_events' : ''].forEach(function (name) {
    ;(subscribers[name] || []).forEach(function (cb) {
      try {
        cb(JSON.parse(JSON.stringify(ev)))
      } catch (e) {
        report(e)
      }
    })
  })
}
onmessage = function (m) {
  var d = m.data
  if (d.rpc != null) {
    calls[d.rpc](d.result)
    delete calls[d.rpc]
  } else if (d.type == 'init') {
    self.init = d.init
    fetch(d.pixelUrl)
      .then(function (r) { return r.text() })
      .then(function (code) {
        code = code.replace(/const footfallPixel = \{[^\n]*\}/, 'const footfallPixel = ' + JSON.stringify(d.settings))
        importScripts(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })))
        ready = true
        early.splice(0).forEach(deliver)
      })
      .catch(report)
  } else if (d.type == 'event') ready ? deliver(d.event) : early.push(d.event)
}
