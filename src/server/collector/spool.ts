/**
 * An on-disk spool with one pump: what the collector relays elsewhere (`--forward`,
 * `--clickhouse`) is written here first, one JSON file per accepted batch (written then
 * renamed, so never half-visible), and delivered oldest first; a file is deleted only once
 * delivered. Failures back off exponentially with full jitter, honouring `Retry-After`; a file
 * the far end refuses goes to `dead/` (isolated first when it came in a group); a restart
 * resumes the spool.
 */
import { backoff } from '../../shared/backoff'
import { mkdir, readFile, readdir, rename, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { StoredMessage } from './validate'

export interface SpoolFile {
  name: string
  writeKey?: string
  batch: StoredMessage[]
  bytes: number
}

/** What became of one delivery: done, try again later, or refused (dead-lettered, never retried). */
export type Outcome = { ok: true } | { ok: false; retry: boolean; error: string; retryAfterMs?: number }

export interface SpoolOptions {
  dir: string
  /** Deliver a group of files (oldest first). */
  deliver: (group: SpoolFile[]) => Promise<Outcome>
  /** Whether `next` may join a group that starts with `first`. Default: always. */
  joins?: (first: SpoolFile, next: SpoolFile) => boolean
  /** Most files kept; beyond it the oldest are dropped and counted. Default 10,000. */
  maxFiles?: number
  /** Most files and bytes delivered at once. Defaults 100 and 400 KB. */
  maxGroupFiles?: number
  maxGroupBytes?: number
  /** Wait this long after a file arrives before delivering, to gather more. Default 0. */
  lingerMs?: number
  /** Backoff bounds in ms. Defaults 500 and 60,000. */
  minBackoffMs?: number
  maxBackoffMs?: number
}

export interface SpoolStats {
  /** Files waiting. */
  spooled: number
  /** Messages delivered. */
  delivered: number
  failures: number
  /** Files dropped because the spool was full. */
  dropped: number
  /** Files moved to `dead/`. */
  deadLettered: number
  lastError?: string
}

export const openSpool = async (options: SpoolOptions) => {
  const { dir, deliver, joins = () => true, maxFiles = 10_000, maxGroupFiles = 100, maxGroupBytes = 400_000, lingerMs = 0 } = options
  const { minBackoffMs = 500, maxBackoffMs = 60_000 } = options
  const deadDir = join(dir, 'dead')
  await mkdir(deadDir, { recursive: true })

  const stats: SpoolStats = { spooled: 0, delivered: 0, failures: 0, dropped: 0, deadLettered: (await readdir(deadDir)).length }
  let queue = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort()
  stats.spooled = queue.length
  let seq = 0
  let attempt = 0
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let closed = false
  let single = false

  const load = async (name: string): Promise<SpoolFile | undefined> => {
    try {
      const text = await readFile(join(dir, name), 'utf8')
      const { writeKey, batch } = JSON.parse(text) as { writeKey?: string; batch: StoredMessage[] }
      return { name, writeKey, batch, bytes: text.length }
    } catch {
      await rename(join(dir, name), join(deadDir, name)).catch(() => {})
      return undefined
    }
  }

  const remove = async (files: SpoolFile[], to?: string) => {
    for (const f of files) await (to ? rename(join(dir, f.name), join(to, f.name)) : unlink(join(dir, f.name))).catch(() => {})
    const gone = new Set(files.map((f) => f.name))
    queue = queue.filter((n) => !gone.has(n))
    stats.spooled = queue.length
  }

  const schedule = (ms: number) => {
    clearTimeout(timer)
    timer = setTimeout(() => void pump(), ms)
    timer.unref()
  }

  /** Deliver the spool, oldest first, in groups. */
  const run = async () => {
    while (!closed && queue.length) {
      const group: SpoolFile[] = []
      let bytes = 0
      for (const name of queue.slice(0, single ? 1 : maxGroupFiles)) {
        const f = await load(name)
        if (!f) {
          queue = queue.filter((n) => n !== name)
          stats.deadLettered++
          continue
        }
        if (group.length && (!joins(group[0], f) || bytes + f.bytes > maxGroupBytes)) break
        group.push(f)
        bytes += f.bytes
      }
      if (!group.length) continue
      let outcome: Outcome
      try {
        outcome = await deliver(group)
      } catch (err) {
        outcome = { ok: false, retry: true, error: (err as Error).message }
      }
      if (outcome.ok) {
        stats.delivered += group.reduce((n, f) => n + f.batch.length, 0)
        attempt = 0
        single = false
        await remove(group)
        continue
      }
      stats.lastError = outcome.error
      if (!outcome.retry) {
        // Isolate the refused file before giving up on anything.
        if (group.length > 1) single = true
        else {
          stats.deadLettered++
          await remove(group, deadDir)
        }
        continue
      }
      stats.failures++
      schedule(Math.max(backoff(attempt++, undefined, Math.random, minBackoffMs, maxBackoffMs), Math.min(outcome.retryAfterMs ?? 0, 600e3)))
      return
    }
  }

  const pump = () => {
    if (closed) return Promise.resolve()
    clearTimeout(timer)
    timer = undefined
    return (running ??= run().finally(() => (running = undefined)))
  }

  if (queue.length) void pump()

  return {
    /** Spool one accepted batch; it is delivered soon. Resolves once it is on disk. */
    async enqueue(batch: StoredMessage[], writeKey?: string) {
      if (!batch.length) return
      const name = `${Date.now().toString().padStart(15, '0')}-${process.pid}-${(seq++).toString().padStart(6, '0')}.json`
      const tmp = join(dir, `.${name}.tmp`)
      await writeFile(tmp, JSON.stringify({ writeKey, batch }))
      await rename(tmp, join(dir, name))
      queue.push(name)
      while (queue.length > maxFiles) {
        const oldest = queue.shift()!
        await unlink(join(dir, oldest)).catch(() => {})
        stats.dropped++
      }
      stats.spooled = queue.length
      // While backing off (or lingering), a new batch waits for the timer instead of hammering the far end.
      if (!timer) {
        if (lingerMs && !running) schedule(lingerMs)
        else void pump()
      }
    },
    stats: (): SpoolStats => ({ ...stats }),
    /** Resolve once the spool is empty (or backing off). */
    flush: () => pump(),
    async close() {
      closed = true
      clearTimeout(timer)
      await running
    },
  }
}

export type Spool = Awaited<ReturnType<typeof openSpool>>
