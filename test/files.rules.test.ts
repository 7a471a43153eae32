// Table tests of the lesson-file rules: accepted types, kept names, the download header, sizes (R-J-2).
import t from 'tap'
import { checkUpload, cleanFileName, contentDisposition, extensionOf, sizeLabel } from '../src/features/journal/files.rules.js'

t.test('R-J-2 documents and images are accepted, everything else is refused', async (t) => {
  const cases: [string, number, string, unknown][] = [
    ['Задание.pdf', 10, 'homework', { ok: true, name: 'Задание.pdf', ext: 'pdf', mime: 'application/pdf', purpose: 'homework' }],
    ['ФОТО.JPG', 10, 'lesson', { ok: true, name: 'ФОТО.JPG', ext: 'jpg', mime: 'image/jpeg', purpose: 'lesson' }],
    ['a.jpeg', 1, 'lesson', { ok: true, name: 'a.jpeg', ext: 'jpeg', mime: 'image/jpeg', purpose: 'lesson' }],
    ['таблица.xlsx', 5, 'lesson', { ok: true, name: 'таблица.xlsx', ext: 'xlsx', mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', purpose: 'lesson' }],
    ['notes.txt', 5, 'lesson', { ok: true, name: 'notes.txt', ext: 'txt', mime: 'text/plain; charset=utf-8', purpose: 'lesson' }],
    ['C:\\Users\\Учитель\\Рабочий стол\\тест.docx', 5, 'lesson',
      { ok: true, name: 'тест.docx', ext: 'docx', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', purpose: 'lesson' }],
    ...['doc', 'xls', 'ppt', 'pptx', 'odt', 'ods', 'odp', 'rtf', 'png', 'gif'].map((e): [string, number, string, unknown] =>
      [`f.${e}`, 1, 'lesson', { ok: true }]),
    ['page.html', 5, 'lesson', { ok: false, error: 'badType' }],
    ['page.htm', 5, 'lesson', { ok: false, error: 'badType' }],
    ['image.svg', 5, 'lesson', { ok: false, error: 'badType' }],
    ['setup.exe', 5, 'lesson', { ok: false, error: 'badType' }],
    ['script.js', 5, 'lesson', { ok: false, error: 'badType' }],
    ['archive.zip', 5, 'lesson', { ok: false, error: 'badType' }],
    ['doc.pdf.exe', 5, 'lesson', { ok: false, error: 'badType' }],
    ['README', 5, 'lesson', { ok: false, error: 'badType' }],
    ['.pdf', 5, 'lesson', { ok: false, error: 'badType' }],
    ['constructor', 5, 'lesson', { ok: false, error: 'badType' }],
    ['x.constructor', 5, 'lesson', { ok: false, error: 'badType' }],
    ['', 0, 'lesson', { ok: false, error: 'noFile' }],
    ['empty.pdf', 0, 'lesson', { ok: false, error: 'empty' }],
    ['a.pdf', 5, 'other', { ok: false, error: 'badPurpose' }],
    ['a.pdf', 5, '', { ok: false, error: 'badPurpose' }],
  ]
  for (const [name, size, purpose, want] of cases) t.match(checkUpload({ name, size, purpose }), want as object, `${name} (${size} B, ${purpose || '—'})`)
})

t.test('R-J-2 file names are kept readable and bounded', async (t) => {
  const long = 'а'.repeat(300) + '.pdf'
  const cases: [string, string][] = [
    ['План урока.pdf', 'План урока.pdf'],
    ['  пробелы.doc  ', 'пробелы.doc'],
    ['/home/u/x.png', 'x.png'],
    ['a\u0000b\u001f.txt', 'ab.txt'],
    [long, 'а'.repeat(196) + '.pdf'],
  ]
  for (const [raw, want] of cases) t.equal(cleanFileName(raw), want, JSON.stringify(raw.slice(0, 30)))
  t.equal(cleanFileName(long).length, 200)
  t.equal(extensionOf('a.B.PdF'), 'pdf')
  t.equal(extensionOf('noext'), '')
})

t.test('R-J-2 a download is always an attachment with the original name', async (t) => {
  t.equal(contentDisposition('report.pdf'), `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`)
  t.equal(contentDisposition('Задание 5А.docx'), `attachment; filename="_______ 5_.docx"; filename*=UTF-8''%D0%97%D0%B0%D0%B4%D0%B0%D0%BD%D0%B8%D0%B5%205%D0%90.docx`)
  t.equal(contentDisposition('a"b\\c.txt'), `attachment; filename="a_b_c.txt"; filename*=UTF-8''a%22b%5Cc.txt`)
  t.equal(contentDisposition("it's (1).txt"), `attachment; filename="it's (1).txt"; filename*=UTF-8''it%27s%20%281%29.txt`)
})

t.test('sizes read as a person would say them', async (t) => {
  const cases: [number, string][] = [[0, '0 байт'], [1023, '1023 байт'], [1024, '1 КБ'], [350_000, '342 КБ'], [1_048_576, '1,0 МБ'], [1_572_864, '1,5 МБ']]
  for (const [n, want] of cases) t.equal(sizeLabel(n), want, `${n}`)
})
