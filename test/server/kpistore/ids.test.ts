// @vitest-environment node
/** The filter of stored message ids: never a false "no"; false "maybe"s as rare as its size promises. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { idFilter, load, save } from '../../../src/server/kpistore/ids'

/** Pseudo-random 32-bit halves of hashes, the same on every run. */
const halves = (seed: number, n: number) => {
  let x = seed
  const next = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), x >>> 0)
  const a = new Uint32Array(n), b = new Uint32Array(n)
  for (let i = 0; i < n; i++) (a[i] = next()), (b[i] = next())
  return { a, b }
}

describe('stored message ids filter', () => {
  it('says "maybe" for every id added, and "no" for all but about 1 in 700 others at capacity', () => {
    const filter = idFilter(100_000)
    const stored = halves(7, 100_000)
    filter.add(stored.a, stored.b)
    for (let i = 0; i < 100_000; i++) expect(filter.mayHaveAny(stored.a.subarray(i, i + 1), stored.b.subarray(i, i + 1))).toBe(true)
    const other = halves(11, 100_000)
    let maybe = 0
    for (let i = 0; i < 100_000; i++) if (filter.mayHaveAny(other.a.subarray(i, i + 1), other.b.subarray(i, i + 1))) maybe++
    // 16 bits an id in blocks of 256: 140 of these 100,000 (0.14 %).
    expect(maybe).toBeGreaterThan(50)
    expect(maybe).toBeLessThan(300)
    expect(filter.full()).toBe(false)
    filter.add(other.a.subarray(0, 1), other.b.subarray(0, 1))
    expect(filter.full()).toBe(true)
  })

  it('answers for a whole batch: "maybe" when any id of it may be stored', () => {
    const filter = idFilter(1000)
    const stored = halves(3, 1000)
    filter.add(stored.a, stored.b)
    const batch = halves(5, 50)
    expect(filter.mayHaveAny(batch.a, batch.b)).toBe(false)
    batch.a[49] = stored.a[500]
    batch.b[49] = stored.b[500]
    expect(filter.mayHaveAny(batch.a, batch.b)).toBe(true)
    expect(idFilter(1000).mayHaveAny(stored.a, stored.b)).toBe(false)
  })

  it('is read back as written, and not at all when the file is damaged, cut short or not one', async () => {
    const filter = idFilter(1000)
    const stored = halves(9, 1000)
    filter.add(stored.a, stored.b)
    const path = join(mkdtempSync(join(tmpdir(), 'footfall-ids-')), 'kpi.duckdb.ids')
    await save(path, filter, { build: 'b1', upTo: 1234 })
    const back = (await load(path))!
    expect(back.saved).toEqual({ build: 'b1', upTo: 1234 })
    expect(back.filter.words).toEqual(filter.words)
    expect(back.filter.count()).toBe(1000)
    expect(back.filter.mayHaveAny(stored.a.subarray(10, 11), stored.b.subarray(10, 11))).toBe(true)
    const whole = readFileSync(path)
    const damaged = Buffer.from(whole)
    damaged[damaged.length - 100] ^= 0xff
    writeFileSync(path, damaged)
    expect(await load(path)).toBeUndefined()
    writeFileSync(path, whole.subarray(0, whole.length - 4))
    expect(await load(path)).toBeUndefined()
    writeFileSync(path, 'not a filter')
    expect(await load(path)).toBeUndefined()
    expect(await load(path + '.missing')).toBeUndefined()
  })
})
