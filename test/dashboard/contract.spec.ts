import { expect } from '@playwright/test'
import type { Demo } from '../../demo/server.mjs'
import { asAdmin, demoTest } from '../support/demo'

/**
 * The commitment in the contract, in the dashboard: annotate a day taken from a chart, save the
 * commitment as of a past day, open it and read its review; a hostile note stays text under the
 * dashboard's CSP (the page fails on any script error, dialog or CSP violation).
 */
const NOW = '2026-12-09T12:00:00Z'
const test = demoTest(/Failed to load resource/, { now: NOW })
const HOSTILE = '<img src=x onerror=alert(1)><script>alert(2)</script> & "quotes"'

let demo: Demo
test.beforeEach(({ demo: d }) => void (demo = d))

test('annotate from the chart, save a commitment, open it and review it; a hostile note stays text', async ({ page }) => {
  test.setTimeout(120e3)
  const loaded = await fetch(`${demo.url}/demo/sample`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events: 30_000 }) })
  expect(loaded.status).toBe(200)
  await expect.poll(async () => (await fetch(`${demo.url}/commitments`, { headers: asAdmin(demo) })).status, { timeout: 60e3 }).toBe(200)

  await page.clock.setFixedTime(NOW)
  await page.setViewportSize({ width: 1280, height: 900 })
  await page.goto(`${demo.url}/dashboard?asOf=2026-10-05`)
  const sessions = page.locator('.card[data-kpi="sessions"]')
  await expect(sessions.locator('canvas')).toHaveCount(1)

  // A click on the chart takes its day into the form.
  const over = sessions.locator('.u-over')
  const box = (await over.boundingBox())!
  await over.click({ position: { x: box.width * 0.6, y: box.height / 2 } })
  const day = await page.locator('#annotation-date').inputValue()
  expect(day).toMatch(/^2026-\d\d-\d\d$/)
  await page.selectOption('#annotation-kind', 'note')
  await page.fill('#annotation-note', HOSTILE)
  await page.click('#annotate button[type="submit"]')
  await expect(page.locator('#annotation-said')).toContainText('Added: note')
  const row = page.locator('#annotations-list tbody tr')
  await expect(row).toHaveCount(1)
  await expect(row.locator('td.note-text')).toHaveText(HOSTILE)
  await expect(page.locator('#annotations-list img, #annotations-list script')).toHaveCount(0)
  await expect(sessions.locator('.chart')).toHaveAttribute('data-annotations', '1')
  // Its text is the chart's tooltip where it is drawn.
  await over.hover({ position: { x: box.width * 0.6, y: box.height / 2 } })
  await expect(over).toHaveAttribute('title', new RegExp(`note ${day}: <img src=x`))

  // Save the commitment as of 2026-10-05, then open its review: four weeks per KPI with a floor.
  await page.fill('#saved-name', 'Q4 <b>contract</b>')
  await page.click('#save-commitment button[type="submit"]')
  await expect(page.locator('#saved-said')).toContainText('Saved “Q4 <b>contract</b>”: frozen as computed 2026-10-0')
  await expect(page.locator('#saved-list li')).toHaveCount(1)
  await expect(page.locator('#saved-list strong')).toHaveText('Q4 <b>contract</b>')
  const review = page.locator('#saved-review')
  await expect(review.locator('h3')).toHaveText('Q4 <b>contract</b>')
  const sessionWeeks = review.locator('table.review tbody tr[data-kpi="sessions"][data-scope="overall"]')
  await expect(sessionWeeks).toHaveCount(4)
  for (const result of await sessionWeeks.locator('td:nth-child(6)').allTextContents()) expect(['met', 'missed']).toContain(result)
  await expect(review.locator('canvas.review-chart').first()).toHaveAttribute('aria-label', /^Sessions: 2026-10-05 (met|missed), /)
  await expect(review.locator('ul.summary')).toContainText(/Sessions, All traffic: met \d of 4 judged weeks/)
  // The week with the note is flagged annotated wherever it is one of the committed weeks.
  await expect(review.locator('a', { hasText: 'contract appendix' })).toHaveAttribute('href', /\/commitments\/saved\/c_[0-9a-f]{12}\?format=md/)
  // Opened again after a reload, from the list.
  await page.reload()
  await page.locator('#saved-list button', { hasText: 'Open' }).click()
  await expect(review.locator('table.review tbody tr').first()).toBeVisible()
  await page.screenshot({ path: 'test-results/dashboard-contract.png', fullPage: true })
  // Printed, the opened commitment is the appendix alone: as a PDF, and as a picture of the print layout.
  await expect(review.locator('table.floors tbody tr').first()).toBeVisible()
  await expect(review.locator('.in-force .note-text')).toHaveText(HOSTILE)
  await page.evaluate(() => document.documentElement.classList.add('print-appendix'))
  await page.emulateMedia({ media: 'print' })
  await expect(page.locator('#kpis')).toBeHidden()
  await expect(review.locator('table.review')).toBeVisible()
  await page.pdf({ path: 'test-results/appendix.pdf', format: 'A4', margin: { top: '15mm', bottom: '15mm', left: '12mm', right: '12mm' } })
  await page.setViewportSize({ width: 900, height: 900 })
  // The top of it, for docs/images/appendix.png.
  await page.screenshot({ path: 'test-results/appendix-print.png', fullPage: true, clip: { x: 0, y: 0, width: 900, height: 1300 } })
})
