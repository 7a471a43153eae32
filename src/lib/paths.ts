// Where the project's own folders are, whether running from src/ (tests) or from dist/ (npm start).
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'views'))) return dir
    const up = path.dirname(dir)
    if (up === dir) return process.cwd()
    dir = up
  }
}

export const projectRoot = findRoot()
export const viewsRoot = path.join(projectRoot, 'views')
export const publicRoot = path.join(projectRoot, 'public')
