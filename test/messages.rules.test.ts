// The pure rules of messages and announcements as tables: who may write to whom for every pair of roles, who
// may announce and withdraw, and the shape of a message (R-D-3, R-ACC-2).
import t from 'tap'
import type { Role } from '../src/db/types.js'
import {
  announces, bodyError, childConcerned, mayAnnounce, mayWithdraw, mayWrite, normalizeText, visibleUntilError, type Party,
} from '../src/features/messages/messages.rules.js'
import { parseAnnouncement, parseNewMessage, parseTarget } from '../src/features/messages/messages.form.js'

const A = 51 // 5А
const B = 62 // 6Б
const gA = 510 // a subgroup of 5А
const X = 900 // a cross-class group

let next = 1
function party(roles: Role[], p: Partial<Party> = {}): Party {
  return { personId: next++, roles, classTeacherOf: [], teachesClasses: [], teachesGroups: [], familyClasses: [], familyGroups: [], ...p }
}

// Everyone around 5А.
const P = {
  admin: party(['admin']),
  director: party(['director']),
  deputy: party(['deputy']),
  scheduler: party(['scheduler']),
  teacher: party(['teacher'], { teachesClasses: [A], teachesGroups: [gA] }),
  classTeacher: party(['teacher'], { classTeacherOf: [A] }),
  clerk: party(['clerk']),
  student: party(['student'], { familyClasses: [A], familyGroups: [gA] }),
  parent: party(['parent'], { familyClasses: [A], familyGroups: [gA] }),
}
type Name = keyof typeof P
const NAMES = Object.keys(P) as Name[]
const STAFF: Name[] = ['admin', 'director', 'deputy', 'scheduler', 'teacher', 'classTeacher', 'clerk']
const FAMILY: Name[] = ['student', 'parent']

// Whom each role may write to, among the people of the same class (self excluded: nobody writes to themself).
const MAY: Record<Name, Name[]> = {
  admin: [...STAFF, ...FAMILY],
  director: [...STAFF, ...FAMILY],
  deputy: [...STAFF, ...FAMILY],
  scheduler: STAFF,
  teacher: [...STAFF, ...FAMILY],
  classTeacher: [...STAFF, ...FAMILY],
  clerk: STAFF,
  student: ['admin', 'director', 'deputy', 'teacher', 'classTeacher'],
  parent: ['admin', 'director', 'deputy', 'teacher', 'classTeacher'],
}

t.test('R-D-3: the write rule for every pair of roles (same class)', async (t) => {
  for (const from of NAMES) {
    for (const to of NAMES) {
      const expected = from !== to && MAY[from].includes(to)
      t.equal(mayWrite(P[from], P[to]), expected, `${from} → ${to}: ${expected ? 'may' : 'may not'}`)
    }
  }
})

t.test('R-D-3, R-ACC-2: another class, another family, groups', async (t) => {
  const other = {
    teacher6: party(['teacher'], { teachesClasses: [B] }),
    ct6: party(['teacher'], { classTeacherOf: [B] }),
    student6: party(['student'], { familyClasses: [B] }),
    parent6: party(['parent'], { familyClasses: [B] }),
    student2: party(['student'], { familyClasses: [A] }),
    parent2: party(['parent'], { familyClasses: [A] }),
    crossTeacher: party(['teacher'], { teachesGroups: [X] }),
    crossStudent: party(['student'], { familyClasses: [B], familyGroups: [X] }),
    idleTeacher: party(['teacher']),
    teacherParent: party(['teacher', 'parent'], { teachesClasses: [B], familyClasses: [A] }),
    noRoles: party([]),
  }
  const cases: [Party, Party, boolean, string][] = [
    [P.parent, other.teacher6, false, 'a parent → a teacher of another class'],
    [P.parent, other.ct6, false, 'a parent → another class\'s class teacher'],
    [P.parent, other.parent2, false, 'a parent → another family of the same class'],
    [P.parent, other.student2, false, 'a parent → another student of the same class'],
    [P.parent, other.parent6, false, 'a parent → a family of another class'],
    [P.student, other.student2, false, 'a student → a classmate'],
    [P.student, P.parent, false, 'a student → a parent'],
    [other.parent6, other.ct6, true, '6Б parent → 6Б class teacher'],
    [other.parent6, other.teacher6, true, '6Б parent → 6Б teacher'],
    [other.teacher6, P.parent, false, 'a teacher → a family of a class she does not teach'],
    [other.ct6, P.student, false, 'a class teacher → another class\'s student'],
    [P.classTeacher, other.parent6, false, 'a class teacher → another class\'s parent'],
    [P.teacher, other.student6, false, 'a subject teacher → a class she does not teach'],
    [P.teacher, other.parent2, true, 'a subgroup\'s teacher reaches the whole class (workload on its groups)'],
    [other.parent2, P.teacher, true, '…and its families reach her'],
    [other.crossTeacher, other.crossStudent, true, 'a cross-class group\'s teacher → its member'],
    [other.crossStudent, other.crossTeacher, true, 'a member → the cross-class group\'s teacher'],
    [other.crossTeacher, other.student6, false, 'not a classmate outside the group'],
    [other.idleTeacher, P.parent, false, 'a teacher without workload → no family'],
    [other.idleTeacher, P.scheduler, true, 'but any staff'],
    [P.parent, other.idleTeacher, false, 'a family → a teacher who does not teach them'],
    [other.teacherParent, P.classTeacher, true, 'a teacher who is a parent → her child\'s class teacher'],
    [other.teacherParent, other.parent6, true, 'as a teacher → the families she teaches'],
    [other.teacherParent, other.parent2, false, 'as a parent, never another family of her child\'s class'],
    [P.parent, other.noRoles, false, 'nobody without a role'],
    [other.noRoles, P.director, false, 'a person without a role writes to nobody'],
  ]
  for (const [from, to, expected, what] of cases) t.equal(mayWrite(from, to), expected, what)
})

t.test('R-D-3: the child a conversation is about', async (t) => {
  const kids = [{ id: 1, classId: A, groups: [gA] }, { id: 2, classId: B, groups: [] }]
  const parent = party(['parent'], { familyClasses: [A, B], familyGroups: [gA] })
  t.equal(childConcerned(P.classTeacher, parent, kids), 1, 'the child in the class teacher\'s class')
  t.equal(childConcerned(party(['teacher'], { teachesClasses: [B] }), parent, kids), 2, 'the child the teacher teaches')
  t.equal(childConcerned(P.director, parent, kids, B), 2, 'the class the letter was written from')
  t.equal(childConcerned(P.director, parent, kids), null, 'the administration cannot tell between two children')
  t.equal(childConcerned(P.director, parent, [kids[0]]), 1, 'but the only child is the one')
  t.equal(childConcerned(P.director, parent, []), null)
})

t.test('R-D-3: a message body is plain text of 1..5000 characters', async (t) => {
  const cases: [string, 'required' | 'tooLong' | null][] = [['', 'required'], ['a', null], ['я'.repeat(5000), null], ['я'.repeat(5001), 'tooLong']]
  for (const [body, e] of cases) t.equal(bodyError(body), e, `${body.length} characters → ${e}`)
  t.equal(normalizeText('  раз\r\nдва\rтри\n  '), 'раз\nдва\nтри', 'CRLF and CR become LF, the ends are trimmed')
  t.equal(normalizeText('<b>\n\n  x'), '<b>\n\n  x', 'inner blank lines and indentation stay')
})

t.test('R-D-3: the new-message form', async (t) => {
  const ok = parseNewMessage({ to: ['5', '7', '5', ''], subject: '  Тема   письма ', body: 'Текст\r\n', class: '3' })
  t.same(ok, { ok: true, value: { to: [5, 7], allParentsOf: null, classId: 3, about: null, subject: 'Тема письма', body: 'Текст' } })
  const all = parseNewMessage({ all_parents: '3', subject: 'Т', body: 'Б' })
  t.same(all.ok && all.value.allParentsOf, 3, 'all parents of a class is a recipient too')
  const bad = parseNewMessage({ to: 'x', subject: 'я'.repeat(201), body: '' })
  t.same(bad.ok ? null : Object.keys(bad.errors).sort(), ['body', 'subject', 'to'])
  const none = parseNewMessage({ subject: 'Т', body: 'Б' })
  t.match(none.ok ? '' : none.errors.to, 'Выберите хотя бы одного получателя')
  const long = parseNewMessage({ to: '1', subject: 'Т', body: 'я'.repeat(6000) })
  t.match(long.ok ? '' : long.errors.body, 'Слишком длинный текст: 6000 символов, можно не более 5000')
})

t.test('R-D-3: who announces to whom and who withdraws', async (t) => {
  type Who = { personId: number; roles: Role[]; classTeacherOf: number[] }
  const admin: Who = { personId: 1, roles: ['director'], classTeacherOf: [] }
  const ct: Who = { personId: 2, roles: ['teacher'], classTeacherOf: [A] }
  const teacher: Who = { personId: 3, roles: ['teacher'], classTeacherOf: [] }
  const both: Who = { personId: 4, roles: ['deputy', 'teacher'], classTeacherOf: [B] }
  const cases: [Who, Parameters<typeof mayAnnounce>[1], boolean][] = [
    [admin, { scope: 'school' }, true], [admin, { scope: 'grade', grade: 5 }, true], [admin, { scope: 'class', classId: A }, false],
    [ct, { scope: 'class', classId: A }, true], [ct, { scope: 'class', classId: B }, false], [ct, { scope: 'grade', grade: 5 }, false], [ct, { scope: 'school' }, false],
    [teacher, { scope: 'school' }, false], [teacher, { scope: 'class', classId: A }, false],
    [both, { scope: 'school' }, true], [both, { scope: 'class', classId: B }, true], [both, { scope: 'class', classId: A }, false],
  ]
  for (const [who, target, expected] of cases) t.equal(mayAnnounce(who, target), expected, `${who.roles.join('+')}${who.classTeacherOf.length ? ' (class teacher)' : ''} → ${JSON.stringify(target)}`)
  t.same([admin, ct, teacher, both].map(announces), [true, true, false, true], 'who reaches the form')
  for (const role of ['admin', 'director', 'deputy'] as Role[]) t.ok(mayWithdraw({ personId: 9, roles: [role], classTeacherOf: [] }, { author_id: 2 }), `${role} withdraws any`)
  for (const role of ['teacher', 'scheduler', 'clerk', 'parent', 'student'] as Role[]) t.notOk(mayWithdraw({ personId: 9, roles: [role], classTeacherOf: [A] }, { author_id: 2 }), `${role} does not withdraw another's`)
  t.ok(mayWithdraw(ct, { author_id: 2 }), 'the author withdraws their own')
  t.equal(visibleUntilError('2026-11-21', '2026-11-22'), 'past')
  t.equal(visibleUntilError('2026-11-22', '2026-11-22'), null, 'today is fine')
  t.equal(visibleUntilError(null, '2026-11-22'), null, 'no end is fine')
})

t.test('R-D-3: the announcement form', async (t) => {
  t.same(['school', 'grade:5', 'grade:12', 'class:7', 'class:0', 'x'].map(parseTarget),
    [{ scope: 'school' }, { scope: 'grade', grade: 5 }, null, { scope: 'class', classId: 7 }, null, null])
  const ok = parseAnnouncement({ target: 'grade:5', title: 'Экскурсия', body: 'В пятницу\r\nв музей', visible_until: '30.11.2026' }, '2026-11-22')
  t.same(ok, { ok: true, value: { target: { scope: 'grade', grade: 5 }, title: 'Экскурсия', body: 'В пятницу\nв музей', visibleUntil: '2026-11-30' } })
  const bad = parseAnnouncement({ target: 'all', title: '', body: 'я'.repeat(5001), visible_until: '01.11.2026' }, '2026-11-22')
  t.same(bad.ok ? null : bad.errors, {
    target: 'Выберите значение из списка.', title: 'Заполните это поле.',
    body: 'Слишком длинный текст: 5001 символ, можно не более 5000. Сократите его или разделите на два сообщения.', visible_until: 'Дата уже прошла.',
  })
})
