import { describe, expect, it, vi } from 'vitest'
import { addToCart, num, str } from '../../../src/browser/platform/cart'
import { requested } from '../../../src/browser/platform/intercept'
import { priceOf } from '../../../src/browser/platform/woocommerce'

describe('platform payloads', () => {
  it('reads numbers from numbers and numeric strings only', () => {
    expect([num(2), num('19.99'), num(' 3 '), num(''), num('two'), num(null), num(Infinity), num({})]).toEqual([2, 19.99, 3, undefined, undefined, undefined, undefined, undefined])
  })

  it('cuts long strings and takes ids as strings', () => {
    expect(str('x'.repeat(500))).toHaveLength(200)
    expect([str(7), str('  '), str({}), str(NaN)]).toEqual(['7', undefined, undefined, undefined])
  })

  it('reads a displayed price in either decimal convention', () => {
    expect(['$19.99', '1.234,56 €', '1,234.56', '12,50', '1.000 ₫', '', 'free'].map(priceOf)).toEqual([19.99, 1234.56, 1234.56, 12.5, 1000, undefined, undefined])
  })

  it('reads only ids and quantities from a cart request, in every body format', () => {
    const fd = new FormData()
    fd.append('form_type', 'product')
    fd.append('id', '41')
    fd.append('quantity', '2')
    fd.append('properties[Engraving]', 'For Jane')
    expect(requested(fd)).toEqual([{ id: '41', quantity: '2' }])
    expect(requested('quantity=3&id=43&note=x')).toEqual([{ quantity: '3', id: '43' }])
    expect(requested('items[0][id]=1&items[0][quantity]=2&items[1][id]=3')).toEqual([{ id: '1', quantity: '2' }, { id: '3' }])
    expect(requested('{"items":[{"id":1,"quantity":2}]}')).toEqual([{ id: 1, quantity: 2 }])
    expect(requested('{"id":16,"quantity":1}')).toEqual([{ id: 16, quantity: 1 }])
    expect([requested(undefined), requested('{bad json'), requested(new Blob())]).toEqual([[], [], []])
  })

  it('makes a sanitised add_to_cart, or a counted drop without a product id', () => {
    const t = { track: vi.fn(), warn: vi.fn() }
    addToCart(t, { product_id: 7, price: '12.5', currency: 'eur', quantity: 'lots', name: 'T'.repeat(1e5) })
    expect(t.track).toHaveBeenCalledWith('add_to_cart', expect.objectContaining({ product_id: '7', price: 12.5, currency: 'EUR', quantity: 1 }))
    expect(t.track.mock.calls[0][1].name).toHaveLength(200)
    addToCart(t, { product_id: null, price: 1 })
    expect(t.warn).toHaveBeenCalledWith(expect.stringContaining('product id'), 'invalid')
    expect(t.track).toHaveBeenCalledTimes(1)
  })
})
