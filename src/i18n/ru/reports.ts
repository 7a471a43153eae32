// Strings of the monitoring reports (R-REP): what they share here, each report's own in ./reports/<name>.ts.
import { control, controlLessons } from './reports/control.js'
import { activity } from './reports/activity.js'
import { performance } from './reports/performance.js'
import { debts } from './reports/debts.js'
import { curriculum } from './reports/curriculum.js'

export const reports = {
  title: 'Отчёты',
  intro: 'Отчёты для контроля ведения журнала, успеваемости и выполнения программы. Каждый отчёт можно распечатать, сохранить в PDF и выгрузить в Excel (.xlsx) или CSV — с теми же цифрами, что на экране.',
  scopeAll: 'Вы видите отчёты по всей школе.',
  scopeOwn: 'Вы видите свои уроки и классы, в которых вы классный руководитель.',
  noYear: 'Учебный год не создан: отчётам нечего показать.',
  filters: {
    legend: 'Параметры отчёта',
    year: 'Учебный год',
    range: 'За',
    rangeKinds: { week: 'неделю', month: 'месяц', period: 'учебный период', year: 'учебный год' },
    week: 'Неделя (любой её день)',
    weekHint: 'ДД.ММ.ГГГГ',
    month: 'Месяц',
    period: 'Учебный период',
    class: 'Класс',
    teacher: 'Учитель',
    subject: 'Предмет',
    grade: 'Параллель',
    any: 'все',
    gradeOption: '{n}-е классы',
    show: 'Показать',
  },
  actions: { pdf: 'Печать (PDF)', xlsx: 'Excel (.xlsx)', csv: 'CSV' },
  empty: 'Нет данных за выбранный период.',
  printedAt: 'Сформировано {at}',
  range: {
    week: 'неделя {from}–{to}',
    month: '{month} {year}',
    year: '{year} учебный год',
  },
  periods: { quarter: '{n} четверть', trimester: '{n} триместр', half: '{n} полугодие' },
  months: {
    1: 'январь', 2: 'февраль', 3: 'март', 4: 'апрель', 5: 'май', 6: 'июнь',
    7: 'июль', 8: 'август', 9: 'сентябрь', 10: 'октябрь', 11: 'ноябрь', 12: 'декабрь',
  },
  errors: {
    week: 'Введите дату в виде ДД.ММ.ГГГГ.',
    month: 'Выберите месяц из списка.',
    period: 'Выберите учебный период из списка.',
    class: 'Выберите класс из списка.',
    teacher: 'Выберите учителя из списка.',
    subject: 'Выберите предмет из списка.',
    grade: 'Выберите параллель из списка.',
  },
  control, controlLessons, activity, performance, debts, curriculum,
}
