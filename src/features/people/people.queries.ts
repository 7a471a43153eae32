// Queries of the people area: students, parents, staff, movement; every read is scoped by who asks and
// every write runs in one transaction with its audit record (R-ORG-4; R-ACC-5,7,8).
import { sql } from 'kysely'
import type { DB } from '../../db/connection.js'
import type { Channel, Consent, Role, StudyForm } from '../../db/types.js'
import { audit, type Actor } from '../../lib/audit.js'
import { nowIso } from '../../lib/dates.js'
import type { EnrollInput, MoveInput, PersonInput, Relation, StudentFilter, StudyInput } from './people.form.js'
import {
  checkArrival, checkDeparture, checkFirstEnrollment, checkTransfer, className, dayBefore, nameKey, openStay,
  type ClassYear, type Stay, type StudentScope,
} from './people.rules.js'

const collator = new Intl.Collator('ru')
const byName = (a: { last_name: string; first_name: string }, b: { last_name: string; first_name: string }) =>
  collator.compare(a.last_name, b.last_name) || collator.compare(a.first_name, b.first_name)

// ---- Years and classes (read directly: the school area owns their editing) ----------------------------

export interface YearRow { id: number; name: string; starts_on: string; ends_on: string }

/** The open year that contains today, else the latest open one. */
export async function currentYear(db: DB, today: string): Promise<YearRow | undefined> {
  const years = await db.selectFrom('academic_years').select(['id', 'name', 'starts_on', 'ends_on'])
    .where('status', '=', 'open').orderBy('starts_on', 'desc').execute()
  return years.find((y) => y.starts_on <= today && today <= y.ends_on) ?? years[0]
}

export interface ClassOption extends ClassYear { label: string; grade: number; letter: string; yearName: string; teacherId: number | null }

/** Classes of the years not yet closed that the scope reaches; the year is named when there are several. */
export async function classOptions(db: DB, scope: StudentScope, onlyYearId?: number): Promise<ClassOption[]> {
  if (!scope.all && !scope.classIds.length) return []
  let q = db.selectFrom('classes as c').innerJoin('academic_years as y', 'y.id', 'c.year_id')
    .select(['c.id', 'c.grade', 'c.letter', 'c.year_id', 'c.class_teacher_id', 'y.name', 'y.starts_on', 'y.ends_on'])
    .where('y.status', '<>', 'closed')
  if (!scope.all) q = q.where('c.id', 'in', scope.classIds)
  if (onlyYearId) q = q.where('c.year_id', '=', onlyYearId)
  const rows = await q.orderBy('y.starts_on').orderBy('c.grade').orderBy('c.letter').execute()
  const severalYears = new Set(rows.map((r) => r.year_id)).size > 1
  return rows.map((r) => ({
    id: r.id, yearId: r.year_id, starts: r.starts_on, ends: r.ends_on, grade: r.grade, letter: r.letter,
    yearName: r.name, teacherId: r.class_teacher_id,
    label: severalYears ? `${className(r)} (${r.name})` : className(r),
  }))
}

export async function classYear(db: DB, classId: number): Promise<(ClassYear & { label: string; closed: boolean }) | undefined> {
  const r = await db.selectFrom('classes as c').innerJoin('academic_years as y', 'y.id', 'c.year_id')
    .select(['c.id', 'c.grade', 'c.letter', 'c.year_id', 'y.starts_on', 'y.ends_on', 'y.status'])
    .where('c.id', '=', classId).executeTakeFirst()
  return r && { id: r.id, yearId: r.year_id, starts: r.starts_on, ends: r.ends_on, label: className(r), closed: r.status === 'closed' }
}

// ---- Students ---------------------------------------------------------------------------------------------

export interface StudentListRow {
  id: number; last_name: string; first_name: string; middle_name: string; birth_date: string | null
  classId: number | null; classLabel: string | null; from: string | null; to: string | null; active: boolean
}

/**
 * The students a scope reaches, each with their latest stay (in the filtered class, or within the scope's
 * classes). Departed students — whose latest stay has ended — only with filter.departed.
 */
export async function listStudents(db: DB, scope: StudentScope, filter: StudentFilter, today: string): Promise<StudentListRow[]> {
  if (!scope.all && !scope.classIds.length) return []
  const conds = [sql`e2.student_id = s.person_id`]
  if (!scope.all) conds.push(sql`e2.class_id in (${sql.join(scope.classIds)})`)
  if (filter.classId) conds.push(sql`e2.class_id = ${filter.classId}`)
  const latest = sql<boolean>`e.id = (select e2.id from enrollments e2 where ${sql.join(conds, sql` and `)}
                                       order by e2.from_date desc, e2.id desc limit 1)`
  let q = db.selectFrom('students as s')
    .innerJoin('persons as p', 'p.id', 's.person_id')
    .leftJoin('enrollments as e', (j) => j.on(latest))
    .leftJoin('classes as c', 'c.id', 'e.class_id')
    .select(['p.id', 'p.last_name', 'p.first_name', 'p.middle_name', 'p.birth_date',
      'e.class_id', 'e.from_date', 'e.to_date', 'c.grade', 'c.letter'])
  if (!scope.all || filter.classId) q = q.where('e.id', 'is not', null)
  if (!filter.departed) q = q.where('e.id', 'is not', null).where((eb) => eb.or([eb('e.to_date', 'is', null), eb('e.to_date', '>=', today)]))
  const rows = await q.execute()
  const needle = filter.q ? nameKey(filter.q) : ''
  return rows
    .filter((r) => !needle || nameKey(`${r.last_name} ${r.first_name} ${r.middle_name}`).includes(needle))
    .map((r) => ({
      id: r.id, last_name: r.last_name, first_name: r.first_name, middle_name: r.middle_name, birth_date: r.birth_date,
      classId: r.class_id, classLabel: r.grade !== null && r.letter !== null ? className({ grade: r.grade, letter: r.letter }) : null,
      from: r.from_date, to: r.to_date,
      active: r.from_date !== null && (r.to_date === null || r.to_date >= today),
    }))
    .sort((a, b) => (a.active === b.active ? 0 : a.active ? -1 : 1)
      || collator.compare(a.classLabel ?? '', b.classLabel ?? '') || byName(a, b))
}

/** Does the scope reach this student? A class teacher reaches the students who are or were in their class. */
export async function studentInScope(db: DB, scope: StudentScope, studentId: number): Promise<boolean> {
  if (scope.all) return !!(await db.selectFrom('students').select('person_id').where('person_id', '=', studentId).executeTakeFirst())
  if (!scope.classIds.length) return false
  return !!(await db.selectFrom('enrollments').select('id')
    .where('student_id', '=', studentId).where('class_id', 'in', scope.classIds).executeTakeFirst())
}

export interface StayRow extends Stay { label: string; yearName: string; reasonIn: string; reasonOut: string | null; note: string }

/** The whole movement history, oldest first. */
export async function staysOf(db: DB, studentId: number): Promise<StayRow[]> {
  const rows = await db.selectFrom('enrollments as e')
    .innerJoin('classes as c', 'c.id', 'e.class_id').innerJoin('academic_years as y', 'y.id', 'c.year_id')
    .select(['e.id', 'e.class_id', 'c.year_id', 'e.from_date', 'e.to_date', 'c.grade', 'c.letter', 'y.name',
      'e.reason_in', 'e.reason_out', 'e.note'])
    .where('e.student_id', '=', studentId).orderBy('e.from_date').orderBy('e.id').execute()
  return rows.map((r) => ({
    id: r.id, classId: r.class_id, yearId: r.year_id, from: r.from_date, to: r.to_date, label: className(r),
    yearName: r.name, reasonIn: r.reason_in, reasonOut: r.reason_out, note: r.note,
  }))
}

export interface PersonRow {
  id: number; last_name: string; first_name: string; middle_name: string; birth_date: string | null
  phone: string | null; email: string | null; hide_contacts: number; hasAccount: boolean
}

const hasAccountSql = sql<number>`exists (select 1 from users u where u.person_id = p.id)`

export async function personById(db: DB, id: number): Promise<PersonRow | undefined> {
  const r = await db.selectFrom('persons as p')
    .select(['p.id', 'p.last_name', 'p.first_name', 'p.middle_name', 'p.birth_date', 'p.phone', 'p.email', 'p.hide_contacts',
      hasAccountSql.as('acc')])
    .where('p.id', '=', id).executeTakeFirst()
  if (!r) return undefined
  const { acc, ...rest } = r
  return { ...rest, hasAccount: !!acc }
}

export interface StudentRow extends PersonRow { study_form: StudyForm; pe_exempt_until: string | null; channel: Channel }

export async function studentById(db: DB, id: number): Promise<StudentRow | undefined> {
  const p = await personById(db, id)
  const s = await db.selectFrom('students').select(['study_form', 'pe_exempt_until', 'channel']).where('person_id', '=', id).executeTakeFirst()
  return p && s ? { ...p, ...s } : undefined
}

export interface ParentRow extends PersonRow { relation: string; consent: Consent; consent_on: string | null }

export async function parentsOf(db: DB, studentId: number): Promise<ParentRow[]> {
  const rows = await db.selectFrom('parent_links as l')
    .innerJoin('persons as p', 'p.id', 'l.parent_id')
    .leftJoin('parents as pa', 'pa.person_id', 'p.id')
    .select(['p.id', 'p.last_name', 'p.first_name', 'p.middle_name', 'p.birth_date', 'p.phone', 'p.email', 'p.hide_contacts',
      'l.relation', 'pa.consent', 'pa.consent_on', hasAccountSql.as('acc')])
    .where('l.student_id', '=', studentId).orderBy('p.id').execute()
  return rows.map(({ acc, consent, ...r }) => ({ ...r, consent: consent ?? 'unknown', hasAccount: !!acc }))
}

/** Is this parent linked to this student? (the scope check for parent pages) */
export async function parentOf(db: DB, studentId: number, parentId: number): Promise<ParentRow | undefined> {
  return (await parentsOf(db, studentId)).find((p) => p.id === parentId)
}

/** Same full name and birth date as a student already in the school (R-ORG-5 duplicates). */
export async function findSameStudent(db: DB, p: { last_name: string; first_name: string; middle_name: string; birth_date: string | null }, exceptId?: number): Promise<number | null> {
  if (!p.birth_date) return null
  const rows = await db.selectFrom('persons as p').innerJoin('students as s', 's.person_id', 'p.id')
    .select(['p.id', 'p.last_name', 'p.first_name', 'p.middle_name'])
    .where('p.birth_date', '=', p.birth_date).execute()
  const key = nameKey(p.last_name, p.first_name, p.middle_name)
  return rows.find((r) => r.id !== exceptId && nameKey(r.last_name, r.first_name, r.middle_name) === key)?.id ?? null
}

/** Staff reading a person's data leaves a trace (R-ACC-5). */
export async function logRead(db: DB, actor: Actor, personId: number): Promise<void> {
  await audit(db, actor, { action: 'person.read', entity: 'person', entityId: personId })
}

async function insertPerson(db: DB, p: PersonInput, roles: Role[]): Promise<number> {
  const row = await db.insertInto('persons').values({ ...p, created_at: nowIso() }).returning('id').executeTakeFirstOrThrow()
  for (const role of roles) await db.insertInto('person_roles').values({ person_id: row.id, role }).execute()
  return row.id
}

export async function createStudent(db: DB, actor: Actor, p: PersonInput, e: EnrollInput, target: ClassYear): Promise<{ id: number } | { error: string }> {
  return db.transaction().execute(async (trx) => {
    if (await findSameStudent(trx, p)) return { error: 'duplicate' }
    const err = checkFirstEnrollment([], target, e.date)
    if (err) return { error: err }
    const id = await insertPerson(trx, p, ['student'])
    await trx.insertInto('students').values({ person_id: id }).execute()
    const enr = await trx.insertInto('enrollments')
      .values({ student_id: id, class_id: e.classId, from_date: e.date, reason_in: e.reason }).returning('id').executeTakeFirstOrThrow()
    await audit(trx, actor, { action: 'student.create', entity: 'person', entityId: id, after: { ...p, enrollment: { id: enr.id, ...e } } })
    return { id }
  })
}

const PERSON_COLS = ['last_name', 'first_name', 'middle_name', 'birth_date', 'phone', 'email'] as const

export async function updatePerson(db: DB, actor: Actor, id: number, p: PersonInput, action: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('persons').select(PERSON_COLS).where('id', '=', id).executeTakeFirstOrThrow()
    await trx.updateTable('persons').set(p).where('id', '=', id).execute()
    await audit(trx, actor, { action, entity: 'person', entityId: id, before, after: p })
  })
}

export async function updateStudy(db: DB, actor: Actor, id: number, s: StudyInput): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('students').select(['study_form', 'pe_exempt_until', 'channel']).where('person_id', '=', id).executeTakeFirstOrThrow()
    await trx.updateTable('students').set(s).where('person_id', '=', id).execute()
    await audit(trx, actor, { action: 'student.study', entity: 'person', entityId: id, before, after: s })
  })
}

// ---- Movement: closes and opens rows, never deletes them ---------------------------------------------------

export type MoveKind = 'depart' | 'transfer' | 'arrive'

/** Checks the movement against the history read inside the transaction, then records it; an error key otherwise. */
export async function recordMove(db: DB, actor: Actor, studentId: number, kind: MoveKind, m: MoveInput): Promise<string | null> {
  return db.transaction().execute(async (trx) => {
    const history = await staysOf(trx, studentId)
    const open = openStay(history)
    const target = m.classId ? await classYear(trx, m.classId) : undefined
    if (kind !== 'depart' && (!target || target.closed)) return 'noClass'
    const err = kind === 'depart' ? checkDeparture(history, m.date)
      : kind === 'transfer' ? checkTransfer(history, target!, m.date)
      : checkArrival(history, target!, m.date)
    if (err) return err
    if (kind === 'depart') {
      await trx.updateTable('enrollments').set({ to_date: m.date, reason_out: 'departure', note: m.note }).where('id', '=', open!.id).execute()
      await audit(trx, actor, { action: 'enrollment.depart', entity: 'person', entityId: studentId,
        before: { enrollment: open!.id, to_date: null }, after: { enrollment: open!.id, to_date: m.date, reason_out: 'departure', note: m.note } })
      return null
    }
    if (kind === 'transfer') {
      await trx.updateTable('enrollments').set({ to_date: dayBefore(m.date), reason_out: 'transfer' }).where('id', '=', open!.id).execute()
    }
    const row = await trx.insertInto('enrollments').values({
      student_id: studentId, class_id: target!.id, from_date: m.date, reason_in: kind === 'transfer' ? 'transfer' : 'arrival', note: m.note,
    }).returning('id').executeTakeFirstOrThrow()
    await audit(trx, actor, {
      action: kind === 'transfer' ? 'enrollment.transfer' : 'enrollment.arrive', entity: 'person', entityId: studentId,
      before: open ? { enrollment: open.id, class_id: open.classId, to_date: null } : null,
      after: { ...(open ? { closed: open.id, to_date: dayBefore(m.date) } : {}), enrollment: row.id, class_id: target!.id, from_date: m.date, note: m.note },
    })
    return null
  })
}

// ---- Parents ------------------------------------------------------------------------------------------------

export async function addParent(db: DB, actor: Actor, studentId: number, p: PersonInput, relation: Relation): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const id = await insertPerson(trx, p, ['parent'])
    await trx.insertInto('parents').values({ person_id: id }).execute()
    await trx.insertInto('parent_links').values({ parent_id: id, student_id: studentId, relation }).execute()
    await audit(trx, actor, { action: 'parent.create', entity: 'person', entityId: id, after: { ...p, student_id: studentId, relation } })
    return id
  })
}

export async function linkParent(db: DB, actor: Actor, studentId: number, parentId: number, relation: Relation): Promise<'ok' | 'notParent' | 'already'> {
  return db.transaction().execute(async (trx) => {
    const isParent = await trx.selectFrom('parents').select('person_id').where('person_id', '=', parentId).executeTakeFirst()
    if (!isParent) return 'notParent'
    const exists = await trx.selectFrom('parent_links').select('parent_id')
      .where('parent_id', '=', parentId).where('student_id', '=', studentId).executeTakeFirst()
    if (exists) return 'already'
    await trx.insertInto('parent_links').values({ parent_id: parentId, student_id: studentId, relation }).execute()
    await audit(trx, actor, { action: 'parent.link', entity: 'parent_link', entityId: `${parentId}:${studentId}`, after: { parent_id: parentId, student_id: studentId, relation } })
    return 'ok'
  })
}

export async function unlinkParent(db: DB, actor: Actor, studentId: number, parentId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('parent_links').selectAll()
      .where('parent_id', '=', parentId).where('student_id', '=', studentId).executeTakeFirstOrThrow()
    await trx.deleteFrom('parent_links').where('parent_id', '=', parentId).where('student_id', '=', studentId).execute()
    await audit(trx, actor, { action: 'parent.unlink', entity: 'parent_link', entityId: `${parentId}:${studentId}`, before })
  })
}

/** A parent's name and contacts, and how they relate to this student. */
export async function updateParent(db: DB, actor: Actor, studentId: number, parentId: number, p: PersonInput, relation: Relation): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const person = await trx.selectFrom('persons').select(PERSON_COLS).where('id', '=', parentId).executeTakeFirstOrThrow()
    const link = await trx.selectFrom('parent_links').select('relation')
      .where('parent_id', '=', parentId).where('student_id', '=', studentId).executeTakeFirstOrThrow()
    await trx.updateTable('persons').set(p).where('id', '=', parentId).execute()
    await trx.updateTable('parent_links').set({ relation }).where('parent_id', '=', parentId).where('student_id', '=', studentId).execute()
    await audit(trx, actor, { action: 'parent.update', entity: 'person', entityId: parentId,
      before: { ...person, relation: link.relation }, after: { ...p, relation, student_id: studentId } })
  })
}

export async function setConsent(db: DB, actor: Actor, parentId: number, consent: Consent, on: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('parents').select(['consent', 'consent_on']).where('person_id', '=', parentId).executeTakeFirst()
    if (before) await trx.updateTable('parents').set({ consent, consent_on: on }).where('person_id', '=', parentId).execute()
    else await trx.insertInto('parents').values({ person_id: parentId, consent, consent_on: on }).execute()
    await audit(trx, actor, { action: 'parent.consent', entity: 'person', entityId: parentId, before: before ?? null, after: { consent, consent_on: on } })
  })
}

export interface ParentCandidate { id: number; name: string; children: string[] }

/** Parents whose surname starts with the text, with their children (to tell namesakes apart). */
export async function searchParents(db: DB, text: string, exceptStudentId: number): Promise<ParentCandidate[]> {
  const key = nameKey(text)
  if (key.length < 2) return []
  const rows = await db.selectFrom('parents as pa').innerJoin('persons as p', 'p.id', 'pa.person_id')
    .select(['p.id', 'p.last_name', 'p.first_name', 'p.middle_name',
      sql<string | null>`(select group_concat(k.last_name || ' ' || k.first_name, ', ') from parent_links l
                          join persons k on k.id = l.student_id where l.parent_id = p.id)`.as('children'),
      sql<number>`exists (select 1 from parent_links l where l.parent_id = p.id and l.student_id = ${exceptStudentId})`.as('linked')])
    .execute()
  return rows
    .filter((r) => !r.linked && nameKey(`${r.last_name} ${r.first_name} ${r.middle_name}`).startsWith(key))
    .sort(byName).slice(0, 20)
    .map((r) => ({ id: r.id, name: [r.last_name, r.first_name, r.middle_name].filter(Boolean).join(' '), children: r.children ? r.children.split(', ') : [] }))
}

// ---- Staff --------------------------------------------------------------------------------------------------

export interface StaffRow extends PersonRow { roles: Role[]; classes: string[] }

const staffRolesSql = sql<string | null>`(select group_concat(r.role) from person_roles r where r.person_id = p.id)`
const ledClassesSql = sql<string | null>`(select group_concat(c.grade || c.letter, ', ') from classes c
  join academic_years y on y.id = c.year_id where c.class_teacher_id = p.id and y.status <> 'closed')`

/** Staff are the persons holding a staff role, plus those holding no role yet (created, awaiting roles). */
export async function listStaff(db: DB): Promise<StaffRow[]> {
  const rows = await db.selectFrom('persons as p')
    .select(['p.id', 'p.last_name', 'p.first_name', 'p.middle_name', 'p.birth_date', 'p.phone', 'p.email', 'p.hide_contacts',
      hasAccountSql.as('acc'), staffRolesSql.as('roles'), ledClassesSql.as('classes')])
    .where((eb) => eb.or([
      eb.exists(eb.selectFrom('person_roles as r').select('r.person_id').whereRef('r.person_id', '=', 'p.id')
        .where('r.role', 'not in', ['student', 'parent'])),
      eb.not(eb.exists(eb.selectFrom('person_roles as r').select('r.person_id').whereRef('r.person_id', '=', 'p.id'))),
    ]))
    .execute()
  return rows.map(toStaff).sort(byName)
}

function toStaff(r: Omit<PersonRow, 'hasAccount'> & { acc: number; roles: string | null; classes: string | null }): StaffRow {
  const { acc, roles, classes, ...rest } = r
  return { ...rest, hasAccount: !!acc, roles: (roles ? roles.split(',') : []) as Role[], classes: classes ? classes.split(', ') : [] }
}

export async function staffById(db: DB, id: number): Promise<StaffRow | undefined> {
  const rows = await db.selectFrom('persons as p')
    .select(['p.id', 'p.last_name', 'p.first_name', 'p.middle_name', 'p.birth_date', 'p.phone', 'p.email', 'p.hide_contacts',
      hasAccountSql.as('acc'), staffRolesSql.as('roles'), ledClassesSql.as('classes')])
    .where('p.id', '=', id).execute()
  const s = rows.map(toStaff)[0]
  // A student or a parent is not staff: this page does not reach them.
  if (!s || (s.roles.length && s.roles.every((r) => r === 'student' || r === 'parent'))) return undefined
  return s
}

export async function createStaff(db: DB, actor: Actor, p: PersonInput, roles: Role[]): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const id = await insertPerson(trx, p, roles)
    await audit(trx, actor, { action: 'staff.create', entity: 'person', entityId: id, after: { ...p, roles } })
    return id
  })
}

/** Replaces the staff roles of a person; family roles (student, parent) are left as they are. */
export async function setStaffRoles(db: DB, actor: Actor, id: number, staffRoles: Role[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = (await trx.selectFrom('person_roles').select('role').where('person_id', '=', id).execute()).map((r) => r.role)
    await trx.deleteFrom('person_roles').where('person_id', '=', id).where('role', 'not in', ['student', 'parent']).execute()
    for (const role of staffRoles) await trx.insertInto('person_roles').values({ person_id: id, role }).execute()
    const after = [...before.filter((r) => r === 'student' || r === 'parent'), ...staffRoles]
    await audit(trx, actor, { action: 'person.roles', entity: 'person', entityId: id, before: { roles: before }, after: { roles: after } })
  })
}

// ---- My class -----------------------------------------------------------------------------------------------

export interface RosterRow extends StudentRow { parents: ParentRow[]; from: string; to: string | null }

/** The students of a class on a day, with their parents (the class teacher's page, R-ROLE-6). */
export async function classRoster(db: DB, classId: number, today: string): Promise<RosterRow[]> {
  const stays = await db.selectFrom('enrollments').select(['student_id', 'from_date', 'to_date'])
    .where('class_id', '=', classId).where((eb) => eb.or([eb('to_date', 'is', null), eb('to_date', '>=', today)]))
    .orderBy('from_date').execute()
  const out: RosterRow[] = []
  const seen = new Set<number>()
  for (const s of stays) {
    if (seen.has(s.student_id)) continue
    seen.add(s.student_id)
    const st = await studentById(db, s.student_id)
    if (st) out.push({ ...st, parents: await parentsOf(db, s.student_id), from: s.from_date, to: s.to_date })
  }
  return out.sort(byName)
}
