import { readdirSync, readFileSync } from 'node:fs'
import { test, expect, nameOf } from '../support/fixtures'
import { blocksOf } from '../support/markdown'

// The ES module examples of the README and docs/ (```js runnable browser) run as written in a page,
// with `footfall` resolved to the built module, and what they track reaches the collector.
const root = new URL('../../', import.meta.url)
const files = ['README.md', ...readdirSync(new URL('docs/', root)).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]
const examples = files.flatMap((file) =>
  blocksOf(readFileSync(new URL(file, root), 'utf8')).filter((b) => b.runnable && b.browser).map((b) => ({ file, ...b })),
)

test('the docs have browser examples to run', () => {
  expect(examples.length).toBeGreaterThan(0)
})

for (const example of examples)
  test(`${example.file}:${example.line} runs in the browser and delivers what it tracks`, async ({ page, server }) => {
    server.pages.set(
      '/',
      `<!doctype html><html><head><title>Example</title>
<script type="importmap">{"imports":{"footfall":"/dist/footfall.mjs","idb-keyval":"/node_modules/idb-keyval/dist/index.js","web-vitals":"/node_modules/web-vitals/dist/web-vitals.js"}}</script>
</head><body><script type="module">${example.code}
window.__done = true</script></body></html>`,
    )
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(server.url + '/')
    await page.waitForFunction(() => (window as any).__done === true)
    const tracked = [...example.code.matchAll(/\btrack\(\s*'([^']+)'/g)].map((m) => m[1])
    for (const name of tracked) await server.waitFor((events) => events.some((e) => nameOf(e) === name))
    expect(errors).toEqual([])
  })
