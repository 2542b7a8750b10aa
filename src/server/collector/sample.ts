/**
 * Sample history, written as the collector stores it (one NDJSON file per day of arrival,
 * `messageId` first, `receivedAt` stamped): sessions of a few events across channels, with a
 * weekly rhythm, a yearly season, noise, and late arrivals. For the demo's "a year of sample
 * history", the KPI benchmarks and anyone trying the reports before real traffic exists.
 * Deterministic for a seed.
 */
import { mkdir, open } from 'node:fs/promises'
import { join } from 'node:path'

export interface SampleOptions {
  dir: string
  /** About how many events in all. Default 100,000. */
  events?: number
  /** Days of history, ending with `end`'s day. Default 365. */
  days?: number
  /** The last day (UTC). Default today. */
  end?: Date
  seed?: number
  site?: string
  /** Told the events written so far. */
  onProgress?: (written: number, total: number) => void
}

const DAY = 86_400_000
const EVENTS_PER_SESSION = 4.1

// Where sessions come from: [share, campaign, referrer]. Channel follows from these (GA4 rules).
const SOURCES: [number, Record<string, string> | undefined, string][] = [
  [0.3, undefined, ''],
  [0.28, undefined, 'https://www.google.com/'],
  [0.12, { source: 'google', medium: 'cpc', name: 'brand' }, 'https://www.google.com/'],
  [0.08, undefined, 'https://www.instagram.com/'],
  [0.05, { source: 'facebook', medium: 'paid_social', name: 'retargeting' }, 'https://www.facebook.com/'],
  [0.09, { source: 'newsletter', medium: 'email', name: 'weekly' }, ''],
  [0.08, undefined, 'https://blog.example.org/best-gifts'],
]
const PRODUCTS = ['sku-1', 'sku-2', 'sku-3', 'sku-4', 'sku-5', 'sku-6']
const PATHS = ['/', '/products', '/products/sku-1', '/products/sku-2', '/products/sku-3', '/contact']

const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const hex = (r: () => number) => {
  let s = ''
  for (let i = 0; i < 32; i++) s += ((r() * 16) | 0).toString(16)
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-a${s.slice(17, 20)}-${s.slice(20)}`
}

/** Write the sample history; resolves with the number of events written. */
export const writeSample = async ({ dir, events = 100_000, days = 365, end = new Date(), seed = 1, site = 'demo-shop', onProgress }: SampleOptions): Promise<number> => {
  await mkdir(dir, { recursive: true })
  const r = rng(seed)
  const last = Math.floor(end.getTime() / DAY) * DAY
  const first = last - (days - 1) * DAY
  const perDay = events / EVENTS_PER_SESSION / days
  const visitors = Math.max(10, Math.round((events / EVENTS_PER_SESSION) * 0.45))
  /** Lines waiting for their day of arrival (late events). */
  const later = new Map<number, string[]>()
  let written = 0

  for (let day = first; day <= last; day += DAY) {
    const date = new Date(day)
    const weekday = date.getUTCDay()
    const season = 1 + 0.25 * Math.sin(((day - first) / (365 * DAY)) * 2 * Math.PI)
    const rhythm = weekday === 0 || weekday === 6 ? 0.7 : 1.1
    const trend = 1 + (0.15 * (day - first)) / (365 * DAY)
    const noise = 1 + (r() - 0.5) * 0.2
    const sessions = Math.round(perDay * season * rhythm * trend * noise)
    const lines = later.get(day) ?? []
    later.delete(day)
    for (let s = 0; s < sessions; s++) {
      const visitor = `v-${Math.floor(r() * visitors)}`
      const sessionId = hex(r)
      let pick = r()
      const [, campaign, referrer] = SOURCES.find(([share]) => (pick -= share) < 0) ?? SOURCES[0]
      let t = day + Math.floor(r() * DAY)
      const pages = 1 + Math.floor(r() * r() * 5)
      const context = (path: string, ref: string) => ({
        library: { name: 'footfall', version: '0.1.0' },
        page: { url: `https://shop.example${path}`, path, search: '', referrer: ref, title: 'Shop' },
        ...(campaign ? { campaign } : {}),
        sessionId,
        locale: 'en-US',
        timezone: 'Europe/Berlin',
      })
      const emit = (type: string, event: string | undefined, properties: Record<string, unknown>, path: string, ref: string) => {
        const late = r() < 0.02 ? DAY * (1 + Math.floor(r() * 3)) : 0
        const arrive = t + 500 + late
        const line =
          JSON.stringify({
            messageId: hex(r),
            type,
            ...(event ? { event } : {}),
            properties,
            timestamp: new Date(t).toISOString(),
            anonymousId: visitor,
            context: context(path, ref),
            receivedAt: new Date(arrive).toISOString(),
            writeKey: site,
          }) + '\n'
        const arrival = Math.floor(arrive / DAY) * DAY
        if (arrival === day) lines.push(line)
        else if (arrival <= last) (later.get(arrival) ?? later.set(arrival, []).get(arrival)!).push(line)
      }
      let ref = referrer
      for (let p = 0; p < pages; p++) {
        const path = PATHS[Math.floor(r() * PATHS.length)]
        emit('page', undefined, { url: `https://shop.example${path}`, path, search: '', referrer: ref, title: 'Shop' }, path, ref)
        t += 5000 + Math.floor(r() * 60_000)
        if (r() < 0.08) {
          const product = PRODUCTS[Math.floor(r() * PRODUCTS.length)]
          emit('track', 'add_to_cart', { product_id: product, price: 19.99, currency: 'EUR', quantity: 1, value: 19.99 }, path, ref)
        }
        if (r() < 0.015) emit('track', 'inquiry', { method: 'form', form_id: 'contact' }, path, ref)
        if (r() < 0.02) emit('track', 'chat_open', { provider: 'custom' }, path, ref)
        emit('track', 'engagement', { engaged_ms: Math.floor(r() * r() * 40_000), scroll_depth: Math.floor(r() * 100) }, path, ref)
        t += 1000 + Math.floor(r() * 30_000)
        ref = `https://shop.example${path}`
      }
    }
    if (lines.length) {
      const name = date.toISOString().slice(0, 10) + '.ndjson'
      const fh = await open(join(dir, name), 'a')
      try {
        await fh.write(lines.join(''))
      } finally {
        await fh.close()
      }
      written += lines.length
      onProgress?.(written, events)
    }
  }
  return written
}
