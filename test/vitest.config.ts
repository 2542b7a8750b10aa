import { defineConfig } from 'vitest/config'

// Unit tests of pure logic in happy-dom (+ fake-indexeddb). Browser behaviour is tested in
// real Chromium by the Playwright suites (the *.spec.ts files of test/browser and test/dashboard).
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    environment: 'happy-dom',
    setupFiles: ['fake-indexeddb/auto'],
    testTimeout: 20e3,
  },
})
