import { test, expect, sitePage, ready } from '../support/fixtures'

const flush = (page: import('@playwright/test').Page) => page.evaluate(() => (window as any).footfall.flush())

test.describe('declarative capture and inquiries', () => {
  test('data-ff-event clicks become events with snake_case, numeric properties and add_to_cart defaults', async ({ page, server }) => {
    server.pages.set(
      '/',
      sitePage({
        body: `<button id="add" data-ff-event="add_to_cart" data-ff-product-id="sku-1" data-ff-name="Mug" data-ff-price="12.5" data-ff-currency="EUR" data-ff-item-variant="blue"><span id="inner">Add</span></button>
<div data-ff-event="select_item" data-ff-list="home"><button id="two" data-ff-event="add_to_cart" data-ff-product-id="sku-2" data-ff-price="3" data-ff-quantity="4">x</button><p id="card">card</p></div>
<a id="chat" href="#" data-ff-event="chat_open">Chat</a><a id="chat2" href="#" data-ff-event="chat_open" data-ff-provider="intercom">Chat</a>
<button id="bad" data-ff-event="add_to_cart" data-ff-product-id="sku-3" data-ff-price="about 3">bad</button>`,
      }),
    )
    await page.goto(server.url + '/')
    await ready(page)
    await page.click('#inner') // inside the marked element
    await page.click('#two') // the innermost marked element wins
    await page.click('#card')
    await page.click('#chat')
    await page.click('#chat2')
    await page.click('#bad')
    await flush(page)
    const ev = await server.waitForCount(3, 'add_to_cart')
    const [a, b, c] = ev
    expect(a.properties).toEqual({ product_id: 'sku-1', name: 'Mug', price: 12.5, currency: 'EUR', item_variant: 'blue', quantity: 1, value: 12.5 })
    expect(b.properties).toEqual({ product_id: 'sku-2', price: 3, quantity: 4, value: 12 })
    expect(c.properties).toEqual({ product_id: 'sku-3', quantity: 1 })
    const all = await server.waitFor((e) => e.filter((x) => x.event == 'chat_open').length == 2 && e.some((x) => x.event == 'select_item'))
    expect(all.filter((x) => x.event == 'select_item').map((x) => x.properties)).toEqual([{ list: 'home' }])
    expect(all.filter((x) => x.event == 'chat_open').map((x) => x.properties!.provider)).toEqual(['custom', 'intercom'])
  })

  test('elements added after load are captured without binding', async ({ page, server }) => {
    server.pages.set('/', sitePage({ body: '<main id="app"></main>' }))
    await page.goto(server.url + '/')
    await ready(page)
    await page.evaluate(() => {
      const b = document.createElement('button')
      b.id = 'late'
      b.dataset.ffEvent = 'add_to_cart'
      b.dataset.ffProductId = 'late-1'
      // An app handler that stops propagation must not hide the click.
      b.addEventListener('click', (e) => e.stopPropagation())
      document.getElementById('app')!.append(b)
    })
    await page.click('#late')
    await flush(page)
    const [e] = await server.waitForCount(1, 'add_to_cart')
    expect(e.properties!.product_id).toBe('late-1')
  })

  test('inquiry forms and contact links, and no field value is ever sent', async ({ page, server }) => {
    const SECRET = 'hunter2-secret-7f3a'
    server.pages.set(
      '/',
      sitePage({
        body: `<form id="contact" name="contact-us" data-ff-event="inquiry" data-ff-topic="wholesale" onsubmit="event.preventDefault()">
  <input name="id" value="${SECRET}"><input name="name" value="${SECRET}"><input type="email" name="email" value="${SECRET}@example.com">
  <input type="password" name="pw" value="${SECRET}"><textarea name="msg">${SECRET}</textarea><select name="s"><option selected>${SECRET}</option></select>
  <button id="send">Send</button></form>
<form id="search" onsubmit="event.preventDefault()"><input name="q" value="${SECRET}"><button id="find">Find</button></form>
<a id="mail" href="mailto:sales@shop.example?subject=Hi&body=${SECRET}">mail</a>
<a id="tel" href="tel:+15551234567"><b id="telb">call</b></a>
<a id="sms" href="sms:+15557654321?body=${SECRET}">sms</a>
<a id="wa" href="https://wa.me/15551112222?text=${SECRET}">wa</a>
<a id="wa2" href="https://api.whatsapp.com/send?phone=15553334444&text=${SECRET}">wa2</a>
<a id="plain" href="#x">plain</a>
<button id="custom" data-ff-event="inquiry">Request a quote</button>
<script>document.addEventListener('click', (e) => e.target.closest('a') && e.preventDefault()) // stay on the page</script>`,
      }),
    )
    await page.goto(server.url + '/')
    await ready(page)
    await page.fill('textarea', SECRET + ' typed')
    await page.click('#send')
    await page.click('#find')
    for (const id of ['#mail', '#telb', '#sms', '#wa', '#wa2', '#plain', '#custom']) await page.click(id)
    await flush(page)
    const ev = await server.waitForCount(7, 'inquiry')
    expect(ev.map((e) => e.properties)).toEqual([
      { method: 'form', form_id: 'contact', form_name: 'contact-us', topic: 'wholesale' },
      { method: 'mailto', target: 'sales@shop.example' },
      { method: 'tel', target: '+15551234567' },
      { method: 'sms', target: '+15557654321' },
      { method: 'whatsapp', target: 'wa.me/15551112222' },
      { method: 'whatsapp', target: '15553334444' },
      { method: 'custom' },
    ])
    // Every request body that reached the collector, whatever it held.
    for (const r of server.attempts) expect(JSON.stringify(r.body)).not.toContain(SECRET)
    expect(server.attempts.length).toBeGreaterThan(0)
  })

  test('data-autocapture="off" leaves only page views', async ({ page, server }) => {
    server.pages.set(
      '/',
      sitePage({ attrs: { 'data-autocapture': 'off' }, body: `<button id="add" data-ff-event="add_to_cart" data-ff-product-id="a">add</button><a id="mail" href="mailto:a@b.example">m</a>` }),
    )
    await page.goto(server.url + '/')
    await ready(page)
    await page.click('#add')
    await page.click('#mail')
    await page.evaluate(() => (window as any).footfall.track('marker'))
    await flush(page)
    const ev = await server.waitFor((e) => e.some((x) => x.event == 'marker'))
    expect(ev.map((e) => e.event || e.type)).toEqual(['page', 'marker'])
  })
})
