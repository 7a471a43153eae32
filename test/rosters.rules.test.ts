// Table tests of roster files (R-ORG-5): CSV delimiter detection and parsing, encodings, headers, class
// names, and the per-row validation that blocks an import.
import t from 'tap'
import {
  COLUMNS, decodeUtf8, detectDelimiter, importReason, mapHeaders, namedRows, normalizeClass, parentKey, parseCsv,
  readTable, toCsv, toXlsx, validateRows, type ImportContext, type RawRow,
} from '../src/features/people/rosters.js'

t.test('CSV delimiter detection (R-ORG-5)', async (t) => {
  const cases: [string, string, ';' | ','][] = [
    ['Russian Excel', 'Класс;Фамилия;Имя\n5А;Иванов;Пётр', ';'],
    ['plain comma', 'Класс,Фамилия,Имя\n5А,Иванов,Пётр', ','],
    ['commas inside quotes do not count', '"Фамилия, имя";Класс\n"Иванов, Пётр";5А', ';'],
    ['semicolons inside quotes do not count', '"a;b;c",x,y\n1,2,3', ','],
    ['only the header line is looked at', 'Класс;Фамилия\n"a,b,c,d,e",x', ';'],
    ['a single column', 'Класс\n5А', ';'],
    ['CRLF line ends', 'a,b\r\nc;d;e;f', ','],
  ]
  for (const [name, text, want] of cases) t.equal(detectDelimiter(text), want, name)
})

t.test('CSV parsing: quotes, doubled quotes, line breaks in cells, CRLF', async (t) => {
  const cases: [string, string, string, string[][]][] = [
    ['simple', 'a;b\n1;2\n', ';', [['a', 'b'], ['1', '2']]],
    ['CRLF, no final newline', 'a,b\r\n1,2', ',', [['a', 'b'], ['1', '2']]],
    ['quoted delimiter', '"x;y";z', ';', [['x;y', 'z']]],
    ['doubled quote', '"say ""hi""",2', ',', [['say "hi"', '2']]],
    ['line break inside quotes', '"two\nlines";b', ';', [['two\nlines', 'b']]],
    ['empty cells', ';;\n', ';', [['', '', '']]],
  ]
  for (const [name, text, delim, want] of cases) t.same(parseCsv(text, delim), want, name)
})

t.test('encodings: UTF-8 with or without BOM; Windows-1251 refused', async (t) => {
  t.equal(decodeUtf8(Buffer.from('\uFEFFКласс', 'utf8')), 'Класс', 'BOM removed')
  t.equal(decodeUtf8(Buffer.from('Класс', 'utf8')), 'Класс')
  t.equal(decodeUtf8(Buffer.from([0xca, 0xeb, 0xe0, 0xf1, 0xf1])), null, '«Класс» in cp1251 is not UTF-8')
  const r = await readTable(Buffer.from([0xca, 0xeb, 0xe0, 0xf1, 0xf1]))
  t.match(r, { ok: false, error: /UTF-8/ })
  const xls = await readTable(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1]))
  t.match(xls, { ok: false, error: /\.xls/ })
})

t.test('CSV and xlsx written by the export are read back the same', async (t) => {
  const table = [['Класс', 'Фамилия', 'Имя'], ['5А', 'О\'Нил; "Шон"', 'Ян\nпервый']]
  const csv = await readTable(toCsv(table))
  t.same(csv, { ok: true, table }, 'csv')
  const xlsx = await readTable(await toXlsx(table))
  t.same(xlsx, { ok: true, table }, 'xlsx')
})

t.test('cells that a spreadsheet would run as formulas are exported as text and imported back as typed', async (t) => {
  const table = [['Фамилия', 'Имя', 'Родитель: телефон'], ['=HYPERLINK("http://x")', '@Ян', '+7 900 123-45-67']]
  const csv = toCsv(table).toString('utf8')
  t.match(csv, `'=HYPERLINK`)
  t.match(csv, `;'+7 900`)
  const read = await readTable(toCsv(table))
  const rows = namedRows(read.ok ? read.table : [], mapHeaders(table[0]).index)
  t.same([rows[0].raw.last_name, rows[0].raw.first_name, rows[0].raw.p1_phone], ['=HYPERLINK("http://x")', '@Ян', '+7 900 123-45-67'])
  t.equal(rows[0].raw.last_name.startsWith("'"), false)
})

t.test('headers: any order, case and spacing; required ones reported', async (t) => {
  const { index, missing } = mapHeaders(['имя', ' ФАМИЛИЯ ', 'Дата  рождения', 'Класс', 'Родитель 1: телефон', 'Лишний'])
  t.same(index, { first_name: 0, last_name: 1, birth_date: 2, class: 3, p1_phone: 4 })
  t.same(missing, [])
  t.same(mapHeaders(['Фамилия', 'Имя']).missing, ['class', 'birth_date'])
  const rows = namedRows([['Класс', 'Фамилия', 'Имя', 'Дата рождения'], ['5А', ' Иванов ', 'Пётр', '01.02.2015'], ['', ' ', '', ''], ['5Б', 'Петров']],
    mapHeaders(['Класс', 'Фамилия', 'Имя', 'Дата рождения']).index)
  t.same(rows.map((r) => [r.line, r.raw.last_name, r.raw.birth_date]), [[2, 'Иванов', '01.02.2015'], [4, 'Петров', '']], 'empty lines skipped, line numbers kept')
})

t.test('class names as people type them', async (t) => {
  const cases: [string, string][] = [['5А', '5А'], ['5 а', '5А'], ['5-А', '5А'], ['5"А"', '5А'], ['5A', '5А'], ['10b', '10В'], ['11 «Б»', '11Б']]
  for (const [typed, want] of cases) t.equal(normalizeClass(typed), want, typed)
})

const blank = (): RawRow => Object.fromEntries(COLUMNS.map((c) => [c, ''])) as RawRow
const row = (over: Partial<RawRow>): RawRow => ({ ...blank(), class: '5А', last_name: 'Иванов', first_name: 'Пётр', birth_date: '01.02.2015', ...over })
const ctx: ImportContext = {
  classes: new Map([['5А', { id: 10, allowed: true }], ['5Б', { id: 11, allowed: false }]]),
  existing: new Set(['смирнова|ольга||2014-05-05']),
  today: '2026-11-22',
}

t.test('row validation (R-ORG-5)', async (t) => {
  const cases: [string, Partial<RawRow>, RegExp | null][] = [
    ['a good row', {}, null],
    ['a good row with a parent', { p1_last: 'Иванова', p1_first: 'Мария', p1_phone: '+7 900 123-45-67', p1_email: 'm@x.ru' }, null],
    ['class typed loosely', { class: '5 a' }, null],
    ['no surname', { last_name: '' }, /Нет фамилии/],
    ['no first name', { first_name: '' }, /Нет имени/],
    ['no birth date', { birth_date: '' }, /Нет даты рождения/],
    ['impossible date', { birth_date: '31.02.2015' }, /Неверная дата рождения «31\.02\.2015»/],
    ['words for a date', { birth_date: 'весной' }, /Неверная дата рождения/],
    ['birth in the future', { birth_date: '01.01.2030' }, /Неверная дата рождения/],
    ['no class', { class: '' }, /Не указан класс/],
    ['unknown class', { class: '9Я' }, /Класса «9Я» нет/],
    ['a class not yours', { class: '5Б' }, /не ваш/],
    ['already in the school', { last_name: 'Смирнова', first_name: 'Ольга', birth_date: '05.05.2014' }, /уже есть в школе/],
    ['parent without a name', { p1_phone: '+7 900 123-45-67' }, /родитель 1.*фамилия и имя|фамилия и имя.*родитель 1/],
    ['second parent with a bad phone', { p2_last: 'Иванов', p2_first: 'Сергей', p2_phone: 'нет' }, /Неверный телефон \(родитель 2\)/],
    ['parent with a bad e-mail', { p1_last: 'Иванова', p1_first: 'Мария', p1_email: 'mail.ru' }, /Неверный e-mail/],
  ]
  for (const [name, over, want] of cases) {
    const [r] = validateRows([{ line: 2, raw: row(over) }], ctx)
    if (want) t.match(r.errors.join(' '), want, name)
    else t.same(r.errors, [], name)
  }
})

t.test('a student twice in one file is a duplicate; siblings share a parent key', async (t) => {
  const rows = validateRows([
    { line: 2, raw: row({}) },
    { line: 3, raw: row({ last_name: 'ИВАНОВ', first_name: 'Петр' }) },
    { line: 4, raw: row({ first_name: 'Анна', birth_date: '2016-06-06' }) },
  ], ctx)
  t.same(rows[0].errors, [])
  t.match(rows[1].errors.join(' '), /строке 2/)
  t.same(rows[2].errors, [])
  const a = { last_name: 'Иванова', first_name: 'Мария', middle_name: '', phone: '8 (900) 123-45-67', email: null }
  t.equal(parentKey(a), parentKey({ ...a, phone: '+7 900 1234567' }), '8… and +7… are the same phone')
  t.not(parentKey(a), parentKey({ ...a, phone: '+7 900 0000000' }))
})

t.test('the reason of an imported stay follows from its date', async (t) => {
  t.equal(importReason('2026-09-01', '2026-09-01'), 'initial')
  t.equal(importReason('2026-11-01', '2026-09-01'), 'arrival')
})
