// Routes of the timetable area under /timetable: bells, a class's weekly timetable (grid form), the week pages
// of a class and a teacher, lesson generation, and the changes for a date (R-TT-1,2). Parse, call, render.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { t } from '../../i18n/index.js'
import { addDays, fmtDate, localDate, parseDate, weekday } from '../../lib/dates.js'
import { field, keepInput, toId, type FieldErrors } from '../../lib/forms.js'
import {
  assertYearWritable, classesOfYear, currentYear, getClass, getYear, holidaysOfYear, isTeacher, listYears, teachers,
  NotFoundError, YearClosedError, type Year,
} from '../school/school.queries.js'
import { isYearWritable } from '../school/school.rules.js'
import {
  bellField, cellField, parseBellsForm, parseExtraForm, parseGridForm, parseMoveForm, parseNoteForm, parseSubstituteForm, WEEKDAYS,
} from './timetable.form.js'
import * as q from './timetable.queries.js'
import type { LessonView, Line } from './timetable.queries.js'
import * as svc from './timetable.service.js'
import {
  BELL_NUMBERS, MAX_PLACES, ROLES_FOR, canEditTimetable, canReadClass, canReadTeacher, defaultValidFrom, isHoliday, placesPerCell,
  readsAllTimetables, shownNumbers, weekDates, weekGrid,
} from './timetable.rules.js'

function today(): string {
  return localDate(new Date())
}

function idParam(req: FastifyRequest, name: string): number {
  const id = toId((req.params as Record<string, string>)[name])
  if (!id) throw new NotFoundError()
  return id
}

function query(req: FastifyRequest, name: string): string {
  return field(req.query, name)
}

const hasErrors = (e: FieldErrors) => Object.keys(e).length > 0
const forbidden = (reply: FastifyReply) => reply.code(403).page('errors/403', { title: t('common.errors.forbiddenTitle') })

type Crumb = { href: string; label: string }
const crumbs = (...more: Crumb[]): Crumb[] => [{ href: '/timetable', label: t('timetable.title') }, ...more]

/** Lines offered in a grid cell: the class's workload, plus lines already in its timetable that left the workload. */
function mergeLines(workload: Line[], inTimetable: Line[]): Line[] {
  const out = [...workload]
  for (const l of inTimetable) if (!out.some((x) => x.key === l.key)) out.push({ ...l, label: `${l.label} ${t('timetable.grid.notInWorkload')}` })
  return out
}

export default async function timetableRoutes(app: FastifyInstance): Promise<void> {
  const db = app.db
  const read = app.requireRoles(...ROLES_FOR.read)
  const edit = app.requireRoles(...ROLES_FOR.edit)

  app.setErrorHandler(async (error, _req, reply) => {
    if (error instanceof YearClosedError) {
      return reply.code(409).page('errors/error', { title: t('school.closedTitle'), text: t('school.yearClosed', { name: error.yearName }) })
    }
    if (error instanceof NotFoundError) {
      return reply.code(404).page('errors/error', { title: t('common.errors.notFoundTitle'), text: t('common.errors.notFoundText') })
    }
    throw error
  })

  // ----- overview -----------------------------------------------------------------------------------------

  app.get('/timetable', { preHandler: read }, async (req, reply) => {
    const user = req.user!
    const yearId = toId(query(req, 'year'))
    const year = yearId ? await getYear(db, yearId) : await currentYear(db)
    const all = readsAllTimetables(user)
    let classes = year ? await classesOfYear(db, year.id) : []
    if (!all) {
      const taught = await q.taughtClassIds(db, user.personId)
      classes = classes.filter((c) => canReadClass(user, c.id, taught))
    }
    const staff = all ? await teachers(db) : []
    return reply.page('timetable/index', {
      title: t('timetable.title'), year, years: all ? await listYears(db) : [], classes, staff,
      isTeacher: user.roles.includes('teacher'), canEdit: canEditTimetable(user) && year !== null && isYearWritable(year.status),
      today: today(),
    })
  })

  // ----- bells --------------------------------------------------------------------------------------------

  const bellsPage = async (reply: FastifyReply, req: FastifyRequest, year: Year, input: Record<string, string> | null, errors: FieldErrors = {}) => {
    const bells = await q.bellsOfYear(db, year.id)
    const canEdit = canEditTimetable(req.user) && isYearWritable(year.status)
    const values = input ?? Object.fromEntries(bells.flatMap((b) => [[bellField(b.number, 's'), b.starts_at], [bellField(b.number, 'e'), b.ends_at]]))
    return reply.code(hasErrors(errors) ? 400 : 200).page('timetable/bells', {
      title: t('timetable.bells.title', { name: year.name }), crumbs: crumbs(), year, bells, canEdit, numbers: BELL_NUMBERS, bellField,
      input: values, errors,
    })
  }

  app.get('/timetable/years/:yearId/bells', { preHandler: read }, async (req, reply) =>
    bellsPage(reply, req, await getYear(db, idParam(req, 'yearId')), null))

  app.post('/timetable/years/:yearId/bells', { preHandler: edit }, async (req, reply) => {
    const year = await assertYearWritable(db, idParam(req, 'yearId'))
    const parsed = parseBellsForm(req.body)
    if (!parsed.ok) return bellsPage(reply, req, year, keepInput(req.body), parsed.errors)
    await svc.saveBells(db, req.actor, year.id, parsed.value)
    return reply.flashRedirect(`/timetable/years/${year.id}/bells`, t('timetable.bells.saved'))
  })

  // ----- lesson generation --------------------------------------------------------------------------------

  const generatedText = (g: svc.Generated) => [
    t('timetable.generated', { n: g.created }),
    g.gradesWithoutPeriods.length ? t('timetable.noPeriods', { grades: g.gradesWithoutPeriods.join(', ') }) : '',
  ].filter(Boolean).join(' ')

  app.post('/timetable/years/:yearId/generate', { preHandler: edit }, async (req, reply) => {
    const yearId = idParam(req, 'yearId')
    const g = await svc.generateYear(db, req.actor, yearId)
    return reply.flashRedirect(`/timetable?year=${yearId}`, generatedText(g))
  })

  // ----- week pages (read-only, printable) ----------------------------------------------------------------

  /** The week shown: the one containing ?week= (any day of it), else this week. */
  const weekOf = (req: FastifyRequest) => weekDates(parseDate(query(req, 'week')) ?? today())

  const weekPage = async (reply: FastifyReply, o: {
    title: string; kind: 'class' | 'teacher'; base: string; dates: string[]; lessons: LessonView[]; year: Year | null; grade: number | null
    personId: number | null; editHref: string | null
  }) => {
    const bells = o.year ? await q.bellsOfYear(db, o.year.id) : []
    const numbers = shownNumbers(bells, o.lessons.map((l) => l.lessonNumber))
    const holidays = o.year ? await holidaysOfYear(db, o.year.id) : []
    const days = weekGrid(o.dates, numbers, o.lessons).map((d) => ({
      ...d, holiday: o.grade !== null && isHoliday(d.date, o.grade, holidays),
    }))
    return reply.page('timetable/week', {
      title: o.title, crumbs: crumbs(), kind: o.kind, days, numbers, bells, personId: o.personId, editHref: o.editHref,
      range: t('timetable.week.range', { from: fmtDate(o.dates[0]), to: fmtDate(o.dates[5]) }),
      prev: `${o.base}?week=${addDays(o.dates[0], -7)}`, next: `${o.base}?week=${addDays(o.dates[0], 7)}`,
      thisWeek: o.base, empty: o.lessons.length === 0,
    })
  }

  app.get('/timetable/classes/:classId', { preHandler: read }, async (req, reply) => {
    const cls = await getClass(db, idParam(req, 'classId'))
    if (!canReadClass(req.user, cls.id, await q.taughtClassIds(db, req.user!.personId))) return forbidden(reply)
    const dates = weekOf(req)
    const year = await getYear(db, cls.year_id)
    return weekPage(reply, {
      title: t('timetable.week.classTitle', { label: cls.label }), kind: 'class', base: `/timetable/classes/${cls.id}`, dates,
      lessons: await q.classWeek(db, cls.id, dates[0]), year, grade: cls.grade, personId: null,
      editHref: canEditTimetable(req.user) && isYearWritable(year.status) ? `/timetable/classes/${cls.id}/edit` : null,
    })
  })

  app.get('/timetable/teachers/:personId', { preHandler: read }, async (req, reply) => {
    const personId = idParam(req, 'personId')
    if (!canReadTeacher(req.user, personId)) return forbidden(reply)
    const name = await q.personName(db, personId)
    if (!name || !(await isTeacher(db, personId))) throw new NotFoundError()
    const dates = weekOf(req)
    const year = (await q.yearOfDate(db, dates[0])) ?? (await q.yearOfDate(db, dates[5])) ?? (await currentYear(db))
    return weekPage(reply, {
      title: t('timetable.week.teacherTitle', { name }), kind: 'teacher', base: `/timetable/teachers/${personId}`, dates,
      lessons: await q.teacherWeek(db, personId, dates[0]), year, grade: null, personId, editHref: null,
    })
  })

  // ----- the weekly timetable of a class: the grid form ---------------------------------------------------

  const gridPage = async (
    reply: FastifyReply, cls: Awaited<ReturnType<typeof getClass>>, from: string, input: Record<string, string> | null, errors: FieldErrors = {},
  ) => {
    const year = await getYear(db, cls.year_id)
    const [workload, all, current, bells] = await Promise.all([
      q.classLines(db, cls.id), q.classSlots(db, cls.id, {}), q.classSlots(db, cls.id, { on: from }), q.bellsOfYear(db, year.id),
    ])
    // The same choices the save accepts, so that a re-shown form never loses a line the scheduler picked.
    const lines = mergeLines(workload, all.map((s) => s.line))
    let values = input
    const used: number[] = []
    const perCellUsed: number[] = []
    if (!values) {
      values = { valid_from: from }
      for (const s of current) {
        let k = 1
        while (values[cellField(s.weekday, s.lesson_number, k)]) k++
        values[cellField(s.weekday, s.lesson_number, k)] = s.line.key
        perCellUsed.push(k)
        used.push(s.lesson_number)
      }
    } else {
      for (const [name, v] of Object.entries(values)) {
        const m = /^c\d_(\d{1,2})_(\d)$/.exec(name)
        if (m && v) { used.push(Number(m[1])); perCellUsed.push(Number(m[2])) }
      }
    }
    const groupsPerSubject = new Map<number, Set<number>>()
    for (const l of lines) {
      if (l.group_id === null) continue
      if (!groupsPerSubject.has(l.subject_id)) groupsPerSubject.set(l.subject_id, new Set())
      groupsPerSubject.get(l.subject_id)!.add(l.group_id)
    }
    const perCell = placesPerCell([...groupsPerSubject.values()].map((s) => s.size), perCellUsed)
    // The summary lists every refusal at the top, so a clash in a far cell is not missed.
    const problems = Object.entries(errors).filter(([k]) => k.startsWith('c')).map(([, v]) => v)
    return reply.code(hasErrors(errors) ? 400 : 200).page('timetable/grid', {
      title: t('timetable.grid.title', { label: cls.label }), crumbs: crumbs({ href: `/timetable/classes/${cls.id}`, label: cls.label }),
      cls, year, lines, numbers: shownNumbers(bells, used), bells, weekdays: WEEKDAYS, perCell, cellField, input: values, errors, problems,
      noWorkload: workload.length === 0,
    })
  }

  app.get('/timetable/classes/:classId/edit', { preHandler: edit }, async (req, reply) => {
    const cls = await getClass(db, idParam(req, 'classId'))
    const year = await assertYearWritable(db, cls.year_id)
    const from = parseDate(query(req, 'from')) ?? defaultValidFrom(today(), year)
    return gridPage(reply, cls, from, null)
  })

  app.post('/timetable/classes/:classId/edit', { preHandler: edit }, async (req, reply) => {
    const cls = await getClass(db, idParam(req, 'classId'))
    await assertYearWritable(db, cls.year_id)
    const [workload, all] = await Promise.all([q.classLines(db, cls.id), q.classSlots(db, cls.id, {})])
    const lines = mergeLines(workload, all.map((s) => s.line))
    const parsed = parseGridForm(req.body, { numbers: BELL_NUMBERS, perCell: MAX_PLACES, lines: new Set(lines.map((l) => l.key)) })
    const fromInput = parseDate(field(req.body, 'valid_from')) ?? today()
    if (!parsed.ok) return gridPage(reply, cls, fromInput, keepInput(req.body), parsed.errors)
    const labels = new Map(lines.map((l) => [l.key, l.label]))
    const res = await svc.saveClassTimetable(db, req.actor, cls, parsed.value.from, parsed.value.slots, labels, today())
    if (!res.ok) return gridPage(reply, cls, fromInput, keepInput(req.body), res.errors)
    const text = [
      t('timetable.grid.saved', { label: cls.label, from: fmtDate(parsed.value.from), opened: res.opened, closed: res.closed }),
      res.removed ? t('timetable.grid.removed', { n: res.removed }) : '',
      res.kept.length ? t('timetable.grid.kept', { n: res.kept.length, list: res.kept.slice(0, 5).map((k) => `${fmtDate(k.date)} ${t('timetable.lessonNo', { n: k.lessonNumber })} ${k.what}`).join('; ') }) : '',
      generatedText(res.generated),
    ].filter(Boolean).join(' ')
    return reply.flashRedirect(`/timetable/classes/${cls.id}?week=${parsed.value.from}`, text)
  })

  // ----- changes for a date -------------------------------------------------------------------------------

  app.get('/timetable/changes', { preHandler: read }, async (req, reply) => {
    const date = parseDate(query(req, 'date')) ?? today()
    const canEdit = canEditTimetable(req.user)
    const teacherId = canEdit ? toId(query(req, 'teacher')) : null
    const classId = canEdit ? toId(query(req, 'class')) : null
    const year = (await q.yearOfDate(db, date)) ?? (await currentYear(db))
    return reply.page('timetable/changes', {
      title: t('timetable.changes.title', { date: fmtDate(date) }), crumbs: crumbs(), date, canEdit,
      weekday: t(`timetable.weekdaysLong.${weekday(date)}`),
      changes: await q.changesOn(db, date),
      staff: canEdit ? await teachers(db) : [], classes: canEdit && year ? await classesOfYear(db, year.id) : [],
      filter: { teacher: teacherId ?? '', class: classId ?? '' },
      dayLessons: teacherId || classId ? await q.lessonsOfDay(db, date, { teacherId: teacherId ?? undefined, classId: classId ?? undefined }) : null,
      prev: `/timetable/changes?date=${addDays(date, -1)}`, next: `/timetable/changes?date=${addDays(date, 1)}`,
      writable: year !== null && isYearWritable(year.status),
    })
  })

  type Kind = 'cancel' | 'move' | 'substitute' | 'unsubstitute'

  /** The lesson a change form is about, with the reason it may not be changed (shown instead of the form). */
  const changePage = async (reply: FastifyReply, kind: Kind, l: LessonView, input: Record<string, string>, errors: FieldErrors = {}) => {
    let refusal: string | null = null
    if (l.status !== 'scheduled') refusal = t('timetable.change.notScheduled')
    else if (kind === 'unsubstitute' && l.substituteId === null) refusal = t('timetable.change.noSubstitute')
    else if (kind !== 'substitute' && (await q.lessonsWithEntries(db, [l.id])).size) {
      refusal = t(kind === 'cancel' ? 'timetable.change.hasEntryCancel' : kind === 'move' ? 'timetable.change.hasEntryMove' : 'timetable.change.hasEntryWithdraw')
    }
    let options: { value: number; label: string }[] = []
    if (kind === 'substitute') {
      // Who is busy then is shown next to each name, so the scheduler picks someone free without trial and error.
      const busy = new Map((await q.lessonsAt(db, l.date, l.lessonNumber, l.id)).map((o) => [o.substituteId ?? o.teacherId, o.target]))
      options = (await teachers(db)).filter((p) => p.id !== l.teacherId).map((p) => ({
        value: p.id, label: busy.has(p.id) ? `${p.name} ${t('timetable.change.busyWith', { target: busy.get(p.id)! })}` : p.name,
      }))
    }
    const bells = await q.bellsOfYear(db, l.yearId)
    return reply.code(hasErrors(errors) ? 400 : 200).page('timetable/change', {
      title: t(`timetable.change.${kind}Title`), crumbs: crumbs({ href: `/timetable/changes?date=${l.date}`, label: t('timetable.changes.short', { date: fmtDate(l.date) }) }),
      kind, l, refusal, input, errors, options, numbers: shownNumbers(bells, [l.lessonNumber]),
      action: `/timetable/lessons/${l.id}/${kind}`, back: `/timetable/changes?date=${l.date}`,
    })
  }

  const lessonFor = async (req: FastifyRequest): Promise<LessonView> => {
    const l = await q.lessonView(db, idParam(req, 'lessonId'))
    if (!l) throw new NotFoundError()
    await assertYearWritable(db, l.yearId)
    return l
  }

  // Back to the day's lessons of the same teacher: an absent teacher's lessons are usually changed one after another.
  const dayOf = (l: { date: string; teacherId: number }) => `/timetable/changes?date=${l.date}&teacher=${l.teacherId}`

  for (const kind of ['cancel', 'unsubstitute'] as const) {
    app.get(`/timetable/lessons/:lessonId/${kind}`, { preHandler: edit }, async (req, reply) => changePage(reply, kind, await lessonFor(req), {}))
    app.post(`/timetable/lessons/:lessonId/${kind}`, { preHandler: edit }, async (req, reply) => {
      const l = await lessonFor(req)
      const parsed = parseNoteForm(req.body)
      if (!parsed.ok) return changePage(reply, kind, l, keepInput(req.body), parsed.errors)
      const res = kind === 'cancel' ? await svc.cancelLesson(db, req.actor, l.id, parsed.value.note) : await svc.withdrawSubstitution(db, req.actor, l.id, parsed.value.note)
      if (!res.ok) return changePage(reply, kind, l, keepInput(req.body), res.errors)
      return reply.flashRedirect(dayOf(l), t(`timetable.change.${kind}Done`))
    })
  }

  app.get('/timetable/lessons/:lessonId/move', { preHandler: edit }, async (req, reply) => {
    const l = await lessonFor(req)
    return changePage(reply, 'move', l, { date: l.date, lesson_number: String(l.lessonNumber) })
  })

  app.post('/timetable/lessons/:lessonId/move', { preHandler: edit }, async (req, reply) => {
    const l = await lessonFor(req)
    const parsed = parseMoveForm(req.body, BELL_NUMBERS)
    if (!parsed.ok) return changePage(reply, 'move', l, keepInput(req.body), parsed.errors)
    const res = await svc.moveLesson(db, req.actor, l.id, parsed.value)
    if (!res.ok) return changePage(reply, 'move', l, keepInput(req.body), res.errors)
    return reply.flashRedirect(dayOf(l), t('timetable.change.moveDone', { date: fmtDate(parsed.value.date), n: parsed.value.lessonNumber }))
  })

  app.get('/timetable/lessons/:lessonId/substitute', { preHandler: edit }, async (req, reply) => {
    const l = await lessonFor(req)
    return changePage(reply, 'substitute', l, { teacher_id: l.substituteId ? String(l.substituteId) : '', note: l.substituteId ? l.changeNote : '' })
  })

  app.post('/timetable/lessons/:lessonId/substitute', { preHandler: edit }, async (req, reply) => {
    const l = await lessonFor(req)
    const parsed = parseSubstituteForm(req.body)
    if (!parsed.ok) return changePage(reply, 'substitute', l, keepInput(req.body), parsed.errors)
    const res = await svc.substitute(db, req.actor, l.id, parsed.value.teacherId, parsed.value.note)
    if (!res.ok) return changePage(reply, 'substitute', l, keepInput(req.body), res.errors)
    return reply.flashRedirect(dayOf(l), t('timetable.change.substituteDone'))
  })

  // ----- extra lessons ------------------------------------------------------------------------------------

  const extraPage = async (reply: FastifyReply, date: string, classId: number | null, input: Record<string, string>, errors: FieldErrors = {}) => {
    const year = (await q.yearOfDate(db, date)) ?? (await currentYear(db))
    if (!year) throw new NotFoundError()
    const cls = classId ? await getClass(db, classId) : null
    if (cls) await assertYearWritable(db, cls.year_id)
    const bells = cls ? await q.bellsOfYear(db, cls.year_id) : []
    return reply.code(hasErrors(errors) ? 400 : 200).page('timetable/extra', {
      title: cls ? t('timetable.extra.titleClass', { label: cls.label }) : t('timetable.extra.title'),
      crumbs: crumbs({ href: `/timetable/changes?date=${date}`, label: t('timetable.changes.short', { date: fmtDate(date) }) }),
      date, cls, classes: await classesOfYear(db, cls?.year_id ?? year.id), lines: cls ? await q.classLines(db, cls.id) : [],
      numbers: shownNumbers(bells, []), input: { date, ...input }, errors,
    })
  }

  app.get('/timetable/extra', { preHandler: edit }, async (req, reply) =>
    extraPage(reply, parseDate(query(req, 'date')) ?? today(), toId(query(req, 'class')), {}))

  app.post('/timetable/extra', { preHandler: edit }, async (req, reply) => {
    const cls = await getClass(db, toId(field(req.body, 'class_id')) ?? 0)
    await assertYearWritable(db, cls.year_id)
    const lines = await q.classLines(db, cls.id)
    const date = parseDate(field(req.body, 'date')) ?? today()
    const parsed = parseExtraForm(req.body, new Set(lines.map((l) => l.key)), BELL_NUMBERS)
    if (!parsed.ok) return extraPage(reply, date, cls.id, keepInput(req.body), parsed.errors)
    const res = await svc.addExtraLesson(db, req.actor, { classId: cls.id, yearId: cls.year_id, ...parsed.value })
    if (!res.ok) return extraPage(reply, date, cls.id, keepInput(req.body), res.errors)
    return reply.flashRedirect(dayOf({ date: parsed.value.date, teacherId: parsed.value.line.teacher_id }), t('timetable.extra.done'))
  })
}
