#!/usr/bin/env node
/**
 * footfall-collector --port 8787 --data ./data [--forward URL] [--origin ORIGIN...]
 * footfall-collector kpi FILE... [--from ISO] [--to ISO] [--json]
 */
import { createReadStream } from 'node:fs'
import { createServer } from 'node:http'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { computeKpis, type KpiEvent } from '../kpi/index'
import { createCollector } from './index'
import { formatKpiTable } from './table'

const USAGE = `usage:
  footfall-collector --port 8787 --data DIR [--host 127.0.0.1] [--forward URL] [--origin ORIGIN]...
                     [--read-token TOKEN] [--fsync always|interval|never] [--rate-limit N] [--max-connections N]
  footfall-collector kpi FILE... [--from ISO] [--to ISO] [--json]`

const fail = (message: string): never => {
  process.stderr.write(`footfall-collector: ${message}\n${USAGE}\n`)
  process.exit(2)
}

const readNdjson = async (files: string[]) => {
  const events: KpiEvent[] = []
  for (const file of files) {
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })
    for await (const line of lines) {
      if (!line.trim()) continue
      try {
        events.push(JSON.parse(line) as KpiEvent)
      } catch {
        process.stderr.write(`footfall-collector: skipping a malformed line in ${file}\n`)
      }
    }
  }
  return events
}

const kpi = async (argv: string[]) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' } },
  })
  if (!positionals.length) fail('kpi needs at least one NDJSON file')
  const report = computeKpis(await readNdjson(positionals), { from: values.from, to: values.to })
  process.stdout.write((values.json ? JSON.stringify(report, null, 2) : formatKpiTable(report)) + '\n')
}

/** `--origin a b` means `--origin a --origin b`: the values that follow, up to the next option. */
const spreadOrigins = (argv: string[]): string[] =>
  argv.flatMap((a, i) => {
    if (a.startsWith('-')) return [a]
    let j = i - 1
    while (j >= 0 && !argv[j].startsWith('-')) j--
    return argv[j] == '--origin' && j < i - 1 ? ['--origin', a] : [a]
  })

const serve = async (argv: string[]) => {
  const { values } = parseArgs({
    args: spreadOrigins(argv),
    options: {
      port: { type: 'string', default: process.env.PORT ?? '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      data: { type: 'string', default: './data' },
      forward: { type: 'string' },
      origin: { type: 'string', multiple: true },
      'read-token': { type: 'string', default: process.env.FOOTFALL_READ_TOKEN },
      fsync: { type: 'string', default: 'always' },
      'rate-limit': { type: 'string', default: '20' },
      'max-connections': { type: 'string', default: '1024' },
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

  const collector = createCollector({
    dataDir: values.data,
    forward: values.forward,
    origins: values.origin?.flatMap((o) => o.split(',')),
    readToken: values['read-token'],
    fsync,
    rateLimit: rate === 0 ? false : { rate, burst: rate * 3 },
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

const [command, ...rest] = process.argv.slice(2)
const main = command === 'kpi' ? kpi(rest) : serve(process.argv.slice(2))
main.catch((err: Error) => fail(err.message))
