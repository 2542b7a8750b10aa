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

/** Resolves once the script-tag build has replaced the stub. */
export const ready = (page: Page) => page.waitForFunction(() => !!(window as any).footfall?.track)
