// The demo school's bells and weekly timetable: every class's curriculum laid out Monday–Friday so that no
// teacher is in two places at once, days are as long as the grade allows, and a subject is spread over the week.
import { Rng } from './random.js'

/** Bells: eight lessons of 45 minutes from 08:30, ten-minute breaks and two long ones for meals after lessons 2 and 3. */
export const BELLS: readonly { number: number; startsAt: string; endsAt: string }[] = (() => {
  const breaks = [10, 20, 20, 10, 10, 10, 10]
  const out: { number: number; startsAt: string; endsAt: string }[] = []
  let t = 8 * 60 + 30
  const hm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
  for (let n = 1; n <= 8; n++) {
    out.push({ number: n, startsAt: hm(t), endsAt: hm(t + 45) })
    t += 45 + (breaks[n - 1] ?? 0)
  }
  return out
})()

/** Minutes after midnight at which lesson n ends. */
export function lessonEndMinutes(n: number): number {
  const [h, m] = BELLS[n - 1].endsAt.split(':').map(Number)
  return h * 60 + m
}

export const DAYS = 5
const MAX_PERIODS = 8

/** Lessons a day at most (hygiene rules: 4 in the first grade, 5 in primary, 6 in grades 5–6, 7 above). */
export function maxLessonsPerDay(grade: number): number {
  return grade === 1 ? 4 : grade <= 4 ? 5 : grade <= 6 ? 6 : 7
}

/** One teacher's part of a lesson: the whole class, or one subgroup of it. */
export interface TtItem { groupId: number | null; teacherId: number }
/** A subject of a class taught `count` times a week; a split subject's two subgroups share the cell. */
export interface TtLine { subjectId: number; subject: string; count: number; items: TtItem[] }
export interface TtClass { classId: number; grade: number; lines: TtLine[] }
export interface TtSlot { classId: number; groupId: number | null; subjectId: number; teacherId: number; weekday: number; lessonNumber: number }

/** Weekly lessons of a curriculum line: whole hours as they are; half-hours round up (a 0.5 h line still needs a slot). */
export function weeklyCount(hours: number): number {
  return hours <= 0 ? 0 : Math.max(1, Math.round(hours))
}

/** Lengths of the five days: as even as possible, the longer days in the middle of the week. */
export function dayLengths(total: number, grade: number): number[] {
  const base = Math.floor(total / DAYS)
  const extra = total % DAYS
  const lengths = new Array<number>(DAYS).fill(base)
  for (const d of [1, 2, 3, 0, 4].slice(0, extra)) lengths[d]++
  const cap = Math.max(maxLessonsPerDay(grade), ...lengths)
  if (cap > MAX_PERIODS) throw new Error(`demo timetable: ${total} lessons a week do not fit in ${DAYS} days`)
  return lengths
}

/** Subjects better not at the first lesson, and the ones that want a fresh head (lessons 2–4). */
const LIGHT = new Set(['Физическая культура', 'Музыка', 'Изобразительное искусство', 'Труд (технология)'])
const HARD = new Set(['Русский язык', 'Математика', 'Алгебра', 'Геометрия', 'Физика', 'Химия', 'Английский язык', 'Информатика'])

interface Item { line: TtLine; teachers: number[] }

/**
 * Lays out every class. Classes go one by one: the most constrained lesson first into the best free cell, then a
 * bipartite matching (augmenting paths) when greedy choice gets stuck; if even that fails, a class that holds
 * the needed teachers is taken out and laid out again later.
 */
export function buildTimetable(classes: readonly TtClass[], seed: number): TtSlot[] {
  const rng = new Rng(seed ^ 0x5eed71)
  const cell = (d: number, p: number) => d * (MAX_PERIODS + 1) + p
  const busy = new Map<number, Int32Array>() // teacher → class id + 1 occupying each cell, 0 if free
  const busyOf = (t: number) => {
    let a = busy.get(t)
    if (!a) busy.set(t, (a = new Int32Array(DAYS * (MAX_PERIODS + 1))))
    return a
  }
  const byId = new Map(classes.map((c) => [c.classId, c]))
  const placed = new Map<number, Map<number, TtLine>>() // class → cell → line
  const lengths = new Map(classes.map((c) => [c.classId, dayLengths(c.lines.reduce((s, l) => s + l.count, 0), c.grade)]))

  function place(c: TtClass): number[] | null {
    const len = lengths.get(c.classId)!
    const cells: number[] = []
    for (let d = 0; d < DAYS; d++) for (let p = 1; p <= len[d]; p++) cells.push(cell(d, p))
    const items: Item[] = []
    for (const line of c.lines) for (let i = 0; i < line.count; i++) items.push({ line, teachers: line.items.map((x) => x.teacherId) })
    const free = (it: Item, k: number) => it.teachers.every((t) => busyOf(t)[k] === 0)
    const owner = new Map<number, Item>()
    const at = new Map<Item, number>()
    const perDay = new Map<TtLine, number[]>()
    const dayCount = (l: TtLine) => perDay.get(l) ?? (perDay.set(l, new Array<number>(DAYS).fill(0)), perDay.get(l)!)

    // Greedy: the item with the fewest usable cells goes next, into the cell that spreads its subject best.
    const left = new Set(items)
    while (left.size) {
      let best: Item | null = null
      let bestOptions: number[] = []
      for (const it of left) {
        const options = cells.filter((k) => !owner.has(k) && free(it, k))
        if (!best || options.length < bestOptions.length) { best = it; bestOptions = options }
        if (options.length === 0) break
      }
      const it = best!
      if (bestOptions.length === 0) break
      let choice = -1
      let score = Infinity
      for (const k of bestOptions) {
        const d = Math.floor(k / (MAX_PERIODS + 1))
        const p = k % (MAX_PERIODS + 1)
        const s = dayCount(it.line)[d] * 10
          + (LIGHT.has(it.line.subject) && p <= 1 ? 1.5 : 0)
          + (HARD.has(it.line.subject) && (p < 2 || p > 4) ? 0.7 : 0)
          + rng.next()
        if (s < score) { score = s; choice = k }
      }
      owner.set(choice, it)
      at.set(it, choice)
      dayCount(it.line)[Math.floor(choice / (MAX_PERIODS + 1))]++
      left.delete(it)
    }

    // Matching for what greedy could not place: move already placed lessons of the class along augmenting paths.
    const augment = (it: Item, seen: Set<number>): boolean => {
      for (const k of cells) {
        if (seen.has(k) || !free(it, k)) continue
        seen.add(k)
        const other = owner.get(k)
        if (!other || augment(other, seen)) {
          owner.set(k, it)
          at.set(it, k)
          return true
        }
      }
      return false
    }
    for (const it of items) {
      if (at.has(it)) continue
      if (!augment(it, new Set())) {
        // The teachers this lesson needs, at cells of this class: whoever holds them is in the way.
        return [...new Set(cells.flatMap((k) => it.teachers.map((t) => busyOf(t)[k] - 1)).filter((id) => id > 0 && id !== c.classId))]
      }
    }
    const mine = new Map<number, TtLine>()
    for (const [k, it] of owner) {
      for (const t of it.teachers) busyOf(t)[k] = c.classId + 1
      mine.set(k, it.line)
    }
    placed.set(c.classId, mine)
    return null
  }

  function unplace(classId: number) {
    const mine = placed.get(classId)!
    for (const [k, line] of mine) for (const x of line.items) busyOf(x.teacherId)[k] = 0
    placed.delete(classId)
  }

  // Short-day (primary) classes first: their specialists have the fewest cells to choose from.
  const queue = [...classes].sort((a, b) => a.grade - b.grade || a.classId - b.classId).map((c) => c.classId)
  let steps = 0
  while (queue.length) {
    if (++steps > classes.length * 200) throw new Error('demo timetable: no layout found')
    const id = queue.shift()!
    const blockers = place(byId.get(id)!)
    if (blockers === null) continue
    const victim = blockers.length ? rng.pick(blockers) : rng.pick([...placed.keys()])
    unplace(victim)
    queue.unshift(id)
    queue.push(victim)
  }

  const slots: TtSlot[] = []
  for (const c of classes) {
    const mine = placed.get(c.classId)!
    for (const k of [...mine.keys()].sort((a, b) => a - b)) {
      const line = mine.get(k)!
      for (const x of line.items) {
        slots.push({
          classId: c.classId, groupId: x.groupId, subjectId: line.subjectId, teacherId: x.teacherId,
          weekday: Math.floor(k / (MAX_PERIODS + 1)) + 1, lessonNumber: k % (MAX_PERIODS + 1),
        })
      }
    }
  }
  return slots
}
