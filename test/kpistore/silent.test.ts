// @vitest-environment node
/** The silent-site rule on its own: what a site's recent days make normal, and when silence is not. */
import { describe, expect, it } from 'vitest'
import { silentSites } from '../../src/kpistore/silent'

const DAY = 86_400_000
const now = Date.parse('2026-12-10T12:00:00Z')
const today = Math.floor(now / DAY)
/** A site whose recent days with events are `ago` days before today, the last event at noon of the first. */
const site = (name: string, ago: number[]) => ({ site: name, last: (today - ago[0]) * DAY + DAY / 2, days: ago.map((a) => today - a).sort((a, b) => a - b) })

describe('silent sites', () => {
  it('a daily site is silent after more than 2 days without events', () => {
    const daily = (from: number) => Array.from({ length: 28 - from }, (_, i) => from + i)
    expect(silentSites([site('a', daily(2))], now)).toEqual([])
    expect(silentSites([site('a', daily(3))], now)).toEqual([{ site: 'a', since: new Date((today - 3) * DAY + DAY / 2).toISOString(), normalDays: 2 }])
  })

  it('a site quiet every other weekend is given three times its longest quiet run', () => {
    // Events on weekdays only: runs of 2 quiet days, so 6 days of silence are normal.
    const weekdays = Array.from({ length: 28 }, (_, i) => i).filter((a) => ![1, 2, 8, 9, 15, 16, 22, 23].includes(a))
    const s = site('b', [5, ...weekdays.filter((a) => a > 5)])
    expect(silentSites([s], now)).toEqual([])
    expect(silentSites([s], now + 2 * DAY)).toMatchObject([{ site: 'b', normalDays: 6 }])
  })

  it('a site without events in the last 28 days is silent', () => {
    expect(silentSites([{ site: 'c', last: now - 40 * DAY, days: [] }], now)).toMatchObject([{ site: 'c', normalDays: 2 }])
  })
})
