/**
 * ClickHouse for the collector: the sink that relays accepted messages, and optionally the
 * reports served from it. `createCollector({ clickhouse })` and `--clickhouse URL` come here.
 */
import { join } from 'node:path'
import { openClickHouseReports } from './reports'
import { createClickHouseSink, type ClickHouseSinkOptions } from './sink'

export type { ClickHouseSinkStats } from './sink'
export { schemaScript, SCHEMA_VERSION, MIN_VERSION } from './schema'

export interface ClickHouseOptions extends Omit<ClickHouseSinkOptions, 'spoolDir' | 'log'> {
  /** Answer `/kpi`, `/kpi/series` (and what builds on them) from ClickHouse instead of the embedded store. Default false. */
  read?: boolean
}

/** The sink (always) and the reports (when `read`) of a collector whose data lives in `dataDir`. */
export const clickhouseFor = (option: string | ClickHouseOptions | undefined, dataDir: string, log: (line: string) => void) => {
  const o = typeof option === 'string' ? { url: option } : option
  if (!o) return { sink: Promise.resolve(undefined), reports: undefined }
  return {
    sink: createClickHouseSink({ ...o, spoolDir: join(dataDir, 'clickhouse-spool'), log }),
    reports: o.read ? openClickHouseReports({ url: o.url, applySchema: o.applySchema, ttlDays: o.ttlDays, log }) : undefined,
  }
}
