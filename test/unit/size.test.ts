// @vitest-environment node
import { readFileSync } from 'node:fs'
import { brotliCompressSync, constants } from 'node:zlib'
import { describe, expect, it } from 'vitest'

/** Bytes of dist/footfall.js brotli-compressed at quality 11: the script-tag core's budget. */
export const CORE_BUDGET = 5000

describe('bundle size', () => {
  it(`keeps the script-tag core within ${CORE_BUDGET} B brotli`, () => {
    const file = readFileSync(new URL('../../dist/footfall.js', import.meta.url))
    const br = brotliCompressSync(file, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length
    console.log(`dist/footfall.js: ${file.length} B raw, ${br} B brotli (budget ${CORE_BUDGET})`)
    expect(br).toBeLessThanOrEqual(CORE_BUDGET)
  })
})
