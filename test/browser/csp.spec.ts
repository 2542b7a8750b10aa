import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { test, expect, sitePage, ready, nameOf, STUB } from '../support/fixtures'
import { startServer } from '../support/server'

const dist = new URL('../../dist/', import.meta.url).pathname
/** The installing page, which shows the stub, its CSP hash and its SRI hash. */
const installing = () => readFileSync(new URL('../../docs/installing.md', import.meta.url), 'utf8')
/** The CSP source expression that allows exactly the inline one-line stub. */
const stubHash = `'sha256-${createHash('sha256').update(STUB).digest('base64')}'`

/** Records every CSP violation of the page, from before its first script runs (init scripts are not subject to CSP). */
const watchViolations = async (page: Page) => {
  const refused: string[] = []
  page.on('console', (m) => /Content Security Policy|Refused to/i.test(m.text()) && refused.push(m.text()))
  await page.addInitScript(() => {
    const w = window as any
    w.__violations = []
    document.addEventListener('securitypolicyviolation', (e) =>
      w.__violations.push(`${e.effectiveDirective} blocked ${e.blockedURI} ${e.sourceFile}:${e.lineNumber} ${e.sample}`),
    )
  })
  return async () => ({ events: (await page.evaluate(() => (window as any).__violations)) as string[], console: refused })
}

/** The lazy vitals file (added by a script element) has arrived, when the build has one. */
const vitalsLoaded = async (page: Page) => {
  if (existsSync(dist + 'footfall-vitals.js'))
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((r) => r.name.includes('footfall-vitals.js')))
}

/** Loads `/`, lets footfall record, fetch its vitals file and send, and expects no violation at all. */
const loadsWithoutViolations = async (page: Page, server: { url: string; waitForCount(n: number, what: string): Promise<unknown> }) => {
  const violations = await watchViolations(page)
  await page.goto(server.url + '/')
  await ready(page)
  await server.waitForCount(1, 'page')
  await vitalsLoaded(page)
  await page.evaluate(() => (window as any).footfall.flush())
  expect(await violations()).toEqual({ events: [], console: [] })
}

/** A shop page with no inline script or style at all: the stub and the site's own code are files. */
const strictPage = (endpoint: string, extra = '') => `<!doctype html><html><head><meta charset="utf-8"><title>Strict shop</title>
<script src="/footfall-stub.js"></script>
<script src="/app.js"></script>
<script async src="/footfall.js" data-endpoint="${endpoint}" data-site="csp-shop"></script>${extra}</head>
<body><h1>Strict shop</h1>
<button data-ff-event="add_to_cart" data-ff-product-id="sku-1" data-ff-price="19.99" data-ff-currency="EUR">Add to cart</button>
<a href="mailto:shop@example.com">Write to us</a>
<form data-ff-event="inquiry" id="contact" action="/thanks"><input name="q" value="hello"><button>Send</button></form>
<div id="tall"></div></body></html>`

test.describe('Content-Security-Policy', () => {
  test("the full script-tag build runs under default-src 'self'; script-src 'self'; connect-src <collector> with zero violations", async ({ page, server }) => {
    // The collector lives on another origin, as it usually does.
    const collector = await startServer()
    try {
      const csp = `default-src 'self'; script-src 'self'; connect-src ${collector.url}`
      server.pageHeaders['Content-Security-Policy'] = csp
      server.pages.set('/', strictPage(collector.url + '/collect'))
      server.pages.set('/app.js', `footfall('track', 'app_ready', { n: 1 })`)
      server.pages.set('/thanks', strictPage(collector.url + '/collect'))
      const violations = await watchViolations(page)

      await page.goto(server.url + '/?utm_source=csp')
      await ready(page)
      expect(await page.evaluate(() => document.querySelector('meta[http-equiv]'))).toBeNull()
      await page.click('button[data-ff-event=add_to_cart]')
      await page.evaluate(() => {
        const f = (window as any).footfall
        f.track('custom', { at: new Date(), nested: { a: [1, 2] } })
        f.identify('csp-user')
        history.pushState({}, '', '/products/1')
        document.querySelector('a[href^=mailto]')!.addEventListener('click', (e) => e.preventDefault())
        ;(document.querySelector('a[href^=mailto]') as HTMLElement).click()
      })
      const vitalsFile = existsSync(dist + 'footfall-vitals.js')
      // The lazy vitals file (loaded by a script element) must arrive and run under the policy too.
      await vitalsLoaded(page)
      await page.evaluate(() => (window as any).footfall.flush())
      await collector.waitFor(
        (e) => ['page', 'app_ready', 'add_to_cart', 'custom', 'identify'].every((n) => e.some((x) => nameOf(x) == n)),
        20e3,
        'events from the strict page',
      )
      // Leaving the page: engagement, vitals and the keepalive send, then the form submit navigates.
      await page.click('#contact button')
      await page.waitForURL('**/thanks**')
      await ready(page)
      await collector.waitFor((e) => e.filter((x) => x.type == 'page').length >= 3, 20e3, 'page views')
      if (vitalsFile) await collector.waitForCount(1, 'web_vitals')

      const v = await violations()
      expect(v.events).toEqual([])
      expect(v.console).toEqual([])
      expect(server.received).toHaveLength(0) // everything went to the collector origin
    } finally {
      await collector.close()
    }
  })

  test('the inline stub allowed by its hash, as the installing page shows, runs with zero violations', async ({ page, server }) => {
    expect(installing()).toContain(STUB)
    expect(installing()).toContain(stubHash)
    server.pageHeaders['Content-Security-Policy'] = `default-src 'self'; script-src 'self' ${stubHash}; connect-src 'self'`
    server.pages.set('/', sitePage({ head: '', attrs: { 'data-vitals': 'on' } }))
    await loadsWithoutViolations(page, server)
  })

  test("a nonce-based strict CSP with 'strict-dynamic' (the lazy vitals file included) has zero violations", async ({ page, server }) => {
    server.pageHeaders['Content-Security-Policy'] =
      `script-src 'nonce-r4nd0m' 'strict-dynamic'; object-src 'none'; base-uri 'none'; default-src 'self'; connect-src 'self'`
    server.pages.set(
      '/',
      `<!doctype html><html><head><script nonce="r4nd0m">${STUB}</script>
<script nonce="r4nd0m" async src="/footfall.js" data-endpoint="/collect" data-site="nonce"></script></head><body><h1>Nonce</h1></body></html>`,
    )
    await loadsWithoutViolations(page, server)
  })

  test("under Trusted Types (require-trusted-types-for 'script') the parts load too: clicks and vitals, zero violations", async ({ page, server }) => {
    server.pageHeaders['Content-Security-Policy'] = `require-trusted-types-for 'script'; default-src 'self'; script-src 'self'; connect-src 'self'`
    server.pages.set('/', strictPage('/collect'))
    server.pages.set('/app.js', '/* the site */')
    const violations = await watchViolations(page)
    await page.goto(server.url + '/')
    await ready(page)
    await page.click('button[data-ff-event=add_to_cart]')
    await server.waitForCount(1, 'add_to_cart')
    await vitalsLoaded(page)
    expect(await violations()).toEqual({ events: [], console: [] })
  })

  test('the violation detector sees an inline script under the same policy (control)', async ({ page, server }) => {
    server.pageHeaders['Content-Security-Policy'] = `default-src 'self'; script-src 'self'; connect-src 'self'`
    server.pages.set('/', `<!doctype html><html><head><script src="/footfall-stub.js"></script><script>window.x=1</script></head><body></body></html>`)
    const violations = await watchViolations(page)
    await page.goto(server.url + '/')
    await expect.poll(async () => (await violations()).events.length).toBe(1)
    expect(await page.evaluate(() => typeof (window as any).footfall)).toBe('function') // the external stub ran
  })
})

test.describe('Subresource Integrity', () => {
  test('every .sri file in dist/ is the sha384 of the file it sits beside', () => {
    const sri = readdirSync(dist).filter((f) => f.endsWith('.sri'))
    expect(sri).toEqual(expect.arrayContaining(['footfall.js.sri', 'footfall-stub.js.sri']))
    for (const f of sri) {
      const file = readFileSync(dist + f.slice(0, -4))
      const expected = 'sha384-' + createHash('sha384').update(file).digest('base64')
      expect(readFileSync(dist + f, 'utf8').trim(), f).toBe(expected)
    }
  })

  test("the installing page quotes the stub's current hash", () => {
    expect(installing()).toContain(readFileSync(dist + 'footfall-stub.js.sri', 'utf8').trim())
  })

  test('the script tag with integrity and crossorigin loads from another origin and tracks', async ({ page, server }) => {
    const cdn = await startServer()
    try {
      const integrity = (f: string) => readFileSync(dist + f + '.sri', 'utf8').trim()
      server.pages.set(
        '/',
        `<!doctype html><html><head><meta charset="utf-8"><title>SRI</title>
<script src="${cdn.url}/footfall-stub.js" integrity="${integrity('footfall-stub.js')}" crossorigin="anonymous"></script>
<script async src="${cdn.url}/footfall.js" integrity="${integrity('footfall.js')}" crossorigin="anonymous"
  data-endpoint="/collect" data-site="sri" data-vitals="off"></script></head><body></body></html>`,
      )
      await page.goto(server.url + '/')
      await ready(page)
      await server.waitForCount(1, 'page')
    } finally {
      await cdn.close()
    }
  })

  test('a file that does not match its integrity hash is not run', async ({ page, server }) => {
    const errors: string[] = []
    page.on('console', (m) => m.type() == 'error' && errors.push(m.text()))
    const wrong = 'sha384-' + createHash('sha384').update('not footfall').digest('base64')
    server.pages.set(
      '/',
      sitePage({
        head: `<script>document.addEventListener('error', (e) => e.target.src && (window.__failed = e.target.src), true)</script>`,
        attrs: { integrity: wrong, crossorigin: 'anonymous' },
      }),
    )
    await page.goto(server.url + '/')
    await page.waitForFunction(() => !!(window as any).__failed)
    expect(await page.evaluate(() => typeof (window as any).footfall.track)).toBe('undefined')
    expect(errors.join('\n')).toMatch(/integrity/i)
  })
})
