import { parseRetryAfter } from '../shared/backoff'

// Taken once at load: a page that later replaces window.fetch cannot break delivery.
const nativeFetch = typeof fetch == 'function' ? /* @__PURE__ */ fetch.bind(globalThis) : undefined

export interface Reply {
  /** HTTP status; 0 for a network error, a timeout or an unreadable reply. */
  status: number
  /** Milliseconds asked for by `Retry-After`. */
  retryAfter?: number
  /** The body of a 2xx reply. */
  text?: string
  /** Went the sendBeacon way: queued by the browser (202, its reply never known) or refused (0, not sent). */
  beacon?: boolean
}

/**
 * POSTs one batch body and reads the reply. `text/plain` (a string body's default type) keeps it a
 * simple request, so no CORS preflight. `keepalive` lets the request outlive the page (the script
 * tag's last requests leave from queue.ts, which does not wait for replies). If fetch is unusable
 * (missing, replaced, or refused by a content blocker) sendBeacon takes over, and a queued beacon
 * counts as delivered since its reply can never be read. The fetch used is the one footfall found at load.
 */
export async function post(url: string, body: string, keepalive?: boolean): Promise<Reply> {
  try {
    const r = await nativeFetch!(url, { method: 'POST', body, keepalive, credentials: 'omit', signal: keepalive ? undefined : AbortSignal.timeout?.(60e3) })
    const s = r?.status
    if (typeof s != 'number') throw 0
    const text = s < 300 ? await r.text() : ''
    // A 2xx HTML page is a captive portal or a catch-all route, not a collector: acknowledging it would lose the batch.
    // (A short "ok" that a framework labels text/html is still an acknowledgement: only a page counts,
    // whatever its Content-Type says.)
    const html = /<(!doctype|html|head|body)/i.test(text)
    return { status: html ? 0 : s, retryAfter: parseRetryAfter(r.headers?.get('Retry-After')), text }
  } catch (e) {
    // A real network failure or timeout is retried later; anything else means fetch itself is broken.
    if (!keepalive && /^(TypeError|TimeoutError)$/.test((e as Error)?.name)) return { status: 0 }
    let queued = false
    try {
      queued = navigator.sendBeacon(url, body)
    } catch {}
    return { status: queued ? 202 : 0, beacon: true }
  }
}
