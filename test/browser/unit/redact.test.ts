import { describe, expect, it } from 'vitest'
import { redact } from '../../../src/browser/lib/redact'

describe('redact', () => {
  it.each([
    ['https://shop.example/p?color=red&token=abc', 'https://shop.example/p?color=red&token=REDACTED'],
    ['https://shop.example/?email=a%40b.co&q=mug', 'https://shop.example/?email=REDACTED&q=mug'],
    ['https://shop.example/?ref=bob@mail.example', 'https://shop.example/?ref=REDACTED'],
    ['https://shop.example/?r=bob%40mail.example', 'https://shop.example/?r=REDACTED'],
    ['https://shop.example/?access_token=1&accessToken=2&API-KEY=3&userEmail=4', 'https://shop.example/?access_token=REDACTED&accessToken=REDACTED&API-KEY=REDACTED&userEmail=REDACTED'],
    ['https://shop.example/?password=x&pwd=y&secret=z&session_id=s&sid=t&phone=1&code=c', 'https://shop.example/?password=REDACTED&pwd=REDACTED&secret=REDACTED&session_id=REDACTED&sid=REDACTED&phone=REDACTED&code=REDACTED'],
    // OAuth implicit flow puts the token in the fragment.
    ['https://shop.example/cb#access_token=xyz&state=ok', 'https://shop.example/cb#access_token=REDACTED&state=ok'],
    ['https://shop.example/#/cart?token=t', 'https://shop.example/#/cart?token=REDACTED'],
    // E-mail addresses anywhere, and credentials in the authority.
    ['https://shop.example/users/bob@mail.example/orders', 'https://shop.example/users/REDACTED/orders'],
    ['https://user:pw@shop.example/a', 'https://shop.example/a'],
  ])('%s', (url, out) => {
    expect(redact(url)).toBe(out)
  })

  it('leaves innocent parameters byte for byte', () => {
    const u = 'https://shop.example/search?q=blue%20mug&keyword=a+b&utm_source=news&passage=3&page=2#reviews'
    expect(redact(u)).toBe(u)
  })

  it('gives "" for what is not a URL and keeps ""', () => {
    expect(redact('not a url')).toBe('')
    expect(redact('')).toBe('')
  })
})
