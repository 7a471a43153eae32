// Russian catalogue, one module per area so that areas can grow independently.
import { common } from './common.js'
import { auth } from './auth.js'

export const ru = { common, auth }
