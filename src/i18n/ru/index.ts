// Russian catalogue, one module per area so that areas can grow independently.
import { common } from './common.js'
import { auth } from './auth.js'
import { school } from './school.js'
import { people } from './people.js'
import { accounts } from './accounts.js'
import { audit } from './audit.js'
import { timetable } from './timetable.js'
import { journal } from './journal.js'
import { files } from './files.js'
import { attendance } from './attendance.js'
import { plan } from './plan.js'
import { settings } from './settings.js'
import { finals } from './finals.js'

export const ru = { common, auth, school, people, accounts, audit, timetable, journal, files, attendance, plan, settings, finals }
