import { test as base, expect, type Page } from '@playwright/test'
import { startServer, type TestServer } from './server'

export { expect }
export { sitePage, nameOf, STUB } from './server'

/**
 * `server`: a fresh test server + collector on 127.0.0.1 for each test. Every page of the test
 * starts with the stub already defined, as a site's snippet defines it.
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
    })
    await use(context)
  },
})

/** The script tag is ready: footfall.js has started (sending, SPA routes, engagement, clicks and chat with it). */
export const ready = (page: Page) => page.waitForFunction(() => !!(window as any).footfall?.track)
