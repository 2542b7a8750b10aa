import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { Plugin, RollupOptions } from 'rollup'
import nodeResolve from '@rollup/plugin-node-resolve'
import terser from '@rollup/plugin-terser'
import typescript from '@rollup/plugin-typescript'
import tsc from 'typescript'

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }

/** Replaces the __VERSION__ placeholder with the package version. */
const version = (): Plugin => ({
  name: 'version',
  transform: (code) => (code.includes('__VERSION__') ? code.replaceAll('__VERSION__', pkg.version) : null),
})

/**
 * Writes the type declarations of the package's entries: dist/types/** from the sources, and
 * dist/footfall.d.ts, dist/kpi.d.ts, dist/collector.d.ts pointing into them.
 */
const declarations = (entries: Record<string, string>): Plugin => ({
  name: 'declarations',
  writeBundle() {
    const program = tsc.createProgram(Object.values(entries), {
      declaration: true,
      emitDeclarationOnly: true,
      outDir: 'dist/types',
      rootDir: 'src',
      strict: true,
      skipLibCheck: true,
      target: tsc.ScriptTarget.ES2022,
      module: tsc.ModuleKind.ESNext,
      moduleResolution: tsc.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts', 'lib.es2024.string.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
      types: ['node'],
      // The framework entries import the SDK by its package name, as an app does (see `frameworks`).
      paths: { footfall: ['./src/browser/index.ts'] },
    })
    // Relative specifiers get their .js extension so that `moduleResolution: nodenext` users resolve them.
    const write: tsc.WriteFileCallback = (file, text) => {
      const dir = dirname(file)
      // (Inferred types come out as `import("./batch").Chunk`, in double quotes.)
      const fixed = text.replace(/((?:from|import)\s*\(?)(['"])(\.\.?\/[^'"]+)\2/g, (m, pre: string, q: string, spec: string) => {
        const src = resolve(dir.replace(/dist[\\/]types/, 'src'), spec)
        return existsSync(src + '.ts') ? `${pre}${q}${spec}.js${q}` : existsSync(src + '/index.ts') ? `${pre}${q}${spec}/index.js${q}` : m
      })
      mkdirSync(dir, { recursive: true })
      writeFileSync(file, fixed)
    }
    const result = program.emit(undefined, write)
    if (result.diagnostics.length) this.warn(tsc.formatDiagnostics(result.diagnostics, tsc.createCompilerHost({})))
    for (const [name, file] of Object.entries(entries)) {
      const target = './types/' + file.slice(4).replace(/\.ts$/, '.js')
      // `export *` leaves a default export out: the Vue plugin is one.
      const dflt = /^export default /m.test(readFileSync(file, 'utf8')) ? `export { default } from '${target}'\n` : ''
      writeFileSync(`dist/${name}.d.ts`, `export * from '${target}'\n` + dflt)
    }
  },
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

/** Puts the settings a merchant edits above the minified pixel (after minification, so they stay readable). */
const pixelSettings = (): Plugin => ({
  name: 'pixel-settings',
  generateBundle(_options, bundle) {
    for (const file of Object.values(bundle))
      if (file.type == 'chunk')
        file.code =
          `// footfall for Shopify customer events ${pkg.version}: set your collector URL and site id, then paste\n` +
          `// all of this into Settings → Customer events → Add custom pixel.\n` +
          `const footfallPixel = { endpoint: 'https://collector.example.com/collect', site: 'my-shop', pageViews: true, addToCart: true };\n` +
          file.code
  },
})

/** Writes one stylesheet from several (the dashboard's: uPlot's own first). */
const stylesheet = (fileName: string, files: string[]): Plugin => ({
  name: 'stylesheet',
  buildStart() {
    for (const f of files) this.addWatchFile(f)
  },
  generateBundle() {
    this.emitFile({ type: 'asset', fileName, source: files.map((f) => readFileSync(f, 'utf8').trim()).join('\n') + '\n' })
  },
})

const ts = () => typescript({ tsconfig: 'tsconfig.json', include: ['src/**/*.ts'], noEmit: false, declaration: false, outDir: 'dist' })

/**
 * Property names internal to the script tag, shortened by the minifier (a trick for bytes): only
 * names that never reach the wire, storage, the public API, the options (data-* attributes), a DOM
 * or built-in property the same file reads (`Promise.all`, a fetch `body`), or a part minified
 * without this list (vitals, dataLayer, platform: they see `track`, `on`, `warn`, `options`).
 */
const INTERNAL_NAMES = ['session', 'start', 'soon', 'unload', 'enable', 'durable', 'save', 'touch', 'retryAfter', 'beacon', 'queue', 'mine', 'kept', 'writing', 'take', 'retryAt', 'persist', 'stored', 'del', 'run', 'load', 'emit', 'dropped', 'report', 'writeKey', 'parts', 'bytes', 'entries', 'send', 'reset', 'read', 'write']
const INTERNAL = new RegExp(`^(${INTERNAL_NAMES.join('|')})$`)

const min = (mangleProps?: boolean) =>
  terser({
    ecma: 2020,
    module: true,
    // Measured on footfall.js (brotli): inline 1 (single-use functions stay functions, not IIFEs with
    // their parameters) −11 B, a fourth pass −10 B, `(function(){…})()` rather than `!function…` −5 B.
    compress: { passes: 4, inline: 1, negate_iife: false, unsafe_arrows: true, pure_getters: true },
    // builtins: a name listed here is ours even where the DOM has the same one (`start`).
    mangle: { properties: mangleProps ? { regex: INTERNAL, builtins: true } : { regex: /^_/ } },
    format: { comments: false },
  })

const browser: RollupOptions[] = [
  // The queueing stub as an external file, for pages whose CSP forbids inline scripts.
  { input: 'src/browser/stub.js', output: { file: 'dist/footfall-stub.js', format: 'es' }, plugins: [min(), sri()] },
  // Script-tag core: one minified IIFE that defines window.footfall.
  {
    input: 'src/browser/script.ts',
    output: { file: 'dist/footfall.js', format: 'iife', sourcemap: false },
    plugins: [version(), nodeResolve(), ts(), min(true), sri()],
  },
  // ES module build for bundlers and SPAs; web-vitals stays a lazy chunk.
  {
    input: { footfall: 'src/browser/index.ts' },
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs' },
    external: [/^idb-keyval/, /^web-vitals/],
    plugins: [version(), nodeResolve(), ts()],
  },
  // The framework entries: thin modules over the package's own `footfall` entry (imported by name, so
  // that an app has one tracker), React and Vue left to the app. Not minified, like footfall.mjs.
  {
    input: { react: 'src/browser/react.ts', vue: 'src/browser/vue.ts' },
    // 'use client': Next.js App Router server components (app/layout) can render FootfallProvider.
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].mjs', banner: (c) => (c.name == 'react' ? "'use client';" : '') },
    external: ['footfall', 'react', 'vue'],
    plugins: [ts()],
  },
  // Optional parts of the script tag, each a file of its own fetched by the core when needed.
  ...['vitals', 'datalayer', 'platform'].map(
    (name): RollupOptions => ({
      input: `src/browser/parts/${name}.ts`,
      // A module: the core starts it through import() and its default export.
      output: { file: `dist/footfall-${name}.js`, format: 'es', sourcemap: false },
      plugins: [version(), nodeResolve(), ts(), min(), sri()],
    }),
  ),
  // The Shopify customer-events pixel: one file a merchant pastes into Shopify's admin, its settings on top.
  {
    input: 'src/browser/pixel/main.ts',
    output: { file: 'dist/footfall-shopify-pixel.js', format: 'iife', sourcemap: false },
    plugins: [version(), nodeResolve(), ts(), min(), pixelSettings(), sri()],
  },
  // The dashboard the collector serves at /dashboard, uPlot bundled in (no CDN). uPlot's notice stays.
  {
    input: 'src/dashboard/main.ts',
    output: { file: 'dist/footfall-dashboard.js', format: 'es', sourcemap: false },
    plugins: [
      nodeResolve(),
      ts(),
      terser({ ecma: 2020, module: true, compress: { passes: 2 }, format: { comments: (_node, c) => /Copyright|MIT/.test(c.value) } }),
      stylesheet('footfall-dashboard.css', ['node_modules/uplot/dist/uPlot.min.css', 'src/dashboard/dashboard.css']),
    ],
  },
]

const node: RollupOptions[] = [
  {
    input: { kpi: 'src/kpi/index.ts', collector: 'src/server/collector/index.ts', 'footfall-collector': 'src/server/collector/cli.ts', 'kpi-worker': 'src/server/kpistore/worker.ts' },
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs' },
    // DuckDB is an optional peer of the collector: loaded when the KPI store opens, never bundled.
    external: [/^node:/, /^@duckdb\//],
    plugins: [
      version(),
      nodeResolve({ preferBuiltins: true }),
      ts(),
      declarations({ footfall: 'src/browser/index.ts', kpi: 'src/kpi/index.ts', collector: 'src/server/collector/index.ts', react: 'src/browser/react.ts', vue: 'src/browser/vue.ts' }),
    ],
  },
]

// The Node entries are built once their sources exist.
export default [...browser, ...node.filter((c) => Object.values(c.input as Record<string, string>).every((f) => existsSync(f)))]
