// GET /healthz: 200 when the database answers, 503 otherwise; no session, no page rendering.
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'

export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/healthz', async (_req, reply) => {
    try {
      await sql`select 1`.execute(app.db)
      return reply.header('cache-control', 'no-store').send({ status: 'ok' })
    } catch (err) {
      app.log.error({ err }, 'health check failed')
      return reply.code(503).send({ status: 'unavailable' })
    }
  })
}
