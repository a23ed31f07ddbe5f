/**
 * The stored form of an encrypted message body: a self-describing envelope, as SQS keeps the encrypted
 * data key with the message it protects. Everything needed to decrypt — which master key and version,
 * the data key wrapped by it — travels in the body itself, so the engines store it in their existing
 * body column (TEXT in SQLite and PostgreSQL, a string in memory) with no migration, and DLQ moves and
 * move tasks, which copy bodies verbatim, keep messages decryptable in their new queue.
 *
 * Text form: two U+0001 characters, then standard base64 of the binary envelope. U+0001 is outside the
 * characters an SQS message body may contain (#x9 | #xA | #xD | #x20–#xD7FF | …; validated on send),
 * so no plaintext body can look like an envelope, and a damaged marker is still recognised: a body with
 * U+0001 in either of its first two places is an envelope (intact or damaged), never plaintext.
 *
 * Binary envelope (version 1):
 *
 *   offset  size  field
 *   0       1     format version (1)
 *   1       1     n = length of the master key id (UTF-8)
 *   2       n     master key id
 *   2+n     4     master key version (uint32, big-endian)
 *   6+n     1     w = length of the wrapped data key (60)
 *   7+n     w     wrapped data key: nonce (12) ‖ AES-256-GCM(master key version, data key) (32) ‖ tag (16)
 *   7+n+w   12    body nonce (fresh for every message)
 *   19+n+w  …     AES-256-GCM(data key, body as UTF-8)
 *   end-16  16    body tag
 *
 * Associated data. The data key is wrapped with AAD "ferry-sse-dk-v1" ‖ n ‖ key id ‖ version, so a
 * wrapped key only unwraps under the key version it names. The body is encrypted with AAD
 * "ferry-sse-body-v1" ‖ bytes 0 … 7+n+w (the whole header, wrapped key included), so no header byte can
 * change undetected. The queue and message ids are deliberately NOT bound: a DLQ move changes the queue
 * and a move task changes both queue and message id while the engines copy the body verbatim; binding
 * them would force a re-encryption inside the engines, which must never see keys or plaintext. The
 * consequence: someone able to write the database can move an encrypted body to another message (as
 * they can delete or reorder messages) — but cannot read it, nor change a byte of it undetected.
 *
 * Size: 2 + 4 × ⌈(131 + n − 36 + body bytes) / 3⌉ characters (`envelopeLength`). With a 36-character
 * UUID key id: an empty body → 178, 100 bytes → 310, 1 KiB → 1,542 (+51%), 1 MiB → 1,398,278 (+33.4%):
 * about 177 characters plus the base64 third. Stored in TEXT columns, so no migration and no engine
 * change; a BLOB column would save the third but needs a migration on every engine.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { KEY_BYTES } from './keyring.js';

export const ENVELOPE_FORMAT = 1;
/** Text prefix of every envelope. */
export const ENVELOPE_MARK = '\u0001\u0001';
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
/** nonce ‖ encrypted 32-byte data key ‖ tag. */
export const WRAPPED_KEY_BYTES = NONCE_BYTES + KEY_BYTES + TAG_BYTES;

const DK_AAD = Buffer.from('ferry-sse-dk-v1', 'utf8');
const BODY_AAD = Buffer.from('ferry-sse-body-v1', 'utf8');
const GCM = 'aes-256-gcm';

/** Why an envelope could not be opened. `malformed`: not a well-formed envelope; `auth`: a GCM tag did not verify. */
export class EnvelopeError extends Error {
  constructor(
    readonly reason: 'malformed' | 'auth',
    message: string,
  ) {
    super(message);
    this.name = 'EnvelopeError';
  }
}

/** True when a stored body is an envelope (or the damaged remains of one) rather than plaintext. */
export function isEnvelope(stored: string): boolean {
  return stored.charCodeAt(0) === 1 || stored.charCodeAt(1) === 1;
}

/** The header fields of an envelope: which key unwraps it. */
export interface EnvelopeHeader {
  keyId: string;
  keyVersion: number;
  wrapped: Buffer;
}

export interface ParsedEnvelope extends EnvelopeHeader {
  /** The binary envelope (header, nonce, ciphertext, tag). */
  bytes: Buffer;
  /** Offset of the body nonce (= header length, the AAD's extent). */
  bodyAt: number;
}

function keyAad(keyId: Buffer, version: number): Buffer {
  const b = Buffer.allocUnsafe(DK_AAD.length + 1 + keyId.length + 4);
  DK_AAD.copy(b, 0);
  b[DK_AAD.length] = keyId.length;
  keyId.copy(b, DK_AAD.length + 1);
  b.writeUInt32BE(version, DK_AAD.length + 1 + keyId.length);
  return b;
}

/** Wrap a 32-byte data key with a master key version (AES-256-GCM, `nonce` fresh per wrap). */
export function wrapDataKey(master: Buffer, keyId: string, version: number, dataKey: Buffer, nonce: Buffer): Buffer {
  const id = Buffer.from(keyId, 'utf8');
  checkIdAndVersion(id, version);
  const c = createCipheriv(GCM, master, nonce);
  c.setAAD(keyAad(id, version));
  const ct = Buffer.concat([c.update(dataKey), c.final()]);
  return Buffer.concat([nonce, ct, c.getAuthTag()]);
}

/** Unwrap; throws EnvelopeError('auth') when the master key is not the one that wrapped it, or a byte changed. */
export function unwrapDataKey(master: Buffer, keyId: string, version: number, wrapped: Buffer): Buffer {
  if (wrapped.length !== WRAPPED_KEY_BYTES) throw new EnvelopeError('malformed', `wrapped data key of ${wrapped.length} bytes`);
  const d = createDecipheriv(GCM, master, wrapped.subarray(0, NONCE_BYTES));
  d.setAAD(keyAad(Buffer.from(keyId, 'utf8'), version));
  d.setAuthTag(wrapped.subarray(NONCE_BYTES + KEY_BYTES));
  try {
    return Buffer.concat([d.update(wrapped.subarray(NONCE_BYTES, NONCE_BYTES + KEY_BYTES)), d.final()]);
  } catch {
    throw new EnvelopeError('auth', 'the data key does not unwrap with this master key version');
  }
}

/**
 * The part of every envelope that depends only on its data key: the header (format, master key id and
 * version, wrapped data key) and the body's associated data ("ferry-sse-body-v1" ‖ header). Built once
 * per data key (`sealingHeader`), so sealing a body does not rebuild them per message.
 */
export interface SealingHeader {
  /** Bytes 0 … 7+n+w of every envelope sealed under this header. */
  readonly head: Buffer;
  /** The body's AAD: BODY_AAD ‖ head. */
  readonly aad: Buffer;
}

/** The header and body AAD of envelopes sealed under `header` (validated here, once). */
export function sealingHeader(header: EnvelopeHeader): SealingHeader {
  const id = Buffer.from(header.keyId, 'utf8');
  checkIdAndVersion(id, header.keyVersion);
  if (header.wrapped.length > 255) throw new EnvelopeError('malformed', 'wrapped data key too long');
  const head = Buffer.allocUnsafe(2 + id.length + 4 + 1 + header.wrapped.length);
  head[0] = ENVELOPE_FORMAT;
  head[1] = id.length;
  id.copy(head, 2);
  head.writeUInt32BE(header.keyVersion, 2 + id.length);
  head[6 + id.length] = header.wrapped.length;
  header.wrapped.copy(head, 7 + id.length);
  return { head, aad: Buffer.concat([BODY_AAD, head]) };
}

/** Encrypt a body under a data key into the stored text form. `nonce`: 12 fresh random bytes. */
export function sealBody(body: string, header: EnvelopeHeader, dataKey: Buffer, nonce: Buffer): string {
  return sealBodyWith(body, sealingHeader(header), dataKey, nonce);
}

/** `sealBody` with the data key's header prepared (`sealingHeader`): the same bytes, less work per message. */
export function sealBodyWith(body: string, sealing: SealingHeader, dataKey: Buffer, nonce: Buffer): string {
  const { head, aad } = sealing;
  const c = createCipheriv(GCM, dataKey, nonce);
  c.setAAD(aad);
  const ct = c.update(body, 'utf8');
  // GCM is a stream mode: final() adds no bytes, it computes the tag.
  const rest = c.final();
  const tag = c.getAuthTag();
  const headLen = head.length;
  const out = Buffer.allocUnsafe(headLen + NONCE_BYTES + ct.length + rest.length + TAG_BYTES);
  head.copy(out, 0);
  nonce.copy(out, headLen);
  let at = headLen + NONCE_BYTES;
  at += ct.copy(out, at);
  at += rest.copy(out, at);
  tag.copy(out, at);
  return ENVELOPE_MARK + out.toString('base64');
}

/**
 * Take a stored envelope apart (no key needed). Throws EnvelopeError('malformed') on anything that is
 * not exactly what `sealBody` writes — including non-canonical base64, which Node's decoder would
 * otherwise read past silently.
 */
export function parseEnvelope(stored: string): ParsedEnvelope {
  if (!stored.startsWith(ENVELOPE_MARK)) throw new EnvelopeError('malformed', 'the envelope marker is damaged');
  const bytes = decodeCanonicalBase64(stored.slice(ENVELOPE_MARK.length));
  if (bytes === undefined) throw new EnvelopeError('malformed', 'the envelope is not canonical base64');
  if (bytes.length < 2 || bytes[0] !== ENVELOPE_FORMAT) throw new EnvelopeError('malformed', `unknown envelope format ${bytes[0] ?? 'none'}`);
  const n = bytes[1]!;
  if (n === 0 || bytes.length < 7 + n) throw new EnvelopeError('malformed', 'the envelope is truncated');
  const keyId = bytes.toString('utf8', 2, 2 + n);
  if (Buffer.byteLength(keyId, 'utf8') !== n) throw new EnvelopeError('malformed', 'the key id is not UTF-8');
  const keyVersion = bytes.readUInt32BE(2 + n);
  const w = bytes[6 + n]!;
  const bodyAt = 7 + n + w;
  if (w !== WRAPPED_KEY_BYTES || bytes.length < bodyAt + NONCE_BYTES + TAG_BYTES) throw new EnvelopeError('malformed', 'the envelope is truncated');
  return { keyId, keyVersion, wrapped: bytes.subarray(7 + n, bodyAt), bytes, bodyAt };
}

/**
 * Standard base64 exactly as `Buffer#toString('base64')` writes it, or undefined. Node's decoder skips
 * characters outside the alphabet, reads base64url's `-` and `_`, and ignores a final character's
 * unused bits; each of those is caught here without re-encoding the whole text (which costs 1.5 ms per
 * MiB): skipped characters make the decoded length fall short of what the text's length and padding
 * promise, `-`/`_` are searched for, and the last quad is compared with its canonical encoding.
 */
function decodeCanonicalBase64(text: string): Buffer | undefined {
  if (text.length % 4 !== 0) return undefined;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== (text.length / 4) * 3 - pad || text.includes('-') || text.includes('_')) return undefined;
  const last = bytes.length % 3 || 3;
  if (bytes.length > 0 && bytes.toString('base64', bytes.length - last) !== text.slice(-4)) return undefined;
  return bytes;
}

/**
 * Decrypt a parsed envelope's body with its (unwrapped) data key. Throws EnvelopeError('auth') on any
 * change. `aad`: the body's associated data when the caller already holds it for this header
 * (`bodyAad`), else it is built here.
 */
export function openBody(env: ParsedEnvelope, dataKey: Buffer, aad?: Buffer): string {
  const { bytes, bodyAt } = env;
  const d = createDecipheriv(GCM, dataKey, bytes.subarray(bodyAt, bodyAt + NONCE_BYTES));
  d.setAAD(aad ?? bodyAad(env));
  d.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  try {
    const plain = d.update(bytes.subarray(bodyAt + NONCE_BYTES, bytes.length - TAG_BYTES));
    // The tag is checked here; nothing of the plaintext is returned unless it verifies.
    const rest = d.final();
    return rest.length === 0 ? plain.toString('utf8') : Buffer.concat([plain, rest]).toString('utf8');
  } catch {
    throw new EnvelopeError('auth', 'the message body fails authentication');
  }
}

/** The body's associated data of a parsed envelope: BODY_AAD ‖ its header. */
export function bodyAad(env: ParsedEnvelope): Buffer {
  return Buffer.concat([BODY_AAD, env.bytes.subarray(0, env.bodyAt)]);
}

/** Characters an envelope adds to a body of `bodyBytes` UTF-8 bytes, for a key id of `keyIdBytes`. */
export function envelopeLength(bodyBytes: number, keyIdBytes: number): number {
  const binary = 7 + keyIdBytes + WRAPPED_KEY_BYTES + NONCE_BYTES + bodyBytes + TAG_BYTES;
  return ENVELOPE_MARK.length + 4 * Math.ceil(binary / 3);
}

function checkIdAndVersion(id: Buffer, version: number): void {
  if (id.length === 0 || id.length > 255) throw new EnvelopeError('malformed', 'key id must be 1–255 bytes');
  if (!Number.isInteger(version) || version < 1 || version > 0xffffffff) throw new EnvelopeError('malformed', 'key version out of range');
}
