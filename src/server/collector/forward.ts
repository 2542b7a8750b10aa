/**
 * Relay of accepted messages to a Segment-compatible `/v1/batch` (RudderStack, Jitsu,
 * Segment, another footfall collector), through the on-disk spool (spool.ts): batches with
 * the same write key are coalesced into one upstream body; 408, 429 and 5xx are retried,
 * any other status dead-letters the batch.
 */
import { parseRetryAfter } from '../../shared/backoff'
import { openSpool, type SpoolFile } from './spool'
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

const retryable = (status: number) => status === 408 || status === 429 || status >= 500

export const createForwarder = async (options: ForwardOptions & { spoolDir: string }) => {
  const { timeoutMs = 10_000 } = options
  const url = new URL(options.url)
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/batch'

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

  const spool = await openSpool({
    dir: options.spoolDir,
    maxFiles: options.maxSpoolFiles,
    maxGroupBytes: options.maxBatchBytes ?? 400_000,
    minBackoffMs: options.minBackoffMs,
    maxBackoffMs: options.maxBackoffMs,
    joins: (first, next) => first.writeKey === next.writeKey,
    async deliver(group: SpoolFile[]) {
      const res = await post(group[0].writeKey, group.flatMap((f) => f.batch))
      if (res.status >= 200 && res.status < 300) return { ok: true }
      return { ok: false, retry: retryable(res.status), error: `upstream answered ${res.status}`, retryAfterMs: parseRetryAfter(res.headers.get('retry-after')) }
    },
  })

  return {
    /** Spool one accepted batch and start relaying it. */
    enqueue: spool.enqueue,
    stats: (): ForwardStats => {
      const { delivered, ...rest } = spool.stats()
      return { ...rest, forwarded: delivered }
    },
    /** Resolve once the spool is empty (or backing off). */
    flush: spool.flush,
    close: spool.close,
  }
}

export type Forwarder = Awaited<ReturnType<typeof createForwarder>>
