import type { Page } from '@playwright/test'

/** Helpers of the platform (Shopify, WooCommerce) browser tests. */
export const flush = (page: Page) => page.evaluate(() => (window as any).footfall.flush())
/** What the theme's own handlers saw. */
export const saw = (page: Page) => page.evaluate(() => (window as any).themeSaw)
/** Resolves once footfall-platform.js has run (it wraps fetch). */
export const wrapped = (page: Page) => page.waitForFunction(() => !/\[native code\]/.test(String(window.fetch)))
export const carts = (server: any) => server.events().filter((e: any) => e.event == 'add_to_cart')

/** Tracks a marker and waits for it: everything the page recorded before has reached the collector. */
export const settle = async (page: Page, server: any) => {
  await page.evaluate(`footfall.track('marker')`)
  await flush(page)
  await server.waitFor((e: any[]) => e.some((x) => x.event == 'marker'))
}
