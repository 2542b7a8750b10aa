import { defineConfig } from '@playwright/test'
import { chromiumArgs, chromiumPath } from '../../test/support/chromium'

/** The full fault matrix (`npm run faults`): long scenarios, real time, one row each. */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../../test-results/faults',
  timeout: 200e3,
  expect: { timeout: 20e3 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: chromiumPath(), args: chromiumArgs },
  },
})
