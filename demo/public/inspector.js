/**
 * The QA inspector: what footfall does with each event, live, read only from public surfaces —
 * footfall's `on()` lifecycle events, footfall's IndexedDB queue (read, never created or
 * written), and the collector's reading endpoints `/events` and `/kpi`. Everything it shows is
 * text (textContent), never markup, whatever an event's name or properties contain.
 */
import { h } from './dom.js'

const STEPS = ['tracked', 'queued', 'sent', 'acked']
const LOG_KEY = 'qa_log'
const MAX_ROWS = 300
/** The failure switch, in display order (an object would put the numeric key first). */
const FAULTS = [['ok', 'Healthy'], ['503', '503'], ['offline', 'Offline'], ['reject', 'Reject 400']]
const FAULT_LABELS = Object.fromEntries(FAULTS)
const CAMPAIGNS = [
  ['Newsletter', 'email', '/?utm_source=newsletter&utm_medium=email&utm_campaign=spring_sale'],
  ['Google Ads', 'paid search', '/products/sku-throw?utm_source=google&utm_medium=cpc&utm_campaign=wool_throws&utm_term=wool+blanket&gclid=demo-gclid'],
  ['Instagram', 'social', '/products/sku-mug?utm_source=instagram&utm_medium=social&utm_campaign=mug_reel'],
]

/** Rows by messageId, oldest first; kept in sessionStorage so a full page load keeps the history. */
const rows = new Map()
try {
  for (const r of JSON.parse(sessionStorage.getItem(LOG_KEY) || '[]')) rows.set(r.id, r)
} catch {}
const expanded = new Set()
const stats = { depth: 0, stored: 0, errors: [] }
let filter = ''
let lastSend = []
let fault = 'ok'
let kpi
/** Count crawlers, automation and spam too (`/kpi?traffic=all`); people only by default. */
let allTraffic = false

const nameOf = (e) => (e.type === 'track' ? e.event : e.type === 'page' ? 'page_view' : e.type)

const row = (id, fields) => {
  let r = rows.get(id)
  if (!r) rows.set(id, (r = { id, name: '…', status: 'tracked', at: Date.now(), sends: 0, earlier: true }))
  Object.assign(r, fields)
  if (r.env && r.name === '…') (r.name = nameOf(r.env)), (r.at = Date.parse(r.env.timestamp) || r.at)
  return r
}
/** A step only moves forward: a late IndexedDB read must not turn "acked" back into "queued". */
const advance = (r, status) => {
  if (r.status === 'dropped') return
  if (status === 'dropped' || STEPS.indexOf(status) > STEPS.indexOf(r.status) || (status === 'sent' && r.status === 'sent')) r.status = status
}

// ---- footfall's public lifecycle (through the stub: works before and after footfall.js loads)
const on = (type, cb) => window.footfall('on', type, cb)
on('track', (e) => row(e.messageId, { env: e, earlier: false, at: Date.now() }) && changed())
on('send', ({ ids, transport }) => {
  lastSend = ids
  for (const id of ids) {
    const r = row(id, { transport, error: undefined })
    r.sends++
    advance(r, 'sent')
  }
  changed()
})
on('ack', ({ ids }) => {
  for (const id of ids) advance(row(id, { error: undefined }), 'acked')
  changed()
  soon(pollKpi)
  // Events recorded before this page load (or before the inspector subscribed) get their JSON from the collector.
  if (ids.some((id) => !rows.get(id)?.env)) soon(pollEvents, 50)
})
on('drop', ({ ids, reason }) => {
  for (const id of ids) advance(row(id, { reason }), 'dropped')
  changed()
})
on('error', (err) => {
  // A failed delivery is reported right after the send it belongs to.
  if (err.status !== undefined || /^delivery failed/.test(err.message)) {
    for (const id of lastSend) {
      const r = rows.get(id)
      if (r && r.status === 'sent') r.error = err.status ? `HTTP ${err.status}` : 'network error'
    }
  } else stats.errors = [...stats.errors.slice(-4), { at: Date.now(), message: String(err.message) }]
  changed()
})

// ---- footfall's IndexedDB queue, read-only
/** The queued envelopes. Never creates the database: an empty upgrade would leave footfall without its store. */
const readQueue = () =>
  new Promise((resolve) => {
    let req
    try {
      req = indexedDB.open('footfall')
    } catch {
      return resolve([])
    }
    req.onupgradeneeded = () => req.transaction.abort()
    req.onerror = () => resolve([])
    req.onsuccess = () => {
      const db = req.result
      const done = (v) => (db.close(), resolve(v))
      if (!db.objectStoreNames.contains('queue')) return done([])
      const all = db.transaction('queue').objectStore('queue').getAll()
      all.onsuccess = () => done(all.result)
      all.onerror = () => done([])
    }
  })

const pollQueue = async () => {
  const queued = await readQueue()
  stats.depth = queued.length
  for (let e of queued) {
    // Stored as an object or as its JSON text, depending on the footfall version.
    if (typeof e === 'string') try { e = JSON.parse(e) } catch { continue }
    if (e?.messageId) advance(row(e.messageId, { env: rows.get(e.messageId)?.env || e }), 'queued')
  }
  changed()
}

// ---- the collector's reading endpoints
// They need a login (the session cookie that the URL printed by `npm run demo` sets).
const getJson = async (path) => {
  const r = await fetch(path, { cache: 'no-store' })
  if (r.status === 401) loggedOut()
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`)
  return r.json()
}

const loggedOut = () =>
  el.kpi.replaceChildren(
    h('p', { id: 'qa-login' }, 'Stored events and KPIs need a login: ', h('a', { href: '/login?next=/' }, 'log in'), ' with the token that ', h('code', {}, 'npm run demo'), ' printed (its link logs in).'),
  )

const pollEvents = async () => {
  try {
    const stored = await getJson('/events?limit=1000')
    stats.stored = stored.length
    for (const e of stored) {
      const r = rows.get(e.messageId)
      // Stored by the collector: acknowledged, even when the reply never reached this page
      // (a keepalive request sent as the previous page went away).
      if (r) {
        // The class the collector gave it (context.traffic): an automated browser's events are `automation`.
        r.traffic = e.context?.traffic
        advance(row(e.messageId, { env: r.env || e }), 'acked')
      }
    }
    changed()
  } catch {}
}

const pollKpi = async () => {
  try {
    kpi = await getJson(allTraffic ? '/kpi?traffic=all' : '/kpi')
    renderKpi()
  } catch {}
}

const timers = {}
const soon = (f, ms = 300) => (timers[f.name] ||= setTimeout(() => (delete timers[f.name], f()), ms))

// ---- demo server controls
const setFault = async (mode) => {
  const r = await fetch('/demo/fault', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ mode }) })
  fault = (await r.json()).mode
  renderControls()
}

const clearAll = async () => {
  // consent('denied') is footfall's own way to forget: queued events, stored ids, session.
  window.footfall('consent', 'denied')
  await fetch('/demo/reset', { method: 'POST' })
  sessionStorage.removeItem(LOG_KEY)
  sessionStorage.removeItem('shop_cart')
  rows.clear()
  location.replace('/')
}

/**
 * "Load a year of sample history": the demo server writes it beside the shop's events and the
 * collector's KPI store rebuilds; the store's progress comes from `/health` until it is ready.
 */
const loadSample = async () => {
  el.sampleBtn.disabled = true
  el.sample.textContent = 'Writing a year of sample history…'
  const r = await fetch('/demo/sample', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }).catch(() => undefined)
  const body = await r?.json().catch(() => ({}))
  if (!r?.ok) {
    el.sample.textContent = r?.status === 409 ? 'The sample history is already loaded.' : `Could not load it: ${body?.error || 'no answer'}`
    el.sampleBtn.disabled = r?.status === 409
    return
  }
  const written = body.events
  for (;;) {
    const kpi = (await getJson('/health').catch(() => ({}))).kpi
    if (kpi?.state === 'ready') break
    const p = kpi?.progress
    el.sample.replaceChildren(
      `${written.toLocaleString('en-US')} sample events written. Building the KPI store: `,
      p ? h('progress', { max: Math.max(1, p.files.total), value: p.files.done }) : '',
      p ? ` ${p.files.done}/${p.files.total} days, ${p.events.toLocaleString('en-US')} events` : ' starting…',
    )
    await new Promise((resolve) => setTimeout(resolve, 400))
  }
  el.sample.replaceChildren(`${written.toLocaleString('en-US')} sample events over a year are in. `, h('a', { href: '/dashboard', id: 'qa-sample-dashboard' }, 'Open the dashboard'))
  pollKpi()
}

// ---- rendering
const root = document.getElementById('qa')
const el = {
  status: h('span', { class: 'qa-health' }),
  switch: h('div', { class: 'qa-switch', role: 'group', 'aria-label': 'Collector behaviour' }),
  counters: h('dl', { class: 'qa-counters' }),
  session: h('p', { class: 'qa-session' }),
  filter: h('select', { id: 'qa-filter', 'aria-label': 'Filter by event name' }),
  list: h('ol', { class: 'qa-list', id: 'qa-list' }),
  kpi: h('div', { class: 'qa-kpi', id: 'qa-kpi' }),
  left: h('p', { class: 'qa-left', id: 'qa-left', role: 'status' }),
  all: h('input', { type: 'checkbox', id: 'qa-traffic-all' }),
  errors: h('ul', { class: 'qa-errors' }),
  sample: h('p', { class: 'qa-sample', id: 'qa-sample', role: 'status' }, 'Sessions across every channel, with a weekly rhythm and a season; the shop’s own events join them.'),
  sampleBtn: h('button', { class: 'qa-btn', id: 'qa-load-sample', type: 'button', onclick: () => loadSample() }, 'Load a year of sample history'),
}
el.filter.addEventListener('change', () => ((filter = el.filter.value), renderList()))
el.all.addEventListener('change', () => ((allTraffic = el.all.checked), pollKpi()))

const customName = h('input', { id: 'qa-name', placeholder: 'event name', 'aria-label': 'Event name', value: 'newsletter_signup' })
const customProps = h('input', { id: 'qa-props', placeholder: '{"plan":"weekly"}', 'aria-label': 'Properties (JSON)', value: '{"plan":"weekly"}' })
const customForm = h('form', { class: 'qa-custom', id: 'qa-custom' }, customName, customProps, h('button', { class: 'qa-btn', type: 'submit' }, 'Track'))
customForm.addEventListener('submit', (e) => {
  e.preventDefault()
  let props
  try {
    props = customProps.value.trim() ? JSON.parse(customProps.value) : undefined
  } catch (err) {
    stats.errors = [...stats.errors, { at: Date.now(), message: `properties are not JSON: ${err.message}` }]
    return changed()
  }
  window.footfall('track', customName.value, props)
})

root.append(
  h('header', { class: 'qa-head' }, h('h2', {}, 'QA inspector'), h('a', { class: 'qa-dash', id: 'qa-dashboard', href: '/dashboard' }, 'Dashboard'), el.status),
  h('section', { class: 'qa-block' }, h('h3', {}, 'Collector'), el.switch,
    h('div', { class: 'qa-actions' },
      h('button', { class: 'qa-btn', id: 'qa-flush', type: 'button', onclick: () => window.footfall('flush') }, 'Flush now'),
      h('button', { class: 'qa-btn danger', id: 'qa-clear', type: 'button', onclick: clearAll }, 'Clear data'))),
  h('section', { class: 'qa-block' }, h('h3', {}, 'History'),
    h('div', { class: 'qa-actions' }, el.sampleBtn, h('a', { class: 'qa-btn', href: '/dashboard' }, 'Dashboard')), el.sample),
  el.counters,
  el.session,
  h('section', { class: 'qa-block' }, h('div', { class: 'qa-row-head' }, h('h3', {}, 'Events'), el.filter), el.errors, el.list),
  h('section', { class: 'qa-block' }, h('h3', {}, 'KPIs ', h('code', {}, 'GET /kpi')), el.kpi, el.left,
    h('label', { class: 'qa-check' }, el.all, ' Count crawlers and automation too (', h('code', {}, 'traffic=all'), ')')),
  h('section', { class: 'qa-block' }, h('h3', {}, 'Arrive from a campaign'),
    h('div', { class: 'qa-campaigns' }, CAMPAIGNS.map(([label, kind, href]) => h('a', { href, class: 'qa-campaign', 'data-campaign': label }, h('strong', {}, label), h('span', {}, kind))))),
  h('section', { class: 'qa-block' }, h('h3', {}, 'Track a custom event'), customForm),
)

const renderControls = () => {
  el.switch.replaceChildren(
    ...FAULTS.map(([mode, label]) =>
      h('button', { type: 'button', class: 'qa-seg' + (mode === fault ? ' on' : ''), 'data-mode': mode, 'aria-pressed': String(mode === fault), onclick: () => setFault(mode) }, label)),
  )
  el.status.textContent = fault === 'ok' ? 'collector healthy' : `collector failing: ${FAULT_LABELS[fault]}`
  el.status.className = 'qa-health' + (fault === 'ok' ? '' : ' bad')
  root.classList.toggle('failing', fault !== 'ok')
}

const count = (s) => [...rows.values()].filter((r) => r.status === s || (s === 'sent' && r.sends)).length
const renderCounters = () => {
  const items = [
    ['IDB queue', stats.depth, 'qa-depth'],
    ['Tracked', [...rows.values()].filter((r) => !r.earlier).length, 'qa-tracked'],
    ['Sent', count('sent'), 'qa-sent'],
    ['Acked', count('acked'), 'qa-acked'],
    ['Dropped', count('dropped'), 'qa-dropped'],
    ['Stored', stats.stored, 'qa-stored'],
  ]
  el.counters.replaceChildren(...items.map(([k, v, id]) => h('div', {}, h('dt', {}, k), h('dd', { id }, v))))
  // The newest event by its own timestamp: rows of an earlier page can arrive after this page's first event.
  const last = [...rows.values()].filter((r) => r.env?.context).reduce((a, r) => (!a || Date.parse(r.env.timestamp) >= Date.parse(a.env.timestamp) ? r : a), undefined)
  const c = last?.env.context.campaign || {}
  el.session.replaceChildren(
    ...(last
      ? [h('span', {}, 'Session '), h('code', {}, String(last.env.context.sessionId).slice(0, 8)), h('span', {}, ' · campaign '),
         h('code', { id: 'qa-campaign' }, c.source ? `${c.source} / ${c.medium || '—'} / ${c.name || '—'}` : 'none (direct)')]
      : ['No event yet']),
  )
  el.errors.replaceChildren(...stats.errors.map((e) => h('li', {}, `${new Date(e.at).toLocaleTimeString()} ${e.message}`)))
}

const summary = (e) => {
  if (!e) return 'recorded before this page load'
  const p = e.properties || {}
  if (e.type === 'page') return p.path + (p.search || '')
  return ['product_id', 'method', 'provider', 'metric', 'engaged_ms', 'reason']
    .filter((k) => p[k] !== undefined).map((k) => `${k}=${p[k]}`).join(' ') || Object.keys(p).slice(0, 3).join(', ')
}

const STATUS_TEXT = { tracked: 'tracked', queued: 'queued', sent: 'sent', acked: 'acknowledged', dropped: 'dropped' }

const renderRow = (r) => {
  const reached = r.status === 'dropped' ? 2 : STEPS.indexOf(r.status)
  const li = h('li', { class: `qa-event s-${r.status}` + (r.error && r.status === 'sent' ? ' retrying' : ''), 'data-id': r.id, 'data-name': r.name, 'data-status': r.status, 'data-traffic': r.traffic || '' },
    h('button', { type: 'button', class: 'qa-event-head', 'aria-expanded': String(expanded.has(r.id)) },
      h('time', {}, new Date(r.at).toLocaleTimeString()),
      h('span', { class: 'qa-name' }, r.name),
      h('span', { class: 'qa-sum' }, summary(r.env)),
      h('span', { class: 'qa-steps', 'aria-label': STATUS_TEXT[r.status] },
        STEPS.map((s, i) => h('i', { class: i <= reached ? 'done' : '', title: s })),
        h('b', {}, r.status === 'dropped' ? `dropped: ${r.reason}` : r.error ? `retrying (${r.error})` : STATUS_TEXT[r.status] + (r.sends > 1 ? ` ×${r.sends}` : '')),
        r.traffic ? h('span', { class: `qa-traffic t-${r.traffic}`, title: 'traffic class set by the collector' }, r.traffic) : null)),
  )
  li.firstChild.addEventListener('click', () => {
    expanded.has(r.id) ? expanded.delete(r.id) : expanded.add(r.id)
    renderList()
  })
  if (expanded.has(r.id)) li.append(h('pre', { class: 'qa-json' }, r.env ? JSON.stringify(r.env, null, 2) : `{ "messageId": "${r.id}" }`))
  return li
}

const renderList = () => {
  const names = [...new Set([...rows.values()].map((r) => r.name))].sort()
  const options = [h('option', { value: '' }, `All events (${rows.size})`), ...names.map((n) => h('option', { value: n }, n))]
  if (el.filter.options.length !== options.length || [...el.filter.options].some((o, i) => o.value !== options[i].value)) {
    el.filter.replaceChildren(...options)
    el.filter.value = filter
  }
  const shown = [...rows.values()].filter((r) => !filter || r.name === filter).reverse()
  el.list.replaceChildren(...(shown.length ? shown.map(renderRow) : [h('li', { class: 'qa-empty' }, 'Nothing yet: browse the shop.')]))
}

const pct = (x) => (x == null ? '—' : `${Math.round(x * 100)}%`)
const renderKpi = () => {
  if (!kpi) return
  const cols = ['Sessions', 'Users', 'Views', 'Engaged', 'Cart', 'Inquiry', 'Chat', 'Avg s']
  const line = (label, m, cls) =>
    h('tr', { class: cls, 'data-kpi': label },
      h('th', { scope: 'row' }, label),
      [m.sessions, m.users, m.pageViews, pct(m.engagementRate), pct(m.addToCartRate), pct(m.inquiryRate), pct(m.chatOpenRate), Math.round((m.avgEngagedMs || 0) / 1000)].map((v) => h('td', {}, v)))
  const body = [line('All traffic', kpi.overall, 'total')]
  for (const [k, m] of Object.entries(kpi.byChannel || {})) body.push(line(k, m, 'channel'))
  for (const [k, m] of Object.entries(kpi.byCampaign || {})) body.push(line(`↳ ${k}`, m, 'campaign'))
  el.kpi.replaceChildren(h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, ''), cols.map((c) => h('th', { scope: 'col' }, c)))), h('tbody', {}, body)))
  // The report counts people; what it left out, per class, is said under the table.
  const left = Object.entries(kpi.filtered || {}).filter(([, n]) => n > 0)
  const n = left.reduce((sum, [, k]) => sum + k, 0)
  el.left.textContent = allTraffic
    ? 'Every session counted, crawlers and automation included.'
    : `${n} session${n === 1 ? '' : 's'} from crawlers and automation left out` + (n ? ` (${left.map(([k, v]) => `${k} ${v}`).join(', ')})` : '')
}

let frame = 0
let saveTimer = 0
function changed() {
  frame ||= requestAnimationFrame(() => {
    frame = 0
    while (rows.size > MAX_ROWS) rows.delete(rows.keys().next().value)
    renderCounters()
    renderList()
  })
  saveTimer ||= setTimeout(() => {
    saveTimer = 0
    try {
      sessionStorage.setItem(LOG_KEY, JSON.stringify([...rows.values()]))
    } catch {}
  }, 200)
}

renderControls()
changed()
fetch('/demo/fault').then((r) => r.json()).then((j) => ((fault = j.mode), renderControls()), () => {})
pollQueue()
pollEvents()
pollKpi()
setInterval(pollQueue, 500)
setInterval(pollEvents, 1500)
setInterval(pollKpi, 3000)
