import { describe, expect, it } from 'vitest'
import { attributes } from '../../../src/browser/lib/attributes'
import { inquiryOf } from '../../../src/browser/autocapture/inquiry'

const el = (html: string) => {
  const d = document.createElement('div')
  d.innerHTML = html
  return d.firstElementChild!
}

describe('data-ff-* attributes', () => {
  it('turns kebab-case into snake_case and leaves out the event name and other attributes', () => {
    expect(attributes(el('<button id="b" class="x" data-ff-event="add_to_cart" data-ff-product-id="sku-1" data-ff-item-list-name="Home" data-other="no">'))).toEqual({
      product_id: 'sku-1',
      item_list_name: 'Home',
    })
  })

  it('makes price, quantity and value numbers and drops them when they are not numbers', () => {
    expect(attributes(el('<b data-ff-price="19.99" data-ff-quantity="2" data-ff-value="1e2">'))).toEqual({ price: 19.99, quantity: 2, value: 100 })
    expect(attributes(el('<b data-ff-price="$19" data-ff-quantity="" data-ff-value="  ">'))).toEqual({})
    // Other numeric-looking values stay as written (an id like 007 must keep its zeros).
    expect(attributes(el('<b data-ff-product-id="007">'))).toEqual({ product_id: '007' })
  })
})

describe('inquiry properties', () => {
  it('reads a form’s id and name attributes, never its fields', () => {
    const f = el('<form id="contact" name="quote"><input name="id" value="secret"><input name="name" value="secret"></form>')
    expect(inquiryOf(f)).toEqual({ method: 'form', form_id: 'contact', form_name: 'quote' })
    expect(inquiryOf(el('<form><input name="id" value="secret"></form>'))).toEqual({ method: 'form', form_id: undefined, form_name: undefined })
  })

  it.each([
    ['mailto:Sales@Shop.example?subject=Hi', 'mailto', 'Sales@Shop.example'],
    ['tel:+1-555-0100', 'tel', '+1-555-0100'],
    ['sms:+15550100?body=hello', 'sms', '+15550100'],
    ['https://wa.me/15550100?text=hello', 'whatsapp', 'wa.me/15550100'],
    ['https://api.whatsapp.com/send?phone=15550100&text=hi', 'whatsapp', '15550100'],
    ['whatsapp://send?phone=15550100', 'whatsapp', '15550100'],
  ])('classifies %s', (href, method, target) => {
    expect(inquiryOf(el(`<a href="${href}">`))).toEqual({ method, target })
  })

  it('is custom for anything else', () => {
    expect(inquiryOf(el('<a href="https://example.com/wa.me/1">'))).toEqual({ method: 'custom' })
    expect(inquiryOf(el('<button>'))).toEqual({ method: 'custom' })
  })
})
