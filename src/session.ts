import type { Campaign } from './types'
import type { KV } from './lib/storage'
import { stringify } from './lib/json'
import { uuid } from './lib/uuid'

/** A session ends after 30 minutes without events (GA4 and Segment use the same). */
export const SESSION_MS = 30 * 60e3
const CLICK_IDS = ['gclid', 'fbclid', 'msclkid', 'ttclid', 'dclid', 'gbraid', 'wbraid', 'li_fat_id', 'twclid']

export interface Session {
  id: string
  /** Last event time (ms). */
  t: number
  c: Campaign
}

/** The campaign a URL carries: its `utm_*` values and ad click ids. Empty when it carries none. */
export function campaignOf(search: string): Campaign {
  const q = new URLSearchParams(search)
  const c: Campaign = {}
  for (const [k, v] of q) {
    if (!v) continue
    if (k.startsWith('utm_')) c[k == 'utm_campaign' ? 'name' : k.slice(4)] = v
    else if (CLICK_IDS.includes(k)) c[k] = v
  }
  return c
}

const same = (a: Campaign, b: Campaign) => stringify(a) == stringify(b)

/**
 * Sessions shared by every tab through storage. `touch` is on the hot path of track(): within a
 * second of the previous event it answers from memory and skips the storage round-trip.
 */
export function createSessions(kv: KV, now = () => Date.now()) {
  let s: Session | undefined
  let w = 0 // when storage was last read and written
  return {
    /** The session for an event at `now()`; a non-empty `landing` campaign different from the current one starts a new session. */
    touch(landing?: Campaign): { session: Session; start: boolean } {
      const t = now()
      let start = false
      if (!s || t - w > 1e3 || landing) {
        w = t
        try {
          s = JSON.parse(kv.get('ff_session') || 'null') || undefined
        } catch {
          s = undefined
        }
        const fresh = landing && Object.keys(landing).length > 0
        start = !s || t - s.t > SESSION_MS || (!!fresh && !same(s.c, landing!))
        if (start) s = { id: uuid(), t, c: fresh ? landing! : {} }
        s!.t = t
        kv.set('ff_session', stringify(s))
      }
      s!.t = t
      return { session: s!, start }
    },
    clear() {
      s = undefined
      w = 0
    },
  }
}
