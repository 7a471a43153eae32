// Prepared queries (src/db/prepared.ts): built once, run with new arguments; a shape that drops an argument is refused.
import t from 'tap'
import { buildTestApp, makePerson } from './helper.js'
import { prepared } from '../src/db/prepared.js'
import type { Role } from '../src/db/types.js'

t.test('R-NF-1: a prepared query runs its one SQL with each call’s arguments, fixed values kept', async (t) => {
  const { app, db } = await buildTestApp()
  t.teardown(() => app.close())
  const a = await makePerson(db, { last: 'Первая', roles: ['teacher'] })
  const b = await makePerson(db, { last: 'Вторая', roles: ['teacher', 'deputy'] })
  let builds = 0
  const rolesOf = prepared((db, id: number, role: Role) => {
    builds++
    return db.selectFrom('person_roles').select('role').where('person_id', '=', id).where('role', '<>', role).where('role', '<>', 'admin').orderBy('role')
  })
  t.same(await rolesOf(db, a.personId, 'clerk'), [{ role: 'teacher' }])
  t.same(await rolesOf(db, b.personId, 'clerk'), [{ role: 'deputy' }, { role: 'teacher' }])
  t.same(await rolesOf(db, b.personId, 'teacher'), [{ role: 'deputy' }], 'every argument in its place')
  t.same(await rolesOf(db, 999999, 'clerk'), [])
  t.equal(builds, 1, 'built once')

  const shapeByArgument = prepared((db, id: number, unused: string) => db.selectFrom('persons').select('id').where('id', '=', id).where(unused ? 'id' : 'id', '>', 0))
  await t.rejects(shapeByArgument(db, a.personId, 'x'), /argument 1 is not a parameter/, 'an argument that is not a parameter is refused')

  // Inside a transaction it runs on the transaction's connection and sees its writes.
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('person_roles').values({ person_id: a.personId, role: 'clerk' }).execute()
    t.same(await rolesOf(trx, a.personId, 'admin'), [{ role: 'clerk' }, { role: 'teacher' }])
  })
})
