// @vitest-environment node
/** The commitment report as printed: the hit rate beside its 95 % lower bound, missing data, stale rows. */
import { describe, expect, it } from 'vitest'
import { formatCommitments } from '../../../src/server/collector/commitments'
import type { Commitment } from '../../../src/kpi/commitments'

const row: Commitment = {
  kpi: 'sessions', scope: 'overall', class: 'owned', weeks: 44, status: 'stale',
  baseline: [1800, 1810, 1820, 1830], low: [1600, 1600, 1600, 1600], high: [2000, 2000, 2000, 2000],
  commitment: 1500, hitRate: 0.906, hitRateLow: 0.821, changePoints: [], method: 'level',
  gaps: [{ from: '2026-11-02T00:00:00+01:00', to: '2026-12-07T00:00:00+01:00' }],
  note: 'Data missing since 2026-11-02. =cmd|calc',
  history: [{ start: '2026-11-02T00:00:00+01:00', value: null, gap: true }],
  forecast: ['2026-12-07T00:00:00+01:00'],
}

describe('formatCommitments', () => {
  it('prints the hit rate with its lower bound and the missing data in every format', () => {
    const table = formatCommitments([row], 'table')
    expect(table).toContain('90.6 % of 44 wk (≥ 82.1 %)')
    expect(table).toContain('2026-11-02 to 2026-12-07')
    expect(table).toMatch(/Sessions\s+All channels\s+stale/)
    expect(formatCommitments([row], 'md')).toContain('| 90.6 % of 44 wk (≥ 82.1 %) |')
    const [head, line] = formatCommitments([row], 'csv').split('\r\n')
    expect(head).toBe('class,kpi,scope,status,baseline_next_week,commitment,hit_rate,hit_rate_low,backtested_weeks,change_points,gaps,note')
    expect(line).toBe('owned,sessions,overall,stale,1800,1500,0.906,0.821,44,,2026-11-02T00:00:00+01:00/2026-12-07T00:00:00+01:00,Data missing since 2026-11-02. =cmd|calc')
    expect(JSON.parse(formatCommitments([row], 'json'))[0]).toMatchObject({ hitRateLow: 0.821, gaps: row.gaps })
  })

  it('says nothing of missing data or a lower bound the report does not give', () => {
    const plain = { ...row, status: 'full' as const, gaps: [], hitRateLow: null }
    const table = formatCommitments([plain], 'table')
    expect(table).toContain('90.6 % of 44 wk  ')
    expect(table).not.toContain('Missing data:')
  })
})
