// @vitest-environment node
/**
 * Commitments are computed on people only: the weekly series the commitment report reads from the
 * store leaves crawler and automation sessions out, while messages stored before classes existed
 * (no `context.traffic`) count as people. `now` is pinned.
 */
import { appendFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import type { Commitment } from '../../../src/kpi/commitments'
import type { KpiEvent } from '../../../src/kpi/index'
import { createRunner } from '../../../src/server/kpistore/runner'

const WEEK = 7 * 86_400_000
const FIRST = Date.parse('2026-06-01T10:00:00Z') // a Monday
const NOW = FIRST + 12 * WEEK

it('commitments read a weekly series of people only; old messages without a class count as people', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-traffic-'))
  const page = (id: string, t: number, traffic?: string): KpiEvent => ({
    type: 'page', messageId: id, anonymousId: `v-${id}`, timestamp: new Date(t).toISOString(), receivedAt: new Date(t).toISOString(),
    context: { page: { url: 'https://shop.example/', path: '/', search: '', referrer: '', title: 'Shop' }, sessionId: `s-${id}`, ...(traffic ? { traffic } : {}) } as KpiEvent['context'],
  })
  for (let w = 0; w < 12; w++) {
    const t = FIRST + w * WEEK
    // Two people a week (one stored before classes existed), three crawler sessions and one automated run.
    const events = [page(`old-${w}`, t), page(`h-${w}`, t + 1000, 'human'), ...[0, 1, 2].map((k) => page(`c-${w}-${k}`, t + 2000 + k, 'crawler')), page(`a-${w}`, t + 3000, 'automation')]
    for (const e of events) appendFileSync(join(dir, `${(e.receivedAt as string).slice(0, 10)}.ndjson`), JSON.stringify(e) + '\n')
  }
  const runner = createRunner({ source: { dir }, db: join(dir, 'kpi.duckdb') }, () => {})
  try {
    await runner.opened
    const rows = (await runner.handle({ op: 'commitments', tz: 'UTC', options: { now: NOW, kpis: ['sessions'], scopes: ['overall'] } })) as Commitment[]
    const weeks = rows[0].history.filter((h) => h.value !== null)
    expect(weeks.length).toBeGreaterThanOrEqual(11)
    expect(new Set(weeks.map((h) => h.value))).toEqual(new Set([2]))
    // The series itself says what it left out, and counts everything when asked.
    const series = (await runner.handle({ op: 'series', interval: 'week', tz: 'UTC', from: FIRST, to: FIRST + WEEK })) as any[]
    expect(series[0].overall.sessions).toBe(2)
    expect(series[0].filtered).toEqual({ automation: 1, crawler: 3, 'no-user-agent': 0, spam: 0 })
    const all = (await runner.handle({ op: 'series', interval: 'week', tz: 'UTC', from: FIRST, to: FIRST + WEEK, traffic: 'all' })) as any[]
    expect(all[0].overall.sessions).toBe(6)
  } finally {
    await runner.handle({ op: 'close' })
  }
})
