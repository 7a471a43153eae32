// The start page: who you are here, your family or your classes, and links to what you may use.
import type { FastifyInstance } from 'fastify'
import { t } from '../../i18n/index.js'
import { localDate } from '../../lib/dates.js'
import { hasAccess } from '../../plugins/auth.js'
import { classLabels, familyOf } from './home.queries.js'
import { failedMailCount } from '../../lib/mail.js'
import { manageFor } from '../../plugins/menu.js'

export default async function homeRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', { preHandler: app.requireUser, config: { family: true } }, async (req, reply) => {
    const user = req.user!
    const family = hasAccess(user, 'parent', 'student') ? await familyOf(app.db, user.personId, localDate(new Date())) : []
    return reply.page('home/index', {
      title: t('common.menu.home'),
      family,
      myClasses: await classLabels(app.db, user.classTeacherOf),
      // The admin is told on arrival when letters could not be delivered (R-D-4: never lost silently).
      failedMail: hasAccess(user, 'admin') ? await failedMailCount(app.db) : 0,
    })
  })

  app.get('/manage', { preHandler: app.requireRoles('admin', 'director', 'deputy', 'scheduler', 'clerk') }, async (req, reply) =>
    reply.page('home/manage', { title: t('common.menu.manage'), tiles: manageFor(req.user!) }))
}
