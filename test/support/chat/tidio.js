// Stand-in for Tidio: window.tidioChatApi with on('open' | 'close', cb), open(), close(); document 'tidioChat-ready'.
;(function () {
  var on = {}, open = false
  var emit = function (e) { (on[e] || []).forEach(function (f) { f() }) }
  var api = {
    on: function (e, f) { (on[e] = on[e] || []).push(f) },
    open: function () { if (!open) (open = true), emit('open') },
    close: function () { if (open) (open = false), emit('close') },
  }
  // Tidio makes the API usable and then announces it.
  Object.defineProperty(window, 'tidioChatApi', { configurable: true, writable: true, value: api })
  document.dispatchEvent(new Event('tidioChat-ready'))
})()
