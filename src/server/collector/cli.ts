#!/usr/bin/env node
/**
 * footfall-collector --port 8787 --data ./data [--forward URL] [--origin ORIGIN...]
 * footfall-collector kpi DATA|FILE... [--from ISO] [--to ISO] [--traffic human|all] [--site S] [--json]
 * footfall-collector commit [DATA|FILE...] [--confidence 0.9] [--horizon 4] [--tz Area/City] [--as-of D] [--format table|md|csv|json]
 * footfall-collector sample DATA [--events N] [--days N] [--end D]
 * footfall-collector clickhouse-schema | clickhouse-load DATA --clickhouse URL
 * footfall-collector token create DATA --site S [--name N] | token list DATA | token revoke DATA ID
 * footfall-collector commit DATA --save NAME [--as-of D] · review DATA ID [--format table|md|csv|json]
 * footfall-collector annotate DATA --date D [--until D] --kind change|exclude|note --note TEXT [--site S] | --list | --delete ID
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { checkOptions, type Commitment, type CommitmentOptions, type OwnershipClass } from '../../kpi/commitments'
import { loadCommand, schemaCommand } from '../clickhouse/commands'
import { openClickHouseReports } from '../clickhouse/reports'
import { connectClickHouse } from '../clickhouse/connect'
import { SCHEMA_VERSION } from '../clickhouse/schema'
import type { KpiReport } from '../../kpi/index'
import { instantIn, isTimeZone } from '../../kpi/intervals'
import { Locked, type EngineOptions, type Progress } from '../kpistore/engine'
import { createRunner } from '../kpistore/runner'
import { createCollector } from './index'
import { isValidWriteKey } from './validate'
import { annotationsIn, checkAnnotation, commitmentInputs } from './annotations'
import { formatSaved } from './appendix'
import { reviewFrom, savedIn } from './saved'
import { formatCommitments, type CommitmentFormat } from './commitments'
import { writeSample } from './sample'
import { formatKpiTable } from './table'
import { createToken, listTokens, revokeToken } from './tokens'

type Runner = ReturnType<typeof createRunner>

const USAGE = `usage:
  footfall-collector --port 8787 --data DIR [--host 127.0.0.1] [--forward URL] [--origin ORIGIN]...
                     [--admin-token TOKEN] [--public SITE]... [--trust-proxy]
                     [--fsync always|interval|never] [--rate-limit N] [--max-connections N] [--no-kpi]
                     [--clickhouse URL [--read-from clickhouse] [--clickhouse-apply-schema]] [--now ISO]
  footfall-collector kpi DATA|FILE... | --clickhouse URL [--from ISO] [--to ISO] [--traffic human|all] [--site SITE] [--json]
  footfall-collector commit [DATA|FILE...] | --clickhouse URL [--confidence 0.9] [--horizon 4] [--tz Europe/Berlin]
                     [--as-of DATE | --now DATE] [--format table|md|csv|json] [--kpi NAME]... [--scope CHANNEL]...
                     [--class KPI=owned|shared|outside]... [--site SITE] [--save NAME]
  footfall-collector review DATA ID [--format table|md|csv|json] [--now DATE]
  footfall-collector review DATA --list [--site SITE]
  footfall-collector sample DATA [--events 100000] [--days 365] [--end YYYY-MM-DD] [--seed 1]
  footfall-collector clickhouse-schema [--database footfall] [--ttl-days N]
  footfall-collector clickhouse-load DATA|FILE... --clickhouse URL [--apply-schema]
  footfall-collector token create DATA --site SITE [--name NAME]
  footfall-collector token list DATA
  footfall-collector token revoke DATA ID
  footfall-collector annotate DATA --date YYYY-MM-DD [--until YYYY-MM-DD] --kind change|exclude|note --note TEXT [--site SITE]
  footfall-collector annotate DATA --list [--site SITE] [--json] | --delete ID
The admin token may also come from $FOOTFALL_ADMIN_TOKEN (--read-token: its deprecated name).`

const fail = (message: string): never => {
  process.stderr.write(`footfall-collector: ${message}\n${USAGE}\n`)
  process.exit(2)
}

/** A progress bar on stderr while the store builds (a line every few seconds when not a terminal). */
const progressBar = () => {
  let last = 0
  return (p: Progress) => {
    if (p.phase === 'ready' || p.bytes.total === 0) return
    const tty = process.stderr.isTTY
    if (!tty && Date.now() - last < 3000 && p.bytes.done < p.bytes.total) return
    last = Date.now()
    const share = p.bytes.done / p.bytes.total
    const bar = '#'.repeat(Math.round(share * 30)).padEnd(30, '.')
    const line = `${p.phase} the KPI store [${bar}] ${Math.round(share * 100)}% · ${p.files.done}/${p.files.total} files · ${p.events} events · ${p.rate}/s · ~${p.eta} s left`
    process.stderr.write(tty ? `\r${line}\x1b[K` : line + '\n')
  }
}

/**
 * Answer from the KPI store of a data directory, or of the given files. When a collector holds
 * the directory's database, a private copy is built from the same files in a temporary folder.
 */
const withStore = async <T>(inputs: string[], work: (run: Runner) => Promise<T>): Promise<T> => {
  const dir = inputs.length === 1 && statSync(inputs[0]).isDirectory() ? inputs[0] : undefined
  let temp: string | undefined
  const open = async (db: string, source: EngineOptions['source']): Promise<Runner> => {
    const onProgress = progressBar()
    let rebuilding = false
    const runner = createRunner({ source, db }, (e) => {
      if (e.op === 'progress') onProgress(e.progress)
      if (e.op !== 'rebuilding') return
      rebuilding = true
      if (e.setAside) process.stderr.write(`footfall-collector: the KPI store failed its checks (${e.reason}); kept as ${join(dirname(db), e.setAside)}, rebuilding it from the day files\n`)
    })
    await runner.opened
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K')
    // A report that found the database damaged is asked again: it waits for the rebuild queued before it.
    const unavailable = (answer: unknown) => (answer as { unavailable?: string } | null)?.unavailable
    const handle = async (req: Parameters<Runner['handle']>[0]) => {
      let answer = await runner.handle(req)
      if (unavailable(answer) && rebuilding) answer = await runner.handle(req)
      if (unavailable(answer)) throw new Error(`the report could not be computed: ${unavailable(answer)}`)
      return answer
    }
    return { ...runner, handle }
  }
  let runner: Runner
  try {
    runner = dir ? await open(join(dir, 'kpi.duckdb'), { dir }) : await open(':memory:', { files: inputs })
  } catch (err) {
    if (!(err instanceof Locked) || !dir) throw err
    temp = mkdtempSync(join(tmpdir(), 'footfall-kpi-'))
    process.stderr.write(`footfall-collector: a collector is using ${dir}; reading its files into a private copy\n`)
    runner = await open(join(temp, 'kpi.duckdb'), { dir })
  }
  try {
    return await work(runner)
  } finally {
    await runner.handle({ op: 'close' })
    if (temp) rmSync(temp, { recursive: true, force: true })
  }
}

const kpi = async (argv: string[]) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' }, clickhouse: { type: 'string' }, traffic: { type: 'string', default: 'human' }, site: { type: 'string' } },
  })
  const traffic = values.traffic === 'human' || values.traffic === 'all' ? values.traffic : fail(`bad --traffic ${values.traffic}: human or all`)
  // --site: one site's report; without it, every site's events together.
  const site = values.site
  if (site !== undefined && !isValidWriteKey(site)) fail('bad --site: letters, digits, ".", "_" or "-"')
  if (!positionals.length && !values.clickhouse) fail('kpi needs a data directory, NDJSON files or --clickhouse URL')
  const time = (v: string | undefined, name: string) => {
    if (v === undefined) return undefined
    const t = Date.parse(v)
    return Number.isNaN(t) ? fail(`bad --${name} ${v}: use an ISO 8601 date`) : t
  }
  const from = time(values.from, 'from'), to = time(values.to, 'to')
  const report = values.clickhouse
    ? await openClickHouseReports({ url: values.clickhouse }).report(from, to, site, traffic)
    : ((await withStore(positionals, (run) => run.handle({ op: 'report', from, to, site, traffic }))) as KpiReport)
  process.stdout.write((values.json ? JSON.stringify(report, null, 2) : formatKpiTable(report)) + '\n')
}

const commit = async (argv: string[]) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      confidence: { type: 'string', default: '0.9' },
      horizon: { type: 'string', default: '4' },
      tz: { type: 'string', default: 'UTC' },
      format: { type: 'string', default: 'table' },
      kpi: { type: 'string', multiple: true },
      scope: { type: 'string', multiple: true },
      class: { type: 'string', multiple: true },
      clickhouse: { type: 'string' },
      'as-of': { type: 'string' },
      now: { type: 'string' },
      site: { type: 'string' },
      save: { type: 'string' },
    },
  })
  const inputs = positionals.length ? positionals : ['./data']
  const format = values.format as CommitmentFormat
  if (!['table', 'md', 'csv', 'json'].includes(format)) fail(`bad --format ${values.format}: table, md, csv or json`)
  if (!isTimeZone(values.tz)) fail(`unknown time zone ${values.tz}`)
  // --class inquiryRate=owned: this site's ownership over the defaults.
  const classes = Object.fromEntries((values.class ?? []).map((c) => c.split('=') as [string, OwnershipClass]))
  // --as-of and --now: the report as it would have been given then, from the events before it only.
  if (values['as-of'] !== undefined && values.now !== undefined && values['as-of'] !== values.now) fail('--as-of and --now are the same option: give one')
  const at = values['as-of'] ?? values.now
  const now = at === undefined ? undefined : instantIn(values.tz, at)
  if (Number.isNaN(now)) fail(`bad --as-of ${at}: an ISO 8601 date (midnight in --tz), date and time, or epoch milliseconds`)
  let site = values.site
  if (site !== undefined && !isValidWriteKey(site)) fail('bad --site: letters, digits, ".", "_" or "-"')
  // A data directory's annotations: its known shifts and excluded stretches.
  const dir = inputs.length === 1 && statSync(inputs[0], { throwIfNoEntry: false })?.isDirectory() ? inputs[0] : undefined
  // A saved commitment names its site: the directory's only one when --site is not given.
  if (values.save !== undefined && site === undefined && dir && !values.clickhouse) {
    const sites = (await withStore([dir], (run) => run.handle({ op: 'sites' }))) as string[]
    if (sites.length > 1) fail(`name the site with --site: one of ${sites.join(', ')}`)
    site = sites[0]
  }
  const known = dir ? commitmentInputs(annotationsIn(dir).list(site)) : {}
  const options: CommitmentOptions = { confidence: Number(values.confidence), horizon: Number(values.horizon), kpis: values.kpi, scopes: values.scope, classes, now, ...known }
  try {
    checkOptions(options)
  } catch (err) {
    fail((err as Error).message)
  }
  const answer = (values.clickhouse
    ? await openClickHouseReports({ url: values.clickhouse }).commitments(values.tz, options, site)
    : await withStore(inputs, (run) => run.handle({ op: 'commitments', tz: values.tz, options, site }))) as Commitment[] | { error: string }
  if (!Array.isArray(answer)) fail(answer.error)
  if (values.save !== undefined) {
    // --save NAME: frozen in the data directory, reviewed later (footfall-collector review).
    if (!dir) fail('--save needs a data directory (the saved commitment is kept in it)')
    if (!values.save.trim() || values.save.length > 200) fail('--save NAME: a name of 1 to 200 characters')
    const record = savedIn(dir!).save({
      name: values.save, createdAt: new Date().toISOString(), asOf: new Date(now ?? Date.now()).toISOString(), site, tz: values.tz,
      confidence: options.confidence!, horizon: options.horizon!, ...(values.kpi ? { kpis: values.kpi } : {}), ...(values.scope ? { scopes: values.scope } : {}),
      annotations: annotationsIn(dir!).list(site), rows: answer as Commitment[],
    })
    process.stderr.write(`footfall-collector: saved as ${record.id} (footfall-collector review ${dir} ${record.id})\n`)
  }
  process.stdout.write(formatCommitments(answer as Commitment[], format) + '\n')
}

/** `review DATA ID`: a saved commitment with its review, as a table, the contract appendix (md), CSV or JSON. */
const review = async (argv: string[]) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { format: { type: 'string', default: 'table' }, now: { type: 'string' }, list: { type: 'boolean' }, site: { type: 'string' } },
  })
  const [dir, id] = positionals
  if (!dir) fail('review needs a data directory')
  const book = savedIn(dir)
  if (values.list) {
    const list = book.list(values.site)
    return void process.stdout.write(list.length ? list.map((s) => [s.id, s.asOf.slice(0, 10), s.site ?? '—', JSON.stringify(s.name)].join('  ')).join('\n') + '\n' : 'no saved commitments\n')
  }
  if (!id) fail('review needs the id of a saved commitment (footfall-collector review DATA --list)')
  const format = values.format as CommitmentFormat
  if (!['table', 'md', 'csv', 'json'].includes(format)) fail(`bad --format ${values.format}: table, md, csv or json`)
  const saved = book.get(id!)
  if (!saved) return fail(`no saved commitment ${JSON.stringify(id!.slice(0, 64))} in ${dir}`)
  const now = values.now === undefined ? Date.now() : instantIn(saved.tz, values.now)
  if (Number.isNaN(now)) fail(`bad --now ${values.now}: an ISO 8601 date or epoch milliseconds`)
  const reviewed = await withStore([dir], (run) =>
    reviewFrom(saved, {
      series: (from, to, at) => run.handle({ op: 'series', interval: 'week', tz: saved.tz, from, to, asOf: at, site: saved.site, traffic: 'human' }) as never,
      commitments: (o) => run.handle({ op: 'commitments', tz: saved.tz, options: o, site: saved.site }) as never,
    }, annotationsIn(dir).list(saved.site), now),
  )
  process.stdout.write(formatSaved({ ...saved, ...reviewed }, format) + '\n')
}

const sample = async (argv: string[]) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      events: { type: 'string', default: '100000' },
      days: { type: 'string', default: '365' },
      end: { type: 'string' },
      seed: { type: 'string', default: '1' },
      site: { type: 'string', default: 'demo-shop' },
    },
  })
  const [dir] = positionals
  if (!dir) fail('sample needs a data directory')
  const events = Number(values.events), days = Number(values.days), seed = Number(values.seed)
  if (!(events > 0) || !(days > 0) || !Number.isInteger(days)) fail('--events and --days are positive numbers')
  // --end: the last day of the history (UTC), e.g. to try the reports as of a given day.
  const end = values.end === undefined ? undefined : instantIn('UTC', values.end)
  if (Number.isNaN(end)) fail(`bad --end ${values.end}: an ISO 8601 date`)
  const n = await writeSample({ dir, events, days, seed, site: values.site, end: end === undefined ? undefined : new Date(end) })
  process.stdout.write(`footfall-collector: wrote ${n} sample events over ${days} days to ${dir}\n`)
}

/** `--origin a b` means `--origin a --origin b`: the values that follow, up to the next option. */
const spreadOrigins = (argv: string[]): string[] =>
  argv.flatMap((a, i) => {
    if (a.startsWith('-')) return [a]
    let j = i - 1
    while (j >= 0 && !argv[j].startsWith('-')) j--
    return argv[j] == '--origin' && j < i - 1 ? ['--origin', a] : [a]
  })

/**
 * A ClickHouse without footfall's tables would take every insert into the spool, forever: said at
 * start, in one line, and the collector does not start. Unreachable is only a warning (it may come
 * up later; the spool holds what arrives meanwhile).
 */
const checkClickHouse = async (url: string) => {
  const ch = connectClickHouse({ url, timeoutMs: 10_000 })
  let version: number
  try {
    version = await ch.version()
  } catch (err) {
    return void process.stderr.write(`footfall-collector: ClickHouse at ${ch.where} does not answer (${(err as Error).message}); accepted messages wait in the spool\n`)
  }
  if (version === SCHEMA_VERSION) return
  process.stderr.write(
    version === 0
      ? `footfall-collector: ClickHouse at ${ch.where} has no footfall tables: start with --clickhouse-apply-schema, or apply footfall-collector clickhouse-schema\n`
      : `footfall-collector: ClickHouse at ${ch.where} holds footfall schema ${version}, this collector needs ${SCHEMA_VERSION}: reload it (clickhouse-load --apply-schema)\n`,
  )
  process.exit(1)
}

const serve = async (argv: string[]) => {
  const { values } = parseArgs({
    args: spreadOrigins(argv),
    options: {
      port: { type: 'string', default: process.env.PORT ?? '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      data: { type: 'string', default: './data' },
      forward: { type: 'string' },
      origin: { type: 'string', multiple: true },
      'admin-token': { type: 'string', default: process.env.FOOTFALL_ADMIN_TOKEN },
      'read-token': { type: 'string', default: process.env.FOOTFALL_READ_TOKEN },
      public: { type: 'string', multiple: true },
      'trust-proxy': { type: 'boolean' },
      fsync: { type: 'string', default: 'always' },
      'rate-limit': { type: 'string', default: '20' },
      'max-connections': { type: 'string', default: '1024' },
      'no-kpi': { type: 'boolean' },
      clickhouse: { type: 'string' },
      'read-from': { type: 'string', default: 'store' },
      'clickhouse-apply-schema': { type: 'boolean' },
      now: { type: 'string', default: process.env.FOOTFALL_NOW || undefined },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) return void process.stdout.write(USAGE + '\n')
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`bad --port ${values.port}`)
  const fsync = values.fsync as 'always' | 'interval' | 'never'
  if (!['always', 'interval', 'never'].includes(fsync)) fail(`bad --fsync ${values.fsync}`)
  const rate = Number(values['rate-limit'])
  if (!(rate >= 0)) fail(`bad --rate-limit ${values['rate-limit']}`)

  if (values['read-token'] !== undefined) {
    process.stderr.write('footfall-collector: --read-token and $FOOTFALL_READ_TOKEN are deprecated: they now set the admin token (--admin-token, $FOOTFALL_ADMIN_TOKEN)\n')
  }
  const adminToken = values['admin-token'] ?? values['read-token']
  if (adminToken !== undefined && adminToken.length < 16) fail('the admin token is at least 16 characters (openssl rand -hex 32 makes one)')
  const publicSites = values.public?.flatMap((p) => p.split(','))
  if (publicSites?.some((p) => !isValidWriteKey(p))) fail('bad --public: a site is letters, digits, ".", "_" or "-"')
  if (values['read-from'] !== 'store' && values['read-from'] !== 'clickhouse') fail(`bad --read-from ${values['read-from']}: store or clickhouse`)
  if (values['read-from'] === 'clickhouse' && !values.clickhouse) fail('--read-from clickhouse needs --clickhouse URL')
  // --now: the reports' clock, pinned (demos, tests); ingest keeps the system clock.
  const now = values.now === undefined ? undefined : instantIn('UTC', values.now)
  if (Number.isNaN(now)) fail(`bad --now ${values.now}: an ISO 8601 date or epoch milliseconds`)
  if (values.clickhouse && !values['clickhouse-apply-schema']) await checkClickHouse(values.clickhouse)
  const collector = createCollector({
    dataDir: values.data,
    forward: values.forward,
    clickhouse: values.clickhouse && { url: values.clickhouse, read: values['read-from'] === 'clickhouse', applySchema: values['clickhouse-apply-schema'] },
    origins: values.origin?.flatMap((o) => o.split(',')),
    adminToken,
    publicSites,
    trustProxy: values['trust-proxy'],
    fsync,
    rateLimit: rate === 0 ? false : { rate, burst: rate * 3 },
    kpiStore: !values['no-kpi'],
    now,
    log: (line) => process.stderr.write(line + '\n'),
  })
  await collector.ready
  const server = createServer(collector)
  // Bounded connections and time: a slow or stuck client cannot hold memory for long.
  server.maxConnections = Number(values['max-connections'])
  server.headersTimeout = 10_000
  server.requestTimeout = 30_000
  server.keepAliveTimeout = 5_000
  server.listen(port, values.host, () => {
    const address = server.address()
    const actual = typeof address === 'object' && address ? address.port : port
    process.stdout.write(`footfall-collector listening on http://${values.host}:${actual} (data: ${values.data})\n`)
  })
  server.on('error', (err) => fail(err.message))
  const stop = () => {
    server.close()
    server.closeIdleConnections()
    void collector.close().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

/** `token create|list|revoke DATA …`: site tokens, kept hashed in the data directory (tokens.ts). */
const token = async (argv: string[]) => {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { site: { type: 'string' }, name: { type: 'string', default: '' }, json: { type: 'boolean' } } })
  const [action, dir, id] = positionals
  if (!dir) fail('token create|list|revoke needs a data directory')
  if (action === 'create') {
    if (!values.site) fail('token create needs --site SITE')
    const made = createToken(dir, values.site!, values.name)
    if ('error' in made) return fail(made.error)
    process.stdout.write(
      values.json
        ? JSON.stringify({ ...made.info, token: made.token }) + '\n'
        : `${made.token}\n` +
            `footfall-collector: token ${made.info.id} for site ${JSON.stringify(made.info.site)} made; it is shown this once (only its hash is kept)\n`,
    )
  } else if (action === 'list') {
    const list = listTokens(dir)
    if (values.json) return void process.stdout.write(JSON.stringify(list, null, 2) + '\n')
    process.stdout.write(list.length ? list.map((t) => [t.id, t.site, t.createdAt, JSON.stringify(t.name)].join('  ')).join('\n') + '\n' : 'no site tokens\n')
  } else if (action === 'revoke') {
    if (!id) fail('token revoke needs the id (footfall-collector token list DATA)')
    if (!revokeToken(dir, id)) fail(`no token ${JSON.stringify(id.slice(0, 64))} in ${dir}`)
    process.stdout.write(`footfall-collector: token ${id} revoked; its sessions end at their next request\n`)
  } else fail('token create, list or revoke')
}

/** `annotate DATA …`: add, list or delete the data directory's annotations (annotations.ts). */
const annotate = async (argv: string[]) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      date: { type: 'string' }, until: { type: 'string' }, kind: { type: 'string' }, note: { type: 'string', default: '' },
      site: { type: 'string' }, list: { type: 'boolean' }, delete: { type: 'string' }, json: { type: 'boolean' }, now: { type: 'string' },
    },
  })
  const [dir] = positionals
  if (!dir) fail('annotate needs a data directory')
  const book = annotationsIn(dir)
  if (values.list) {
    const list = book.list(values.site)
    if (values.json) return void process.stdout.write(JSON.stringify(list, null, 2) + '\n')
    const line = (a: (typeof list)[number]) => [a.id, a.site, a.date + (a.until ? `..${a.until}` : ''), a.kind, JSON.stringify(a.note)].join('  ')
    return void process.stdout.write(list.length ? list.map(line).join('\n') + '\n' : 'no annotations\n')
  }
  if (values.delete !== undefined) {
    if (!book.remove(values.delete)) fail(`no annotation ${JSON.stringify(values.delete.slice(0, 64))} in ${dir}`)
    return void process.stdout.write(`footfall-collector: annotation ${values.delete} deleted\n`)
  }
  // The site: --site, else the only one the directory holds.
  let site = values.site
  if (site === undefined) {
    const sites = (await withStore([dir], (run) => run.handle({ op: 'sites' }))) as string[]
    if (sites.length !== 1) fail(sites.length ? `name the site with --site: one of ${sites.join(', ')}` : 'name the site with --site')
    site = sites[0]
  }
  const now = values.now === undefined ? undefined : instantIn('UTC', values.now)
  const checked = checkAnnotation({ site, date: values.date, until: values.until, kind: values.kind, note: values.note }, site, now)
  if ('error' in checked) return fail(checked.error)
  const made = book.add(checked.annotation, now)
  process.stdout.write(values.json ? JSON.stringify(made) + '\n' : `footfall-collector: annotation ${made.id} added (${made.kind} ${made.date}${made.until ? `..${made.until}` : ''} for ${made.site})\n`)
}

const [command, ...rest] = process.argv.slice(2)
const commands: Record<string, (argv: string[]) => unknown> = { kpi, commit, review, sample, token, annotate, 'clickhouse-schema': schemaCommand, 'clickhouse-load': loadCommand }
const main = Promise.resolve().then(() => (Object.hasOwn(commands, command) ? commands[command] : () => serve(process.argv.slice(2)))(rest))
main.catch((err: Error) => fail(err.message))
