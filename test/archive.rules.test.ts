// Table tests of the archive area's pure rules and of the backup settings and names (R-ARC-5, R-ARC-6).
import t from 'tap'
import {
  ageText, archiveFolderName, countText, atYearEnd, backupDue, canDo, closeChecklist, destinationState, formatSums, keepUntil, mayDestroy,
  parseSums, sizeText, type AttemptRow, type ChecklistInput,
} from '../src/features/archive/archive.rules.js'
import { backupErrorText, backupFileName, backupSettings, IntegrityError } from '../src/lib/backup.js'
import type { Role } from '../src/db/types.js'

t.test('R-ARC-5: storage periods count from 1 January after the year ends [002 §12.1, §12.3]', async (t) => {
  const cases: [string, number, string][] = [
    ['2027-08-31', 5, '2032-12-31'],
    ['2027-05-31', 5, '2032-12-31'],
    ['2027-05-31', 25, '2052-12-31'],
    ['2026-12-31', 5, '2031-12-31'],
  ]
  for (const [end, years, until] of cases) t.equal(keepUntil(end, years), until, `${end} + ${years} → ${until}`)
  const destroy: [string, string, boolean][] = [['2032-12-31', '2032-12-31', false], ['2032-12-31', '2033-01-01', true], ['2032-12-31', '2030-06-01', false]]
  for (const [until, today, may] of destroy) t.equal(mayDestroy(until, today), may, `kept until ${until}, on ${today}: ${may}`)
})

t.test('R-ARC-5: archive folder names', async (t) => {
  const cases: [string, string][] = [['2026/2027', '2026-2027'], ['../2026', '-2026'], ['..', 'year'], ['2026:27*', '2026-27-']]
  for (const [name, folder] of cases) t.equal(archiveFolderName(name), folder, `${name} → ${folder}`)
})

t.test('R-ARC-5: who is at the year end', async (t) => {
  const cases: [string | null, string | null, boolean][] = [
    [null, null, true], ['2027-05-31', 'promotion', true], ['2027-06-20', 'graduation', true], ['2027-01-20', 'departure', false],
    ['2026-12-01', 'transfer', false], ['2027-05-31', 'departure', true],
  ]
  for (const [to, reason, at] of cases) t.equal(atYearEnd({ to_date: to, reason_out: reason }, '2027-05-31'), at, `${to} ${reason}: ${at}`)
})

const base = (): ChecklistInput => ({
  classes: [{ id: 1, label: '5А' }, { id: 2, label: '6Б' }, { id: 3, label: '7В' }],
  students: [{ id: 10, classId: 1, name: 'Борисова Вера' }, { id: 11, classId: 1, name: 'Антонов Артём' }, { id: 20, classId: 2, name: 'Гришин Денис' }],
  pairs: [
    { studentId: 10, subjectId: 100, subject: 'Математика', subjectOrder: 10 }, { studentId: 11, subjectId: 100, subject: 'Математика', subjectOrder: 10 },
    { studentId: 10, subjectId: 101, subject: 'Русский язык', subjectOrder: 5 }, { studentId: 11, subjectId: 101, subject: 'Русский язык', subjectOrder: 5 },
    { studentId: 20, subjectId: 100, subject: 'Математика', subjectOrder: 10 },
  ],
  yearMarks: [{ studentId: 10, subjectId: 100 }, { studentId: 11, subjectId: 100 }, { studentId: 10, subjectId: 101 }, { studentId: 11, subjectId: 101 }, { studentId: 20, subjectId: 100 }],
  sheets: [{ classId: 1, number: '2027-000001', issuedAt: '2027-06-01T10:00:00Z' }, { classId: 2, number: '2027-000002', issuedAt: '2027-06-01T10:00:00Z' }],
  lastFinalChange: [{ classId: 1, at: '2027-05-30T10:00:00Z' }],
  decided: [10, 11, 20],
  pendingCorrections: [],
})

t.test('R-ARC-5: the closing checklist, red and green', async (t) => {
  const green = closeChecklist(base())
  t.ok(green.ok, 'everything set: green (7В has no students: nothing to sign)')
  t.same(green.items.map((i) => [i.key, i.ok]), [['yearMarks', true], ['summarySheets', true], ['promotion', true], ['corrections', true]])

  const cases: [string, (i: ChecklistInput) => void, string, { where: string; what: RegExp; names: string[] }[]][] = [
    ['two marks missing in one class and subject, listed by name', (i) => { i.yearMarks = i.yearMarks.filter((m) => m.subjectId !== 101) }, 'yearMarks',
      [{ where: '5А · Русский язык', what: /нет годовой отметки у 2 учеников/, names: ['Антонов Артём', 'Борисова Вера'] }]],
    ['gaps ordered by class, then subject order', (i) => { i.yearMarks = [] }, 'yearMarks', [
      { where: '5А · Русский язык', what: /2 учеников/, names: ['Антонов Артём', 'Борисова Вера'] },
      { where: '5А · Математика', what: /2 учеников/, names: ['Антонов Артём', 'Борисова Вера'] },
      { where: '6Б · Математика', what: /1 ученика/, names: ['Гришин Денис'] }]],
    ['a class without a sheet', (i) => { i.sheets = i.sheets.filter((s) => s.classId !== 2) }, 'summarySheets',
      [{ where: '6Б', what: /не выдана/, names: [] }]],
    ['a sheet older than the last change of final marks', (i) => { i.lastFinalChange = [{ classId: 1, at: '2027-06-02T08:00:00Z' }] }, 'summarySheets',
      [{ where: '5А', what: /№ 2027-000001 выдана до последнего изменения/, names: [] }]],
    ['a student without a decision', (i) => { i.decided = [10, 20] }, 'promotion',
      [{ where: '5А', what: /нет решения о переводе у 1 ученика/, names: ['Антонов Артём'] }]],
    ['a correction waiting', (i) => { i.pendingCorrections = [{ student: 'Гришин Денис', subject: 'Математика' }] }, 'corrections',
      [{ where: 'Математика', what: /ждёт решения/, names: ['Гришин Денис'] }]],
  ]
  for (const [name, change, key, problems] of cases) {
    const input = base()
    change(input)
    const c = closeChecklist(input)
    t.notOk(c.ok, `${name}: red`)
    const item = c.items.find((i) => i.key === key)!
    t.notOk(item.ok, `${name}: ${key} red`)
    t.equal(c.items.filter((i) => !i.ok).length, 1, `${name}: only ${key} red`)
    t.equal(item.problems.length, problems.length, `${name}: ${problems.length} lines`)
    problems.forEach((p, n) => {
      t.equal(item.problems[n].where, p.where, `${name}: where`)
      t.match(item.problems[n].what, p.what, `${name}: what`)
      t.same(item.problems[n].names, p.names, `${name}: names`)
    })
  }
})

t.test('R-ARC-5: MANIFEST.sha256 in the sha256sum format', async (t) => {
  const entries = [{ path: 'documents/2027-000001.pdf', sha256: 'a'.repeat(64) }, { path: 'database.sqlite', sha256: 'b'.repeat(64) }]
  const text = formatSums(entries)
  t.equal(text, `${'a'.repeat(64)}  documents/2027-000001.pdf\n${'b'.repeat(64)}  database.sqlite\n`)
  t.same(parseSums(text), entries)
  t.same(parseSums(`${'c'.repeat(64)} *binary.pdf\n`), [{ path: 'binary.pdf', sha256: 'c'.repeat(64) }])
  for (const bad of ['nonsense\n', `${'a'.repeat(64)}  ../escape\n`, `${'a'.repeat(64)}  /etc/passwd\n`, `${'a'.repeat(63)}  short\n`]) {
    t.equal(parseSums(bad), null, `refused: ${JSON.stringify(bad)}`)
  }
})

t.test('R-ARC-5, R-ARC-6, R-ROLE: who may do what in the archive area', async (t) => {
  const cases: [Role[], Record<string, boolean>][] = [
    [['deputy'], { archive: true, verify: true, checklist: true, close: true, backups: true, backupRun: false }],
    [['director'], { archive: true, verify: true, checklist: true, close: false, backups: true, backupRun: false }],
    [['admin'], { archive: true, verify: true, checklist: false, close: false, backups: true, backupRun: true }],
    [['teacher'], { archive: false, verify: false, checklist: false, close: false, backups: false, backupRun: false }],
    [['scheduler', 'clerk'], { archive: false, verify: false, checklist: false, close: false, backups: false, backupRun: false }],
    [['parent'], { archive: false, verify: false, checklist: false, close: false, backups: false, backupRun: false }],
  ]
  for (const [roles, expect] of cases) {
    for (const [action, may] of Object.entries(expect)) t.equal(canDo({ roles }, action as Parameters<typeof canDo>[1]), may, `${roles.join('+')} ${action}: ${may}`)
  }
  t.equal(canDo(null, 'archive'), false)
})

t.test('R-ARC-6: settings, file names and errors in words', async (t) => {
  t.same(backupSettings({ dataDir: '/srv/data' }), { destinations: ['/srv/data/backups', '/srv/data/backups-2'], everyHours: 12, keep: 14, warnHours: 36 })
  t.same(backupSettings({ dataDir: '/srv/data', backupDirs: ' /mnt/usb , /mnt/nas/journal,/mnt/usb ', backupHours: 6, backupKeep: 0, backupWarnHours: 24 }),
    { destinations: ['/mnt/usb', '/mnt/nas/journal'], everyHours: 6, keep: 1, warnHours: 24 }, 'listed, trimmed, deduplicated; at least one copy kept')
  t.equal(backupFileName(new Date(2026, 0, 5, 3, 4, 5)), 'school-20260105-030405.sqlite')
  const cases: [unknown, RegExp][] = [
    [Object.assign(new Error('x'), { code: 'EACCES' }), /^Нет прав на запись в папку \/b \(EACCES\)$/],
    [Object.assign(new Error('x'), { code: 'ENOTDIR' }), /не является папкой/],
    [Object.assign(new Error('x'), { code: 'ENOSPC' }), /^Нет места на диске/],
    [Object.assign(new Error('x'), { code: 'SQLITE_IOERR_WRITE' }), /^Ошибка чтения или записи на диск: \/b \(SQLITE_IOERR_WRITE\)$/],
    [Object.assign(new Error('x'), { code: 'SQLITE_CANTOPEN' }), /^Не удалось открыть или создать файл/],
    [new IntegrityError('*** in database main *** Page 5 is never used'), /^Копия не прошла проверку целостности: .*Page 5/],
    [new Error('something odd'), /^Не удалось записать копию в \/b: something odd$/],
  ]
  for (const [e, text] of cases) t.match(backupErrorText(e, '/b'), text)
})

t.test('R-ARC-6: when a backup is due, and how a destination looks to the admin', async (t) => {
  const now = new Date('2026-06-10T12:00:00Z')
  const due: [string | null, number, boolean][] = [[null, 12, true], ['2026-06-10T01:00:00Z', 12, false], ['2026-06-09T23:59:00Z', 12, true], [null, 0, false]]
  for (const [last, hours, is] of due) t.equal(backupDue(last, now, hours), is, `last ${last}, every ${hours} h: ${is}`)

  const row = (id: number, destination: string, started_at: string, status: AttemptRow['status'], file: string | null = `f${id}`): AttemptRow =>
    ({ id, destination, file, started_at, finished_at: started_at, bytes: 10, sha256: null, status, error: status === 'failed' ? 'boom' : null })
  const rows = [
    row(1, '/a', '2026-06-10T06:00:00Z', 'ok'), row(2, '/a', '2026-06-09T06:00:00Z', 'ok'),
    row(3, '/b', '2026-06-10T06:00:00Z', 'failed', null), row(4, '/b', '2026-06-09T06:00:00Z', 'ok'),
    row(5, '/c', '2026-06-07T06:00:00Z', 'ok'), row(6, '/d', '2026-06-10T06:00:00Z', 'failed', null),
    row(7, '/e', '2026-06-10T11:00:00Z', 'ok'), row(8, '/f', '2026-06-10T11:00:00Z', 'running', null),
  ]
  const gone = new Set(['f7'])
  const exists = (a: AttemptRow) => !gone.has(a.file ?? '')
  const cases: [string, number | null, number | null, string | null][] = [
    ['/a', 1, 1, null], ['/b', 4, 3, 'failed'], ['/c', 5, 5, 'old'], ['/d', null, 6, 'never'], ['/e', null, 7, 'never'], ['/f', null, null, 'never'],
  ]
  for (const [d, good, last, warning] of cases) {
    const s = destinationState(d, rows, exists, now, 36)
    t.equal(s.lastGood?.id ?? null, good, `${d}: last good`)
    t.equal(s.lastAttempt?.id ?? null, last, `${d}: last attempt`)
    t.equal(s.warning, warning, `${d}: warning ${warning}`)
  }
  const ages: [number, string][] = [[0, 'только что'], [5, '5 мин назад'], [125, '2 ч 5 мин назад'], [47 * 60, '47 ч 0 мин назад'], [72 * 60, '3 дн. назад']]
  for (const [min, text] of ages) t.equal(ageText(new Date(now.getTime() - min * 60_000).toISOString(), now), text)
  const counts: [number, 'files' | 'problems', string][] = [[1, 'files', '1 файл'], [3, 'files', '3 файла'], [5, 'files', '5 файлов'], [21, 'problems', '21 расхождение'], [12, 'problems', '12 расхождений']]
  for (const [n, w, text] of counts) t.equal(countText(n, w), text)
  const sizes: [number | null, string][] = [[null, ''], [100, '1 КБ'], [550_000, '537 КБ'], [5_500_000, '5,2 МБ']]
  for (const [b, text] of sizes) t.equal(sizeText(b), text)
})
