import { spawn, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import react from '@vitejs/plugin-react'
import vue from '@vitejs/plugin-vue'
import { build, createServer as createVite, type PluginOption } from 'vite'
import { test, expect, nameOf } from '../support/fixtures'
import { freePort } from '../support/ports'
import type { TestServer } from '../support/server'

// footfall/react and footfall/vue in real apps: the package is packed and installed as a site
// installs it, small React Router and Vue Router apps (test/frameworks/) are built with Vite (once,
// in beforeAll), served on 127.0.0.1 with the test collector, and driven in Chromium; so are the
// React app under the Vite dev server and a Next.js App Router app under `next start`.
const root = new URL('../../', import.meta.url).pathname
const work = join(root, 'test-results/frameworks')
const apps = {
  'react-production': { src: 'react', mode: 'production', plugin: () => react() },
  // React's development build is where StrictMode mounts everything twice.
  'react-development': { src: 'react', mode: 'development', plugin: () => react() },
  'vue-production': { src: 'vue', mode: 'production', plugin: () => vue() },
} satisfies Record<string, { src: string; mode: string; plugin: () => PluginOption }>
type App = keyof typeof apps

const sh = (cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) => {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env } })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.stdout}`)
  return r.stdout
}

// One worker builds and runs this file's tests in order (the builds are shared).
test.describe.configure({ mode: 'default' })

/** The packed package (npm pack), installed into each app. */
let tarball = ''

test.beforeAll(async () => {
  test.setTimeout(180e3)
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })
  // The package as published: `npm pack`, then installed from the tarball. The apps live beside that
  // node_modules; React, Vue and their routers resolve further up, from the project's own.
  tarball = join(work, sh('npm', ['pack', root, '--pack-destination', work, '--silent'], work).trim().split('\n').pop()!)
  writeFileSync(join(work, 'package.json'), '{ "private": true, "type": "module" }\n')
  sh('npm', ['install', '--no-save', '--no-package-lock', '--prefer-offline', '--no-audit', '--no-fund', tarball], work)
  for (const [name, app] of Object.entries(apps)) {
    const dir = join(work, name)
    cpSync(join(root, 'test/frameworks', app.src), dir, { recursive: true })
    await build({
      root: dir,
      configFile: false,
      logLevel: 'warn',
      mode: app.mode,
      // Assets are served from where they were built; the app's own routes are served index.html.
      base: `/test-results/frameworks/${name}/dist/`,
      plugins: [app.plugin()],
      define: { 'process.env.NODE_ENV': JSON.stringify(app.mode) },
      build: { outDir: 'dist', emptyOutDir: true, minify: app.mode == 'production' },
    })
  }
})

/** Opens the app's first page; console errors, footfall warnings and failed requests are kept. */
async function open(tab: Page, url: string) {
  const problems: string[] = []
  tab.on('console', (m) => (m.type() == 'error' || /footfall|hydrat/i.test(m.text())) && m.type() != 'debug' && problems.push(m.text()))
  tab.on('pageerror', (e) => problems.push(e.message))
  tab.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`))
  await tab.goto(url)
  return problems
}

const pageViews = (server: TestServer) =>
  [...server.unique().values()].filter((e) => e.type == 'page').map((e) => `${e.properties!.path}${e.properties!.search}`)

/** The page views footfall recorded in the page so far (see the apps' `recorded`). */
const recorded = (tab: Page) => tab.evaluate(() => ((window as any).recorded as string[]).filter((r) => r.startsWith('page ')))

/** Clicks the app's flush button (useFootfall().flush) and waits until the flush settled. */
async function flush(tab: Page) {
  await tab.evaluate(() => ((window as any).flushed = false))
  await tab.locator('#flush').click()
  await tab.waitForFunction(() => (window as any).flushed === true)
}

/**
 * Each route change is one page view: after each, waits until footfall recorded it (a page view
 * settles 300 ms after the URL changes), then checks that the collector received exactly that list.
 */
async function routes(tab: Page, server: TestServer) {
  const steps: [string, () => Promise<unknown>, string][] = [
    ['push', () => tab.getByRole('link', { name: 'About' }).click(), '/about'],
    ['replace', () => tab.locator('#replace').click(), '/products'],
    ['search parameter', () => tab.getByRole('link', { name: 'Shoes' }).click(), '/products?q=shoes'],
    ['back', () => tab.goBack(), '/products'],
    ['forward', () => tab.goForward(), '/products?q=shoes'],
  ]
  const expected = ['/']
  await expect.poll(() => recorded(tab), { message: 'first load' }).toHaveLength(1)
  for (const [what, go, path] of steps) {
    await go()
    await expect(tab.locator('#route'), what).toHaveText(path)
    expected.push(path)
    await expect.poll(() => recorded(tab), { message: what }).toHaveLength(expected.length)
  }
  // An event tracked after the last route change is recorded after any page view a route could
  // have added: once it is, the list is complete.
  await tab.locator('#signup').click()
  await tab.waitForFunction(() => (window as any).recorded.includes('signup_click'))
  await flush(tab)
  await server.waitForCount(1, 'signup_click')
  const signup = [...server.unique().values()].find((e) => nameOf(e) == 'signup_click')!
  expect(signup.properties).toMatchObject({ plan: 'pro', n: 0 })
  expect(signup.context.page.path + signup.context.page.search).toBe('/products?q=shoes')
  expect(pageViews(server)).toEqual(expected)
  expect(await recorded(tab)).toEqual(expected.map((p) => 'page ' + p))
}

/** consent('denied') from the hook: nothing more is recorded or sent, and the ids are gone. */
async function denies(tab: Page, server: TestServer) {
  const before = server.attempts.length
  const seen = (await tab.evaluate(() => (window as any).recorded.length)) as number
  await tab.locator('#deny').click()
  await tab.locator('#signup').click()
  await tab.getByRole('link', { name: 'About' }).click()
  await expect(tab.locator('#route')).toHaveText('/about')
  await flush(tab)
  expect(server.attempts.length).toBe(before)
  expect(await tab.evaluate(() => (window as any).recorded.length)).toBe(seen)
  expect(await tab.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('ff_')))).toEqual([])
}

for (const app of Object.keys(apps) as App[])
  test(`${app}: the first load and each of five route changes are one page view; useTrack and consent work`, async ({ page: tab, server }) => {
    // The built app is served at each of its routes; its assets from where they were built.
    const html = readFileSync(join(work, app, 'dist/index.html'), 'utf8')
    for (const route of ['/', '/about', '/products']) server.pages.set(route, html)
    const problems = await open(tab, server.url + '/')
    if (app == 'react-development') await expect.poll(() => tab.evaluate(() => (window as any).mounts), { message: 'StrictMode mounted twice' }).toBe(2)
    await routes(tab, server)
    await denies(tab, server)
    expect(problems).toEqual([])
  })

test('a Vite SSR build imports both entries and renders in Node without browser globals', async () => {
  const dir = join(work, 'ssr')
  cpSync(join(root, 'test/frameworks/ssr'), dir, { recursive: true })
  await build({
    root: dir,
    configFile: false,
    logLevel: 'warn',
    plugins: [react()],
    build: { ssr: 'entry.tsx', outDir: 'dist', emptyOutDir: true },
  })
  // footfall, React and Vue stay external in the server bundle: Node loads the installed package.
  const script = `const { render } = await import(${JSON.stringify(join(dir, 'dist/entry.js'))}); console.log(await render())`
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' })
  expect(r.stderr).toBe('')
  expect(r.status).toBe(0)
  expect(r.stdout).toContain('Sign up</button>')
  expect(r.stdout).toContain('<p>vue</p>')
  expect(r.stdout).not.toContain('[footfall]')
})

test('react-dev-server: under the Vite dev server (StrictMode, a hot reload of the provider) footfall starts once and counts each route once', async ({
  page: tab,
  server,
}) => {
  const dir = join(work, 'react-dev-server')
  cpSync(join(root, 'test/frameworks/react'), dir, { recursive: true })
  // A build earlier in this process set NODE_ENV to production: the dev server needs React's development build.
  const env = process.env.NODE_ENV
  process.env.NODE_ENV = 'development'
  const vite = await createVite({
    root: dir,
    configFile: false,
    logLevel: 'warn',
    plugins: [react()],
    // The app sends to its own origin, as in production; the dev server passes /collect on.
    server: { host: '127.0.0.1', port: await freePort(), strictPort: true, proxy: { '/collect': server.url } },
  })
  try {
    await vite.listen()
    const problems = await open(tab, vite.resolvedUrls!.local[0])
    await expect.poll(() => tab.evaluate(() => (window as any).mounts), { message: 'StrictMode mounted twice' }).toBe(2)
    await expect.poll(() => recorded(tab), { message: 'first load' }).toEqual(['page /'])
    await tab.getByRole('link', { name: 'About' }).click()
    await expect.poll(() => recorded(tab), { message: 'push' }).toEqual(['page /', 'page /about'])
    // Edit the module that renders the provider, adding a hook to App: Fast Refresh then remounts
    // App and everything in it, the provider included, whose effect runs again.
    const app = join(dir, 'App.tsx')
    const edited = readFileSync(app, 'utf8')
      .replace(/>(\s*)Sign up(\s*)</, '>$1Sign up now$2<')
      .replace('export function App() {', 'export function App() {\n  useState(0)')
    expect(edited).toContain('Sign up now')
    expect(edited).toContain('useState(0)')
    writeFileSync(app, edited)
    // Vite's watcher leaves test-results/ alone (Playwright writes there): it is told of the edit.
    vite.watcher.emit('change', app)
    await expect(tab.locator('#signup')).toHaveText('Sign up now')
    expect(await tab.evaluate(() => (window as any).mounts), 'remounted by the hot update').toBeGreaterThan(2)
    await tab.locator('#replace').click()
    await expect.poll(() => recorded(tab), { message: 'replace' }).toEqual(['page /', 'page /about', 'page /products'])
    await tab.locator('#signup').click()
    await tab.waitForFunction(() => (window as any).recorded.includes('signup_click'))
    await flush(tab)
    await server.waitForCount(1, 'signup_click')
    expect(pageViews(server)).toEqual(['/', '/about', '/products'])
    expect(problems).toEqual([])
  } finally {
    await vite.close()
    process.env.NODE_ENV = env
  }
})

test('the types of footfall/react and footfall/vue check in an app, with bundler and nodenext resolution', () => {
  test.setTimeout(120e3)
  const dir = join(work, 'types')
  cpSync(join(root, 'test/frameworks/types'), dir, { recursive: true })
  const tsc = join(root, 'node_modules/typescript/bin/tsc')
  for (const [module, resolution] of [['esnext', 'bundler'], ['nodenext', 'nodenext']]) {
    const args = ['--noEmit', '--strict', '--target', 'es2022', '--lib', 'es2022,dom,dom.iterable', '--jsx', 'react-jsx', '--types', 'react']
    const r = spawnSync(process.execPath, [tsc, ...args, '--module', module, '--moduleResolution', resolution, 'app.tsx'], { cwd: dir, encoding: 'utf8' })
    expect(r.stdout, resolution).toBe('')
    expect(r.status, resolution).toBe(0)
  }
})


test('next-production: Next.js App Router (FootfallProvider in app/layout) counts each route change once; useTrack and consent work', async ({
  page: tab,
  server,
}) => {
  test.skip(!!process.env.FOOTFALL_SKIP_NEXT, 'FOOTFALL_SKIP_NEXT is set')
  test.setTimeout(240e3)
  // Next.js and its React are the app's own: installed from test/frameworks/next's lockfile into a
  // folder of their own (npm's cache makes it quick), footfall from the packed tarball.
  const dir = mkdtempSync(join(tmpdir(), 'footfall-next-'))
  const next = join(dir, 'node_modules/next/dist/bin/next')
  let child: ReturnType<typeof spawn> | undefined
  try {
    cpSync(join(root, 'test/frameworks/next'), dir, { recursive: true })
    sh('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], dir)
    mkdirSync(join(dir, 'node_modules/footfall'))
    sh('tar', ['-xzf', tarball, '-C', join(dir, 'node_modules/footfall'), '--strip-components=1'], dir)
    sh(process.execPath, [next, 'build'], dir, { COLLECTOR: server.url + '/collect', NEXT_TELEMETRY_DISABLED: '1' })
    const port = await freePort()
    child = spawn(process.execPath, [next, 'start', '-H', '127.0.0.1', '-p', String(port)], { cwd: dir, stdio: 'ignore', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } })
    const url = `http://127.0.0.1:${port}/`
    await expect.poll(() => fetch(url).then((r) => r.status, () => 0), { timeout: 30e3 }).toBe(200)
    const problems = await open(tab, url)
    await routes(tab, server)
    await denies(tab, server)
    expect(problems).toEqual([])
  } finally {
    child?.kill()
    rmSync(dir, { recursive: true, force: true })
  }
})
