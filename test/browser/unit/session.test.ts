import { describe, expect, it } from 'vitest'
import { campaignOf, createSessions, SESSION_MS } from '../../../src/browser/session'
import { createKV } from '../../../src/browser/lib/storage'

const clock = () => {
  let t = 1_700_000_000_000
  return { now: () => t, add: (ms: number) => (t += ms) }
}

describe('campaignOf', () => {
  it('reads utm values and click ids, nothing else', () => {
    expect(campaignOf('?utm_source=news&utm_medium=email&utm_campaign=spring&utm_term=mug&utm_content=top&gclid=G1&fbclid=F&msclkid=M&ttclid=T&color=red')).toEqual({
      source: 'news',
      medium: 'email',
      name: 'spring',
      term: 'mug',
      content: 'top',
      gclid: 'G1',
      fbclid: 'F',
      msclkid: 'M',
      ttclid: 'T',
    })
    expect(campaignOf('?color=red&utm_source=')).toEqual({})
  })

  it('never carries an e-mail address', () => {
    expect(campaignOf('?utm_source=news&utm_content=bob%40mail.example')).toEqual({ source: 'news', content: 'REDACTED' })
  })
})

describe('sessions', () => {
  const setup = () => {
    const c = clock()
    const kv = createKV('none')
    return { c, kv, s: createSessions(kv, c.now) }
  }

  it('keeps one session while events come within 30 minutes, and starts a new one after', () => {
    const { c, s } = setup()
    const a = s.touch()
    expect(a.start).toBe(true)
    c.add(SESSION_MS - 1)
    const b = s.touch()
    expect(b).toMatchObject({ start: false, session: { id: a.session.id } })
    c.add(SESSION_MS + 1)
    const d = s.touch()
    expect(d.start).toBe(true)
    expect(d.session.id).not.toBe(a.session.id)
  })

  it('a new campaign starts a new session; pages without one keep the first touch', () => {
    const { c, s } = setup()
    const a = s.touch({ source: 'google', medium: 'cpc' })
    c.add(5e3)
    const b = s.touch({}) // an SPA route without utm
    expect(b.start).toBe(false)
    expect(b.session.c).toEqual({ source: 'google', medium: 'cpc' })
    c.add(5e3)
    expect(s.touch({ source: 'google', medium: 'cpc' }).start).toBe(false) // a reload of the landing URL
    c.add(5e3)
    const d = s.touch({ source: 'news', medium: 'email' })
    expect(d.start).toBe(true)
    expect(d.session.id).not.toBe(a.session.id)
    expect(d.session.c).toEqual({ source: 'news', medium: 'email' })
  })

  it('is shared through storage and survives corrupt storage', () => {
    const { c, kv, s } = setup()
    const a = s.touch()
    c.add(2e3)
    const other = createSessions(kv, c.now) // another tab
    expect(other.touch()).toMatchObject({ start: false, session: { id: a.session.id } })
    kv.write('ff_session', '{"t":"x"')
    c.add(2e3)
    expect(createSessions(kv, c.now).touch().start).toBe(true)
    kv.write('ff_session', '{}')
    expect(createSessions(kv, c.now).touch().start).toBe(true)
  })
})
