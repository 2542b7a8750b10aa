// @vitest-environment node
/**
 * The documentation is kept true by this test: every relative link and `#anchor` in README.md,
 * docs/*.md, CHANGELOG.md, CONTRIBUTING.md and SECURITY.md resolves, no page repeats a heading
 * or leaves a section empty, and every code block marked `runnable` runs against the built package:
 * - ```sh runnable: each line is a `footfall-collector …` command, run as
 *   `node dist/footfall-collector.mjs …` in a temp directory whose `./data` holds a sample history;
 * - ```js runnable: an ES module run by Node in that directory, where `footfall`, `footfall/kpi`
 *   and `footfall/collector` resolve through the package's own exports to dist/.
 * (```js runnable browser blocks run in Chromium: test/browser/docs.spec.ts.)
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { anchorsOf, blocksOf, headingsOf, linksOf, slug } from '../support/markdown'

const root = resolve(dirname(new URL(import.meta.url).pathname), '../..')
const pages = [
  'README.md',
  'CHANGELOG.md',
  'CONTRIBUTING.md',
  'SECURITY.md',
  ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
].filter((f) => existsSync(join(root, f)))
const text = (file: string) => readFileSync(join(root, file), 'utf8')

describe('markdown helpers', () => {
  it('make GitHub-style slugs', () => {
    expect(slug('ClickHouse (`--clickhouse URL`): beyond one machine')).toBe('clickhouse---clickhouse-url-beyond-one-machine')
    expect(slug('Shops on Shopify and WooCommerce (`data-platform`)')).toBe('shops-on-shopify-and-woocommerce-data-platform')
    expect(slug('Benchmarks → Size')).toBe('benchmarks--size')
  })
  it('read fences as GitHub does', () => {
    const md = 'a ```` ```sh runnable ```` span\n```sh runnable\nfootfall-collector --help\n```\n   ```js\nx\n   ```'
    expect(blocksOf(md)).toEqual([
      { lang: 'sh', runnable: true, browser: false, code: 'footfall-collector --help', line: 2 },
      { lang: 'js', runnable: false, browser: false, code: 'x', line: 5 },
    ])
  })
  it('find links outside code only', () => {
    const md = 'a [x](y.md#z) `[no](n.md)`\n```\n[no](n.md)\n```\n![img](i.png)'
    expect(linksOf(md).map((l) => l.target)).toEqual(['y.md#z', 'i.png'])
  })
})

describe('links and anchors', () => {
  for (const file of pages)
    it(`every relative link in ${file} resolves`, () => {
      const broken: string[] = []
      for (const { target, line } of linksOf(text(file))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue // http:, https:, mailto:
        const [path, anchor] = target.split('#')
        const to = path ? join(dirname(join(root, file)), decodeURIComponent(path)) : join(root, file)
        if (!to.startsWith(root + '/') || !existsSync(to)) {
          broken.push(`${file}:${line} → ${target} (no such file)`)
          continue
        }
        if (anchor !== undefined && to.endsWith('.md') && !anchorsOf(readFileSync(to, 'utf8')).includes(anchor))
          broken.push(`${file}:${line} → ${target} (no such heading in ${relative(root, to)})`)
      }
      expect(broken).toEqual([])
    })
})

describe('pages', () => {
  for (const file of pages.filter((f) => f === 'README.md' || f.startsWith('docs/')))
    it(`${file} has no heading twice and no empty section`, () => {
      const md = text(file)
      const headings = headingsOf(md)
      expect(headings.filter((h, i) => headings.indexOf(h) !== i)).toEqual([])
      // A heading followed directly by another of the same or a higher level has nothing under it.
      let last: { level: number; title: string; body: boolean } | undefined
      const empty: string[] = []
      const code = new Set(blocksOf(md).flatMap((b) => Array.from({ length: b.code.split('\n').length + 2 }, (_, i) => b.line + i)))
      for (const [i, l] of [...md.split('\n'), '# end'].entries()) {
        const m = !code.has(i + 1) && /^(#{1,6}) (.*)/.exec(l)
        if (m) {
          if (last && !last.body && m[1].length <= last.level) empty.push(last.title)
          last = { level: m[1].length, title: m[2], body: false }
        } else if (last && l.trim() && !/^<!--.*-->$/.test(l.trim())) last.body = true
      }
      expect(empty).toEqual([])
      expect(md).not.toMatch(/<!-- section:/)
    })

  it('README keeps the two commands of its quick start and stays short', () => {
    const md = text('README.md')
    expect(md).toContain('npm run demo')
    expect(md).toContain('npm test')
    expect(Buffer.byteLength(md)).toBeLessThan(10_000)
  })

  it('README links every page of docs/', () => {
    const linked = linksOf(text('README.md')).map((l) => l.target.split('#')[0])
    const missing = pages.filter((f) => f.startsWith('docs/') && !linked.includes(f))
    expect(missing).toEqual([])
  })
})

describe('runnable examples', () => {
  const dist = join(root, 'dist')
  const built = existsSync(join(dist, 'footfall-collector.mjs'))
  const runnable = pages.flatMap((file) => blocksOf(text(file)).filter((b) => b.runnable && !b.browser).map((b) => ({ file, ...b })))
  let dir = ''
  let bin = ''

  beforeAll(() => {
    if (!built) return
    dir = mkdtempSync(join(tmpdir(), 'footfall-docs-'))
    // `footfall` resolves to this checkout through its package.json exports, as it would when installed.
    mkdirSync(join(dir, 'node_modules'))
    symlinkSync(root, join(dir, 'node_modules', 'footfall'), 'dir')
    bin = join(dir, 'bin')
    mkdirSync(bin)
    writeFileSync(join(bin, 'footfall-collector'), `#!/bin/sh\nexec "${process.execPath}" "${join(dist, 'footfall-collector.mjs')}" "$@"\n`, { mode: 0o755 })
  })
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('there are runnable examples to run', () => {
    expect(runnable.filter((b) => b.lang === 'sh').length).toBeGreaterThan(0)
    expect(runnable.filter((b) => b.lang === 'js').length).toBeGreaterThan(0)
  })

  for (const [i, block] of runnable.entries())
    it.skipIf(!built)(`${block.file}:${block.line} (${block.lang}) runs`, () => {
      // Each example starts from a fresh sample history in ./data.
      const cwd = join(dir, `run-${i}`)
      mkdirSync(cwd)
      const sample = spawnSync(process.execPath, [join(dist, 'footfall-collector.mjs'), 'sample', 'data', '--events', '3000', '--days', '70', '--end', '2026-11-25'], { cwd, encoding: 'utf8' })
      expect(sample.status, sample.stderr).toBe(0)
      let r
      if (block.lang === 'sh') {
        const commands = block.code.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'))
        expect(commands.every((c) => /^footfall-collector( |$)/.test(c)), 'sh runnable blocks hold only footfall-collector commands').toBe(true)
        r = spawnSync('sh', ['-e', '-c', commands.join('\n')], {
          cwd,
          encoding: 'utf8',
          timeout: 20e3,
          env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
        })
      } else {
        writeFileSync(join(cwd, 'example.mjs'), block.code)
        // The temp dir's node_modules is one level up: Node looks in every parent directory.
        r = spawnSync(process.execPath, ['example.mjs'], { cwd, encoding: 'utf8', timeout: 20e3 })
      }
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0)
    }, 30e3)
})
