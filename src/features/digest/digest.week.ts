// The week of one child as the digest shows it: the diary's own week (diaryWeek, the same data the family sees
// on the diary page) put into words for a letter (R-D-4).
import type { DB } from '../../db/connection.js'
import { t } from '../../i18n/index.js'
import { addDays, fmtDate } from '../../lib/dates.js'
import { diaryWeek, type DiaryLesson } from '../diary/diary.queries.js'
import type { DigestLesson, DigestWeek } from './digest.render.js'
import { studentHeader } from './digest.queries.js'

const short = (date: string) => fmtDate(date).slice(0, 5)

/** How the lesson differs from the timetable, in words, or null. */
function changeText(l: DiaryLesson): string | null {
  const parts: string[] = []
  if (l.change === 'cancelled') parts.push(t('digest.change.cancelled'))
  else if (l.change === 'moved' && l.movedTo) parts.push(t('digest.change.movedTo', { date: short(l.movedTo.date), n: l.movedTo.number }))
  else if (l.change === 'moved') parts.push(t('digest.change.moved'))
  else if (l.change === 'transfer' && l.movedFrom) parts.push(t('digest.change.movedFrom', { date: short(l.movedFrom.date), n: l.movedFrom.number }))
  else if (l.change === 'extra') parts.push(t('digest.change.extra'))
  if (l.substitute) parts.push(t('digest.change.substitute', { name: l.substitute }))
  return parts.length ? parts.join('; ') : null
}

function lesson(l: DiaryLesson): DigestLesson {
  return {
    number: l.number, subject: l.group ?? l.subject, topic: l.topic, homework: l.homework, individualHomework: l.individualHomework ?? '',
    marks: l.marks.map((m) => ({ value: m.value, kind: m.kind ?? '' })),
    absence: l.absence ? l.absence.reason ?? 'unknown' : null,
    change: changeText(l),
  }
}

export async function digestWeek(db: DB, studentId: number, monday: string): Promise<DigestWeek> {
  const [week, header] = await Promise.all([diaryWeek(db, studentId, monday), studentHeader(db, studentId, addDays(monday, 6))])
  return {
    studentName: header.name,
    classLabel: week.classLabel ?? header.classLabel,
    monday,
    days: week.days.map((d) => ({ date: d.date, holiday: d.holiday, lessons: d.lessons.map(lesson) })),
    lateMarks: week.lateMarks.map((m) => ({ subject: m.subject, date: m.date, value: m.value, kind: m.kind ?? '' })),
  }
}
