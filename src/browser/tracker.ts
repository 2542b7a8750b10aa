import { library, pageContext, timezone } from './envelope'
import { normalize } from './events'
import { createEmitter } from './lib/emitter'
import { stringify } from './lib/json'
import { onHidden } from './lib/onHidden'
import { createKV } from './lib/storage'
import { uuid } from './lib/uuid'
import { live } from './live'
import { consentFor, STATES } from './consent'
import type { Loader } from './lib/lazy'
import type { ConsentState, Options } from './options'
import { createQueue, MAX_EVENTS } from './queue'
import { isPlainObject, sanitize, snapshot } from './sanitize'
import { campaignOf, createSessions } from './session'
import type { Campaign, Envelope, PageContext, Props } from '../shared/types'


const CONSENT_KEY = 'ff_consent'
/** Events the visitor did not cause. */
const PASSIVE = /^(engagement|web_vitals|footfall_dropped)$/

type Fields = Pick<Envelope, 'type'> & Partial<Envelope>

export type Tracker = ReturnType<typeof createTracker>

/**
 * Everything an autocapture module or a part may use: the public API (`on` also hears the internal
 * `hidden` and `pageend`), the options, warnings and the part loader.
 */
export type Ctx = Tracker & {
  options: Options
  warn(message: string, reason?: string): void
  /** Adds an optional part (see lib/lazy.ts). */
  load(name: string): Promise<void>
}

/**
 * One tracker: the public API over the queue, sessions and consent. Public functions
 * never throw into the host page: bad input is refused with one console.warn and an `error` event.
 */
export function createTracker(options: Options, replay: ((t: Tracker) => void) | undefined, loader: Loader) {
  const o = options
  const { on, emit } = createEmitter(o.debug)
  const kv = createKV(o.persistence)
  const sessions = createSessions(kv)
  let state: ConsentState = 'pending'
  /** Events recorded while consent is pending: memory only. */
  let held: Envelope[] = []
  let anonymousId: string | undefined
  let userId = kv.read('ff_uid')
  let page: PageContext | undefined
  /** The campaign of the latest page view, applied to the session by the next event. */
  let landing: Campaign | undefined = campaignOf(location.search)

  const warn = (message: string, reason?: string) => {
    console.warn('[footfall] ' + message)
    emit('error', { message })
    if (reason) dropped(1, reason)
  }

  /**
   * Drop counts live in storage until they can be sent as footfall_dropped. (Nothing stored:
   * JSON.parse(null) is null, JSON.parse(undefined) throws.)
   */
  const drops = (v?: Record<string, number>): Record<string, number> => {
    if (v) kv.write('ff_drops', stringify(v))
    try {
      return v || JSON.parse(kv.read('ff_drops')!) || {}
    } catch {
      return {}
    }
  }
  /** Counts `count` events given up for `reason`; `ids`, when the events had any, go to `drop` listeners. */
  const dropped = (count: number, reason: string, ids?: string[]) => {
    if (ids) emit('drop', { ids, reason })
    const d = drops()
    d[reason] = (d[reason] || 0) + count
    drops(d)
    queue.soon()
  }

  const queue = createQueue({
    endpoint: o.endpoint!,
    writeKey: o.site,
    emit,
    dropped,
    warn,
    /** The counts waiting to be reported, taken out of storage and tracked as footfall_dropped events. */
    report() {
      const d = drops()
      drops({})
      for (const reason of Object.keys(d)) api.track('footfall_dropped', { count: d[reason], reason })
    },
  })

  /**
   * track() calls not yet made into events: the props copied, the time taken. Building the
   * envelope waits for a task of its own, so a click handler pays only for the copy; every other
   * entry point (page, identify, consent, flush, the page hiding) drains them first, so the order
   * of events and the page, user and consent each one belongs to stay as they were called.
   */
  let pending: unknown[] = [] // name, props, time: flat, so that a call allocates nothing more
  const drain = () => {
    // A `track` listener may call track() while this runs: its events are drained here too (a
    // listener that tracks on every event cannot keep it here forever: the rest waits a task).
    for (let round = 0; pending.length && round < 10; round++) {
      const p = pending
      pending = []
      for (let i = 0; i < p.length; i += 3) {
        const name = p[i] as string
        try {
          const props = sanitize(p[i + 1]) as Props
          record({ type: 'track', event: name, properties: normalize(name, props) }, p[i + 2] as number)
        } catch (e) {
          warn('internal error ' + e)
        }
      }
    }
    if (pending.length) setTimeout(drain)
  }

  /**
   * Makes an event of `fields` at time `t`: a Segment-spec message with footfall's context.
   * `messageId` is fixed here for good: retries reuse it. The session's campaign and landing
   * referrer ride on every event of the session (Segment's context.campaign and context.referrer).
   * A field left undefined (no landing referrer, no user id, no automation) is not serialised. An
   * event over 32 KB is refused once, where it is serialised for the store (queue.ts), not here as well.
   */
  function record(fields: Fields, t = Date.now()) {
    if (state == 'denied' || !o.endpoint) return
    // Only what the visitor does extends or starts a session.
    const { session, start } = sessions.touch(landing, PASSIVE.test(fields.event!), t)
    landing = undefined
    if (!anonymousId) kv.write('ff_aid', (anonymousId = kv.read('ff_aid') || uuid()))
    // Before the first page view (calls replayed at start-up) the page is read, not kept:
    // that page view still gets document.referrer and ends no earlier one.
    const e: Envelope = {
      ...fields,
      messageId: uuid(),
      timestamp: new Date(t).toISOString(),
      anonymousId,
      context: {
        library,
        page: page || pageContext(),
        campaign: session.c,
        sessionId: session.id,
        sessionStart: start,
        locale: navigator.language,
        timezone,
        screen: { width: screen.width, height: screen.height },
        // A browser driven by automation: WebDriver (Selenium, Playwright, Puppeteer) sets
        // navigator.webdriver, Cypress leaves window.Cypress. Still sent, flagged for the collector
        // to class. Otherwise undefined: people's events carry nothing. (A trick for bytes: `x &&
        // true` is true or nothing. Headless and PhantomJS user agents are the collector's to read,
        // from the request.)
        automation: ((navigator.webdriver || (window as { Cypress?: unknown }).Cypress) && true) as true | undefined,
        referrer: session.r ? { url: session.r } : undefined,
      },
      userId: userId || undefined,
    }
    emit('track', e)
    if (state == 'granted') queue.add(e)
    else if (held.push(e) > MAX_EVENTS) dropped(1, 'queue_full', [held.shift()!.messageId])
  }

  /** A copy of `p` fit to send; undefined (and a warning naming the call) when it is not a plain object. */
  const props = (p: unknown, fn: string, copy: (p: Props) => unknown = sanitize): Props | undefined => {
    if (p == null) return {}
    if (isPlainObject(p)) return copy(p) as Props
    warn(fn + '(): bad props', 'invalid')
  }

  const setConsent = (s: ConsentState) => {
    drain()
    state = s
    const granted = s == 'granted'
    kv.enable(granted)
    queue.enable(granted && !!o.endpoint)
    if (granted) held.forEach(queue.add)
    if (s == 'denied') {
      anonymousId = undefined
      userId = null
      kv.reset()
      sessions.reset()
      queue.reset()
    }
    if (s != 'pending') held = []
  }

  /**
   * Wraps a public function so that nothing it does can throw into the host page. Two parameters,
   * as many as any of them takes, rather than rest arguments: track() then allocates nothing here.
   */
  const safe = <F extends (a?: any, b?: any) => any>(f: F) =>
    ((a?: unknown, b?: unknown) => {
      try {
        return f(a, b)
      } catch (e) {
        warn('internal error ' + e)
      }
    }) as (...a: Parameters<F>) => ReturnType<F> | undefined

  const api = {
    /** Records a custom or well-known event: `track('add_to_cart', { product_id: 'sku-1', price: 19.99 })`. */
    // The hot path: it copies the props and defers the rest (see `pending`).
    track: safe((name: string, properties?: Props): void => {
      if (typeof name != 'string' || !name || name.length > 128)
        return warn('track(): bad name', 'invalid')
      const p = props(properties, 'track', snapshot)
      if (p && pending.push(name, p, Date.now()) == 3) setTimeout(drain)
    }),

    /** Records a page view of the current URL; the previous page view ends here. */
    page: safe((properties?: Props): void => {
      drain()
      const p = props(properties, 'page')
      if (!p) return
      // The page view that ends reports its engagement: recorded now, while it is still the page.
      if (page) emit('pageend', page), drain()
      page = pageContext(page?.url)
      landing = campaignOf(location.search)
      record({ type: 'page', properties: { ...page, ...p } })
    }),

    /** Ties this visitor's events from now on to a known user id. */
    identify: safe((id: string, traits?: Props): void => {
      if (typeof id == 'number') id = '' + id
      if (typeof id != 'string' || !id || id.length > 256) return warn('identify(): bad id', 'invalid')
      drain()
      const t = props(traits, 'identify')
      if (!t) return
      if (state != 'denied') kv.write('ff_uid', (userId = id))
      record({ type: 'identify', traits: t })
    }),

    /** Sets the consent state: `granted`, `pending` or `denied`. */
    consent: safe((s: ConsentState): void => {
      if (!STATES.includes(s)) return warn('consent(): bad state')
      setConsent(consentFor(o, s))
      // Consent is the visitor's, not the tab's: the other tabs hear of it through a storage
      // event. The key is removed at once, so nothing stays behind.
      try {
        localStorage.setItem(CONSENT_KEY, s)
        localStorage.removeItem(CONSENT_KEY)
      } catch {}
    }),

    /** Sends what is queued now; resolves when it is acknowledged or this attempt failed. Never rejects. */
    // Asked for: now, whatever backoff is under way. drain() catches what each event may throw,
    // and a flush is a promise that never rejects.
    flush: (): Promise<void> => (drain(), queue.flush(true)),

    /** Subscribes to `track`, `send`, `ack`, `drop` or `error`; returns the unsubscribe function. */
    on: safe((type: string, cb: (data: any) => void): (() => void) =>
      typeof cb == 'function' ? on(type, cb) : (warn('on(): not a function'), () => {}),
    ),
  }

  if (!o.endpoint) console.error('[footfall] no data-endpoint')
  setConsent(consentFor(o, o.consent))
  addEventListener('storage', (e) => {
    if (e.key == CONSENT_KEY && STATES.includes(e.newValue as ConsentState)) setConsent(consentFor(o, e.newValue as ConsentState))
  })
  // Calls made before the tracker existed (stub queue, calls before init()) go first, so that their
  // consent, identify and on() apply to the landing page view too.
  replay?.(api)

  const ctx: Ctx = { ...api, options: o, warn, load: (name) => loader(ctx, name) }
  onHidden(() => {
    emit('hidden')
    drain()
    queue.unload()
  })
  // Sending from the store, SPA routes, engagement, clicks, chat; then the landing page view.
  live(ctx)
  api.page()

  return api
}
