import { test, expect, sitePage, ready, nameOf } from '../support/fixtures'

test.describe('script tag and delivery', () => {
  test('replays calls made through the stub before the script loaded, in order', async ({ page, server }) => {
    server.pages.set(
      '/',
      sitePage({
        head: `<script>footfall('track','first',{n:1});footfall('identify','user-7');footfall('track','second',{n:2})</script>`,
      }),
    )
    await page.goto(server.url + '/')
    await server.waitFor((e) => e.some((x) => x.event == 'second'))
    // In the order they reached the collector (the queue keeps recording order).
    const order = [...new Map(server.events().filter((e) => e.type != 'page').map((e) => [e.messageId, e])).values()]
    expect(order.map(nameOf)).toEqual(['first', 'identify', 'second'])
    expect(order[0].userId).toBeUndefined()
    expect(order[2].userId).toBe('user-7')
    // Both call styles work after load.
    await ready(page)
    await page.evaluate(() => {
      ;(window as any).footfall('track', 'call_style')
      ;(window as any).footfall.track('method_style')
    })
    await server.waitFor((e) => ['call_style', 'method_style'].every((n) => e.some((x) => x.event == n)))
  })

  test('sends a page view on load with the page fields and the Segment envelope', async ({ page, server }) => {
    server.pages.set('/products', sitePage({ title: 'Products' }))
    await page.goto(server.url + '/products?color=red&token=s3cret&ref=a@b.co#top', { referer: 'https://www.google.com/' })
    const [pv] = await server.waitForCount(1, 'page')
    expect(pv.type).toBe('page')
    expect(pv.properties).toMatchObject({
      path: '/products',
      title: 'Products',
      referrer: 'https://www.google.com/',
    })
    expect(pv.properties!.url).toContain('color=red')
    expect(pv.properties!.url).not.toContain('s3cret')
    expect(pv.properties!.url).not.toContain('a@b.co')
    expect(pv.properties!.search).toBe('?color=red&token=REDACTED&ref=REDACTED')
    expect(pv.messageId).toMatch(/^[0-9a-f-]{36}$/)
    expect(pv.anonymousId).toMatch(/^[0-9a-f-]{36}$/)
    expect(new Date(pv.timestamp).toISOString()).toBe(pv.timestamp)
    expect(pv.context.library).toEqual({ name: 'footfall', version: expect.stringMatching(/^\d+\.\d+\.\d+/) })
    expect(pv.context.page).toMatchObject({ path: '/products', title: 'Products' })
    expect(pv.context.sessionStart).toBe(true)
    expect(typeof pv.context.sessionId).toBe('string')
    expect(pv.context.locale).toBeTruthy()
    expect(pv.context.timezone).toBeTruthy()
    expect(pv.context.screen!.width).toBeGreaterThan(0)
    const req = server.received[0]
    expect(req.headers['content-type']).toBe('text/plain;charset=UTF-8')
    expect(req.headers.cookie).toBeUndefined()
    expect(req.body.writeKey).toBe('test-site')
    expect(new Date(req.body.sentAt).toISOString()).toBe(req.body.sentAt)
  })

  test('track() keeps the props, time, page and user of the call, though its envelope is built after it returns', async ({ page, server }) => {
    server.pages.set('/', sitePage({ title: 'Home' }))
    await page.goto(server.url + '/')
    await ready(page)
    const seen = await page.evaluate(() => {
      const f = (window as any).footfall
      const log: string[] = []
      f.on('track', (e: any) => e.event != 'engagement' && log.push('listener ' + (e.event || e.type)))
      // A listener that tracks: its event belongs with the one that caused it, before what follows.
      f.on('track', (e: any) => e.event == 'copied' && f.track('mirror', {}))
      const p: any = { sku: 'a', nested: { qty: 1 }, list: [1] }
      const before = Date.now()
      f.track('copied', p)
      log.push('returned')
      // Changed in the same task, after the call: none of it may reach the event.
      p.sku = 'b'
      p.nested.qty = 2
      p.list.push(2)
      // A route change and a login in the same task: the event stays with the page and user of its call.
      history.pushState({}, '', '/next')
      f.page()
      f.identify('user-9')
      f.track('after', {})
      return { log, before }
    })
    // The event is built once the caller's code is done, yet before anything that could change it.
    expect(seen.log).toEqual(['returned', 'listener copied', 'listener mirror', 'listener page', 'listener identify'])
    const ev = await server.waitFor((e) => e.some((x) => x.event == 'after'))
    const copied = ev.find((x) => x.event == 'copied')!
    expect(copied.properties).toEqual({ sku: 'a', nested: { qty: 1 }, list: [1] })
    expect(copied.context.page.path).toBe('/')
    expect(copied.userId).toBeUndefined()
    expect(Date.parse(copied.timestamp)).toBeGreaterThanOrEqual(seen.before)
    const order = [...new Map(server.events().filter((e) => e.event != 'engagement').map((e) => [e.messageId, e])).values()].map(nameOf)
    expect(order.slice(-5)).toEqual(['copied', 'mirror', 'page', 'identify', 'after'])
    const mirror = ev.find((x) => x.event == 'mirror')!
    expect(mirror.context.page.path).toBe('/')
    expect(mirror.userId).toBeUndefined()
    const after = ev.find((x) => x.event == 'after')!
    expect(after.context.page.path).toBe('/next')
    expect(after.userId).toBe('user-9')
  })

  test('delivers 100 track() calls in a few requests', async ({ page, server }) => {
    server.pages.set('/', sitePage())
    await page.goto(server.url + '/')
    await ready(page)
    await page.evaluate(() => {
      for (let i = 0; i < 100; i++) (window as any).footfall.track('burst', { i })
    })
    const ev = await server.waitForCount(100, 'burst')
    expect(new Set(ev.filter((e) => e.event == 'burst').map((e) => e.properties!.i)).size).toBe(100)
    expect(server.received.length).toBeLessThanOrEqual(4)
    for (const r of server.received) expect(r.bytes).toBeLessThanOrEqual(64e3)
  })

  test('keeps every event through a 503 and delivers it when the collector recovers', async ({ page, server }) => {
    let failing = true
    server.reply = () => (failing ? 503 : 200)
    server.pages.set('/', sitePage())
    await page.goto(server.url + '/')
    await ready(page)
    await page.evaluate(() => {
      for (let i = 0; i < 30; i++) (window as any).footfall.track('during_outage', { i })
    })
    await expect.poll(() => server.attempts.length).toBeGreaterThan(0)
    expect(server.received.length).toBe(0)
    failing = false
    await server.waitForCount(30, 'during_outage', 40e3)
    await server.waitForCount(1, 'page')
  })

  test('honours Retry-After on 429', async ({ page, server }) => {
    server.reply = (_r, n) => (n == 1 ? { status: 429, headers: { 'Retry-After': '2' } } : 200)
    server.pages.set('/', sitePage())
    await page.goto(server.url + '/')
    await server.waitForCount(1, 'page', 30e3)
    expect(server.attempts.length).toBe(2)
    expect(server.attempts[1].at - server.attempts[0].at).toBeGreaterThanOrEqual(1900)
  })

  test('waits while offline and delivers everything when back online', async ({ page, server, context }) => {
    server.pages.set('/', sitePage())
    await page.goto(server.url + '/')
    await server.waitForCount(1, 'page')
    await context.setOffline(true)
    await page.evaluate(() => {
      for (let i = 0; i < 50; i++) (window as any).footfall.track('offline', { i })
    })
    await page.evaluate(() => (window as any).footfall.flush())
    await context.setOffline(false)
    await server.waitForCount(50, 'offline')
  })

  test('splits a batch the collector finds too large (413)', async ({ page, server }) => {
    server.reply = (r) => (r.body.batch.length > 10 ? 413 : 200)
    server.pages.set('/', sitePage())
    await page.goto(server.url + '/')
    await ready(page)
    await page.evaluate(() => {
      for (let i = 0; i < 40; i++) (window as any).footfall.track('big_batch', { i })
    })
    await server.waitForCount(40, 'big_batch')
    expect(server.events().filter((e) => e.event == 'footfall_dropped')).toEqual([])
  })

  test('drops only the events the collector refuses (400), and reports the drop', async ({ page, server }) => {
    server.reply = (r) => (r.body.batch.some((e) => e.properties?.poison) ? 400 : 200)
    server.pages.set('/', sitePage())
    await page.goto(server.url + '/')
    await ready(page)
    const drops: unknown[] = []
    await page.exposeFunction('onDrop', (d: unknown) => drops.push(d))
    await page.evaluate(() => {
      ;(window as any).footfall.on('drop', (d: unknown) => (window as any).onDrop(d))
      for (let i = 0; i < 20; i++) (window as any).footfall.track('mixed', { i, poison: i == 7 })
    })
    const ev = await server.waitForCount(19, 'mixed')
    expect(ev.filter((e) => e.event == 'mixed').map((e) => e.properties!.i)).not.toContain(7)
    const [report] = await server.waitForCount(1, 'footfall_dropped')
    expect(report.properties).toEqual({ count: 1, reason: 'rejected' })
    expect(drops).toEqual([{ ids: [expect.any(String)], reason: 'rejected' }])
  })
})

test.describe('nothing lost when the page goes away', () => {
  test('delivers events tracked right before navigating away', async ({ page, server }) => {
    server.pages.set('/', sitePage())
    server.pages.set('/next', '<!doctype html><title>elsewhere</title><p>no footfall here</p>')
    await page.goto(server.url + '/')
    await ready(page)
    await page.evaluate(() => {
      for (let i = 0; i < 20; i++) (window as any).footfall.track('before_leave', { i })
      location.href = '/next'
    })
    await page.waitForURL('**/next')
    await server.waitForCount(20, 'before_leave')
  })

  test('delivers events of a closed tab on the next visit', async ({ context, server }) => {
    // The collector is down while the tab closes, so only the next visit can deliver.
    let down = true
    server.reply = () => (down ? 503 : 200)
    server.pages.set('/', sitePage())
    const first = await context.newPage()
    await first.goto(server.url + '/')
    await ready(first)
    await first.evaluate(async () => {
      for (let i = 0; i < 10; i++) (window as any).footfall.track('closed_tab', { i })
      await (window as any).footfall.flush()
    })
    await first.close({ runBeforeUnload: true })
    expect(server.received.length).toBe(0)
    down = false
    const second = await context.newPage()
    await second.goto(server.url + '/')
    await server.waitForCount(10, 'closed_tab')
  })

  test('a tab closed right after track() delivers then or on the next visit', async ({ context, server }) => {
    server.pages.set('/', sitePage())
    const first = await context.newPage()
    await first.goto(server.url + '/')
    await ready(first)
    await first.evaluate(() => {
      for (let i = 0; i < 5; i++) (window as any).footfall.track('quick_close', { i })
    })
    await first.close({ runBeforeUnload: true })
    const second = await context.newPage()
    await second.goto(server.url + '/')
    await server.waitForCount(5, 'quick_close')
  })
})

test.describe('robustness', () => {
  test('keeps working without IndexedDB', async ({ page, server }) => {
    await page.addInitScript(() => {
      Object.defineProperty(window, 'indexedDB', { get: () => undefined })
    })
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    server.pages.set('/', sitePage())
    await page.goto(server.url + '/')
    await ready(page)
    await page.evaluate(() => {
      for (let i = 0; i < 5; i++) (window as any).footfall.track('no_idb', { i })
    })
    await server.waitForCount(5, 'no_idb')
    expect(errors).toEqual([])
  })

  test('keeps working when IndexedDB throws on open', async ({ page, server }) => {
    await page.addInitScript(() => {
      IDBFactory.prototype.open = () => {
        throw new DOMException('blocked', 'SecurityError')
      }
    })
    server.pages.set('/', sitePage())
    await page.goto(server.url + '/')
    await ready(page)
    await page.evaluate(() => (window as any).footfall.track('idb_throws'))
    await server.waitForCount(1, 'idb_throws')
  })

  test('refuses bad input without breaking the page, and delivers what follows', async ({ page, server }) => {
    const errors: string[] = []
    const warnings: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => m.type() == 'warning' && warnings.push(m.text()))
    server.pages.set('/', sitePage())
    await page.goto(server.url + '/')
    await ready(page)
    const threw = await page.evaluate(() => {
      const f = (window as any).footfall
      const cyclic: any = { a: 1 }
      cyclic.self = cyclic
      let deep: any = {}
      const top = deep
      for (let i = 0; i < 20; i++) deep = deep.next = {}
      const calls = [
        () => f.track(),
        () => f.track(''),
        () => f.track('x'.repeat(129)),
        () => f.track(42),
        () => f.track('bad_props', [1, 2]),
        () => f.track('bad_props', 'str'),
        () => f.track('huge', { s: 'x'.repeat(40000) }),
        () => f.identify({}),
        () => f.consent('maybe'),
        () => f.on('track', 'not a function'),
        () => f('no_such_command'),
        () =>
          f.track('odd_props', {
            fn() {},
            sym: Symbol('s'),
            undef: undefined,
            big: BigInt(10),
            when: new Date(0),
            cyclic,
            top,
          }),
      ]
      let n = 0
      for (const c of calls)
        try {
          c()
        } catch {
          n++
        }
      f.track('after_bad_input')
      return n
    })
    expect(threw).toBe(0)
    const ev = await server.waitFor((e) => e.some((x) => x.event == 'after_bad_input') && e.some((x) => x.event == 'odd_props'))
    const odd = ev.find((e) => e.event == 'odd_props')!.properties!
    expect(odd).toMatchObject({ big: '10', when: '1970-01-01T00:00:00.000Z', cyclic: { a: 1, self: '[Circular]' } })
    expect(odd).not.toHaveProperty('fn')
    expect(odd).not.toHaveProperty('sym')
    expect(odd).not.toHaveProperty('undef')
    expect(JSON.stringify(odd.top).match(/next/g)!.length).toBeLessThanOrEqual(8)
    expect(ev.filter((e) => ['bad_props', 'huge', ''].includes(e.event!))).toEqual([])
    expect(errors).toEqual([])
    expect(warnings.length).toBeGreaterThanOrEqual(10)
    await server.waitFor((e) => e.some((x) => x.event == 'footfall_dropped' && x.properties!.reason == 'invalid'), 20e3, 'invalid report')
  })

  test('survives hostile page globals', async ({ page, server }) => {
    await page.addInitScript(() => {
      ;(Array.prototype as any).toJSON = function () {
        return 'broken'
      }
      ;(Object.prototype as any).polluted = 'yes'
      JSON.stringify = () => {
        throw new Error('JSON.stringify replaced')
      }
    })
    server.pages.set('/', sitePage())
    await page.goto(server.url + '/')
    await ready(page)
    await page.evaluate(() => {
      ;(window as any).fetch = () => {
        throw new Error('fetch replaced')
      }
      ;(window as any).footfall.track('hostile', { list: [1, 2, 3] })
    })
    const ev = await server.waitForCount(1, 'hostile')
    const e = ev.find((x) => x.event == 'hostile')!
    expect(e.properties).toEqual({ list: [1, 2, 3] })
    expect(e).not.toHaveProperty('polluted')
  })

  test('three tabs tracking at once: every event delivered, duplicates counted', async ({ context, server }) => {
    server.pages.set('/', sitePage())
    const tabs = await Promise.all([1, 2, 3].map(() => context.newPage()))
    await Promise.all(tabs.map((t) => t.goto(server.url + '/')))
    await Promise.all(tabs.map((t) => ready(t)))
    await Promise.all(
      tabs.map((t, n) =>
        t.evaluate((n) => {
          for (let i = 0; i < 40; i++) (window as any).footfall.track('multi_tab', { tab: n, i })
        }, n),
      ),
    )
    const ev = await server.waitForCount(120, 'multi_tab')
    expect(ev.filter((e) => e.event == 'multi_tab').length).toBe(120)
    const wire = server.events().filter((e) => e.event == 'multi_tab').length
    console.log(`three tabs: 120 tracked, 120 delivered, ${wire - 120} duplicates on the wire`)
  })
})

test('stub calls apply before the landing page view: on(), consent and identify see it', async ({ page, server }) => {
  server.pages.set(
    '/',
    sitePage({
      attrs: { 'data-consent': 'pending' },
      head: `<script>window.seen=[];footfall('on','track',function(e){seen.push(e.type)});footfall('identify','u-9');footfall('consent','granted')</script>`,
    }),
  )
  await page.goto(server.url + '/')
  const [pv] = await server.waitForCount(1, 'page')
  expect(pv.userId).toBe('u-9')
  expect(await page.evaluate(() => (window as any).seen)).toEqual(['identify', 'page'])
})

test('events a closing page could not store or send are rescued and delivered on the next visit', async ({ context, server }) => {
  // First visit: IndexedDB refuses to open (the queue lives in memory) and the collector refuses
  // everything the first page sends, so neither the store nor the keepalive send keeps these events.
  server.reply = (r) => (String(r.headers.referer).endsWith('/first') ? 503 : 200)
  await context.addInitScript(() => {
    if (location.pathname == '/first')
      IDBFactory.prototype.open = () => {
        throw new DOMException('blocked', 'SecurityError')
      }
  })
  server.pages.set('/first', sitePage())
  server.pages.set('/', sitePage())
  const first = await context.newPage()
  await first.goto(server.url + '/first')
  await ready(first)
  await first.evaluate(() => {
    for (let i = 0; i < 30; i++) (window as any).footfall.track('rescued', { i })
  })
  await first.close({ runBeforeUnload: true })
  const second = await context.newPage()
  await second.goto(server.url + '/')
  const ev = await server.waitForCount(30, 'rescued')
  expect(new Set(ev.map((e) => e.properties!.i)).size).toBe(30)
})

test('a 2xx that a web framework labels text/html ("ok") acknowledges; only an HTML page (captive portal) is retried', async ({ page, server }) => {
  let portal = true
  server.reply = () =>
    portal
      ? { status: 200, headers: { 'Content-Type': 'text/html' }, body: '<!doctype html><title>Sign in to Wi-Fi</title>' }
      : { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: 'ok' }
  server.pages.set('/', sitePage())
  await page.goto(server.url + '/')
  await ready(page)
  const acked: string[] = []
  await page.exposeFunction('onAck', (ids: string[]) => acked.push(...ids))
  await page.evaluate(async () => {
    ;(window as any).footfall.on('ack', (d: { ids: string[] }) => (window as any).onAck(d.ids))
    ;(window as any).footfall.track('behind_portal')
    await (window as any).footfall.flush()
  })
  expect(acked).toEqual([])
  portal = false
  await page.evaluate(() => (window as any).footfall.flush())
  const [e] = await server.waitForCount(1, 'behind_portal')
  await expect.poll(() => acked).toContain(e.messageId)
})
