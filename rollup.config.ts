import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import type { Plugin, RollupOptions } from 'rollup'
import nodeResolve from '@rollup/plugin-node-resolve'
import terser from '@rollup/plugin-terser'
import typescript from '@rollup/plugin-typescript'

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }

/** Replaces the __VERSION__ placeholder with the package version. */
const version = (): Plugin => ({
  name: 'version',
  transform: (code) => (code.includes('__VERSION__') ? code.replaceAll('__VERSION__', pkg.version) : null),
})

/** Writes `<file>.sri` next to each browser file: the Subresource Integrity hash of what shipped. */
const sri = (): Plugin => ({
  name: 'sri',
  generateBundle(_options, bundle) {
    for (const file of Object.values(bundle)) {
      if (file.type !== 'chunk') continue
      const hash = createHash('sha384').update(file.code).digest('base64')
      this.emitFile({ type: 'asset', fileName: `${file.fileName}.sri`, source: `sha384-${hash}\n` })
    }
  },
})

const ts = () => typescript({ tsconfig: 'tsconfig.json', include: ['src/**/*.ts'], noEmit: false, declaration: false, outDir: 'dist' })

const min = () =>
  terser({
    ecma: 2020,
    module: true,
    compress: { passes: 3, unsafe_arrows: true, pure_getters: true },
    mangle: { properties: { regex: /^_/ } },
    format: { comments: false },
  })

const browser: RollupOptions[] = [
  // The queueing stub as an external file, for pages whose CSP forbids inline scripts.
  { input: 'src/stub.js', output: { file: 'dist/footfall-stub.js', format: 'es' }, plugins: [min(), sri()] },
  // Script-tag core: one minified IIFE that defines window.footfall.
  {
    input: 'src/script.ts',
    output: { file: 'dist/footfall.js', format: 'iife', sourcemap: false },
    plugins: [version(), nodeResolve(), ts(), min(), sri()],
  },
  // ES module build for bundlers and SPAs; web-vitals stays a lazy chunk.
  {
    input: { footfall: 'src/index.ts' },
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs' },
    external: [/^idb-keyval/, /^web-vitals/],
    plugins: [version(), nodeResolve(), ts()],
  },
]

const node: RollupOptions[] = [
  {
    input: { kpi: 'src/kpi/index.ts', collector: 'src/collector/index.ts', 'footfall-collector': 'src/collector/cli.ts' },
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs' },
    external: [/^node:/],
    plugins: [version(), nodeResolve({ preferBuiltins: true }), ts()],
  },
]

// The Node entries are built once their sources exist.
export default [...browser, ...node.filter((c) => Object.values(c.input as Record<string, string>).every((f) => existsSync(f)))]
