// The route table of the application: one plugin per area, registered in this order.
import type { FastifyPluginAsync } from 'fastify'
import healthRoutes from './health.routes.js'
import authRoutes from './auth/auth.routes.js'
import homeRoutes from './home/home.routes.js'
import schoolRoutes from './school/school.routes.js'
import peopleRoutes from './people/people.routes.js'
import accountsRoutes from './accounts/accounts.routes.js'
import auditRoutes from './audit/audit.routes.js'

export const features: FastifyPluginAsync[] = [
  healthRoutes, authRoutes, homeRoutes, schoolRoutes, peopleRoutes, accountsRoutes, auditRoutes,
]
