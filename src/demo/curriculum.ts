// Subjects, the weekly hours per grade (after the federal basic curriculum, five-day week) and who teaches what.

export interface SubjectDef { name: string; short: string; isPe?: boolean }

/** In the order the journal and the report card list them. */
export const SUBJECTS: readonly SubjectDef[] = [
  { name: 'Русский язык', short: 'Рус. яз.' },
  { name: 'Литературное чтение', short: 'Лит. чт.' },
  { name: 'Литература', short: 'Лит-ра' },
  { name: 'Английский язык', short: 'Англ. яз.' },
  { name: 'Математика', short: 'Матем.' },
  { name: 'Алгебра', short: 'Алгебра' },
  { name: 'Геометрия', short: 'Геом.' },
  { name: 'Вероятность и статистика', short: 'Вер. и стат.' },
  { name: 'Информатика', short: 'Информ.' },
  { name: 'История', short: 'История' },
  { name: 'Обществознание', short: 'Общ.' },
  { name: 'География', short: 'Геогр.' },
  { name: 'Окружающий мир', short: 'Окр. мир' },
  { name: 'Биология', short: 'Биол.' },
  { name: 'Физика', short: 'Физика' },
  { name: 'Химия', short: 'Химия' },
  { name: 'Основы религиозных культур и светской этики', short: 'ОРКСЭ' },
  { name: 'Основы духовно-нравственной культуры народов России', short: 'ОДНКНР' },
  { name: 'Музыка', short: 'Музыка' },
  { name: 'Изобразительное искусство', short: 'ИЗО' },
  { name: 'Труд (технология)', short: 'Труд' },
  { name: 'Основы безопасности и защиты Родины', short: 'ОБЗР' },
  { name: 'Физическая культура', short: 'Физ-ра', isPe: true },
]

type Hours = Record<string, number>

const PRIMARY_ARTS: Hours = { 'Музыка': 1, 'Изобразительное искусство': 1, 'Труд (технология)': 1, 'Физическая культура': 2 }
// Grades 10–11 on the universal profile, with the hours the school adds (a third hour of PE, a second of chemistry
// and biology) to reach the week of 33 lessons senior classes usually have.
const SENIOR: Hours = {
  'Русский язык': 2, 'Литература': 3, 'Английский язык': 3, 'Алгебра': 4, 'Геометрия': 3,
  'Вероятность и статистика': 1, 'Информатика': 1, 'История': 2, 'Обществознание': 2, 'География': 1,
  'Биология': 2, 'Физика': 2, 'Химия': 2, 'Основы безопасности и защиты Родины': 1, 'Физическая культура': 3,
}

/**
 * Hours per week by grade (index 1..11): the federal programme's compulsory part and, from the fifth grade, the
 * part the school sets itself (ОДНКНР and informatics in 5–6, a third hour of PE in 7–8), within the week's maximum.
 */
export const HOURS: readonly Hours[] = [
  {},
  { 'Русский язык': 5, 'Литературное чтение': 4, 'Математика': 4, 'Окружающий мир': 2, ...PRIMARY_ARTS },
  { 'Русский язык': 5, 'Литературное чтение': 4, 'Английский язык': 2, 'Математика': 4, 'Окружающий мир': 2, ...PRIMARY_ARTS },
  { 'Русский язык': 5, 'Литературное чтение': 4, 'Английский язык': 2, 'Математика': 4, 'Окружающий мир': 2, ...PRIMARY_ARTS },
  {
    'Русский язык': 5, 'Литературное чтение': 3, 'Английский язык': 2, 'Математика': 4, 'Окружающий мир': 2,
    'Основы религиозных культур и светской этики': 1, ...PRIMARY_ARTS,
  },
  {
    'Русский язык': 5, 'Литература': 3, 'Английский язык': 3, 'Математика': 5, 'Информатика': 1, 'История': 2, 'География': 1,
    'Биология': 1, 'Основы духовно-нравственной культуры народов России': 1, 'Музыка': 1, 'Изобразительное искусство': 1,
    'Труд (технология)': 2, 'Физическая культура': 2,
  },
  {
    'Русский язык': 6, 'Литература': 3, 'Английский язык': 3, 'Математика': 5, 'Информатика': 1, 'История': 2, 'Обществознание': 1,
    'География': 1, 'Биология': 1, 'Основы духовно-нравственной культуры народов России': 1, 'Музыка': 1,
    'Изобразительное искусство': 1, 'Труд (технология)': 2, 'Физическая культура': 2,
  },
  {
    'Русский язык': 4, 'Литература': 2, 'Английский язык': 3, 'Алгебра': 3, 'Геометрия': 2,
    'Вероятность и статистика': 1, 'Информатика': 1, 'История': 2, 'Обществознание': 1, 'География': 2,
    'Биология': 1, 'Физика': 2, 'Музыка': 1, 'Изобразительное искусство': 1, 'Труд (технология)': 2,
    'Физическая культура': 3,
  },
  {
    'Русский язык': 3, 'Литература': 2, 'Английский язык': 3, 'Алгебра': 3, 'Геометрия': 2,
    'Вероятность и статистика': 1, 'Информатика': 1, 'История': 2, 'Обществознание': 1, 'География': 2,
    'Биология': 2, 'Физика': 2, 'Химия': 2, 'Музыка': 1, 'Труд (технология)': 1,
    'Основы безопасности и защиты Родины': 1, 'Физическая культура': 3,
  },
  {
    'Русский язык': 3, 'Литература': 3, 'Английский язык': 3, 'Алгебра': 3, 'Геометрия': 2,
    'Вероятность и статистика': 1, 'Информатика': 1, 'История': 3, 'Обществознание': 1, 'География': 2,
    'Биология': 2, 'Физика': 3, 'Химия': 2, 'Труд (технология)': 1, 'Основы безопасности и защиты Родины': 1,
    'Физическая культура': 2,
  },
  SENIOR,
  SENIOR,
]

/**
 * Subjects a class is taught in two subgroups: language classes are kept small, a computer room seats half a class,
 * and from the fifth grade «Труд (технология)» is taught in two workshops (the usual split of a class of 25 and more).
 */
export function splitIntoSubgroups(subject: string, grade: number): boolean {
  return subject === 'Английский язык' || subject === 'Информатика' || (subject === 'Труд (технология)' && grade >= 5)
}

/** In grades 1–4 the class teacher teaches everything but these. */
export const PRIMARY_SPECIALIST_SUBJECTS: ReadonlySet<string> = new Set(['Английский язык', 'Музыка', 'Физическая культура'])

/**
 * A teacher's specialty: the subjects one person teaches in a class, how they describe it, and how often
 * the post is held by a man (for realistic names).
 */
export interface Specialty { key: string; subjects: readonly string[]; title: string; male: number }

export const SPECIALTIES: readonly Specialty[] = [
  { key: 'russian', subjects: ['Русский язык', 'Литература'], title: 'учитель русского языка и литературы', male: 0.05 },
  { key: 'math', subjects: ['Математика', 'Алгебра', 'Геометрия', 'Вероятность и статистика'], title: 'учитель математики', male: 0.2 },
  { key: 'english', subjects: ['Английский язык'], title: 'учитель английского языка', male: 0.1 },
  { key: 'cs', subjects: ['Информатика'], title: 'учитель информатики', male: 0.5 },
  { key: 'history', subjects: ['История', 'Обществознание', 'Основы духовно-нравственной культуры народов России'], title: 'учитель истории и обществознания', male: 0.3 },
  { key: 'geography', subjects: ['География'], title: 'учитель географии', male: 0.2 },
  { key: 'biology', subjects: ['Биология'], title: 'учитель биологии', male: 0.1 },
  { key: 'physics', subjects: ['Физика'], title: 'учитель физики', male: 0.4 },
  { key: 'chemistry', subjects: ['Химия'], title: 'учитель химии', male: 0.2 },
  { key: 'music', subjects: ['Музыка'], title: 'учитель музыки', male: 0.2 },
  { key: 'art', subjects: ['Изобразительное искусство'], title: 'учитель ИЗО', male: 0.2 },
  { key: 'craft', subjects: ['Труд (технология)'], title: 'учитель труда (технологии)', male: 0.5 },
  { key: 'safety', subjects: ['Основы безопасности и защиты Родины'], title: 'преподаватель-организатор ОБЗР', male: 0.8 },
  { key: 'pe', subjects: ['Физическая культура'], title: 'учитель физической культуры', male: 0.6 },
]

/**
 * Weekly hours a teacher is given at most (R-ORG-3: workload), and the load teachers are planned around: a post is
 * 18 hours, and with the part-timers every school has the average comes out a little under it (a school of 1,500
 * has about a hundred teachers).
 */
export const HOUR_CAP = 30
export const TARGET_LOAD = 17
