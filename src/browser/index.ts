import { createTracker, type Tracker } from './tracker'
import { load } from './parts'
import type { Options } from './options'
import type { Props } from '../shared/types'

export type { Options, ConsentState } from './options'
export type { Envelope, Batch, Context, Campaign, PageContext, Props } from '../shared/types'
export type { Tracker }

type Command = keyof Tracker

let tracker: Tracker | undefined
/** Calls made before init(): replayed in order once there is a tracker, none dropped. */
const early: [Command, unknown[], (r: unknown) => void][] = []

const call = <C extends Command>(cmd: C, args: unknown[]): Promise<unknown> | unknown => {
  if (tracker) return (tracker[cmd] as (...a: unknown[]) => unknown)(...args)
  return new Promise((resolve) => early.push([cmd, args, resolve]))
}

/**
 * Starts footfall with the options of the script tag's data-* attributes, camelCased. Returns the
 * tracker. Outside a browser (server-side rendering) it warns and returns undefined; calls keep
 * waiting for an init() in the browser.
 */
export function init(options: Options): Tracker {
  if (tracker) {
    console.warn('[footfall] init() was already called; the first tracker stays in use')
    return tracker
  }
  try {
    return createTracker(
      options || {},
      (t) => {
        tracker = t
        for (const [cmd, args, resolve] of early.splice(0)) resolve(call(cmd, args))
      },
      load,
    )
  } catch (e) {
    console.warn('[footfall] init() needs a browser: ' + e)
    return tracker!
  }
}

/** Records an event: `track('add_to_cart', { product_id: 'sku-1', price: 19.99, currency: 'USD' })`. */
export const track = (name: string, properties?: Props): void => void call('track', [name, properties])
/** Records a page view of the current URL (automatic on load and SPA route changes). */
export const page = (properties?: Props): void => void call('page', [properties])
/** Ties this visitor's events from now on to a user id. */
export const identify = (userId: string, traits?: Props): void => void call('identify', [userId, traits])
/** Sets consent: `granted`, `pending` or `denied`. */
export const consent = (state: 'granted' | 'pending' | 'denied'): void => void call('consent', [state])
/** Resolves when everything queued so far is acknowledged or has failed for this attempt. */
export const flush = (): Promise<void> => Promise.resolve(call('flush', [])).then(() => {})
/** Subscribes to `track`, `send`, `ack`, `drop` or `error`; returns the unsubscribe function. */
export const on = (type: 'track' | 'send' | 'ack' | 'drop' | 'error', cb: (data: any) => void): (() => void) => {
  const off = call('on', [type, cb]) as (() => void) | undefined | Promise<(() => void) | undefined>
  return () => void (off instanceof Promise ? off.then((f) => f?.()) : off?.())
}
