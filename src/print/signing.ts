// Electronic signatures of issued PDFs (R-ARC-4): PAdES baseline B-B (ETSI.CAdES.detached) with the school's
// PKCS#12 key, the demo's self-signed certificate, and a check of a PDF's signature for the verification page.
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, verify, X509Certificate, type KeyObject } from 'node:crypto'
import forge from 'node-forge'
import signpdfModule from '@signpdf/signpdf'
import { plainAddPlaceholder } from '@signpdf/placeholder-plain'
import { Signer, SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils'

const asn1 = forge.asn1
type Asn1 = forge.asn1.Asn1

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
} as const

const DIGEST_BY_OID: Record<string, string> = { [OID.sha1]: 'sha1', [OID.sha256]: 'sha256', [OID.sha384]: 'sha384', [OID.sha512]: 'sha512' }

export type SigningErrorCode = 'notP12' | 'badPassphrase' | 'noKey' | 'noCertificate' | 'unsupportedKey'

/** A certificate the school cannot sign with; code names the Russian message shown on the form. */
export class SigningError extends Error {
  override name = 'SigningError'
  constructor(readonly code: SigningErrorCode, message?: string) { super(message ?? code) }
}

/** The key and certificates of a PKCS#12 file, and what the settings page shows about the signer's certificate. */
export interface SigningKey {
  key: KeyObject
  /** The signer's certificate (DER) first, then the rest of the chain found in the file. */
  certs: Buffer[]
  subject: string
  commonName: string
  issuer: string
  validFrom: string
  validTo: string
  /** SHA-256 of the signer's certificate, upper-case hex with colons (as certificate viewers show it). */
  fingerprint: string
  selfSigned: boolean
}

// ----- ASN.1 helpers ----------------------------------------------------------------------------------------

const seq = (v: Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, v)
const set = (v: Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, v)
const oid = (o: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(o).getBytes())
const octets = (b: Buffer) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, b.toString('binary'))
const int = (n: number) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(n).getBytes())
const ctx = (tag: number, v: Asn1[]) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, true, v)
const der = (a: Asn1) => Buffer.from(asn1.toDer(a).getBytes(), 'binary')
// The typings know only the boolean form of fromDer's options; a signature's DER is followed by zero padding.
const fromDerWith = asn1.fromDer as unknown as (b: forge.util.ByteStringBuffer, o: { parseAllBytes: boolean }) => Asn1
const fromDer = (b: Buffer): Asn1 => fromDerWith(forge.util.createBuffer(b.toString('binary')), { parseAllBytes: false })
const children = (a: Asn1): Asn1[] => (Array.isArray(a.value) ? a.value : [])
const bytesOf = (a: Asn1): Buffer => Buffer.from(typeof a.value === 'string' ? a.value : '', 'binary')

/** The serial number and issuer name of a certificate, as its signature's SignerIdentifier needs them. */
function issuerAndSerial(certDer: Buffer): { serial: Asn1; issuer: Asn1 } {
  const tbs = children(children(fromDer(certDer))[0])
  const off = tbs[0].tagClass === asn1.Class.CONTEXT_SPECIFIC ? 1 : 0
  return { serial: tbs[off], issuer: tbs[off + 2] }
}

function attribute(type: string, value: Asn1): Asn1 {
  return seq([oid(type), set([value])])
}

// ----- reading a PKCS#12 file -------------------------------------------------------------------------------

function subjectLine(x: X509Certificate, which: 'subject' | 'issuer'): string {
  return x[which].split('\n').join(', ')
}

function commonNameOf(x: X509Certificate): string {
  const cn = x.subject.split('\n').find((l) => l.startsWith('CN='))
  return cn ? cn.slice(3) : subjectLine(x, 'subject')
}

function retryUtf8(p12: Buffer, passphrase: string): forge.pkcs12.Pkcs12Pfx | null {
  try {
    const pfx = fromDer(p12)
    pfx.value = children(pfx).slice(0, 2)
    return forge.pkcs12.pkcs12FromAsn1(pfx, false, forge.util.encodeUtf8(passphrase))
  } catch {
    return null
  }
}

/** Opens a PKCS#12 file with its passphrase; throws SigningError when the school could not sign with it. */
export function readP12(p12: Buffer, passphrase: string): SigningKey {
  let parsed: forge.pkcs12.Pkcs12Pfx
  try {
    parsed = forge.pkcs12.pkcs12FromAsn1(fromDer(p12), false, passphrase)
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e)
    if (/MAC could not be verified|wrong password|Invalid password/i.test(msg)) throw new SigningError('badPassphrase', msg)
    // The MAC took the passphrase, but PBES2 (OpenSSL 3's default) wants its UTF-8 bytes, which forge does not
    // make of a non-ASCII passphrase: open it again without the MAC (already checked) and with those bytes.
    const retry = /decrypt/i.test(msg) && /[^\x00-\x7f]/.test(passphrase) ? retryUtf8(p12, passphrase) : null
    if (!retry) throw new SigningError(/decrypt/i.test(msg) ? 'badPassphrase' : 'notP12', msg)
    parsed = retry
  }
  // A key forge cannot decode itself (EC) comes as its PrivateKeyInfo; node:crypto reads both.
  const keyBags = [
    ...(parsed.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? []),
    ...(parsed.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? []),
  ]
  const keys: KeyObject[] = []
  for (const bag of keyBags) {
    const info = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : (bag as { asn1?: Asn1 }).asn1
    if (!info) continue
    try { keys.push(createPrivateKey({ key: der(info), format: 'der', type: 'pkcs8' })) } catch { /* not a key node:crypto knows */ }
  }
  if (!keys.length) throw new SigningError(keyBags.length ? 'unsupportedKey' : 'noKey')
  const certBags = parsed.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? []
  const certs: Buffer[] = []
  for (const bag of certBags) {
    const node = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : (bag as { asn1?: Asn1 }).asn1
    if (node) certs.push(der(node))
  }
  const x509s = certs.map((c) => new X509Certificate(c))
  for (const key of keys) {
    const i = x509s.findIndex((x) => x.checkPrivateKey(key))
    if (i < 0) continue
    const kind = key.asymmetricKeyType
    if (kind !== 'rsa' && kind !== 'ec') throw new SigningError('unsupportedKey', `key type ${kind}`)
    const x = x509s[i]
    return {
      key,
      certs: [certs[i], ...certs.filter((_, j) => j !== i)],
      subject: subjectLine(x, 'subject'),
      commonName: commonNameOf(x),
      issuer: subjectLine(x, 'issuer'),
      validFrom: new Date(x.validFrom).toISOString(),
      validTo: new Date(x.validTo).toISOString(),
      fingerprint: x.fingerprint256,
      selfSigned: x.subject === x.issuer && x.verify(x.publicKey),
    }
  }
  throw new SigningError('noCertificate')
}

// ----- making the demo's certificate ------------------------------------------------------------------------

/** A self-signed certificate for the demo and for trying signing out; a real school loads one from its CA. */
export function makeSelfSignedP12(subject: { commonName: string; organization?: string; unit?: string }, passphrase: string, years = 5): Buffer {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const key = forge.pki.privateKeyFromPem(pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString())
  const cert = forge.pki.createCertificate()
  cert.publicKey = forge.pki.publicKeyFromPem(pair.publicKey.export({ type: 'spki', format: 'pem' }).toString())
  // A positive serial: 16 random bytes with the top bit cleared.
  const serial = randomBytes(16)
  serial[0] &= 0x7f
  cert.serialNumber = serial.toString('hex')
  const now = new Date()
  cert.validity.notBefore = new Date(now.getTime() - 60_000)
  cert.validity.notAfter = new Date(now.getTime() + years * 365.25 * 86_400_000)
  // Russian names are UTF8String (forge encodes the text itself).
  const utf8 = (shortName: string, value: string) => ({ shortName, value, valueTagClass: asn1.Type.UTF8 as unknown as number })
  // X.509 allows at most 64 characters in each of these names.
  const attrs = [
    utf8('CN', subject.commonName.slice(0, 64)),
    ...(subject.unit ? [utf8('OU', subject.unit.slice(0, 64))] : []),
    ...(subject.organization ? [utf8('O', subject.organization.slice(0, 64))] : []),
    { shortName: 'C', value: 'RU' },
  ]
  cert.setSubject(attrs)
  cert.setIssuer(attrs)
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ])
  cert.sign(key, forge.md.sha256.create())
  const p12 = forge.pkcs12.toPkcs12Asn1(key, [cert], passphrase, { algorithm: 'aes256', generateLocalKeyId: true, friendlyName: subject.commonName })
  return der(p12)
}

// ----- signing ----------------------------------------------------------------------------------------------

/** The CMS SignedData of a PAdES B-B signature: signed attributes are contentType, messageDigest and the
 *  signer's certificate hash (ESS signing-certificate-v2); no signing-time, the time is the dictionary's /M. */
export function cadesDetached(content: Buffer, k: SigningKey): Buffer {
  const signerCert = k.certs[0]
  const { serial, issuer } = issuerAndSerial(signerCert)
  const sha256Alg = seq([oid(OID.sha256), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')])
  const essCertId = seq([
    octets(createHash('sha256').update(signerCert).digest()),
    seq([seq([ctx(4, [issuer])]), serial]),
  ])
  const attrs = [
    attribute(OID.contentType, oid(OID.data)),
    attribute(OID.messageDigest, octets(createHash('sha256').update(content).digest())),
    attribute(OID.signingCertificateV2, seq([seq([essCertId])])),
  ]
  // DER orders a SET OF by the encodings of its elements.
  attrs.sort((a, b) => Buffer.compare(der(a), der(b)))
  const signedAttrs = der(set(attrs))
  const ec = k.key.asymmetricKeyType === 'ec'
  const signature = sign('sha256', signedAttrs, k.key)
  const sigAlg = ec ? seq([oid(OID.ecdsaWithSha256)]) : seq([oid(OID.sha256WithRSA), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')])
  const signerInfo = seq([
    int(1),
    seq([issuer, serial]),
    sha256Alg,
    ctx(0, attrs),
    sigAlg,
    octets(signature),
  ])
  const signedData = seq([
    int(1),
    set([sha256Alg]),
    seq([oid(OID.data)]),
    ctx(0, k.certs.map((c) => fromDer(c))),
    set([signerInfo]),
  ])
  return der(seq([oid(OID.signedData), ctx(0, [signedData])]))
}

class CadesSigner extends Signer {
  constructor(private readonly k: SigningKey) { super() }
  override async sign(content: Buffer): Promise<Buffer> { return cadesDetached(content, this.k) }
}

/** PDF text strings as UTF-16BE hex, which every reader shows in Russian. */
function pdfHexText(s: string): string {
  return `<FEFF${Buffer.from(s, 'utf16le').swap16().toString('hex').toUpperCase()}>`
}

export interface SignatureInfo { reason: string; location: string; name: string; contactInfo?: string }

// The @signpdf placeholder writes text fields as UTF-8 inside a literal string (garbling Russian) and trips on
// words like «trailer». So it gets ASCII markers of exactly the length of each field's hex form, which then
// replace them: the byte offsets of its cross-reference table stay right.
function withPlaceholder(pdf: Buffer, info: SignatureInfo, signatureLength: number, signingTime: Date): Buffer {
  const fields = { reason: info.reason, contactInfo: info.contactInfo ?? '', name: info.name, location: info.location }
  const markers: Record<string, string> = {}
  const hex: Record<string, string> = {}
  Object.entries(fields).forEach(([k, v], i) => {
    hex[k] = pdfHexText(v)
    markers[k] = `Zq${i}q`.padEnd(hex[k].length - 2, 'q')
  })
  const out = plainAddPlaceholder({
    pdfBuffer: pdf, signingTime, signatureLength, subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    reason: markers.reason, contactInfo: markers.contactInfo, name: markers.name, location: markers.location,
  })
  let text = out.toString('latin1')
  const tail = pdf.length - 1
  for (const k of Object.keys(fields)) {
    const at = text.indexOf(`(${markers[k]})`, tail)
    if (at < 0) throw new Error(`signature placeholder: ${k} not found`)
    text = text.slice(0, at) + hex[k] + text.slice(at + hex[k].length)
  }
  return Buffer.from(text, 'latin1')
}

/** A PAdES-B signed copy of the PDF (an incremental update: the original bytes stay as they were). */
export async function signPdf(pdf: Buffer, p12: Buffer | SigningKey, passphrase: string, info: SignatureInfo, signingTime = new Date()): Promise<Buffer> {
  const k = Buffer.isBuffer(p12) ? readP12(p12, passphrase) : p12
  // Room for the certificates, the signature and the attributes; the placeholder counts bytes.
  const room = k.certs.reduce((n, c) => n + c.length, 0) + 2048
  const placed = withPlaceholder(pdf, info, Math.max(8192, room), signingTime)
  return signpdfModule.default.sign(placed, new CadesSigner(k))
}

// ----- checking a PDF's signature ---------------------------------------------------------------------------

export type SignatureCheck =
  | { signed: false }
  | { signed: true; intact: boolean; wholeFile: boolean; signer: string | null; signedAt: string | null }

function pdfDate(s: string | undefined): string | null {
  const m = s ? /^D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(s) : null
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` : null
}

/** True when the file carries a signature dictionary (a /ByteRange), whether or not it checks out. */
export function hasSignature(pdf: Buffer): boolean {
  return /\/ByteRange\s*\[/.test(pdf.toString('latin1'))
}

/** Checks the last signature of a PDF: that the signed bytes are unchanged and the signature is the
 *  certificate's. Trust in the certificate itself (a CA chain) is a reader's matter, not this check's. */
export function checkPdfSignature(pdf: Buffer): SignatureCheck {
  const text = pdf.toString('latin1')
  const ranges = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)]
  const last = ranges.at(-1)
  if (!last) return { signed: false }
  const [a, b, c, d] = last.slice(1, 5).map(Number)
  const broken = { signed: true as const, intact: false, wholeFile: false, signer: null, signedAt: null }
  if (a !== 0 || b <= 0 || c <= b || c + d > pdf.length || pdf[b] !== 0x3c || pdf[c - 1] !== 0x3e) return broken
  const wholeFile = c + d === pdf.length
  // The signature dictionary around the byte range: its /M is the signing time.
  const dict = text.slice(Math.max(0, text.lastIndexOf('obj', last.index) - 20), c + 2000)
  const signedAt = pdfDate(/\/M\s*\((D:[^)]*)\)/.exec(dict)?.[1])
  try {
    const cms = Buffer.from(text.slice(b + 1, c - 1).replace(/\s/g, ''), 'hex')
    const content = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)])
    const signedData = children(children(children(fromDer(cms))[1])[0])
    const signerInfos = children(signedData.at(-1)!)
    const certNodes = signedData.find((n) => n.tagClass === asn1.Class.CONTEXT_SPECIFIC && n.type === 0)
    const certs = certNodes ? children(certNodes).map((n) => new X509Certificate(der(n))) : []
    const si = children(signerInfos[0])
    const digestName = DIGEST_BY_OID[asn1.derToOid(children(si[2])[0].value as string)]
    const attrsNode = si[3].tagClass === asn1.Class.CONTEXT_SPECIFIC && si[3].type === 0 ? si[3] : null
    if (!digestName || !attrsNode) return { ...broken, wholeFile, signedAt }
    const md = children(attrsNode).find((at) => asn1.derToOid(children(at)[0].value as string) === OID.messageDigest)
    const digestOk = md !== undefined && bytesOf(children(children(md)[1])[0]).equals(createHash(digestName).update(content).digest())
    const sid = children(si[1])
    const serialHex = bytesOf(sid[1]).toString('hex')
    const cert = certs.find((x) => x.serialNumber.toLowerCase().replace(/^0+/, '') === serialHex.replace(/^0+/, '')) ?? certs[0]
    const signature = bytesOf(si[5])
    const sigOk = cert !== undefined && verify(digestName, der(set(children(attrsNode))), cert.publicKey, signature)
    return { signed: true, intact: digestOk && sigOk, wholeFile, signer: cert ? commonNameOf(cert) : null, signedAt }
  } catch {
    return { ...broken, wholeFile, signedAt }
  }
}
