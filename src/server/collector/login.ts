/**
 * `GET /login` (the form), `POST /login` (a token in the form → a session cookie) and
 * `POST /logout`. The page is plain HTML with no script; nothing the visitor typed is echoed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Auth } from './auth'
import { readBody } from './body'

/** The form may post here; nothing else runs or loads but the dashboard's stylesheet. */
const LOGIN_CSP = "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** Where to go after logging in: a path of this collector only, never another host. */
export const safeNext = (next: string | null | undefined): string =>
  typeof next === 'string' && next.length <= 1000 && /^\/(?![/\\])[^\\\s]*$/.test(next) ? next : '/dashboard'

/** The login page; `message` is one of ours, never the visitor's input. */
export const loginPage = (next: string, message = '') => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>footfall · log in</title>
<link rel="stylesheet" href="/dashboard/footfall-dashboard.css">
</head>
<body>
<main id="login">
<h1>footfall</h1>
<p>These reports are private. Log in with a token: the admin token, or a site token from
<code>footfall-collector token create DATA --site SITE</code>.</p>
${message ? `<p role="alert">${escape(message)}</p>\n` : ''}<form method="post" action="/login">
<input type="hidden" name="next" value="${escape(next)}">
<label>Token <input type="password" name="token" autocomplete="current-password" required></label>
<button type="submit">Log in</button>
</form>
</main>
</body>
</html>
`

const html = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': LOGIN_CSP,
    ...headers,
  })
  res.end(body)
}

/** The login page as the answer to a request without credentials (status 401, or 429 when locked out). */
export const askToLogin = (res: ServerResponse, next: string, status: 401 | 429 = 401, retryAfter?: number) =>
  html(res, status, loginPage(safeNext(next), status === 429 ? 'Too many failed attempts: try again later.' : ''), {
    ...(retryAfter ? { 'Retry-After': String(retryAfter) } : {}),
  })

const redirect = (res: ServerResponse, to: string) => {
  res.writeHead(303, { Location: to, 'Cache-Control': 'no-store', 'Content-Length': '0', 'Referrer-Policy': 'no-referrer' })
  res.end()
}

/** A login with `token` (from a form or a login link). */
const attempt = (auth: Auth, req: IncomingMessage, res: ServerResponse, token: string, next: string) => {
  const result = auth.login(req, res, token)
  if (result.ok) return redirect(res, next)
  res.removeHeader('Set-Cookie')
  if (result.status === 429) return askToLogin(res, next, 429, result.retryAfter)
  html(res, 401, loginPage(next, 'That token opens nothing here.'))
}

/**
 * A form posted from another site (login CSRF): refused. Browsers say where a request comes from
 * in `Sec-Fetch-Site` (the page's no-referrer policy makes their `Origin` "null"); other clients
 * are no browser on another site.
 */
const crossSite = (req: IncomingMessage) => {
  const site = req.headers['sec-fetch-site']
  if (site) return site !== 'same-origin' && site !== 'none'
  const origin = req.headers.origin
  return !!origin && origin !== 'null' && origin !== `http://${req.headers.host}` && origin !== `https://${req.headers.host}`
}

/** Answers `/login` and `/logout`. */
export const serveLogin = async (auth: Auth, req: IncomingMessage, res: ServerResponse, url: URL, path: string) => {
  if (path === '/logout') {
    if (req.method !== 'POST') return html(res, 405, loginPage('/dashboard', 'Log out with the button of the dashboard.'), { Allow: 'POST' })
    if (crossSite(req)) return html(res, 403, loginPage('/dashboard'))
    auth.logout(req, res)
    return redirect(res, '/login')
  }
  if (req.method === 'GET' || req.method === 'HEAD') {
    const next = safeNext(url.searchParams.get('next'))
    // A login link (`npm run demo` prints one): the token in the URL, once, then a clean redirect.
    const token = url.searchParams.get('token')
    if (token !== null) return attempt(auth, req, res, token, next)
    return html(res, 200, loginPage(next))
  }
  if (req.method !== 'POST') return html(res, 405, loginPage('/dashboard'), { Allow: 'GET, POST' })
  if (crossSite(req)) return html(res, 403, loginPage('/dashboard', 'Log in from this collector\'s own page.'))
  const body = await readBody(req, 8 * 1024)
  if (!body.ok) return html(res, body.status, loginPage('/dashboard', 'That request was too large.'))
  const form = new URLSearchParams(body.body.toString('utf8'))
  return attempt(auth, req, res, form.get('token') ?? '', safeNext(form.get('next')))
}
