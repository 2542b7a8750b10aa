/**
 * The message ids a KPI store holds, as a Bloom filter of their 64-bit hashes (two 32-bit halves:
 * DuckDB's `hash()`, so the filter is built from the database without reading one id into
 * JavaScript). It answers whether any id of a new batch may already be stored. "No" is certain:
 * such a batch skips the check against every stored id, a scan of all of them (at ten million
 * events, a third of a second for any batch, however small). "Maybe" (a repeat, or a false match)
 * leaves the check to the database, as before.
 *
 * A split-block filter (as Parquet's): an id sets one bit in each of the 8 words of one 32-byte
 * block, so adding or asking reads one place in memory. 16 bits an id at capacity: a false match
 * for about 1 id in 700 (ids.test.ts), fewer below it; 30 MB for ten million ids with room for
 * half again.
 * Kept beside the database (`save`, `load`) so that a restart reads it rather than every id.
 */
import { open, readFile, rename } from 'node:fs/promises'

const BITS_PER_ID = 16
const SALT = new Int32Array([0x47b6137b, 0x44974d91, 0x8824ad5b, 0xa2b7289d, 0x705495c7, 0x2df1424b, 0x9efc4947, 0x5c6bfb31])

export type IdFilter = ReturnType<typeof idFilter>

/** An empty filter for `capacity` ids (at least 65,536), or one read back (`words`, `count`). */
export const idFilter = (capacity: number, words?: Uint32Array, count = 0) => {
  const blocks = words ? words.length >>> 3 : Math.ceil((Math.max(65_536, capacity) * BITS_PER_ID) / 256)
  const bits = words ?? new Uint32Array(blocks * 8)
  const room = (blocks * 256) / BITS_PER_ID
  // The block by multiplication rather than a remainder: any number of blocks, the same on every run.
  const block = (a: number) => Math.floor((a * blocks) / 4_294_967_296) * 8
  return {
    /** Add ids by the halves of their hashes. */
    add(a: ArrayLike<number>, b: ArrayLike<number>) {
      for (let j = 0; j < a.length; j++) {
        const o = block(a[j])
        for (let i = 0; i < 8; i++) bits[o + i] |= 1 << (Math.imul(b[j], SALT[i]) >>> 27)
      }
      count += a.length
    },
    /** Whether any of these ids may be stored (false: certainly none is). */
    mayHaveAny(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
      outer: for (let j = 0; j < a.length; j++) {
        const o = block(a[j])
        for (let i = 0; i < 8; i++) if (!(bits[o + i] & (1 << (Math.imul(b[j], SALT[i]) >>> 27)))) continue outer
        return true
      }
      return false
    },
    /** More ids added than it was made for: its false matches grow, so it is made again, larger. */
    full: () => count > room,
    words: bits,
    count: () => count,
  }
}

/** What a saved filter says of itself: the database build (and hash function) it belongs to, and every event of it before `upTo` (seq) is in it. */
export interface Saved {
  build: string
  upTo: number
}

/**
 * Write the filter to `path` (a temporary file, flushed to disk, then renamed: a crash leaves the
 * old file or the new one, never half of one).
 */
export const save = async (path: string, filter: IdFilter, saved: Saved) => {
  const head = Buffer.from(JSON.stringify({ ...saved, count: filter.count(), words: filter.words.length, sum: sumOf(filter.words) }) + '\n')
  const tmp = `${path}.tmp`
  const fh = await open(tmp, 'w')
  try {
    await fh.write(head)
    await fh.write(new Uint8Array(filter.words.buffer, filter.words.byteOffset, filter.words.byteLength))
    await fh.sync()
  } finally {
    await fh.close()
  }
  await rename(tmp, path)
}

/** FNV-1a over the words: what a damaged file fails. */
const sumOf = (words: Uint32Array) => {
  let h = 0x811c9dc5
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193)
  return h >>> 0
}

/** The filter saved at `path`, or undefined (none, not whole, or not as written). */
export const load = async (path: string): Promise<{ filter: IdFilter; saved: Saved } | undefined> => {
  const data = await readFile(path).catch(() => undefined)
  const nl = data?.indexOf(10) ?? -1
  if (!data || nl < 0) return undefined
  try {
    const head = JSON.parse(data.toString('utf8', 0, nl)) as Saved & { count: number; words: number; sum: number }
    if (typeof head.build !== 'string' || !Number.isSafeInteger(head.upTo) || !Number.isSafeInteger(head.count) || !(head.words > 0) || head.words % 8) return undefined
    if (data.length - nl - 1 !== head.words * 4) return undefined
    // Copied out: the words of a Uint32Array start at a multiple of 4, the file's after its header line.
    const words = new Uint32Array(head.words)
    new Uint8Array(words.buffer).set(data.subarray(nl + 1))
    // A bit cleared by a bad sector would be an id the filter denies: the file must be as written.
    if (sumOf(words) !== head.sum) return undefined
    return { filter: idFilter(0, words, head.count), saved: { build: head.build, upTo: head.upTo } }
  } catch {
    return undefined
  }
}
