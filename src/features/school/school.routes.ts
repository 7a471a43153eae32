// Routes of the school area under /school: settings, years with bands, periods and holidays, subjects,
// classes, curriculum, workload, groups and their members (R-ORG-1..3). Parse, call, render: no SQL here.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { PeriodScheme } from '../../db/types.js'
import { t } from '../../i18n/index.js'
import { fmtDate, localDate } from '../../lib/dates.js'
import { field, keepInput, toId, type FieldErrors } from '../../lib/forms.js'
import {
  BAND_ROWS, parseBandsForm, parseClassForm, parseCurriculumForm, parseGroupForm, parseGroupNameForm, parseHolidayForm,
  parseMembersForm, parsePeriodsForm, parseSettingsForm, parseSubjectForm, parseWorkloadForm, parseYearForm,
} from './school.form.js'
import * as q from './school.queries.js'
import { DuplicateError, NotFoundError, YearClosedError, type Year } from './school.queries.js'
import {
  canDo, canEditMembers, canEditSettings, canEditStructure, defaultAdaptationEnd, defaultGroupName, groupScope, isYearWritable,
  memberCountError, membershipChanges, rangeText, suggestYear, GROUP_KINDS, PERIOD_COUNT, ROLES_FOR, SCHEMES,
} from './school.rules.js'

type Crumb = { href: string; label: string }

function idParam(req: FastifyRequest, name = 'id'): number {
  const id = toId((req.params as Record<string, string>)[name])
  if (!id) throw new NotFoundError()
  return id
}

function yearCrumbs(year: { id: number; name: string }, ...more: Crumb[]): Crumb[] {
  return [{ href: '/school', label: t('school.title') }, { href: '/school/years', label: t('school.years.title') },
    { href: `/school/years/${year.id}`, label: year.name }, ...more]
}

const rootCrumbs = (...more: Crumb[]): Crumb[] => [{ href: '/school', label: t('school.title') }, ...more]

function today(): string {
  return localDate(new Date())
}

/** A year's dates as the form shows them (ДД.ММ.ГГГГ), for re-editing. */
function yearInput(y: { name: string; starts_on: string; ends_on: string; adaptation_ends_on: string | null; status: string }) {
  return { name: y.name, starts_on: y.starts_on, ends_on: y.ends_on, adaptation_ends_on: y.adaptation_ends_on ?? defaultAdaptationEnd(y.starts_on), status: y.status }
}

export default async function schoolRoutes(app: FastifyInstance): Promise<void> {
  const db = app.db
  const read = app.requireRoles(...ROLES_FOR.read)
  const edit = app.requireRoles(...ROLES_FOR.edit)
  const settings = app.requireRoles(...ROLES_FOR.settings)
  // Groups and their members are seen by readers and by class teachers (their own classes' groups only).
  const groupReaders = app.requireRoles(...ROLES_FOR.members, ...ROLES_FOR.read)

  // The area's own refusals; anything else goes on to the application's error page.
  app.setErrorHandler(async (error, _req, reply) => {
    if (error instanceof YearClosedError) {
      return reply.code(409).page('errors/error', { title: t('school.closedTitle'), text: t('school.yearClosed', { name: error.yearName }) })
    }
    if (error instanceof NotFoundError) {
      return reply.code(404).page('errors/error', { title: t('common.errors.notFoundTitle'), text: t('common.errors.notFoundText') })
    }
    throw error
  })

  // ----- overview and settings ----------------------------------------------------------------------------

  app.get('/school', { preHandler: read }, async (req, reply) => {
    const year = await q.currentYear(db)
    return reply.page('school/index', {
      title: t('school.title'), settings: await q.getSettings(db), year, canSettings: canEditSettings(req.user),
      canEdit: canEditStructure(req.user),
    })
  })

  const settingsPage = (reply: FastifyReply, input: Record<string, string>, errors: FieldErrors = {}) =>
    reply.code(Object.keys(errors).length ? 400 : 200).page('school/settings', {
      title: t('school.settings.title'), crumbs: rootCrumbs(), input, errors,
    })

  app.get('/school/settings', { preHandler: settings }, async (_req, reply) => settingsPage(reply, await q.getSettings(db)))

  app.post('/school/settings', { preHandler: settings }, async (req, reply) => {
    const parsed = parseSettingsForm(req.body)
    if (!parsed.ok) return settingsPage(reply, keepInput(req.body), parsed.errors)
    await q.saveSettings(db, req.actor, parsed.value)
    return reply.flashRedirect('/school', t('school.settings.saved'))
  })

  // ----- years ------------------------------------------------------------------------------------------

  app.get('/school/years', { preHandler: read }, async (req, reply) =>
    reply.page('school/years', { title: t('school.years.title'), crumbs: rootCrumbs(), years: await q.listYears(db), canEdit: canEditStructure(req.user) }))

  const yearForm = (reply: FastifyReply, year: Year | null, input: Record<string, string>, errors: FieldErrors = {}) =>
    reply.code(Object.keys(errors).length ? 400 : 200).page('school/year-form', {
      title: year ? t('school.years.editTitle', { name: year.name }) : t('school.years.newTitle'),
      crumbs: year ? yearCrumbs(year) : rootCrumbs({ href: '/school/years', label: t('school.years.title') }),
      action: year ? `/school/years/${year.id}/edit` : '/school/years/new', year, input, errors,
    })

  app.get('/school/years/new', { preHandler: edit }, async (_req, reply) => {
    const latest = (await q.listYears(db))[0]
    const s = suggestYear(latest?.name ?? null, today())
    return yearForm(reply, null, { ...s, adaptation_ends_on: defaultAdaptationEnd(s.starts_on), status: 'open' })
  })

  app.post('/school/years/new', { preHandler: edit }, async (req, reply) => {
    const parsed = parseYearForm(req.body)
    if (!parsed.ok) return yearForm(reply, null, keepInput(req.body), parsed.errors)
    try {
      const id = await q.createYear(db, req.actor, parsed.value)
      return reply.flashRedirect(`/school/years/${id}`, t('school.years.created', { name: parsed.value.name }))
    } catch (e) {
      if (e instanceof DuplicateError) return yearForm(reply, null, keepInput(req.body), { name: t('school.years.nameTaken') })
      throw e
    }
  })

  app.get('/school/years/:id', { preHandler: read }, async (req, reply) => {
    const year = await q.getYear(db, idParam(req))
    const bands = await q.bandsOfYear(db, year.id)
    const periods = await q.periodsOfYear(db, year.id)
    // Schemes in use by a band come first; a scheme with periods but no band is shown as unused.
    const schemes = SCHEMES.filter((s) => bands.some((b) => b.scheme === s) || periods.some((p) => p.scheme === s)).map((s) => ({
      scheme: s, used: bands.some((b) => b.scheme === s), expected: PERIOD_COUNT[s],
      grades: bands.filter((b) => b.scheme === s).map(rangeText).join(', '),
      periods: periods.filter((p) => p.scheme === s),
    }))
    return reply.page('school/year', {
      title: t('school.years.yearTitle', { name: year.name }), crumbs: rootCrumbs({ href: '/school/years', label: t('school.years.title') }),
      year, bands, schemes, holidays: await q.holidaysOfYear(db, year.id), rangeText,
      canEdit: canEditStructure(req.user) && isYearWritable(year.status),
    })
  })

  app.get('/school/years/:id/edit', { preHandler: edit }, async (req, reply) => {
    const year = await q.assertYearWritable(db, idParam(req))
    return yearForm(reply, year, yearInput(year))
  })

  app.post('/school/years/:id/edit', { preHandler: edit }, async (req, reply) => {
    const year = await q.assertYearWritable(db, idParam(req))
    const parsed = parseYearForm(req.body)
    if (!parsed.ok) return yearForm(reply, year, keepInput(req.body), parsed.errors)
    if (await q.datesOutside(db, year.id, parsed.value.starts_on, parsed.value.ends_on)) {
      return yearForm(reply, year, keepInput(req.body), { starts_on: t('school.years.datesCutOff') })
    }
    try {
      await q.updateYear(db, req.actor, year.id, parsed.value)
      return reply.flashRedirect(`/school/years/${year.id}`, t('common.saved'))
    } catch (e) {
      if (e instanceof DuplicateError) return yearForm(reply, year, keepInput(req.body), { name: t('school.years.nameTaken') })
      throw e
    }
  })

  // ----- grade bands and periods --------------------------------------------------------------------------

  const bandsForm = (reply: FastifyReply, year: Year, input: Record<string, string>, errors: FieldErrors = {}) =>
    reply.code(Object.keys(errors).length ? 400 : 200).page('school/bands-form', {
      title: t('school.bands.title', { name: year.name }), crumbs: yearCrumbs(year), year, input, errors, rows: BAND_ROWS, schemes: SCHEMES,
    })

  app.get('/school/years/:id/bands', { preHandler: edit }, async (req, reply) => {
    const year = await q.assertYearWritable(db, idParam(req))
    const input: Record<string, string> = {}
    ;(await q.bandsOfYear(db, year.id)).forEach((b, i) => {
      input[`from_${i + 1}`] = String(b.grade_from); input[`to_${i + 1}`] = String(b.grade_to); input[`scheme_${i + 1}`] = b.scheme
    })
    return bandsForm(reply, year, input)
  })

  app.post('/school/years/:id/bands', { preHandler: edit }, async (req, reply) => {
    const year = await q.assertYearWritable(db, idParam(req))
    const parsed = parseBandsForm(req.body)
    if (!parsed.ok) return bandsForm(reply, year, keepInput(req.body), parsed.errors)
    await q.saveBands(db, req.actor, year.id, parsed.value)
    return reply.flashRedirect(`/school/years/${year.id}`, t('school.bands.saved'))
  })

  function schemeParam(req: FastifyRequest): PeriodScheme {
    const s = (req.params as { scheme: string }).scheme as PeriodScheme
    if (!SCHEMES.includes(s)) throw new NotFoundError()
    return s
  }

  const periodsForm = (reply: FastifyReply, year: Year, scheme: PeriodScheme, input: Record<string, string>, errors: FieldErrors = {}) =>
    reply.code(Object.keys(errors).length ? 400 : 200).page('school/periods-form', {
      title: t('school.periods.formTitle', { scheme: t(`school.schemes.${scheme}`), name: year.name }), crumbs: yearCrumbs(year),
      year, scheme, count: PERIOD_COUNT[scheme], input, errors,
    })

  app.get('/school/years/:id/periods/:scheme', { preHandler: edit }, async (req, reply) => {
    const year = await q.assertYearWritable(db, idParam(req))
    const scheme = schemeParam(req)
    const input: Record<string, string> = {}
    for (const p of (await q.periodsOfYear(db, year.id)).filter((p) => p.scheme === scheme)) {
      input[`start_${p.number}`] = p.starts_on; input[`end_${p.number}`] = p.ends_on
    }
    return periodsForm(reply, year, scheme, input)
  })

  app.post('/school/years/:id/periods/:scheme', { preHandler: edit }, async (req, reply) => {
    const year = await q.assertYearWritable(db, idParam(req))
    const scheme = schemeParam(req)
    const parsed = parsePeriodsForm(req.body, scheme, year)
    if (!parsed.ok) return periodsForm(reply, year, scheme, keepInput(req.body), parsed.errors)
    await q.savePeriods(db, req.actor, year.id, scheme, parsed.value)
    return reply.flashRedirect(`/school/years/${year.id}`, t('school.periods.saved'))
  })

  // ----- holidays -----------------------------------------------------------------------------------------

  const holidayForm = (reply: FastifyReply, year: Year, action: string, input: Record<string, string>, errors: FieldErrors = {}) =>
    reply.code(Object.keys(errors).length ? 400 : 200).page('school/holiday-form', {
      title: t('school.holidays.formTitle', { name: year.name }), crumbs: yearCrumbs(year), year, action, input, errors,
    })

  app.get('/school/years/:id/holidays/new', { preHandler: edit }, async (req, reply) => {
    const year = await q.assertYearWritable(db, idParam(req))
    return holidayForm(reply, year, `/school/years/${year.id}/holidays/new`, { grade_from: '1', grade_to: '11' })
  })

  app.post('/school/years/:id/holidays/new', { preHandler: edit }, async (req, reply) => {
    const year = await q.assertYearWritable(db, idParam(req))
    const parsed = parseHolidayForm(req.body, year)
    if (!parsed.ok) return holidayForm(reply, year, `/school/years/${year.id}/holidays/new`, keepInput(req.body), parsed.errors)
    await q.createHoliday(db, req.actor, year.id, parsed.value)
    return reply.flashRedirect(`/school/years/${year.id}`, t('school.holidays.saved'))
  })

  app.get('/school/holidays/:id/edit', { preHandler: edit }, async (req, reply) => {
    const h = await q.getHoliday(db, idParam(req))
    const year = await q.assertYearWritable(db, h.year_id)
    return holidayForm(reply, year, `/school/holidays/${h.id}/edit`,
      { name: h.name, starts_on: h.starts_on, ends_on: h.ends_on, grade_from: String(h.grade_from), grade_to: String(h.grade_to) })
  })

  app.post('/school/holidays/:id/edit', { preHandler: edit }, async (req, reply) => {
    const h = await q.getHoliday(db, idParam(req))
    const year = await q.assertYearWritable(db, h.year_id)
    const parsed = parseHolidayForm(req.body, year)
    if (!parsed.ok) return holidayForm(reply, year, `/school/holidays/${h.id}/edit`, keepInput(req.body), parsed.errors)
    await q.updateHoliday(db, req.actor, h.id, parsed.value)
    return reply.flashRedirect(`/school/years/${year.id}`, t('school.holidays.saved'))
  })

  app.get('/school/holidays/:id/delete', { preHandler: edit }, async (req, reply) => {
    const h = await q.getHoliday(db, idParam(req))
    const year = await q.assertYearWritable(db, h.year_id)
    return reply.page('school/confirm', {
      title: t('school.holidays.deleteTitle'), crumbs: yearCrumbs(year), action: `/school/holidays/${h.id}/delete`, back: `/school/years/${year.id}`,
      question: t('school.holidays.deleteQuestion'),
      facts: [[t('school.holidays.name'), h.name], [t('school.dates'), `${fmtDate(h.starts_on)} – ${fmtDate(h.ends_on)}`],
        [t('school.grades'), rangeText(h)]],
    })
  })

  app.post('/school/holidays/:id/delete', { preHandler: edit }, async (req, reply) => {
    const h = await q.getHoliday(db, idParam(req))
    await q.deleteHoliday(db, req.actor, h.id)
    return reply.flashRedirect(`/school/years/${h.year_id}`, t('school.holidays.deleted'))
  })

  // ----- subjects -----------------------------------------------------------------------------------------

  const subjectsCrumbs = () => rootCrumbs({ href: '/school/subjects', label: t('school.subjects.title') })

  app.get('/school/subjects', { preHandler: read }, async (req, reply) =>
    reply.page('school/subjects', { title: t('school.subjects.title'), crumbs: rootCrumbs(), subjects: await q.listSubjects(db), canEdit: canEditStructure(req.user) }))

  const subjectForm = (reply: FastifyReply, id: number | null, input: Record<string, string>, errors: FieldErrors = {}) =>
    reply.code(Object.keys(errors).length ? 400 : 200).page('school/subject-form', {
      title: id ? t('school.subjects.editTitle') : t('school.subjects.newTitle'), crumbs: subjectsCrumbs(),
      action: id ? `/school/subjects/${id}/edit` : '/school/subjects/new', id, input, errors,
    })

  app.get('/school/subjects/new', { preHandler: edit }, async (_req, reply) => subjectForm(reply, null, { sort_order: '100' }))

  app.post('/school/subjects/new', { preHandler: edit }, async (req, reply) => {
    const parsed = parseSubjectForm(req.body)
    if (!parsed.ok) return subjectForm(reply, null, keepInput(req.body), parsed.errors)
    try {
      await q.createSubject(db, req.actor, parsed.value)
    } catch (e) {
      if (e instanceof DuplicateError) return subjectForm(reply, null, keepInput(req.body), { name: t('school.subjects.nameTaken') })
      throw e
    }
    return reply.flashRedirect('/school/subjects', t('school.subjects.created', { name: parsed.value.name }))
  })

  app.get('/school/subjects/:id/edit', { preHandler: edit }, async (req, reply) => {
    const s = await q.getSubject(db, idParam(req))
    return subjectForm(reply, s.id, { name: s.name, short_name: s.short_name, is_pe: s.is_pe ? 'on' : '', sort_order: String(s.sort_order) })
  })

  app.post('/school/subjects/:id/edit', { preHandler: edit }, async (req, reply) => {
    const s = await q.getSubject(db, idParam(req))
    const parsed = parseSubjectForm(req.body)
    if (!parsed.ok) return subjectForm(reply, s.id, keepInput(req.body), parsed.errors)
    try {
      await q.updateSubject(db, req.actor, s.id, parsed.value)
    } catch (e) {
      if (e instanceof DuplicateError) return subjectForm(reply, s.id, keepInput(req.body), { name: t('school.subjects.nameTaken') })
      throw e
    }
    return reply.flashRedirect('/school/subjects', t('common.saved'))
  })

  app.get('/school/subjects/:id/delete', { preHandler: edit }, async (req, reply) => {
    const s = await q.getSubject(db, idParam(req))
    const uses = await q.subjectUses(db, s.id)
    return reply.page('school/confirm', {
      title: t('school.subjects.deleteTitle'), crumbs: subjectsCrumbs(), action: `/school/subjects/${s.id}/delete`, back: '/school/subjects',
      question: uses ? null : t('school.subjects.deleteQuestion'), refusal: uses ? t('school.subjects.inUse', { n: uses }) : null,
      facts: [[t('school.subjects.name'), s.name], [t('school.subjects.shortName'), s.short_name]],
    })
  })

  app.post('/school/subjects/:id/delete', { preHandler: edit }, async (req, reply) => {
    const s = await q.getSubject(db, idParam(req))
    const done = await q.deleteSubject(db, req.actor, s.id)
    if (!done) return reply.flashRedirect('/school/subjects', t('school.subjects.inUse', { n: await q.subjectUses(db, s.id) }), 'error')
    return reply.flashRedirect('/school/subjects', t('school.subjects.deleted', { name: s.name }))
  })

  // ----- classes ------------------------------------------------------------------------------------------

  app.get('/school/years/:id/classes', { preHandler: read }, async (req, reply) => {
    const year = await q.getYear(db, idParam(req))
    return reply.page('school/classes', {
      title: t('school.classes.title', { name: year.name }), crumbs: yearCrumbs(year), year,
      classes: await q.classesWithCounts(db, year.id), canEdit: canEditStructure(req.user) && isYearWritable(year.status),
    })
  })

  const classForm = async (reply: FastifyReply, year: Year, id: number | null, input: Record<string, string>, errors: FieldErrors = {}) =>
    reply.code(Object.keys(errors).length ? 400 : 200).page('school/class-form', {
      title: id ? t('school.classes.editTitle', { label: `${input.grade ?? ''}${input.letter ?? ''}` }) : t('school.classes.newTitle', { name: year.name }),
      crumbs: yearCrumbs(year, { href: `/school/years/${year.id}/classes`, label: t('common.menu.classes') }),
      action: id ? `/school/classes/${id}/edit` : `/school/years/${year.id}/classes/new`, year, input, errors,
      teachers: await q.teachers(db),
    })

  /** The form's teacher must really be a teacher: the select offers only teachers, a forged id is refused. */
  async function classErrors(v: { class_teacher_id: number | null }): Promise<FieldErrors> {
    return v.class_teacher_id && !(await q.isTeacher(db, v.class_teacher_id)) ? { class_teacher_id: t('common.badChoice') } : {}
  }

  app.get('/school/years/:id/classes/new', { preHandler: edit }, async (req, reply) => {
    const year = await q.assertYearWritable(db, idParam(req))
    return classForm(reply, year, null, {})
  })

  app.post('/school/years/:id/classes/new', { preHandler: edit }, async (req, reply) => {
    const year = await q.assertYearWritable(db, idParam(req))
    const parsed = parseClassForm(req.body)
    const errors = parsed.ok ? await classErrors(parsed.value) : parsed.errors
    if (!parsed.ok || Object.keys(errors).length) return classForm(reply, year, null, keepInput(req.body), errors)
    try {
      await q.createClass(db, req.actor, year.id, parsed.value)
    } catch (e) {
      if (e instanceof DuplicateError) return classForm(reply, year, null, keepInput(req.body), { letter: t('school.classes.taken', { label: q.classLabel(parsed.value.grade, parsed.value.letter) }) })
      throw e
    }
    return reply.flashRedirect(`/school/years/${year.id}/classes`, t('school.classes.created', { label: q.classLabel(parsed.value.grade, parsed.value.letter) }))
  })

  app.get('/school/classes/:id', { preHandler: read }, async (req, reply) => {
    const cls = await q.getClass(db, idParam(req))
    const year = await q.getYear(db, cls.year_id)
    const curriculum = await q.curriculumOfClass(db, cls.id)
    return reply.page('school/class', {
      title: t('school.classes.classTitle', { label: cls.label, name: year.name }),
      crumbs: yearCrumbs(year, { href: `/school/years/${year.id}/classes`, label: t('common.menu.classes') }),
      cls, year, curriculum: curriculum.filter((c) => c.hours !== null),
      totalHours: curriculum.reduce((s, c) => s + (c.hours ?? 0), 0),
      workload: await q.workloadRows(db, { classId: cls.id }),
      groups: (await q.groupsOfYear(db, year.id, [cls.id])),
      canEdit: canEditStructure(req.user) && isYearWritable(year.status),
    })
  })

  app.get('/school/classes/:id/edit', { preHandler: edit }, async (req, reply) => {
    const cls = await q.getClass(db, idParam(req))
    const year = await q.assertYearWritable(db, cls.year_id)
    return classForm(reply, year, cls.id, { grade: String(cls.grade), letter: cls.letter, class_teacher_id: cls.class_teacher_id ? String(cls.class_teacher_id) : '' })
  })

  app.post('/school/classes/:id/edit', { preHandler: edit }, async (req, reply) => {
    const cls = await q.getClass(db, idParam(req))
    const year = await q.assertYearWritable(db, cls.year_id)
    const parsed = parseClassForm(req.body)
    const errors = parsed.ok ? await classErrors(parsed.value) : parsed.errors
    if (!parsed.ok || Object.keys(errors).length) return classForm(reply, year, cls.id, keepInput(req.body), errors)
    try {
      await q.updateClass(db, req.actor, cls.id, parsed.value)
    } catch (e) {
      if (e instanceof DuplicateError) return classForm(reply, year, cls.id, keepInput(req.body), { letter: t('school.classes.taken', { label: q.classLabel(parsed.value.grade, parsed.value.letter) }) })
      throw e
    }
    return reply.flashRedirect(`/school/years/${year.id}/classes`, t('common.saved'))
  })

  // ----- curriculum ---------------------------------------------------------------------------------------

  const curriculumForm = async (reply: FastifyReply, cls: Awaited<ReturnType<typeof q.getClass>>, year: Year,
    input: Record<string, string> | null, errors: FieldErrors = {}) => {
    const rows = await q.curriculumOfClass(db, cls.id)
    const values = input ?? Object.fromEntries(rows.map((r) => [`h_${r.subjectId}`, r.hours === null ? '' : String(r.hours).replace('.', ',')]))
    return reply.code(Object.keys(errors).length ? 400 : 200).page('school/curriculum-form', {
      title: t('school.curriculum.title', { label: cls.label, name: year.name }),
      crumbs: yearCrumbs(year, { href: `/school/classes/${cls.id}`, label: cls.label }),
      cls, year, rows, input: values, errors,
    })
  }

  app.get('/school/classes/:id/curriculum', { preHandler: edit }, async (req, reply) => {
    const cls = await q.getClass(db, idParam(req))
    const year = await q.assertYearWritable(db, cls.year_id)
    return curriculumForm(reply, cls, year, null)
  })

  app.post('/school/classes/:id/curriculum', { preHandler: edit }, async (req, reply) => {
    const cls = await q.getClass(db, idParam(req))
    const year = await q.assertYearWritable(db, cls.year_id)
    const subjects = await q.listSubjects(db)
    const parsed = parseCurriculumForm(req.body, subjects.map((s) => s.id))
    if (!parsed.ok) return curriculumForm(reply, cls, year, keepInput(req.body), parsed.errors)
    await q.saveCurriculum(db, req.actor, cls.id, parsed.value)
    return reply.flashRedirect(`/school/classes/${cls.id}`, t('school.curriculum.saved', { label: cls.label }))
  })

  // ----- workload -----------------------------------------------------------------------------------------

  app.get('/school/years/:id/workload', { preHandler: read }, async (req, reply) => {
    const year = await q.getYear(db, idParam(req))
    const teacherId = toId(field(req.query, 'teacher'))
    const classId = toId(field(req.query, 'class'))
    const rows = await q.workloadRows(db, { yearId: year.id, teacherId, classId })
    // Per teacher: their rows and the week's hours, as the deputy reads a tarification list.
    const byTeacher: { id: number; name: string; hours: number; rows: typeof rows }[] = []
    for (const r of rows) {
      let g = byTeacher.find((x) => x.id === r.teacher_id)
      if (!g) byTeacher.push(g = { id: r.teacher_id, name: r.teacherName, hours: 0, rows: [] })
      g.rows.push(r)
      g.hours += r.hours ?? 0
    }
    return reply.page('school/workload', {
      title: t('school.workload.title', { name: year.name }), crumbs: yearCrumbs(year), year, byTeacher,
      teachers: await q.teachers(db), classes: await q.classesOfYear(db, year.id), filter: { teacher: teacherId, class: classId },
      canEdit: canEditStructure(req.user) && isYearWritable(year.status),
    })
  })

  const workloadForm = async (reply: FastifyReply, year: Year, input: Record<string, string>, errors: FieldErrors = {}) =>
    reply.code(Object.keys(errors).length ? 400 : 200).page('school/workload-form', {
      title: t('school.workload.newTitle', { name: year.name }),
      crumbs: yearCrumbs(year, { href: `/school/years/${year.id}/workload`, label: t('common.menu.workload') }),
      year, input, errors, teachers: await q.teachers(db), subjects: await q.listSubjects(db),
      classes: await q.classesOfYear(db, year.id), groups: await q.groupsOfYear(db, year.id, null),
    })

  app.get('/school/years/:id/workload/new', { preHandler: edit }, async (req, reply) => {
    const year = await q.assertYearWritable(db, idParam(req))
    const input: Record<string, string> = {}
    for (const k of ['teacher', 'class'] as const) {
      const v = toId(field(req.query, k))
      if (v) input[k === 'teacher' ? 'teacher_id' : 'target'] = k === 'teacher' ? String(v) : `c:${v}`
    }
    return workloadForm(reply, year, input)
  })

  app.post('/school/years/:id/workload/new', { preHandler: edit }, async (req, reply) => {
    const year = await q.assertYearWritable(db, idParam(req))
    const parsed = parseWorkloadForm(req.body)
    const fail = (errors: FieldErrors) => workloadForm(reply, year, keepInput(req.body), errors)
    if (!parsed.ok) return fail(parsed.errors)
    const v = parsed.value
    if (!(await q.isTeacher(db, v.teacher_id))) return fail({ teacher_id: t('school.workload.pickTeacher') })
    if (!(await q.listSubjects(db)).some((s) => s.id === v.subject_id)) return fail({ subject_id: t('school.workload.pickSubject') })
    if (v.class_id && !(await q.classesOfYear(db, year.id)).some((c) => c.id === v.class_id)) return fail({ target: t('school.workload.pickTarget') })
    if (v.group_id) {
      const g = (await q.groupsOfYear(db, year.id, null)).find((x) => x.id === v.group_id)
      if (!g) return fail({ target: t('school.workload.pickTarget') })
      if ((await q.getGroup(db, g.id)).subject_id !== v.subject_id) return fail({ subject_id: t('school.workload.groupSubject', { subject: g.subject }) })
    }
    try {
      await q.addWorkload(db, req.actor, v)
    } catch (e) {
      if (e instanceof DuplicateError) return fail({ target: t('school.workload.duplicate') })
      throw e
    }
    return reply.flashRedirect(`/school/years/${year.id}/workload?teacher=${v.teacher_id}`, t('school.workload.added'))
  })

  app.get('/school/workload/:id/delete', { preHandler: edit }, async (req, reply) => {
    const w = await q.getWorkload(db, idParam(req))
    const year = await q.assertYearWritable(db, w.view.year_id)
    return reply.page('school/confirm', {
      title: t('school.workload.removeTitle'),
      crumbs: yearCrumbs(year, { href: `/school/years/${year.id}/workload`, label: t('common.menu.workload') }),
      action: `/school/workload/${w.id}/delete`, back: `/school/years/${year.id}/workload?teacher=${w.teacher_id}`,
      question: t('school.workload.removeQuestion'), button: t('school.workload.remove'),
      facts: [[t('school.workload.teacher'), w.view.teacherName], [t('school.workload.subject'), w.view.subject],
        [t('school.workload.target'), w.view.target]],
    })
  })

  app.post('/school/workload/:id/delete', { preHandler: edit }, async (req, reply) => {
    const w = await q.getWorkload(db, idParam(req))
    const yearId = await q.removeWorkload(db, req.actor, w.id)
    return reply.flashRedirect(`/school/years/${yearId}/workload?teacher=${w.teacher_id}`, t('school.workload.removed'))
  })

  // ----- groups -------------------------------------------------------------------------------------------

  // A stable address for links from other areas (a class teacher's page): the groups of the current year.
  app.get('/school/groups', { preHandler: groupReaders }, async (_req, reply) => {
    const year = await q.currentYear(db)
    if (!year) throw new NotFoundError()
    return reply.redirect(`/school/years/${year.id}/groups`)
  })

  app.get('/school/years/:id/groups', { preHandler: groupReaders }, async (req, reply) => {
    const year = await q.getYear(db, idParam(req))
    const writable = isYearWritable(year.status)
    const groups = (await q.groupsOfYear(db, year.id, groupScope(req.user!)))
      .map((g) => ({ ...g, canMembers: writable && canEditMembers(req.user, g) }))
    return reply.page('school/groups', {
      title: t('school.groups.title', { name: year.name }),
      crumbs: canDo(req.user, 'read') ? yearCrumbs(year) : [], year, groups,
      canEdit: canEditStructure(req.user) && writable,
    })
  })

  const groupForm = async (reply: FastifyReply, year: Year, input: Record<string, string>, errors: FieldErrors = {}) =>
    reply.code(Object.keys(errors).length ? 400 : 200).page('school/group-form', {
      title: t('school.groups.newTitle', { name: year.name }),
      crumbs: yearCrumbs(year, { href: `/school/years/${year.id}/groups`, label: t('common.menu.groups') }),
      year, input, errors, kinds: GROUP_KINDS, subjects: await q.listSubjects(db), classes: await q.classesOfYear(db, year.id),
    })

  app.get('/school/years/:id/groups/new', { preHandler: edit }, async (req, reply) => {
    const year = await q.assertYearWritable(db, idParam(req))
    return groupForm(reply, year, { kind: 'subgroup' })
  })

  app.post('/school/years/:id/groups/new', { preHandler: edit }, async (req, reply) => {
    const year = await q.assertYearWritable(db, idParam(req))
    const parsed = parseGroupForm(req.body)
    if (!parsed.ok) return groupForm(reply, year, keepInput(req.body), parsed.errors)
    const v = parsed.value
    const subject = (await q.listSubjects(db)).find((s) => s.id === v.subject_id)
    if (!subject) return groupForm(reply, year, keepInput(req.body), { subject_id: t('school.workload.pickSubject') })
    let grade = v.grade ?? 0
    if (v.class_id) {
      const cls = (await q.classesOfYear(db, year.id)).find((c) => c.id === v.class_id)
      if (!cls) return groupForm(reply, year, keepInput(req.body), { class_id: t('school.groups.pickClass') })
      grade = cls.grade
    }
    const n = v.kind === 'subgroup' && v.class_id ? (await q.countSubgroups(db, v.class_id, v.subject_id)) + 1 : 1
    const name = v.name || defaultGroupName(v.kind, subject.name, n, grade)
    const id = await q.createGroup(db, req.actor, year.id, { ...v, grade, name })
    return reply.flashRedirect(`/school/groups/${id}/members`, t('school.groups.created', { name }))
  })

  const renameForm = (reply: FastifyReply, g: Awaited<ReturnType<typeof q.getGroup>>, input: Record<string, string>, errors: FieldErrors = {}) =>
    reply.code(Object.keys(errors).length ? 400 : 200).page('school/group-rename', {
      title: t('school.groups.renameTitle'),
      crumbs: yearCrumbs({ id: g.year_id, name: g.yearName }, { href: `/school/years/${g.year_id}/groups`, label: t('common.menu.groups') }),
      group: g, input, errors,
    })

  app.get('/school/groups/:id/edit', { preHandler: edit }, async (req, reply) => {
    const g = await q.getGroup(db, idParam(req))
    await q.assertYearWritable(db, g.year_id)
    return renameForm(reply, g, { name: g.name })
  })

  app.post('/school/groups/:id/edit', { preHandler: edit }, async (req, reply) => {
    const g = await q.getGroup(db, idParam(req))
    await q.assertYearWritable(db, g.year_id)
    const parsed = parseGroupNameForm(req.body)
    if (!parsed.ok) return renameForm(reply, g, keepInput(req.body), parsed.errors)
    await q.renameGroup(db, req.actor, g.id, parsed.value.name)
    return reply.flashRedirect(`/school/years/${g.year_id}/groups`, t('common.saved'))
  })

  /** A group this user may see: readers see every group, a class teacher only those of their class. */
  async function visibleGroup(req: FastifyRequest, reply: FastifyReply) {
    const g = await q.getGroup(db, idParam(req))
    const scope = groupScope(req.user!)
    if (scope && (g.class_id === null || !scope.includes(g.class_id))) {
      reply.code(403).page('errors/403', { title: t('common.errors.forbiddenTitle') })
      return null
    }
    return g
  }

  const membersPage = async (reply: FastifyReply, req: FastifyRequest, g: Awaited<ReturnType<typeof q.getGroup>>,
    checked: number[] | null, errors: FieldErrors = {}) => {
    const candidates = await q.memberCandidates(db, g)
    return reply.code(Object.keys(errors).length ? 400 : 200).page('school/members', {
      title: t('school.members.title', { name: g.name }),
      crumbs: canDo(req.user, 'read')
        ? yearCrumbs({ id: g.year_id, name: g.yearName }, { href: `/school/years/${g.year_id}/groups`, label: t('common.menu.groups') })
        : [{ href: `/school/years/${g.year_id}/groups`, label: t('common.menu.groups') }],
      group: g, candidates, checked: checked ?? candidates.filter((c) => c.member).map((c) => c.id), errors,
      past: await q.pastMembers(db, g.id),
      canEdit: canEditMembers(req.user, g) && isYearWritable(g.yearStatus), today: today(),
    })
  }

  app.get('/school/groups/:id/members', { preHandler: groupReaders }, async (req, reply) => {
    const g = await visibleGroup(req, reply)
    if (!g) return reply
    return membersPage(reply, req, g, null)
  })

  app.post('/school/groups/:id/members', { preHandler: groupReaders }, async (req, reply) => {
    const g = await visibleGroup(req, reply)
    if (!g) return reply
    if (!canEditMembers(req.user, g)) return reply.code(403).page('errors/403', { title: t('common.errors.forbiddenTitle') })
    await q.assertYearWritable(db, g.year_id)
    const candidates = await q.memberCandidates(db, g)
    // Only students the form offered can join; any other id is ignored.
    const wanted = parseMembersForm(req.body).filter((id) => candidates.some((c) => c.id === id))
    const countError = memberCountError(g.kind, wanted.length)
    if (countError) return membersPage(reply, req, g, wanted, { student: countError })
    const { add, remove } = membershipChanges(candidates.filter((c) => c.member).map((c) => c.id), wanted)
    if (add.length || remove.length) await q.saveMembers(db, req.actor, g.id, add, remove, today())
    return reply.flashRedirect(`/school/groups/${g.id}/members`, t('school.members.saved', { added: add.length, removed: remove.length }))
  })
}
