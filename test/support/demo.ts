import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test as base, expect, type Page } from '@playwright/test'
import { startDemo, type Demo } from '../../demo/server.mjs'

/** Headers that read the demo's reports as its admin (from Node; pages log in instead). */
export const asAdmin = (demo: Demo) => ({ authorization: `Bearer ${demo.token}` })

/**
 * Tests against their own demo server (over the built dist/, a temporary data dir) and a page
 * that fails its test on any script error, dialog or console error (`ignore`: console errors
 * that are expected, such as a refused resource), and on a CSP violation. `now` pins the demo's
 * clock for its reports (and the end of its sample history); the page's own clock is the test's to pin.
 */
export const demoTest = (ignore: RegExp, { now }: { now?: string } = {}) =>
  base.extend<{ demo: Demo; page: Page }>({
    demo: async ({}, use) => {
      const dataDir = await mkdtemp(join(tmpdir(), 'footfall-demo-'))
      const d = await startDemo({ port: 0, dataDir, now })
      await use(d)
      await d.close()
      await rm(dataDir, { recursive: true, force: true })
    },
    // The page is logged in, as QA is after opening the URL `npm run demo` prints.
    page: async ({ page, demo }, use) => {
      const login = await page.request.get(demo.loginUrl, { maxRedirects: 0 })
      expect(login.status()).toBe(303)
      const problems: string[] = []
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
      page.on('dialog', (d) => (problems.push(`dialog: ${d.message()}`), d.dismiss()))
      page.on('console', (m) => m.type() == 'error' && !ignore.test(m.text()) && problems.push(`console: ${m.text()}`))
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.effectiveDirective} ${e.blockedURI} ${e.sample}`))
      })
      await use(page)
      expect(problems).toEqual([])
    },
  })
