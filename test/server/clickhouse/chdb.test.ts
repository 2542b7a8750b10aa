// @vitest-environment node
/**
 * The other end of the version range: the same schema and report SQL on a current ClickHouse
 * engine, embedded by the `chdb` package (about 550 MB, so not a dependency: install it with
 * `npm install --no-save chdb`, or point FOOTFALL_CHDB at an installed copy). Skipped without it.
 */
import { createRequire } from 'node:module'
import { afterAll, describe, expect, it } from 'vitest'
import type { ClickHouse } from '../../../src/server/clickhouse/connect'
import { rowsOf } from '../../../src/server/clickhouse/row'
import { schemaStatements } from '../../../src/server/clickhouse/schema'
import type { KpiEvent } from '../../../src/kpi/index'
import { FAR } from '../../../src/server/kpistore/engine'
import { tempDir } from '../collector/helpers'
import { history } from '../kpistore/history'
import { same } from './compare'

type Chdb = { Session: new (path?: string) => { query(sql: string, format?: string): string; close(): void } }
const chdb = ((): Chdb | undefined => {
  const require = createRequire(import.meta.url)
  for (const name of [process.env.FOOTFALL_CHDB, 'chdb']) {
    try {
      if (name) return require(name) as Chdb
    } catch {
      // not installed
    }
  }
  return undefined
})()
if (!chdb) console.warn('chdb tests skipped: chdb is not installed (npm install --no-save chdb)')

const DAY = 86_400_000
let session: InstanceType<Chdb['Session']> | undefined
afterAll(() => session?.close())

describe.skipIf(!chdb)('the same SQL on a current ClickHouse (chdb)', () => {
  it('schema, duplicate inserts and reports ≡ computeKpis', async () => {
    session = new chdb!.Session(tempDir())
    const s = session
    const ch = {
      database: 'eq',
      run: async (sql: string) => s.query(sql, 'TabSeparated'),
      rows: async (sql: string) => s.query(sql, 'JSONEachRow').split('\n').filter(Boolean).map((l) => JSON.parse(l)),
      insert: async (table: string, lines: string) => s.query(`INSERT INTO eq.${table} FORMAT JSONEachRow\n${lines}`),
    } as unknown as ClickHouse
    for (const sql of schemaStatements({ database: 'eq' })) await ch.run(sql)
    expect(await ch.run('SELECT version()')).not.toMatch(/^18\./)
    for (const seed of [1, 2, 3]) {
      await ch.run('TRUNCATE TABLE eq.events')
      await ch.run('TRUNCATE TABLE eq.sessions')
      const all = history({ seed, sessions: 60 }).map((e) => JSON.parse(JSON.stringify(e)) as KpiEvent)
      const half = Math.floor(all.length / 2)
      await ch.insert('events', rowsOf(all.slice(0, half)))
      await ch.insert('events', rowsOf(all.slice(half)))
      await ch.insert('events', rowsOf(all.slice(half - 20, half + 20)))
      const first = Date.parse('2026-03-28T00:00:00Z')
      await same(ch, [-FAR, FAR], all)
      await same(ch, Array.from({ length: 7 }, (_, i) => first + i * DAY), all)
    }
  })
})
