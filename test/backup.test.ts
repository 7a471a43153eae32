// Backups (R-ARC-6): online copies into two destinations, each opened and compared row by row with the live database;
// a restore into a fresh file compared row by row; an unwritable destination reported, not skipped; rotation; the
// restore refusals; the commands; and the admin's page with its warnings and the «backup now» button.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import t from 'tap'
import { openDatabase, type DB } from '../src/db/connection.js'
import { runBackupCommand, runRestoreCommand } from '../src/features/archive/backup.cli.js'
import { restoreBackup, runBackup, RestoreError } from '../src/lib/backup.js'
import { dumpAll, fileApp, seed, tempDir } from './archive.seed.js'
import { loginAs } from './helper.js'

async function withCopy<T>(file: string, fn: (db: DB) => Promise<T>): Promise<T> {
  const db = openDatabase(file)
  try { return await fn(db) } finally { await db.destroy() }
}

t.test('R-ARC-6: a backup to two destinations is checked, recorded, and equal row by row to the live database', async (t) => {
  const { db, dataDir, config } = await fileApp(t)
  await seed(db)
  const a = path.join(dataDir, 'usb')
  const b = path.join(dataDir, 'nas', 'journal') // created when missing
  const live = await dumpAll(db)
  const results = await runBackup(db, config.dbFile, [a, b], { keep: 5, now: new Date(2026, 5, 30, 21, 5, 9) })

  t.same(results.map((r) => [r.status, r.file, r.error]), [['ok', 'school-20260630-210509.sqlite', null], ['ok', 'school-20260630-210509.sqlite', null]])
  const rows = await db.selectFrom('backups').selectAll().orderBy('id').execute()
  t.same(rows.map((r) => [r.destination, r.status]), [[a, 'ok'], [b, 'ok']])
  for (const [i, dir] of [a, b].entries()) {
    const file = path.join(dir, 'school-20260630-210509.sqlite')
    t.equal(rows[i].bytes, statSync(file).size, 'size recorded')
    t.match(rows[i].sha256, /^[0-9a-f]{64}$/, 'sha256 recorded')
    t.notOk(existsSync(`${file}-wal`), 'the copy stands alone, without a -wal file')
    t.same(readdirSync(dir).filter((f) => f.includes('partial')), [], 'no partial file left')
    const copy = new SQLite(file, { readonly: true })
    t.equal(copy.pragma('integrity_check', { simple: true }), 'ok')
    copy.close()
    // Every table, ordered by rowid. `backups` is left out of the equality: the copy holds its own attempt as
    // 'running' (the row is completed after the copy is taken), which is checked on its own.
    const copied = await withCopy(file, (c) => dumpAll(c))
    const { backups: copiedBackups, ...rest } = copied
    const { backups: _liveBackups, ...liveRest } = live
    t.same(rest, liveRest, `${dir}: every table equal row by row`)
    t.ok(Object.keys(rest).length > 40, `${Object.keys(rest).length} tables compared`)
    t.ok((copiedBackups as { id: number; status: string }[]).some((r) => r.id === rows[i].id && r.status === 'running'), 'the attempt itself is in the copy')
  }
  const audit = await db.selectFrom('audit_log').select('after').where('action', '=', 'backup.run').executeTakeFirstOrThrow()
  t.equal(JSON.parse(audit.after!).length, 2, 'the run is in the audit log')
})

t.test('R-ARC-6: a backup restored into a fresh database is equal row by row', async (t) => {
  const { db, dataDir, config } = await fileApp(t)
  await seed(db)
  const [r] = await runBackup(db, config.dbFile, [path.join(dataDir, 'b')], { keep: 3 })
  const backup = path.join(r.destination, r.file!)
  const fresh = path.join(dataDir, 'restored', 'school.sqlite')
  t.same(restoreBackup(backup, fresh, { force: false }), { kept: null })
  const restored = await withCopy(fresh, (c) => dumpAll(c))
  t.same(restored, await withCopy(backup, (c) => dumpAll(c)), 'the restored file holds exactly the backup')
  const live = await dumpAll(db, ['backups', 'audit_log'])
  const { backups: _b, audit_log: _a, ...rest } = restored
  t.same(rest, live, 'and the live data')
  // The restored database is usable by the application.
  await withCopy(fresh, async (c) => t.equal((await c.selectFrom('academic_years').select('name').orderBy('starts_on').execute()).map((y) => y.name).join(), '2019/2020,2025/2026'))
})

t.test('R-ARC-6: an unwritable destination is recorded as failed with the reason; the other still gets its copy', async (t) => {
  const { db, dataDir, config } = await fileApp(t)
  await seed(db)
  const file = path.join(dataDir, 'not-a-folder')
  writeFileSync(file, 'a regular file')
  const bad = path.join(file, 'backups') // its parent is a file: cannot be created, even by root
  const good = path.join(dataDir, 'good')
  const results = await runBackup(db, config.dbFile, [bad, good], { keep: 3 })
  t.equal(results[0].status, 'failed')
  t.match(results[0].error, `Путь ${bad} не является папкой (или часть пути — файл) (ENOTDIR)`)
  t.equal(results[1].status, 'ok', 'the second destination is not skipped')
  const rows = await db.selectFrom('backups').selectAll().orderBy('id').execute()
  t.same(rows.map((r) => [r.destination, r.status, r.file]), [[bad, 'failed', null], [good, 'ok', results[1].file]])
  t.equal(rows[0].error, results[0].error)
  t.ok(rows[0].finished_at)

  // A destination that is itself a file.
  const [asFile] = await runBackup(db, config.dbFile, [file], { keep: 3 })
  t.match(asFile.error, 'не является папкой')
  // A running attempt cut off by a stopped process is closed as failed by the next run.
  await db.insertInto('backups').values({ destination: good, started_at: '2026-01-01T00:00:00.000Z', status: 'running' }).execute()
  await runBackup(db, config.dbFile, [good], { keep: 3 })
  const stale = await db.selectFrom('backups').selectAll().where('started_at', '=', '2026-01-01T00:00:00.000Z').executeTakeFirstOrThrow()
  t.equal(stale.status, 'failed')
  t.match(stale.error, 'Копирование прервано')
})

t.test('R-ARC-6: rotation keeps the newest N good copies per destination', async (t) => {
  const { db, dataDir, config } = await fileApp(t)
  await seed(db)
  const a = path.join(dataDir, 'a')
  const b = path.join(dataDir, 'b')
  const removed: string[][] = []
  for (let i = 0; i < 5; i++) {
    const results = await runBackup(db, config.dbFile, [a, b], { keep: 3, now: new Date(2026, 5, 1 + i, 22, 0, 0) })
    removed.push(results[0].removed)
  }
  const expected = ['school-20260603-220000.sqlite', 'school-20260604-220000.sqlite', 'school-20260605-220000.sqlite']
  t.same(readdirSync(a).sort(), expected)
  t.same(readdirSync(b).sort(), expected)
  t.same(removed, [[], [], [], ['school-20260601-220000.sqlite'], ['school-20260602-220000.sqlite']])
  t.equal((await db.selectFrom('backups').select('id').where('status', '=', 'ok').execute()).length, 10, 'every attempt stays recorded')
  // Two copies in the same second get distinct names.
  const twice = await runBackup(db, config.dbFile, [a], { keep: 10, now: new Date(2026, 5, 5, 22, 0, 0) })
  t.equal(twice[0].file, 'school-20260605-220000-2.sqlite')
})

t.test('R-ARC-6: restore refuses a bad copy, an existing database without --force, and one the server has open', async (t) => {
  const { db, dataDir, config } = await fileApp(t)
  await seed(db)
  const [r] = await runBackup(db, config.dbFile, [path.join(dataDir, 'b')], { keep: 3 })
  const backup = path.join(r.destination, r.file!)
  const refusal = (fn: () => unknown) => { try { fn(); return null } catch (e) { return e instanceof RestoreError ? e.message : `unexpected: ${e}` } }

  t.match(refusal(() => restoreBackup(path.join(dataDir, 'nope.sqlite'), path.join(dataDir, 'x.sqlite'), { force: false })), 'Файл копии не найден')
  const garbage = path.join(dataDir, 'garbage.sqlite')
  writeFileSync(garbage, Buffer.alloc(8192, 7))
  t.match(refusal(() => restoreBackup(garbage, path.join(dataDir, 'x.sqlite'), { force: false })), 'не прошла проверку')
  const foreign = path.join(dataDir, 'foreign.sqlite')
  const f = new SQLite(foreign)
  f.exec('create table notes(x)')
  f.close()
  t.match(refusal(() => restoreBackup(foreign, path.join(dataDir, 'x.sqlite'), { force: false })), 'не копия базы электронного журнала')
  t.notOk(existsSync(path.join(dataDir, 'x.sqlite')), 'nothing written by a refusal')

  // The live database: exists, and the app has it open.
  t.match(refusal(() => restoreBackup(backup, config.dbFile, { force: false })), 'уже существует')
  t.match(refusal(() => restoreBackup(backup, config.dbFile, { force: true })), 'открыта другим процессом')

  // A stopped database is replaced; the old one is kept beside it.
  const target = path.join(dataDir, 'old.sqlite')
  const old = new SQLite(target)
  old.pragma('journal_mode = WAL')
  old.exec('create table academic_years(x); create table persons(x); create table marks(x); insert into marks values (1)')
  old.close()
  const done = restoreBackup(backup, target, { force: true, now: new Date(2026, 6, 1, 8, 0, 0) })
  t.equal(done.kept, `${target}.before-restore-20260701-080000`)
  const kept = new SQLite(done.kept!, { readonly: true })
  t.equal((kept.prepare('select count(*) n from marks').get() as { n: number }).n, 1, 'the replaced database is kept as it was')
  kept.close()
  const now = new SQLite(target, { readonly: true })
  t.equal((now.prepare('select count(*) n from academic_years').get() as { n: number }).n, 2, 'the backup is in place')
  now.close()

  // A stale -wal beside a missing database (a crash) is moved aside, never replayed into the restored file.
  const lost = path.join(dataDir, 'lost.sqlite')
  writeFileSync(`${lost}-wal`, 'stale')
  t.same(restoreBackup(backup, lost, { force: false, now: new Date(2026, 6, 1, 9, 0, 0) }), { kept: null })
  t.notOk(existsSync(`${lost}-wal`))
  t.equal(readFileSync(`${lost}.before-restore-20260701-090000-wal`, 'utf8'), 'stale')
  const ok = new SQLite(lost, { readonly: true })
  t.equal(ok.pragma('integrity_check', { simple: true }), 'ok')
  ok.close()
})

t.test('R-ARC-6: the backup and restore commands', async (t) => {
  const { db, dataDir, config } = await fileApp(t)
  await seed(db)
  const out: string[] = []
  const err: string[] = []
  const env = { DATA_DIR: dataDir, DB_FILE: config.dbFile }
  const file = path.join(dataDir, 'blocker')
  writeFileSync(file, 'x')
  const code = await runBackupCommand(['--to', path.join(dataDir, 'usb'), '--to', path.join(file, 'sub')], env, (s) => out.push(s), (s) => err.push(s))
  t.equal(code, 1, 'a failed destination makes the command fail')
  t.match(out.join('\n'), 'Копия проверена: school-')
  t.match(out.join('\n'), 'Готово: 1 из 2.')
  t.match(err.join('\n'), 'ОШИБКА: Путь')
  t.equal(await runBackupCommand(['--bogus'], env, () => undefined, () => undefined), 2)
  t.equal(await runBackupCommand([], { DATA_DIR: dataDir, DB_FILE: path.join(dataDir, 'none.sqlite') }, () => undefined, (s) => err.push(s)), 1)
  t.match(err.join('\n'), 'База данных не найдена')
  const defaults = await runBackupCommand([], env, () => undefined, () => undefined)
  t.equal(defaults, 0, 'the default folders: DATA_DIR/backups and DATA_DIR/backups-2')
  t.equal(readdirSync(path.join(dataDir, 'backups')).length, 1)
  t.equal(readdirSync(path.join(dataDir, 'backups-2')).length, 1)

  const copy = path.join(dataDir, 'usb', readdirSync(path.join(dataDir, 'usb'))[0])
  const target = path.join(dataDir, 'restored.sqlite')
  out.length = 0
  t.equal(await runRestoreCommand(['--from', copy, '--to', target], env, (s) => out.push(s), (s) => err.push(s)), 0)
  t.match(out.join('\n'), `База восстановлена из ${copy} в ${target}.`)
  err.length = 0
  t.equal(await runRestoreCommand(['--from', copy, '--to', target], env, () => undefined, (s) => err.push(s)), 1)
  t.match(err.join('\n'), 'уже существует. Остановите сервер журнала и повторите с --force')
  t.equal(await runRestoreCommand(['--from', copy, '--to', target, '--force'], env, (s) => out.push(s), () => undefined), 0)
  t.match(out.join('\n'), 'Прежняя база сохранена как')
  t.equal(await runRestoreCommand([], env, () => undefined, (s) => err.push(s)), 2)
  t.match(err.join('\n'), 'нужен --from')
})

t.test('R-ARC-6: the admin sees each destination, is warned in red, and can back up now', async (t) => {
  const dataDir = tempDir(t)
  // The default second folder is a file here: that destination cannot be written.
  writeFileSync(path.join(dataDir, 'backups-2'), 'in the way')
  const { app, db } = await fileApp(t, dataDir)
  const s = await seed(db)
  const admin = await loginAs(app, 'admin')
  const first = await admin.get('/admin/backups')
  t.equal(first.statusCode, 200)
  t.match(first.body, 'Проверенных копий в этой папке нет')
  t.match(first.body, 'Копий ещё не делали.')
  t.match(first.body, 'каждые 12 ч')

  const run = await admin.post('/admin/backups/run')
  t.equal(run.statusCode, 303)
  const page = await admin.get('/admin/backups')
  t.match(page.body, 'Копии созданы не везде: 1 из 2.')
  t.match(page.body, `${path.join(dataDir, 'backups-2')} не является папкой`)
  const rows = page.body.split('<tr class="').slice(1)
  t.match(rows[0], 'row-ok')
  t.match(rows[0], path.join(dataDir, 'backups'))
  t.match(rows[0], 'в порядке')
  t.match(rows[1], 'row-bad')
  t.match(rows[1], 'Проверенных копий в этой папке нет')
  t.match(rows[1], 'не является папкой (или часть пути — файл) (ENOTDIR)', 'the last attempt\'s error is shown')
  t.match(page.body, 'проверена')
  t.match(page.body, 'Все папки для копий находятся на одном диске', 'two folders on one disk are not two media')
  t.equal(readdirSync(path.join(dataDir, 'backups')).length, 1)
  const audit = await db.selectFrom('audit_log').select(['actor_user_id']).where('action', '=', 'backup.run').executeTakeFirstOrThrow()
  t.equal(audit.actor_user_id, s.u.admin.userId, 'the run is audited with who asked')

  // An old good copy: red, with its age; the retention page warns too.
  mkdirSync(path.join(dataDir, 'old'), { recursive: true })
  await db.updateTable('backups').set({ started_at: new Date(Date.now() - 3 * 86_400_000).toISOString() }).where('status', '=', 'ok').execute()
  const old = await admin.get('/admin/backups')
  t.match(old.body, 'Копия старше 36 ч')
  t.match(old.body, '3 дн. назад')
  t.match((await admin.get('/archive')).body, 'box-bad')

  // The director and the deputy read the page but have no button; the button's route refuses them.
  for (const login of ['director', 'deputy']) {
    const c = await loginAs(app, login)
    const p = await c.get('/admin/backups')
    t.equal(p.statusCode, 200)
    t.notMatch(p.body, '/admin/backups/run', `${login} has no «backup now»`)
    t.equal((await c.post('/admin/backups/run')).statusCode, 403)
  }
  t.equal(readFileSync(path.join(dataDir, 'backups-2'), 'utf8'), 'in the way', 'the file in the way is untouched')
})
