import { expect } from 'vitest'
import type { ClickHouse } from '../../../src/server/clickhouse/connect'
import { reportFrom } from '../../../src/server/clickhouse/reports'
import { computeKpis, type KpiEvent } from '../../../src/kpi/index'
import { FAR } from '../../../src/server/kpistore/engine'

/** Each interval of `bounds` equals computeKpis over it, counting people only and counting everything. */
export const same = async (ch: ClickHouse, bounds: number[], events: KpiEvent[]) => {
  for (const traffic of ['human', 'all'] as const) {
    for (const { from, to, ...got } of await reportFrom(ch, bounds, undefined, traffic)) {
      expect(got).toEqual(computeKpis(events, from === -FAR ? { traffic } : { from, to, traffic }))
    }
  }
}
