/**
 * The ClickHouse sink: accepted messages go to the on-disk spool first (collector/spool.ts, the
 * same mechanics as `--forward`), so acknowledgements never wait on ClickHouse and an outage
 * loses nothing; the spool is inserted into `events` in batches (JSONEachRow), retried with
 * backoff. Batches ClickHouse refuses (parse or type errors) are isolated and moved to `dead/`,
 * counted in `/health`.
 */
import { openSpool, type SpoolStats } from '../collector/spool'
import { connectClickHouse, isRefusal } from './connect'
import { rowsOf } from './row'

export interface ClickHouseSinkOptions {
  /** `http(s)://[user[:password]@]host:8123/[?database=footfall]` */
  url: string
  /** Spool directory (the collector uses `<dataDir>/clickhouse-spool`). */
  spoolDir: string
  /** Create the tables on first connect when missing. Default false. */
  applySchema?: boolean
  /** With applySchema: keep this many days (ClickHouse ≥ 19.6). */
  ttlDays?: number
  /** Gather accepted batches this long before inserting (ClickHouse likes few, large inserts). Default 1000 ms. */
  lingerMs?: number
  /** Most spooled batches and bytes in one insert. Defaults 5,000 and 16 MB. */
  maxInsertFiles?: number
  maxInsertBytes?: number
  /** Most files kept in the spool; beyond it the oldest are dropped and counted. Default 100,000. */
  maxSpoolFiles?: number
  /** Backoff bounds in ms. Defaults 500 and 30,000. */
  minBackoffMs?: number
  maxBackoffMs?: number
  /** Insert timeout in ms. Default 60,000. */
  timeoutMs?: number
  log?: (line: string) => void
}

export interface ClickHouseSinkStats extends Omit<SpoolStats, 'delivered'> {
  /** Messages inserted. */
  inserted: number
  /** Where, without credentials. */
  url: string
}

export const createClickHouseSink = async (options: ClickHouseSinkOptions) => {
  const { log = () => {} } = options
  const ch = connectClickHouse({ url: options.url, timeoutMs: options.timeoutMs ?? 60_000 })
  let schemaReady = !options.applySchema
  let failing = false

  const spool = await openSpool({
    dir: options.spoolDir,
    lingerMs: options.lingerMs ?? 1000,
    maxGroupFiles: options.maxInsertFiles ?? 5000,
    maxGroupBytes: options.maxInsertBytes ?? 16 << 20,
    maxFiles: options.maxSpoolFiles ?? 100_000,
    minBackoffMs: options.minBackoffMs,
    maxBackoffMs: options.maxBackoffMs ?? 30_000,
    async deliver(group) {
      try {
        if (!schemaReady) {
          await ch.applySchema(options.ttlDays)
          schemaReady = true
        }
        await ch.insert('events', rowsOf(group.flatMap((f) => f.batch)))
        if (failing) log(`clickhouse: inserting again into ${ch.where}`)
        failing = false
        return { ok: true }
      } catch (err) {
        const error = (err as Error).message
        const refused = isRefusal(err)
        // One line per outage, not one per retry.
        if (refused || !failing) log(`clickhouse: ${refused ? 'refused a batch (dead-lettered once isolated)' : 'insert failed, spooling and retrying'}: ${error}`)
        failing = !refused
        return { ok: false, retry: !refused, error }
      }
    },
  })

  return {
    /** Spool one accepted batch; resolves once it is on disk. */
    enqueue: spool.enqueue,
    stats: (): ClickHouseSinkStats => {
      const { delivered, ...rest } = spool.stats()
      return { ...rest, inserted: delivered, url: ch.where }
    },
    /** Resolve once the spool is empty (or backing off). */
    flush: spool.flush,
    close: spool.close,
  }
}

export type ClickHouseSink = Awaited<ReturnType<typeof createClickHouseSink>>
