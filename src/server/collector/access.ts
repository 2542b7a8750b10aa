/** Who may post to the ingest paths: CORS (reading paths need credentials: auth.ts). */
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
