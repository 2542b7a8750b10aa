// @vitest-environment node
/**
 * Fair numbers: the collector classifies every message it stores (context.traffic) from the
 * request's User-Agent, the SDK's automation flag and the vendored referrer-spam list; reports
 * count people only and say what they left out.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { classOfAgent, isSpamReferrer, trafficOf } from '../../../src/server/collector/traffic'
import { SPAM_DOMAINS } from '../../../src/server/collector/spam/domains'
import { computeKpis } from '../../../src/kpi/index'
import { AS_ADMIN, envelope, inProcessCollectors, post, request, type Running } from './helpers'

const start = inProcessCollectors()

/** Real User-Agent strings of current crawlers, headless browsers, audits and monitors. */
const CRAWLERS: Record<string, string> = {
  'Googlebot smartphone':
    'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.7444.59 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  Bingbot: 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36',
  GPTBot: 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)',
  AhrefsBot: 'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
  HeadlessChrome: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/142.0.0.0 Safari/537.36',
  'Chrome-Lighthouse':
    'Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/136.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse',
  UptimeRobot: 'Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)',
}
/** Real User-Agent strings of ordinary browsers, an in-app browser among them. */
const BROWSERS: Record<string, string> = {
  Chrome: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
  'Safari iOS': 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1',
  Firefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0',
  'Samsung Internet': 'Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/28.0 Chrome/130.0.0.0 Mobile Safari/537.36',
  Instagram:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 400.0.0.25.75 (iPhone15,3; iOS 18_6; en_US; en; scale=3.00; 1290x2796; 745316218)',
  'Facebook (Android)':
    'Mozilla/5.0 (Linux; Android 14; SM-S911B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/130.0.6723.107 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/489.0.0.57.109;]',
}

const T0 = Date.parse('2026-11-02T10:00:00.000Z')
const SPAM = SPAM_DOMAINS.split('\n').filter(Boolean)[42]

/** One visit: a landing page view from `referrer`, a second page, an add-to-cart. No `sentAt`: the timestamps stay as pinned. */
const visit = (name: string, start = T0, referrer = 'https://www.google.com/', context: Record<string, unknown> = {}) => {
  const ctx = (k: number) => ({
    library: { name: 'footfall', version: '0' },
    page: { url: `https://shop.example/p/${k}`, path: `/p/${k}`, search: '', referrer: k ? 'https://shop.example/p/0' : referrer, title: 'Shop' },
    sessionId: `s-${name}`,
    ...context,
  })
  return [
    envelope({ type: 'page', event: undefined, messageId: `${name}-0`, anonymousId: `a-${name}`, timestamp: new Date(start).toISOString(), context: ctx(0) }),
    envelope({ type: 'page', event: undefined, messageId: `${name}-1`, anonymousId: `a-${name}`, timestamp: new Date(start + 60_000).toISOString(), context: ctx(1) }),
    envelope({ messageId: `${name}-2`, anonymousId: `a-${name}`, timestamp: new Date(start + 90_000).toISOString(), context: ctx(1) }),
  ]
}

const stored = async (r: Running) => (await (await fetch(`${r.url}/events?limit=1000`, { headers: AS_ADMIN })).json()) as any[]
const kpi = async (r: Running, query = '') => (await fetch(`${r.url}/kpi${query}`, { headers: AS_ADMIN })).json()
const classOf = (events: any[], session: string) => new Set(events.filter((e) => e.context.sessionId === session).map((e) => e.context.traffic))

describe('traffic classes', () => {
  it('names crawlers, automated browsers and people from the User-Agent (isbot)', () => {
    for (const [name, ua] of Object.entries(CRAWLERS)) expect(classOfAgent(ua), name).toBe(name === 'HeadlessChrome' ? 'automation' : 'crawler')
    for (const [name, ua] of Object.entries(BROWSERS)) expect(classOfAgent(ua), name).toBe('human')
    expect(classOfAgent(undefined)).toBe('no-user-agent')
    expect(classOfAgent('   ')).toBe('no-user-agent')
    // Scripts announce themselves: curl, Node's fetch.
    expect(classOfAgent('curl/8.5.0')).toBe('crawler')
    expect(classOfAgent('node')).toBe('crawler')
  })

  it('matches spam referrers on their domain and every subdomain, nothing else', () => {
    expect(SPAM).toMatch(/\./)
    expect(isSpamReferrer(`https://${SPAM}/`)).toBe(true)
    expect(isSpamReferrer(`http://www.${SPAM.toUpperCase()}:8080/path?q=1`)).toBe(true)
    expect(isSpamReferrer(`https://user@a.b.${SPAM}./x`)).toBe(true)
    expect(isSpamReferrer(`https://not${SPAM}/`)).toBe(false)
    expect(isSpamReferrer(`https://www.google.com/?q=${SPAM}`)).toBe(false)
    for (const v of ['', 'not a url', 'javascript:alert(1)', 42, null, undefined, {}]) expect(isSpamReferrer(v)).toBe(false)
  })

  it('takes a crawler User-Agent over the SDK flag, the flag over spam, spam over a missing User-Agent', () => {
    const m = (context: unknown) => ({ context })
    expect(trafficOf('crawler', m({ automation: true }))).toBe('crawler')
    expect(trafficOf('human', m({ automation: true }))).toBe('automation')
    expect(trafficOf('human', m({ automation: 'yes' }))).toBe('human')
    expect(trafficOf('no-user-agent', m({ page: { referrer: `https://${SPAM}/` } }))).toBe('spam')
    expect(trafficOf('human', m({ referrer: { url: `https://${SPAM}/` }, page: { referrer: '' } }))).toBe('spam')
    expect(trafficOf('no-user-agent', m('not an object'))).toBe('no-user-agent')
  })

  it('filters every crawler and no ordinary browser; /kpi equals computeKpis with the same filter', async () => {
    const r = await start()
    const agents = { ...CRAWLERS, ...BROWSERS }
    for (const [name, ua] of Object.entries(agents)) {
      expect((await post(`${r.url}/collect`, { batch: visit(name) }, { 'user-agent': ua })).status).toBe(200)
    }
    const events = await stored(r)
    for (const name of Object.keys(CRAWLERS)) expect(classOf(events, `s-${name}`), name).toEqual(new Set([name === 'HeadlessChrome' ? 'automation' : 'crawler']))
    for (const name of Object.keys(BROWSERS)) expect(classOf(events, `s-${name}`), name).toEqual(new Set(['human']))

    const people = await kpi(r)
    expect(people.overall).toMatchObject({ sessions: Object.keys(BROWSERS).length, users: Object.keys(BROWSERS).length, pageViews: 2 * Object.keys(BROWSERS).length })
    expect(people.filtered).toEqual({ automation: 1, crawler: Object.keys(CRAWLERS).length - 1, 'no-user-agent': 0, spam: 0 })
    expect(people.filteredEvents).toEqual({ automation: 3, crawler: 3 * (Object.keys(CRAWLERS).length - 1), 'no-user-agent': 0, spam: 0 })
    expect(people).toEqual(computeKpis(events))
    const everyone = await kpi(r, '?traffic=all')
    expect(everyone.overall.sessions).toBe(Object.keys(agents).length)
    expect(everyone).toEqual(computeKpis(events, { traffic: 'all' }))

    // The same per interval: /kpi/series says what each day left out.
    const series = await (await fetch(`${r.url}/kpi/series?interval=day&from=2026-11-01&to=2026-11-04`, { headers: AS_ADMIN })).json()
    expect(series.map((d: any) => d.overall.sessions)).toEqual([0, Object.keys(BROWSERS).length, 0])
    expect(series[1].filtered.crawler).toBe(Object.keys(CRAWLERS).length - 1)
    expect(series[0].filtered.crawler).toBe(0)
    const all = await (await fetch(`${r.url}/kpi/series?interval=day&from=2026-11-01&to=2026-11-04&traffic=all`, { headers: AS_ADMIN })).json()
    expect(all[1].overall.sessions).toBe(Object.keys(agents).length)
    expect((await fetch(`${r.url}/kpi?traffic=robots`, { headers: AS_ADMIN })).status).toBe(400)
  })

  it('stores the class, never the User-Agent string', async () => {
    const r = await start()
    await post(`${r.url}/collect`, { batch: visit('g') }, { 'user-agent': CRAWLERS['Googlebot smartphone'] })
    const files = readdirSync(r.dataDir).filter((f) => f.endsWith('.ndjson'))
    const text = files.map((f) => readFileSync(join(r.dataDir, f), 'utf8')).join('')
    expect(text).toContain('"traffic":"crawler"')
    expect(text).not.toMatch(/Googlebot|Mozilla|Nexus/)
  })

  it('overwrites a class sent in a posted message', async () => {
    const r = await start()
    await post(`${r.url}/collect`, { batch: visit('forged-bot', T0, '', { traffic: 'human' }) }, { 'user-agent': CRAWLERS.GPTBot })
    await post(`${r.url}/collect`, { batch: visit('forged-person', T0, '', { traffic: 'crawler', automation: false }) }, { 'user-agent': BROWSERS.Firefox })
    const events = await stored(r)
    expect(classOf(events, 's-forged-bot')).toEqual(new Set(['crawler']))
    expect(classOf(events, 's-forged-person')).toEqual(new Set(['human']))
    expect((await kpi(r)).overall.sessions).toBe(1)
  })

  it('gives a request without a User-Agent its own class, reported and not counted as people', async () => {
    const r = await start()
    // node:http sends no User-Agent unless told to.
    const res = await request(`${r.url}/collect`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ batch: visit('bare') }) })
    expect(res.status).toBe(200)
    await request(`${r.url}/collect`, { method: 'POST', headers: { 'content-type': 'text/plain', 'user-agent': '' }, body: JSON.stringify({ batch: visit('blank', T0 + 3_600_000) }) })
    const events = await stored(r)
    expect(classOf(events, 's-bare')).toEqual(new Set(['no-user-agent']))
    expect(classOf(events, 's-blank')).toEqual(new Set(['no-user-agent']))
    const report = await kpi(r)
    expect(report.overall.sessions).toBe(0)
    expect(report.filtered['no-user-agent']).toBe(2)
    expect((await kpi(r, '?traffic=all')).overall.sessions).toBe(2)
  })

  it('counts a browser that says it is automated as automation, its events still stored', async () => {
    const r = await start()
    await post(`${r.url}/collect`, { batch: visit('webdriver', T0, '', { automation: true }) }, { 'user-agent': BROWSERS.Chrome })
    const events = await stored(r)
    expect(events).toHaveLength(3)
    expect(classOf(events, 's-webdriver')).toEqual(new Set(['automation']))
    expect((await kpi(r)).filtered.automation).toBe(1)
  })

  it('makes no Referral session of a spam referrer; an ordinary referral still is one', async () => {
    const r = await start()
    await post(`${r.url}/collect`, { batch: visit('spammed', T0, `https://www.${SPAM}/offer`) })
    await post(`${r.url}/collect`, { batch: visit('referred', T0 + 60_000, 'https://blog.example.org/post') })
    const events = await stored(r)
    expect(classOf(events, 's-spammed')).toEqual(new Set(['spam', 'human']))
    const report = await kpi(r)
    expect(report.byChannel.Referral?.sessions).toBe(1)
    expect(report.overall.sessions).toBe(1)
    expect(report.filtered.spam).toBe(1)
    expect(report).toEqual(computeKpis(events))
    // Counting everything, the spam is a Referral session like any other.
    expect((await kpi(r, '?traffic=all')).byChannel.Referral.sessions).toBe(2)
  })
})
