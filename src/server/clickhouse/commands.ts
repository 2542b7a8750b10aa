/**
 * The collector's ClickHouse commands:
 *   footfall-collector clickhouse-schema [--database footfall] [--ttl-days N]   (prints the SQL)
 *   footfall-collector clickhouse-load DATA|FILE... --clickhouse URL [--apply-schema]
 */
import { parseArgs } from 'node:util'
import { connectClickHouse } from './connect'
import { inputFiles, loadFiles } from './load'
import { schemaScript } from './schema'

const ttl = (v: string | undefined) => {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`bad --ttl-days ${v}`)
  return n
}

export const schemaCommand = (argv: string[]) => {
  const { values } = parseArgs({ args: argv, options: { database: { type: 'string', default: 'footfall' }, 'ttl-days': { type: 'string' } } })
  process.stdout.write(schemaScript({ database: values.database, ttlDays: ttl(values['ttl-days']) }))
}

export const loadCommand = async (argv: string[]) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { clickhouse: { type: 'string' }, 'apply-schema': { type: 'boolean' }, 'ttl-days': { type: 'string' } },
  })
  if (!values.clickhouse) throw new Error('clickhouse-load needs --clickhouse URL')
  if (!positionals.length) throw new Error('clickhouse-load needs a data directory or NDJSON files')
  const ch = connectClickHouse(values.clickhouse)
  if (values['apply-schema']) await ch.applySchema(ttl(values['ttl-days']))
  const files = await inputFiles(positionals)
  const started = performance.now()
  let last = 0
  const rows = await loadFiles(ch, files, (n, file) => {
    if (Date.now() - last < 3000) return
    last = Date.now()
    process.stderr.write(`loading into ${ch.where}: ${file}/${files.length} files, ${n} events\n`)
  })
  const seconds = (performance.now() - started) / 1000
  process.stdout.write(`footfall-collector: loaded ${rows} events from ${files.length} files into ${ch.where} in ${seconds.toFixed(1)} s\n`)
}
