import { defineConfig } from '@playwright/test'
import { chromiumArgs, chromiumPath } from './support/chromium'

export default defineConfig({
  testDir: './browser',
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
