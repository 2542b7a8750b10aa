import { defineConfig } from '@playwright/test'
import { chromiumArgs, chromiumPath } from './support/chromium'

export default defineConfig({
  // The SDK's specs and the dashboard's: every *.spec.ts of test/browser and test/dashboard.
  testDir: '.',
  testMatch: ['browser/**/*.spec.ts', 'dashboard/**/*.spec.ts'],
  outputDir: '../test-results/browser',
  timeout: 60e3,
  expect: { timeout: 20e3 },
  fullyParallel: true,
  workers: process.env.CI ? 2 : 2,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: '../test-results/browser.json' }]],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: chromiumPath(), args: chromiumArgs },
  },
})
