// Stand-in for Crisp's $crisp: the snippet's array queue is replayed when Crisp loads; ['on', 'chat:opened', cb],
// ['do', 'chat:open'], ['do', 'chat:close'].
;(function () {
  var queued = window.$crisp || [], on = {}, open = false
  function push(c) {
    if (c[0] === 'on') (on[c[1]] = on[c[1]] || []).push(c[2])
    if (c[0] === 'do' && c[1] === 'chat:open' && !open) (open = true), (on['chat:opened'] || []).forEach(function (f) { f() })
    if (c[0] === 'do' && c[1] === 'chat:close') open = false
  }
  window.$crisp = { push: push }
  queued.forEach(push)
})()
