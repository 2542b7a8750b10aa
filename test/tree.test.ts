// @vitest-environment node
/**
 * The tree shows its worlds (docs/architecture.md): the browser SDK, the server, the KPI code
 * both read, the dashboard, and what every world shares. Imports run one way only: into
 * `shared/` from everywhere, into `kpi/` from the server and the dashboard, never between the
 * browser and the server, and the SDK reads no KPI, server or dashboard code.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const src = resolve(__dirname, '../src')
const WORLDS = ['browser', 'shared', 'kpi', 'server', 'dashboard'] as const
type World = (typeof WORLDS)[number]
/** What each world may import besides itself. */
const MAY: Record<World, World[]> = {
  browser: ['shared'],
  shared: [],
  kpi: ['shared'],
  server: ['kpi', 'shared'],
  dashboard: ['kpi', 'shared'],
}

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : /\.(ts|js)$/.test(d.name) ? [join(dir, d.name)] : []))
const worldOf = (file: string) => relative(src, file).split('/')[0] as World
/** Every module a file names: static and dynamic imports, re-exports, type imports. */
const specifiers = (text: string) => [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)].map((m) => m[1] ?? m[2] ?? m[3])

describe('the tree', () => {
  const all = files(src)

  it('has nothing outside its five worlds', () => {
    expect(all.filter((f) => !WORLDS.includes(worldOf(f))).map((f) => relative(src, f))).toEqual([])
  })

  it('imports one way: shared from all, kpi from the server and the dashboard, the browser and the server never each other', () => {
    const wrong: string[] = []
    for (const file of all) {
      const from = worldOf(file)
      for (const spec of specifiers(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.')) {
          const to = worldOf(resolve(dirname(file), spec))
          if (to !== from && !MAY[from].includes(to)) wrong.push(`${relative(src, file)} → ${spec} (${from} → ${to})`)
        } else if (from === 'browser' && /^(node:|@duckdb\/)/.test(spec)) wrong.push(`${relative(src, file)} → ${spec} (the browser SDK uses no server module)`)
      }
    }
    expect(wrong).toEqual([])
  })

  it('would see a wrong arrow', () => {
    // The check above is only as good as its reading of import lines: a bad one is caught.
    expect(specifiers(`import { openKpiStore } from '../server/kpistore/index'\nexport type { X } from "../dashboard/data"\nconst m = import('../kpi/index')\nimport './side'`)).toEqual([
      '../server/kpistore/index',
      '../dashboard/data',
      '../kpi/index',
      './side',
    ])
  })
})
