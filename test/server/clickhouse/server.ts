/**
 * A real ClickHouse server for tests: Debian's `clickhouse-server` (or CLICKHOUSE_SERVER),
 * started as a plain process on loopback ports with its own data directory, stopped after.
 * When no binary is found, `clickhouseBinary` is undefined and the suites say why they skip.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../../support/ports'

const CONFIG = '/etc/clickhouse-server/config.xml'

const find = (): string | undefined => {
  if (process.env.CLICKHOUSE_SERVER) return process.env.CLICKHOUSE_SERVER
  const which = spawnSync('sh', ['-c', 'command -v clickhouse-server'], { encoding: 'utf8' }).stdout.trim()
  return which || ['/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server'].find((p) => existsSync(p))
}

export const clickhouseBinary = existsSync(CONFIG) ? find() : undefined
export const SKIP_REASON = 'ClickHouse tests skipped: no clickhouse-server binary (apt-get install clickhouse-server, or set CLICKHOUSE_SERVER)'


export interface RunningClickHouse {
  /** HTTP interface, e.g. http://127.0.0.1:PORT */
  url: string
  dir: string
  child: ChildProcess
  /** Stop the server (SIGTERM) and wait for it; the data directory stays. */
  pause(): Promise<void>
  /** Start it again on the same ports and data. */
  resume(): Promise<void>
  stop(): Promise<void>
}

const answers = async (url: string) => {
  try {
    return (await fetch(`${url}/?query=SELECT%201`, { signal: AbortSignal.timeout(1000) })).ok
  } catch {
    return false
  }
}

/** Start a server; resolves once it answers over HTTP. */
export const startClickHouse = async (): Promise<RunningClickHouse> => {
  if (!clickhouseBinary) throw new Error(SKIP_REASON)
  const dir = mkdtempSync(join(tmpdir(), 'footfall-clickhouse-'))
  const [http, tcp, interserver] = [await freePort(), await freePort(), await freePort()]
  const url = `http://127.0.0.1:${http}`
  let child!: ChildProcess
  const launch = async () => {
    child = spawn(
      clickhouseBinary,
      [
        `--config-file=${CONFIG}`, '--',
        `--path=${dir}/`, `--tmp_path=${dir}/tmp/`, `--user_files_path=${dir}/user_files/`, `--format_schema_path=${dir}/format_schemas/`,
        `--http_port=${http}`, `--tcp_port=${tcp}`, `--interserver_http_port=${interserver}`, '--listen_host=127.0.0.1',
        `--logger.log=${dir}/ch.log`, `--logger.errorlog=${dir}/err.log`, '--logger.level=warning',
      ],
      { stdio: 'ignore', cwd: dir },
    )
    const deadline = Date.now() + 60_000
    while (!(await answers(url))) {
      if (child.exitCode !== null) throw new Error(`clickhouse-server exited (${child.exitCode}); see ${dir}/err.log`)
      if (Date.now() > deadline) throw new Error('clickhouse-server did not answer within 60 s')
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  const halt = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode) return resolve()
      const kill = setTimeout(() => child.kill('SIGKILL'), 15_000)
      child.once('exit', () => (clearTimeout(kill), resolve()))
      child.kill('SIGTERM')
    })
  await launch()
  return {
    url,
    dir,
    get child() {
      return child
    },
    pause: halt,
    resume: launch,
    async stop() {
      await halt()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
