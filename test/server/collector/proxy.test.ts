// @vitest-environment node
/**
 * The reverse-proxy configs of docs/deploying.md, run as the page writes them: nginx and Caddy
 * (Debian's, which CI installs) in front of a collector, with TLS. Only what a test must change is
 * changed: loopback ports, a self-signed certificate, the collector's port, and around the config
 * where the proxy keeps its own files. Through the proxy: ingest is open, reports and the dashboard
 * are not (every request reaches the collector from loopback), the login cookie is `Secure`, http
 * is redirected to https, and wrong tokens are limited per client whatever `X-Forwarded-For` the
 * client sends.
 */
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { connect } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { blocksOf } from '../../support/markdown'
import { freePort } from '../../support/ports'
import { ADMIN_TOKEN, AS_ADMIN, BROWSER_UA, envelope, request, startInProcess, tempDirs, waitFor, type Running } from './helpers'

const HOST = 'collect.shop.example'
const DOCS = readFileSync(new URL('../../../docs/deploying.md', import.meta.url), 'utf8')
const tempDir = tempDirs()

/** The one block of docs/deploying.md in `lang`. */
const docsBlock = (lang: string) => {
  const blocks = blocksOf(DOCS).filter((b) => b.lang === lang)
  if (blocks.length !== 1) throw new Error(`docs/deploying.md has ${blocks.length} ${lang} blocks, not 1`)
  return blocks[0].code
}

/** `text` with every `from` replaced; throws when the docs no longer say `from` (the test would test something else). */
const edit = (text: string, from: RegExp, to: string) => {
  if (text.search(from) < 0) throw new Error(`docs/deploying.md: nothing matches ${from}`)
  return text.replace(new RegExp(from.source, 'g'), to)
}

const installed = (bin: string, ...args: string[]) => [bin, `/usr/sbin/${bin}`].find((path) => spawnSync(path, args).status === 0)
const openssl = installed('openssl', 'version')
const missing = (name: string, bin: string | undefined) =>
  !openssl ? 'openssl is not installed' : !bin ? `${name} is not installed (apt-get install ${name})` : undefined


const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })

interface Site {
  dir: string
  cert: string
  key: string
  ca: Buffer
  https: number
  http: number
  upstream: number
}

interface Proxy {
  /** How the proxy redirects http to https. */
  redirect: number
  stop(): Promise<void>
}

/** Runs `bin` until stopped; resolves once it listens on `port`, rejects if it exits first. */
const launch = async (bin: string, args: string[], port: number, env: Record<string, string> = {}): Promise<Proxy['stop']> => {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  let output = ''
  child.stdout.on('data', (d) => (output += d))
  child.stderr.on('data', (d) => (output += d))
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`${bin} exited with ${child.exitCode}: ${output}`)
    return listening(port)
  }, 15_000, `${bin} to listen`)
  return () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null) return done()
      child.once('exit', () => done())
      child.kill('SIGTERM')
    })
}

const nginx = installed('nginx', '-v')
const startNginx = async (site: Site): Promise<Proxy> => {
  let server = docsBlock('nginx')
  server = edit(server, /listen 443\b/, `listen 127.0.0.1:${site.https}`)
  server = edit(server, /listen 80\b/, `listen 127.0.0.1:${site.http}`)
  server = edit(server, /ssl_certificate +\S+;/, `ssl_certificate ${site.cert};`)
  server = edit(server, /ssl_certificate_key +\S+;/, `ssl_certificate_key ${site.key};`)
  server = edit(server, /127\.0\.0\.1:8787/, `127.0.0.1:${site.upstream}`)
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${join(site.dir, t)};`)
  const file = join(site.dir, 'nginx.conf')
  // One process that stays in the foreground (and, started as root, drops no privileges to reach the temp dir).
  writeFileSync(file, [
    'daemon off;',
    'master_process off;',
    `pid ${join(site.dir, 'nginx.pid')};`,
    `error_log ${join(site.dir, 'error.log')};`,
    'events {}',
    `http {\naccess_log off;\n${temp.join('\n')}\n${server}\n}`,
  ].join('\n'))
  return { redirect: 301, stop: await launch(nginx!, ['-c', file, '-p', site.dir, '-e', join(site.dir, 'error.log')], site.https) }
}

const caddy = installed('caddy', 'version')
const startCaddy = async (site: Site): Promise<Proxy> => {
  let config = docsBlock('caddyfile')
  config = edit(config, /^collect\.shop\.example \{/, `${HOST} {\n\ttls ${site.cert} ${site.key}`)
  config = edit(config, /127\.0\.0\.1:8787/, `127.0.0.1:${site.upstream}`)
  // Loopback only, its own certificate, nothing asked of the internet, no admin endpoint.
  const options = ['admin off', 'default_bind 127.0.0.1', `http_port ${site.http}`, `https_port ${site.https}`, `storage file_system ${join(site.dir, 'caddy')}`, 'ocsp_stapling off']
  const file = join(site.dir, 'Caddyfile')
  writeFileSync(file, `{\n${options.map((o) => `\t${o}\n`).join('')}}\n${config}\n`)
  const home = { HOME: site.dir, XDG_DATA_HOME: site.dir, XDG_CONFIG_HOME: site.dir }
  return { redirect: 308, stop: await launch(caddy!, ['run', '--config', file, '--adapter', 'caddyfile'], site.https, home) }
}

interface Answer {
  status: number
  headers: IncomingHttpHeaders
  text: string
}

/** A request to `port` on loopback for HOST: over TLS trusting the test's certificate, or plain http. */
const ask = (site: Site, tls: boolean, path: string, { method = 'GET', headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const answer = (res: IncomingMessage) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d) => (text += d))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }))
    }
    const options = { host: '127.0.0.1', method, path, headers: { host: HOST, ...headers }, agent: false }
    const r = tls ? httpsRequest({ ...options, port: site.https, ca: site.ca, servername: HOST }, answer) : httpRequest({ ...options, port: site.http }, answer)
    r.on('error', reject)
    r.end(body)
  })

const behind = (name: string, skip: string | undefined, start: (site: Site) => Promise<Proxy>) =>
  describe.skipIf(!!skip)(`${name} as docs/deploying.md configures it${skip ? ` (skipped: ${skip})` : ''}`, () => {
    let collector: Running | undefined
    let proxy: Proxy | undefined
    let site: Site
    const https = (path: string, options?: Parameters<typeof ask>[3]) => ask(site, true, path, options)

    beforeAll(async () => {
      collector = await startInProcess({ trustProxy: true, origins: ['https://shop.example'] })
      const dir = tempDir()
      const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')]
      const made = spawnSync(openssl!, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=${HOST}`,
        '-addext', `subjectAltName=DNS:${HOST}`, '-days', '2', '-keyout', key, '-out', cert], { encoding: 'utf8' })
      if (made.status !== 0) throw new Error(`openssl: ${made.stderr}`)
      site = { dir, cert, key, ca: readFileSync(cert), https: await freePort(), http: await freePort(), upstream: collector.port }
      proxy = await start(site)
    }, 30_000)
    afterAll(async () => {
      await proxy?.stop()
      await collector?.stop()
    })

    it('leaves ingest open over https: a batch from the shop is stored', async () => {
      const sent = envelope()
      const res = await https('/v1/batch', {
        method: 'POST',
        headers: { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': BROWSER_UA, origin: 'https://shop.example' },
        body: JSON.stringify({ batch: [sent], sentAt: new Date().toISOString() }),
      })
      expect(res.status, res.text).toBe(200)
      expect(res.headers['access-control-allow-origin']).toBe('https://shop.example')
      const events = JSON.parse((await https('/events', { headers: AS_ADMIN })).text) as { messageId: string }[]
      expect(events.map((e) => e.messageId)).toContain(sent.messageId)
      expect((await https('/health')).status).toBe(200)
    })

    it('answers 401 without credentials, though every request reaches the collector from loopback; 200 with the admin token', async () => {
      for (const path of ['/kpi', '/events', '/sites', '/dashboard']) {
        expect((await https(path)).status, path).toBe(401)
        expect((await https(path, { headers: AS_ADMIN })).status, path).toBe(200)
      }
    })

    it('logs in with an HttpOnly, SameSite=Strict cookie that is Secure (https, as the proxy says), and opens the reports with it', async () => {
      const res = await https('/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: ADMIN_TOKEN, next: '/dashboard' }).toString(),
      })
      expect(res.status).toBe(303)
      const set = String((res.headers['set-cookie'] ?? [])[0])
      expect(set).toContain('; Secure')
      expect(set).toContain('; HttpOnly')
      expect(set).toContain('; SameSite=Strict')
      expect((await https('/kpi', { headers: { cookie: set.split(';')[0] } })).status).toBe(200)
    })

    it('redirects http to https', async () => {
      const res = await ask(site, false, '/kpi?site=a')
      expect(res.status).toBe(proxy!.redirect)
      expect(res.headers.location).toMatch(new RegExp(`^https://${HOST.replace(/\./g, '\\.')}(:${site.https})?/kpi\\?site=a$`))
    })

    it('limits wrong tokens per client: an X-Forwarded-For the client sends chooses no key', async () => {
      // Each guess claims another address; the proxy tells the collector the one it saw.
      const guess = (i: number) => https('/kpi', { headers: { authorization: `Bearer guess-${i}`, 'x-forwarded-for': `198.51.100.${i}` } })
      for (let i = 0; i < 10; i++) expect((await guess(i)).status).toBe(401)
      const limited = await guess(10)
      expect(limited.status).toBe(429)
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
      expect((await https('/kpi', { headers: { ...AS_ADMIN, 'x-forwarded-for': '203.0.113.9' } })).status).toBe(429)
      // At the collector, the key was the proxy's view of the client (loopback), not an address the client wrote.
      const direct = (xff: string) => request(`${collector!.url}/kpi`, { headers: { ...AS_ADMIN, 'x-forwarded-for': xff } })
      expect((await direct('127.0.0.1')).status).toBe(429)
      expect((await direct('198.51.100.3')).status).toBe(200)
    })
  })

behind('nginx', missing('nginx', nginx), startNginx)
behind('Caddy', missing('caddy', caddy), startCaddy)
