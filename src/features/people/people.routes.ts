// Routes of the people area: students and their movement, parents and consent, staff, the class teacher's
// page, and roster import/export (R-ORG-2,4,5; R-ACC-2,5,7,8; R-ROLE-6,7). Parse, call, render.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Multipart } from '@fastify/multipart'
import type { Access } from '../../plugins/auth.js'
import { t } from '../../i18n/index.js'
import { fmtDate, localDate, parseDate } from '../../lib/dates.js'
import { field, keepInput, toId, type FieldErrors } from '../../lib/forms.js'
import { fullName } from '../auth/auth.queries.js'
import {
  CHANNELS, RELATIONS, STUDY_FORMS, parseConsent, parseEnroll, parseLink, parseMove, parseParent, parsePerson,
  parseRoles, parseStudentFilter, parseStudy, type StudentFilter,
} from './people.form.js'
import {
  addParent, classOptions, classRoster, classYear, createStaff, createStudent, currentYear, linkParent, listStaff,
  listStudents, logRead, parentOf, parentsOf, recordMove, searchParents, setConsent, setStaffRoles, staffById,
  studentById, studentInScope, staysOf, unlinkParent, updateParent, updatePerson, updateStudy,
  type MoveKind, type PersonRow, type StayRow, type StudentRow,
} from './people.queries.js'
import {
  STAFF_ROLES, canAssignRoles, canEditStaff, canEditStudy, canManageParents, canManageStudents, canRegisterConsent,
  canUnlinkParents, openStay, rolesChangeError, seesContacts, studentScope, type Viewer,
} from './people.rules.js'
import { dropPreview, headers, importReason, loadPreview, mapHeaders, namedRows, readTable, savePreview, toCsv, toXlsx, validateRows, type ImportRow } from './rosters.js'
import { exportTable, importContext, writeImport } from './rosters.queries.js'

const LIST: Access[] = ['admin', 'director', 'deputy', 'clerk', 'classTeacher']
const OFFICE: Access[] = ['admin', 'clerk']
const STAFF_READ: Access[] = ['admin', 'clerk', 'director', 'deputy']
const IMPORT: Access[] = ['admin', 'clerk', 'classTeacher']
const MAX_IMPORT_ROWS = 3000

const today = () => localDate(new Date())

interface StudentCtx { id: number; student: StudentRow; stays: StayRow[]; open: StayRow | null; currentClassId: number | null; classIds: number[] }

/** A person's name, and their contacts unless hidden from this viewer (R-ACC-8). */
function shown<T extends PersonRow>(p: T, v: Viewer, studentClassIds: number[]) {
  const visible = seesContacts(v, p.hide_contacts === 1, studentClassIds)
  return { ...p, name: fullName(p), phone: visible ? p.phone : null, email: visible ? p.email : null, contactsHidden: !visible && (!!p.phone || !!p.email) }
}

function personInput(p: { last_name: string; first_name: string; middle_name: string; birth_date: string | null; phone: string | null; email: string | null }) {
  return { last_name: p.last_name, first_name: p.first_name, middle_name: p.middle_name, birth_date: fmtDate(p.birth_date), phone: p.phone ?? '', email: p.email ?? '' }
}

function filterQuery(f: StudentFilter): string {
  const q = new URLSearchParams()
  if (f.classId) q.set('class', String(f.classId))
  if (f.q) q.set('q', f.q)
  if (f.departed) q.set('departed', '1')
  const s = q.toString()
  return s ? `?${s}` : ''
}

/** A multipart text field that came before the file. */
function partField(fields: Record<string, Multipart | Multipart[] | undefined>, name: string): string {
  const f = fields[name]
  return f && !Array.isArray(f) && f.type === 'field' ? String(f.value).trim() : ''
}

export default async function peopleRoutes(app: FastifyInstance): Promise<void> {
  const db = app.db
  const notFound = (reply: FastifyReply) =>
    reply.code(404).page('errors/error', { title: t('common.errors.notFoundTitle'), text: t('common.errors.notFoundText') })
  const forbidden = (reply: FastifyReply) => reply.code(403).page('errors/403', { title: t('common.errors.forbiddenTitle') })

  /** The student of the URL when the asker's scope reaches them; otherwise null and a 404 has been sent. */
  async function studentOr404(req: FastifyRequest, reply: FastifyReply): Promise<StudentCtx | null> {
    const id = toId((req.params as { id?: string }).id)
    if (!id || !(await studentInScope(db, studentScope(req.user!), id))) { notFound(reply); return null }
    const student = await studentById(db, id)
    if (!student) { notFound(reply); return null }
    const stays = await staysOf(db, id)
    const open = openStay(stays) as StayRow | null
    return { id, student, stays, open, currentClassId: open?.classId ?? null, classIds: [...new Set(stays.map((s) => s.classId))] }
  }

  /** The parent of the URL when linked to the student; otherwise null and a 404 has been sent. */
  async function parentOr404(req: FastifyRequest, reply: FastifyReply, studentId: number) {
    const pid = toId((req.params as { pid?: string }).pid)
    const parent = pid ? await parentOf(db, studentId, pid) : undefined
    if (!parent) notFound(reply)
    return parent ?? null
  }

  // ---- Students list and export -----------------------------------------------------------------------------

  app.get('/students', { preHandler: app.requireRoles(...LIST) }, async (req, reply) => {
    const scope = studentScope(req.user!)
    const filter = parseStudentFilter(req.query)
    return reply.page('people/students', {
      title: t('people.students.title'),
      filter, query: filterQuery(filter),
      classes: await classOptions(db, scope),
      rows: await listStudents(db, scope, filter, today()),
      canCreate: canManageStudents(req.user!),
    })
  })

  for (const format of ['xlsx', 'csv'] as const) {
    app.get(`/students/export.${format}`, { preHandler: app.requireRoles(...LIST) }, async (req, reply) => {
      const filter = parseStudentFilter(req.query)
      const table = await exportTable(db, req.actor, studentScope(req.user!), filter, today(), format)
      const name = `${t('people.export.fileName')} ${today()}.${format}`
      reply.header('content-disposition', `attachment; filename="students.${format}"; filename*=UTF-8''${encodeURIComponent(name)}`)
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(toCsv(table))
      return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await toXlsx(table))
    })
  }

  // ---- Create and edit a student ----------------------------------------------------------------------------

  const studentForm = async (reply: FastifyReply, data: Record<string, unknown>) =>
    reply.page('people/student-form', { classes: await classOptions(db, { all: true }), ...data })

  app.get('/students/new', { preHandler: app.requireRoles(...OFFICE) }, async (req, reply) => {
    const year = await currentYear(db, today())
    const classId = toId(field(req.query, 'class'))
    return studentForm(reply, {
      title: t('people.student.newTitle'), mode: 'new',
      input: { reason_in: 'initial', from_date: fmtDate(year?.starts_on), class_id: classId ? String(classId) : '' },
    })
  })

  app.post('/students/new', { preHandler: app.requireRoles(...OFFICE) }, async (req, reply) => {
    const person = parsePerson(req.body, { birthRequired: true })
    const enroll = parseEnroll(req.body)
    const errors: FieldErrors = { ...(person.ok ? {} : person.errors), ...(enroll.ok ? {} : enroll.errors) }
    const target = enroll.ok ? await classYear(db, enroll.value.classId) : undefined
    if (enroll.ok && (!target || target.closed)) errors.class_id = t('common.badChoice')
    if (person.ok && enroll.ok && target && !target.closed) {
      const r = await createStudent(db, req.actor, person.value, enroll.value, target)
      if ('id' in r) return reply.flashRedirect(`/students/${r.id}`, t('people.student.created'))
      if (r.error === 'duplicate') errors.last_name = t('people.student.duplicate')
      else errors.from_date = t(`people.movement.${r.error}`)
    }
    return studentForm(reply.code(400), { title: t('people.student.newTitle'), mode: 'new', input: keepInput(req.body), errors })
  })

  app.get('/students/:id', { preHandler: app.requireRoles(...LIST) }, async (req, reply) => {
    const s = await studentOr404(req, reply)
    if (!s) return reply
    const v = req.user!
    await logRead(db, req.actor, s.id)
    const parents = (await parentsOf(db, s.id)).map((p) => shown(p, v, s.classIds))
    return reply.page('people/student', {
      title: fullName(s.student),
      s: shown(s.student, v, s.classIds), stays: s.stays, open: s.open, parents,
      can: {
        edit: canManageStudents(v), move: canManageStudents(v), study: canEditStudy(v, s.currentClassId),
        parents: canManageParents(v, s.currentClassId), unlink: canUnlinkParents(v), consent: canRegisterConsent(v, s.currentClassId),
      },
    })
  })

  app.get('/students/:id/edit', { preHandler: app.requireRoles(...OFFICE) }, async (req, reply) => {
    const s = await studentOr404(req, reply)
    if (!s) return reply
    return studentForm(reply, { title: t('people.student.editTitle'), mode: 'edit', id: s.id, name: fullName(s.student), input: personInput(s.student) })
  })

  app.post('/students/:id/edit', { preHandler: app.requireRoles(...OFFICE) }, async (req, reply) => {
    const s = await studentOr404(req, reply)
    if (!s) return reply
    const person = parsePerson(req.body, { birthRequired: true })
    if (person.ok) {
      await updatePerson(db, req.actor, s.id, person.value, 'student.update')
      return reply.flashRedirect(`/students/${s.id}`, t('common.saved'))
    }
    return studentForm(reply.code(400), { title: t('people.student.editTitle'), mode: 'edit', id: s.id, name: fullName(s.student), input: keepInput(req.body), errors: person.errors })
  })

  // ---- Study form, PE exemption, diary channel (the office or the class teacher) ------------------------------

  const studyForm = (reply: FastifyReply, s: StudentCtx, data: Record<string, unknown>) =>
    reply.page('people/study-form', { title: t('people.study.title'), id: s.id, name: fullName(s.student), forms: STUDY_FORMS, channels: CHANNELS, ...data })

  app.get('/students/:id/study', { preHandler: app.requireRoles(...OFFICE, 'classTeacher') }, async (req, reply) => {
    const s = await studentOr404(req, reply)
    if (!s) return reply
    if (!canEditStudy(req.user!, s.currentClassId)) return forbidden(reply)
    const { study_form, channel, pe_exempt_until } = s.student
    return studyForm(reply, s, { input: { study_form, channel, pe_exempt_until: fmtDate(pe_exempt_until) } })
  })

  app.post('/students/:id/study', { preHandler: app.requireRoles(...OFFICE, 'classTeacher') }, async (req, reply) => {
    const s = await studentOr404(req, reply)
    if (!s) return reply
    if (!canEditStudy(req.user!, s.currentClassId)) return forbidden(reply)
    const r = parseStudy(req.body)
    if (!r.ok) return studyForm(reply.code(400), s, { input: keepInput(req.body), errors: r.errors })
    await updateStudy(db, req.actor, s.id, r.value)
    return reply.flashRedirect(`/students/${s.id}`, t('common.saved'))
  })

  // ---- Movement: departure, transfer, arrival (the office) ---------------------------------------------------

  async function moveClasses(kind: MoveKind, s: StudentCtx) {
    if (kind === 'depart') return []
    if (kind === 'transfer') return s.open ? (await classOptions(db, { all: true }, s.open.yearId)).filter((c) => c.id !== s.open!.classId) : []
    return classOptions(db, { all: true })
  }

  for (const kind of ['depart', 'transfer', 'arrive'] as const) {
    const render = async (reply: FastifyReply, s: StudentCtx, data: Record<string, unknown>) =>
      reply.page('people/move-form', {
        title: t(`people.movement.${kind}Title`), kind, id: s.id, name: fullName(s.student), open: s.open,
        classes: await moveClasses(kind, s), ...data,
      })

    app.get(`/students/:id/${kind}`, { preHandler: app.requireRoles(...OFFICE) }, async (req, reply) => {
      const s = await studentOr404(req, reply)
      if (!s) return reply
      // The form is offered only when this movement is possible at all.
      const impossible = kind === 'arrive' ? (s.open ? 'stillEnrolled' : null) : (s.open ? null : 'notEnrolled')
      if (impossible) return reply.flashRedirect(`/students/${s.id}`, t(`people.movement.${impossible}`), 'error')
      return render(reply, s, { input: { date: fmtDate(today()) } })
    })

    app.post(`/students/:id/${kind}`, { preHandler: app.requireRoles(...OFFICE) }, async (req, reply) => {
      const s = await studentOr404(req, reply)
      if (!s) return reply
      const m = parseMove(req.body, kind !== 'depart')
      let errors: FieldErrors = m.ok ? {} : m.errors
      if (m.ok) {
        const err = await recordMove(db, req.actor, s.id, kind, m.value)
        if (!err) return reply.flashRedirect(`/students/${s.id}`, t(`people.movement.${kind}Done`))
        errors = { [['sameClass', 'otherYear', 'noClass'].includes(err) ? 'class_id' : 'date']: t(`people.movement.${err}`) }
      }
      return render(reply.code(400), s, { input: keepInput(req.body), errors })
    })
  }

  // ---- Parents ----------------------------------------------------------------------------------------------

  const PARENT_ROLES: Access[] = [...OFFICE, 'classTeacher']
  const parentForm = (reply: FastifyReply, s: StudentCtx, data: Record<string, unknown>) =>
    reply.page('people/parent-form', { id: s.id, name: fullName(s.student), relations: RELATIONS, ...data })

  app.get('/students/:id/parents/new', { preHandler: app.requireRoles(...PARENT_ROLES) }, async (req, reply) => {
    const s = await studentOr404(req, reply)
    if (!s) return reply
    if (!canManageParents(req.user!, s.currentClassId)) return forbidden(reply)
    return parentForm(reply, s, { title: t('people.parent.newTitle'), action: `/students/${s.id}/parents/new`, input: { relation: 'mother' } })
  })

  app.post('/students/:id/parents/new', { preHandler: app.requireRoles(...PARENT_ROLES) }, async (req, reply) => {
    const s = await studentOr404(req, reply)
    if (!s) return reply
    if (!canManageParents(req.user!, s.currentClassId)) return forbidden(reply)
    const r = parseParent(req.body)
    if (!r.ok) return parentForm(reply.code(400), s, { title: t('people.parent.newTitle'), action: `/students/${s.id}/parents/new`, input: keepInput(req.body), errors: r.errors })
    const { relation, ...person } = r.value
    await addParent(db, req.actor, s.id, person, relation)
    return reply.flashRedirect(`/students/${s.id}`, t('people.parent.added'))
  })

  app.get('/students/:id/parents/:pid/edit', { preHandler: app.requireRoles(...PARENT_ROLES) }, async (req, reply) => {
    const s = await studentOr404(req, reply)
    if (!s) return reply
    if (!canManageParents(req.user!, s.currentClassId)) return forbidden(reply)
    const p = await parentOr404(req, reply, s.id)
    if (!p) return reply
    return parentForm(reply, s, { title: t('people.parent.editTitle'), action: `/students/${s.id}/parents/${p.id}/edit`, input: { ...personInput(p), relation: p.relation } })
  })

  app.post('/students/:id/parents/:pid/edit', { preHandler: app.requireRoles(...PARENT_ROLES) }, async (req, reply) => {
    const s = await studentOr404(req, reply)
    if (!s) return reply
    if (!canManageParents(req.user!, s.currentClassId)) return forbidden(reply)
    const p = await parentOr404(req, reply, s.id)
    if (!p) return reply
    const r = parseParent(req.body)
    if (!r.ok) return parentForm(reply.code(400), s, { title: t('people.parent.editTitle'), action: `/students/${s.id}/parents/${p.id}/edit`, input: keepInput(req.body), errors: r.errors })
    const { relation, ...person } = r.value
    await updateParent(db, req.actor, s.id, p.id, person, relation)
    return reply.flashRedirect(`/students/${s.id}`, t('common.saved'))
  })

  // Linking a parent already in the school (brothers and sisters share their parents).
  app.get('/students/:id/parents/link', { preHandler: app.requireRoles(...PARENT_ROLES) }, async (req, reply) => {
    const s = await studentOr404(req, reply)
    if (!s) return reply
    if (!canManageParents(req.user!, s.currentClassId)) return forbidden(reply)
    const q = field(req.query, 'q').slice(0, 60)
    return reply.page('people/parent-link', {
      title: t('people.link.title'), id: s.id, name: fullName(s.student), q, relations: RELATIONS,
      candidates: q ? await searchParents(db, q, s.id) : null,
    })
  })

  app.post('/students/:id/parents/link', { preHandler: app.requireRoles(...PARENT_ROLES) }, async (req, reply) => {
    const s = await studentOr404(req, reply)
    if (!s) return reply
    if (!canManageParents(req.user!, s.currentClassId)) return forbidden(reply)
    const r = parseLink(req.body)
    const result = r.ok ? await linkParent(db, req.actor, s.id, r.value.parentId, r.value.relation) : 'notParent'
    if (result === 'ok') return reply.flashRedirect(`/students/${s.id}`, t('people.link.done'))
    return reply.code(400).page('people/parent-link', {
      title: t('people.link.title'), id: s.id, name: fullName(s.student), q: '', relations: RELATIONS, candidates: null,
      errors: { parent_id: t(`people.link.${result}`) },
    })
  })

  app.get('/students/:id/parents/:pid/unlink', { preHandler: app.requireRoles(...OFFICE) }, async (req, reply) => {
    const s = await studentOr404(req, reply)
    if (!s) return reply
    const p = await parentOr404(req, reply, s.id)
    if (!p) return reply
    return reply.page('people/parent-unlink', { title: t('people.unlink.title'), id: s.id, name: fullName(s.student), parent: { id: p.id, name: fullName(p) } })
  })

  app.post('/students/:id/parents/:pid/unlink', { preHandler: app.requireRoles(...OFFICE) }, async (req, reply) => {
    const s = await studentOr404(req, reply)
    if (!s) return reply
    const p = await parentOr404(req, reply, s.id)
    if (!p) return reply
    await unlinkParent(db, req.actor, s.id, p.id)
    return reply.flashRedirect(`/students/${s.id}`, t('people.unlink.done'))
  })

  // Consent to personal-data processing: the deputy or the class teacher registers it (R-ACC-7).
  const consentForm = (reply: FastifyReply, s: StudentCtx, p: PersonRow, data: Record<string, unknown>) =>
    reply.page('people/consent-form', { title: t('people.consent.title'), id: s.id, name: fullName(s.student), parent: { id: p.id, name: fullName(p) }, ...data })

  app.get('/students/:id/parents/:pid/consent', { preHandler: app.requireRoles('deputy', 'classTeacher') }, async (req, reply) => {
    const s = await studentOr404(req, reply)
    if (!s) return reply
    if (!canRegisterConsent(req.user!, s.currentClassId)) return forbidden(reply)
    const p = await parentOr404(req, reply, s.id)
    if (!p) return reply
    return consentForm(reply, s, p, { input: { consent: p.consent === 'unknown' ? '' : p.consent, consent_on: fmtDate(p.consent_on ?? today()) } })
  })

  app.post('/students/:id/parents/:pid/consent', { preHandler: app.requireRoles('deputy', 'classTeacher') }, async (req, reply) => {
    const s = await studentOr404(req, reply)
    if (!s) return reply
    if (!canRegisterConsent(req.user!, s.currentClassId)) return forbidden(reply)
    const p = await parentOr404(req, reply, s.id)
    if (!p) return reply
    const r = parseConsent(req.body)
    if (!r.ok) return consentForm(reply.code(400), s, p, { input: keepInput(req.body), errors: r.errors })
    await setConsent(db, req.actor, p.id, r.value.consent, r.value.on)
    return reply.flashRedirect(`/students/${s.id}`, t('people.consent.saved'))
  })

  // ---- Staff ------------------------------------------------------------------------------------------------

  app.get('/staff', { preHandler: app.requireRoles(...STAFF_READ) }, async (req, reply) => {
    const v = req.user!
    const rows = (await listStaff(db)).map((p) => shown(p, v, []))
    return reply.page('people/staff', { title: t('people.staff.title'), rows, canEdit: canEditStaff(v) })
  })

  const staffForm = (reply: FastifyReply, data: Record<string, unknown>) => reply.page('people/staff-form', { staffRoles: STAFF_ROLES, ...data })

  app.get('/staff/new', { preHandler: app.requireRoles(...OFFICE) }, async (req, reply) =>
    staffForm(reply, { title: t('people.staff.newTitle'), mode: 'new', withRoles: canAssignRoles(req.user!), input: {}, roles: [] }))

  app.post('/staff/new', { preHandler: app.requireRoles(...OFFICE) }, async (req, reply) => {
    const person = parsePerson(req.body, { birthRequired: false })
    const withRoles = canAssignRoles(req.user!)
    // Only the admin hands out roles; what anyone else sends in that field is not looked at.
    const roles = withRoles ? parseRoles(req.body) : { ok: true as const, value: [] }
    if (person.ok && roles.ok) {
      const id = await createStaff(db, req.actor, person.value, roles.value)
      return reply.flashRedirect(`/staff/${id}`, t('people.staff.created'))
    }
    return staffForm(reply.code(400), {
      title: t('people.staff.newTitle'), mode: 'new', withRoles, input: keepInput(req.body), roles: roles.ok ? roles.value : [],
      errors: { ...(person.ok ? {} : person.errors), ...(roles.ok ? {} : roles.errors) },
    })
  })

  async function staffOr404(req: FastifyRequest, reply: FastifyReply) {
    const id = toId((req.params as { id?: string }).id)
    const s = id ? await staffById(db, id) : undefined
    if (!s) notFound(reply)
    return s ?? null
  }

  app.get('/staff/:id', { preHandler: app.requireRoles(...STAFF_READ) }, async (req, reply) => {
    const s = await staffOr404(req, reply)
    if (!s) return reply
    const v = req.user!
    await logRead(db, req.actor, s.id)
    return reply.page('people/staff-card', {
      title: fullName(s), p: shown(s, v, []), staffRoles: STAFF_ROLES,
      canEdit: canEditStaff(v), canRoles: canAssignRoles(v),
    })
  })

  app.get('/staff/:id/edit', { preHandler: app.requireRoles(...OFFICE) }, async (req, reply) => {
    const s = await staffOr404(req, reply)
    if (!s) return reply
    return staffForm(reply, { title: t('people.staff.editTitle'), mode: 'edit', id: s.id, withRoles: false, input: personInput(s) })
  })

  app.post('/staff/:id/edit', { preHandler: app.requireRoles(...OFFICE) }, async (req, reply) => {
    const s = await staffOr404(req, reply)
    if (!s) return reply
    const person = parsePerson(req.body, { birthRequired: false })
    if (!person.ok) return staffForm(reply.code(400), { title: t('people.staff.editTitle'), mode: 'edit', id: s.id, withRoles: false, input: keepInput(req.body), errors: person.errors })
    await updatePerson(db, req.actor, s.id, person.value, 'staff.update')
    return reply.flashRedirect(`/staff/${s.id}`, t('common.saved'))
  })

  app.post('/staff/:id/roles', { preHandler: app.requireRoles('admin') }, async (req, reply) => {
    const s = await staffOr404(req, reply)
    if (!s) return reply
    const roles = parseRoles(req.body)
    const err = roles.ok ? rolesChangeError(req.user!.personId, s.id, s.roles, roles.value) : 'badRole'
    if (!roles.ok || err) return reply.flashRedirect(`/staff/${s.id}`, t(`people.staff.${err}`), 'error')
    await setStaffRoles(db, req.actor, s.id, roles.value)
    return reply.flashRedirect(`/staff/${s.id}`, t('people.staff.rolesSaved'))
  })

  // ---- The class teacher's page (R-ROLE-6) ------------------------------------------------------------------

  app.get('/my-class', { preHandler: app.requireRoles('classTeacher') }, async (req, reply) => {
    const v = req.user!
    const classes = await classOptions(db, { all: false, classIds: v.classTeacherOf })
    const wanted = toId(field(req.query, 'class'))
    const current = wanted ? classes.find((c) => c.id === wanted) : classes[0]
    if (!current) return notFound(reply)
    const roster = (await classRoster(db, current.id, today())).map((r) => ({
      ...shown(r, v, [current.id]), parents: r.parents.map((p) => shown(p, v, [current.id])),
    }))
    return reply.page('people/my-class', { title: t('people.myClass.title', { cls: current.label }), classes, current, roster })
  })

  // ---- Roster import (R-ORG-5) ------------------------------------------------------------------------------

  async function importPage(req: FastifyRequest, reply: FastifyReply, data: Record<string, unknown> = {}) {
    const year = await currentYear(db, today())
    const classes = year ? await classOptions(db, studentScope(req.user!), year.id) : []
    const ownOnly = !studentScope(req.user!).all
    return reply.page('people/import', { title: t('people.import.title'), year, classes, ownOnly, input: { from_date: fmtDate(year?.starts_on) }, ...data })
  }

  app.get('/import', { preHandler: app.requireRoles(...IMPORT) }, async (req, reply) => importPage(req, reply))

  app.get('/import/template.xlsx', { preHandler: app.requireRoles(...IMPORT) }, async (_req, reply) => {
    const hint = [1, 2, 3, 4, 5].map((n) => t(`people.import.templateHint${n}`))
    reply.header('content-disposition', `attachment; filename="roster-template.xlsx"; filename*=UTF-8''${encodeURIComponent(t('people.import.templateFile'))}`)
    return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await toXlsx([headers()], hint))
  })

  const preview = (reply: FastifyReply, data: { rows: ImportRow[]; fileName: string; fromDate: string; id?: string; fileError?: string }) => {
    const bad = data.rows.filter((r) => r.errors.length).length
    const ok = !data.fileError && data.rows.length > 0 && bad === 0
    return reply.code(ok ? 200 : 400).page('people/import-preview', { title: t('people.import.previewTitle'), ok, bad, ...data })
  }

  app.post('/import', { preHandler: app.requireRoles(...IMPORT) }, async (req, reply) => {
    // The upload is read whole first: answering while the browser still sends it would break the connection.
    const file = await req.file()
    const buf = file ? await file.toBuffer() : Buffer.alloc(0)
    const year = await currentYear(db, today())
    if (!year) return importPage(req, reply.code(400))
    const rawDate = file ? partField(file.fields, 'from_date') : ''
    const input = { from_date: rawDate }
    if (!file || !buf.length) return importPage(req, reply.code(400), { input, errors: { file: t('people.import.chooseFile') } })
    // Left empty: the first day of the year, as the form suggests.
    const fromDate = rawDate ? parseDate(rawDate) : year.starts_on
    if (!fromDate || fromDate < year.starts_on || fromDate > year.ends_on) {
      return importPage(req, reply.code(400), { input, errors: { from_date: t('people.import.badFromDate', { from: fmtDate(year.starts_on), to: fmtDate(year.ends_on) }) } })
    }
    const fileName = file.filename.slice(0, 200)
    const read = await readTable(buf)
    const base = { fileName, fromDate, rows: [] as ImportRow[] }
    if (!read.ok) return preview(reply, { ...base, fileError: read.error })
    const { index, missing } = mapHeaders(read.table[0] ?? [])
    if (missing.length) return preview(reply, { ...base, fileError: t('people.import.missingColumns', { cols: missing.map((c) => t(`people.import.col.${c}`)).join(', ') }) })
    const named = namedRows(read.table, index)
    if (!named.length) return preview(reply, { ...base, fileError: t('people.import.empty') })
    if (named.length > MAX_IMPORT_ROWS) return preview(reply, { ...base, fileError: t('people.import.tooMany', { max: MAX_IMPORT_ROWS }) })
    const rows = validateRows(named, await importContext(db, studentScope(req.user!), year.id, today()))
    if (rows.some((r) => r.errors.length)) return preview(reply, { ...base, rows })
    const id = await savePreview(app.config.dataDir, { owner: req.user!.userId, createdAt: Date.now(), fileName, yearId: year.id, fromDate, rows })
    return preview(reply, { ...base, rows, id })
  })

  app.post('/import/:token/confirm', { preHandler: app.requireRoles(...IMPORT) }, async (req, reply) => {
    const token = String((req.params as { token: string }).token)
    const found = await loadPreview(app.config.dataDir, token, req.user!.userId)
    if (!found.ok) {
      if (found.reason === 'expired') return reply.flashRedirect('/import', t('people.import.expired'), 'error')
      return notFound(reply)
    }
    const p = found.preview
    const year = await currentYear(db, today())
    // Checked again: the school may have changed since the preview (another import, a new class teacher).
    const rows = validateRows(p.rows.map((r) => ({ line: r.line, raw: r.raw })), await importContext(db, studentScope(req.user!), p.yearId, today()))
    if (!year || year.id !== p.yearId || rows.some((r) => r.errors.length)) {
      await dropPreview(app.config.dataDir, token)
      return preview(reply, { rows, fileName: p.fileName, fromDate: p.fromDate, fileError: year?.id === p.yearId ? undefined : t('people.import.yearChanged') })
    }
    const done = await writeImport(db, req.actor, rows, p.fromDate, importReason(p.fromDate, year.starts_on), p.fileName)
    await dropPreview(app.config.dataDir, token)
    return reply.flashRedirect('/students', t('people.import.done', { n: done.students, parents: done.parentsCreated }))
  })

  app.post('/import/:token/cancel', { preHandler: app.requireRoles(...IMPORT) }, async (req, reply) => {
    const token = String((req.params as { token: string }).token)
    const found = await loadPreview(app.config.dataDir, token, req.user!.userId)
    if (found.ok || found.reason === 'expired') await dropPreview(app.config.dataDir, token)
    return reply.flashRedirect('/import', t('people.import.cancelled'))
  })
}
