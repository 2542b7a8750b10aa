import { backoff } from '../../shared/backoff'
import { body, chunk } from '../batch'
import { normalize } from '../events'
import { stringify, tooBig } from '../lib/json'
import { redact } from '../lib/redact'
import { uuid } from '../lib/uuid'
import { addToCart, num, str } from '../platform/cart'
import { MAX_EVENT_BYTES } from '../queue'
import { sanitize } from '../sanitize'
import { campaignOf, createSessions } from '../session'
import type { Entry } from '../store'
import { post } from '../transport'
import type { Envelope, Props } from '../../shared/types'

/** What Shopify gives a custom pixel (Settings → Customer events): the Web Pixels standard API. */
export interface PixelApi {
  analytics: { subscribe(name: string, cb: (event: any) => void): unknown }
  browser: {
    localStorage: {
      getItem(key: string): Promise<string | null>
      setItem(key: string, value: string): Promise<void>
      removeItem(key: string): Promise<void>
      key(index: number): Promise<string | null>
      length(): Promise<number>
    }
  }
  init?: { context?: any }
}

export interface PixelConfig {
  endpoint: string
  site?: string
  /** false when the theme script runs too: it records page views on the storefront already. */
  pageViews?: boolean
  /** false when the theme script runs too and counts add-to-cart (data-platform, markup). */
  addToCart?: boolean
}

/** Events held in memory at most; beyond, the oldest go and are reported as footfall_dropped. */
export const PIXEL_MAX = 500
const RESCUE = 'ff_rescue_'
const library = { name: 'footfall', version: '__VERSION__' } as const

/**
 * footfall inside Shopify's customer-events sandbox, where there is no page DOM and no IndexedDB:
 * Shopify's standard events become footfall events, with the page, referrer and campaign taken
 * from each event's `context`. Ids (`ff_aid`, `ff_session`) live in the shop's localStorage
 * through the sandbox's asynchronous `browser.localStorage`, under the keys the theme script uses,
 * so both share one visitor and session. Events wait in a bounded memory queue and leave with
 * keepalive; what is not yet acknowledged is mirrored to a rescue key there, and sent by the next
 * page's pixel or theme script. Consent is Shopify's: the pixel runs only when its privacy
 * settings allow.
 */
export function shopifyPixel(cfg: PixelConfig, { analytics, browser, init }: PixelApi): void {
  const endpoint = cfg?.endpoint
  if (!endpoint || !analytics?.subscribe) return console.error('[footfall] pixel: set the collector URL (endpoint) at the top of the pixel')
  const ls = browser.localStorage
  const rescueKey = RESCUE + Date.now() + Math.random()
  const get = (k: string) => Promise.resolve().then(() => ls.getItem(k)).catch(() => null)
  const set = (k: string, v?: string | null) => Promise.resolve().then(() => (v ? ls.setItem(k, v) : ls.removeItem(k))).catch(() => {})

  let queue: Entry[] = []
  let full = 0
  let seq = 0
  let attempt = 0
  let sending = false
  let timer: ReturnType<typeof setTimeout> | undefined
  /** The last page context seen: DOM events (form_submitted) carry none. */
  let last = init?.context
  /** Every event is handled in order, one at a time: ids are read and written asynchronously. */
  let chain: Promise<unknown> = Promise.resolve()

  const warn = (message: string, reason?: string) => {
    console.warn('[footfall] ' + message)
    if (reason) track('footfall_dropped', { count: 1, reason })
  }
  const save = () => set(rescueKey, queue.length ? stringify(queue) : null)

  const record = async (fields: Pick<Envelope, 'type'> & Partial<Envelope>, ev: any = {}) => {
    const c = ev.context || last || {}
    last = c
    const href = redact(str(c.document?.location?.href ?? c.window?.location?.href, 8e3) || '')
    const u = href ? new URL(href) : undefined
    const t = Date.parse(ev.timestamp) || Date.now()
    // The theme script's keys, read now: it may have started a session since the last event.
    const mem: Record<string, string | null> = { ff_aid: await get('ff_aid'), ff_session: await get('ff_session') }
    const kv = { read: (k: string) => mem[k] ?? null, write: (k: string, v: string) => void (mem[k] = v), enable() {}, reset() {} }
    const { session, start } = createSessions(kv, () => t).touch(fields.type == 'page' && u ? campaignOf(u.search) : undefined, false, t)
    if (start) {
      // The landing referrer when it is another site (the sandbox has no document to read it from).
      const ref = str(c.document?.referrer, 8e3) || ''
      try {
        session.r = new URL(ref).host != u?.host ? redact(ref) : ''
      } catch {
        session.r = ''
      }
      kv.write('ff_session', stringify(session))
    }
    const anonymousId = mem.ff_aid || uuid()
    await set('ff_aid', anonymousId)
    await set('ff_session', mem.ff_session)
    const page = { url: href, path: u?.pathname || '', search: u?.search || '', referrer: redact(str(c.document?.referrer, 8e3) || ''), title: str(c.document?.title, 1e3) || '' }
    const scr = c.window?.screen || {}
    const e: Envelope = {
      ...fields,
      messageId: uuid(),
      timestamp: new Date(t).toISOString(),
      anonymousId,
      context: {
        library,
        page,
        campaign: session.c,
        sessionId: session.id,
        sessionStart: start,
        locale: str(c.navigator?.language, 35),
        timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        screen: { width: num(scr.width) || 0, height: num(scr.height) || 0 },
      },
    }
    if (session.r) e.context.referrer = { url: session.r }
    if (e.type == 'page') e.properties = { ...page, ...e.properties }
    const json = stringify(e)
    if (tooBig(json, MAX_EVENT_BYTES)) return warn(`event "${e.event || e.type}" is larger than 32 KB; refused`, 'too_large')
    queue.push([e.timestamp + (1e9 + ++seq) + e.messageId, json])
    if (queue.length > PIXEL_MAX) queue.shift(), full++
    await save()
    send()
  }

  /** Queues `fn` after every event before it; a failure is a console warning, never an exception in the sandbox. */
  const then = (fn: () => unknown) => (chain = chain.then(fn).catch((e) => console.warn('[footfall] pixel: ' + e)))

  function track(name: string, props: Props, ev?: any): void {
    then(() => record({ type: 'track', event: name, properties: normalize(name, sanitize(props) as Props) }, ev))
  }

  /** Sends one list of entries; 4xx other than 408/429 is bisected so only refused events are dropped. */
  const deliver = async (list: Entry[]): Promise<boolean> => {
    for (const c of chunk(list)) {
      const r = await post(endpoint, body(c, cfg.site), true)
      const s = r.status
      if (s > 199 && s < 300) {
        const sent = new Set(c.entries.map((e) => e[0]))
        queue = queue.filter((e) => !sent.has(e[0]))
        attempt = 0
      } else if (s < 400 || s == 408 || s == 429 || s > 499) {
        timer = setTimeout(() => ((timer = undefined), send()), backoff(++attempt, r.retryAfter))
        return false
      } else if (c.entries.length > 1) {
        const h = c.entries.length >> 1
        if (!(await deliver(c.entries.slice(0, h))) || !(await deliver(c.entries.slice(h)))) return false
      } else {
        queue = queue.filter((e) => e != c.entries[0])
        // A refused drop report is not reported again.
        if (!c.entries[0][1].includes('"event":"footfall_dropped"')) warn('the collector refused an event (' + s + ')', 'rejected')
      }
    }
    return true
  }

  async function send() {
    if (sending || timer || !queue.length) return
    sending = true
    try {
      if ((await deliver(queue.slice())) && full) track('footfall_dropped', { count: full, reason: 'queue_full' }), (full = 0)
      await save()
    } finally {
      sending = false
    }
    if (queue.length && !timer) send()
  }

  // What earlier pages (this pixel or the theme script) could not deliver goes first.
  then(async () => {
    const keys: string[] = []
    for (let i = 0, n = (await ls.length()) || 0; i < n; i++) {
      const k = await ls.key(i)
      if (k?.startsWith(RESCUE)) keys.push(k)
    }
    for (const k of keys) {
      const v = await get(k)
      await set(k)
      try {
        for (const e of JSON.parse(v || '[]')) if (Array.isArray(e) && typeof e[0] == 'string' && typeof e[1] == 'string') queue.push(e as Entry)
      } catch {}
    }
    queue.sort((a, b) => (a[0] < b[0] ? -1 : 1))
    await save()
    send()
  })

  const on = (name: string, f: (ev: any) => void) =>
    analytics.subscribe(name, (ev: any) => {
      try {
        f(ev && typeof ev == 'object' ? ev : {})
      } catch (e) {
        console.warn('[footfall] pixel: ' + e)
      }
    })

  // With the theme script running too, storefront page views are its own; checkout pages, where no
  // theme script runs, still count.
  on('page_viewed', (ev) => (cfg.pageViews !== false || /\/checkouts?\//.test(ev.context?.document?.location?.pathname)) && then(() => record({ type: 'page', properties: {} }, ev)))
  on('product_added_to_cart', (ev) => {
    if (cfg.addToCart === false) return
    const line = ev.data?.cartLine
    const m = line?.merchandise
    // A track() bound to this event, so the add carries the page it happened on.
    addToCart(
      { track: (name, props) => track(name, props || {}, ev), warn },
      {
        product_id: m?.product?.id,
        variant_id: m?.id,
        name: m?.product?.title,
        variant: m?.title,
        sku: m?.sku,
        category: m?.product?.type,
        price: m?.price?.amount,
        currency: m?.price?.currencyCode ?? line?.cost?.totalAmount?.currencyCode,
        quantity: line?.quantity,
      },
    )
  })
  // Shopify's contact and newsletter forms post to /contact. Only the form's id and action are
  // read: form_submitted also carries every field's value, which footfall never sends.
  on('form_submitted', (ev) => {
    const el = ev.data?.element
    let path = ''
    try {
      path = new URL(str(el?.action, 2e3) || '', 'https://x').pathname
    } catch {}
    if (/(^|\/)contact$/.test(path)) track('inquiry', { method: 'form', form_id: str(el?.id, 128), target: path }, ev)
  })
  // Sales closure is context, not a marketing commitment: reported, classed `outside` by the KPIs.
  const checkout = (name: string) => (ev: any) => {
    const c = ev.data?.checkout
    track(
      name,
      {
        value: num(c?.totalPrice?.amount),
        currency: str(c?.totalPrice?.currencyCode ?? c?.currencyCode, 3),
        order_id: name == 'purchase' ? str(c?.order?.id, 128) : undefined,
        items: Array.isArray(c?.lineItems) ? c.lineItems.length : undefined,
      },
      ev,
    )
  }
  on('checkout_started', checkout('checkout_started'))
  on('checkout_completed', checkout('purchase'))
}
