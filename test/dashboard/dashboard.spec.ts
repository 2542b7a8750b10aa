import { readFile } from 'node:fs/promises'
import { expect, type Page } from '@playwright/test'
import type { Demo } from '../../demo/server.mjs'
import { asAdmin, demoTest } from '../support/demo'
import type { Commitment } from '../../src/dashboard/data'

/**
 * The dashboard at /dashboard of the demo server (over the built dist/, temporary data dir):
 * a year of sample history loaded through the inspector, drawn under the strict CSP. Every page
 * fails its test on a script error, a dialog, or a CSP violation. The demo's reports and the
 * page's clock are pinned to one Wednesday: the same answers whatever day the tests run.
 */
const NOW = '2026-12-09T12:00:00Z'
const test = demoTest(/Failed to load resource/, { now: NOW })

let demo: Demo
test.beforeEach(({ demo: d }) => void (demo = d))

const TZ = Intl.DateTimeFormat().resolvedOptions().timeZone

/**
 * The collector's commitment report, as the page will get it: with a level shift 20 weeks back
 * in sessions overall added (a year of sample history has none there), so that the marks of a
 * change point are drawn whatever the detector finds.
 */
const reportWithShift = async (page: Page): Promise<Commitment[]> => {
  const r = await fetch(`${demo.url}/commitments?confidence=0.9&horizon=4&tz=${encodeURIComponent(TZ)}`, { headers: asAdmin(demo) })
  expect(r.status).toBe(200)
  const report: Commitment[] = await r.json()
  const sessions = report.find((c) => c.kpi == 'sessions' && c.scope == 'overall')!
  sessions.changePoints = [sessions.history.at(-20)!.start]
  await page.route(/\/commitments\?/, async (route) => {
    const real: Commitment[] = await (await route.fetch()).json()
    real.find((c) => c.kpi == 'sessions' && c.scope == 'overall')!.changePoints = sessions.changePoints
    await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(real) })
  })
  return report
}

/** Loads a year of sample history the way QA does: the inspector's button, then the build's progress. */
const loadSampleHistory = async (page: Page) => {
  await page.clock.setFixedTime(NOW)
  await page.goto(demo.url + '/')
  await page.click('#qa-load-sample')
  await expect(page.locator('#qa-sample-dashboard')).toBeVisible({ timeout: 50e3 })
  await expect(page.locator('#qa-sample')).toContainText('sample events over a year are in')
}

/** A current desktop Chrome's User-Agent: these batches stand for visitors' browsers. */
const BROWSER_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36'
const BINGBOT = 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36'

const send = async (batch: object[], userAgent = BROWSER_UA) => {
  const r = await fetch(`${demo.url}/collect`, { method: 'POST', headers: { 'user-agent': userAgent }, body: JSON.stringify({ batch, writeKey: 'demo-shop' }) })
  expect(r.status).toBe(200)
}

test('a year of sample history: every KPI charted with its commitment, tables, under the CSP; desktop and phone screenshots', async ({ page }) => {
  test.setTimeout(120e3)
  await loadSampleHistory(page)
  const report = await reportWithShift(page)
  const overall = report.find((c) => c.kpi == 'sessions' && c.scope == 'overall')!
  expect(overall.commitment).toBeGreaterThan(0)
  await page.setViewportSize({ width: 1280, height: 900 })
  await page.click('#qa-sample-dashboard')
  await expect(page).toHaveURL(/\/dashboard\?/)
  const cards = page.locator('#kpis .card')
  await expect(cards).toHaveCount(8)
  await expect(page.locator('#status')).toContainText(/5\d weeks from/)
  // A canvas per chart, a legend with the channels, the commitment and the band.
  await expect(page.locator('#kpis .card canvas')).toHaveCount(8)
  const sessions = page.locator('.card[data-kpi="sessions"]')
  for (const label of ['All traffic', 'commitment', 'baseline band', 'Organic Search', 'Email']) await expect(sessions.locator('.legend')).toContainText(label)
  await expect(sessions.locator('.sum strong')).toHaveText(`≥ ${Math.round(overall.commitment!).toLocaleString('en-US')}`)
  await page.screenshot({ path: 'test-results/dashboard-desktop.png', fullPage: true })
  // The table alternative holds the same weeks, the forecast and the change point.
  await sessions.locator('details.numbers summary').click()
  const rows = sessions.locator('details.numbers tbody tr')
  expect(await rows.count()).toBeGreaterThanOrEqual(53)
  await expect(sessions.locator('details.numbers tbody tr', { hasText: 'forecast' })).toHaveCount(4)
  await expect(sessions.locator('details.numbers tbody tr', { hasText: 'level shift' })).toHaveCount(1)
  await expect(sessions.locator('.sum')).toContainText(`Level shift ${overall.changePoints[0].slice(0, 10)}`)
  // Commitments grouped by ownership.
  await expect(page.locator('#commitments .group[data-class="owned"] tbody tr')).toHaveCount(5)
  await expect(page.locator('#commitments .group[data-class="shared"] tbody tr')).toHaveCount(3)
  await expect(page.locator('#commitments tr[data-kpi="engagementRate"] td[data-label="Commit to (at least)"]')).toHaveText(/^\d+\.\d%$/)
  await expect(page.locator('#campaigns tbody tr')).toHaveCount(4)

  // One channel: its own line, band and commitment; the choice lands in the URL.
  await page.selectOption('#pick-scope', 'Email')
  await expect(page).toHaveURL(/scope=Email/)
  await expect(sessions.locator('.legend li').first()).toHaveText('Email')
  await expect(page.locator('#commitments')).toContainText('Email')
  // 13 weeks: the range picker narrows the series.
  await page.click('.seg[data-weeks="13"]')
  // 13 or 14 weeks (whole weeks covering the range), then up to 4 forecast weeks.
  await expect.poll(() => sessions.locator('details.numbers tbody tr').count()).toBeLessThanOrEqual(18)
  expect(await sessions.locator('details.numbers tbody tr').count()).toBeGreaterThanOrEqual(16)
  await page.screenshot({ path: 'test-results/dashboard-desktop-email-13w.png', fullPage: true })

  // Phone width: nothing wider than the screen, charts as wide as their card.
  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto(demo.url + '/dashboard')
  await expect(page.locator('#kpis .card canvas')).toHaveCount(8)
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
  const width = await page.locator('.card[data-kpi="sessions"] canvas').evaluate((c) => c.getBoundingClientRect().width)
  expect(width).toBeGreaterThan(300)
  expect(width).toBeLessThanOrEqual(372)
  await page.screenshot({ path: 'test-results/dashboard-phone.png', fullPage: true })
})

test('the commitment report exports as CSV and markdown, every channel, grouped by ownership', async ({ page }) => {
  test.setTimeout(120e3)
  await loadSampleHistory(page)
  await page.goto(demo.url + '/dashboard')
  await expect(page.locator('#commitments .group')).not.toHaveCount(0)
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-export="commitments"] [data-format="csv"]')])
  expect(csv.suggestedFilename()).toBe('commitments.csv')
  const text = (await readFile(await csv.path(), 'utf8')).replace(/^\ufeff/, '')
  const lines = text.trim().split('\r\n')
  expect(lines[0]).toBe('KPI,Scope,Class,Status,Commit to (at least),Hit rate,"Hit rate, 95 % low",Weeks tested,Baseline next week,Low,High,Change points,Missing data,How')
  expect(lines.some((l) => l.startsWith('Sessions,All traffic,owned,'))).toBe(true)
  expect(lines.some((l) => l.startsWith('Inquiry rate,Email,shared,'))).toBe(true)
  expect(lines.length).toBe(1 + (await (await fetch(`${demo.url}/commitments?tz=${encodeURIComponent(TZ)}`, { headers: asAdmin(demo) })).json()).length)
  const [md] = await Promise.all([page.waitForEvent('download'), page.click('[data-export="commitments"] [data-format="md"]')])
  const markdown = await readFile(await md.path(), 'utf8')
  expect(markdown).toMatch(/## Owned[\s\S]*## Shared/)
  expect(markdown).toContain('| Sessions | All traffic |')
})

test('hostile campaign names, sources, referrers, titles and event names stay text in the dashboard and its exports', async ({ page }) => {
  test.setTimeout(90e3)
  const img = '<img src=x onerror="window.__pwned=1">'
  const now = Date.parse(NOW) - 3_600_000
  const hostile = [
    { campaign: `${img}`, source: '<script>window.__pwned=2</script>', referrer: 'javascript:window.__pwned=3', title: `<b>${img}</b>`, event: '<svg onload=window.__pwned=4>' },
    { campaign: '=HYPERLINK("https://evil.example","click")', source: '+cmd|calc', referrer: 'javascript:alert(1)//https://x', title: '-2+3', event: '@SUM(A1:A2)' },
    { campaign: '-1+1', source: '@evil', referrer: 'https://ok.example/', title: '"quoted", and, commas', event: 'plain' },
  ]
  await send(
    hostile.flatMap((x, i) => {
      const context = {
        page: { url: 'https://shop.example/', path: '/', search: '', referrer: x.referrer, title: x.title },
        campaign: { source: x.source, medium: 'email', name: x.campaign },
        sessionId: `hostile-${i}`,
      }
      const base = { anonymousId: `v-${i}`, context, timestamp: new Date(now - (3 - i) * 1000).toISOString() }
      return [
        { ...base, type: 'page', messageId: crypto.randomUUID(), properties: { path: '/', referrer: x.referrer, title: x.title } },
        { ...base, type: 'track', event: x.event, messageId: crypto.randomUUID(), properties: {} },
      ]
    }),
  )
  // A crawler's visit from the same campaign: left out of every number, and said so under the charts.
  const crawl = { page: { url: 'https://shop.example/', path: '/', search: '', referrer: '', title: 'Shop' }, campaign: { source: 'bing', medium: 'email', name: 'crawled' }, sessionId: 'crawler-1' }
  await send([{ type: 'page', messageId: crypto.randomUUID(), anonymousId: 'bot-1', context: crawl, timestamp: new Date(now - 500).toISOString(), properties: {} }], BINGBOT)
  await page.goto(demo.url + '/dashboard?from=&to=')
  await expect(page.locator('#campaigns tbody tr')).toHaveCount(3)
  await expect(page.locator('#left-out')).toHaveText('1 session from crawlers and automation left out (crawler 1). The KPIs count people only.')
  // Shown as the characters they are.
  await expect(page.locator('#campaigns tbody th', { hasText: img })).toHaveCount(1)
  await expect(page.locator('#events tbody')).toContainText('<svg onload=window.__pwned=4>')
  await expect(page.locator('#events tbody')).toContainText('<script>window.__pwned=2</script>')
  await expect(page.locator('#events tbody')).toContainText(`<b>${img}</b>`)
  await expect(page.locator('#events tbody')).toContainText('javascript:window.__pwned=3')
  // No element came from the data, no link from a referrer, nothing ran.
  await expect(page.locator('main img, main script, main svg, main b, main iframe')).toHaveCount(0)
  await expect(page.locator('a[href^="javascript:" i]')).toHaveCount(0)
  await expect(page.locator('main a')).toHaveCount(0)
  expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined()

  // CSV: formula-looking cells neutralised with a leading quote; numbers untouched.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-export="campaigns"] [data-format="csv"]')])
  const text = await readFile(await csv.path(), 'utf8')
  expect(text).toContain(`"'=HYPERLINK(""https://evil.example"",""click"")",1,1,`)
  expect(text).toContain(`'-1+1,1,1,`)
  expect(text).toContain(`${img.replaceAll('"', '""').replace(/^/, '"')}",1,1,`)
  for (const line of text.replace(/^\ufeff/, '').trim().split('\r\n')) expect(line).not.toMatch(/^[=+\-@]/)
  // Markdown: no tag, no link a renderer could make.
  const [md] = await Promise.all([page.waitForEvent('download'), page.click('[data-export="campaigns"] [data-format="md"]')])
  const markdown = await readFile(await md.path(), 'utf8')
  expect(markdown).not.toContain('<img')
  expect(markdown).toContain('&lt;img src=x onerror="window.\\_\\_pwned=1"&gt;')
  expect(markdown).not.toMatch(/https?:\/\//)
  expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined()
})

test('the dashboard follows the reading rules of /kpi and sends its strict CSP', async () => {
  expect((await fetch(demo.url + '/dashboard')).status).toBe(401)
  const r = await fetch(demo.url + '/dashboard', { headers: asAdmin(demo) })
  expect(r.status).toBe(200)
  const csp = r.headers.get('content-security-policy') ?? ''
  expect(csp).toContain("script-src 'self'")
  expect(csp).toContain("style-src 'self'")
  expect(csp).not.toContain('unsafe')
  const html = await r.text()
  expect(html).not.toMatch(/<script>|<style|style=/)
  for (const [asset, type] of [['footfall-dashboard.js', 'text/javascript'], ['footfall-dashboard.css', 'text/css']]) {
    const a = await fetch(`${demo.url}/dashboard/${asset}`)
    expect(a.status).toBe(200)
    expect(a.headers.get('content-type')).toContain(type)
  }
  expect((await fetch(demo.url + '/dashboard/../package.json')).status).toBe(404)
  expect((await fetch(demo.url + '/dashboard/%2e%2e%2fpackage.json')).status).toBe(404)
  // Another site's page can neither embed nor read it (a browser sends no SameSite=Strict cookie there).
  expect((await fetch(demo.url + '/dashboard', { headers: { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' } })).status).toBe(401)
  expect((await fetch(demo.url + '/dashboard/footfall-dashboard.js', { headers: { 'Sec-Fetch-Site': 'cross-site' } })).status).toBe(403)
})
