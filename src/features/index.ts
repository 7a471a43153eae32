// The route table of the application: one plugin per area, registered in this order.
import type { FastifyPluginAsync } from 'fastify'
import healthRoutes from './health.routes.js'
import authRoutes from './auth/auth.routes.js'
import homeRoutes from './home/home.routes.js'

export const features: FastifyPluginAsync[] = [healthRoutes, authRoutes, homeRoutes]
