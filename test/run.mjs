#!/usr/bin/env node
// `npm test`: installs if needed, then typecheck, build, unit tests (vitest) and browser tests
// (Playwright, real Chromium). Ends with one line: "N passed, N failed" over every runner.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'

const root = new URL('..', import.meta.url).pathname
process.chdir(root)
const run = (cmd, args, env = {}) => spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1
const npx = (...args) => run('npx', ['--no-install', ...args])
const step = (title) => console.log(`\n== ${title}`)

const stale = !existsSync('node_modules/.package-lock.json') ||
  statSync('package-lock.json').mtimeMs > statSync('node_modules/.package-lock.json').mtimeMs
if (stale) {
  step('install')
  if (run('npm', ['ci', '--no-audit', '--no-fund']) !== 0) process.exit(1)
}
mkdirSync('test-results', { recursive: true })

step('typecheck')
const typecheck = npx('tsc', '--noEmit', '-p', 'tsconfig.json')
step('build')
const build = run('npm', ['run', 'build', '--silent'])
if (build !== 0) {
  console.log('\nbuild failed: no tests run\n0 passed, 1 failed')
  process.exit(1)
}

const read = (f) => {
  try {
    return JSON.parse(readFileSync(f, 'utf8'))
  } catch {
    return undefined
  }
}

step('unit tests (vitest, happy-dom)')
npx('vitest', 'run', '--config', 'test/vitest.config.ts', '--reporter=default', '--reporter=json', '--outputFile=test-results/unit.json')
const unit = read('test-results/unit.json')
const u = { passed: unit?.numPassedTests ?? 0, failed: unit ? unit.numFailedTests + (unit.numFailedTestSuites ? 0 : 0) : 1 }
if (unit && unit.numFailedTestSuites && !unit.numFailedTests) u.failed += unit.numFailedTestSuites

step('browser tests (Playwright, Chromium)')
npx('playwright', 'test', '--config', 'test/playwright.config.ts')
const browser = read('test-results/browser.json')
const b = browser
  ? { passed: browser.stats.expected + browser.stats.flaky, failed: browser.stats.unexpected + (browser.errors?.length ? 1 : 0) }
  : { passed: 0, failed: 1 }

const passed = u.passed + b.passed
const failed = u.failed + b.failed + (typecheck ? 1 : 0)
console.log(`\nunit: ${u.passed} passed, ${u.failed} failed · browser: ${b.passed} passed, ${b.failed} failed · typecheck: ${typecheck ? 'failed' : 'ok'}`)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
