import { appendFileSync } from 'node:fs'
import type { BrowserContext, Page } from '@playwright/test'
import { test as base, expect, sitePage, ready } from '../../test/support/fixtures'
import type { TestServer } from '../../test/support/server'
import { startEndpoint, type Endpoint } from './endpoint'

export { expect, sitePage, ready }

/** One row of the fault matrix. */
export interface Row {
  scenario: string
  /** Events the SDK was asked to record (refused calls included), page views included. */
  tracked: number
  /** Distinct messageIds the reference collector stored. */
  delivered: number
  /** tracked − delivered − dropped-and-reported: must be 0. */
  lost: number
  /** Copies that reached the collector more than once (deduplicated there). */
  duplicates: number
  /** Events footfall gave up on and reported in `footfall_dropped` (sum of `count`). */
  reported: number
  /** Lines the collector stored twice for one messageId: must be 0. */
  storedTwice: number
  /** Requests that reached the collector, whatever the answer. */
  requests: number
  /** Seconds from the end of the fault (or the first event) to the last event stored. */
  seconds: number
  notes?: string
}

/** Rows are appended as JSON lines; `npm run faults` reads them back into the table. */
export const record = (row: Row) => {
  const file = process.env.FAULTS_ROWS
  if (file) appendFileSync(file, JSON.stringify(row) + '\n')
}

/** Scenario events are named `ff_fault`; page views count too. */
const mine = (name: string) => name == 'ff_fault' || name == 'page'

/**
 * Waits until every event is stored or reported dropped (or `timeout` passes), then measures the
 * row from what the reference collector stored. `since` is when the fault ended.
 */
export async function settle(ep: Endpoint, scenario: string, tracked: number, since: number, o: { timeout?: number; notes?: string } = {}): Promise<Row> {
  const count = () => {
    let delivered = 0
    let reported = 0
    for (const [, e] of ep.seen) {
      if (mine(e.name)) delivered++
      else if (e.name == 'footfall_dropped') reported += e.props.count
    }
    return { delivered, reported }
  }
  const end = Date.now() + (o.timeout ?? 150e3)
  for (let c = count(); c.delivered + c.reported < tracked && Date.now() < end; c = count()) await new Promise((r) => setTimeout(r, 100))
  const { delivered, reported } = count()
  let duplicates = 0
  let last = since
  for (const [id, e] of ep.seen)
    if (mine(e.name)) {
      duplicates += ep.copies.get(id)! - 1
      last = Math.max(last, ep.firstStored.get(id)!)
    }
  const lines = ep.stored()
  const row: Row = {
    scenario,
    tracked,
    delivered,
    lost: tracked - delivered - reported,
    duplicates,
    reported,
    storedTwice: [...lines.values()].filter((n) => n > 1).length,
    requests: ep.requests.length,
    seconds: Math.round((last - since) / 100) / 10,
    notes: o.notes,
  }
  // What the endpoint counted must be what the reference collector wrote to disk.
  for (const id of ep.seen.keys()) if (!lines.has(id)) row.lost++
  return row
}

/** Asserts the row's promise: nothing lost, nothing stored twice. */
export const sound = (row: Row) => {
  expect(row, 'nothing lost').toMatchObject({ lost: 0, storedTwice: 0 })
}

/** `ep`: the reference collector behind a fault switch, fresh for each scenario. */
export const test = base.extend<{ ep: Endpoint }>({
  ep: async ({}, use) => {
    const ep = await startEndpoint()
    await use(ep)
    await ep.close()
  },
})

/** Serves footfall pages at `/` (and a plain page at `/away`) that send to the faulty collector. */
export const site = (server: TestServer, ep: Endpoint, attrs: Record<string, string | true> = {}, head = '') => {
  server.pages.set('/', sitePage({ attrs: { 'data-endpoint': ep.url, ...attrs }, head }))
  server.pages.set('/away', '<!doctype html><title>away</title><p>no footfall here</p>')
}

/** Opens the site and waits for footfall. */
export const visit = async (page: Page, url: string) => {
  await page.goto(url + '/')
  await ready(page)
}

/** Tracks `n` scenario events (`ff_fault` {i}), `per` per task so the page stays responsive. */
export const track = (page: Page, n: number, from = 0, per = 1e9) =>
  page.evaluate(
    async ([n, from, per]) => {
      for (let i = from; i < from + n; i++) {
        ;(window as any).footfall.track('ff_fault', { i })
        if ((i - from + 1) % per == 0) await new Promise((r) => setTimeout(r))
      }
    },
    [n, from, per],
  )

/** Events waiting in this origin's IndexedDB queue (what survives the page). */
export const queued = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<number>((ok) => {
        const r = indexedDB.open('footfall')
        r.onsuccess = () => {
          try {
            const c = r.result.transaction('queue').objectStore('queue').count()
            c.onsuccess = () => ok(c.result)
            c.onerror = () => ok(-1)
          } catch {
            ok(-1)
          }
        }
        r.onerror = () => ok(-1)
      }),
  )

/** Waits until the IndexedDB queue holds at least `n` events. */
export const persisted = async (page: Page, n: number) => expect.poll(() => queued(page), { timeout: 20e3 }).toBeGreaterThanOrEqual(n)

export type { BrowserContext, Page, Endpoint }
