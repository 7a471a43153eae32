// The start page: what each role does here, as links to the pages it may use.
import type { FastifyInstance } from 'fastify'
import { t } from '../../i18n/index.js'

export default async function homeRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', { preHandler: app.requireUser }, async (_req, reply) => reply.page('home/index', { title: t('common.menu.home') }))
}
