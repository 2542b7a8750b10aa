// @vitest-environment node
/** The silent-site rule on its own: what a site's recent days make normal, and when silence is not. */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createRunner } from '../../../src/server/kpistore/runner'
import { silentSites } from '../../../src/server/kpistore/silent'

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

describe('silent sites in the store', () => {
  it('are answered from what is applied: asking often does not apply the files more often', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'footfall-silent-'))
    const page = (id: string, t: number) =>
      JSON.stringify({ type: 'page', messageId: id, anonymousId: 'v', writeKey: 'shop', timestamp: new Date(t).toISOString(), receivedAt: new Date(t).toISOString(), context: { sessionId: `s-${id}`, traffic: 'human' } }) + '\n'
    appendFileSync(join(dir, '2026-12-06.ndjson'), page('a', Date.parse('2026-12-06T10:00:00Z')))
    const runner = createRunner({ source: { dir }, db: join(dir, 'kpi.duckdb') }, () => {})
    try {
      await runner.opened
      expect(await runner.handle({ op: 'silent', now })).toEqual([{ site: 'shop', since: '2026-12-06T10:00:00.000Z', normalDays: 2 }])
      // A new line on disk: /health's question leaves it for the next micro-batch (or report).
      appendFileSync(join(dir, '2026-12-10.ndjson'), page('b', now - 3_600_000))
      expect(await runner.handle({ op: 'silent', now })).toHaveLength(1)
      await runner.handle({ op: 'wake' })
      // Another instant is another question, asked of what is now applied.
      expect(await runner.handle({ op: 'silent', now: now + 60_000 })).toEqual([])
    } finally {
      await runner.handle({ op: 'close' })
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
