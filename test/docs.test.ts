// README and .env.example document every setting of src/config.ts, so that an admin can find each one.
import t from 'tap'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { SETTINGS } from '../src/config.js'
import { projectRoot } from '../src/lib/paths.js'

t.test('every setting is documented', async (t) => {
  const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8')
  const example = readFileSync(path.join(projectRoot, '.env.example'), 'utf8')
  for (const s of Object.values(SETTINGS)) {
    t.match(readme, `\`${s.env}\``, `README names ${s.env}`)
    t.match(example, new RegExp(`^${s.env}=${s.default.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`, 'm'), `.env.example has ${s.env} with its default`)
  }
  t.match(readme, 'npm start')
  t.match(readme, 'npm test')
})
