// Russian catalogue, one module per area so that areas can grow independently.
import { common } from './common.js'
import { auth } from './auth.js'
import { school } from './school.js'
import { people } from './people.js'
import { accounts } from './accounts.js'
import { audit } from './audit.js'

export const ru = { common, auth, school, people, accounts, audit }
