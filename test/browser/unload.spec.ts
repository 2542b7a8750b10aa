import { expect, queued, site, test, visit } from '../../bench/faults/harness'
import { sitePage } from '../support/fixtures'
import type { Endpoint } from '../../bench/faults/harness'
import type { Page } from '@playwright/test'

/** The `ff_fault` events the reference collector stored, and how many copies of them reached it. */
const arrived = (ep: Endpoint) => {
  const ids = [...ep.seen].filter(([, e]) => e.name == 'ff_fault').map(([id]) => id)
  return { unique: ids.length, copies: ids.reduce((n, id) => n + ep.copies.get(id)!, 0) }
}

/** 20 events, then straight to another page (as the benchmark's unload row does). */
const leave = async (page: Page) => {
  await page.evaluate(() => {
    for (let i = 0; i < 20; i++) (window as any).footfall.track('ff_fault', { i })
    location.href = '/away'
  })
  await page.waitForURL('**/away')
}

/** The next visit has sent or asked about everything the previous page left in IndexedDB. */
const settled = async (page: Page, ep: Endpoint) => {
  await expect.poll(() => [...ep.seen.values()].filter((e) => e.name == 'page').length).toBe(2)
  await expect.poll(() => queued(page)).toBe(0)
}

test.describe('what left with keepalive as the page went away', () => {
  test('is not sent again on the next visit: 20 tracked, 20 arrivals in all (footfall collector)', async ({ page, server, ep }) => {
    site(server, ep)
    await visit(page, server.url)
    await leave(page)
    await expect.poll(() => arrived(ep).unique).toBe(20)
    expect(arrived(ep).copies, 'copies while leaving').toBe(20)
    await visit(page, server.url)
    await settled(page, ep)
    expect(arrived(ep)).toEqual({ unique: 20, copies: 20 })
    // The next page asked rather than sent: its first request named what had left with keepalive.
    const asked = ep.requests.flatMap((r) => r.check || [])
    expect(asked.length).toBeGreaterThan(0)
  })

  test('is sent again when the keepalive request never reached the collector', async ({ page, server, ep }) => {
    site(server, ep)
    await visit(page, server.url)
    await expect.poll(() => [...ep.seen.values()].filter((e) => e.name == 'page').length).toBe(1)
    ep.fault = () => 'reset'
    await leave(page)
    ep.fault = () => undefined
    await visit(page, server.url)
    await settled(page, ep)
    expect(arrived(ep).unique).toBe(20)
    expect(ep.requests.some((r) => r.check?.length)).toBe(true)
  })

  test('is sent again in full to an endpoint that does not answer the question (Segment-compatible)', async ({ page, server }) => {
    // The test server's collector answers {"ok":true} to everything, as a Segment-compatible endpoint would.
    server.pages.set('/', sitePage())
    server.pages.set('/away', '<!doctype html><title>away</title>')
    await visit(page, server.url)
    await page.evaluate(() => {
      for (let i = 0; i < 20; i++) (window as any).footfall.track('ff_fault', { i })
      location.href = '/away'
    })
    await page.waitForURL('**/away')
    await visit(page, server.url)
    await expect.poll(() => queued(page)).toBe(0)
    const ids = new Set(server.events().filter((e) => e.event == 'ff_fault').map((e) => e.messageId))
    expect(ids.size).toBe(20)
    // The next page asked about what had left with keepalive, got no answer it understands, and sent all of it again.
    const check = (r: (typeof server.attempts)[number]) => (r.body as { check?: string[] }).check || []
    const first = server.attempts.findIndex((r) => check(r).length)
    expect(first).toBeGreaterThanOrEqual(0)
    const resent = new Set(server.attempts.slice(first).flatMap((r) => r.body.batch.map((e) => e.messageId)))
    for (const id of check(server.attempts[first])) expect(resent.has(id)).toBe(true)
  })
})
