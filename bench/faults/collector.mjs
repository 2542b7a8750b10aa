// Collector-side fault rows: the built `footfall-collector` process killed with SIGKILL in the
// middle of a write burst, a disk that refuses writes, 1,000 malformed or hostile bodies, and a
// KPI store whose database has a corrupted block. Appends one JSON row per scenario to
// $FAULTS_ROWS (or prints them). `node bench/faults/collector.mjs kpi` runs the rows whose name has `kpi`.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { appendFileSync, closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const cli = new URL('../../dist/footfall-collector.mjs', import.meta.url).pathname
const record = (row) => (process.env.FAULTS_ROWS ? appendFileSync(process.env.FAULTS_ROWS, JSON.stringify(row) + '\n') : console.log(row))
const want = (name) => !process.argv[2] || name.includes(process.argv[2])

const start = (data, env = {}) => {
  const child = spawn(process.execPath, [cli, '--port', '0', '--data', data, '--rate-limit', '0'], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, ...env } })
  return new Promise((ok, fail) => {
    let out = ''
    child.stdout.on('data', (d) => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec((out += d))
      if (m) ok({ child, url: m[1] })
    })
    child.once('exit', (code) => fail(new Error(`collector exited with ${code}`)))
  })
}
const post = (url, body, headers = {}) =>
  new Promise((ok) => {
    const req = request(url + '/collect', { method: 'POST', headers: { 'content-type': 'text/plain', ...headers } }, (res) => {
      let t = ''
      res.on('data', (d) => (t += d))
      res.on('end', () => ok({ status: res.statusCode, body: t }))
    })
    req.on('error', () => ok({ status: 0 }))
    req.end(body)
  })
const health = (url) => new Promise((ok) => request(url + '/health', (res) => { let t = ''; res.on('data', (d) => (t += d)); res.on('end', () => ok(JSON.parse(t))) }).end())
const lines = (data) =>
  readdirSync(data)
    .filter((f) => f.endsWith('.ndjson'))
    .flatMap((f) => readFileSync(join(data, f), 'utf8').split('\n').slice(0, -1))
let seq = 0
const ev = (p = {}) => ({ type: 'track', event: 'ff_fault', messageId: `m-${seq++}`, timestamp: new Date().toISOString(), anonymousId: 'a-1', properties: p })
const batch = (n) => JSON.stringify({ batch: Array.from({ length: n }, () => ev()), sentAt: new Date().toISOString() })

// 1. SIGKILL during a write burst, then restart.
if (want('kill')) {
  const data = mkdtempSync(join(tmpdir(), 'footfall-kill-'))
  let { child, url } = await start(data)
  const acked = new Set()
  const sent = new Set()
  const t0 = Date.now()
  let killed = false
  const client = async () => {
    while (!killed) {
      const body = batch(20)
      const ids = JSON.parse(body).batch.map((e) => e.messageId)
      ids.forEach((i) => sent.add(i))
      const r = await post(url, body)
      if (r.status == 200) ids.forEach((i) => acked.add(i))
    }
  }
  const clients = Array.from({ length: 20 }, client)
  await new Promise((r) => setTimeout(r, 1500))
  child.kill('SIGKILL')
  killed = true
  await Promise.all(clients)
  ;({ child, url } = await start(data))
  const stored = lines(data)
  const parsed = stored.map((l) => { try { return JSON.parse(l).messageId } catch { return null } })
  const partial = parsed.filter((x) => x === null).length
  const ids = new Set(parsed)
  const lost = [...acked].filter((i) => !ids.has(i)).length
  // Re-sending everything after the restart: duplicates are recognised, nothing stored twice.
  const again = await post(url, JSON.stringify({ batch: [...acked].slice(0, 100).map((id) => ({ ...ev(), messageId: id })) }))
  child.kill('SIGTERM')
  record({
    scenario: 'collector: SIGKILL during a write burst, restart',
    tracked: sent.size, delivered: acked.size, lost: lost + partial, duplicates: JSON.parse(again.body).duplicates, reported: 0,
    storedTwice: stored.length - ids.size, requests: Math.round(sent.size / 20), seconds: +((Date.now() - t0) / 1e3).toFixed(1),
    notes: `${acked.size} acknowledged, all on disk; ${stored.length - acked.size} stored but unacknowledged (the client retries them); ${partial} partial lines after restart`,
  })
  rmSync(data, { recursive: true, force: true })
}

// 2. Disk full: today's NDJSON file is a symlink to /dev/full, so every append fails with ENOSPC
//    (a real "no space left" without root or a tiny filesystem). The collector must answer 5xx, so
//    clients keep the batch and retry, and stay up; once there is space again (here: a restart on
//    a normal file) the retried batches are stored once.
if (want('disk full')) {
  const data = mkdtempSync(join(tmpdir(), 'footfall-full-'))
  let { child, url } = await start(data)
  // After start: the store opens the day's file at the first append.
  symlinkSync('/dev/full', join(data, new Date().toISOString().slice(0, 10) + '.ndjson'))
  const t0 = Date.now()
  const bodies = Array.from({ length: 20 }, () => batch(10))
  const during = await Promise.all(bodies.map((b) => post(url, b)))
  const ok = during.filter((r) => r.status == 200).length
  const failed = during.filter((r) => r.status >= 500).length
  const alive = (await health(url)).ok
  child.kill('SIGTERM')
  await new Promise((r) => child.once('exit', r))
  rmSync(join(data, new Date().toISOString().slice(0, 10) + '.ndjson'))
  ;({ child, url } = await start(data))
  const retried = await Promise.all(bodies.map((b) => post(url, b)))
  child.kill('SIGTERM')
  const all = lines(data).map((l) => JSON.parse(l).messageId)
  const stored = new Set(all)
  record({
    scenario: 'collector: disk full (ENOSPC), then space again',
    tracked: 200, delivered: stored.size, lost: 200 - stored.size, duplicates: 0, reported: 0, storedTwice: all.length - stored.size, requests: 40,
    seconds: +((Date.now() - t0) / 1e3).toFixed(1),
    notes: `while full: ${failed} × 5xx, ${ok} × 200 (acknowledged but unstored: ${ok * 10}), still healthy: ${alive}; retried after: ${retried.filter((r) => r.status == 200).length} × 200`,
    bad: ok,
  })
  rmSync(data, { recursive: true, force: true })
}

// 3. 1,000 malformed and hostile bodies.
if (want('malformed')) {
  const data = mkdtempSync(join(tmpdir(), 'footfall-fuzz-'))
  const { child, url } = await start(data)
  const t0 = Date.now()
  let rnd = 42
  const rand = (n) => ((rnd = (rnd * 1103515245 + 12345) % 2 ** 31), rnd % n)
  const deep = (n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)
  const kinds = [
    () => '{"batch":[' + '{'.repeat(rand(50)),
    () => '\u0000'.repeat(rand(100)),
    () => JSON.stringify({ batch: 'x'.repeat(rand(1000)) }),
    () => JSON.stringify({ batch: [{ ...ev(), messageId: 'x'.repeat(300 + rand(1000)) }] }),
    () => JSON.stringify({ batch: [{ ...ev({ s: 'x'.repeat(40000) }) }] }),
    () => 'x'.repeat(600 * 1024),
    () => deep(5000 + rand(5000)),
    () => JSON.stringify({ batch: [JSON.parse(deep(200))] }),
    () => '{"__proto__":{"polluted":1},"batch":[{"__proto__":{"type":"track"}}]}',
    () => '{"constructor":{"prototype":{"polluted":1}},"batch":[null,1,"s",[]]}',
    () => JSON.stringify({ batch: [{ type: 'track', event: 'x', messageId: 'm', timestamp: 'yesterday', anonymousId: 'a' }] }),
    () => JSON.stringify({ batch: [ev()], writeKey: '../../etc/passwd' }),
    () => Buffer.from(Array.from({ length: 200 }, () => rand(256))).toString('latin1'),
    () => JSON.stringify({ batch: [{ ...ev(), properties: [1, 2] }] }),
  ]
  const statuses = new Map()
  let peak = 0
  for (let i = 0; i < 1000; i++) {
    const r = await post(url, kinds[i % kinds.length]())
    statuses.set(r.status, (statuses.get(r.status) || 0) + 1)
    if (i % 100 == 0) peak = Math.max(peak, (await health(url)).memory.rss)
  }
  const h = await health(url)
  child.kill('SIGTERM')
  const stored = lines(data).length
  const non4xx = [...statuses].filter(([s]) => s < 400 || s >= 500).reduce((a, [, n]) => a + n, 0)
  record({
    scenario: 'collector: 1,000 malformed and hostile bodies',
    tracked: 1000, delivered: 0, lost: 0, duplicates: 0, reported: 0, storedTwice: 0, requests: 1000,
    seconds: +((Date.now() - t0) / 1e3).toFixed(1),
    notes: `answers ${[...statuses].sort().map(([s, n]) => `${n} × ${s}`).join(', ')}; ${non4xx} not 4xx; ${stored} stored; alive: ${h.ok}; peak RSS ${(Math.max(peak, h.memory.rss) / 2 ** 20).toFixed(0)} MB`,
    bad: non4xx + stored,
  })
  rmSync(data, { recursive: true, force: true })
}

// 4. The KPI store's database with 100 KB of noise over the middle of the file (a bad sector, a
//    torn write; its headers intact), then a restart. Reports say 503 while the store sets the
//    file aside and rebuilds it from the day files; ingest goes on; then reports answer again,
//    equal to computeKpis over every stored event, with nobody's help.
if (want('kpi')) {
  const { computeKpis } = await import('../../dist/kpi.mjs')
  const data = mkdtempSync(join(tmpdir(), 'footfall-kpi-'))
  const token = 'faults-admin-token-7c2e91'
  const get = (url, path) =>
    new Promise((ok) =>
      request(url + path, { headers: { authorization: `Bearer ${token}` } }, (res) => {
        let t = ''
        res.on('data', (d) => (t += d))
        res.on('end', () => ok({ status: res.statusCode, retryAfter: res.headers['retry-after'], body: JSON.parse(t) }))
      }).end(),
    )
  const until = async (check) => {
    for (;;) {
      const v = await check()
      if (v) return v
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  await new Promise((ok) => spawn(process.execPath, [cli, 'sample', data, '--events', '100000', '--days', '365', '--end', '2026-11-25'], { stdio: 'ignore' }).once('exit', ok))
  let { child, url } = await start(data, { FOOTFALL_ADMIN_TOKEN: token })
  await until(async () => (await health(url)).kpi?.state === 'ready')
  child.kill('SIGTERM')
  await new Promise((r) => child.once('exit', r))
  const file = join(data, 'kpi.duckdb')
  const size = statSync(file).size
  const fd = openSync(file, 'r+')
  writeSync(fd, randomBytes(100 * 1024), 0, 100 * 1024, Math.floor(size / 2))
  closeSync(fd)

  const t0 = Date.now()
  ;({ child, url } = await start(data, { FOOTFALL_ADMIN_TOKEN: token }))
  // What a dashboard asks, again and again; events keep arriving meanwhile.
  const statuses = new Map()
  let first503
  let sent = 0
  let acked = 0
  const answered = await until(async () => {
    // The sample's site: with one site, reports need no site=.
    const body = JSON.stringify({ batch: Array.from({ length: 10 }, () => ev()), writeKey: 'demo-shop' })
    sent += 10
    if ((await post(url, body)).status === 200) acked += 10
    const answers = await Promise.all(['/kpi', '/kpi/series?interval=week', '/commitments?tz=UTC'].map((p) => get(url, p)))
    for (const a of answers) statuses.set(a.status, (statuses.get(a.status) || 0) + 1)
    first503 ??= answers.find((a) => a.status === 503)
    return answers.every((a) => a.status === 200) && answers[0]
  })
  const seconds = +((Date.now() - t0) / 1e3).toFixed(1)
  const kpi = (await health(url)).kpi
  const expected = computeKpis(lines(data).map((l) => JSON.parse(l)))
  const same = JSON.stringify(answered.body) === JSON.stringify(expected)
  const mine = new Set(lines(data).map((l) => JSON.parse(l).messageId).filter((id) => id.startsWith('m-')))
  child.kill('SIGTERM')
  const kept = kpi.repair?.setAside && statSync(join(data, kpi.repair.setAside)).size
  record({
    scenario: 'collector: kpi.duckdb block corrupted (100 KB of noise), restart',
    tracked: sent, delivered: mine.size, lost: acked - mine.size, duplicates: 0, reported: 0, storedTwice: 0, requests: sent / 10,
    seconds,
    notes:
      `${(size / 2 ** 20).toFixed(1)} MB store of 100,000 sample events; ` +
      (first503 ? `first failing report: 503 "${first503.body.error}" (Retry-After ${first503.retryAfter}); ` : 'no report failed; ') +
      `reports meanwhile ${[...statuses].sort().map(([s, n]) => `${n} × ${s}`).join(', ')}; ` +
      `set aside as ${kpi.repair?.setAside ?? '(nothing)'} (${kept === size ? 'kept whole' : 'not kept'}); ` +
      `/kpi after the rebuild ${same ? 'equals' : 'DIFFERS from'} computeKpis over every stored event; ingest meanwhile: ${acked} of ${sent} acknowledged`,
    bad: same && kept === size ? 0 : 1,
  })
  rmSync(data, { recursive: true, force: true })
}
