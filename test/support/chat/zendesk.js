// Stand-in for Zendesk Messaging's zE: zE('messenger:on', 'open', cb), zE('messenger', 'open' | 'close').
;(function () {
  var on = {}, open = false
  window.zE = function (ns, cmd, cb) {
    if (ns === 'messenger:on') (on[cmd] = on[cmd] || []).push(cb)
    if (ns === 'messenger' && cmd === 'open' && !open) (open = true), (on.open || []).forEach(function (f) { f({ type: 'messagingOpened' }) })
    if (ns === 'messenger' && cmd === 'close') open = false
  }
})()
