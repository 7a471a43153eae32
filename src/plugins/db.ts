// Makes the migrated database available as app.db and closes it with the app.
import fp from 'fastify-plugin'
import type { DB } from '../db/connection.js'

declare module 'fastify' {
  interface FastifyInstance { db: DB }
}

export default fp<{ db: DB }>(
  async (app, opts) => {
    app.decorate('db', opts.db)
    app.addHook('onClose', async () => { await opts.db.destroy() })
  },
  { name: 'db' },
)
