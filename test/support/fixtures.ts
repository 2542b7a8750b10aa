import { test as base, expect, type Page } from '@playwright/test'
import { startServer, type TestServer } from './server'

export { expect }
export { sitePage, nameOf, STUB } from './server'

/**
 * `server`: a fresh test server + collector on 127.0.0.1 for each test. Every page of the test
 * starts with the stub already defined and one call queued in it, `on('live')`: the core replays
 * it before it adds footfall-live.js, which emits `live` once it has started (see `ready`).
 */
export const test = base.extend<{ server: TestServer }>({
  server: async ({}, use) => {
    const s = await startServer()
    await use(s)
    await s.close()
  },
  context: async ({ context }, use) => {
    await context.addInitScript(() => {
      const w = window as any
      w.footfall = function () {
        ;(w.footfall.q = w.footfall.q || []).push(arguments)
      }
      w.footfall('on', 'live', () => (w.ffLive = true))
      w.ffLive = false
    })
    await use(context)
  },
})

/**
 * The script tag is ready: the core has started and the part it adds at start (footfall-live.js:
 * sending, SPA routes, engagement, clicks) has run. (Pages of a context a test opened itself have
 * no such signal: there only the core is waited for.)
 */
export const ready = (page: Page) => page.waitForFunction(() => !!(window as any).footfall?.track && (window as any).ffLive !== false)
