/**
 * A stand-in for Intercom's messenger that implements its documented JavaScript API
 * (developers.intercom.com, "Intercom JavaScript API"): `Intercom(command, ...args)` with
 * boot, shutdown, update, show, hide, showMessages, showNewMessage, onShow, onHide,
 * onUnreadCountChange, trackEvent and getVisitorId, and the `Intercom.q` queue of calls made
 * before it loaded. footfall's chat capture cannot tell it from the real widget, which is the
 * point: the demo exercises the same adapter path a real shop does.
 */
;(function () {
  const w = window
  const queued = (w.Intercom && w.Intercom.q) || []
  const handlers = { show: [], hide: [], unread: [] }
  let booted = false
  let open = false
  let launcher, panel

  const el = (tag, cls, text) => {
    const e = document.createElement(tag)
    if (cls) e.className = cls
    if (text) e.textContent = text
    return e
  }
  const fire = (list, arg) => list.forEach((cb) => { try { cb(arg) } catch (e) { console.error(e) } })

  const render = () => {
    if (launcher) return
    launcher = el('button', 'ic-launcher')
    launcher.type = 'button'
    launcher.setAttribute('aria-label', 'Open the messenger')
    launcher.addEventListener('click', () => api(open ? 'hide' : 'show'))
    panel = el('section', 'ic-panel')
    panel.setAttribute('role', 'dialog')
    panel.setAttribute('aria-label', 'Messenger')
    const head = el('header', 'ic-head')
    head.append(el('strong', '', 'Alder & Co.'), el('span', '', 'We usually reply in a few minutes'))
    const close = el('button', 'ic-close', '×')
    close.type = 'button'
    close.setAttribute('aria-label', 'Close the messenger')
    close.addEventListener('click', () => api('hide'))
    head.append(close)
    const body = el('div', 'ic-body')
    body.append(el('p', 'ic-msg', 'Hi there! Questions about an order, a size or a delivery date? Ask away.'))
    const form = el('form', 'ic-compose')
    const input = el('input')
    input.placeholder = 'Write a message…'
    input.setAttribute('aria-label', 'Message')
    form.append(input)
    form.addEventListener('submit', (e) => {
      e.preventDefault()
      if (!input.value.trim()) return
      body.append(el('p', 'ic-msg ic-me', input.value))
      input.value = ''
    })
    panel.append(head, body, form)
    document.body.append(panel, launcher)
  }

  const setOpen = (v) => {
    if (!booted || open === v) return
    open = v
    panel.classList.toggle('open', v)
    launcher.classList.toggle('open', v)
    fire(v ? handlers.show : handlers.hide)
  }

  const commands = {
    boot(settings) {
      w.intercomSettings = { ...w.intercomSettings, ...settings }
      booted = true
      render()
    },
    shutdown() {
      setOpen(false)
      booted = false
      launcher?.remove(), panel?.remove()
      launcher = panel = undefined
    },
    update(settings) {
      if (settings) w.intercomSettings = { ...w.intercomSettings, ...settings }
      if (!booted && w.intercomSettings?.app_id) commands.boot()
    },
    show: () => setOpen(true),
    showMessages: () => setOpen(true),
    showNewMessage: () => setOpen(true),
    hide: () => setOpen(false),
    onShow: (cb) => typeof cb === 'function' && handlers.show.push(cb),
    onHide: (cb) => typeof cb === 'function' && handlers.hide.push(cb),
    onUnreadCountChange: (cb) => typeof cb === 'function' && handlers.unread.push(cb),
    trackEvent() {},
    getVisitorId: () => 'demo-visitor',
    reattach_activator() {},
  }

  function api(command, ...args) {
    const f = commands[command]
    if (f) return f(...args)
    console.warn(`[intercom stand-in] unknown command "${command}"`)
  }
  api.booted = true
  w.Intercom = api

  // Like the real messenger: boot from intercomSettings, then run what was queued, in order.
  if (w.intercomSettings?.app_id) commands.boot()
  for (const args of Array.from(queued)) api(...Array.from(args))
})()
