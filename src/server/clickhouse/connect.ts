/**
 * ClickHouse over its HTTP interface (any version since 18.16): a URL such as
 * `http://user:password@host:8123/?database=footfall`. User and password come from the URL,
 * else from CLICKHOUSE_USER / CLICKHOUSE_PASSWORD; they travel as HTTP Basic auth and are never
 * part of what `where` (the address used in logs) says.
 */
import { schemaStatements, SCHEMA_VERSION, VERSION_QUERY, isIdentifier } from './schema'

export interface ClickHouseOptions {
  /** `http(s)://[user[:password]@]host:port/[?database=footfall]` */
  url: string
  /** Request timeout in ms. Default 30,000 (reports), inserts use their own. */
  timeoutMs?: number
}

/** ClickHouse answered with an error; `code` is its error code when it said one. */
export class ClickHouseError extends Error {
  constructor(message: string, readonly status: number, readonly code?: number) {
    super(message)
  }
}

/** Error codes that mean "these rows are bad", not "try again": parse and type errors. */
const REFUSED = new Set([6, 25, 26, 27, 32, 38, 41, 53, 69, 70, 72, 117, 131])
/** Whether ClickHouse refused the data itself (dead-letter it) rather than failing for now (retry). */
export const isRefusal = (err: unknown): boolean =>
  err instanceof ClickHouseError && ((err.code !== undefined && REFUSED.has(err.code)) || (err.status >= 400 && err.status < 500 && ![401, 403, 404, 408, 429].includes(err.status) && err.code === undefined))

export const connectClickHouse = (options: ClickHouseOptions | string) => {
  const { url, timeoutMs = 30_000 } = typeof options === 'string' ? { url: options } : options
  const u = new URL(url)
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('the ClickHouse URL is http:// or https:// (its HTTP interface, port 8123 by default)')
  const user = decodeURIComponent(u.username) || process.env.CLICKHOUSE_USER || 'default'
  const password = decodeURIComponent(u.password) || process.env.CLICKHOUSE_PASSWORD || ''
  const database = u.searchParams.get('database') || 'footfall'
  if (!isIdentifier(database)) throw new Error('the ClickHouse database name is letters, digits and _')
  const base = `${u.protocol}//${u.host}/`
  const auth = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64')

  /** Run one statement; `body` (when given) is the data of an INSERT whose SQL is `sql`. */
  const run = async (sql: string, body?: string, ms = timeoutMs): Promise<string> => {
    const target = new URL(base)
    if (body !== undefined) target.searchParams.set('query', sql)
    // Long bound lists (series over years of days) make long queries.
    if ((body === undefined ? sql : '').length > 200_000) target.searchParams.set('max_query_size', String(4 << 20))
    let res: Response
    try {
      res = await fetch(target, { method: 'POST', headers: { authorization: auth }, body: body ?? sql, signal: AbortSignal.timeout(ms) })
    } catch (err) {
      const cause = (err as Error & { cause?: Error }).cause
      throw new ClickHouseError(`ClickHouse at ${base} is unreachable: ${cause?.message ?? (err as Error).message}`, 0)
    }
    const text = await res.text()
    if (!res.ok) {
      const code = /Code: (\d+)/.exec(text)
      throw new ClickHouseError(`ClickHouse answered ${res.status}: ${text.trim().slice(0, 500)}`, res.status, code ? Number(code[1]) : undefined)
    }
    return text
  }

  /** Rows of a `FORMAT JSONEachRow` query. */
  const rows = async <T = Record<string, unknown>>(sql: string): Promise<T[]> => {
    const text = await run(/FORMAT\s+\w+\s*$/i.test(sql) ? sql : `${sql} FORMAT JSONEachRow`)
    return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as T)
  }

  return {
    /** Where it is, without credentials: safe to log. */
    where: `${base}?database=${database}`,
    database,
    run,
    rows,
    /** Insert rows into a table of the database, as one JSONEachRow body. */
    insert: (table: string, lines: string, ms = timeoutMs) => run(`INSERT INTO ${database}.${table} FORMAT JSONEachRow`, lines, ms),
    /** The schema version the database holds (0: none). */
    async version(): Promise<number> {
      try {
        const [r] = await rows<{ version: number }>(VERSION_QUERY(database))
        return r?.version ?? 0
      } catch (err) {
        if (err instanceof ClickHouseError && (err.code === 60 || err.code === 81)) return 0
        throw err
      }
    },
    /** Create what is missing and record the schema version; tables of another version are not touched. */
    async applySchema(ttlDays?: number) {
      // CREATE … IF NOT EXISTS would keep the old tables under a new version number: refuse instead.
      const held = await this.version()
      if (held && held !== SCHEMA_VERSION) {
        throw new Error(`${database} holds footfall schema ${held}, this collector needs ${SCHEMA_VERSION}: drop the database and reload it from the NDJSON files (clickhouse-load --apply-schema)`)
      }
      for (const sql of schemaStatements({ database, ttlDays })) await run(sql)
      if ((await this.version()) !== SCHEMA_VERSION) await run(`INSERT INTO ${database}.schema_version (version) VALUES (${SCHEMA_VERSION})`)
    },
    /** The server's version string. */
    serverVersion: async () => (await run('SELECT version()')).trim(),
  }
}

export type ClickHouse = ReturnType<typeof connectClickHouse>
