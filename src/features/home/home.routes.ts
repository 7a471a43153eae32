// The start page: who you are here, your family or your classes, and links to what you may use.
import type { FastifyInstance } from 'fastify'
import { t } from '../../i18n/index.js'
import { localDate } from '../../lib/dates.js'
import { hasAccess } from '../../plugins/auth.js'
import { classLabels, familyOf } from './home.queries.js'

export default async function homeRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', { preHandler: app.requireUser }, async (req, reply) => {
    const user = req.user!
    const family = hasAccess(user, 'parent', 'student') ? await familyOf(app.db, user.personId, localDate(new Date())) : []
    return reply.page('home/index', {
      title: t('common.menu.home'),
      family,
      myClasses: await classLabels(app.db, user.classTeacherOf),
    })
  })
}
