// Routes of lesson files: the list and upload form of a lesson, download, and removal with confirmation
// (R-J-2). Staff access is lessonAccess(); families reach homework files of their own lessons only.
import { stat } from 'node:fs/promises'
import { createReadStream } from 'node:fs'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Access } from '../../plugins/auth.js'
import { hasAccess, isStaff } from '../../plugins/auth.js'
import { t } from '../../i18n/index.js'
import { toId, type FieldErrors } from '../../lib/forms.js'
import { YearClosedError } from '../school/school.queries.js'
import { lessonAccess } from './journal.access.js'
import { attachmentById, canFamilyDownload, filesOfLesson, lessonHeading, removeFile, storeFile, storedPath } from './files.queries.js'
import { ALLOWED_LIST, PURPOSES, checkUpload, contentDisposition, extensionOf, sizeLabel } from './files.rules.js'

const STAFF: Access[] = ['admin', 'director', 'deputy', 'scheduler', 'teacher', 'clerk', 'classTeacher']

const filesUrl = (lessonId: number) => `/journal/lessons/${lessonId}/files`

/** The upload limit of @fastify/multipart, met while the file is read. */
function isTooLarge(e: unknown): boolean {
  return (e as { code?: string })?.code === 'FST_REQ_FILE_TOO_LARGE'
}

export default async function filesRoutes(app: FastifyInstance): Promise<void> {
  const db = app.db
  const maxMb = app.config.uploadMaxMb
  const notFound = (reply: FastifyReply) =>
    reply.code(404).page('errors/error', { title: t('common.errors.notFoundTitle'), text: t('common.errors.notFoundText') })
  const forbidden = (reply: FastifyReply) => reply.code(403).page('errors/403', { title: t('common.errors.forbiddenTitle') })

  /** The lesson of the URL with the user's access to it; otherwise null and a 404 or 403 has been sent. */
  async function lessonFor(req: FastifyRequest, reply: FastifyReply, need: 'read' | 'edit') {
    const id = toId((req.params as { lessonId?: string }).lessonId)
    const found = id ? await lessonAccess(db, req.user!, id) : null
    if (!found) { notFound(reply); return null }
    if (!found.access || (need === 'edit' && found.access !== 'edit')) { forbidden(reply); return null }
    return { id: found.lesson.id, access: found.access }
  }

  async function page(reply: FastifyReply, lessonId: number, access: 'edit' | 'read', extra: { errors?: FieldErrors; input?: Record<string, string>; refusal?: string } = {}) {
    const lesson = (await lessonHeading(db, lessonId))!
    const files = (await filesOfLesson(db, lessonId)).map((f) => ({ ...f, sizeText: sizeLabel(f.size) }))
    const canEdit = access === 'edit' && !lesson.yearClosed
    return reply.page('files/lesson', {
      title: t('files.title'),
      lesson, canEdit, canUpload: canEdit && lesson.status === 'scheduled',
      groups: PURPOSES.map((p) => ({ purpose: p, files: files.filter((f) => f.purpose === p) })),
      maxMb, allowed: ALLOWED_LIST, accept: ALLOWED_LIST.split(', ').map((e) => `.${e}`).join(','),
      action: filesUrl(lessonId),
      errors: extra.errors ?? {}, input: extra.input ?? { purpose: 'lesson' }, refusal: extra.refusal,
    })
  }

  app.get('/journal/lessons/:lessonId/files', { preHandler: app.requireRoles(...STAFF) }, async (req, reply) => {
    const l = await lessonFor(req, reply, 'read')
    if (!l) return reply
    return page(reply, l.id, l.access)
  })

  app.post('/journal/lessons/:lessonId/files', { preHandler: app.requireRoles(...STAFF) }, async (req, reply) => {
    const l = await lessonFor(req, reply, 'edit')
    if (!l) return reply
    // The upload is read whole before answering: answering while the browser still sends it breaks the connection.
    let purpose = ''
    let name = ''
    let data: Buffer | null = null
    if (req.isMultipart()) {
      try {
        for await (const part of req.parts()) {
          if (part.type === 'field') {
            if (part.fieldname === 'purpose') purpose = String(part.value)
          } else if (part.fieldname === 'file' && data === null) {
            name = part.filename
            data = await part.toBuffer()
          } else {
            await part.toBuffer()
          }
        }
      } catch (e) {
        if (!isTooLarge(e)) throw e
        return page(reply.code(413), l.id, l.access, { input: { purpose }, errors: { file: t('files.tooLarge', { max: maxMb }) } })
      }
    }
    const input = { purpose }
    const check = checkUpload({ name, size: data?.length ?? 0, purpose })
    if (!check.ok) {
      const errors: FieldErrors = check.error === 'badPurpose'
        ? { purpose: t('files.badPurpose') }
        : { file: t(`files.${check.error}`, { ext: extensionOf(name) || '—', allowed: ALLOWED_LIST }) }
      return page(reply.code(400), l.id, l.access, { input, errors })
    }
    const lesson = (await lessonHeading(db, l.id))!
    if (lesson.status !== 'scheduled') return page(reply.code(400), l.id, l.access, { input, refusal: t('files.notHeld') })
    try {
      await storeFile(db, req.actor, app.config.dataDir, { id: l.id, yearId: lesson.yearId }, { ...check, data: data! })
    } catch (e) {
      if (!(e instanceof YearClosedError)) throw e
      return page(reply.code(409), l.id, l.access, { input, refusal: t('files.yearClosed', { name: e.yearName }) })
    }
    return reply.flashRedirect(filesUrl(l.id), t('files.uploaded', { name: check.name }))
  })

  // Staff by their access to the lesson; students and parents only through canFamilyDownload(). A file out of
  // reach answers 404 like a missing one, so that ids cannot be probed.
  app.get('/journal/files/:id', { preHandler: app.requireUser, config: { family: true } }, async (req, reply) => {
    const user = req.user!
    const id = toId((req.params as { id?: string }).id)
    const att = id ? await attachmentById(db, id) : undefined
    if (!att || att.removed_at) return notFound(reply)
    let allowed = false
    if (isStaff(user)) allowed = !!(await lessonAccess(db, user, att.lesson_id))?.access
    if (!allowed && hasAccess(user, 'student', 'parent')) allowed = await canFamilyDownload(db, user, att.id)
    if (!allowed) return notFound(reply)
    const file = storedPath(app.config.dataDir, att.stored_name)
    const st = await stat(file).catch(() => null)
    if (!st) {
      req.log.error({ attachment: att.id, file }, 'stored file missing')
      return reply.code(404).page('errors/error', { title: t('files.missingTitle'), text: t('files.missingText') })
    }
    return reply
      .type(att.mime)
      .header('content-disposition', contentDisposition(att.file_name))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'private, no-cache')
      .send(createReadStream(file))
  })

  /** The file of the URL, not removed, when the user may edit its lesson; otherwise null and 404/403 sent. */
  async function fileToRemove(req: FastifyRequest, reply: FastifyReply) {
    const id = toId((req.params as { id?: string }).id)
    const att = id ? await attachmentById(db, id) : undefined
    if (!att || att.removed_at) { notFound(reply); return null }
    const found = await lessonAccess(db, req.user!, att.lesson_id)
    if (!found?.access) { notFound(reply); return null }
    if (found.access !== 'edit') { forbidden(reply); return null }
    return { att, yearId: found.lesson.yearId }
  }

  app.get('/journal/files/:id/remove', { preHandler: app.requireRoles(...STAFF) }, async (req, reply) => {
    const f = await fileToRemove(req, reply)
    if (!f) return reply
    return reply.page('files/remove', {
      title: t('files.removeTitle'),
      text: t('files.removeText', { name: f.att.file_name }),
      action: `/journal/files/${f.att.id}/remove`, back: filesUrl(f.att.lesson_id),
    })
  })

  app.post('/journal/files/:id/remove', { preHandler: app.requireRoles(...STAFF) }, async (req, reply) => {
    const f = await fileToRemove(req, reply)
    if (!f) return reply
    try {
      await removeFile(db, req.actor, f.att.id, f.yearId)
    } catch (e) {
      if (!(e instanceof YearClosedError)) throw e
      return page(reply.code(409), f.att.lesson_id, 'edit', { refusal: t('files.yearClosed', { name: e.yearName }) })
    }
    return reply.flashRedirect(filesUrl(f.att.lesson_id), t('files.removed', { name: f.att.file_name }))
  })
}
