import { describe, expect, it } from 'vitest'
import { stringify, tooBig } from '../../../src/browser/lib/json'

describe('stringify', () => {
  it('writes the same JSON as JSON.stringify for sanitised values', () => {
    const v = { a: 1, b: 'x"y\\z\n\u2028', c: [true, null, 2.5], d: { e: [] }, f: undefined, g: -0, h: 'ü€😀' }
    expect(JSON.parse(stringify(v))).toEqual(JSON.parse(JSON.stringify(v)))
  })
  it('ignores Array.prototype.toJSON and Object.prototype additions', () => {
    ;(Array.prototype as any).toJSON = () => 'broken'
    ;(Object.prototype as any).polluted = 1
    try {
      expect(stringify({ list: [1, 2] })).toBe('{"list":[1,2]}')
    } finally {
      delete (Array.prototype as any).toJSON
      delete (Object.prototype as any).polluted
    }
  })
  it('writes non-finite numbers as null', () => {
    expect(stringify([NaN, Infinity])).toBe('[null,null]')
  })
  it('measures UTF-8 bytes only near the limit', () => {
    expect(tooBig('a'.repeat(100), 32768)).toBe(false)
    expect(tooBig('€'.repeat(11000), 32768)).toBe(true) // 33,000 bytes in 11,000 chars
    expect(tooBig('a'.repeat(32768), 32768)).toBe(false)
  })
})
