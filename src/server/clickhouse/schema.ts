/**
 * footfall's ClickHouse schema and the report query. Read it top to bottom; the same KPIs as
 * the embedded store (kpistore/schema.ts), in SQL that ClickHouse has accepted since 18.16
 * (no window functions, no ASOF JOIN, no CTEs, no JSON functions, no DateTime64).
 *
 * - `events`: one row per accepted message, its KPI facts computed once by the collector
 *   (kpi/event.ts: channel and campaign are derived in JS and stored as columns). Partitioned by
 *   month, ordered by site and time. A ReplacingMergeTree keyed by message id, so that copies
 *   of a message (retries relayed by several collectors) fold away in background merges; every
 *   query still dedupes, since merges come when they come.
 * - `sessions`: one row per session id, kept by the materialized view `sessions_mv` as
 *   aggregate states (AggregatingMergeTree, as PostHog's raw_sessions). Every state is
 *   idempotent — min, max, argMin, a set of page-view ids, a set of (id, engaged ms) — so a
 *   message inserted twice changes nothing. Reports read sessions, not events.
 * - Events without a session id make no row in `sessions`: they are sessionised per report
 *   interval (30-minute gaps per visitor), exactly as computeKpis does.
 *
 * Times are epoch milliseconds (Int64). No text from data ever becomes SQL: rows travel as
 * JSONEachRow bodies; the only values written into queries are numbers computed here.
 */
import { ENGAGED_MS } from '../../kpi/index'
import { HUMAN, Kind } from '../../kpi/event'
import { SESSION_MS } from '../../shared/session'

/** Bumped when the tables change; a database of another version is reloaded from the NDJSON files. */
// 2: traffic classes (events.traffic, the first event's class and each session's event ids).
export const SCHEMA_VERSION = 2
/** The oldest ClickHouse this SQL runs on (Debian 12's package); also checked with a current engine when chdb is installed. */
export const MIN_VERSION = '18.16'

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/
/** A database name fit to appear in SQL text. */
export const isIdentifier = (name: string): boolean => IDENTIFIER.test(name)

export interface SchemaOptions {
  /** Database of the tables. Default `footfall`. */
  database?: string
  /** Keep events and sessions this many days (ClickHouse ≥ 19.6 only: older servers refuse TTL). */
  ttlDays?: number
}

const month = (ms: string) => `toYYYYMM(toDateTime(intDiv(${ms}, 1000), 'UTC'))`

/** The schema as SQL statements, in order. */
export const schemaStatements = ({ database = 'footfall', ttlDays }: SchemaOptions = {}): string[] => {
  if (!isIdentifier(database)) throw new Error(`not a database name: ${JSON.stringify(database)}`)
  if (ttlDays !== undefined && !(Number.isInteger(ttlDays) && ttlDays > 0)) throw new Error('ttlDays is a positive whole number')
  const db = database
  const ttl = (date: string) => (ttlDays ? `\nTTL ${date} + INTERVAL ${ttlDays} DAY` : '')
  return [
    `CREATE DATABASE IF NOT EXISTS ${db}`,
    `CREATE TABLE IF NOT EXISTS ${db}.events (
  message_id String,
  site String,                 -- writeKey ('' without one)
  ts Int64,                    -- event time, epoch ms: timestamp, else receivedAt
  received_at Int64,
  type String,
  event String,
  session_key String,          -- 's:' || context.sessionId, '' without one
  visitor String,              -- anonymousId, else userId
  user_id String,
  kind UInt8,                  -- 0 other, 1 page, 2 add_to_cart, 3 inquiry, 4 chat_open, 5 engagement, 6 footfall_dropped
  engaged_ms Int64,
  channel String,              -- what this event gives its session when it is the first (GA4 grouping)
  campaign String,
  source String,
  medium String,
  path String,
  properties String,           -- JSON
  traffic String               -- context.traffic: human (also when absent), crawler, automation, spam, no-user-agent
) ENGINE = ReplacingMergeTree
PARTITION BY ${month('ts')}
ORDER BY (site, ts, message_id)${ttl(`toDate(toDateTime(intDiv(ts, 1000), 'UTC'))`)}`,
    `CREATE TABLE IF NOT EXISTS ${db}.sessions (
  site String,
  session_key String,
  month Date,
  start_ts AggregateFunction(min, Int64),
  end_ts AggregateFunction(max, Int64),
  first AggregateFunction(argMin, Tuple(String, String, String, String, String, String, String), Tuple(Int64, String)),
  page_views AggregateFunction(uniqExactIf, String, UInt8),
  engagements AggregateFunction(groupUniqArrayIf, Tuple(String, Int64), UInt8),
  add_to_cart AggregateFunction(max, UInt8),
  inquiry AggregateFunction(max, UInt8),
  chat_open AggregateFunction(max, UInt8),
  event_ids AggregateFunction(uniqExact, String)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(month)
ORDER BY (site, session_key)${ttl('month')}`,
    // The first event (earliest, then smallest id) names the visitor, channel, campaign, source, medium, landing page, traffic class.
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.sessions_mv TO ${db}.sessions AS
SELECT site, session_key,
  toStartOfMonth(toDateTime(intDiv(min(ts), 1000), 'UTC')) AS month,
  minState(ts) AS start_ts,
  maxState(ts) AS end_ts,
  argMinState(tuple(visitor, channel, campaign, source, medium, path, traffic), tuple(ts, message_id)) AS first,
  uniqExactIfState(message_id, kind = ${Kind.Page}) AS page_views,
  groupUniqArrayIfState(tuple(message_id, engaged_ms), kind = ${Kind.Engagement}) AS engagements,
  maxState(toUInt8(kind = ${Kind.AddToCart})) AS add_to_cart,
  maxState(toUInt8(kind = ${Kind.Inquiry})) AS inquiry,
  maxState(toUInt8(kind = ${Kind.ChatOpen})) AS chat_open,
  uniqExactState(message_id) AS event_ids
FROM ${db}.events
WHERE session_key != '' AND kind != ${Kind.Ignored}
GROUP BY site, session_key`,
    `CREATE TABLE IF NOT EXISTS ${db}.schema_version (version UInt32, applied DateTime DEFAULT now()) ENGINE = TinyLog`,
  ]
}

/** The schema as one script (`footfall-collector clickhouse-schema`), for clickhouse-client --multiquery. */
export const schemaScript = (options: SchemaOptions = {}): string =>
  `-- footfall ClickHouse schema, version ${SCHEMA_VERSION}. Needs ClickHouse >= ${MIN_VERSION}${options.ttlDays ? ' (TTL: >= 19.6)' : ''}.\n` +
  `-- Apply: footfall-collector clickhouse-schema | clickhouse-client --multiquery\n\n` +
  [...schemaStatements(options), `INSERT INTO ${options.database ?? 'footfall'}.schema_version (version) VALUES (${SCHEMA_VERSION})`].join(';\n\n') +
  ';\n'

/** The newest schema version applied to the database. */
export const VERSION_QUERY = (db: string) => `SELECT toFloat64(max(version)) AS version FROM ${db}.schema_version`

/**
 * `site = <site>` as SQL, or `1` for every site. The site travels as hex digits (`unhex('…')`):
 * a literal that no site name can break out of, on servers too old for query parameters.
 */
export const siteIs = (site: string | undefined): string => (site === undefined ? '1' : `site = unhex('${Buffer.from(site, 'utf8').toString('hex')}')`)

/** The sites of the stored events. */
export const SITES_QUERY = (db: string) => `SELECT DISTINCT site FROM ${db}.events WHERE kind != ${Kind.Ignored} ORDER BY site`

/** The first and last event time of a site (reports ignore footfall's own loss reports). */
export const SPAN_QUERY = (db: string, site?: string) =>
  `SELECT toFloat64(count()) AS n, toFloat64(min(ts)) AS first, toFloat64(max(ts)) AS last FROM ${db}.events WHERE kind != ${Kind.Ignored} AND ${siteIs(site)}`

/**
 * Which interval an instant falls in, as a SQL expression of constant size (ClickHouse 18.16
 * expands aliases, so a binary search would grow exponentially). `G` is a grid over the bounds
 * whose cells are no wider than the narrowest interval: a cell holds at most one boundary, so the
 * interval of a cell's start, plus one when `t` is past the next bound, is the answer.
 * `B` holds the bounds less the first (a literal array must be all unsigned or all signed).
 */
const grid = (b: number[]) => {
  const n = b.length - 1
  const rel = `[${b.map((x) => x - b[0]).join(', ')}] AS B`
  if (n === 1) return { arrays: rel, of: () => '0' }
  const w = Math.min(...b.slice(1).map((x, i) => x - b[i]))
  const cells = Math.ceil((b[n] - b[0]) / w)
  if (cells > 200_000) throw new Error('bounds too uneven for one report: ask for days or weeks')
  const g: number[] = []
  for (let c = 0, i = 0; c < cells; c++) {
    while (i < n - 1 && b[i + 1] <= b[0] + c * w) i++
    g.push(i)
  }
  return {
    arrays: `${rel}, [${g.join(', ')}] AS G`,
    of: (t: string, alias: string) => `(if(${t} - (${b[0]}) >= B[(G[least(greatest(intDiv(${t} - (${b[0]}), ${w}), 0), ${cells - 1}) + 1] AS ${alias}) + 2], ${alias} + 1, ${alias}))`,
  }
}

/**
 * The report over intervals [b0, b1), [b1, b2) … (`bounds` ascending): for each interval, what
 * computeKpis returns for that range alone, as counts overall (grp 0), per channel (1) and per
 * campaign (2) of the sessions counted, and per traffic class (3) of those left out: with
 * `traffic` `human`, a session whose first event is not human traffic is only counted there.
 *
 * - Sessions that start and end inside one interval are read from `sessions` as they are.
 * - Sessions that cross a boundary are cut into pieces from their events: each piece is a session
 *   of its own interval, named by its own first event (computeKpis sees only in-range events).
 * - Events without a session id are sessionised per interval and visitor (30-minute gaps).
 * - Users: distinct visitors of the sessions of a group, exact.
 * - `site`: that site's rows only (undefined: every site).
 */
export const reportQuery = (db: string, bounds: number[], site?: string, traffic: 'human' | 'all' = 'human'): string => {
  const ofSite = siteIs(site)
  const b = bounds.map((x) => Math.round(x))
  if (b.length < 2 || b.some((x, i) => !Number.isSafeInteger(x) || (i > 0 && x <= b[i - 1]))) throw new Error('bounds: ascending whole milliseconds')
  const n = b.length - 1
  const { arrays, of: intervalOf } = grid(b)
  const B = `WITH ${arrays}`
  const lo0 = b[0], hin = b[n]
  // Sessions (merged states) reduced to their bounds; `i` is the interval holding the start.
  const spans = `SELECT session_key, minMerge(start_ts) AS s, maxMerge(end_ts) AS e FROM ${db}.sessions WHERE ${ofSite} GROUP BY session_key`
  const crossing = `${B}
    SELECT session_key FROM (${spans})
    WHERE e >= ${lo0} AND s < ${hin} AND (s < ${lo0} OR e - (${lo0}) >= B[${intervalOf('s', 'c')} + 2])`
  const whole = `${B}
    SELECT ${intervalOf('s', 'w')} AS i, f.1 AS visitor, f.2 AS channel, f.3 AS campaign, f.7 AS traffic, nev, pv, ems, atc, inq, chat
    FROM (
      SELECT session_key, minMerge(start_ts) AS s, maxMerge(end_ts) AS e, argMinMerge(first) AS f, uniqExactMerge(event_ids) AS nev,
        uniqExactIfMerge(page_views) AS pv, arraySum(arrayMap(x -> x.2, groupUniqArrayIfMerge(engagements))) AS ems,
        maxMerge(add_to_cart) AS atc, maxMerge(inquiry) AS inq, maxMerge(chat_open) AS chat
      FROM ${db}.sessions WHERE ${ofSite} GROUP BY session_key
    )
    WHERE s >= ${lo0} AND s < ${hin} AND e - (${lo0}) < B[i + 2]`
  // Events of crossing sessions and events without a session id, in range, each message once.
  const events = `${B}
    SELECT ${intervalOf('ts', 'v')} AS i, session_key != '' AS keyed, if(keyed, session_key, visitor) AS key,
      ts, message_id, visitor, kind, engaged_ms, channel, campaign, traffic
    FROM ${db}.events
    WHERE ts >= ${lo0} AND ts < ${hin} AND kind != ${Kind.Ignored} AND ${ofSite}
      AND (session_key = '' OR session_key IN (${crossing}))
    LIMIT 1 BY message_id`
  // Per interval and session (or visitor, without a session id), its events in order; a gap of more
  // than 30 minutes starts a new piece for events without a session id.
  const runs = `
    SELECT i, keyed, key,
      arraySort(x -> (x.1, x.2), groupArray(tuple(ts, message_id, visitor, kind, engaged_ms, channel, campaign, traffic))) AS evs,
      arrayCumSum(arrayMap((x, k) -> toUInt32(NOT keyed AND k > 1 AND x.1 - evs[k - 1].1 > ${SESSION_MS}), evs, arrayEnumerate(evs))) AS ns
    FROM (${events})
    GROUP BY i, keyed, key`
  const pieces = `
    SELECT i, f.1 AS visitor, f.2 AS channel, f.3 AS campaign, f.4 AS traffic, nev, pv, ems, atc, inq, chat FROM (
      SELECT i, argMin(tuple(e.3, e.6, e.7, e.8), tuple(e.1, e.2)) AS f, count() AS nev,
        countIf(e.4 = ${Kind.Page}) AS pv, sum(e.5) AS ems,
        max(e.4 = ${Kind.AddToCart}) AS atc, max(e.4 = ${Kind.Inquiry}) AS inq, max(e.4 = ${Kind.ChatOpen}) AS chat
      FROM (${runs}) ARRAY JOIN evs AS e, ns AS n
      GROUP BY i, keyed, key, n
    )`
  return `
SELECT i, g.1 AS grp, g.2 AS name,
  toFloat64(count()) AS sessions,
  toFloat64(uniqExactIf(visitor, visitor != '')) AS users,
  toFloat64(sum(pv)) AS page_views,
  toFloat64(countIf(ems >= ${ENGAGED_MS} OR pv >= 2 OR atc OR inq OR chat)) AS engaged,
  toFloat64(sum(atc)) AS add_to_cart,
  toFloat64(sum(inq)) AS inquiry,
  toFloat64(sum(chat)) AS chat_open,
  toFloat64(sum(ems)) AS engaged_ms,
  toFloat64(sum(nev)) AS events
FROM (
  SELECT toUInt32(i) AS i, visitor, channel, campaign, traffic, toUInt64(nev) AS nev, toUInt64(pv) AS pv, toInt64(ems) AS ems, toUInt8(atc) AS atc, toUInt8(inq) AS inq, toUInt8(chat) AS chat FROM (${whole})
  UNION ALL
  SELECT toUInt32(i) AS i, visitor, channel, campaign, traffic, toUInt64(nev) AS nev, toUInt64(pv) AS pv, toInt64(ems) AS ems, toUInt8(atc) AS atc, toUInt8(inq) AS inq, toUInt8(chat) AS chat FROM (${pieces})
)
ARRAY JOIN if(${traffic === 'all' ? '1' : `traffic = '${HUMAN}'`},
  [tuple(toUInt8(0), ''), tuple(toUInt8(1), channel), tuple(toUInt8(2), campaign)],
  [tuple(toUInt8(3), traffic)]) AS g
GROUP BY i, grp, name
FORMAT JSONEachRow`
}
