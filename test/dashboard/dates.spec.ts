import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, expect, type Browser, type Page } from '@playwright/test'

/**
 * The dashboard as of pinned dates (`/dashboard?asOf=`), in the site's time zone (the browser's):
 * a Sunday, a Monday, the days the clocks change in Berlin and New York, 31 December and
 * 1 January. Each date gets a year of sample history ending that day and one page load; the
 * sessions and engagement-rate commitments are shown as numbers, not "—". Then missing data:
 * weeks of a gap drawn as a shaded stretch with no values, a stale row, and a silent site.
 */
const DATES: [string, string][] = [
  ['2026-12-06', 'Europe/Berlin'],
  ['2026-12-07', 'America/New_York'],
  ['2026-03-29', 'Europe/Berlin'],
  ['2026-10-25', 'Europe/Berlin'],
  ['2026-03-08', 'America/New_York'],
  ['2026-11-01', 'America/New_York'],
  ['2026-12-31', 'Europe/Berlin'],
  ['2027-01-01', 'America/New_York'],
]

/** The reports need credentials: the page logs in with this admin token first. */
const TOKEN = 'dates-admin-token-7d1e0c93'

interface Site {
  url: string
  close(): Promise<void>
}

/** A collector over a year of sample history ending on `end`, on 127.0.0.1. */
const site = async (end: string): Promise<Site> => {
  const { createCollector, writeSample } = await import(new URL('../../dist/collector.mjs', import.meta.url).href)
  const dir = await mkdtemp(join(tmpdir(), 'footfall-dates-'))
  await writeSample({ dir, events: 20_000, days: 365, seed: 2, end: new Date(`${end}T00:00:00Z`), site: 'demo-shop' })
  const collector = createCollector({ dataDir: dir, rateLimit: false, adminToken: TOKEN })
  await collector.ready
  const server: Server = createServer(collector)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      await collector.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** A page in `tz` that fails the test on any script error. */
const pageIn = async (browser: Browser, tz: string) => {
  const context = await browser.newContext({ timezoneId: tz })
  const page = await context.newPage()
  const problems: string[] = []
  page.on('pageerror', (e) => problems.push(e.message))
  return { page, problems, close: () => context.close() }
}

const commitmentCell = (page: Page, kpi: string) => page.locator(`#commitments tr[data-kpi="${kpi}"] td[data-label="Commit to (at least)"]`)

test.describe.configure({ mode: 'serial' })

for (const [date, tz] of DATES) {
  test(`as of ${date} in ${tz}: the sessions and engagement-rate commitments are shown`, async ({ browser }) => {
    test.setTimeout(60e3)
    const s = await site(date)
    const { page, problems, close } = await pageIn(browser, tz)
    try {
      await page.goto(`${s.url}/login?token=${TOKEN}&next=${encodeURIComponent(`/dashboard?asOf=${date}`)}`)
      await expect(page.locator('#as-of')).toContainText(`As of ${date}`)
      await expect(page.locator('#kpis .card canvas')).toHaveCount(8, { timeout: 40e3 })
      await expect(page.locator('.card[data-kpi="sessions"] .sum strong')).toHaveText(/^≥ [\d,]+$/)
      await expect(commitmentCell(page, 'sessions')).toHaveText(/^[\d,]+$/)
      await expect(commitmentCell(page, 'engagementRate')).toHaveText(/^\d+\.\d+%$/)
      // The last week drawn is the one holding asOf: the page follows the date, not the clock.
      const weeks = page.locator('.card[data-kpi="sessions"] details.numbers tbody tr')
      await expect(weeks.filter({ hasText: 'forecast' }).first().locator('th')).toHaveText(/^\d{4}-\d{2}-\d{2}$/)
      await expect(page.locator('#silent .banner')).toHaveCount(0)
      expect(problems).toEqual([])
    } finally {
      await close()
      await s.close()
    }
  })
}

test('weeks of missing data are a shaded gap with no values; a stale row and a silent site are said plainly', async ({ browser }) => {
  test.setTimeout(60e3)
  const s = await site('2026-12-06')
  const { page, problems, close } = await pageIn(browser, 'Europe/Berlin')
  try {
    // Ten days after the last event: the collector names the site silent.
    const asOf = '2026-12-16'
    // The report as the commitment statistics give it for a stale site: the last weeks a gap.
    await page.route(/\/commitments\?/, async (route) => {
      const rows = await (await route.fetch()).json()
      const sessions = rows.find((c: any) => c.kpi === 'sessions' && c.scope === 'overall')
      const from = sessions.history.at(-3).start
      sessions.gaps = [{ from, to: sessions.forecast[0] }]
      for (const h of sessions.history.slice(-3)) Object.assign(h, { value: null, gap: true })
      Object.assign(sessions, { status: 'stale', hitRateLow: 0.812, note: `${sessions.note} Data missing since ${from.slice(0, 10)}.` })
      await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(rows) })
    })
    await page.goto(`${s.url}/login?token=${TOKEN}&next=${encodeURIComponent(`/dashboard?asOf=${asOf}`)}`)
    await expect(page.locator('#silent .banner')).toContainText('No events since')
    await expect(page.locator('#silent .banner')).toHaveAttribute('data-site', 'demo-shop')
    const card = page.locator('.card[data-kpi="sessions"]')
    await expect(card.locator('.chart')).toHaveAttribute('data-gaps', '1')
    await expect(card.locator('.legend')).toContainText('no data')
    await card.screenshot({ path: 'test-results/dashboard-gap.png' })
    await expect(card.locator('.badge')).toHaveText('stale')
    await expect(card.locator('.sum')).toContainText(/Data missing since \d{4}-\d{2}-\d{2}/)
    await expect(card.locator('.sum')).toContainText('at least 81.2% with 95 % confidence')
    // The gap weeks are in the table as "no data", with no value (never 0).
    const gapRows = card.locator('details.numbers tbody tr', { hasText: 'no data' })
    await expect(gapRows).not.toHaveCount(0)
    for (const row of await gapRows.all()) await expect(row.locator('td').first()).toHaveText('—')
    const row = page.locator('#commitments tr[data-kpi="sessions"]')
    await expect(row).toHaveAttribute('data-status', 'stale')
    await expect(row.locator('td[data-label="Hit rate, 95 % low"]')).toHaveText('81.2%')
    await expect(row.locator('td[data-label="Missing data"]')).toHaveText(/^\d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}$/)
    expect(problems).toEqual([])
  } finally {
    await close()
    await s.close()
  }
})
