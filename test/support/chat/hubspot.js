// Stand-in for HubSpot's conversations SDK: window.HubSpotConversations with on(event, cb) and widget.open/close,
// announced through window.hsConversationsOnReady. userOpens() is the visitor clicking the launcher.
;(function () {
  var on = {}
  var emit = function (e, p) { (on[e] || []).forEach(function (f) { f(p) }) }
  var open = false
  window.HubSpotConversations = {
    on: function (e, f) { (on[e] = on[e] || []).push(f) },
    off: function () {},
    widget: {
      load: function () {},
      status: function () { return { loaded: true } },
      open: function () { open = true },
      close: function () { if (open) (open = false), emit('widgetClosed', {}) },
      userOpens: function () { open = true; emit('userInteractedWithWidget', { message: 'User has interacted with the widget' }) },
    },
  }
  ;(window.hsConversationsOnReady || []).forEach(function (f) { f() })
  emit('widgetLoaded', { message: 'Widget has loaded' })
})()
