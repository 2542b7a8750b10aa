import { describe, expect, it } from 'vitest'
import { isPlainObject, sanitize, snapshot } from '../../../src/browser/sanitize'

describe('sanitize', () => {
  it('drops functions, symbols and undefined; BigInt → string; Date → ISO', () => {
    expect(sanitize({ f() {}, s: Symbol(), u: undefined, b: 12n, d: new Date(0), n: 1 })).toEqual({
      b: '12',
      d: '1970-01-01T00:00:00.000Z',
      n: 1,
    })
  })
  it('keeps array positions like JSON does', () => {
    expect(sanitize([1, () => 0, undefined, 'x'])).toEqual([1, null, null, 'x'])
  })
  it('marks cycles but keeps repeated references', () => {
    const shared = { k: 1 }
    const o: any = { a: shared, b: shared }
    o.self = o
    expect(sanitize(o)).toEqual({ a: { k: 1 }, b: { k: 1 }, self: '[Circular]' })
  })
  it('cuts below depth 8', () => {
    let deep: any = { v: 0 }
    for (let i = 1; i < 12; i++) deep = { v: i, next: deep }
    const out = JSON.stringify(sanitize(deep))
    expect(out.match(/"next"/g)!.length).toBe(8)
    expect(out).toContain('[Truncated]')
  })
  it('never copies a __proto__ key into a prototype', () => {
    const evil = JSON.parse('{"__proto__":{"polluted":true},"ok":1}')
    const out = sanitize(evil) as any
    expect(out).toEqual({ ok: 1 })
    expect(({} as any).polluted).toBeUndefined()
  })
  it('turns NaN and Infinity into null', () => {
    expect(sanitize({ a: NaN, b: -Infinity })).toEqual({ a: null, b: null })
  })
})

describe('snapshot', () => {
  it('copies at once what the caller may change later, nested objects included', () => {
    const p: any = { sku: 'a', n: 1, nested: { qty: 1 }, list: [{ x: 1 }] }
    const s = snapshot(p)
    p.sku = 'b'
    p.nested.qty = 2
    p.list[0].x = 2
    p.list.push(3)
    expect(sanitize(s)).toEqual({ sku: 'a', n: 1, nested: { qty: 1 }, list: [{ x: 1 }] })
  })
  it('stops at a reference back to the props instead of copying them again and again', () => {
    const p: any = { a: 1 }
    for (let i = 0; i < 20; i++) p['k' + i] = { back: p }
    const s = snapshot(p) as any
    expect(s.k0).toEqual({ back: '[Circular]' })
  })
})

describe('isPlainObject', () => {
  it('accepts only plain objects', () => {
    expect(isPlainObject({})).toBe(true)
    expect(isPlainObject(Object.create(null))).toBe(true)
    for (const v of [[], new Date(), new Map(), null, 'x', 1, () => 0]) expect(isPlainObject(v)).toBe(false)
  })
})
