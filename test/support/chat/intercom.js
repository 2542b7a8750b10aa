// Stand-in for the Intercom Messenger JS API: Intercom('onShow', cb), Intercom('show'), Intercom('hide').
;(function () {
  var onShow = [], open = false
  window.Intercom = function (cmd, arg) {
    if (cmd === 'onShow') onShow.push(arg)
    if (cmd === 'show' && !open) (open = true), onShow.forEach(function (f) { f() })
    if (cmd === 'hide') open = false
  }
})()
