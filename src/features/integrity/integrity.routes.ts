// Routes of document integrity (R-ARC-4): the public verification of a printed document by its code (and of a
// PDF file against the registry), the registry of issued documents, and the school's signing certificate.
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { t } from '../../i18n/index.js'
import { field, toId, type FieldErrors } from '../../lib/forms.js'
import { formatVerificationCode } from '../../print/documents.js'
import { checkPdfSignature, signPdf, SigningError } from '../../print/signing.js'
import { contentDisposition } from '../journal/files.rules.js'
import { parseKeyUpload, parseRegistryFilter } from './integrity.form.js'
import * as q from './integrity.queries.js'
import {
  certificateState, fileVerdict, issuerPositions, looksLikePdf, normalizeVerificationCode, signatureVerdict,
  DOCUMENT_KINDS, REGISTRY_ROLES, SIGNING_ROLES, type FileVerdict, type SignatureVerdict,
} from './integrity.rules.js'
import { currentSigningKey, installKey, installSelfSigned } from './integrity.service.js'

const SIGNING = '/settings/signing'

interface Upload { name: string; data: Buffer | null; fields: Record<string, string>; tooLarge: boolean }

/** Reads a multipart form whole (one file field, text fields); answering while the browser still sends breaks it. */
async function readUpload(req: FastifyRequest, fileField: string): Promise<Upload> {
  const out: Upload = { name: '', data: null, fields: {}, tooLarge: false }
  if (!req.isMultipart()) return out
  try {
    for await (const part of req.parts()) {
      if (part.type === 'field') out.fields[part.fieldname] = String(part.value)
      else if (part.fieldname === fileField && out.data === null) {
        out.name = part.filename
        out.data = await part.toBuffer()
      } else await part.toBuffer()
    }
  } catch (e) {
    if ((e as { code?: string })?.code !== 'FST_REQ_FILE_TOO_LARGE') throw e
    out.tooLarge = true
    out.data = null
  }
  return out
}

export default async function integrityRoutes(app: FastifyInstance): Promise<void> {
  const db = app.db
  const dataDir = app.config.dataDir
  // Codes are 10 characters of 31: guessing is hopeless, and the limit keeps it so. Its own key, because the
  // plugin's store is shared: checking papers must not use up an address's login attempts. Before the body is
  // read, so that an upload over the limit is not read at all.
  const verifyLimit = app.rateLimit({ max: 30, timeWindow: '1 minute', keyGenerator: (req) => `verify:${req.ip}` })
  const registryGuard = app.requireRoles(...REGISTRY_ROLES)
  const signingGuard = app.requireRoles(...SIGNING_ROLES)
  const notFound = (reply: FastifyReply) =>
    reply.code(404).page('errors/error', { title: t('common.errors.notFoundTitle'), text: t('common.errors.notFoundText') })

  // ----- verification: anyone holding the paper, without logging in ------------------------------------------

  const verifyForm = (reply: FastifyReply, input: Record<string, string> = {}, errors: FieldErrors = {}) =>
    reply.code(Object.keys(errors).length ? 400 : 200).page('integrity/verify-form', { title: t('integrity.verify.title'), input, errors })

  app.get('/verify', { config: { family: true }, onRequest: verifyLimit }, async (req, reply) => {
    const typed = field(req.query, 'code')
    if (!typed) return verifyForm(reply)
    const code = normalizeVerificationCode(typed)
    if (!code) return verifyForm(reply, { code: typed }, { code: t('integrity.verify.badCode') })
    return reply.redirect(`/verify/${code}`, 303)
  })

  async function showDocument(reply: FastifyReply, rawCode: string, check?: { verdict?: FileVerdict; signature?: SignatureVerdict; fileName?: string; error?: string }) {
    const code = normalizeVerificationCode(rawCode)
    const doc = code ? await q.documentByCode(db, code) : null
    if (!doc) {
      return reply.code(404).page('integrity/verify-form', {
        title: t('integrity.verify.notFoundTitle'), notFound: true, input: { code: rawCode.slice(0, 20) }, errors: {},
      })
    }
    const held = doc.issuerId ? await q.rolesOf(db, doc.issuerId) : null
    const positions = held ? issuerPositions(held.roles, held.classTeacher) : []
    return reply.code(check?.error ? 400 : 200).page('integrity/verify', {
      title: t('integrity.verify.docTitle', { number: doc.number }),
      doc, code: formatVerificationCode(doc.code), check: check ?? null,
      kindLabel: t(`integrity.kinds.${doc.kind}`),
      issuer: doc.issuerName ? [doc.issuerName, positions.map((r) => t(`common.roles.${r}`).toLowerCase()).join(', ')].filter(Boolean).join(', ') : t('integrity.verify.bySystem'),
      maxMb: app.config.uploadMaxMb,
    })
  }

  app.get('/verify/:code', { config: { family: true }, onRequest: verifyLimit }, async (req, reply) =>
    showDocument(reply, String((req.params as { code: string }).code)))

  // The person holds a file: is it the registered document, and is its own signature intact?
  app.post('/verify/:code', { config: { family: true }, onRequest: verifyLimit }, async (req, reply) => {
    const code = String((req.params as { code: string }).code)
    const up = await readUpload(req, 'file')
    if (up.tooLarge) return showDocument(reply, code, { error: t('integrity.verify.tooLarge', { max: app.config.uploadMaxMb }) })
    if (!up.data?.length) return showDocument(reply, code, { error: t('integrity.verify.noFile') })
    if (!looksLikePdf(up.data)) return showDocument(reply, code, { error: t('integrity.verify.notPdf'), fileName: up.name })
    const normal = normalizeVerificationCode(code)
    const doc = normal ? await q.documentByCode(db, normal) : null
    if (!doc) return showDocument(reply, code)
    const sha = createHash('sha256').update(up.data).digest('hex')
    return showDocument(reply, code, { verdict: fileVerdict(sha, doc), signature: signatureVerdict(checkPdfSignature(up.data)), fileName: up.name })
  })

  // ----- the registry ---------------------------------------------------------------------------------------

  app.get('/documents', { preHandler: registryGuard }, async (req, reply) => {
    const { filter, input } = parseRegistryFilter(req.query)
    const { rows, more } = await q.listDocuments(db, filter)
    const pageUrl = (page: number) => {
      const p = new URLSearchParams(Object.entries(input).filter(([, v]) => v))
      if (page > 1) p.set('page', String(page))
      const s = p.toString()
      return `/documents${s ? `?${s}` : ''}`
    }
    return reply.page('integrity/registry', {
      title: t('integrity.registry.title'), rows, input, kinds: DOCUMENT_KINDS, years: await q.yearsWithDocuments(db),
      page: filter.page, prev: filter.page > 1 ? pageUrl(filter.page - 1) : null, next: more ? pageUrl(filter.page + 1) : null,
      fmtCode: formatVerificationCode, canSign: req.user!.roles.includes('admin'),
    })
  })

  app.get('/documents/:id/pdf', { preHandler: registryGuard }, async (req, reply) => {
    const id = toId((req.params as { id: string }).id)
    const doc = id ? await q.documentById(db, id) : null
    if (!doc || !doc.stored_name) return notFound(reply)
    const data = await readFile(path.join(dataDir, 'documents', path.basename(doc.stored_name))).catch(() => null)
    if (!data) {
      req.log.error({ document: doc.id, file: doc.stored_name }, 'stored document missing')
      return reply.code(404).page('errors/error', { title: t('integrity.registry.missingTitle'), text: t('integrity.registry.missingText') })
    }
    await q.logDownload(db, req.actor, doc)
    return reply.type('application/pdf').header('content-disposition', contentDisposition(`${doc.number}.pdf`)).send(data)
  })

  // ----- the school's signing certificate ------------------------------------------------------------------

  async function signingPage(reply: FastifyReply, errors: FieldErrors = {}) {
    const installed = await currentSigningKey(db, dataDir)
    return reply.code(Object.keys(errors).length ? 400 : 200).page('integrity/signing', {
      title: t('integrity.signing.title'), installed,
      state: installed?.ok ? certificateState(installed.key) : null,
      errors, input: {},
    })
  }

  app.get(SIGNING, { preHandler: signingGuard }, async (_req, reply) => signingPage(reply))

  app.post(SIGNING, { preHandler: signingGuard }, async (req, reply) => {
    const up = await readUpload(req, 'file')
    if (up.tooLarge) return signingPage(reply, { file: t('integrity.err.fileTooBig') })
    const parsed = parseKeyUpload({ name: up.name, data: up.data, passphrase: up.fields.passphrase ?? '' })
    if (!parsed.ok) return signingPage(reply, parsed.errors)
    try {
      const key = await installKey(db, req.actor, dataDir, parsed.value.data, parsed.value.passphrase, 'upload')
      const state = certificateState(key)
      return reply.flashRedirect(SIGNING, t(state === 'valid' || state === 'expiresSoon' ? 'integrity.signing.installed' : 'integrity.signing.installedNotValid', { name: key.commonName }))
    } catch (e) {
      if (!(e instanceof SigningError)) throw e
      const where = e.code === 'badPassphrase' ? 'passphrase' : 'file'
      return signingPage(reply, { [where]: t(`integrity.err.${e.code}`) })
    }
  })

  app.get(`${SIGNING}/self-signed`, { preHandler: signingGuard }, async (_req, reply) => {
    const installed = await currentSigningKey(db, dataDir)
    return reply.page('integrity/self-signed', { title: t('integrity.selfSigned.title'), installed })
  })

  app.post(`${SIGNING}/self-signed`, { preHandler: signingGuard }, async (req, reply) => {
    const key = await installSelfSigned(db, req.actor, dataDir)
    return reply.flashRedirect(SIGNING, t('integrity.selfSigned.done', { name: key.commonName }))
  })

  // A page signed with the installed key, to open in the school's PDF reader: not a registered document.
  app.post(`${SIGNING}/sample`, { preHandler: signingGuard }, async (_req, reply) => {
    const installed = await currentSigningKey(db, dataDir)
    if (!installed?.ok) return reply.flashRedirect(SIGNING, t('integrity.sample.noKey'), 'error')
    const school = await q.schoolNameSetting(db)
    const { pdf } = await app.renderPdf('integrity/sample', { title: t('integrity.sample.heading'), cert: installed.key, madeAt: new Date().toISOString() })
    const signed = await signPdf(pdf, installed.key, '', {
      reason: t('integrity.sample.reason'), location: school.address || school.name, name: installed.key.commonName,
    })
    return reply.type('application/pdf').header('content-disposition', contentDisposition(t('integrity.sample.fileName'))).send(signed)
  })
}
