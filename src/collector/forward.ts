/**
 * Relay of accepted messages to a Segment-compatible `/v1/batch` (RudderStack, Jitsu,
 * Segment, another footfall collector). Every accepted batch is first written to an
 * on-disk spool (one JSON file, written then renamed, so never half-visible); a single
 * pump sends the spool oldest first and deletes a file only after a 2xx. Failures back
 * off exponentially with full jitter, honouring `Retry-After`; a restart resumes the spool.
 */
import { backoff, parseRetryAfter } from '../backoff'
import { mkdir, readFile, readdir, rename, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { StoredMessage } from './validate'

export interface ForwardOptions {
  /** Upstream URL; a URL without a path gets `/v1/batch`. */
  url: string
  /** Write key sent upstream (HTTP Basic, Segment style) when a batch has none. */
  writeKey?: string
  /** Spool directory (the collector uses `<dataDir>/spool`). */
  spoolDir?: string
  /** Most files kept in the spool; beyond it the oldest are dropped and counted. Default 10,000. */
  maxSpoolFiles?: number
  /** Backoff bounds in ms. Defaults 500 and 60,000. */
  minBackoffMs?: number
  maxBackoffMs?: number
  /** Upstream request timeout in ms. Default 10,000. */
  timeoutMs?: number
  /** Upper bound of one upstream body, in bytes. Default 400 KB (Segment accepts 500 KB). */
  maxBatchBytes?: number
}

export interface ForwardStats {
  spooled: number
  forwarded: number
  failures: number
  dropped: number
  deadLettered: number
  lastError?: string
}

type SpoolFile = { name: string; writeKey?: string; batch: StoredMessage[]; bytes: number }

const retryable = (status: number) => status === 408 || status === 429 || status >= 500

export const createForwarder = async (options: ForwardOptions & { spoolDir: string }) => {
  const { spoolDir, maxSpoolFiles = 10_000, minBackoffMs = 500, maxBackoffMs = 60_000, timeoutMs = 10_000, maxBatchBytes = 400_000 } = options
  const url = new URL(options.url)
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/batch'
  const deadDir = join(spoolDir, 'dead')
  await mkdir(deadDir, { recursive: true })

  const stats: ForwardStats = { spooled: 0, forwarded: 0, failures: 0, dropped: 0, deadLettered: 0 }
  const listSpool = async () => (await readdir(spoolDir)).filter((f) => f.endsWith('.json')).sort()
  let queue = await listSpool()
  stats.spooled = queue.length
  let seq = 0
  let attempt = 0
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let closed = false
  let single = false
  let retryAfterMs = 0

  const post = async (writeKey: string | undefined, batch: StoredMessage[]) => {
    const key = writeKey ?? options.writeKey
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key ? { authorization: 'Basic ' + Buffer.from(key + ':').toString('base64') } : {}),
      },
      body: JSON.stringify({ batch, sentAt: new Date().toISOString(), ...(key ? { writeKey: key } : {}) }),
      signal: AbortSignal.timeout(timeoutMs),
    })
    await res.arrayBuffer().catch(() => {})
    return res
  }

  const load = async (name: string): Promise<SpoolFile | undefined> => {
    try {
      const text = await readFile(join(spoolDir, name), 'utf8')
      const { writeKey, batch } = JSON.parse(text) as { writeKey?: string; batch: StoredMessage[] }
      return { name, writeKey, batch, bytes: text.length }
    } catch {
      await rename(join(spoolDir, name), join(deadDir, name)).catch(() => {})
      return undefined
    }
  }

  const remove = async (files: SpoolFile[], dir?: string) => {
    for (const f of files) {
      await (dir ? rename(join(spoolDir, f.name), join(dir, f.name)) : unlink(join(spoolDir, f.name))).catch(() => {})
    }
    queue = queue.filter((n) => !files.some((f) => f.name === n))
    stats.spooled = queue.length
  }

  const schedule = (ms: number) => {
    clearTimeout(timer)
    timer = setTimeout(() => void pump(), ms)
    timer.unref()
  }

  /** Send the spool, oldest first, coalescing files with the same write key. */
  const run = async () => {
    while (!closed && queue.length) {
      const group: SpoolFile[] = []
      let bytes = 0
      for (const name of queue.slice(0, single ? 1 : 100)) {
        const f = await load(name)
        if (!f) {
          queue = queue.filter((n) => n !== name)
          stats.deadLettered++
          continue
        }
        if (group.length && (f.writeKey !== group[0].writeKey || bytes + f.bytes > maxBatchBytes)) break
        group.push(f)
        bytes += f.bytes
      }
      if (!group.length) continue
      let status: number
      try {
        const res = await post(group[0].writeKey, group.flatMap((f) => f.batch))
        status = res.status
        retryAfterMs = Math.min(parseRetryAfter(res.headers.get('retry-after')) ?? 0, 600e3)
      } catch (err) {
        status = 0
        stats.lastError = (err as Error).message
      }
      if (status >= 200 && status < 300) {
        stats.forwarded += group.reduce((n, f) => n + f.batch.length, 0)
        attempt = 0
        single = false
        await remove(group)
        continue
      }
      if (status && !retryable(status)) {
        stats.lastError = `upstream answered ${status}`
        // Isolate the bad file before giving up on anything.
        if (group.length > 1) single = true
        else {
          stats.deadLettered++
          await remove(group, deadDir)
        }
        continue
      }
      if (status) stats.lastError = `upstream answered ${status}`
      stats.failures++
      schedule(Math.max(backoff(attempt++, undefined, Math.random, minBackoffMs, maxBackoffMs), retryAfterMs))
      retryAfterMs = 0
      return
    }
  }

  const pump = () => {
    if (closed) return Promise.resolve()
    clearTimeout(timer)
    return (running ??= run().finally(() => (running = undefined)))
  }

  if (queue.length) void pump()

  return {
    /** Spool one accepted batch and start relaying it. */
    async enqueue(batch: StoredMessage[], writeKey?: string) {
      if (!batch.length) return
      const name = `${Date.now().toString().padStart(15, '0')}-${process.pid}-${(seq++).toString().padStart(6, '0')}.json`
      const tmp = join(spoolDir, `.${name}.tmp`)
      await writeFile(tmp, JSON.stringify({ writeKey, batch }))
      await rename(tmp, join(spoolDir, name))
      queue.push(name)
      while (queue.length > maxSpoolFiles) {
        const oldest = queue.shift()!
        await unlink(join(spoolDir, oldest)).catch(() => {})
        stats.dropped++
      }
      stats.spooled = queue.length
      // While backing off, a new batch waits for the timer instead of hammering upstream.
      if (!timer || attempt === 0) void pump()
    },
    stats: (): ForwardStats => ({ ...stats }),
    /** Resolve once the spool is empty (or `closed`). */
    flush: () => pump(),
    async close() {
      closed = true
      clearTimeout(timer)
      await running
    },
  }
}

export type Forwarder = Awaited<ReturnType<typeof createForwarder>>
