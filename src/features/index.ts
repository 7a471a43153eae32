// The route table of the application: one plugin per area, registered in this order.
import type { FastifyPluginAsync } from 'fastify'
import healthRoutes from './health.routes.js'
import authRoutes from './auth/auth.routes.js'
import homeRoutes from './home/home.routes.js'
import schoolRoutes from './school/school.routes.js'
import peopleRoutes from './people/people.routes.js'
import accountsRoutes from './accounts/accounts.routes.js'
import auditRoutes from './audit/audit.routes.js'
import timetableRoutes from './timetable/timetable.routes.js'
import journalRoutes from './journal/journal.routes.js'
import filesRoutes from './journal/files.routes.js'
import attendanceRoutes from './attendance/attendance.routes.js'
import planRoutes from './plan/plan.routes.js'
import settingsRoutes from './settings/settings.routes.js'
import finalsRoutes from './finals/finals.routes.js'
import diaryRoutes from './diary/diary.routes.js'
import messagesRoutes from './messages/messages.routes.js'
import digestRoutes from './digest/digest.routes.js'
import integrityRoutes from './integrity/integrity.routes.js'
import archiveRoutes from './archive/archive.routes.js'
import archivePrintRoutes from './archive-print/archive-print.routes.js'
import weeklyRoutes from './reports-weekly/weekly.routes.js'
import reportsRoutes from './reports/reports.routes.js'

export const features: FastifyPluginAsync[] = [
  healthRoutes, authRoutes, homeRoutes, schoolRoutes, peopleRoutes, accountsRoutes, auditRoutes,
  timetableRoutes, journalRoutes, filesRoutes, attendanceRoutes, planRoutes, settingsRoutes, finalsRoutes,
  diaryRoutes, messagesRoutes, digestRoutes, integrityRoutes, archiveRoutes, archivePrintRoutes, weeklyRoutes,
  reportsRoutes,
]
