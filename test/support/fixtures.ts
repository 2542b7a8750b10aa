import { test as base, expect, type Page } from '@playwright/test'
import { startServer, type TestServer } from './server'

export { expect }
export { sitePage, nameOf, STUB } from './server'

/** `server`: a fresh test server + collector on 127.0.0.1 for each test. */
export const test = base.extend<{ server: TestServer }>({
  server: async ({}, use) => {
    const s = await startServer()
    await use(s)
    await s.close()
  },
})

/**
 * The script tag is ready: the core has started and the part it adds at start (footfall-live.js:
 * sending, SPA routes, engagement, clicks) has run; its element gives the context back then.
 */
export const ready = (page: Page) =>
  page.waitForFunction(() => {
    const live = document.querySelector('script[src*="footfall-live.js"]')
    return !!(window as any).footfall?.track && !!live && !('ff' in live)
  })
