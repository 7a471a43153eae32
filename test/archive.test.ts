// HTTP tests of closing a year (R-ARC-5): the checklist red and green on a known fixture, the closing that makes the
// year read-only and writes an archive whose SHA-256 list verifies, verification that catches a tampered file, a
// failure that leaves the year open and says why, and the retention page with its storage periods.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import t from 'tap'
import { issueSheet, makeGreen, world, type World } from './archive.seed.js'

const closeUrl = (w: World) => `/archive/years/${w.s.year}/close`
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')

async function yearStatus(w: World, id = w.s.year) {
  return (await w.db.selectFrom('academic_years').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status
}

/** The text of one checklist item on the page: from its <li> to the next item or the end of the list. */
function item(body: string, title: string): string {
  const start = body.lastIndexOf('<li class="', body.indexOf(title))
  const ends = [body.indexOf('<li class="ok"', start + 1), body.indexOf('<li class="bad"', start + 1), body.indexOf('</ol>', start)].filter((i) => i > 0)
  return body.slice(start, Math.min(...ends))
}

t.test('R-ARC-5: the checklist names what is missing, by class and subject, and closing waits for green', async (t) => {
  const w = await world(t, ['deputy', 'director'])
  const page = await w.as.deputy.get(closeUrl(w))
  t.equal(page.statusCode, 200)
  t.match(page.body, 'Закрытие учебного года 2025/2026')
  const marks = item(page.body, 'Годовые отметки выставлены')
  t.match(marks, '✗')
  t.match(marks, '5А · Русский язык')
  t.match(marks, 'нет годовой отметки у 2 учеников')
  t.match(marks, 'Борисова Вера, Волков Глеб')
  t.notMatch(marks, 'Ушедший', 'a student who left in winter needs no year mark')
  t.notMatch(marks, '6А', '6А has all its year marks')
  const sheets = item(page.body, 'Сводные ведомости')
  t.match(sheets, '5А')
  t.match(sheets, '6А')
  t.match(sheets, 'сводная ведомость не выдана')
  const promotion = item(page.body, 'Решения педагогического совета')
  t.match(promotion, '6А')
  t.match(promotion, 'Дмитриева Ева')
  t.notMatch(promotion, '5А')
  t.match(item(page.body, 'Нет нерассмотренных запросов'), '✓')
  t.match(page.body, 'Закрыть год можно, только когда выполнены все пункты.')
  t.notMatch(page.body, 'name="confirm"', 'no closing form while anything is red')

  const refused = await w.as.deputy.post(closeUrl(w), { confirm: 'on' })
  t.equal(refused.statusCode, 409, 'a submitted close is refused while red')
  t.match(refused.body, 'Год не закрыт: не все пункты выполнены.')
  t.equal(await yearStatus(w), 'open')
  t.notOk(existsSync(path.join(w.dataDir, 'archive', '2025-2026')), 'no archive written')

  // A sheet issued, then a mark changed after it: the sheet is out of date.
  await issueSheet(w.db, w.dataDir, w.s, w.s.c6a, '6А')
  await new Promise((r) => setTimeout(r, 5))
  await w.db.updateTable('final_marks').set({ value: '4', set_at: new Date().toISOString() })
    .where('student_id', '=', w.s.students.grishin).execute()
  t.match(item((await w.as.deputy.get(closeUrl(w))).body, 'Сводные ведомости'), 'выдана до последнего изменения итоговых отметок')
  await new Promise((r) => setTimeout(r, 5))

  await makeGreen(w.db, w.dataDir, w.s)
  const green = await w.as.deputy.get(closeUrl(w))
  t.equal((green.body.match(/<span class="mark">✓<\/span>/g) ?? []).length, 4, 'all four items green')
  t.match(green.body, 'name="confirm"', 'the deputy gets the closing form')
  const director = await w.as.director.get(closeUrl(w))
  t.equal(director.statusCode, 200)
  t.notMatch(director.body, 'name="confirm"', 'the director follows, the deputy closes')
  t.match(director.body, 'Год закрывает заместитель директора.')

  const unconfirmed = await w.as.deputy.post(closeUrl(w), {})
  t.equal(unconfirmed.statusCode, 400)
  t.match(unconfirmed.body, 'Подтвердите, что год можно закрыть.')
  t.equal(await yearStatus(w), 'open')
})

t.test('R-ARC-5: closing makes the year read-only and writes an archive whose SHA-256 sums verify', async (t) => {
  const w = await world(t, ['deputy', 'admin', 'teacher'])
  const sheets = await makeGreen(w.db, w.dataDir, w.s)
  const res = await w.as.deputy.post(closeUrl(w), { confirm: 'on' })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, `/archive/years/${w.s.year}`)
  t.equal(await yearStatus(w), 'closed')

  const folder = path.join(w.dataDir, 'archive', '2025-2026')
  const rec = await w.db.selectFrom('year_archives').selectAll().where('year_id', '=', w.s.year).executeTakeFirstOrThrow()
  t.equal(rec.folder, folder)
  t.equal(rec.closed_by, w.s.u.deputy.personId)
  t.equal(rec.electronic_keep_until, '2031-12-31', '5 years from 1 January after the year ended')
  t.equal(rec.paper_keep_until, '2051-12-31', '25 years')
  t.ok(rec.verified_at, 'verified when written')

  // The folder: both issued PDFs as issued, the snapshot, the manifest and its sums.
  const names = readdirSync(folder).sort()
  t.same(names, ['MANIFEST.sha256', 'README.txt', 'database.sqlite', 'documents', 'manifest.json'])
  for (const d of sheets) {
    const stored = readFileSync(path.join(w.dataDir, 'documents', `${d.number}.pdf`))
    t.same(readFileSync(path.join(folder, 'documents', `${d.number}.pdf`)), stored, `document ${d.number} copied as issued`)
  }
  const sums = readFileSync(path.join(folder, 'MANIFEST.sha256'), 'utf8')
  t.equal(sha(sums), rec.manifest_sha256, 'the recorded hash is that of the sums file')
  const lines = sums.trim().split('\n')
  t.equal(lines.length, 5, 'two PDFs, the snapshot, README and manifest.json')
  for (const line of lines) {
    const [sum, file] = line.split('  ')
    t.equal(sha(readFileSync(path.join(folder, file))), sum, `${file} matches its sum`)
  }
  t.equal(execFileSync('sha256sum', ['-c', 'MANIFEST.sha256'], { cwd: folder }).toString().trim().split('\n').length, 5, 'sha256sum -c agrees')
  const manifest = JSON.parse(readFileSync(path.join(folder, 'manifest.json'), 'utf8'))
  t.equal(manifest.year.name, '2025/2026')
  t.equal(manifest.school, 'МБОУ «Школа № 7»')
  t.equal(manifest.files.filter((f: { what: string }) => f.what === 'document').length, 2)
  t.match(readFileSync(path.join(folder, 'README.txt'), 'utf8'), 'sha256sum -c MANIFEST.sha256')

  // The snapshot is a whole, consistent database in which the year is already closed.
  const snap = new SQLite(path.join(folder, 'database.sqlite'), { readonly: true })
  t.equal(snap.pragma('integrity_check', { simple: true }), 'ok')
  t.equal((snap.prepare('select status from academic_years where id = ?').get(w.s.year) as { status: string }).status, 'closed')
  t.equal((snap.prepare('select count(*) n from final_marks where year_id = ?').get(w.s.year) as { n: number }).n, 8)
  snap.close()
  t.notOk(readdirSync(path.join(w.dataDir, 'archive')).some((f) => f.includes('partial')), 'no temporary folder left')

  const audits = await w.db.selectFrom('audit_log').select(['action', 'before', 'after']).where('action', 'like', 'archive.%').orderBy('id').execute()
  t.same(audits.map((a) => a.action), ['archive.close', 'archive.write'])
  t.same(JSON.parse(audits[0].after!), { status: 'closed' })

  const page = await w.as.deputy.get(`/archive/years/${w.s.year}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, 'Учебный год 2025/2026 закрыт. Архив записан и проверен (5 файлов) в папке')
  t.match(page.body, rec.manifest_sha256)
  t.match(page.body, '31.12.2031')
  t.match(page.body, 'Сводная ведомость № ' + sheets[0].number)
  t.match(page.body, 'Снимок базы данных на момент закрытия')

  // The checklist page of a closed year leads to its archive; a second closing is refused.
  t.equal((await w.as.deputy.get(closeUrl(w))).headers.location, `/archive/years/${w.s.year}`)
  const again = await w.as.deputy.post(closeUrl(w), { confirm: 'on' })
  t.equal(again.statusCode, 409)
  t.match(again.body, 'Учебный год 2025/2026 уже закрыт.')
})

t.test('R-ARC-5: «verify archive» re-hashes every file and reports a tampered, a missing and an extra file', async (t) => {
  const w = await world(t, ['deputy', 'director', 'admin'])
  const [sheet] = await makeGreen(w.db, w.dataDir, w.s)
  t.equal((await w.as.deputy.post(closeUrl(w), { confirm: 'on' })).statusCode, 303)
  const folder = path.join(w.dataDir, 'archive', '2025-2026')
  const verify = `/archive/years/${w.s.year}/verify`

  const before = (await w.db.selectFrom('year_archives').select('verified_at').where('year_id', '=', w.s.year).executeTakeFirstOrThrow()).verified_at
  await new Promise((r) => setTimeout(r, 5))
  const ok = await w.as.director.post(verify)
  t.equal(ok.statusCode, 303)
  t.match((await w.as.director.get(`/archive/years/${w.s.year}`)).body, 'Архив 2025/2026 проверен: все файлы совпадают (5 файлов).')
  const after = (await w.db.selectFrom('year_archives').select('verified_at').where('year_id', '=', w.s.year).executeTakeFirstOrThrow()).verified_at
  t.ok(after! > before!, 'a clean check moves «verified at»')

  appendFileSync(path.join(folder, 'documents', `${sheet.number}.pdf`), 'tampered')
  rmSync(path.join(folder, 'README.txt'))
  writeFileSync(path.join(folder, 'documents', 'extra.pdf'), '%PDF-1.4 not ours')
  const bad = await w.as.admin.post(verify)
  t.equal(bad.statusCode, 303)
  const page = await w.as.admin.get(`/archive/years/${w.s.year}`)
  t.match(page.body, 'Архив 2025/2026 не прошёл проверку: 3 расхождения.')
  t.match(page.body, 'архив не совпадает с записанным при закрытии года')
  t.match(page.body, `documents/${sheet.number}.pdf</span> — изменён`)
  t.match(page.body, 'README.txt</span> — отсутствует')
  t.match(page.body, 'documents/extra.pdf</span> — лишний файл, не входит в архив')
  const still = (await w.db.selectFrom('year_archives').select('verified_at').where('year_id', '=', w.s.year).executeTakeFirstOrThrow()).verified_at
  t.equal(still, after, 'a failed check does not move «verified at»')
  const audit = await w.db.selectFrom('audit_log').select('after').where('action', '=', 'archive.verify').orderBy('id', 'desc').executeTakeFirstOrThrow()
  t.equal(JSON.parse(audit.after!).ok, false, 'the failed check is in the audit log')

  // The sums file itself changed: caught against the hash recorded at closing.
  writeFileSync(path.join(folder, 'MANIFEST.sha256'), readFileSync(path.join(folder, 'MANIFEST.sha256'), 'utf8').replace(/^[0-9a-f]{64}/, '0'.repeat(64)))
  await w.as.admin.post(verify)
  t.match((await w.as.admin.get(`/archive/years/${w.s.year}`)).body, 'MANIFEST.sha256</span> — изменён')
})

t.test('R-ARC-5: a failure while writing the archive leaves the year open and says why', async (t) => {
  const w = await world(t, ['deputy', 'teacher'])
  const [sheet] = await makeGreen(w.db, w.dataDir, w.s)
  rmSync(path.join(w.dataDir, 'documents', `${sheet.number}.pdf`))
  const res = await w.as.deputy.post(closeUrl(w), { confirm: 'on' })
  t.equal(res.statusCode, 500)
  t.match(res.body, 'Год не закрыт, он остаётся открытым. Причина:')
  t.match(res.body, `нет файла выданного документа № ${sheet.number}`)
  t.equal(await yearStatus(w), 'open', 'the year is open again')
  t.notOk(await w.db.selectFrom('year_archives').select('year_id').where('year_id', '=', w.s.year).executeTakeFirst(), 'no archive recorded')
  t.same(readdirSync(path.join(w.dataDir, 'archive')), [], 'nothing left on disk')
  const audits = await w.db.selectFrom('audit_log').select(['action', 'after']).where('action', 'like', 'archive.%').orderBy('id').execute()
  t.same(audits.map((a) => a.action), ['archive.close', 'archive.closeFailed'])
  t.match(JSON.parse(audits[1].after!).error, sheet.number, 'the reason is recorded')

  // An altered PDF (not the bytes the registry recorded) is refused the same way.
  writeFileSync(path.join(w.dataDir, 'documents', `${sheet.number}.pdf`), '%PDF-1.4 altered')
  const altered = await w.as.deputy.post(closeUrl(w), { confirm: 'on' })
  t.equal(altered.statusCode, 500)
  t.match(altered.body, 'не совпадает с выданным')
  t.equal(await yearStatus(w), 'open')
})

t.test('R-ARC-5: the retention page lists periods and what may be destroyed, and destroys nothing', async (t) => {
  const w = await world(t, ['deputy', 'director', 'admin'])
  const page = await w.as.director.get('/archive')
  t.equal(page.statusCode, 200)
  t.match(page.body, 'Архив и сроки хранения')
  t.match(page.body, 'Электронные журналы хранятся 5 лет, сформированные дела — не менее 25 лет.')
  const row = (name: string) => page.body.slice(page.body.indexOf(`<td>${name}</td>`), page.body.indexOf('</tr>', page.body.indexOf(`<td>${name}</td>`)))
  t.match(row('2019/2020'), '31.12.2025 — <strong class="state-bad">срок истёк</strong>')
  t.match(row('2019/2020'), '31.12.2045 — хранить')
  t.match(row('2025/2026'), 'идёт')
  t.match(row('2025/2026'), `/archive/years/${w.s.year}/close`, 'an open year leads to its checklist')
  t.match(page.body, 'Электронный журнал 2019/2020 (архив в папке /srv/journal/archive/2019-2020) — срок хранения истёк 31.12.2025.')
  t.notMatch(page.body, 'Бумажное дело 2019/2020', 'the printed case is kept for 25 years')
  t.match(page.body, 'Журнал ничего не уничтожает сам')
  t.match(page.body, 'Проверенных резервных копий базы ещё нет.')
  const admin = await w.as.admin.get('/archive')
  t.notMatch(admin.body, '/close"', 'the admin keeps archives but does not close years')

  await makeGreen(w.db, w.dataDir, w.s)
  await w.as.deputy.post(closeUrl(w), { confirm: 'on' })
  const after = await w.as.deputy.get('/archive')
  const closed = after.body.slice(after.body.indexOf('<td>2025/2026</td>'), after.body.indexOf('</tr>', after.body.indexOf('<td>2025/2026</td>')))
  t.match(closed, 'закрыт')
  t.match(closed, '31.12.2031 — хранить')
  t.match(closed, '31.12.2051 — хранить')
  t.match(closed, 'Завучева З. П.')
})
