// Queries of the school area: years, bands, periods, holidays, subjects, classes, curriculum, workload, groups.
// Every write runs in one transaction with its audit record, and refuses a closed year (R-ORG-1..3, R-ARC-5).
import { sql, type Selectable, type Transaction } from 'kysely'
import type { DB } from '../../db/connection.js'
import type { AcademicYearsTable, Database, PeriodScheme } from '../../db/types.js'
import { audit, type Actor } from '../../lib/audit.js'
import { localDate } from '../../lib/dates.js'
import { t } from '../../i18n/index.js'
import { fullName, shortName } from '../auth/auth.queries.js'
import {
  classLabel, isYearWritable, DEFAULT_BANDS, type Band, type GroupKind, type HolidayValue, type PeriodRow, type YearStatus,
} from './school.rules.js'

export { classLabel }

type Q = DB | Transaction<Database>
export type Year = Selectable<AcademicYearsTable>

/** A write aimed at a closed (archived) year. */
export class YearClosedError extends Error {
  constructor(readonly yearName: string) { super(`year ${yearName} is closed`) }
}
/** An id that names nothing (or nothing this user may reach). */
export class NotFoundError extends Error {}
/** A unique rule of the table would be broken (the same class letter, subject name …). */
export class DuplicateError extends Error {}

function today(): string {
  return localDate(new Date())
}

// ---------------------------------------------------------------------------------------------------------
// For other areas

/** The open year containing today, else the most recent year not closed, else null. */
export async function currentYear(db: Q, day: string = today()): Promise<Year | null> {
  const open = await db.selectFrom('academic_years').selectAll()
    .where('status', '=', 'open').where('starts_on', '<=', day).where('ends_on', '>=', day)
    .orderBy('starts_on', 'desc').executeTakeFirst()
  if (open) return open
  return (await db.selectFrom('academic_years').selectAll().where('status', '<>', 'closed')
    .orderBy('starts_on', 'desc').executeTakeFirst()) ?? null
}

/** The periods (numbered, in order) of the scheme that the band containing this grade follows in the year. */
export async function periodsForGrade(db: Q, yearId: number, grade: number) {
  return db.selectFrom('periods as p')
    .innerJoin('grade_bands as b', (j) => j.onRef('b.year_id', '=', 'p.year_id').onRef('b.scheme', '=', 'p.scheme'))
    .select(['p.id', 'p.year_id', 'p.scheme', 'p.number', 'p.starts_on', 'p.ends_on'])
    .where('p.year_id', '=', yearId).where('b.grade_from', '<=', grade).where('b.grade_to', '>=', grade)
    .orderBy('p.number').execute()
}

export interface ClassRow {
  id: number; year_id: number; grade: number; letter: string; label: string
  class_teacher_id: number | null; teacherName: string | null
}

/** The classes of a year, ordered 1А … 11Б, with their labels and class teachers' short names. */
export async function classesOfYear(db: Q, yearId: number): Promise<ClassRow[]> {
  const rows = await db.selectFrom('classes as c')
    .leftJoin('persons as p', 'p.id', 'c.class_teacher_id')
    .select(['c.id', 'c.year_id', 'c.grade', 'c.letter', 'c.class_teacher_id', 'p.last_name', 'p.first_name', 'p.middle_name'])
    .where('c.year_id', '=', yearId).orderBy('c.grade').orderBy('c.letter').execute()
  return rows.map((r) => ({
    id: r.id, year_id: r.year_id, grade: r.grade, letter: r.letter, label: classLabel(r.grade, r.letter),
    class_teacher_id: r.class_teacher_id,
    teacherName: r.last_name === null ? null : shortName({ last_name: r.last_name, first_name: r.first_name ?? '', middle_name: r.middle_name ?? '' }),
  }))
}

/** The year's writability check used by every write (and by the forms that lead to one). */
export async function assertYearWritable(db: Q, yearId: number): Promise<Year> {
  const year = await db.selectFrom('academic_years').selectAll().where('id', '=', yearId).executeTakeFirst()
  if (!year) throw new NotFoundError()
  if (!isYearWritable(year.status)) throw new YearClosedError(year.name)
  return year
}

// ---------------------------------------------------------------------------------------------------------
// School settings

export const SETTING_KEYS = ['school_name', 'school_short_name', 'school_address'] as const
export type Settings = Record<(typeof SETTING_KEYS)[number], string>

export async function getSettings(db: Q): Promise<Settings> {
  const rows = await db.selectFrom('school_settings').select(['key', 'value']).where('key', 'in', [...SETTING_KEYS]).execute()
  const out: Settings = { school_name: '', school_short_name: '', school_address: '' }
  for (const r of rows) out[r.key as keyof Settings] = r.value
  return out
}

export async function saveSettings(db: DB, actor: Actor, values: Settings): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await getSettings(trx)
    for (const key of SETTING_KEYS) {
      await trx.insertInto('school_settings').values({ key, value: values[key] })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: values[key] })).execute()
    }
    await audit(trx, actor, { action: 'school.settings', entity: 'school_settings', before, after: values })
  })
}

// ---------------------------------------------------------------------------------------------------------
// Years

export async function listYears(db: Q) {
  return db.selectFrom('academic_years as y').selectAll('y')
    .select(sql<number>`(select count(*) from classes c where c.year_id = y.id)`.as('classes'))
    .orderBy('y.starts_on', 'desc').execute()
}

export async function getYear(db: Q, id: number): Promise<Year> {
  const y = await db.selectFrom('academic_years').selectAll().where('id', '=', id).executeTakeFirst()
  if (!y) throw new NotFoundError()
  return y
}

export async function yearNameTaken(db: Q, name: string, exceptId: number | null): Promise<boolean> {
  let q = db.selectFrom('academic_years').select('id').where('name', '=', name)
  if (exceptId) q = q.where('id', '<>', exceptId)
  return (await q.executeTakeFirst()) !== undefined
}

export interface YearValue { name: string; starts_on: string; ends_on: string; adaptation_ends_on: string; status: 'draft' | 'open' }

/** A new year starts with the usual grade bands, so that it is usable at once. */
export async function createYear(db: DB, actor: Actor, v: YearValue): Promise<number> {
  return db.transaction().execute(async (trx) => {
    if (await yearNameTaken(trx, v.name, null)) throw new DuplicateError()
    const { id } = await trx.insertInto('academic_years').values(v).returning('id').executeTakeFirstOrThrow()
    for (const b of DEFAULT_BANDS) await trx.insertInto('grade_bands').values({ year_id: id, ...b }).execute()
    await audit(trx, actor, { action: 'school.year.create', entity: 'academic_year', entityId: id, after: { ...v, bands: DEFAULT_BANDS } })
    return id
  })
}

/** Dates of periods or holidays that the new dates of the year would leave outside. */
export async function datesOutside(db: Q, yearId: number, startsOn: string, endsOn: string): Promise<number> {
  const r = await db.selectFrom(
    db.selectFrom('periods').select(['starts_on', 'ends_on']).where('year_id', '=', yearId)
      .unionAll(db.selectFrom('holidays').select(['starts_on', 'ends_on']).where('year_id', '=', yearId)).as('d'),
  ).select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) => eb.or([eb('d.starts_on', '<', startsOn), eb('d.ends_on', '>', endsOn)]))
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

export async function updateYear(db: DB, actor: Actor, id: number, v: YearValue): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await assertYearWritable(trx, id)
    if (await yearNameTaken(trx, v.name, id)) throw new DuplicateError()
    await trx.updateTable('academic_years').set(v).where('id', '=', id).execute()
    await audit(trx, actor, { action: 'school.year.update', entity: 'academic_year', entityId: id, before, after: v })
  })
}

// ---------------------------------------------------------------------------------------------------------
// Bands, periods, holidays

export async function bandsOfYear(db: Q, yearId: number) {
  return db.selectFrom('grade_bands').select(['id', 'grade_from', 'grade_to', 'scheme'])
    .where('year_id', '=', yearId).orderBy('grade_from').execute()
}

/** The bands are one setting of the year: replaced as a whole (nothing refers to a band row). */
export async function saveBands(db: DB, actor: Actor, yearId: number, bands: Band[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await assertYearWritable(trx, yearId)
    const before = (await bandsOfYear(trx, yearId)).map(({ grade_from, grade_to, scheme }) => ({ grade_from, grade_to, scheme }))
    await trx.deleteFrom('grade_bands').where('year_id', '=', yearId).execute()
    for (const b of bands) await trx.insertInto('grade_bands').values({ year_id: yearId, ...b }).execute()
    await audit(trx, actor, { action: 'school.bands.save', entity: 'academic_year', entityId: yearId, before, after: bands })
  })
}

export async function periodsOfYear(db: Q, yearId: number) {
  return db.selectFrom('periods').select(['id', 'scheme', 'number', 'starts_on', 'ends_on'])
    .where('year_id', '=', yearId).orderBy('scheme').orderBy('number').execute()
}

/** Updated in place by number, so that anything referring to a period keeps pointing at it. */
export async function savePeriods(db: DB, actor: Actor, yearId: number, scheme: PeriodScheme, rows: PeriodRow[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await assertYearWritable(trx, yearId)
    const before = await trx.selectFrom('periods').select(['number', 'starts_on', 'ends_on'])
      .where('year_id', '=', yearId).where('scheme', '=', scheme).orderBy('number').execute()
    for (const p of rows) {
      await trx.insertInto('periods').values({ year_id: yearId, scheme, ...p })
        .onConflict((oc) => oc.columns(['year_id', 'scheme', 'number']).doUpdateSet({ starts_on: p.starts_on, ends_on: p.ends_on }))
        .execute()
    }
    await audit(trx, actor, { action: 'school.periods.save', entity: 'academic_year', entityId: yearId, before: { scheme, periods: before }, after: { scheme, periods: rows } })
  })
}

export async function holidaysOfYear(db: Q, yearId: number) {
  return db.selectFrom('holidays').select(['id', 'year_id', 'name', 'starts_on', 'ends_on', 'grade_from', 'grade_to'])
    .where('year_id', '=', yearId).orderBy('starts_on').orderBy('grade_from').execute()
}

export async function getHoliday(db: Q, id: number) {
  const h = await db.selectFrom('holidays').selectAll().where('id', '=', id).executeTakeFirst()
  if (!h) throw new NotFoundError()
  return h
}

export async function createHoliday(db: DB, actor: Actor, yearId: number, v: HolidayValue): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await assertYearWritable(trx, yearId)
    const { id } = await trx.insertInto('holidays').values({ year_id: yearId, ...v }).returning('id').executeTakeFirstOrThrow()
    await audit(trx, actor, { action: 'school.holiday.create', entity: 'holiday', entityId: id, after: { year_id: yearId, ...v } })
    return id
  })
}

export async function updateHoliday(db: DB, actor: Actor, id: number, v: HolidayValue): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await getHoliday(trx, id)
    await assertYearWritable(trx, before.year_id)
    await trx.updateTable('holidays').set(v).where('id', '=', id).execute()
    await audit(trx, actor, { action: 'school.holiday.update', entity: 'holiday', entityId: id, before, after: v })
  })
}

export async function deleteHoliday(db: DB, actor: Actor, id: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await getHoliday(trx, id)
    await assertYearWritable(trx, before.year_id)
    await trx.deleteFrom('holidays').where('id', '=', id).execute()
    await audit(trx, actor, { action: 'school.holiday.delete', entity: 'holiday', entityId: id, before })
  })
}

// ---------------------------------------------------------------------------------------------------------
// Subjects

export async function listSubjects(db: Q) {
  return db.selectFrom('subjects as s').select(['s.id', 's.name', 's.short_name', 's.is_pe', 's.sort_order'])
    .select(sql<number>`(select count(*) from curriculum c where c.subject_id = s.id)`.as('classes'))
    .orderBy('s.sort_order').orderBy('s.name').execute()
}

export async function getSubject(db: Q, id: number) {
  const s = await db.selectFrom('subjects').selectAll().where('id', '=', id).executeTakeFirst()
  if (!s) throw new NotFoundError()
  return s
}

/** Curriculum rows, workload rows and groups that refer to the subject: while any exist it may not be deleted. */
export async function subjectUses(db: Q, id: number): Promise<number> {
  const r = await db.selectNoFrom([
    sql<number>`(select count(*) from curriculum where subject_id = ${id})
      + (select count(*) from workload where subject_id = ${id})
      + (select count(*) from groups where subject_id = ${id})`.as('n'),
  ]).executeTakeFirstOrThrow()
  return Number(r.n)
}

export interface SubjectValue { name: string; short_name: string; is_pe: number; sort_order: number }

// Compared in JavaScript: SQLite's lower() folds only ASCII, and «математика» must clash with «Математика».
async function subjectNameTaken(db: Q, name: string, exceptId: number | null): Promise<boolean> {
  const key = name.toLocaleLowerCase('ru')
  const rows = await db.selectFrom('subjects').select(['id', 'name']).execute()
  return rows.some((r) => r.id !== exceptId && r.name.toLocaleLowerCase('ru') === key)
}

export async function createSubject(db: DB, actor: Actor, v: SubjectValue): Promise<number> {
  return db.transaction().execute(async (trx) => {
    if (await subjectNameTaken(trx, v.name, null)) throw new DuplicateError()
    const { id } = await trx.insertInto('subjects').values(v).returning('id').executeTakeFirstOrThrow()
    await audit(trx, actor, { action: 'school.subject.create', entity: 'subject', entityId: id, after: v })
    return id
  })
}

export async function updateSubject(db: DB, actor: Actor, id: number, v: SubjectValue): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await getSubject(trx, id)
    if (await subjectNameTaken(trx, v.name, id)) throw new DuplicateError()
    await trx.updateTable('subjects').set(v).where('id', '=', id).execute()
    await audit(trx, actor, { action: 'school.subject.update', entity: 'subject', entityId: id, before, after: v })
  })
}

/** Deletes an unused subject; returns false (and changes nothing) when something refers to it. */
export async function deleteSubject(db: DB, actor: Actor, id: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const before = await getSubject(trx, id)
    if ((await subjectUses(trx, id)) > 0) return false
    await trx.deleteFrom('subjects').where('id', '=', id).execute()
    await audit(trx, actor, { action: 'school.subject.delete', entity: 'subject', entityId: id, before })
    return true
  })
}

// ---------------------------------------------------------------------------------------------------------
// Classes

/** The classes of a year with the number of students enrolled now (an open enrollment row). */
export async function classesWithCounts(db: Q, yearId: number) {
  const counts = await db.selectFrom('enrollments as e').innerJoin('classes as c', 'c.id', 'e.class_id')
    .select(['e.class_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('c.year_id', '=', yearId).where('e.to_date', 'is', null).groupBy('e.class_id').execute()
  const byClass = new Map(counts.map((c) => [c.class_id, Number(c.n)]))
  return (await classesOfYear(db, yearId)).map((c) => ({ ...c, students: byClass.get(c.id) ?? 0 }))
}

export async function getClass(db: Q, id: number) {
  const c = await db.selectFrom('classes as c').innerJoin('academic_years as y', 'y.id', 'c.year_id')
    .leftJoin('persons as p', 'p.id', 'c.class_teacher_id')
    .select(['c.id', 'c.year_id', 'c.grade', 'c.letter', 'c.class_teacher_id', 'y.name as yearName', 'y.status as yearStatus',
      'p.last_name', 'p.first_name', 'p.middle_name'])
    .where('c.id', '=', id).executeTakeFirst()
  if (!c) throw new NotFoundError()
  const teacherName = c.last_name === null ? null : fullName({ last_name: c.last_name, first_name: c.first_name ?? '', middle_name: c.middle_name ?? '' })
  return { id: c.id, year_id: c.year_id, grade: c.grade, letter: c.letter, class_teacher_id: c.class_teacher_id,
    yearName: c.yearName, yearStatus: c.yearStatus as YearStatus, label: classLabel(c.grade, c.letter), teacherName }
}

/** Persons holding the teacher role, for the class teacher and workload choices. */
export async function teachers(db: Q) {
  const rows = await db.selectFrom('persons as p').innerJoin('person_roles as r', 'r.person_id', 'p.id')
    .select(['p.id', 'p.last_name', 'p.first_name', 'p.middle_name'])
    .where('r.role', '=', 'teacher').orderBy('p.last_name').orderBy('p.first_name').execute()
  return rows.map((r) => ({ id: r.id, name: fullName(r) }))
}

export async function isTeacher(db: Q, personId: number): Promise<boolean> {
  return (await db.selectFrom('person_roles').select('person_id')
    .where('person_id', '=', personId).where('role', '=', 'teacher').executeTakeFirst()) !== undefined
}

export interface ClassValue { grade: number; letter: string; class_teacher_id: number | null }

async function classTaken(db: Q, yearId: number, v: ClassValue, exceptId: number | null): Promise<boolean> {
  let q = db.selectFrom('classes').select('id').where('year_id', '=', yearId).where('grade', '=', v.grade).where('letter', '=', v.letter)
  if (exceptId) q = q.where('id', '<>', exceptId)
  return (await q.executeTakeFirst()) !== undefined
}

export async function createClass(db: DB, actor: Actor, yearId: number, v: ClassValue): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await assertYearWritable(trx, yearId)
    if (await classTaken(trx, yearId, v, null)) throw new DuplicateError()
    const { id } = await trx.insertInto('classes').values({ year_id: yearId, ...v }).returning('id').executeTakeFirstOrThrow()
    await audit(trx, actor, { action: 'school.class.create', entity: 'class', entityId: id, after: { year_id: yearId, ...v } })
    return id
  })
}

export async function updateClass(db: DB, actor: Actor, id: number, v: ClassValue): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('classes').selectAll().where('id', '=', id).executeTakeFirst()
    if (!before) throw new NotFoundError()
    await assertYearWritable(trx, before.year_id)
    if (await classTaken(trx, before.year_id, v, id)) throw new DuplicateError()
    await trx.updateTable('classes').set(v).where('id', '=', id).execute()
    await audit(trx, actor, { action: 'school.class.update', entity: 'class', entityId: id, before, after: v })
  })
}

// ---------------------------------------------------------------------------------------------------------
// Curriculum

/** Every subject with this class's hours per week (null: not taught) and who teaches it to the whole class. */
export async function curriculumOfClass(db: Q, classId: number) {
  const subjects = await db.selectFrom('subjects').select(['id', 'name']).orderBy('sort_order').orderBy('name').execute()
  const hours = await db.selectFrom('curriculum').select(['subject_id', 'hours_per_week']).where('class_id', '=', classId).execute()
  const byS = new Map(hours.map((h) => [h.subject_id, h.hours_per_week]))
  const teach = await workloadRows(db, { classId })
  return subjects.map((s) => ({
    subjectId: s.id, subject: s.name, hours: byS.get(s.id) ?? null,
    teachers: teach.filter((w) => w.subject_id === s.id).map((w) => (w.groupName ? `${w.teacherName} (${w.groupName})` : w.teacherName)),
  }))
}

/** Saves the whole curriculum of a class: a blank subject is not taught (its row goes, recorded in the audit). */
export async function saveCurriculum(db: DB, actor: Actor, classId: number, hours: Map<number, number | null>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const cls = await trx.selectFrom('classes').select('year_id').where('id', '=', classId).executeTakeFirst()
    if (!cls) throw new NotFoundError()
    await assertYearWritable(trx, cls.year_id)
    const rows = await trx.selectFrom('curriculum').select(['subject_id', 'hours_per_week']).where('class_id', '=', classId).execute()
    const before = Object.fromEntries(rows.map((r) => [r.subject_id, r.hours_per_week]))
    const after: Record<number, number> = {}
    for (const [subjectId, h] of hours) {
      if (h === null) {
        await trx.deleteFrom('curriculum').where('class_id', '=', classId).where('subject_id', '=', subjectId).execute()
      } else {
        after[subjectId] = h
        await trx.insertInto('curriculum').values({ class_id: classId, subject_id: subjectId, hours_per_week: h })
          .onConflict((oc) => oc.columns(['class_id', 'subject_id']).doUpdateSet({ hours_per_week: h })).execute()
      }
    }
    await audit(trx, actor, { action: 'school.curriculum.save', entity: 'class', entityId: classId, before, after })
  })
}

// ---------------------------------------------------------------------------------------------------------
// Workload

export interface WorkloadFilter { id?: number; yearId?: number; teacherId?: number | null; classId?: number | null }

/**
 * Workload rows with names; a class filter also finds the rows of that class's groups. Hours come from the
 * curriculum of the class (for a subgroup: of its class); a cross-class group has no class curriculum.
 */
export async function workloadRows(db: Q, f: WorkloadFilter) {
  let q = db.selectFrom('workload as w')
    .innerJoin('persons as p', 'p.id', 'w.teacher_id')
    .innerJoin('subjects as s', 's.id', 'w.subject_id')
    .leftJoin('groups as g', 'g.id', 'w.group_id')
    .leftJoin('classes as c', (j) => j.on((eb) => eb('c.id', '=', eb.fn.coalesce('w.class_id', 'g.class_id'))))
    .leftJoin('curriculum as cu', (j) => j.onRef('cu.class_id', '=', 'c.id').onRef('cu.subject_id', '=', 'w.subject_id'))
    .select(['w.id', 'w.teacher_id', 'w.subject_id', 'w.class_id', 'w.group_id', 'p.last_name', 'p.first_name', 'p.middle_name',
      's.name as subject', 'g.name as groupName', 'g.kind as groupKind', 'g.grade as groupGrade', 'c.id as cid', 'c.grade', 'c.letter',
      sql<number>`coalesce(c.year_id, g.year_id)`.as('year_id'),
      sql<number | null>`case when g.kind = 'cross' then null else cu.hours_per_week end`.as('hours')])
  if (f.id) q = q.where('w.id', '=', f.id)
  if (f.yearId) q = q.where(sql<number>`coalesce(c.year_id, g.year_id)`, '=', f.yearId)
  if (f.teacherId) q = q.where('w.teacher_id', '=', f.teacherId)
  if (f.classId) q = q.where('c.id', '=', f.classId)
  const rows = await q.orderBy('p.last_name').orderBy('p.first_name').orderBy('c.grade').orderBy('c.letter').orderBy('s.sort_order').orderBy('s.name').execute()
  return rows.map((r) => ({
    id: r.id, teacher_id: r.teacher_id, subject_id: r.subject_id, class_id: r.class_id, group_id: r.group_id,
    year_id: r.year_id, teacherName: fullName({ last_name: r.last_name, first_name: r.first_name, middle_name: r.middle_name }),
    subject: r.subject, groupName: r.groupName,
    target: r.groupName !== null ? r.groupName : classLabel(r.grade ?? 0, r.letter ?? ''),
    classLabel: r.grade !== null && r.letter !== null ? classLabel(r.grade, r.letter) : r.groupGrade !== null ? t('school.groups.gradeLabel', { grade: r.groupGrade }) : '',
    hours: r.hours,
  }))
}

export async function getWorkload(db: Q, id: number) {
  const w = await db.selectFrom('workload').selectAll().where('id', '=', id).executeTakeFirst()
  if (!w) throw new NotFoundError()
  const [row] = await workloadRows(db, { id })
  return { ...w, view: row }
}

export interface WorkloadValue { teacher_id: number; subject_id: number; class_id: number | null; group_id: number | null }

/** The year a class or group belongs to (null when the id names nothing). */
async function yearOfTarget(db: Q, v: { class_id: number | null; group_id: number | null }): Promise<number | null> {
  if (v.class_id) return (await db.selectFrom('classes').select('year_id').where('id', '=', v.class_id).executeTakeFirst())?.year_id ?? null
  if (v.group_id) return (await db.selectFrom('groups').select('year_id').where('id', '=', v.group_id).executeTakeFirst())?.year_id ?? null
  return null
}

export async function addWorkload(db: DB, actor: Actor, v: WorkloadValue): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const yearId = await yearOfTarget(trx, v)
    if (!yearId) throw new NotFoundError()
    await assertYearWritable(trx, yearId)
    const dup = await trx.selectFrom('workload').select('id').where('teacher_id', '=', v.teacher_id).where('subject_id', '=', v.subject_id)
      .where((eb) => v.class_id ? eb('class_id', '=', v.class_id) : eb('group_id', '=', v.group_id)).executeTakeFirst()
    if (dup) throw new DuplicateError()
    const { id } = await trx.insertInto('workload').values(v).returning('id').executeTakeFirstOrThrow()
    await audit(trx, actor, { action: 'school.workload.add', entity: 'workload', entityId: id, after: v })
    return id
  })
}

export async function removeWorkload(db: DB, actor: Actor, id: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('workload').selectAll().where('id', '=', id).executeTakeFirst()
    if (!before) throw new NotFoundError()
    const yearId = (await yearOfTarget(trx, before))!
    await assertYearWritable(trx, yearId)
    await trx.deleteFrom('workload').where('id', '=', id).execute()
    await audit(trx, actor, { action: 'school.workload.remove', entity: 'workload', entityId: id, before })
    return yearId
  })
}

// ---------------------------------------------------------------------------------------------------------
// Groups and membership

/** Groups of a year with their current member counts; scope limits them to some classes (a class teacher's). */
export async function groupsOfYear(db: Q, yearId: number, scope: number[] | null) {
  let q = db.selectFrom('groups as g').innerJoin('subjects as s', 's.id', 'g.subject_id')
    .leftJoin('classes as c', 'c.id', 'g.class_id')
    .select(['g.id', 'g.name', 'g.kind', 'g.class_id', 'g.grade', 's.name as subject', 'c.letter',
      sql<number>`(select count(*) from group_members m where m.group_id = g.id and m.to_date is null)`.as('members')])
    .where('g.year_id', '=', yearId)
  if (scope) q = scope.length ? q.where('g.class_id', 'in', scope) : q.where(sql<boolean>`0`)
  const rows = await q.orderBy('g.grade').orderBy('c.letter').orderBy('s.sort_order').orderBy('g.name').execute()
  return rows.map((r) => ({ ...r, members: Number(r.members), classLabel: r.letter !== null ? classLabel(r.grade, r.letter) : null }))
}

export async function getGroup(db: Q, id: number) {
  const g = await db.selectFrom('groups as g').innerJoin('academic_years as y', 'y.id', 'g.year_id')
    .innerJoin('subjects as s', 's.id', 'g.subject_id').leftJoin('classes as c', 'c.id', 'g.class_id')
    .select(['g.id', 'g.year_id', 'g.name', 'g.kind', 'g.class_id', 'g.subject_id', 'g.grade', 'y.name as yearName',
      'y.status as yearStatus', 's.name as subject', 'c.letter'])
    .where('g.id', '=', id).executeTakeFirst()
  if (!g) throw new NotFoundError()
  return { ...g, classLabel: g.letter !== null ? classLabel(g.grade, g.letter) : null }
}

export interface GroupValue { kind: GroupKind; class_id: number | null; subject_id: number; grade: number; name: string }

/** Number of groups of this kind a class already has for a subject (for the default name «…, 2 гр.»). */
export async function countSubgroups(db: Q, classId: number, subjectId: number): Promise<number> {
  const r = await db.selectFrom('groups').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('class_id', '=', classId).where('subject_id', '=', subjectId).where('kind', '=', 'subgroup').executeTakeFirstOrThrow()
  return Number(r.n)
}

export async function createGroup(db: DB, actor: Actor, yearId: number, v: GroupValue): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await assertYearWritable(trx, yearId)
    const { id } = await trx.insertInto('groups').values({ year_id: yearId, ...v }).returning('id').executeTakeFirstOrThrow()
    await audit(trx, actor, { action: 'school.group.create', entity: 'group', entityId: id, after: { year_id: yearId, ...v } })
    return id
  })
}

export async function renameGroup(db: DB, actor: Actor, id: number, name: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst()
    if (!before) throw new NotFoundError()
    await assertYearWritable(trx, before.year_id)
    await trx.updateTable('groups').set({ name }).where('id', '=', id).execute()
    await audit(trx, actor, { action: 'school.group.update', entity: 'group', entityId: id, before, after: { name } })
  })
}

/**
 * Students who may be members: those enrolled now in the group's class (a cross group: in the classes of its
 * grade in that year), plus the current members even if they have left the class, so that they can be removed.
 */
export async function memberCandidates(db: Q, group: { id: number; year_id: number; kind: GroupKind; class_id: number | null; grade: number }) {
  let enrolled = db.selectFrom('enrollments as e').innerJoin('classes as c', 'c.id', 'e.class_id')
    .select(['e.student_id', 'c.grade', 'c.letter']).where('e.to_date', 'is', null)
  enrolled = group.kind === 'cross' || group.class_id === null
    ? enrolled.where('c.year_id', '=', group.year_id).where('c.grade', '=', group.grade)
    : enrolled.where('c.id', '=', group.class_id)
  const inClass = await enrolled.execute()
  const current = await db.selectFrom('group_members').select(['student_id', 'from_date'])
    .where('group_id', '=', group.id).where('to_date', 'is', null).execute()
  const ids = [...new Set([...inClass.map((r) => r.student_id), ...current.map((r) => r.student_id)])]
  if (!ids.length) return []
  const persons = await db.selectFrom('persons').select(['id', 'last_name', 'first_name', 'middle_name']).where('id', 'in', ids).execute()
  const classOf = new Map(inClass.map((r) => [r.student_id, classLabel(r.grade, r.letter)]))
  const since = new Map(current.map((r) => [r.student_id, r.from_date]))
  return persons.map((p) => ({
    id: p.id, name: fullName(p), classLabel: classOf.get(p.id) ?? null, member: since.has(p.id), since: since.get(p.id) ?? null,
  })).sort((a, b) => a.name.localeCompare(b.name, 'ru'))
}

/** Past memberships, newest first (history is never deleted). */
export async function pastMembers(db: Q, groupId: number) {
  const rows = await db.selectFrom('group_members as m').innerJoin('persons as p', 'p.id', 'm.student_id')
    .select(['m.student_id', 'm.from_date', 'm.to_date', 'p.last_name', 'p.first_name', 'p.middle_name'])
    .where('m.group_id', '=', groupId).where('m.to_date', 'is not', null).orderBy('m.to_date', 'desc').execute()
  return rows.map((r) => ({ name: fullName(r), from_date: r.from_date, to_date: r.to_date }))
}

/**
 * Applies a membership change: joiners get a row from today, leavers have their open row ended today.
 * Someone removed and re-added on the same day gets today's row reopened (the key includes from_date).
 */
export async function saveMembers(db: DB, actor: Actor, groupId: number, add: number[], remove: number[], day: string = today()): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const g = await trx.selectFrom('groups').select('year_id').where('id', '=', groupId).executeTakeFirst()
    if (!g) throw new NotFoundError()
    await assertYearWritable(trx, g.year_id)
    const before = (await trx.selectFrom('group_members').select('student_id').where('group_id', '=', groupId)
      .where('to_date', 'is', null).orderBy('student_id').execute()).map((r) => r.student_id)
    for (const sid of remove) {
      await trx.updateTable('group_members').set({ to_date: day })
        .where('group_id', '=', groupId).where('student_id', '=', sid).where('to_date', 'is', null).execute()
    }
    for (const sid of add) {
      const reopened = await trx.updateTable('group_members').set({ to_date: null })
        .where('group_id', '=', groupId).where('student_id', '=', sid).where('from_date', '=', day).executeTakeFirst()
      if (Number(reopened.numUpdatedRows) === 0) {
        await trx.insertInto('group_members').values({ group_id: groupId, student_id: sid, from_date: day, to_date: null }).execute()
      }
    }
    const after = [...before.filter((id) => !remove.includes(id)), ...add].sort((a, b) => a - b)
    await audit(trx, actor, { action: 'school.group.members', entity: 'group', entityId: groupId, before, after: { members: after, added: add, removed: remove, on: day } })
  })
}
