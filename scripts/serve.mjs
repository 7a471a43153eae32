// Runs the built server (dist/src/server.js) with the memory settings it is measured with (R-NF-2): `npm start`
// and `npm run bench` both start it through here, so the benchmark measures what a school runs.
//
// V8 sizes its heap for the machine: on a PC with many gigabytes it lets the old generation grow fourfold
// between collections, and the server's resident memory went from 120 MB to 300–400 MB under load. A ceiling of
// 512 MB (far above what any page or the year's archive needs) makes V8 grow the heap by about 1.4× instead,
// and 4 MB semi-spaces bound the young generation. Measured on the bench file, 32 connections: the journal page
// at 2,297 req/s kept and 221 built, as with 8 MB semi-spaces (2,291 and 223); the peak after the whole-school
// report 164 MB, against 302 MB with V8's defaults. Two malloc arenas, and allocations of 1 MB or more taken from
// and given back to the system directly: a login's 19 MiB password hash no longer stays resident after it.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

export const SERVER_FLAGS = ['--max-old-space-size=512', '--max-semi-space-size=4']
export const SERVER_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '1048576' }
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** The server as a child process with those settings; its output goes where `stdio` says. */
export function startServerProcess(env = process.env, stdio = 'inherit') {
  return spawn(process.execPath, [...SERVER_FLAGS, path.join(ROOT, 'dist/src/server.js')], { cwd: ROOT, env: { ...SERVER_ENV, ...env }, stdio })
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const child = startServerProcess()
  // Ctrl+C and a service manager's stop reach the server, which closes the database cleanly.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
}
