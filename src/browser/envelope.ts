import { redact } from './lib/redact'
import type { PageContext } from '../shared/types'

// What an event's envelope takes from the page and the library; record() in tracker.ts builds the
// envelope itself (one object literal where the tracker's state is at hand).

// Read once: Intl is slow to resolve and neither changes while the page lives.
export const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone

/** The page as it is now, every URL redacted. `referrer` is the previous SPA route, if any. */
export function pageContext(referrer = document.referrer): PageContext {
  // (The page's own URL always parses, so redact() never answers "" here.)
  const url = redact(location.href)
  const u = new URL(url)
  return {
    url,
    // From the redacted URL: an e-mail address can sit in the path too (/users/jane@doe.com).
    path: u.pathname,
    search: u.search,
    referrer: redact(referrer),
    title: document.title,
  }
}

/** `context.library` of every event. */
export const library = { name: 'footfall', version: '__VERSION__' } as const
