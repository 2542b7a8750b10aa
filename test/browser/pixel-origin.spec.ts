import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, expect } from '../support/fixtures'
import { freePort } from '../support/ports'
import type { TestServer } from '../support/server'

// Shopify runs a custom pixel in an iframe sandboxed without allow-same-origin: its origin is
// opaque, so every request it makes carries `Origin: null`. The stand-in here is such an iframe
// (the Web Pixels globals, the pixel's code as pasted, one page_viewed) in front of the real
// collector, started as docs/installing.md says: `--origin` with the shop's origin and `null`.

const TOKEN = 'pixel-origin-test-token-8d2e'


/** The reference collector as a site runs it: `footfall-collector --port P --data DIR --origin …`. */
async function collector(origins: string[]) {
  const port = await freePort()
  const data = mkdtempSync(join(tmpdir(), 'footfall-pixel-origin-'))
  const proc: ChildProcess = spawn(process.execPath, ['dist/footfall-collector.mjs', '--port', String(port), '--host', '127.0.0.1', '--data', data, '--admin-token', TOKEN, '--origin', ...origins], {
    stdio: 'ignore',
  })
  const url = `http://127.0.0.1:${port}`
  await expect.poll(() => fetch(url + '/health', { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.status, () => 0), { timeout: 15e3 }).toBe(200)
  return {
    url,
    events: () => fetch(url + '/events?limit=100&site=my-shop', { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.json() as Promise<any[]>),
    stop: () => (proc.kill(), rmSync(data, { recursive: true, force: true })),
  }
}

/** The shop's page with the pixel in a sandboxed iframe (scripts allowed, no same origin). */
function shop(server: TestServer, endpoint: string) {
  const code = readFileSync('dist/footfall-shopify-pixel.js', 'utf8').replace(
    /const footfallPixel = \{[^\n]*\}/,
    'const footfallPixel = ' + JSON.stringify({ endpoint, site: 'my-shop', pageViews: true, addToCart: true }),
  )
  server.pages.set(
    '/pixel-frame',
    `<!doctype html><script>
var subscribers = {}, store = {}
var analytics = { subscribe: function (name, cb) { (subscribers[name] = subscribers[name] || []).push(cb); return Promise.resolve(true) } }
var browser = { localStorage: {
  getItem: function (k) { return Promise.resolve(k in store ? store[k] : null) },
  setItem: function (k, v) { store[k] = String(v); return Promise.resolve() },
  removeItem: function (k) { delete store[k]; return Promise.resolve() },
  key: function (i) { return Promise.resolve(Object.keys(store)[i] || null) },
  length: function () { return Promise.resolve(Object.keys(store).length) },
  clear: function () { store = {}; return Promise.resolve() } } }
var loc = { href: 'https://shop.example/products/mug', pathname: '/products/mug', search: '', origin: 'https://shop.example', host: 'shop.example', hostname: 'shop.example', protocol: 'https:', hash: '', port: '' }
var init = { context: { document: { location: loc, referrer: '', title: 'Mug' }, navigator: { language: 'en', userAgent: navigator.userAgent }, window: { location: loc, screen: { width: 1, height: 1 } } }, data: {} }
</script><script>${code.replace(/<\//g, '<\\/')}</script><script>
(subscribers.page_viewed || []).forEach(function (cb) { cb({ id: 'sh-1', clientId: 'c1', name: 'page_viewed', seq: 1, type: 'standard', timestamp: new Date().toISOString(), context: init.context, data: {} }) })
</script>`,
  )
  server.pages.set('/products/mug', `<!doctype html><title>Mug</title><h1>Mug</h1><iframe sandbox="allow-scripts" src="/pixel-frame"></iframe>`)
}

test.describe('the Shopify pixel against a collector started with --origin', () => {
  test('listing only the shop’s origin refuses its requests (403): they carry Origin: null', async ({ page, server }) => {
    const c = await collector([server.url])
    try {
      shop(server, c.url + '/collect')
      const refused = page.waitForResponse((r) => r.url() == c.url + '/collect' && r.request().method() == 'POST')
      await page.goto(server.url + '/products/mug')
      const r = await refused
      expect(r.status()).toBe(403)
    } finally {
      c.stop()
    }
  })

  test('listing the shop’s origin and null, as the recipe says, delivers its events', async ({ page, server }) => {
    const c = await collector([server.url, 'null'])
    try {
      shop(server, c.url + '/collect')
      await page.goto(server.url + '/products/mug')
      await expect.poll(async () => (await c.events()).filter((e) => e.type == 'page').map((e) => e.context.page.path), { timeout: 15e3 }).toEqual(['/products/mug'])
    } finally {
      c.stop()
    }
  })
})
