import type { Persistence } from './lib/storage'

export type ConsentState = 'granted' | 'pending' | 'denied'
type OnOff = boolean | 'on' | 'off'

/** The options of `init()`: the script tag's data-* attributes, camelCased. */
export interface Options {
  /** Collector URL, absolute or relative. Required. */
  endpoint?: string | null
  /** Site id, sent as `writeKey`. */
  site?: string | null
  /** Log every event and delivery outcome to the console. */
  debug?: boolean
  /** Default `granted`. */
  consent?: ConsentState
  /** SPA route tracking; default `history`. */
  spa?: 'history' | 'hash' | 'off'
  /** Declarative, inquiry and chat capture; default on. */
  autocapture?: OnOff
  /** Core Web Vitals; default on. */
  vitals?: OnOff
  /** Where ids live; default `local`. */
  persistence?: Persistence
  /** Treat Do Not Track / Global Privacy Control as `denied`. */
  respectDnt?: boolean
  /** Turn GA4 dataLayer ecommerce and lead pushes into footfall events. */
  datalayer?: boolean
  /** Add-to-cart on Shopify and WooCommerce without markup; default `auto` (detected). */
  platform?: 'auto' | 'shopify' | 'woocommerce' | 'off'
  /** Where the script-tag build was loaded from, to find its lazy parts. */
  src?: string
}

export const isOn = (v: OnOff | undefined): boolean => v !== false && v !== 'off'
