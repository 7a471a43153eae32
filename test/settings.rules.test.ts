// Table tests of the journal settings rules: weights, checking deadlines, the school-editable rules and their
// forms (R-J-4, R-J-6).
import t from 'tap'
import { JOURNAL_SETTINGS } from '../src/lib/school-settings.js'
import { parseJournalSettingsForm, parseWorkKindForm } from '../src/features/settings/settings.form.js'
import {
  canDeleteKind, deadlineCode, deadlineText, fmtNumber, isFlag, parseSetting, parseWeight, splitDeadline, SETTING_KEYS,
} from '../src/features/settings/settings.rules.js'
import { parseDeadline } from '../src/features/journal/journal.rules.js'

t.test('R-J-4: a weight is 0.5–10 with at most two decimals, written either way', async (t) => {
  const cases: [string, number | null][] = [
    ['1', 1], ['1,5', 1.5], ['1.5', 1.5], ['0,5', 0.5], ['10', 10], [' 2 ', 2], ['1,25', 1.25],
    ['0,4', null], ['0', null], ['10,5', null], ['11', null], ['1,255', null], ['-1', null], ['один', null], ['', null], ['1,5,5', null],
  ]
  for (const [s, want] of cases) t.equal(parseWeight(s), want, `«${s}»`)
  t.equal(fmtNumber(1.5), '1,5')
  t.equal(fmtNumber(2), '2')
})

t.test('R-J-6: checking deadlines round-trip between the form and the stored code', async (t) => {
  const cases: [string, { kind: string; days: number | null }, string][] = [
    ['same_day', { kind: 'same_day', days: null }, 'в день урока'],
    ['next_lesson', { kind: 'next_lesson', days: null }, 'к следующему уроку'],
    ['days:3', { kind: 'days', days: 3 }, 'в течение 3 дн.'],
    ['days:10', { kind: 'days', days: 10 }, 'в течение 10 дн.'],
  ]
  for (const [code, split, text] of cases) {
    t.same(splitDeadline(code), split, code)
    t.equal(deadlineCode(split.kind as 'days', split.days), code, `${code} back`)
    t.equal(deadlineText(code), text)
    t.doesNotThrow(() => parseDeadline(code), 'the journal understands it')
  }
})

t.test('R-J-4: a kind of work in use cannot be deleted', async (t) => {
  for (const [used, want] of [[0, true], [1, false], [250, false]] as const) t.equal(canDeleteKind(used), want, `used ${used}`)
})

t.test('R-J-6: each school-editable rule is checked against its range from JOURNAL_SETTINGS', async (t) => {
  const cases: [keyof typeof JOURNAL_SETTINGS, string, number | string][] = [
    ['homework_grace_minutes', '60', 60],
    ['homework_grace_minutes', '0', 0],
    ['homework_grace_minutes', '1440', 1440],
    ['homework_grace_minutes', '1441', 'Введите целое число от 0 до 1440.'],
    ['homework_grace_minutes', '90,5', 'Введите целое число от 0 до 1440.'],
    ['homework_grace_minutes', 'час', 'Введите целое число от 0 до 1440.'],
    ['rounding_threshold', '0,6', 0.6],
    ['rounding_threshold', '0.5', 0.5],
    ['rounding_threshold', '0,9', 0.9],
    ['rounding_threshold', '0,45', 'Введите число от 0,5 до 0,9.'],
    ['rounding_threshold', '1', 'Введите число от 0,5 до 0,9.'],
    ['default_entry_days', '7', 7],
    ['default_entry_days', '0', 'Введите целое число от 1 до 30.'],
    ['default_entry_days', '31', 'Введите целое число от 1 до 30.'],
    ['final_days_before', '0', 0],
    ['final_days_after', '30', 30],
    ['final_days_after', '-1', 'Введите целое число от 0 до 30.'],
  ]
  for (const [key, raw, want] of cases) {
    const p = parseSetting(key, raw)
    t.same(p, typeof want === 'number' ? { ok: true, value: want } : { ok: false, error: want }, `${key} «${raw}»`)
  }
  t.same(SETTING_KEYS.filter((k) => isFlag(JOURNAL_SETTINGS[k])), ['show_class_average'], 'only the yes/no rule is a checkbox')
})

t.test('R-J-6: the rules form — every rule required, a flag unticked is 0', async (t) => {
  const good = { homework_grace_minutes: '60', rounding_threshold: '0,6', default_entry_days: '5', final_days_before: '7', final_days_after: '2' }
  t.same(parseJournalSettingsForm({ ...good, show_class_average: 'on' }), {
    ok: true, value: { homework_grace_minutes: 60, rounding_threshold: 0.6, default_entry_days: 5, final_days_before: 7, final_days_after: 2, show_class_average: 1 },
  })
  const off = parseJournalSettingsForm(good)
  t.equal(off.ok && off.value.show_class_average, 0)
  const bad = parseJournalSettingsForm({ ...good, homework_grace_minutes: '', rounding_threshold: '2' })
  t.same(bad, { ok: false, errors: { homework_grace_minutes: 'Заполните это поле.', rounding_threshold: 'Введите число от 0,5 до 0,9.' } })
})

t.test('R-J-4: the kind-of-work form', async (t) => {
  const base = { name: 'Тест', short_name: 'Т', weight: '1,5', deadline_kind: 'next_lesson', deadline_days: '', sort_order: '35' }
  const cases: [Record<string, string>, Record<string, unknown>][] = [
    [base, { ok: true, value: { name: 'Тест', short_name: 'Т', weight: 1.5, deadline: 'next_lesson', is_control: 0, sort_order: 35 } }],
    [{ ...base, deadline_kind: 'days', deadline_days: '3', is_control: 'on' }, { ok: true, value: { name: 'Тест', short_name: 'Т', weight: 1.5, deadline: 'days:3', is_control: 1, sort_order: 35 } }],
    [{ ...base, sort_order: '' }, { ok: true, value: { name: 'Тест', short_name: 'Т', weight: 1.5, deadline: 'next_lesson', is_control: 0, sort_order: 100 } }],
    [{ ...base, deadline_kind: 'days', deadline_days: '' }, { ok: false, errors: { deadline_days: 'Введите число дней от 1 до 30.' } }],
    [{ ...base, deadline_kind: 'days', deadline_days: '31' }, { ok: false, errors: { deadline_days: 'Введите число дней от 1 до 30.' } }],
    [{ ...base, deadline_kind: 'whenever' }, { ok: false, errors: { deadline_kind: 'Выберите значение из списка.' } }],
    [{ ...base, name: '', short_name: 'Слишком длинное', weight: '0,2', sort_order: 'x' }, { ok: false, errors: {
      name: 'Заполните это поле.', short_name: 'Слишком длинное значение (не более 10 символов).',
      weight: 'Вес — число от 0,5 до 10, не больше двух знаков после запятой (например, 1,5).', sort_order: 'Введите целое число от 0 до 9999.',
    } }],
  ]
  for (const [form, want] of cases) t.same(parseWorkKindForm(form), want, JSON.stringify(form))
})
