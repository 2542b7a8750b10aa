// Stand-in for Drift: like the real snippet it assigns window.drift before adding the methods; drift.on(event, cb),
// drift.api.openChat() fires 'chatOpen' and, like the current widget for legacy listeners, 'sidebarOpen'.
;(function () {
  var t = (window.driftt = window.drift = window.driftt || [])
  var on = {}
  var emit = function (e, p) { (on[e] || []).forEach(function (f) { f(p) }) }
  var open = false
  t.on = function (e, f) { (on[e] = on[e] || []).push(f) }
  t.api = {
    openChat: function () { if (!open) (open = true), emit('chatOpen', {}), emit('sidebarOpen', { sidebarOpen: true }) },
    hideChat: function () { open = false },
  }
  emit('ready', t.api)
})()
