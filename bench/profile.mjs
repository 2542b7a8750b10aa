// CPU profile of footfall's track() burst: the script-tag entry built unminified (names kept),
// a CDP Profiler recording around the burst, self time summed per function.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { rollup } from 'rollup'
import nodeResolve from '@rollup/plugin-node-resolve'
import typescript from '@rollup/plugin-typescript'

const INTERVAL = 50 // µs

export async function profileTrack(browser, server, n, tmp) {
  const b = await rollup({
    input: 'src/browser/script.ts',
    plugins: [nodeResolve(), typescript({ tsconfig: 'tsconfig.json', include: ['src/**/*.ts'], noEmit: false, declaration: false, outDir: tmp, outputToFilesystem: false })],
    onwarn() {},
  })
  const { output } = await b.generate({ format: 'iife' })
  await b.close()
  const file = join(tmp, 'footfall-profile.js')
  writeFileSync(file, output[0].code)
  // The profile names lines of the bundle; the line's own code says more than its number.
  const lines = output[0].code.split('\n')
  server.files.set('/footfall-profile.js', file)
  server.pages.set('/profile', () => `<!doctype html><html><head><meta charset="utf-8"><title>profile</title>
<script>window.footfall=window.footfall||function(){(footfall.q=footfall.q||[]).push(arguments)}</script>
<script async src="/footfall-profile.js" data-endpoint="/collect" data-site="bench"></script></head><body><h1>Shop</h1></body></html>`)
  const ctx = await browser.newContext()
  const page = await ctx.newPage()
  await page.goto(server.url + '/profile')
  await page.waitForFunction(() => window.footfall?.track)
  await page.waitForLoadState('networkidle', { timeout: 5e3 }).catch(() => {})
  const cdp = await ctx.newCDPSession(page)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: INTERVAL })
  // console.profile() brackets exactly the synchronous calls: the work footfall defers to its own
  // tasks (building envelopes, storing, sending) is not track()'s cost to the caller.
  const done = new Promise((resolve) => cdp.once('Profiler.consoleProfileFinished', (e) => resolve(e.profile)))
  await page.evaluate((n) => {
    console.profile('track')
    for (let i = 0; i < n; i++) footfall.track('add_to_cart', { product_id: 'sku-1', price: 19.99, currency: 'USD', quantity: 1, tag: 'ffb-profile-' + i + '-' })
    console.profileEnd('track')
  }, n)
  const profile = await done
  await ctx.close()

  const byId = new Map(profile.nodes.map((x) => [x.id, x]))
  const self = new Map()
  let total = 0
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1e3
    const { functionName, url, lineNumber } = byId.get(id).callFrame
    if (functionName == '(idle)') return
    total += dt
    const where = url.endsWith('/footfall-profile.js') ? `line ${lineNumber + 1}: \`${lines[lineNumber].trim().slice(0, 70).replace(/[|`]/g, ' ')}\`` : url ? url.split('/').pop() : ''
    const key = `${functionName || '(anonymous)'}\t${where}`
    self.set(key, (self.get(key) || 0) + dt)
  })
  const top = [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([k, ms]) => {
      const [name, where] = k.split('\t')
      return { name, where: where || '—', ms, share: ms / total }
    })
  return { interval: INTERVAL, total, top }
}
