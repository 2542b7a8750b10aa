// Stand-in for tawk.to's Tawk_API: callbacks are properties (onChatMaximized); maximize() / minimize().
;(function () {
  var api = (window.Tawk_API = window.Tawk_API || {}), open = false
  api.maximize = function () {
    if (!open && (open = true) && typeof api.onChatMaximized === 'function') api.onChatMaximized()
  }
  api.minimize = function () {
    open = false
    if (typeof api.onChatMinimized === 'function') api.onChatMinimized()
  }
})()
