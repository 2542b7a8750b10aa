import type { Ctx } from '../tracker'

/** Called with the request body as sent (or its text), the parsed 2xx reply, and when the request left. */
export type Seen = (body: unknown, reply: any, at: number) => void

/**
 * Watches the page's POSTs to URLs matching `url`, by `fetch` and `XMLHttpRequest`, and hands
 * each 2xx JSON reply to `seen`. Invisible to the page: the same promise and response object
 * come back, with the same errors and timing (the original is called with the page's `this` and
 * arguments, synchronously); only a clone of a matching 2xx response is read, so the page still
 * streams its own body. footfall's own requests go through the fetch it took before this ran.
 * Only a shop where a platform was found gets here.
 */
export function intercept(t: Ctx, url: RegExp, watch: Seen): void {
  const fail = (e: unknown) => t.warn('platform cart reply unreadable: ' + e, 'invalid')
  const seen: Seen = (b, j, at) => {
    try {
      watch(b, j, at)
    } catch (e) {
      fail(e)
    }
  }
  const matches = (method: unknown, u: unknown) => /^post$/i.test('' + method) && url.test(decodeURIComponent(new URL('' + u, location.href).href))
  const w = window as any
  const f = w.fetch
  if (typeof f == 'function')
    w.fetch = function (this: unknown, input: any, init?: RequestInit) {
      let body: unknown
      let hit = false
      const at = Date.now()
      try {
        const req = input instanceof Request ? input : undefined
        if ((hit = matches(init?.method || req?.method, req ? req.url : input)))
          body = init && init.body != null ? init.body : req?.clone().text()
      } catch {}
      const p = f.apply(this, arguments)
      // The rejection handler keeps this branch quiet: the page's own handlers see the error as before.
      if (hit)
        p.then(
          (r: Response) => r.status > 199 && r.status < 300 && r.clone().json().then((j) => Promise.resolve(body).then((b) => seen(b, j, at)), fail),
          () => {},
        )
      return p
    }
  const X = XMLHttpRequest.prototype
  const open = X.open
  const send = X.send
  const hits = new WeakMap<XMLHttpRequest, boolean>()
  X.open = function (this: XMLHttpRequest, method: string, u: string | URL) {
    try {
      hits.set(this, matches(method, u))
    } catch {}
    return open.apply(this, arguments as any)
  }
  X.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
    if (hits.get(this)) {
      const at = Date.now()
      // loadend also ends an aborted request, so the listener never lingers into a reuse of the object.
      this.addEventListener(
        'loadend',
        () => {
          if (this.status < 200 || this.status > 299) return
          try {
            seen(body, this.responseType == 'json' ? this.response : JSON.parse(this.responseText), at)
          } catch (e) {
            fail(e)
          }
        },
        { once: true },
      )
    }
    return send.apply(this, arguments as any)
  }
}

/**
 * The lines a cart request asked for: `[{id, quantity}]` from JSON (`{id}` or `{items: [...]}`),
 * FormData or url-encoded bodies (`id=1&quantity=2`, `items[0][id]=1`). Only id and quantity
 * fields are read.
 */
export function requested(body: unknown): { id?: unknown; quantity?: unknown }[] {
  try {
    if (typeof body == 'string' && /^\s*[{[]/.test(body)) body = JSON.parse(body)
    else if (typeof body == 'string') body = new URLSearchParams(body)
    if (body instanceof FormData || body instanceof URLSearchParams) {
      const out: Record<string, Record<string, unknown>> = {}
      for (const [k, v] of body as URLSearchParams) {
        const m = /^(?:items\[(\d*)\]\[)?(id|quantity)\]?$/.exec(k)
        if (m) (out[m[1] || '0'] ||= {})[m[2]] = v
      }
      return Object.values(out)
    }
    // Other bodies (Blob, ArrayBuffer, a stream) are not read.
    const o = body as any
    const list: unknown[] = Array.isArray(o?.items) ? o.items : o?.constructor == Object ? [o] : []
    return list.filter((x) => x && typeof x == 'object') as { id?: unknown; quantity?: unknown }[]
  } catch {
    return []
  }
}
