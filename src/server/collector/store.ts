/**
 * The embedded store: one append-only NDJSON file per UTC day (`YYYY-MM-DD.ndjson`) and a
 * `messageId` index rebuilt at start from the files of the retry window, so duplicates stay
 * out across restarts.
 *
 * Durability: concurrent appends are grouped into one `write` per file (group commit);
 * with `fsync: 'always'` (default) the file is `fdatasync`ed before any of them is
 * acknowledged. A crash can leave at most a partial last line, which `openStore` cuts off.
 */
import { createReadStream } from 'node:fs'
import { mkdir, open, readdir, stat, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { StoredMessage } from './validate'

export type FsyncPolicy = 'always' | 'interval' | 'never'

export interface StoreOptions {
  dir: string
  /** `always`: fdatasync before acknowledging (default). `interval`: once a second. `never`: leave it to the OS. */
  fsync?: FsyncPolicy
  /** Most `messageId`s remembered for deduplication; the oldest are forgotten first. */
  maxIds?: number
  /** Days of files whose ids are read at start (the SDK's 7-day retry window, plus one). Default 8. */
  dedupeDays?: number
  /** How many recent messages `recent()` can return. */
  recentSize?: number
}

export type Store = Awaited<ReturnType<typeof openStore>>

const FILE = /^\d{4}-\d{2}-\d{2}\.ndjson$/
// Lines are written with messageId first, so the index can be rebuilt without JSON.parse.
const LEADING_ID = /^\{"messageId":("(?:[^"\\]|\\.)*")/

const dayOf = (iso: string) => iso.slice(0, 10)

/** Serialize with `messageId` as the first key (see LEADING_ID). */
export const toLine = ({ messageId, ...rest }: StoredMessage): string => JSON.stringify({ messageId, ...rest }) + '\n'

const idOfLine = (line: string): string | undefined => {
  const match = LEADING_ID.exec(line)
  if (match) return JSON.parse(match[1]) as string
  try {
    const id = (JSON.parse(line) as { messageId?: unknown }).messageId
    return typeof id === 'string' ? id : undefined
  } catch {
    return undefined
  }
}

/** Cut a trailing partial line left by a crash in the middle of a write. */
const repair = async (path: string) => {
  const fh = await open(path, 'r+')
  try {
    const { size } = await fh.stat()
    if (size === 0) return
    const tail = Buffer.alloc(Math.min(size, 64 * 1024))
    let end = size
    // Walk back until a newline: a line is at most one message (32 KB) plus stamps.
    while (end > 0) {
      const start = Math.max(0, end - tail.length)
      await fh.read(tail, 0, end - start, start)
      const nl = tail.subarray(0, end - start).lastIndexOf(10)
      if (nl === end - start - 1 && end === size) return
      if (nl >= 0) {
        await fh.truncate(start + nl + 1)
        return
      }
      end = start
    }
    await fh.truncate(0)
  } finally {
    await fh.close()
  }
}

const readLines = (path: string) => createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })

export const openStore = async ({ dir, fsync = 'always', maxIds = 500_000, recentSize = 1000, dedupeDays = 8 }: StoreOptions) => {
  await mkdir(dir, { recursive: true })
  const ids = new Set<string>()
  /** Ids whose write is under way, with that write: a duplicate is acknowledged only once it lands. */
  const writes = new Map<string, Promise<unknown>>()
  const recent: string[] = []
  const remember = (id: string) => {
    ids.add(id)
    // A Set iterates in insertion order: the first entry is the oldest.
    if (ids.size > maxIds) ids.delete(ids.values().next().value as string)
  }
  const keepRecent = (line: string) => {
    recent.push(line)
    if (recent.length > recentSize * 2) recent.splice(0, recent.length - recentSize)
  }

  const files = async () => (await readdir(dir)).filter((f) => FILE.test(f)).sort()
  let lines = 0
  // The SDK gives up on an event after 7 days: older files cannot hold the first copy of a
  // retry, so a restart reads only the recent ones (seconds, whatever the history's length).
  const since = new Date(Date.now() - dedupeDays * 86_400_000).toISOString().slice(0, 10)
  for (const f of (await files()).filter((f) => f.slice(0, 10) >= since)) {
    const path = join(dir, f)
    await repair(path)
    for await (const line of readLines(path)) {
      if (!line) continue
      const id = idOfLine(line)
      if (id !== undefined) remember(id)
      keepRecent(line)
      lines++
    }
  }

  // Group commit: appends queue up while a write is in flight and go out together.
  let pending: { day: string; text: string; resolve: () => void; reject: (e: unknown) => void }[] = []
  let writing: Promise<void> | undefined
  const handles = new Map<string, { fh: FileHandle; size: number }>()
  let dirty = new Set<FileHandle>()

  const handleFor = async (day: string) => {
    let h = handles.get(day)
    if (!h) {
      const fh = await open(join(dir, `${day}.ndjson`), 'a')
      h = { fh, size: (await fh.stat()).size }
      handles.set(day, h)
      // Keep only the two newest days open (late events around midnight).
      for (const old of [...handles.keys()].sort().slice(0, -2)) {
        const stale = handles.get(old)!
        handles.delete(old)
        dirty.delete(stale.fh)
        await stale.fh.sync().catch(() => {})
        await stale.fh.close().catch(() => {})
      }
    }
    return h
  }

  const drain = async () => {
    while (pending.length) {
      const batch = pending
      pending = []
      const byDay = new Map<string, typeof batch>()
      for (const p of batch) (byDay.get(p.day) ?? byDay.set(p.day, []).get(p.day)!).push(p)
      for (const [day, group] of byDay) {
        let h: { fh: FileHandle; size: number } | undefined
        try {
          h = await handleFor(day)
          const buf = Buffer.from(group.map((p) => p.text).join(''))
          await h.fh.write(buf, 0, buf.length)
          if (fsync === 'always') await h.fh.datasync()
          else dirty.add(h.fh)
          h.size += buf.length
          group.forEach((p) => p.resolve())
        } catch (err) {
          // Never leave a partial line behind a failed write (disk full, ...).
          if (h) await h.fh.truncate(h.size).catch(() => {})
          group.forEach((p) => p.reject(err))
        }
      }
    }
    writing = undefined
  }

  const timer =
    fsync === 'interval'
      ? setInterval(() => {
          const handlesToSync = dirty
          dirty = new Set()
          for (const fh of handlesToSync) fh.datasync().catch(() => {})
        }, 1000).unref()
      : undefined

  return {
    /** How many lines the files of the retry window held at start. */
    loaded: lines,
    /** Whether this messageId was already stored (or is being stored: see `stored`). */
    has: (id: string) => ids.has(id),
    /**
     * Resolves once every one of these ids is on disk; rejects if the write of one of them failed.
     * A duplicate that arrives while the first copy is still being written must not be acknowledged
     * before that write lands: if it then failed, the client would already have deleted the event.
     */
    stored: (some: string[]): Promise<unknown> => Promise.all(some.map((id) => writes.get(id))),
    /** Append messages (all new ids; `lines` their `toLine`s if already made); resolves once written (and synced, per policy). */
    append(messages: StoredMessage[], lines = messages.map(toLine)): Promise<void> {
      if (!messages.length) return Promise.resolve()
      const texts = new Map<string, string>()
      for (const [i, m] of messages.entries()) {
        remember(m.messageId)
        const line = lines[i]
        const day = dayOf(m.receivedAt)
        texts.set(day, (texts.get(day) ?? '') + line)
      }
      const done = [...texts].map(
        ([day, text]) => new Promise<void>((resolve, reject) => pending.push({ day, text, resolve, reject })),
      )
      writing ??= drain()
      const written = Promise.all(done).then(
        // Shown by /events only once on disk.
        () => lines.forEach((l) => keepRecent(l.slice(0, -1))),
        (err) => {
          // Not stored: let a retry through.
          for (const m of messages) ids.delete(m.messageId)
          throw err
        },
      )
      for (const m of messages) writes.set(m.messageId, written)
      const settled = () => messages.forEach((m) => writes.get(m.messageId) === written && writes.delete(m.messageId))
      written.then(settled, settled)
      return written
    },
    /** The most recent messages, oldest first. */
    recent(limit: number): unknown[] {
      return recent.slice(-limit).map((l) => JSON.parse(l))
    },
    async size() {
      let bytes = 0
      for (const f of await files()) bytes += (await stat(join(dir, f))).size
      return bytes
    },
    async close() {
      await writing
      if (timer) clearInterval(timer)
      for (const { fh } of handles.values()) {
        await fh.sync().catch(() => {})
        await fh.close().catch(() => {})
      }
      handles.clear()
    },
  }
}
