import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser } from '@playwright/test'
import { chromiumArgs, chromiumPath } from '../../test/support/chromium'
import type { TestServer } from '../../test/support/server'
import type { Fault } from './endpoint'
import { expect, persisted, settle, site, track, visit, type BrowserContext, type Endpoint, type Page, type Row } from './harness'

export interface Fx {
  page: Page
  context: BrowserContext
  browser: Browser
  server: TestServer
  ep: Endpoint
}

/** `full`: the sizes of `npm run faults`; otherwise a small version for `npm test`. */
export type Scenario = (f: Fx, full: boolean) => Promise<Row>

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const untilFaultEnds = (ms: number) => {
  const end = Date.now() + ms
  return () => Date.now() < end
}

/** The collector misbehaves (per `during`) for `ms` while `n` events are tracked, then recovers. */
const outage =
  (name: string, during: (n: number) => Fault, ms: [number, number], n: [number, number]) =>
  async ({ page, server, ep }: Fx, full: boolean): Promise<Row> => {
    const on = untilFaultEnds(ms[+full])
    ep.fault = (k) => (on() ? during(k) : undefined)
    site(server, ep)
    await visit(page, server.url)
    await track(page, n[+full])
    while (on()) await sleep(50)
    return settle(ep, name, n[+full] + 1, Date.now())
  }

/** Gaps between consecutive requests, in seconds: the shortest tells whether Retry-After held. */
const minGap = (ep: Endpoint, upTo: number) => {
  let gap = Infinity
  for (let i = 1; i < upTo; i++) gap = Math.min(gap, ep.requests[i].at - ep.requests[i - 1].at)
  return (gap / 1e3).toFixed(1)
}

export const scenarios: Record<string, Scenario> = {
  'collector refusing connections (20 s)': async ({ page, server, ep }, full) => {
    site(server, ep)
    await page.goto(server.url + '/')
    await ep.refuse()
    const t = Date.now()
    const n = full ? 300 : 50
    await track(page, n)
    await sleep((full ? 20e3 : 3e3) - (Date.now() - t))
    await ep.accept()
    return settle(ep, 'collector refusing connections ' + (full ? '(20 s)' : '(3 s)'), n + 1, Date.now())
  },

  'collector answering 500 (20 s)': outage('collector answering 500 (20 s)', () => 500, [3e3, 20e3], [50, 300]),

  '503 with Retry-After: 3 (10 s)': async (f, full) => {
    const row = await outage('503 with Retry-After: 3 (10 s)', () => ({ status: 503, headers: { 'Retry-After': '3' } }), [7e3, 10e3], [50, 300])(f, full)
    row.notes = `shortest gap between failed requests ${minGap(f.ep, 3)} s`
    return row
  },

  '429 with Retry-After: 2 (10 s)': async (f, full) => {
    const row = await outage('429 with Retry-After: 2 (10 s)', () => ({ status: 429, headers: { 'Retry-After': '2' } }), [5e3, 10e3], [50, 300])(f, full)
    row.notes = `shortest gap between failed requests ${minGap(f.ep, 3)} s`
    return row
  },

  'connection reset mid-response (stored, never acknowledged)': outage(
    'connection reset mid-response (stored, never acknowledged)',
    (k) => (k % 2 ? 'cut' : 'reset'),
    [3e3, 10e3],
    [100, 500],
  ),

  '200 with an HTML body (captive portal, 10 s)': outage(
    '200 with an HTML body (captive portal, 10 s)',
    () => ({ status: 200, headers: { 'Content-Type': 'text/html' }, body: '<!doctype html><title>Sign in to Wi-Fi</title>' }),
    [3e3, 10e3],
    [50, 300],
  ),

  'collector taking 30 s to answer': async ({ page, server, ep }, full) => {
    const on = untilFaultEnds(full ? 30e3 : 3e3)
    ep.fault = () => (on() ? { delay: full ? 30e3 : 3e3 } : undefined)
    site(server, ep)
    const t = Date.now()
    await visit(page, server.url)
    await track(page, full ? 300 : 50)
    return settle(ep, 'collector taking 30 s to answer', (full ? 300 : 50) + 1, t, { notes: 'time counted from the first event' })
  },

  'offline for a minute, 500 events tracked meanwhile': async ({ page, server, ep, context }, full) => {
    site(server, ep)
    await visit(page, server.url)
    await context.setOffline(true)
    const rounds = 10
    const per = full ? 50 : 10
    for (let k = 0; k < rounds; k++) {
      await track(page, per, k * per)
      await sleep((full ? 60e3 : 3e3) / rounds)
    }
    await context.setOffline(false)
    return settle(ep, 'offline for a minute, 500 events tracked meanwhile', rounds * per + 1, Date.now())
  },

  'queue overflow: 5,600 events while the collector is down': async ({ page, server, ep }) => {
    let down = true
    ep.fault = () => (down ? { status: 503, headers: { 'Retry-After': '1' } } : undefined)
    site(server, ep)
    await visit(page, server.url)
    const drops: number[] = []
    await page.exposeFunction('ffDrop', (n: number) => drops.push(n))
    await page.evaluate(() => (window as any).footfall.on('drop', (d: any) => (window as any).ffDrop(d.ids.length)))
    await track(page, 5600, 0, 200)
    // The drop happens when the queue is trimmed, at the next flush attempt.
    await expect.poll(() => drops.reduce((a, b) => a + b, 0), { timeout: 20e3 }).toBeGreaterThanOrEqual(601)
    down = false
    const row = await settle(ep, 'queue overflow: 5,600 events while the collector is down', 5601, Date.now())
    const dropped = drops.reduce((a, b) => a + b, 0)
    row.notes = `bound 5,000: ${dropped} oldest dropped (${dropped - 601} pushed out by the first drop report), ${row.reported} reported`
    expect(row.reported).toBe(dropped)
    return row
  },

  'navigation away mid-flush, then a new visit': async ({ page, server, ep }, full) => {
    const on = untilFaultEnds(2e3)
    ep.fault = () => (on() ? { delay: 1e3 } : undefined)
    site(server, ep)
    await visit(page, server.url)
    const n = full ? 200 : 50
    await page.evaluate((n) => {
      for (let i = 0; i < n; i++) (window as any).footfall.track('ff_fault', { i })
      ;(window as any).footfall.flush()
      setTimeout(() => (location.href = '/away'), 10)
    }, n)
    await page.waitForURL('**/away')
    const t = Date.now()
    await visit(page, server.url)
    return settle(ep, 'navigation away mid-flush, then a new visit', n + 2, t)
  },

  'page.close() mid-flush, then a new visit': async ({ context, server, ep }, full) => {
    ep.fault = () => ({ delay: 1e3 })
    site(server, ep)
    const first = await context.newPage()
    await visit(first, server.url)
    const n = full ? 200 : 50
    await track(first, n)
    await persisted(first, 1)
    await expect.poll(() => ep.requests.length).toBeGreaterThan(0)
    await first.close()
    ep.fault = () => undefined
    const t = Date.now()
    await visit(await context.newPage(), server.url)
    return settle(ep, 'page.close() mid-flush, then a new visit', n + 2, t)
  },

  'renderer crash (chrome://crash), then a new visit': async ({ context, server, ep }, full) => {
    // The collector hangs, so the crash comes while a flush is in flight.
    ep.fault = () => ({ delay: 60e3 })
    site(server, ep)
    const first = await context.newPage()
    await visit(first, server.url)
    const n = full ? 300 : 50
    await track(first, n)
    await persisted(first, n + 1)
    await first.goto('chrome://crash').catch(() => {})
    ep.fault = () => undefined
    const t = Date.now()
    await visit(await context.newPage(), server.url)
    return settle(ep, 'renderer crash (chrome://crash), then a new visit', n + 2, t, { notes: 'events written to IndexedDB before the crash' })
  },

  'browser process killed (SIGKILL), then a new visit': async ({ server, ep }, full) => {
    ep.fault = () => ({ delay: 60e3 })
    site(server, ep)
    const dir = mkdtempSync(join(tmpdir(), 'footfall-profile-'))
    const launch = () => chromium.launchPersistentContext(dir, { executablePath: chromiumPath(), args: chromiumArgs })
    try {
      const ctx = await launch()
      const page = ctx.pages()[0] || (await ctx.newPage())
      await visit(page, server.url)
      const n = full ? 300 : 50
      await track(page, n)
      await persisted(page, n + 1)
      // The browser's main process: the oldest one started with this profile.
      const pid = +execFileSync('pgrep', ['-o', '-f', `user-data-dir=${dir}`]).toString().trim()
      process.kill(pid, 'SIGKILL')
      await ctx.close().catch(() => {})
      ep.fault = () => undefined
      const t = Date.now()
      const again = await launch()
      await visit(again.pages()[0] || (await again.newPage()), server.url)
      const row = await settle(ep, 'browser process killed (SIGKILL), then a new visit', n + 2, t)
      await again.close()
      return row
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  },

  'three tabs tracking at once': (f, full) => tabs(f, 3, full ? 500 : 50),
  'ten tabs tracking at once': (f, full) => tabs(f, 10, full ? 200 : 20),

  'IndexedDB missing': storage('IndexedDB missing', () => Object.defineProperty(window, 'indexedDB', { get: () => undefined })),
  'IndexedDB throwing on open': storage('IndexedDB throwing on open', () => {
    IDBFactory.prototype.open = () => {
      throw new DOMException('blocked', 'SecurityError')
    }
  }),
  'IndexedDB quota exceeded on write': storage('IndexedDB quota exceeded on write', () => {
    IDBObjectStore.prototype.put = () => {
      throw new DOMException('quota', 'QuotaExceededError')
    }
  }),
  'localStorage throwing': storage('localStorage throwing', () => {
    for (const m of ['getItem', 'setItem', 'removeItem'] as const)
      Storage.prototype[m] = () => {
        throw new DOMException('denied', 'SecurityError')
      }
  }),

  '10,000-event burst from one page': async ({ page, server, ep }, full) => {
    site(server, ep)
    await visit(page, server.url)
    await page.evaluate(() => {
      ;(window as any).longest = 0
      new PerformanceObserver((l) => l.getEntries().forEach((e) => ((window as any).longest = Math.max((window as any).longest, e.duration)))).observe({ type: 'longtask' })
    })
    const n = full ? 10000 : 2000
    const t = Date.now()
    // 100 calls per task: a busy page, not one frozen loop.
    const perTask = await page.evaluate(async (n) => {
      let worst = 0
      for (let i = 0; i < n; i += 100) {
        const t0 = performance.now()
        for (let k = i; k < i + 100; k++) (window as any).footfall.track('ff_fault', { i: k })
        worst = Math.max(worst, performance.now() - t0)
        await new Promise((r) => setTimeout(r))
      }
      ;(window as any).longest = 0
      return worst
    }, n)
    const row = await settle(ep, '10,000-event burst from one page', n + 1, t)
    const longest = await page.evaluate(() => (window as any).longest)
    row.notes = `${row.reported} dropped at the 5,000-event bound while delivery drained the queue; ${row.requests} requests; 100 track() calls ≤ ${perTask.toFixed(1)} ms; longest task while delivering ${longest ? longest.toFixed(0) + ' ms' : 'none ≥ 50 ms'}`
    return row
  },

  'client clock 2 days behind': async ({ page, server, ep }, full) => {
    const skew = -2 * 864e5
    await page.clock.install({ time: new Date(Date.now() + skew) })
    await page.clock.resume()
    site(server, ep)
    const t = Date.now()
    await visit(page, server.url)
    const n = full ? 100 : 20
    await track(page, n)
    const row = await settle(ep, 'client clock 2 days behind', n + 1, t)
    const stored = ep.messages().filter((m) => m.event == 'ff_fault')
    const off = Math.max(...stored.map((m) => Math.abs(Date.parse(m.timestamp) - Date.parse(m.receivedAt))))
    const orig = Math.min(...stored.map((m) => Date.parse(m.receivedAt) - Date.parse(m.originalTimestamp)))
    row.notes = `corrected timestamp within ${off} ms of receivedAt; originalTimestamp kept (${(orig / 864e5).toFixed(2)} days behind)`
    expect(off).toBeLessThan(10e3)
    expect(orig).toBeGreaterThan(1.9 * 864e5)
    return row
  },

  'hostile page globals': async ({ page, server, ep }, full) => {
    await page.addInitScript(() => {
      ;(Array.prototype as any).toJSON = () => 'broken'
      ;(Object.prototype as any).polluted = 'yes'
      JSON.stringify = () => {
        throw new Error('JSON.stringify replaced')
      }
      // A broken wrapper installed before footfall loads: answers nothing usable.
      ;(window as any).fetch = () => undefined
    })
    site(server, ep)
    await visit(page, server.url)
    const n = full ? 300 : 50
    // A string, not a function with arguments: the polluted prototypes would confuse the test driver's own argument passing.
    await page.evaluate(`for (let i = 0; i < ${n}; i++) footfall.track('ff_fault', { i })`)
    const row = await settle(ep, 'hostile page globals', n + 1, Date.now())
    const stored = ep.messages().filter((m) => m.event == 'ff_fault')
    expect(stored.every((m) => !('polluted' in m) && typeof m.properties.i == 'number')).toBe(true)
    row.notes = 'Array.prototype.toJSON, polluted Object.prototype, JSON.stringify replaced, fetch replaced by a broken wrapper before load (sendBeacon takes over)'
    return row
  },

  'bad track() input of every kind': async ({ page, server, ep }, full) => {
    site(server, ep)
    await visit(page, server.url)
    const rounds = full ? 20 : 3
    const out = await page.evaluate((rounds) => {
      const f = (window as any).footfall
      const cyclic: any = { a: 1 }
      cyclic.self = cyclic
      let deep: any = {}
      const top = deep
      for (let i = 0; i < 20; i++) deep = deep.next = {}
      const bad = [
        () => f.track(),
        () => f.track(''),
        () => f.track('x'.repeat(129)),
        () => f.track(42),
        () => f.track(null),
        () => f.track({}),
        () => f.track(Symbol('s')),
        () => f.track('ff_bad', [1]),
        () => f.track('ff_bad', 'str'),
        () => f.track('ff_bad', 5),
        () => f.track('ff_bad', new Map()),
        () => f.track('ff_bad', new Date()),
        () => f.track('ff_bad', { s: 'x'.repeat(40000) }),
      ]
      const odd = (i: number) => ({ i, fn() {}, sym: Symbol('s'), undef: undefined, big: BigInt(10), when: new Date(0), cyclic, top, ['__proto__']: { x: 1 } })
      let threw = 0
      let good = 0
      for (let r = 0; r < rounds; r++)
        for (const c of bad) {
          try {
            c()
            f.track('ff_fault', odd(good++))
          } catch {
            threw++
          }
        }
      return { threw, good, bad: bad.length * rounds }
    }, rounds)
    expect(out.threw).toBe(0)
    const row = await settle(ep, 'bad track() input of every kind', out.good + out.bad + 1, Date.now())
    row.notes = `${out.bad} bad calls refused (no throw), reported as invalid / too_large; ${out.good} odd-but-valid events sanitised`
    return row
  },
}

async function tabs({ context, server, ep }: Fx, n: number, per: number): Promise<Row> {
  site(server, ep)
  const pages = await Promise.all(Array.from({ length: n }, () => context.newPage()))
  const t = Date.now()
  await Promise.all(pages.map((p) => visit(p, server.url)))
  await Promise.all(pages.map((p, k) => track(p, per, k * per, 20)))
  return settle(ep, `${n === 3 ? 'three' : 'ten'} tabs tracking at once`, n * (per + 1), t, { notes: 'duplicates on the wire stored once' })
}

function storage(name: string, breakIt: () => void): Scenario {
  return async ({ page, server, ep }, full) => {
    await page.addInitScript(breakIt)
    const on = untilFaultEnds(3e3)
    ep.fault = () => (on() ? 503 : undefined)
    site(server, ep)
    await visit(page, server.url)
    const n = full ? 300 : 50
    await track(page, n)
    while (on()) await sleep(50)
    return settle(ep, name, n + 1, Date.now(), { notes: 'memory fallback through a 3 s outage' })
  }
}
