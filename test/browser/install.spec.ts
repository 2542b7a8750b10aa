import { readFileSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { test, expect, sitePage, nameOf } from '../support/fixtures'
import { recipesOf } from '../support/markdown'
import type { TestServer } from '../support/server'
import { shopifyBackend } from '../support/shopify/backend'
import { productPage } from '../support/shopify/pages'
import { wooBackend } from '../support/woocommerce/backend'
import { archivePage, singlePage } from '../support/woocommerce/pages'

// The docs are the install: each recipe of docs/installing.md names the files it tells the reader
// to serve (a `Files to serve:` line). Each is followed here with exactly those files and nothing
// else of footfall's (every other footfall*.js answers 404), then everything a page should capture
// must arrive at the collector, with no warning and no missing-part report. A file a recipe forgets
// makes its test fail (the last tests show that it would).

const docs = readFileSync(new URL('../../docs/installing.md', import.meta.url), 'utf8')
const recipes = recipesOf(docs)
const sri = (file: string) => readFileSync(new URL(`../../dist/${file}.sri`, import.meta.url), 'utf8').trim()

type Kind = 'script' | 'cdn' | 'shopify' | 'woocommerce' | 'esm'
/** Which recipe is which, by its heading. */
const KINDS: Record<string, Kind> = { 'Script tag': 'script', 'Subresource Integrity': 'cdn', 'Shopify theme': 'shopify', WooCommerce: 'woocommerce', 'ES module': 'esm' }

/** The page each recipe gives a site (vitals as the recipe leaves them: on by default). */
const pages: Record<Kind, (server: TestServer) => [path: string, html: string]> = {
  script: () => ['/', sitePage({ attrs: { 'data-vitals': false } })],
  cdn: () => [
    '/',
    `<!doctype html><html><head><meta charset="utf-8"><title>CDN</title>
<script src="/footfall-stub.js" integrity="${sri('footfall-stub.js')}" crossorigin="anonymous"></script>
<script async src="/footfall.js" integrity="${sri('footfall.js')}" crossorigin="anonymous" data-endpoint="/collect" data-site="shop"></script>
</head><body><h1>Shop</h1></body></html>`,
  ],
  shopify: (server) => (shopifyBackend(server), ['/products/mug', productPage({ attrs: { 'data-vitals': false } })]),
  woocommerce: (server) => (wooBackend(server, singlePage), ['/shop/', archivePage({ attrs: { 'data-vitals': false } })]),
  // A bundler's output stands in as the package's ES build, resolved through an import map: the
  // app's own files. No script-tag file is needed.
  esm: () => [
    '/',
    `<!doctype html><html><head><title>SPA</title>
<script type="importmap">{"imports":{"footfall":"/dist/footfall.mjs","idb-keyval":"/node_modules/idb-keyval/dist/index.js","web-vitals":"/node_modules/web-vitals/dist/web-vitals.js"}}</script>
</head><body><h1>Shop</h1><script type="module">import * as footfall from 'footfall'
footfall.init({ endpoint: '/collect', site: 'spa' })
window.footfall = footfall</script></body></html>`,
  ],
}

/** What a visitor does on the shop platforms without markup: one add through the theme. */
const platformAdd: Partial<Record<Kind, (page: Page) => Promise<unknown>>> = {
  shopify: async (page) => {
    await page.click('button[name=add]')
    await page.waitForFunction(() => (window as any).themeSaw.length == 1)
  },
  woocommerce: async (page) => {
    await page.click('a[data-product_id="15"]')
    await page.waitForFunction(() => (window as any).themeSaw.length == 1)
  },
}

/** The script-tag files of footfall, as a request names them. */
const SCRIPT_FILE = /\/(footfall[\w-]*\.js)(\?.*)?$/

/**
 * Installs footfall as recipe `kind` serving `files`, does what a visitor does, and reports what
 * reached the collector: the captures missing, the warnings, the missing-part reports, and the
 * footfall files fetched before the page's `load` event.
 */
async function install(page: Page, server: TestServer, kind: Kind, files: string[]) {
  const fetched: string[] = []
  await page.route(SCRIPT_FILE, (route) => {
    const name = SCRIPT_FILE.exec(new URL(route.request().url()).pathname)![1]
    fetched.push(name)
    return files.includes(name) ? route.continue() : route.fulfill({ status: 404, body: 'not found' })
  })
  const warnings: string[] = []
  page.on('console', (m) => m.type() == 'warning' && m.text().includes('[footfall]') && warnings.push(m.text()))
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  const [path, html] = pages[kind](server)
  server.pages.set(path, html)
  await page.goto(server.url + path)

  const missing: string[] = []
  /** Waits for `what` to arrive; a capture that does not is reported, not thrown. */
  const arrives = (what: string, pred: (e: any) => boolean) =>
    server.waitFor((ev) => ev.some(pred), 8e3, what).then(
      () => {},
      () => missing.push(what),
    )
  await arrives('page view', (e) => nameOf(e) == 'page' && e.properties.path == path)
  const started = await page.waitForFunction(() => !!(window as any).footfall?.track, null, { timeout: 8e3 }).then(
    () => true,
    () => false,
  )
  if (!started) return { missing: ['footfall did not start', ...missing], warnings, errors, atStart: fetched, reports: [] }
  const atStart = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming
    return performance
      .getEntriesByType('resource')
      .filter((e) => /\/footfall[\w-]*\.m?js$/.test(new URL(e.name).pathname) && e.startTime < nav.loadEventStart)
      .map((e) => new URL(e.name).pathname.split('/').pop()!)
  })

  // On a shop: an add through the theme first (markup clicked just before would be the same add).
  const add = platformAdd[kind]
  if (add) {
    await page.waitForFunction(() => !/\[native code\]/.test(String(window.fetch)), null, { timeout: 8e3 }).catch(() => {})
    await add(page).catch(() => missing.push('the theme add'))
    await arrives('platform add_to_cart', (e) => e.event == 'add_to_cart' && e.properties.product_id != 'sku-doc')
  }
  await page.evaluate(() =>
    document.body.insertAdjacentHTML(
      'beforeend',
      '<button id="doc-add" data-ff-event="add_to_cart" data-ff-product-id="sku-doc" data-ff-price="5">Add</button><a id="doc-mail" href="mailto:shop@example.com">Mail</a>',
    ),
  )
  await page.click('#doc-add')
  await page.click('#doc-mail')
  await page.addScriptTag({ url: '/test/support/chat/intercom.js' })
  await page.evaluate(`Intercom('show')`)
  await page.evaluate(() => history.pushState({}, '', '/doc-route'))
  await arrives('declarative add_to_cart', (e) => e.event == 'add_to_cart' && e.properties.product_id == 'sku-doc')
  await arrives('inquiry', (e) => e.event == 'inquiry' && e.properties.method == 'mailto')
  await arrives('chat_open', (e) => e.event == 'chat_open' && e.properties.provider == 'intercom')
  await arrives('SPA page view', (e) => nameOf(e) == 'page' && e.properties.path == '/doc-route')
  await arrives('engagement', (e) => e.event == 'engagement')
  await arrives('web_vitals', (e) => e.event == 'web_vitals')
  // Settled: a marker tracked last has arrived, so every report made before it has too.
  await page.evaluate(() => ((window as any).footfall.track('doc_marker'), (window as any).footfall.flush()))
  await arrives('marker', (e) => e.event == 'doc_marker')
  const reports = [...server.unique().values()].filter((e) => e.event == 'footfall_dropped').map((e) => e.properties)
  return { missing, warnings, errors, atStart, reports, fetched }
}

test.describe('the install recipes of docs/installing.md', () => {
  test('every recipe names the files it needs', () => {
    expect(recipes.map((r) => KINDS[r.heading]).sort()).toEqual(['cdn', 'esm', 'script', 'shopify', 'woocommerce'])
  })

  for (const r of recipes)
    test(`${r.heading} (docs/installing.md:${r.line}): serving ${r.files.join(', ') || 'no script-tag file'} captures everything`, async ({ page, server }) => {
      const kind = KINDS[r.heading]
      const got = await install(page, server, kind, r.files)
      expect(got.missing).toEqual([])
      expect(got.warnings).toEqual([])
      expect(got.errors).toEqual([])
      expect(got.reports).toEqual([])
      // At start a page fetches footfall.js alone (the stub too where the recipe has it as a file);
      // a shop also gets its platform part once the document is parsed.
      const start = kind == 'esm' ? ['footfall.mjs'] : kind == 'cdn' ? ['footfall-stub.js', 'footfall.js'] : ['footfall.js']
      expect(got.atStart.filter((f) => f != 'footfall-platform.js').sort()).toEqual(start)
      if (kind == 'esm') expect(got.fetched).toEqual([])
    })

  test('a part the recipe forgot (footfall-vitals.js, a 404) is one warning and one report at the collector; the rest is captured', async ({ page, server }) => {
    const got = await install(page, server, 'script', ['footfall.js'])
    expect(got.missing).toEqual(['web_vitals'])
    expect(got.warnings).toEqual(['[footfall] footfall-vitals.js not loaded: no web_vitals'])
    expect(got.reports).toEqual([{ count: 0, reason: 'part_unavailable', part: 'footfall-vitals.js' }])
    expect(got.errors).toEqual([])
  })

  test('a shop recipe without footfall-platform.js misses the theme add, and says so', async ({ page, server }) => {
    const got = await install(page, server, 'shopify', ['footfall.js', 'footfall-vitals.js'])
    expect(got.missing).toEqual(['platform add_to_cart'])
    expect(got.warnings).toEqual(['[footfall] footfall-platform.js not loaded: no shop add_to_cart'])
    expect(got.reports).toEqual([{ count: 0, reason: 'part_unavailable', part: 'footfall-platform.js' }])
  })
})
