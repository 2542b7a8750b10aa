import { SESSION_MS } from '../shared/session'
import type { Campaign } from '../shared/types'
import type { KV } from './lib/storage'
import { stringify } from './lib/json'
import { isSecret, redact } from './lib/redact'
import { uuid } from './lib/uuid'

export { SESSION_MS }

const CLICK_IDS = ['gclid', 'fbclid', 'msclkid', 'ttclid', 'dclid', 'gbraid', 'wbraid', 'li_fat_id', 'twclid', 'epik', 'rdt_cid', 'sccid']

export interface Session {
  id: string
  /** Last event time (ms). */
  t: number
  /** First-touch campaign: utm values and click ids of the URL that started the session. */
  c: Campaign
  /** Landing referrer: the other site that sent the visitor, redacted; "" for direct or internal. */
  r: string
}

/** The campaign a URL carries: its `utm_*` values and ad click ids. Empty when it carries none. */
export function campaignOf(search: string): Campaign {
  const c: Campaign = {}
  for (const [k, v] of new URLSearchParams(search)) {
    const name = k.startsWith('utm_') ? (k == 'utm_campaign' ? 'name' : k.slice(4)) : CLICK_IDS.includes(k) && k
    // An e-mail campaign may put the recipient's address in utm_content: never send it.
    if (v && name) c[name] = isSecret('', v) ? 'REDACTED' : v
  }
  return c
}

/** document.referrer (a URL, or "") when it is another site; navigation inside the site is not a source. */
const landingReferrer = (r = document.referrer): string => (r && new URL(r).host != location.host ? redact(r) : '')

/**
 * Sessions shared by every tab through storage. `touch` runs for every event: within a second
 * of the previous event it answers from memory and skips the storage round-trip.
 */
export function createSessions(kv: KV, now = Date.now) {
  let s: Session | undefined
  let w = 0 // when storage was last read and written
  return {
    /**
     * The session for an event at time `t`. A new one starts after 30 minutes without events, or
     * when `landing` (the campaign of the page being viewed) is non-empty and differs from the
     * session's: a new ad click or utm link is a new visit, while SPA routes without utm keep it.
     */
    touch(landing?: Campaign, passive?: boolean, t = now()): { session: Session; start: boolean } {
      let start = false
      // Events the visitor did not cause (engagement, vitals, drop reports) belong to the current
      // session: they neither extend it nor start a new one.
      if (passive && s) return { session: s, start }
      if (!s || t - w > 1e3 || landing) {
        w = t
        // (Nothing stored: JSON.parse(null) is null, JSON.parse(undefined) throws.)
        try {
          s = JSON.parse(kv.read('ff_session')!) || undefined
        } catch {
          s = undefined
        }
        const fresh = landing && Object.keys(landing).length > 0
        start = !s?.id || !(t - s.t <= SESSION_MS) || (!!fresh && stringify(s.c) != stringify(landing))
        if (start) s = { id: uuid(), t, c: fresh ? landing! : {}, r: landingReferrer() }
        s!.t = t
        kv.write('ff_session', stringify(s))
      }
      s!.t = t
      return { session: s!, start }
    },
    reset() {
      s = undefined
      w = 0
    },
  }
}
