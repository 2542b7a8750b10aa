// Intercom's documented installation snippet (the "basic JavaScript" install), unchanged in
// behaviour: a queueing Intercom() stub now, the messenger script after the page's load event.
// The script it loads is the demo's stand-in (intercom-widget.js), not Intercom's servers.
window.intercomSettings = { api_base: '/intercom', app_id: 'demo_app' }
;(function () {
  var w = window
  var ic = w.Intercom
  if (typeof ic === 'function') {
    ic('reattach_activator')
    ic('update', w.intercomSettings)
  } else {
    var d = document
    var i = function () {
      i.c(arguments)
    }
    i.q = []
    i.c = function (args) {
      i.q.push(args)
    }
    w.Intercom = i
    var l = function () {
      var s = d.createElement('script')
      s.type = 'text/javascript'
      s.async = true
      s.src = '/intercom-widget.js'
      var x = d.getElementsByTagName('script')[0]
      x.parentNode.insertBefore(s, x)
    }
    if (document.readyState === 'complete') l()
    else w.addEventListener('load', l, false)
  }
})()
