import { test, expect, nameOf } from '../support/fixtures'

// The ES module build as an SPA would use it, resolved in the browser through an import map.
const page = (body: string) => `<!doctype html><html><head><title>SPA</title>
<script type="importmap">{"imports":{"idb-keyval":"/node_modules/idb-keyval/dist/index.js","web-vitals":"/node_modules/web-vitals/dist/web-vitals.js"}}</script>
</head><body><script type="module">${body}</script></body></html>`

test('the ES module queues calls made before init() and delivers them in order', async ({ page: tab, server }) => {
  server.pages.set(
    '/',
    page(`
      import { init, track, identify, on, flush } from '/dist/footfall.mjs'
      const acked = []
      on('ack', (d) => acked.push(...d.ids))
      track('before_init', { n: 1 })
      identify('user-1')
      const done = flush()
      const t = init({ endpoint: '/collect', site: 'spa', vitals: false })
      track('after_init', { n: 2 })
      await done
      await flush()
      window.result = { acked: acked.length, hasTrack: typeof t.track }
    `),
  )
  const errors: string[] = []
  tab.on('pageerror', (e) => errors.push(e.message))
  await tab.goto(server.url + '/')
  await server.waitFor((e) => e.some((x) => x.event == 'after_init'))
  const order = [...new Map(server.events().map((e) => [e.messageId, e])).values()].map(nameOf)
  expect(order.indexOf('before_init')).toBeLessThan(order.indexOf('after_init'))
  expect(order).toContain('identify')
  expect(order).toContain('page')
  expect(server.events().find((e) => e.event == 'after_init')!.userId).toBe('user-1')
  await expect.poll(() => tab.evaluate(() => (window as any).result)).toEqual({ acked: expect.any(Number), hasTrack: 'function' })
  expect(await tab.evaluate(() => (window as any).result.acked)).toBeGreaterThanOrEqual(4)
  expect(errors).toEqual([])
})

test('a missing endpoint logs an error and sends nothing', async ({ page: tab, server }) => {
  const logs: string[] = []
  tab.on('console', (m) => m.type() == 'error' && logs.push(m.text()))
  server.pages.set('/', page(`import { init, track, flush } from '/dist/footfall.mjs'; init({}); track('nowhere'); await flush(); window.done = true`))
  await tab.goto(server.url + '/')
  await tab.waitForFunction(() => (window as any).done)
  expect(logs.some((l) => l.includes('endpoint'))).toBe(true)
  expect(server.attempts).toEqual([])
})
