// `npm run bench` (R-NF-1,2): the real server on a generated school of 1,500 students with a full year (and on
// the 5-year variant), loaded from a separate process on loopback; prints for each case requests/s, p50/p99,
// the ratio to a trivial route measured in the same run, the server's peak RSS and the page's size raw and
// compressed, then checks the budgets of docs/performance.md as ratios. `-- --json FILE` also writes the figures.
// Options: --json FILE, --students N (1500), --duration S (10), --only 1y|5y, --regenerate.
import { spawn, execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import Database from 'better-sqlite3'
import { startServerProcess } from './serve.mjs'

const args = process.argv.slice(2)
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt)
const JSON_FILE = opt('--json', null)
const STUDENTS = Number(opt('--students', '1500'))
const DURATION = Number(opt('--duration', '10'))
const WARMUP = 3
const ONLY = opt('--only', null)
const CASES = opt('--cases', null)?.split(',') ?? null // a subset, while looking into one case
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const BENCH_DIR = path.join(ROOT, 'data', 'bench')
const today = new Date().toLocaleDateString('sv-SE') // YYYY-MM-DD, local

const log = (...a) => console.log(...a)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

// ---- scale data -------------------------------------------------------------------------------------------------

/** A generated school, cached under data/bench by its options and today's date (the demo is built around today). */
function scaleDb(history) {
  mkdirSync(BENCH_DIR, { recursive: true })
  const file = path.join(BENCH_DIR, `school-${STUDENTS}-h${history}.db`)
  const stamp = `${file}.stamp`
  const key = JSON.stringify({ students: STUDENTS, history, today, demo: readFileSync(path.join(ROOT, 'dist/src/demo/demo.js'), 'utf8').length })
  if (!args.includes('--regenerate') && existsSync(file) && existsSync(stamp) && readFileSync(stamp, 'utf8') === key) return file
  log(`Generating the school of ${STUDENTS} students${history ? ` with ${history} closed years` : ''} …`)
  const t0 = Date.now()
  const extra = history ? ['--years', String(history)] : []
  execFileSync(process.execPath, ['dist/src/cli/demo.js', '--students', String(STUDENTS), '--seed', '1', '--journal', 'fullYear',
    '--file', file, '--force', ...extra], { cwd: ROOT, stdio: 'inherit' })
  log(`  generated in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  writeFileSync(stamp, key)
  return file
}

// ---- the server ------------------------------------------------------------------------------------------------

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)) })
    s.on('error', reject)
  })
}

async function startServer(dbFile, dataDir, extraEnv = {}) {
  const port = await freePort()
  const env = {
    ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, DB_FILE: dbFile, CREATE_DEMO: 'false',
    LOG_LEVEL: 'warn', LOGIN_RATE_LIMIT: '10000', BACKUP_HOURS: '0', NODE_ENV: 'production',
    SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-0123', ...extraEnv,
  }
  // As `npm start` runs it: the same node flags and environment (scripts/serve.mjs).
  const child = startServerProcess(env, ['ignore', 'pipe', 'pipe'])
  let output = ''
  child.stdout.on('data', (d) => { output += d })
  child.stderr.on('data', (d) => { output += d })
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`the server stopped:\n${output}`)
    try { if ((await fetch(`${base}/healthz`)).ok) break } catch { /* not yet */ }
    await sleep(100)
  }
  return { child, base, port, output: () => output }
}

/** The server process's resident memory now and at its peak (Linux /proc; Chromium is a separate process). */
function rssOf(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0)
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 }
}

// ---- HTTP helpers ----------------------------------------------------------------------------------------------

/** A raw request: the bytes as they come over the wire (compressed or not), status and headers. */
function raw(base, p, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${p}`, { method, headers }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    if (body) req.write(body)
    req.end()
  })
}

function decode(res) {
  const enc = res.headers['content-encoding']
  if (enc === 'br') return zlib.brotliDecompressSync(res.body)
  if (enc === 'gzip') return zlib.gunzipSync(res.body)
  return res.body
}

const cookiesOf = (res, jar = {}) => {
  for (const c of [res.headers['set-cookie'] ?? []].flat()) { const [kv] = c.split(';'); const i = kv.indexOf('='); jar[kv.slice(0, i)] = kv.slice(i + 1) }
  return jar
}
const cookieHeader = (jar) => Object.entries(jar).map(([k, v]) => `${k}=${v}`).join('; ')
const form = (o) => new URLSearchParams(o).toString()
const tokenIn = (html) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1]

/** Logs in through the real form; returns the cookie header and a CSRF token for later posts. */
async function login(base, user, password) {
  const page = await raw(base, '/login')
  const jar = cookiesOf(page)
  const res = await raw(base, '/login', {
    method: 'POST', body: form({ _csrf: tokenIn(page.body.toString()), login: user, password }),
    headers: { cookie: cookieHeader(jar), 'content-type': 'application/x-www-form-urlencoded' },
  })
  if (res.status !== 303) throw new Error(`login as ${user}: ${res.status}`)
  cookiesOf(res, jar)
  const home = await raw(base, '/account', { headers: { cookie: cookieHeader(jar) } })
  return { cookie: cookieHeader(jar), csrf: tokenIn(home.body.toString()) }
}

/** Bytes of a page as sent plain and as sent compressed (the encoding the server picks for gzip, br). */
async function sizes(base, c) {
  const headers = { ...c.headers }
  const plain = await raw(base, c.path, { method: c.method, headers: { ...headers, 'accept-encoding': 'identity' }, body: c.body })
  const packed = await raw(base, c.path, { method: c.method, headers: { ...headers, 'accept-encoding': 'gzip, br' }, body: c.body })
  const html = decode(plain).toString()
  return { status: plain.status, bytes: plain.body.length, bytes_compressed: packed.body.length, encoding: packed.headers['content-encoding'] ?? 'none', html }
}

function load(cfg) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts/bench-load.mjs'), JSON.stringify(cfg)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d) => { out += d })
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`load generator exited ${code}`))))
  })
}

// ---- one run on one database -----------------------------------------------------------------------------------

/** history: closed years generated under the current one (0, or 5 for the retention case). */
async function run(history) {
  const source = scaleDb(history)
  const runDir = path.join(BENCH_DIR, `run-h${history}`)
  rmSync(runDir, { recursive: true, force: true })
  mkdirSync(runDir, { recursive: true })
  const dbFile = path.join(runDir, 'school.db')
  copyFileSync(source, dbFile)
  const plan = JSON.parse(execFileSync(process.execPath, ['dist/src/cli/bench-prepare.js', '--file', dbFile, '--teachers', '51'], { cwd: ROOT, encoding: 'utf8' }))
  const counts = countRows(dbFile)
  log(`\n== ${history ? `${history} closed years + the current one` : 'The current year'}: ${counts.students} students, ${counts.classes} classes, ${counts.teachers} teachers, ${counts.lessons} lessons, ${counts.marks} marks, ${counts.absences} absences`)

  const server = await startServer(dbFile, runDir)
  log(`  server started: RSS ${round(rssOf(server.child.pid).rss)} MB`)
  let peak = 0
  const sampler = setInterval(() => { try { peak = Math.max(peak, rssOf(server.child.pid).peak) } catch { /* ended */ } }, 200)
  try {
    const P = plan.password
    const deputy = await login(server.base, 'deputy', P)
    const parent = await login(server.base, 'parent', P)
    const sessions = []
    for (const tch of plan.teachers) sessions.push({ ...tch, session: await login(server.base, tch.login, P) })
    // The first teacher's lesson is the save case's; the other 50 save at once in the concurrency case.
    const [saver, ...teachers] = sessions

    const saveBody = (tch, value) => form({
      _csrf: tch.session.csrf, topic: 'Повторение', homework: '', kind_1: String(tch.kindId),
      ...Object.fromEntries(tch.studentIds.map((id) => [`c_${id}`, value])),
    })
    const saveConn = (tch) => ({
      path: `/journal/lessons/${tch.lessonId}`,
      headers: { cookie: tch.session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      bodies: [saveBody(tch, '5'), saveBody(tch, '4')],
    })
    const as = (s) => ({ cookie: s.cookie })
    const formHeaders = (s) => ({ cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' })

    const cases = [
      { name: 'baseline', path: '/healthz', headers: {}, connections: 32 },
      { name: 'login_page', path: '/login', headers: {}, connections: 32 },
      { name: 'journal_page', path: plan.journalUrl, headers: as(deputy), connections: 32 },
      { name: 'save_lesson', path: `/journal/lessons/${saver.lessonId}`, method: 'POST', connections: 1, perConnection: [saveConn(saver)], expect: 303 },
      { name: 'diary_week', path: plan.diaryUrl, headers: as(parent), connections: 32 },
      { name: 'report', path: plan.reportUrl, headers: as(deputy), connections: 4 },
      { name: 'weekly_class_pdf', path: plan.weeklyPdfUrl, headers: as(deputy), connections: 1 },
      { name: 'summary_sheet_pdf', path: plan.summaryIssueUrl, method: 'POST', headers: formHeaders(deputy), body: form({ _csrf: deputy.csrf }), connections: 1, expect: 303 },
    ]
    const results = []
    for (const c of cases.filter((x) => !CASES || x.name === 'baseline' || CASES.includes(x.name))) {
      const sz = c.perConnection ? { bytes: 0, bytes_compressed: 0, status: c.expect } : await sizes(server.base, c)
      if (sz.status !== (c.expect ?? 200)) throw new Error(`${c.name}: ${c.path} answered ${sz.status}`)
      if (sz.html && /<script/i.test(sz.html)) throw new Error(`${c.name}: the page has a <script>`)
      const r = await load({
        url: `${server.base}${c.path}`, method: c.method ?? 'GET', connections: c.connections, duration: DURATION,
        warmup: WARMUP, headers: c.headers, body: c.body, perConnection: c.perConnection,
      })
      const failed = Object.entries(r.byStatus).filter(([s]) => Number(s) !== (c.expect ?? 200)).reduce((n, [, k]) => n + k, 0) + r.errors + r.timeouts
      const mem = rssOf(server.child.pid)
      results.push({ name: c.name, connections: c.connections, rps: r.rps, p50_ms: r.p50, p99_ms: r.p99, bytes: sz.bytes, bytes_compressed: sz.bytes_compressed, failed, encoding: sz.encoding, rss_mb: round(mem.rss), peak_rss_mb: round(mem.peak) })
      log(`  ${c.name.padEnd(18)} ${String(Math.round(r.rps)).padStart(6)} req/s  p50 ${String(r.p50).padStart(5)} ms  p99 ${String(r.p99).padStart(5)} ms  ` +
        `${String(round(sz.bytes / 1024)).padStart(6)} KB / ${String(round(sz.bytes_compressed / 1024)).padStart(5)} KB ${sz.encoding ?? ''}  RSS ${round(mem.rss)} MB (peak ${round(mem.peak)})  (${c.connections} conn, ${failed} failed)`)
    }

    // Concurrency (R-NF-2): 50 teachers save their lessons at once while parents read diaries and the deputy
    // reads the journal; afterwards every save is in the database exactly once.
    if (CASES && !CASES.includes('concurrency')) return null
    const before = historyCounts(dbFile, teachers)
    const [saves, diaryReads, journalReads] = await Promise.all([
      load({ url: `${server.base}/journal/lessons/0`, method: 'POST', connections: teachers.length, duration: DURATION,
        perConnection: teachers.map(saveConn) }),
      load({ url: `${server.base}${plan.diaryUrl}`, connections: 16, duration: DURATION, headers: as(parent) }),
      load({ url: `${server.base}${plan.journalUrl}`, connections: 8, duration: DURATION, headers: as(deputy) }),
    ])
    const concurrency = checkConcurrency(dbFile, teachers, before, saves, server.output())
    const reads = (r) => ({ rps: round(r.rps), p50_ms: r.p50, p99_ms: r.p99, failed: Object.entries(r.byStatus).filter(([st]) => st !== '200').reduce((n, [, k]) => n + k, 0) + r.errors + r.timeouts })
    concurrency.readers = { diary_week: reads(diaryReads), journal_page: reads(journalReads) }
    log(`  concurrency        ${teachers.length} teachers (${concurrency.lessonsSaved} got through), ${concurrency.answered} saves answered, ${concurrency.stored} stored, ` +
      `${concurrency.marks} marks of ${concurrency.expectedMarks} present, ${concurrency.problems.length} problems, ${concurrency.failed} failed, SQLITE_BUSY ${concurrency.busy}, ` +
      `p50 ${concurrency.p50_ms} ms, p99 ${concurrency.p99_ms} ms`)
    log(`                     saves per teacher: least ${concurrency.saves_per_teacher.min}, median ${concurrency.saves_per_teacher.median}, most ${concurrency.saves_per_teacher.max}`)
    log(`                     meanwhile diary week ${Math.round(diaryReads.rps)} req/s (p99 ${diaryReads.p99} ms), journal page ${Math.round(journalReads.rps)} req/s (p99 ${journalReads.p99} ms)`)
    for (const p of concurrency.problems) log(`    ${p}`)

    peak = Math.max(peak, rssOf(server.child.pid).peak)
    const baseline = results.find((r) => r.name === 'baseline')

    // The same two pages built for every request (a second server, PAGE_CACHE_MB=0, on the same file and
    // sessions): what a view costs right after a write to its class. Reported, not budgeted.
    const uncached = []
    const cold = await startServer(dbFile, runDir, { PAGE_CACHE_MB: '0' })
    try {
      for (const c of cases.filter((x) => x.name === 'journal_page' || x.name === 'diary_week')) {
        const r = await load({ url: `${cold.base}${c.path}`, connections: c.connections, duration: DURATION, warmup: WARMUP, headers: c.headers })
        uncached.push({ name: c.name, rps: round(r.rps), p50_ms: r.p50, p99_ms: r.p99, ratio: Number((r.rps / baseline.rps).toPrecision(4)) })
        log(`  ${(c.name + ', built').padEnd(18)} ${String(Math.round(r.rps)).padStart(6)} req/s  p50 ${String(r.p50).padStart(5)} ms  p99 ${String(r.p99).padStart(5)} ms  (each request builds the page: PAGE_CACHE_MB=0)`)
      }
    } finally {
      cold.child.kill('SIGTERM')
      await new Promise((r) => cold.child.once('exit', r))
    }
    const out = {
      baseline_rps: round(baseline.rps), peak_rss_mb: round(peak),
      database: { closed_years: history, ...counts, journal_students: plan.journalStudents, journal_lessons: plan.journalLessons, weekly_pdf_pages: plan.weeklyPdfStudents },
      cases: results.filter((r) => r.name !== 'baseline').map((r) => ({
        name: r.name, rps: round(r.rps), p50_ms: r.p50_ms, p99_ms: r.p99_ms, ratio: Number((r.rps / baseline.rps).toPrecision(4)),
        bytes: r.bytes, bytes_compressed: r.bytes_compressed, connections: r.connections, failed: r.failed, peak_rss_mb_after: r.peak_rss_mb,
      })),
      concurrency,
      uncached,
    }
    return out
  } finally {
    clearInterval(sampler)
    server.child.kill('SIGTERM')
    await new Promise((r) => server.child.once('exit', r))
  }
}

const round = (n, d = 1) => Math.round(n * 10 ** d) / 10 ** d

function countRows(file) {
  const db = new Database(file, { readonly: true })
  const n = (q) => db.prepare(q).pluck().get()
  const r = {
    students: n("select count(*) from person_roles where role = 'student'"),
    classes: n("select count(*) from classes where year_id = (select id from academic_years where status = 'open' order by starts_on desc limit 1)"),
    teachers: n("select count(*) from person_roles where role = 'teacher'"),
    years: n('select count(*) from academic_years'),
    lessons: n('select count(*) from lessons'), marks: n('select count(*) from marks'), absences: n('select count(*) from absences'),
    bytes: Number(execFileSync('stat', ['-c', '%s', file], { encoding: 'utf8' })),
  }
  db.close()
  return r
}

function historyCounts(file, teachers) {
  const db = new Database(file, { readonly: true })
  const q = db.prepare('select count(*) from mark_history where lesson_id = ?').pluck()
  const out = teachers.map((t) => q.get(t.lessonId))
  db.close()
  return out
}

/**
 * Each save that reached the database changed every student's mark of its lesson, in one transaction: so a
 * lesson's new history rows are a whole multiple of its students (nothing half-saved), at least the saves the
 * load generator saw answered (none lost) and at most one more — the one in flight when the load stopped (none
 * doubled); its marks are one per student, all of one value.
 */
function checkConcurrency(file, teachers, before, saves, serverOutput) {
  const db = new Database(file, { readonly: true })
  const marks = db.prepare('select count(*) as n, count(distinct student_id) as students, min(value) as lo, max(value) as hi from marks where lesson_id = ? and column_no = 1')
  const hist = db.prepare('select count(*) from mark_history where lesson_id = ?').pluck()
  let answered = 0, stored = 0, marksPresent = 0, expectedMarks = 0
  const problems = []
  teachers.forEach((t, i) => {
    const c = saves.connections[i] ?? { ok: 0 }
    answered += c.ok
    const added = hist.get(t.lessonId) - before[i]
    const n = t.studentIds.length
    const done = added / n
    stored += Math.floor(done)
    const m = marks.get(t.lessonId)
    if (!Number.isInteger(done)) problems.push(`${t.login}: ${added} history rows for ${n} students`)
    if (done < c.ok || done > c.ok + 1) problems.push(`${t.login}: ${done} saves stored, ${c.ok} answered`)
    if (done > 0) {
      marksPresent += m.n
      expectedMarks += n
      if (m.n !== n || m.students !== n) problems.push(`${t.login}: ${m.n} marks for ${n} students`)
      if (m.lo !== m.hi) problems.push(`${t.login}: mixed values ${m.lo}/${m.hi}`)
    }
  })
  db.close()
  const failed = Object.entries(saves.byStatus).filter(([s]) => Number(s) !== 303).reduce((n, [, k]) => n + k, 0) + saves.errors + saves.timeouts
  const perTeacher = teachers.map((_, i) => saves.connections[i]?.ok ?? 0).sort((a, b) => a - b)
  return {
    teachers: teachers.length, lessonsSaved: teachers.filter((_, i) => (saves.connections[i]?.ok ?? 0) > 0).length, answered, stored,
    saves_per_teacher: { min: perTeacher[0], median: perTeacher[Math.floor(perTeacher.length / 2)], max: perTeacher[perTeacher.length - 1] },
    rps: round(saves.rps), p50_ms: saves.p50, p99_ms: saves.p99, marks: marksPresent, expectedMarks,
    problems, failed, busy: (serverOutput.match(/SQLITE_BUSY/g) ?? []).length,
  }
}

// ---- budgets ----------------------------------------------------------------------------------------------------

function budgets(r, label) {
  const c = (n) => r.cases.find((x) => x.name === n)
  const checks = [
    ['journal page ≥ 1/20 of baseline req/s', c('journal_page').ratio >= 1 / 20, `${round(c('journal_page').ratio * 100, 2)} % of baseline`],
    ['journal page p99 < 50 ms at 32 connections', c('journal_page').p99_ms < 50, `${c('journal_page').p99_ms} ms`],
    ['diary week ≥ 1/10 of baseline req/s', c('diary_week').ratio >= 1 / 10, `${round(c('diary_week').ratio * 100, 2)} % of baseline`],
    ["saving a lesson's marks p50 < 10 ms", c('save_lesson').p50_ms < 10, `${c('save_lesson').p50_ms} ms`],
    ['weekly class PDF < 2 s', c('weekly_class_pdf').p50_ms < 2000, `${c('weekly_class_pdf').p50_ms} ms`],
    ['summary sheet PDF < 2 s', c('summary_sheet_pdf').p50_ms < 2000, `${c('summary_sheet_pdf').p50_ms} ms`],
    ['server RSS < 200 MB', r.peak_rss_mb < 200, `${r.peak_rss_mb} MB`],
    ['journal page < 30 KB compressed', c('journal_page').bytes_compressed < 30 * 1024, `${round(c('journal_page').bytes_compressed / 1024)} KB`],
    ['50 teachers: every save present once, none failed, no SQLITE_BUSY',
      r.concurrency.problems.length === 0 && r.concurrency.failed === 0 && r.concurrency.busy === 0 && r.concurrency.lessonsSaved === r.concurrency.teachers,
      `${r.concurrency.stored} saves by ${r.concurrency.lessonsSaved} of ${r.concurrency.teachers} teachers`],
  ]
  log(`\nBudgets (${label}):`)
  for (const [name, ok, figure] of checks) log(`  ${ok ? 'ok  ' : 'MISS'} ${name}: ${figure}`)
  return checks.every(([, ok]) => ok)
}

function compare(one, five) {
  log('\nThe 5-year database against the 1-year one (budget: within 1.5×):')
  let ok = true
  for (const c of one.cases) {
    const f = five.cases.find((x) => x.name === c.name)
    // Ratios to each run's own baseline, so that a busier machine in one run does not count.
    const slower = c.ratio / f.ratio
    const pass = slower <= 1.5
    ok &&= pass
    log(`  ${pass ? 'ok  ' : 'MISS'} ${c.name.padEnd(18)} ${round(slower, 2)}× (ratio ${c.ratio} → ${f.ratio})`)
  }
  return ok
}

// ---- main -------------------------------------------------------------------------------------------------------

if (!existsSync(path.join(ROOT, 'dist/src/server.js'))) throw new Error('build first: npm run build')
log(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}, ${os.type()} ${os.release()}`)
const one = ONLY === '5y' ? null : await run(0)
const five = ONLY === '1y' ? null : await run(5)
if (CASES) process.exit(0)
let ok = true
if (one) ok = budgets(one, 'one year') && ok
if (five) ok = budgets(five, '5 years') && ok
if (one && five) ok = compare(one, five) && ok
const result = one ?? five
if (JSON_FILE) {
  writeFileSync(JSON_FILE, JSON.stringify({ ...result, machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memory_gb: round(os.totalmem() / 2 ** 30), node: process.version }, ...(one && five ? { five_year: five } : {}) }, null, 2) + '\n')
  log(`\nWritten to ${JSON_FILE}`)
}
log(ok ? '\nEvery budget holds.' : '\nSome budgets are missed (see MISS above).')
process.exit(ok ? 0 : 1)
