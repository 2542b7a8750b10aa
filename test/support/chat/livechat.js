// Stand-in for LiveChat's LiveChatWidget: on('visibility_changed', cb), call('maximize' | 'minimize').
;(function () {
  var on = {}, state = 'minimized'
  window.LiveChatWidget = {
    on: function (e, f) { (on[e] = on[e] || []).push(f) },
    call: function (m) {
      var v = m === 'maximize' ? 'maximized' : m === 'minimize' ? 'minimized' : m === 'hide' ? 'hidden' : state
      if (v !== state) (state = v), (on.visibility_changed || []).forEach(function (f) { f({ visibility: v }) })
    },
  }
})()
