/** Who may call which path: CORS for ingest, same-origin or token for reads. */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * CORS headers for an ingest path. With no allow-list every origin may send (the SDK
 * posts `text/plain` without credentials, so `*` is safe). Returns false for an origin
 * outside a configured list.
 */
export const applyCors = (req: IncomingMessage, res: ServerResponse, origins: readonly string[] | undefined): boolean => {
  const origin = req.headers.origin
  if (!origins || origins.length === 0 || origins.includes('*')) {
    res.setHeader('Access-Control-Allow-Origin', '*')
    return true
  }
  res.setHeader('Vary', 'Origin')
  if (!origin) return true
  if (!origins.includes(origin)) return false
  res.setHeader('Access-Control-Allow-Origin', origin)
  return true
}

export const preflight = (res: ServerResponse) => {
  res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS')
  res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Content-Encoding, Authorization')
  res.setHeader('Access-Control-Max-Age', '86400')
  res.writeHead(204).end()
}

const digest = (s: string) => createHash('sha256').update(s).digest()

const tokenOf = (req: IncomingMessage, url: URL): string | undefined => {
  const auth = req.headers.authorization
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim()
  return url.searchParams.get('token') ?? undefined
}

/**
 * Reading paths: allowed with the read token, or from the collector's own origin (no
 * `Origin` header, or one equal to this host). A browser page elsewhere gets 403.
 */
export const mayRead = (req: IncomingMessage, url: URL, readToken: string | undefined): boolean => {
  const token = tokenOf(req, url)
  if (readToken && token !== undefined && timingSafeEqual(digest(token), digest(readToken))) return true
  const origin = req.headers.origin
  const site = req.headers['sec-fetch-site']
  if (site === 'cross-site' || site === 'same-site') {
    if (!origin) return false
  }
  if (!origin) return true
  const host = req.headers.host
  return !!host && (origin === `http://${host}` || origin === `https://${host}`)
}
