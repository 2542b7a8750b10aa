/**
 * The KPI store's schema and queries (DuckDB). Read it top to bottom: the store is derived
 * from the NDJSON day files and rebuilt from them whenever SCHEMA_VERSION changes.
 *
 * - `events`: one row per stored event, reduced to what reports need (see kpi/event.ts).
 * - `sessions`: one row per session id, folded from `events`, plus for each session the start
 *   of the same visitor's previous session (overall, in the same channel, in the same campaign):
 *   "users in a range" is then a count of sessions whose previous one started before the range,
 *   with no DISTINCT over millions of rows.
 * - Every row carries its `site` (the message's writeKey, '' without one); session keys and
 *   visitors are qualified by it (engine.ts), so that two sites never share a session or a user.
 *   Every report reads one site (`$site`), or all rows when none is named.
 * - `applied`: how far each day file has been applied. Events without a session id are
 *   sessionised at query time (30-minute gaps), exactly as computeKpis does; they are kept apart
 *   in `loose` too, so that reports find them without reading every event.
 * - `cells`: the sessions summed per site, hour of start, hour of end, channel, campaign and
 *   traffic class (a year is some 100,000 rows where it is millions of sessions). A report whose
 *   boundaries are whole hours reads the hours between them from `cells`, and only its edges,
 *   the sessions crossing a boundary (`long`: the sessions that span an hour, their events in
 *   `long_events`) and the events without a session id from `sessions` and `events`.
 *   Users stay exact: a session counts its visitor in a range [lo, hi) when its previous one
 *   started before lo. A cell counts its sessions with no previous one (`first_*`) and those
 *   whose previous one started at least NEAR_MS before (`far_*`: before lo for any range of
 *   NEAR_MS at most); the others are in `near`, one row each with the previous start. A longer
 *   range counts `first_*` only, and can do so when it starts before the site's first session.
 *   Anything else (boundaries within an hour, longer ranges later on) is read from `sessions`.
 * - `kin`: the sessions of the visitors who have a session that spans an hour (a few percent of
 *   all sessions). A report over whole hours counts a crossing session's visitor as a user unless
 *   one of that visitor's whole sessions already did: it reads them here, not among every session.
 * - `cells`, `near`, `long`, `long_events`, `kin` and `loose` are kept with `sessions`: rebuilt by FOLD_ALL, changed
 *   by FOLD_TOUCHED for the sessions a micro-batch touched (their old rows out, new ones in).
 *
 * Every value reaches the database as a parameter or through the appender; no SQL text is
 * ever built from data.
 */
import { ENGAGED_MS } from '../../kpi/index'
import { HUMAN } from '../../kpi/event'
import { SESSION_MS } from '../../shared/session'

/**
 * 4: sessions and visitors keyed per site, every report reads one site; traffic classes
 * (events.traffic, sessions.traffic and the visitor's previous human session).
 * 5: cells, near, long, long_events and loose.
 * 7: kin (6 was a trial, never kept).
 */
export const SCHEMA_VERSION = '7'

export const HOUR = 3_600_000
/** A return within this long of the previous session is kept per session, in `near` (> the longest week, 169 hours). */
export const NEAR_MS = 8 * 86_400_000
/** The start of the hour of a time (epoch ms, negative too). */
const FLOOR_H = (c: string) => `(${c} - ((${c} % ${HOUR}) + ${HOUR}) % ${HOUR})`
/** Per kind of "previous" (overall, in the channel, in the campaign; every class, then people only). */
const PREVS: [string, string][] = [
  ['any', 'prev_start'], ['channel', 'prev_start_channel'], ['campaign', 'prev_start_campaign'],
  ['h_any', 'prev_human'], ['h_channel', 'prev_human_channel'], ['h_campaign', 'prev_human_campaign'],
]
const USER_COLUMNS = PREVS.flatMap(([k]) => [`first_${k}`, `far_${k}`])

/** What \`kin\` keeps of a session: what a piece's users check reads (NEARBY). */
const KIN_COLUMNS = `site, visitor, channel, campaign, start_ts, end_ts, traffic, ${PREVS.map(([, c]) => c).join(', ')}`
/** The sessions of \`from\` whose visitor has a session there that spans an hour. */
const KIN_OF = (from: string) =>
  `SELECT ${KIN_COLUMNS} FROM ${from} WHERE visitor <> '' AND visitor IN (SELECT visitor FROM ${from} WHERE ${FLOOR_H('start_ts')} <> ${FLOOR_H('end_ts')})`

/**
 * A store of an older version that can be brought to this one in place, rather than rebuilt from
 * the day files: the statements that do it (after SCHEMA has made any new table, empty). A store
 * whose sessions are still to be folded (a build that stopped) is filled by that fold instead.
 */
export const UPGRADES: Record<string, string[]> = {
  '5': [`DELETE FROM kin`, `INSERT INTO kin SELECT * FROM (${KIN_OF('sessions')}) WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = 'sessions') ORDER BY site, start_ts`],
}

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS applied (file VARCHAR PRIMARY KEY, bytes BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  message_id VARCHAR NOT NULL,
  session_key VARCHAR,
  visitor VARCHAR NOT NULL,
  ts BIGINT NOT NULL,
  kind UTINYINT NOT NULL,
  engaged_ms BIGINT NOT NULL,
  channel VARCHAR NOT NULL,
  campaign VARCHAR NOT NULL,
  source VARCHAR NOT NULL,
  medium VARCHAR NOT NULL,
  landing VARCHAR NOT NULL,
  site VARCHAR NOT NULL,
  seq BIGINT NOT NULL,
  traffic VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
  session_key VARCHAR NOT NULL,
  site VARCHAR NOT NULL,
  visitor VARCHAR NOT NULL,
  channel VARCHAR NOT NULL,
  campaign VARCHAR NOT NULL,
  source VARCHAR NOT NULL,
  medium VARCHAR NOT NULL,
  landing VARCHAR NOT NULL,
  start_ts BIGINT NOT NULL,
  end_ts BIGINT NOT NULL,
  page_views BIGINT NOT NULL,
  engaged_ms BIGINT NOT NULL,
  add_to_cart BOOLEAN NOT NULL,
  inquiry BOOLEAN NOT NULL,
  chat_open BOOLEAN NOT NULL,
  events BIGINT NOT NULL,
  prev_start BIGINT,
  prev_start_channel BIGINT,
  prev_start_campaign BIGINT,
  -- The first event's traffic class, and the start of the visitor's previous human session (overall,
  -- in the channel, in the campaign): what "users" reads when reports count people only.
  traffic VARCHAR NOT NULL,
  prev_human BIGINT,
  prev_human_channel BIGINT,
  prev_human_campaign BIGINT
);
CREATE TABLE IF NOT EXISTS cells (
  site VARCHAR NOT NULL,
  h BIGINT NOT NULL,
  e BIGINT NOT NULL,
  channel VARCHAR NOT NULL,
  campaign VARCHAR NOT NULL,
  traffic VARCHAR NOT NULL,
  sessions BIGINT NOT NULL,
  events BIGINT NOT NULL,
  page_views BIGINT NOT NULL,
  engaged BIGINT NOT NULL,
  add_to_cart BIGINT NOT NULL,
  inquiry BIGINT NOT NULL,
  chat_open BIGINT NOT NULL,
  engaged_ms BIGINT NOT NULL,
  ${USER_COLUMNS.map((c) => `${c} BIGINT NOT NULL`).join(',\n  ')}
);
CREATE TABLE IF NOT EXISTS near (
  session_key VARCHAR NOT NULL,
  site VARCHAR NOT NULL,
  h BIGINT NOT NULL,
  e BIGINT NOT NULL,
  channel VARCHAR NOT NULL,
  campaign VARCHAR NOT NULL,
  traffic VARCHAR NOT NULL,
  human BOOLEAN NOT NULL,
  kind UTINYINT NOT NULL,
  p BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS long (session_key VARCHAR NOT NULL, site VARCHAR NOT NULL, start_ts BIGINT NOT NULL, end_ts BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS loose AS SELECT * FROM events LIMIT 0;
CREATE TABLE IF NOT EXISTS long_events AS SELECT * FROM events LIMIT 0;
CREATE TABLE IF NOT EXISTS kin AS SELECT ${KIN_COLUMNS} FROM sessions LIMIT 0;
`

/** Staging table of one micro-batch. `seq` is the order of application: the first copy of a messageId wins. */
export const INCOMING = `CREATE OR REPLACE TEMP TABLE incoming AS SELECT * FROM events LIMIT 0`

/** Kind codes, as in kpi/event.ts. */
const PAGE = 1, ADD_TO_CART = 2, INQUIRY = 3, CHAT_OPEN = 4

/**
 * New events only: a messageId already stored, or met earlier in the batch, counts once. \`stored\`
 * false: none of the batch's ids is stored (ids.ts said so), only repeats within it are dropped.
 */
export const INSERT_NEW = (stored = true) => `
INSERT INTO events
SELECT * EXCLUDE (rn) FROM (
  SELECT *, row_number() OVER (PARTITION BY message_id ORDER BY seq) AS rn FROM incoming
) i
WHERE (i.message_id = '' OR i.rn = 1)
  ${stored ? `AND NOT EXISTS (SELECT 1 FROM events e WHERE e.message_id = i.message_id AND i.message_id <> '')` : ''}
`

/** The halves of the hashes of the message ids of \`table\` (ids.ts), of its events from seq $1 on. */
export const ID_HASHES = (table: string) =>
  `SELECT (h >> 32)::UINTEGER AS a, (h & 4294967295)::UINTEGER AS b FROM (SELECT hash(message_id) AS h FROM ${table} WHERE message_id <> '' AND seq >= $1::BIGINT)`

/** After a bulk load (no check per batch): every copy of a messageId but the first goes. */
export const DEDUPE_ALL = `
DELETE FROM events WHERE seq IN (
  SELECT seq FROM events WHERE message_id IN (SELECT message_id FROM events WHERE message_id <> '' GROUP BY message_id HAVING count(*) > 1)
  QUALIFY row_number() OVER (PARTITION BY message_id ORDER BY seq) > 1
)`

// The first event of a session (earliest, then smallest id) names its visitor, channel, campaign.
const FIRST = (column: string) => `arg_min(${column}, {'t': ts, 'id': message_id})`

/** Sessions folded from their events, with each visitor's previous session start. */
const FOLD = (where: string) => `
WITH firsts AS (
  SELECT session_key, site, visitor, channel, campaign, source, medium, landing, traffic FROM events WHERE ${where}
  QUALIFY row_number() OVER (PARTITION BY session_key ORDER BY ts, message_id) = 1
),
sums AS (
  SELECT session_key, min(ts) AS start_ts, max(ts) AS end_ts,
    count(*) FILTER (WHERE kind = ${PAGE}) AS page_views, sum(engaged_ms) AS engaged_ms,
    bool_or(kind = ${ADD_TO_CART}) AS add_to_cart, bool_or(kind = ${INQUIRY}) AS inquiry,
    bool_or(kind = ${CHAT_OPEN}) AS chat_open, count(*) AS events
  FROM events WHERE ${where} GROUP BY session_key
)
SELECT f.session_key, site, visitor, channel, campaign, source, medium, landing, start_ts, end_ts,
  page_views, engaged_ms, add_to_cart, inquiry, chat_open, events,
  lag(start_ts) OVER (PARTITION BY visitor ORDER BY start_ts, f.session_key) AS prev_start,
  lag(start_ts) OVER (PARTITION BY visitor, channel ORDER BY start_ts, f.session_key) AS prev_start_channel,
  lag(start_ts) OVER (PARTITION BY visitor, campaign ORDER BY start_ts, f.session_key) AS prev_start_campaign,
  traffic,
  -- The previous human session, in the same windows (one sort each): what a human session's
  -- "previous" is when reports count people only (other sessions are left out then).
  lag(CASE WHEN traffic = '${HUMAN}' THEN start_ts END IGNORE NULLS) OVER (PARTITION BY visitor ORDER BY start_ts, f.session_key) AS prev_human,
  lag(CASE WHEN traffic = '${HUMAN}' THEN start_ts END IGNORE NULLS) OVER (PARTITION BY visitor, channel ORDER BY start_ts, f.session_key) AS prev_human_channel,
  lag(CASE WHEN traffic = '${HUMAN}' THEN start_ts END IGNORE NULLS) OVER (PARTITION BY visitor, campaign ORDER BY start_ts, f.session_key) AS prev_human_campaign
FROM firsts f JOIN sums USING (session_key)`

const ENGAGED = `(engaged_ms >= ${ENGAGED_MS} OR page_views >= 2 OR add_to_cart OR inquiry OR chat_open)`
const SUMS = ['sessions', 'events', 'page_views', 'engaged', 'add_to_cart', 'inquiry', 'chat_open', 'engaged_ms', ...USER_COLUMNS]
const CELL_KEY = ['site', 'h', 'e', 'channel', 'campaign', 'traffic']

/** The cells of the sessions \`where\` selects. */
const CELLS_OF = (where: string, from = 'sessions') => `
SELECT site, h, e, channel, campaign, traffic, count(*) AS sessions, sum(events) AS events, sum(page_views) AS page_views,
  count(*) FILTER (WHERE ${ENGAGED}) AS engaged, count(*) FILTER (WHERE add_to_cart) AS add_to_cart,
  count(*) FILTER (WHERE inquiry) AS inquiry, count(*) FILTER (WHERE chat_open) AS chat_open, sum(engaged_ms)::BIGINT AS engaged_ms,
  ${PREVS.map(([k, c]) => `count(*) FILTER (WHERE visitor <> '' AND ${c} IS NULL) AS first_${k}, count(*) FILTER (WHERE visitor <> '' AND start_ts - ${c} >= ${NEAR_MS}) AS far_${k}`).join(',\n  ')}
FROM (SELECT *, ${FLOOR_H('start_ts')} AS h, ${FLOOR_H('end_ts')} AS e FROM ${from} WHERE ${where})
GROUP BY site, h, e, channel, campaign, traffic`

/** The returns within NEAR_MS of the sessions \`where\` selects: one row per session and kind of "previous". */
const NEAR_OF = (where: string, from = 'sessions') => `
SELECT session_key, site, h, e, channel, campaign, traffic, human, kind, p FROM (
  SELECT session_key, site, ${FLOOR_H('start_ts')} AS h, ${FLOOR_H('end_ts')} AS e, channel, campaign, traffic, start_ts,
    unnest([${PREVS.map(([, c]) => c).join(', ')}]) AS p,
    unnest([false, false, false, true, true, true]) AS human, unnest([0, 1, 2, 0, 1, 2]::UTINYINT[]) AS kind
  FROM ${from} WHERE visitor <> '' AND ${where}
) WHERE start_ts - p < ${NEAR_MS}`

/** The sessions that span an hour: in a report over whole hours, the only ones that may cross a boundary. */
const LONG_OF = (where: string, from = 'sessions') => `SELECT session_key, site, start_ts, end_ts FROM ${from} WHERE ${FLOOR_H('start_ts')} <> ${FLOOR_H('end_ts')} AND ${where}`

/** Every session, from scratch (after a bulk load). */
export const FOLD_ALL = [
  DEDUPE_ALL,
  `DELETE FROM sessions`,
  `INSERT INTO sessions ${FOLD('session_key IS NOT NULL')} ORDER BY site, start_ts`,
  `DELETE FROM loose`,
  `INSERT INTO loose SELECT * FROM events WHERE session_key IS NULL ORDER BY site, ts`,
  `DELETE FROM cells`,
  `INSERT INTO cells ${CELLS_OF('true')} ORDER BY site, h`,
  `DELETE FROM near`,
  `INSERT INTO near ${NEAR_OF('true')} ORDER BY site, h`,
  `DELETE FROM long`,
  `INSERT INTO long ${LONG_OF('true')} ORDER BY site, start_ts`,
  `DELETE FROM long_events`,
  `INSERT INTO long_events SELECT e.* FROM events e SEMI JOIN long USING (session_key) ORDER BY e.site, e.ts`,
  `DELETE FROM kin`,
  `INSERT INTO kin ${KIN_OF('sessions')} ORDER BY site, start_ts`,
]

/** A micro-batch's events without a session id ($1: the first seq of the batch) join \`loose\`. */
export const LOOSE_NEW = `INSERT INTO loose SELECT * FROM events WHERE seq >= $1 AND session_key IS NULL`

/**
 * The sessions a micro-batch touched, and every other session of their visitors (old and new:
 * a late first event can change a session's visitor), whose "previous session" may have moved.
 */
export const FOLD_TOUCHED = [
  `CREATE OR REPLACE TEMP TABLE touched_visitors AS
     SELECT visitor FROM touched_rows UNION SELECT s.visitor FROM sessions s SEMI JOIN touched_rows t ON s.session_key = t.session_key`,
  `CREATE OR REPLACE TEMP TABLE touched AS
     SELECT session_key FROM touched_rows WHERE session_key IS NOT NULL
     UNION SELECT s.session_key FROM sessions s SEMI JOIN touched_visitors v ON s.visitor = v.visitor`,
  // Their cells lose the old sessions and gain the new ones.
  `CREATE OR REPLACE TEMP TABLE cells_old AS ${CELLS_OF('session_key IN (SELECT session_key FROM touched)')}`,
  `DELETE FROM sessions WHERE session_key IN (SELECT session_key FROM touched)`,
  // Folded once, read by everything kept with the sessions: no second scan of \`sessions\`.
  `CREATE OR REPLACE TEMP TABLE folded AS ${FOLD('session_key IN (SELECT session_key FROM touched)')}`,
  `INSERT INTO sessions SELECT * FROM folded`,
  `CREATE OR REPLACE TEMP TABLE cells_new AS
     SELECT ${CELL_KEY.join(', ')}, ${SUMS.map((c) => `sum(${c}) AS ${c}`).join(', ')} FROM (
       SELECT * FROM cells SEMI JOIN (SELECT ${CELL_KEY.join(', ')} FROM cells_old UNION SELECT ${CELL_KEY.join(', ')} FROM (${CELLS_OF('true', 'folded')})) k USING (${CELL_KEY.join(', ')})
       UNION ALL SELECT ${CELL_KEY.join(', ')}, ${SUMS.map((c) => `-${c}`).join(', ')} FROM cells_old
       UNION ALL ${CELLS_OF('true', 'folded')}
     ) GROUP BY ${CELL_KEY.join(', ')}`,
  `DELETE FROM cells USING (SELECT ${CELL_KEY.join(', ')} FROM cells_new) k WHERE ${CELL_KEY.map((c) => `cells.${c} = k.${c}`).join(' AND ')}`,
  `INSERT INTO cells SELECT * FROM cells_new WHERE sessions <> 0`,
  `DELETE FROM near WHERE session_key IN (SELECT session_key FROM touched)`,
  `INSERT INTO near ${NEAR_OF('true', 'folded')}`,
  `DELETE FROM long WHERE session_key IN (SELECT session_key FROM touched)`,
  `INSERT INTO long ${LONG_OF('true', 'folded')}`,
  `DELETE FROM long_events WHERE session_key IN (SELECT session_key FROM touched)`,
  `INSERT INTO long_events SELECT * FROM events WHERE session_key IN (SELECT session_key FROM long SEMI JOIN touched USING (session_key))`,
  // Every session of a touched visitor is folded again: their rows in kin are those of \`folded\`.
  `DELETE FROM kin WHERE visitor IN (SELECT visitor FROM touched_visitors)`,
  `INSERT INTO kin ${KIN_OF('folded')}`,
]

/**
 * The report over intervals [b0, b1), [b1, b2) … ($1 = the boundaries, ascending; $2, $3, $4 =
 * CROSSING_KEYS; $5 = count every traffic class, else only sessions whose first event is human
 * and, per interval and class, the sessions and events left out; $6 = the site or NULL): for each
 * interval, what computeKpis returns for that range alone, as counts per channel and campaign.
 *
 * - Sessions that start and end inside one interval are read from `sessions` as they are.
 * - Sessions that cross a boundary are cut into pieces from their events: each piece is a session
 *   of its own interval, named by its own first event (computeKpis sees only in-range events).
 * - Events without a session id are sessionised per interval and visitor (30-minute gaps).
 * Users: a whole session counts its visitor when the visitor's previous session started before
 * the interval; a piece or an unkeyed session counts its visitor when no whole session did.
 */
/**
 * Rows of \`table\` whose \`column\` lies in [b0, bn), with k: the index (1-based) of their interval.
 * Intervals are days or weeks (23 to 169 hours): the average length finds the interval to within
 * one, and one comparison each way settles it. No join: a year of sessions is one scan.
 */
const BUCKET = (table: string, column: string, range: [string, string], where = 'true') => `
  SELECT * EXCLUDE (k0, b), b[k0 - (${column} < b[k0])::BIGINT + (${column} >= b[k0 + 1])::BIGINT] AS lo,
    b[k0 - (${column} < b[k0])::BIGINT + (${column} >= b[k0 + 1])::BIGINT + 1] AS hi FROM (
    SELECT t.*, b, least(greatest(floor((${column} - lo0) / step)::BIGINT + 1, 1), len(b) - 1) AS k0
    FROM ${table} t, lim WHERE ${column} >= ${range[0]} AND ${column} < ${range[1]} AND ${where}
  )`

/**
 * Rows of one site, the parameter `p`, or (`one` false, `p` then NULL) of every site. Two texts
 * rather than \`p IS NULL OR site = p\`: a plain comparison with a parameter reaches the scan,
 * which then skips the row groups of other sites (and, with the time range, of other months).
 */
const OF_SITE = (p: string, one: boolean) => (one ? `site = ${p}::VARCHAR` : `${p}::VARCHAR IS NULL`)

const LIM = `lim AS (SELECT b, b[1] AS lo0, b[len(b)] AS hin, (b[len(b)] - b[1]) / (len(b) - 1) AS step FROM (SELECT $1::BIGINT[] AS b))`
const EVENT_COLUMNS = (table: string, site: string, one: boolean, where: string) =>
  `(SELECT message_id, session_key, visitor, ts, kind, engaged_ms, channel, campaign, traffic FROM ${table} WHERE ${OF_SITE(site, one)} AND ${where})`
const SESSION_COLUMNS = (site: string, one: boolean, where = 'true') =>
  `(SELECT session_key, visitor, channel, campaign, start_ts, end_ts, page_views, engaged_ms, add_to_cart, inquiry, chat_open,
      prev_start, prev_start_channel, prev_start_campaign, events, traffic, prev_human, prev_human_channel, prev_human_campaign FROM sessions WHERE ${OF_SITE(site, one)} AND ${where})`

/**
 * Reports over whole hours (\`fast\`): $A and $B are the first and last whole hour of the range;
 * sessions starting in [A, B) are read from \`cells\` when they end before their interval (and B),
 * from \`long\` when they may cross a boundary; only the edges [b0, A) and [B, bn) from \`sessions\`.
 */
interface Fast {
  a: string
  b: string
}

// Only what reports read, and never held: a year of sessions is millions of rows, read as a stream
// each time a part of the query needs them.
const PLACED = (site: string, one: boolean, range: [string, string], fast?: Fast) =>
  `placed AS NOT MATERIALIZED (${
    fast
      ? // The edges, and the sessions of the whole hours that end at or after B (the last interval's).
        [
          BUCKET(SESSION_COLUMNS(site, one), 'start_ts', [range[0], fast.a]),
          BUCKET(SESSION_COLUMNS(site, one), 'start_ts', [fast.b, range[1]]),
          BUCKET(SESSION_COLUMNS(site, one, `end_ts >= ${fast.b}`), 'start_ts', [fast.a, fast.b]),
        ].join(' UNION ALL ')
      : BUCKET(SESSION_COLUMNS(site, one), 'start_ts', range)
  })`
const CROSSING = (site: string, one: boolean, range: [string, string], fast?: Fast) => `crossing AS MATERIALIZED (
  SELECT session_key, start_ts, end_ts FROM placed WHERE end_ts >= hi
  ${fast ? `UNION ALL SELECT session_key, start_ts, end_ts FROM (${BUCKET(`(SELECT * FROM long WHERE ${OF_SITE(site, one)})`, 'start_ts', [fast.a, fast.b])}) WHERE end_ts >= hi AND end_ts < ${fast.b}` : ''}
  UNION ALL SELECT session_key, start_ts, end_ts FROM sessions WHERE start_ts < ${range[0]} AND end_ts >= ${range[0]} AND ${OF_SITE(site, one)}
)`

/**
 * The sessions of site $2 that cross a boundary of $1 ($3 and $4: its first and last), their time
 * span and their longest duration: REPORT's $2, $3, $4 and $9. \`one\`: of one site, else $2 is NULL.
 * \`fast\`: $5 and $6 are the first and last whole hour (see Fast).
 */
export const CROSSING_KEYS = (one: boolean, fast: boolean) => {
  const f = fast ? { a: '$5::BIGINT', b: '$6::BIGINT' } : undefined
  return `WITH ${LIM}, ${PLACED('$2', one, ['$3::BIGINT', '$4::BIGINT'], f)}, ${CROSSING('$2', one, ['$3::BIGINT', '$4::BIGINT'], f)}
SELECT coalesce(min(start_ts), 0)::DOUBLE AS lo, coalesce(max(end_ts), -1)::DOUBLE AS hi, coalesce(max(end_ts - start_ts), -1)::DOUBLE AS span,
  coalesce(list(session_key), []) AS keys,
  -- Whether anything but cells is to be read: sessions at the edges, events without a session id.
  ${fast ? '(SELECT count(*) FROM placed)::DOUBLE' : '1::DOUBLE'} AS rest,
  (SELECT count(*) FROM loose WHERE ${OF_SITE('$2', one)} AND ts >= $3::BIGINT AND ts < $4::BIGINT)::DOUBLE AS loose
  FROM crossing`
}

/** The start of the first hour with a session of site $1 (NULL: every site), or NULL. */
const MEASURES = ['sessions', 'users_any', 'users_channel', 'users_campaign', 'page_views', 'engaged', 'add_to_cart', 'inquiry', 'chat_open', 'engaged_ms']

/**
 * \`fast\`: the whole hours read from cells ($10, $11: A and B; $12: the first hour of SPAN_HOURS). Every interval
 * is then at most NEAR_MS long or starts at or before $12 (engine.ts checks). $13: the first
 * boundary after $12 (at least A, else B): an interval that starts at or before the site's first
 * session has no return from before it, so \`near\` is read from there on (none for the whole history).
 */
const COVERED = (one: boolean) => `
cov AS (
  SELECT * FROM (${BUCKET(`(SELECT * FROM cells WHERE ${OF_SITE('$6', one)})`, 'h', ['$10::BIGINT', '$11::BIGINT'])}) WHERE e < least(hi, $11::BIGINT)
),
cov_cells AS (
  SELECT lo, channel, campaign, sum(sessions) AS sessions,
    ${['any', 'channel', 'campaign']
      .map((k) => `sum(CASE WHEN $5 THEN first_${k} + CASE WHEN lo <= $12::BIGINT THEN 0 ELSE far_${k} END ELSE first_h_${k} + CASE WHEN lo <= $12::BIGINT THEN 0 ELSE far_h_${k} END END) AS users_${k}`)
      .join(',\n    ')},
    sum(page_views) AS page_views, sum(engaged) AS engaged, sum(add_to_cart) AS add_to_cart, sum(inquiry) AS inquiry,
    sum(chat_open) AS chat_open, sum(engaged_ms) AS engaged_ms
  FROM cov WHERE $5 OR traffic = '${HUMAN}' GROUP BY lo, channel, campaign
),
-- Returns within NEAR_MS: the visitor counts when the previous session started before the interval.
cov_near AS (
  SELECT lo, channel, campaign, 0 AS sessions,
    count(*) FILTER (WHERE kind = 0) AS users_any, count(*) FILTER (WHERE kind = 1) AS users_channel, count(*) FILTER (WHERE kind = 2) AS users_campaign,
    0 AS page_views, 0 AS engaged, 0 AS add_to_cart, 0 AS inquiry, 0 AS chat_open, 0 AS engaged_ms
  FROM (${BUCKET(`(SELECT * FROM near WHERE ${OF_SITE('$6', one)} AND human = NOT $5)`, 'h', ['$13::BIGINT', '$11::BIGINT'])})
  WHERE e < least(hi, $11::BIGINT) AND ($5 OR traffic = '${HUMAN}') AND p < lo
  GROUP BY lo, channel, campaign
),`

/**
 * A report over whole hours with nothing at its edges, no session crossing a boundary and no
 * event without a session id (the whole history, most days and weeks): the cells alone, in a
 * query a fraction of REPORT's to plan. REPORT's $1, $5, $6, $10, $11, $12 and $13 are its $1 to $7.
 */
export const REPORT_CELLS = (one: boolean) =>
  `WITH ${LIM}, ${COVERED(one).replace(/\$(\d+)/g, (_, n: string) => `$${({ 5: 2, 6: 3, 10: 4, 11: 5, 12: 6, 13: 7 } as Record<string, number>)[n]}`).replace(/,$/, '')}
SELECT lo, channel, campaign, grouping(channel) AS no_channel, grouping(campaign) AS no_campaign, NULL::VARCHAR AS traffic, NULL::DOUBLE AS events,
  ${MEASURES.map((c) => `sum(${c})::DOUBLE AS ${c}`).join(', ')}
FROM (SELECT * FROM cov_cells UNION ALL SELECT * FROM cov_near)
GROUP BY GROUPING SETS ((lo), (lo, channel), (lo, campaign))
UNION ALL
SELECT lo, NULL, NULL, 1, 1, traffic, sum(events)::DOUBLE, sum(sessions)::DOUBLE, ${Array(9).fill('NULL').join(', ')}
FROM cov WHERE NOT ($2 OR traffic = '${HUMAN}') GROUP BY lo, traffic`

/** Whether site $1 (NULL: every site) has an event in [$2, $3). */
export const ANY_IN = (one: boolean) =>
  `SELECT count(*)::DOUBLE AS n FROM (SELECT 1 FROM events WHERE ${OF_SITE('$1', one)} AND ts >= $2::BIGINT AND ts < $3::BIGINT LIMIT 1)`

/** The events without a session id of site $1 (NULL: every site) in [$2, $3). */
export const LOOSE_IN = (one: boolean) =>
  `SELECT count(*)::DOUBLE AS n FROM loose WHERE ${OF_SITE('$1', one)} AND ts >= $2::BIGINT AND ts < $3::BIGINT`

/**
 * A report whose every boundary is a whole hour ($1; $3 and $4 its first and last) needs, beside
 * its cells (REPORT_CELLS), only the pieces of the sessions of site $2 that cross a boundary. Each
 * such session spans an hour, so it is in \`long\` and its events are in \`long_events\`. Per
 * interval and session: what its events in that interval make of it, named by the first of them
 * (as REPORT's parts). The engine counts them, and their users (NEARBY), in JavaScript: one row
 * per crossing session and interval (a few for a week, about one per midnight crossed for a
 * year of days), where REPORT would take longer to plan than this takes to run.
 */
const CROSSING_PIECES = (one: boolean) => `crossing AS (
  SELECT session_key FROM (${BUCKET(`(SELECT session_key, start_ts, end_ts FROM long WHERE ${OF_SITE('$2', one)})`, 'start_ts', ['$3::BIGINT', '$4::BIGINT'])}) WHERE end_ts >= hi
  UNION ALL SELECT session_key FROM long WHERE ${OF_SITE('$2', one)} AND start_ts < $3::BIGINT AND end_ts >= $3::BIGINT
)`

export const PIECES = (one: boolean) => `WITH ${LIM},
${CROSSING_PIECES(one)}
SELECT lo::DOUBLE AS lo, ${FIRST('visitor')} AS visitor, ${FIRST('channel')} AS channel, ${FIRST('campaign')} AS campaign,
  ${FIRST('traffic')} AS traffic, count(*)::DOUBLE AS events, (count(*) FILTER (WHERE kind = ${PAGE}))::DOUBLE AS page_views,
  sum(engaged_ms)::DOUBLE AS engaged_ms, bool_or(kind = ${ADD_TO_CART}) AS add_to_cart, bool_or(kind = ${INQUIRY}) AS inquiry,
  bool_or(kind = ${CHAT_OPEN}) AS chat_open
FROM (${BUCKET(EVENT_COLUMNS('long_events', '$2', one, 'session_key IN (SELECT session_key FROM crossing)'), 'ts', ['$3::BIGINT', '$4::BIGINT'])})
GROUP BY lo, session_key`

/** PIECES counted per interval, sessions only: every class when $5, else those whose first event there is a person's. */
export const PIECE_SESSIONS = (one: boolean) => `WITH ${LIM},
${CROSSING_PIECES(one)}
SELECT lo::DOUBLE AS lo, (count(*) FILTER (WHERE $5 OR traffic = '${HUMAN}'))::DOUBLE AS sessions FROM (
  SELECT lo, ${FIRST('traffic')} AS traffic
  FROM (${BUCKET(`(SELECT session_key, message_id, ts, traffic FROM long_events WHERE ${OF_SITE('$2', one)} AND session_key IN (SELECT session_key FROM crossing))`, 'ts', ['$3::BIGINT', '$4::BIGINT'])})
  GROUP BY lo, session_key
) GROUP BY lo`

/**
 * The sessions alone of a report over whole hours (\`whole\` in engine.ts), per interval of $1, of
 * site $3 (\`one\`; else NULL), every class when $2 (else people only); $4 and $5 its first and last
 * boundary. The pieces of crossing sessions are PIECES'.
 */
export const SESSIONS_CELLS = (one: boolean) => `WITH ${LIM}
SELECT lo::DOUBLE AS lo, sum(sessions)::DOUBLE AS sessions
FROM (${BUCKET(`(SELECT h, e, sessions, traffic FROM cells WHERE ${OF_SITE('$3', one)})`, 'h', ['$4::BIGINT', '$5::BIGINT'])})
WHERE e < least(hi, $5::BIGINT) AND ($2 OR traffic = '${HUMAN}')
GROUP BY lo`

/**
 * For the users of PIECES: the whole sessions (ending inside their interval) of site $2 in [$3, $4)
 * of the visitors $6, people only unless $5, each with its visitor's previous session (of the same
 * classes) overall, in its channel and in its campaign. A piece counts its visitor in an interval
 * when none of these counted the visitor there already (a previous session before the interval).
 */
export const NEARBY = (one: boolean) => `WITH ${LIM}
SELECT lo::DOUBLE AS lo, visitor, channel, campaign,
  (CASE WHEN $5 THEN prev_start ELSE prev_human END)::DOUBLE AS p_any,
  (CASE WHEN $5 THEN prev_start_channel ELSE prev_human_channel END)::DOUBLE AS p_channel,
  (CASE WHEN $5 THEN prev_start_campaign ELSE prev_human_campaign END)::DOUBLE AS p_campaign
FROM (${BUCKET(
  `(SELECT visitor, channel, campaign, start_ts, end_ts, traffic, prev_start, prev_start_channel, prev_start_campaign, prev_human, prev_human_channel, prev_human_campaign
    FROM kin WHERE ${OF_SITE('$2', one)} AND visitor IN (SELECT unnest($6::VARCHAR[])))`,
  'start_ts',
  ['$3::BIGINT', '$4::BIGINT'],
)})
WHERE end_ts < hi AND ($5 OR traffic = '${HUMAN}')`

/** $7 and $8: the first and last boundary, as constants the scans can skip row groups by. */
export const REPORT = (one: boolean, fast: boolean, loose = true) => `
WITH ${LIM},
${PLACED('$6', one, ['$7::BIGINT', '$8::BIGINT'], fast ? { a: '$10::BIGINT', b: '$11::BIGINT' } : undefined)},
${fast ? COVERED(one) : ''}
-- Every session of the range (covered or not), for the users check of the pieces.
${fast ? `every AS NOT MATERIALIZED (${BUCKET(SESSION_COLUMNS('$6', one), 'start_ts', ['$7::BIGINT', '$8::BIGINT'])}),` : ''}
whole AS NOT MATERIALIZED (
  SELECT * EXCLUDE (prev_start, prev_start_channel, prev_start_campaign, prev_human, prev_human_channel, prev_human_campaign),
    ($5 OR traffic = '${HUMAN}') AS keep,
    -- Counting people only, a visitor's previous session is their previous human one.
    CASE WHEN $5 THEN prev_start ELSE prev_human END AS prev_start,
    CASE WHEN $5 THEN prev_start_channel ELSE prev_human_channel END AS prev_start_channel,
    CASE WHEN $5 THEN prev_start_campaign ELSE prev_human_campaign END AS prev_start_campaign
  FROM placed WHERE end_ts < hi
),
-- The events of the crossing sessions (their keys found first: a join on a short list, not a
-- scan of the year), and those without a session id. A crossing session's event lies within its
-- duration of a boundary next to it ($9: the longest): only those events are looked up by key.
ev AS MATERIALIZED (
  ${loose ? `${BUCKET(EVENT_COLUMNS('loose', '$6', one, 'true'), 'ts', ['$7::BIGINT', '$8::BIGINT'])} UNION ALL` : ''}
  ${
    fast
      ? // Over whole hours, a session crossing a boundary between them spans an hour: its events are in
        // long_events. Any other crosses the first or the last boundary, and its events lie within $9 of it.
        `SELECT e.* FROM (${BUCKET(EVENT_COLUMNS('long_events', '$6', one, 'ts BETWEEN $2::BIGINT AND $3::BIGINT'), 'ts', ['$7::BIGINT', '$8::BIGINT'])}) e
    SEMI JOIN (SELECT unnest($4::VARCHAR[]) AS k) c ON e.session_key = c.k
  UNION ALL
  SELECT e.* FROM (
    ${BUCKET(EVENT_COLUMNS('events', '$6', one, 'ts BETWEEN $7::BIGINT - $9::BIGINT AND $7::BIGINT + $9::BIGINT'), 'ts', ['$7::BIGINT', '$8::BIGINT'])}
    UNION ALL
    ${BUCKET(EVENT_COLUMNS('events', '$6', one, 'ts BETWEEN greatest($8::BIGINT - $9::BIGINT, $7::BIGINT + $9::BIGINT + 1) AND $8::BIGINT + $9::BIGINT'), 'ts', ['$7::BIGINT', '$8::BIGINT'])}
  ) e SEMI JOIN (SELECT unnest($4::VARCHAR[]) AS k) c ON e.session_key = c.k
  WHERE e.session_key NOT IN (SELECT session_key FROM long)`
      : `SELECT e.* FROM (
    SELECT * FROM (${BUCKET(EVENT_COLUMNS('events', '$6', one, 'ts BETWEEN $2::BIGINT AND $3::BIGINT'), 'ts', ['$7::BIGINT', '$8::BIGINT'])}) WHERE ts - lo <= $9::BIGINT OR hi - ts <= $9::BIGINT
  ) e SEMI JOIN (SELECT unnest($4::VARCHAR[]) AS k) c ON e.session_key = c.k`
  }
),
${
  // Without events lacking a session id in the range (\`loose\` false), no sessions to find among them.
  loose
    ? `gaps AS (
  SELECT *, CASE WHEN ts - lag(ts) OVER (PARTITION BY lo, visitor ORDER BY ts) <= ${SESSION_MS} THEN 0 ELSE 1 END AS starts
  FROM ev WHERE session_key IS NULL
),
numbered AS (
  SELECT *, sum(starts) OVER (PARTITION BY lo, visitor ORDER BY ts ROWS UNBOUNDED PRECEDING) AS n FROM gaps
),`
    : ''
}
parts AS MATERIALIZED (
  SELECT lo, ${FIRST('visitor')} AS visitor, ${FIRST('channel')} AS channel, ${FIRST('campaign')} AS campaign,
    ${FIRST('traffic')} AS traffic, ($5 OR ${FIRST('traffic')} = '${HUMAN}') AS keep, count(*) AS events,
    count(*) FILTER (WHERE kind = ${PAGE}) AS page_views, sum(engaged_ms) AS engaged_ms,
    bool_or(kind = ${ADD_TO_CART}) AS add_to_cart, bool_or(kind = ${INQUIRY}) AS inquiry, bool_or(kind = ${CHAT_OPEN}) AS chat_open
  FROM (
    SELECT lo, session_key AS part, visitor, channel, campaign, traffic, kind, engaged_ms, ts, message_id FROM ev WHERE session_key IS NOT NULL
    ${loose ? `UNION ALL SELECT lo, 'a:' || visitor || ':' || n AS part, visitor, channel, campaign, traffic, kind, engaged_ms, ts, message_id FROM numbered` : ''}
  )
  GROUP BY lo, part
),
-- Sessions left out (not people, unless $5 counts everything): counted per class, nothing else.
dropped AS (
  SELECT lo, traffic, sum(sessions) AS sessions, sum(events) AS events FROM (
    SELECT lo, traffic, 1 AS sessions, events FROM whole WHERE NOT keep UNION ALL SELECT lo, traffic, 1, events FROM parts WHERE NOT keep
    ${fast ? `UNION ALL SELECT lo, traffic, sessions, events FROM cov WHERE NOT ($5 OR traffic = '${HUMAN}')` : ''}
  ) GROUP BY lo, traffic
),
-- Whole sessions of the visitors who also have a piece: all the users check needs (few rows).
nearby AS MATERIALIZED (
  ${
    fast
      ? `SELECT lo, visitor, channel, campaign,
    CASE WHEN $5 THEN prev_start ELSE prev_human END AS prev_start,
    CASE WHEN $5 THEN prev_start_channel ELSE prev_human_channel END AS prev_start_channel,
    CASE WHEN $5 THEN prev_start_campaign ELSE prev_human_campaign END AS prev_start_campaign
  FROM every WHERE end_ts < hi AND ($5 OR traffic = '${HUMAN}') AND visitor IN (SELECT visitor FROM parts WHERE keep)`
      : `SELECT lo, visitor, channel, campaign, prev_start, prev_start_channel, prev_start_campaign FROM whole
  WHERE keep AND visitor IN (SELECT visitor FROM parts WHERE keep)`
  }
),
parts_users AS (
  SELECT p.*,
    (p.visitor <> '' AND row_number() OVER (PARTITION BY p.lo, p.visitor ORDER BY p.channel, p.campaign) = 1
      AND NOT EXISTS (SELECT 1 FROM nearby w WHERE w.lo = p.lo AND w.visitor = p.visitor
        AND (w.prev_start IS NULL OR w.prev_start < w.lo))) AS u_any,
    (p.visitor <> '' AND row_number() OVER (PARTITION BY p.lo, p.visitor, p.channel ORDER BY p.campaign) = 1
      AND NOT EXISTS (SELECT 1 FROM nearby w WHERE w.lo = p.lo AND w.visitor = p.visitor AND w.channel = p.channel
        AND (w.prev_start_channel IS NULL OR w.prev_start_channel < w.lo))) AS u_channel,
    (p.visitor <> '' AND row_number() OVER (PARTITION BY p.lo, p.visitor, p.campaign ORDER BY p.channel) = 1
      AND NOT EXISTS (SELECT 1 FROM nearby w WHERE w.lo = p.lo AND w.visitor = p.visitor AND w.campaign = p.campaign
        AND (w.prev_start_campaign IS NULL OR w.prev_start_campaign < w.lo))) AS u_campaign
  FROM parts p WHERE keep
),
rows AS (
  SELECT lo, channel, campaign, page_views, engaged_ms, add_to_cart, inquiry, chat_open,
    visitor <> '' AND (prev_start IS NULL OR prev_start < lo) AS u_any,
    visitor <> '' AND (prev_start_channel IS NULL OR prev_start_channel < lo) AS u_channel,
    visitor <> '' AND (prev_start_campaign IS NULL OR prev_start_campaign < lo) AS u_campaign
  FROM whole WHERE keep
  UNION ALL
  SELECT lo, channel, campaign, page_views, engaged_ms, add_to_cart, inquiry, chat_open, u_any, u_channel, u_campaign
  FROM parts_users
),
-- Counts per interval, channel and campaign first (a few hundred rows), then their totals.
groups AS (
  SELECT lo, channel, campaign,
    count(*) AS sessions,
    count(*) FILTER (WHERE u_any) AS users_any,
    count(*) FILTER (WHERE u_channel) AS users_channel,
    count(*) FILTER (WHERE u_campaign) AS users_campaign,
    sum(page_views) AS page_views,
    count(*) FILTER (WHERE engaged_ms >= ${ENGAGED_MS} OR page_views >= 2 OR add_to_cart OR inquiry OR chat_open) AS engaged,
    count(*) FILTER (WHERE add_to_cart) AS add_to_cart,
    count(*) FILTER (WHERE inquiry) AS inquiry,
    count(*) FILTER (WHERE chat_open) AS chat_open,
    sum(engaged_ms) AS engaged_ms
  FROM rows GROUP BY lo, channel, campaign
  ${fast ? `UNION ALL SELECT lo, channel, campaign, ${MEASURES.join(', ')} FROM cov_cells UNION ALL SELECT lo, channel, campaign, ${MEASURES.join(', ')} FROM cov_near` : ''}
)
SELECT lo, channel, campaign, grouping(channel) AS no_channel, grouping(campaign) AS no_campaign, NULL::VARCHAR AS traffic, NULL::DOUBLE AS events,
  ${MEASURES.map((c) => `sum(${c})::DOUBLE AS ${c}`).join(', ')}
FROM groups
GROUP BY GROUPING SETS ((lo), (lo, channel), (lo, campaign))
UNION ALL
SELECT lo, NULL, NULL, 1, 1, traffic, events::DOUBLE, sessions::DOUBLE, ${Array(9).fill('NULL').join(', ')} FROM dropped
`

/** The sites of the stored events: every event is in a session (so a cell) or in \`loose\`. */
export const SITES = `SELECT site FROM cells UNION SELECT site FROM loose ORDER BY site`

/** The first and last hour of the sessions of site $1 (NULL: every site), from their cells. */
export const SPAN_HOURS = (one: boolean) => `SELECT min(h)::DOUBLE AS h, max(e)::DOUBLE AS e FROM cells WHERE ${OF_SITE('$1', one)}`

/**
 * The first and last event time of site $1 (NULL: every site): of its sessions and its events
 * without a session id. $2 and $3: SPAN_HOURS. The first session starts in the first hour; the
 * session that ends last either spans an hour (\`long\`) or starts in the last hour: the first and
 * last hours' row groups and \`long\` read, not a year of sessions.
 */
export const SPAN = (one: boolean) => `SELECT min(first)::DOUBLE AS first, max(last)::DOUBLE AS last FROM (
  SELECT min(start_ts) AS first, NULL::BIGINT AS last FROM sessions WHERE ${OF_SITE('$1', one)} AND start_ts >= $2::BIGINT AND start_ts < $2::BIGINT + ${HOUR}
  UNION ALL SELECT NULL, max(end_ts) FROM sessions WHERE ${OF_SITE('$1', one)} AND start_ts >= $3::BIGINT
  UNION ALL SELECT NULL, max(end_ts) FROM long WHERE ${OF_SITE('$1', one)}
  UNION ALL SELECT min(ts), max(ts) FROM loose WHERE ${OF_SITE('$1', one)}
)`
