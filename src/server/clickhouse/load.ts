/**
 * Load stored NDJSON (a collector's day files, or any files of stored messages) into ClickHouse:
 * the backfill when ClickHouse joins an existing collector, and the rebuild after a schema
 * change — the NDJSON is the truth, ClickHouse a derived store. Loading a file twice changes no
 * number (copies of a message fold away).
 */
import { createReadStream } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { ClickHouse } from './connect'
import { rowOf } from './row'

const DAY_FILE = /^\d{4}-\d{2}-\d{2}\.ndjson$/
/** Rows per insert. */
const BATCH = 100_000

/** The day files of a data directory, or the given files. */
export const inputFiles = async (inputs: string[]): Promise<string[]> => {
  if (inputs.length === 1 && (await stat(inputs[0])).isDirectory()) {
    return (await readdir(inputs[0])).filter((f) => DAY_FILE.test(f)).sort().map((f) => join(inputs[0], f))
  }
  return inputs
}

/** Insert every message of the files; resolves with how many rows went in. */
export const loadFiles = async (ch: ClickHouse, files: string[], onProgress?: (rows: number, file: number) => void): Promise<number> => {
  let rows = 0
  let lines: string[] = []
  const flush = async () => {
    if (!lines.length) return
    await ch.insert('events', lines.join('\n') + '\n', 600_000)
    rows += lines.length
    lines = []
  }
  for (const [i, file] of files.entries()) {
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      if (!line) continue
      let row: string | undefined
      try {
        row = rowOf(JSON.parse(line))
      } catch {
        continue // a line cut by a crash
      }
      if (row) lines.push(row)
      if (lines.length >= BATCH) {
        await flush()
        onProgress?.(rows, i)
      }
    }
  }
  await flush()
  onProgress?.(rows, files.length)
  return rows
}
