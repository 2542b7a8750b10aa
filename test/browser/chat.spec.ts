import { test, expect, sitePage, ready } from '../support/fixtures'
import type { Page } from '@playwright/test'

/** Each vendor: how its documented API opens and closes the widget (what the visitor's click does). */
const VENDORS: Record<string, { open: string; close: string }> = {
  intercom: { open: `Intercom('show')`, close: `Intercom('hide')` },
  crisp: { open: `$crisp.push(['do', 'chat:open'])`, close: `$crisp.push(['do', 'chat:close'])` },
  tawk: { open: `Tawk_API.maximize()`, close: `Tawk_API.minimize()` },
  hubspot: { open: `HubSpotConversations.widget.userOpens()`, close: `HubSpotConversations.widget.close()` },
  zendesk: { open: `zE('messenger', 'open')`, close: `zE('messenger', 'close')` },
  drift: { open: `drift.api.openChat()`, close: `drift.api.hideChat()` },
  livechat: { open: `LiveChatWidget.call('maximize')`, close: `LiveChatWidget.call('minimize')` },
  tidio: { open: `tidioChatApi.open()`, close: `tidioChatApi.close()` },
}

const load = (page: Page, vendor: string) => page.addScriptTag({ url: `/test/support/chat/${vendor}.js` })
const flush = (page: Page) => page.evaluate(() => (window as any).footfall.flush())
const opens = (page: Page, server: any) =>
  flush(page).then(() => server.events().filter((e: any) => e.event == 'chat_open').filter((e: any, i: number, a: any[]) => a.findIndex((x) => x.messageId == e.messageId) == i))

test.describe('chat widgets', () => {
  for (const [vendor, api] of Object.entries(VENDORS)) {
    test(`${vendor}: a widget that loads late reports each opening, not its loading`, async ({ page, server }) => {
      // A controllable clock: the reopening below must come after footfall's 1 s merge window.
      await page.clock.install()
      server.pages.set('/', sitePage())
      await page.goto(server.url + '/')
      await ready(page)
      await load(page, vendor)
      await page.evaluate('footfall.track("loaded")')
      await flush(page)
      await server.waitFor((e) => e.some((x) => x.event == 'loaded'))
      expect(await opens(page, server)).toHaveLength(0)
      await page.evaluate(api.open)
      await page.evaluate(api.open) // already open: not a new opening
      await page.evaluate(api.close)
      await page.clock.fastForward(1100) // a real reopening, not a duplicate report
      await page.evaluate(api.open)
      await flush(page)
      const ev = await server.waitForCount(2, 'chat_open')
      expect(ev.map((e) => e.properties)).toEqual([{ provider: vendor }, { provider: vendor }])
      expect(await opens(page, server)).toHaveLength(2)
    })
  }

  test('intercom: defined after footfall and opened in the same task (the demo shop’s chat button)', async ({ page, server }) => {
    server.pages.set('/', sitePage({ body: `<button id="chat" onclick="var s=document.createElement('script');s.src='/test/support/chat/intercom.js';s.onload=function(){Intercom('show')};document.head.append(s)">Chat</button>` }))
    await page.goto(server.url + '/')
    await ready(page)
    await page.click('#chat')
    await flush(page)
    const [e] = await server.waitForCount(1, 'chat_open')
    expect(e.properties).toEqual({ provider: 'intercom' })
  })

  test('a widget already on the page before footfall loads, and a vendor snippet queue (crisp)', async ({ page, server }) => {
    server.pages.set('/', sitePage({ head: `<script src="/test/support/chat/intercom.js"></script><script>window.$crisp = []</script>` }))
    await page.goto(server.url + '/')
    await ready(page)
    await page.evaluate(`Intercom('show')`)
    await load(page, 'crisp') // Crisp replaces the snippet's array and replays what was queued
    await page.evaluate(VENDORS.crisp.open)
    await flush(page)
    const ev = await server.waitForCount(2, 'chat_open')
    expect(ev.map((e) => e.properties!.provider).sort()).toEqual(['crisp', 'intercom'])
  })

  test('tawk: the site’s own onChatMaximized keeps working, set before or after footfall', async ({ page, server }) => {
    server.pages.set('/', sitePage())
    await page.goto(server.url + '/')
    await ready(page)
    await load(page, 'tawk')
    await page.evaluate(() => {
      const w = window as any
      w.Tawk_API.onChatMaximized = () => (w.siteSaw = (w.siteSaw || 0) + 1)
      w.Tawk_API.maximize()
    })
    await flush(page)
    await server.waitForCount(1, 'chat_open')
    expect(await page.evaluate(() => (window as any).siteSaw)).toBe(1)
  })

  test('autocapture off: no adapter is attached', async ({ page, server }) => {
    server.pages.set('/', sitePage({ attrs: { 'data-autocapture': 'off' } }))
    await page.goto(server.url + '/')
    await ready(page)
    await load(page, 'intercom')
    await page.evaluate(`Intercom('show'); footfall.track('marker')`)
    await flush(page)
    await server.waitFor((e) => e.some((x) => x.event == 'marker'))
    expect(await opens(page, server)).toHaveLength(0)
  })
})
