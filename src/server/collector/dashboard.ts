/**
 * `GET /dashboard`: the KPI and commitment dashboard, served by the collector to whoever may
 * read `/kpi` (else its login page). The page is a fixed HTML shell (no inline script or style, so it
 * runs under a strict CSP); its script and stylesheet are built files of `dist/`.
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Identity } from './auth'
import { askToLogin } from './login'

/** The dashboard's built files, by the name it asks for them under `/dashboard/`. */
const ASSETS: Record<string, string> = {
  'footfall-dashboard.js': 'text/javascript; charset=utf-8',
  'footfall-dashboard.css': 'text/css; charset=utf-8',
}

/** What the page may do: its own script, stylesheet and the collector's reading endpoints. */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

const SHELL = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>footfall · KPIs and commitments</title>
<link rel="stylesheet" href="/dashboard/footfall-dashboard.css">
<script type="module" src="/dashboard/footfall-dashboard.js"></script>
</head>
<body>
<noscript>The dashboard needs JavaScript. The same numbers: GET /kpi/series and /commitments.</noscript>
<main id="dashboard" aria-busy="true"></main>
<form id="logout" method="post" action="/logout"><button type="submit">Log out</button></form>
</body>
</html>
`

// The collector runs from dist/collector.mjs or a chunk in dist/chunks/; tests run it from src/.
const assetFile = (name: string): URL | undefined =>
  ['./', '../', '../../../dist/'].map((dir) => new URL(dir + name, import.meta.url)).find((u) => u.protocol === 'file:' && existsSync(u))

const reply = (res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}) => {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    ...extra,
  })
  res.end(body)
}

const text = (res: ServerResponse, status: number, message: string) => reply(res, status, 'text/plain; charset=utf-8', message + '\n')

/**
 * Answers `/dashboard` and `/dashboard/<asset>`; `path` has no trailing slash. The page needs
 * credentials (without them: the login page, 401); its script and stylesheet hold no data and
 * are served to anyone, the login page included.
 */
export const serveDashboard = async (req: IncomingMessage, res: ServerResponse, url: URL, path: string, identify: () => Identity) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') return text(res, 405, 'use GET')
  if (path === '/dashboard') {
    const who = identify()
    if (!who.ok) return askToLogin(res, url.pathname + url.search, who.status, who.retryAfter)
    return reply(res, 200, 'text/html; charset=utf-8', SHELL, { 'Content-Security-Policy': DASHBOARD_CSP })
  }
  // Another site's page may not embed them (CORP says so too, to browsers that read it).
  if (req.headers['sec-fetch-site'] === 'cross-site') return text(res, 403, 'same origin only')
  const name = path.slice('/dashboard/'.length)
  const file = Object.hasOwn(ASSETS, name) ? assetFile(name) : undefined
  if (!file) return text(res, 404, 'not found')
  reply(res, 200, ASSETS[name], await readFile(file))
}
