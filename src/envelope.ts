import { redact } from './lib/redact'
import { uuid } from './lib/uuid'
import type { Session } from './session'
import type { Envelope, PageContext } from './types'

// Read once: Intl is slow to resolve and neither changes while the page lives.
const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone

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

const library = { name: 'footfall', version: '__VERSION__' } as const

/**
 * A Segment-spec message with footfall's context. `messageId` is fixed here for good: retries
 * reuse it. The session's campaign and landing referrer ride on every event of the session
 * (Segment's context.campaign and context.referrer). A field left undefined (no landing referrer, no
 * user id, no automation) is not serialised.
 */
export function envelope(
  fields: Pick<Envelope, 'type'> & Partial<Envelope>,
  t: number,
  anonymousId: string,
  userId: string | null | undefined,
  session: Session,
  sessionStart: boolean,
  page: PageContext,
): Envelope {
  return {
    ...fields,
    messageId: uuid(),
    timestamp: new Date(t).toISOString(),
    anonymousId,
    context: {
      library,
      page,
      campaign: session.c,
      sessionId: session.id,
      sessionStart,
      locale: navigator.language,
      timezone,
      screen: { width: screen.width, height: screen.height },
      // A browser driven by automation: WebDriver (Selenium, Playwright, Puppeteer) sets
      // navigator.webdriver, Cypress leaves window.Cypress. Still sent, flagged for the collector
      // to class. Otherwise undefined, which is not serialised: people's events carry nothing.
      // (A trick for bytes: `x && true` is true or nothing. Headless and PhantomJS user agents
      // are the collector's to read, from the request.)
      automation: ((navigator.webdriver || (window as { Cypress?: unknown }).Cypress) && true) as true | undefined,
      referrer: session.r ? { url: session.r } : undefined,
    },
    userId: userId || undefined,
  }
}
