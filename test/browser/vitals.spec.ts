import { createHash } from 'node:crypto'
import { test, expect, sitePage, ready, STUB } from '../support/fixtures'

const vitalsOf = (ev: any[]) => ev.filter((e) => e.event == 'web_vitals')
const byMetric = (ev: any[], m: string) => vitalsOf(ev).filter((e) => e.properties.metric == m)

// A large heading for LCP, and a banner pushed in above the content after first paint for CLS.
const BODY = `<h1 style="font-size:64px">Spring sale: everything must go</h1><p>Products below.</p>
<script>setTimeout(() => document.body.insertAdjacentHTML('afterbegin', '<div style="height:300px">banner</div>'), 300)</script>`

test.describe('web vitals', () => {
  test('LCP, FCP, TTFB and CLS of the page arrive after navigating away', async ({ page, server }) => {
    server.pages.set('/', sitePage({ attrs: { 'data-vitals': 'on' }, body: BODY }))
    server.pages.set('/next', sitePage())
    const files: string[] = []
    page.on('request', (r) => files.push(new URL(r.url()).pathname))
    await page.goto(server.url + '/')
    await ready(page)
    // FCP and TTFB are final as soon as they are known: they leave with the next flush.
    await server.waitFor((e) => ['FCP', 'TTFB'].every((m) => byMetric(e, m).length), 20e3, 'FCP and TTFB')
    expect(files).toContain('/footfall-vitals.js')
    await page.waitForFunction(() => document.body.firstElementChild?.textContent == 'banner')
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
    await page.goto(server.url + '/next')
    const ev = await server.waitFor((e) => ['LCP', 'CLS'].every((m) => byMetric(e, m).length), 20e3, 'LCP and CLS')
    for (const m of ['LCP', 'FCP', 'TTFB', 'CLS']) {
      const [v] = byMetric(ev, m)
      expect(v.properties).toMatchObject({ metric: m, path: '/', rating: expect.stringMatching(/^(good|needs-improvement|poor)$/) })
      expect(typeof v.properties.value).toBe('number')
      expect(v.context.page.path).toBe('/')
    }
    expect(byMetric(ev, 'CLS')[0].properties.value).toBeGreaterThan(0)
    expect(byMetric(ev, 'LCP')[0].properties.value).toBeGreaterThan(0)
    // One report per metric for a page that was hidden once.
    for (const m of ['LCP', 'FCP', 'TTFB', 'CLS']) expect(byMetric(ev, m)).toHaveLength(1)
  })

  test('data-vitals="off" requests no vitals file at all', async ({ page, server }) => {
    server.pages.set('/', sitePage({ attrs: { 'data-vitals': 'off' } }))
    const files: string[] = []
    page.on('request', (r) => files.push(new URL(r.url()).pathname))
    await page.goto(server.url + '/') // resolves after `load`, when the vitals file would be requested
    await ready(page)
    await page.evaluate(() => (window as any).footfall.flush())
    await server.waitForCount(1, 'page')
    expect(files).toContain('/footfall.js')
    expect(files).not.toContain('/footfall-vitals.js')
    expect(await page.evaluate(() => document.querySelectorAll('script[src*="vitals"]').length)).toBe(0)
  })

  test('loads under a CSP that allows only same-origin scripts', async ({ page, server }) => {
    // Only files from the page's origin, plus the one inline stub by its hash.
    const stub = createHash('sha256').update(STUB).digest('base64')
    server.pageHeaders['Content-Security-Policy'] = `script-src 'self' 'sha256-${stub}'`
    server.pages.set('/', sitePage({ attrs: { 'data-vitals': 'on' } }))
    const violations: string[] = []
    page.on('console', (m) => /Content Security Policy/i.test(m.text()) && violations.push(m.text()))
    await page.goto(server.url + '/')
    await server.waitFor((e) => byMetric(e, 'FCP').length > 0, 20e3, 'FCP')
    expect(violations).toEqual([])
  })

  test('an SPA route change the visitor made gets its own metrics, attributed to its path', async ({ page, server }) => {
    server.pages.set(
      '/',
      sitePage({
        attrs: { 'data-vitals': 'on' },
        body: `<a id="go" href="/products">Products</a><main><h1>Home</h1></main>
<script>document.getElementById('go').addEventListener('click', (e) => {
  e.preventDefault(); history.pushState({}, '', '/products')
  document.querySelector('main').innerHTML = '<h1 style="font-size:48px">All products</h1><p>' + 'Lots of products. '.repeat(50) + '</p>'
})</script>`,
      }),
    )
    server.pages.set('/next', sitePage())
    await page.goto(server.url + '/')
    await ready(page)
    await server.waitFor((e) => byMetric(e, 'FCP').length > 0, 20e3, 'FCP')
    await page.click('#go')
    await server.waitFor((e) => e.some((x) => x.type == 'page' && x.properties!.path == '/products'), 20e3, 'the /products page view')
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
    await page.goto(server.url + '/next')
    const ev = await server.waitFor((e) => vitalsOf(e).some((x) => x.properties.path == '/products'), 20e3, 'metrics of /products')
    const soft = vitalsOf(ev).filter((x) => x.properties.path == '/products')
    expect(soft.every((x) => x.properties.navigation_type == 'soft-navigation')).toBe(true)
    expect(soft.map((x) => x.properties.metric)).toContain('FCP')
    // No request was made for the route: no TTFB is invented for it.
    expect(soft.map((x) => x.properties.metric)).not.toContain('TTFB')
    // The landing page's own metrics stay with it.
    expect(byMetric(ev, 'TTFB').some((x) => x.properties.path == '/')).toBe(true)
  })
})

test('the ES module build fetches web vitals as a chunk of its own after load', async ({ page, server }) => {
  server.pages.set(
    '/',
    `<!doctype html><html><head><title>SPA</title>
<script type="importmap">{"imports":{"idb-keyval":"/node_modules/idb-keyval/dist/index.js","web-vitals":"/node_modules/web-vitals/dist/web-vitals.js"}}</script>
</head><body><h1>App</h1><script type="module">
import { init } from '/dist/footfall.mjs'
init({ endpoint: '/collect', site: 'spa' })
</script></body></html>`,
  )
  const files: string[] = []
  page.on('request', (r) => files.push(new URL(r.url()).pathname))
  await page.goto(server.url + '/')
  await server.waitFor((e) => ['FCP', 'TTFB'].every((m) => byMetric(e, m).length), 20e3, 'FCP and TTFB')
  expect(files.some((f) => /^\/dist\/chunks\/vitals-impl-.*\.mjs$/.test(f))).toBe(true)
  expect(files).not.toContain('/footfall-vitals.js')
})
