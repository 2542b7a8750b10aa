#!/usr/bin/env node
/**
 * `npm run demo`: installs dependencies when they are missing, builds, then serves the demo shop,
 * its QA inspector and the reference collector on http://127.0.0.1:$PORT (default 8787).
 * `--no-build` (or DEMO_NO_BUILD=1) reuses the current dist/. `--now 2026-12-07` (or FOOTFALL_NOW)
 * pins the reports' clock: the sample history and the commitments are those of that day. Ctrl-C stops everything.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

const run = (args) => {
  console.log(`> npm ${args.join(' ')}`)
  const r = spawnSync(npm, args, { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) {
    console.error(`demo: "npm ${args.join(' ')}" failed${r.error ? `: ${r.error.message}` : ''}`)
    process.exit(r.status || 1)
  }
}

if (!existsSync(new URL('../node_modules/.package-lock.json', import.meta.url))) run(['ci'])
if (!process.argv.includes('--no-build') && !process.env.DEMO_NO_BUILD) run(['run', 'build', '--silent'])

const { startDemo } = await import('./server.mjs')
const port = process.env.PORT === undefined ? 8787 : Number(process.env.PORT)
const at = process.argv.indexOf('--now')
const now = (at > 0 ? process.argv[at + 1] : undefined) ?? (process.env.FOOTFALL_NOW || undefined)
let demo
try {
  demo = await startDemo({ port, now, log: (line) => console.log(line) })
} catch (err) {
  console.error(err.code === 'EADDRINUSE' ? `demo: port ${port} is in use; try PORT=8788 npm run demo` : `demo: ${err.message}`)
  process.exit(1)
}

console.log(`
  open this to log in    ${demo.loginUrl}
  footfall demo shop     ${demo.url}/
  QA inspector           beside the shop (phone width: below it)
  dashboard              ${demo.url}/dashboard
  collector              ${demo.url}/collect (open)  ·  /events  ·  /kpi (log in first)  ·  /health

  Ctrl-C to stop.
`)

let stopping = false
const stop = async (signal) => {
  if (stopping) process.exit(130) // a second Ctrl-C does not wait
  stopping = true
  console.log(`\ndemo: ${signal}, stopping…`)
  await demo.close()
  process.exit(0)
}
process.on('SIGINT', () => stop('SIGINT'))
process.on('SIGTERM', () => stop('SIGTERM'))
