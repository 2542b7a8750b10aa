/**
 * Who is asking: an admin, a site token's holder, a logged-in browser, or a stranger who may
 * see only the public sites. Every path but ingest goes through `identify`; no address is
 * trusted by itself (behind a reverse proxy every request comes from loopback).
 */
import { createHash, randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { sameSecret, tokenBook } from './tokens'

/** What a request may read: every site, or the listed ones. */
export interface Grant {
  all: boolean
  sites: readonly string[]
  /** `public`: no credentials, only the collector's public sites. */
  via: 'admin' | 'token' | 'session' | 'public'
}

export type Identity = { ok: true; grant: Grant } | { ok: false; status: 401 | 429; retryAfter?: number }

export interface AuthOptions {
  dataDir: string
  /** Sees every site. */
  adminToken?: string
  /** Sites whose dashboard and reports anyone may read. */
  publicSites?: readonly string[]
  /** Take the client's address from `X-Forwarded-For` (its last hop) and https from `X-Forwarded-Proto`. */
  trustProxy?: boolean
  /** How long a login lasts. Default 12 hours. */
  sessionMs?: number
  /** Failed attempts a client may make at once, and one more every `failureRefillMs`. Default 10 and 60 s. */
  maxFailures?: number
  failureRefillMs?: number
  /** The clock (tests pin it). */
  now?: () => number
}

export const SESSION_COOKIE = 'footfall_session'
const MAX_CLIENTS = 10_000
const MAX_SESSIONS = 10_000

/**
 * The client's address: behind a proxy you trust, the last `X-Forwarded-For` hop, the address
 * that proxy saw (earlier hops came with the request, and its sender may have written them).
 */
export const clientAddress = (req: IncomingMessage, trustProxy: boolean | undefined): string => {
  const xff = trustProxy ? String(req.headers['x-forwarded-for'] ?? '').split(',').at(-1)!.trim() : ''
  return xff || req.socket.remoteAddress || 'unknown'
}

/** Whether the browser reached us over https (directly, or per the last `X-Forwarded-Proto`, set by a proxy you trust). */
export const isHttps = (req: IncomingMessage, trustProxy: boolean | undefined): boolean =>
  !!(req.socket as { encrypted?: boolean }).encrypted ||
  (!!trustProxy && String(req.headers['x-forwarded-proto'] ?? '').split(',').at(-1)!.trim().toLowerCase() === 'https')

const cookieOf = (req: IncomingMessage, name: string): string | undefined => {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

const bearerOf = (req: IncomingMessage): string | undefined => {
  const auth = req.headers.authorization
  return auth && /^Bearer /i.test(auth) ? auth.slice(7).trim() : undefined
}

const digest = (s: string) => createHash('sha256').update(s).digest('hex')

export const createAuth = (options: AuthOptions) => {
  const { sessionMs = 12 * 3_600_000, maxFailures = 10, failureRefillMs = 60_000, now = Date.now } = options
  const book = tokenBook(options.dataDir)
  const publicSites = [...new Set(options.publicSites ?? [])]
  /** Sessions by the SHA-256 of their cookie: who they are and until when. */
  const sessions = new Map<string, { token: string; site?: string; expires: number }>()
  /** Failed attempts per client, as a bucket that refills. */
  const failures = new Map<string, { left: number; at: number }>()

  const bucket = (client: string) => {
    const t = now()
    const b = failures.get(client) ?? { left: maxFailures, at: t }
    b.left = Math.min(maxFailures, b.left + (t - b.at) / failureRefillMs)
    b.at = t
    return b
  }
  /** Seconds this client must wait before its next attempt, or 0. */
  const locked = (client: string): number => {
    const b = bucket(client)
    return b.left >= 1 ? 0 : Math.max(1, Math.ceil(((1 - b.left) * failureRefillMs) / 1000))
  }
  const failed = (client: string) => {
    const b = bucket(client)
    b.left -= 1
    failures.delete(client)
    failures.set(client, b)
    if (failures.size > MAX_CLIENTS) failures.delete(failures.keys().next().value as string)
  }

  /** The grant of a token, or undefined for a token that opens nothing. */
  const grantOf = (token: string): { grant: Grant; id: string; site?: string } | undefined => {
    if (!token) return undefined
    if (options.adminToken && sameSecret(token, options.adminToken)) return { grant: { all: true, sites: [], via: 'admin' }, id: 'admin' }
    const found = book.find(token)
    return found && { grant: { all: false, sites: [found.site], via: 'token' }, id: found.id, site: found.site }
  }

  const sessionOf = (req: IncomingMessage): Grant | undefined => {
    const cookie = cookieOf(req, SESSION_COOKIE)
    if (!cookie) return undefined
    const key = digest(cookie)
    const s = sessions.get(key)
    if (!s) return undefined
    // A session ends when it expires, or when its token is revoked (or the admin token changes).
    const alive = s.expires > now() && (s.token === 'admin' ? !!options.adminToken : book.has(s.token))
    if (!alive) return void sessions.delete(key)
    return s.site === undefined ? { all: true, sites: [], via: 'session' } : { all: false, sites: [s.site], via: 'session' }
  }

  const publicGrant = (): Identity => (publicSites.length ? { ok: true, grant: { all: false, sites: publicSites, via: 'public' } } : { ok: false, status: 401 })

  return {
    publicSites,
    /** Who sent this request: a bearer token, else the session cookie, else the public sites (if any). */
    identify(req: IncomingMessage): Identity {
      const bearer = bearerOf(req)
      if (bearer !== undefined) {
        const client = clientAddress(req, options.trustProxy)
        const wait = locked(client)
        if (wait) return { ok: false, status: 429, retryAfter: wait }
        const found = grantOf(bearer)
        if (found) return { ok: true, grant: found.grant }
        failed(client)
        return { ok: false, status: 401 }
      }
      const session = sessionOf(req)
      return session ? { ok: true, grant: session } : publicGrant()
    },

    /**
     * Check a token given to the login form; on success, a new session and its cookie.
     * Failures count against the client's address.
     */
    login(req: IncomingMessage, res: ServerResponse, token: string): { ok: true } | { ok: false; status: 401 | 429; retryAfter?: number } {
      const client = clientAddress(req, options.trustProxy)
      const wait = locked(client)
      if (wait) return { ok: false, status: 429, retryAfter: wait }
      const found = grantOf(token)
      if (!found) {
        failed(client)
        return { ok: false, status: 401 }
      }
      const value = randomBytes(32).toString('base64url')
      const t = now()
      for (const [k, s] of sessions) if (s.expires <= t) sessions.delete(k)
      if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value as string)
      sessions.set(digest(value), { token: found.id, site: found.site, expires: t + sessionMs })
      const secure = isHttps(req, options.trustProxy) ? '; Secure' : ''
      res.setHeader('Set-Cookie', `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(sessionMs / 1000)}${secure}`)
      return { ok: true }
    },

    /** End this browser's session on the server, and ask the browser to forget the cookie. */
    logout(req: IncomingMessage, res: ServerResponse) {
      const cookie = cookieOf(req, SESSION_COOKIE)
      if (cookie) sessions.delete(digest(cookie))
      const secure = isHttps(req, options.trustProxy) ? '; Secure' : ''
      res.setHeader('Set-Cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure}`)
    },
  }
}

export type Auth = ReturnType<typeof createAuth>
