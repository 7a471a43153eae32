// Every monitoring report, in the order /reports lists them.
import type { ReportDef } from './reports.routes.js'
import { controlReport } from './control.report.js'
import { controlLessonsReport } from './control-lessons.report.js'
import { activityReport } from './activity.report.js'
import { performanceReport } from './performance.report.js'
import { debtsReport } from './debts.report.js'
import { curriculumReport } from './curriculum.report.js'

export const REPORTS: ReportDef[] = [controlReport, controlLessonsReport, activityReport, performanceReport, debtsReport, curriculumReport]
