/**
 * Receipt handles. AWS hands out opaque base64 tokens (`AQEB…`) that name the queue, the message and
 * the receive that produced them; a handle that was not issued by the service is rejected with
 * ReceiptHandleIsInvalid. Ferry's handle carries the queue incarnation id, the engine's message ref
 * and the receive token, tagged with HMAC-SHA256 so a forged, tampered or foreign handle is detected
 * without touching storage:
 *
 *   base64url( 01 01 01 | u16 len + queueId | u16 len + ref | u16 len + token | 16-byte HMAC )
 *
 * The three 0x01 bytes make every handle start with `AQEB`, like AWS's.
 */
import { hmacSha256, type HmacSha256 } from './hmac.js';

const MAGIC = Buffer.from([1, 1, 1]);
const TAG_LEN = 16;

/** What a receipt handle binds together. */
export interface ReceiptParts {
  queueId: string;
  ref: string;
  receiptToken: string;
}

/** One keyed HMAC per key (the key Buffer is created once per process by the services). */
const macs = new WeakMap<Buffer, HmacSha256>();
function macFor(key: Buffer): HmacSha256 {
  let m = macs.get(key);
  if (m === undefined) macs.set(key, (m = hmacSha256(key)));
  return m;
}

function writeField(buf: Buffer, off: number, s: string, len: number): number {
  buf.writeUInt16BE(len, off);
  if (len > 0) buf.write(s, off + 2, len, 'utf8');
  return off + 2 + len;
}

/** Encode a handle for one receive of one message (one buffer, no intermediate copies). */
export function encodeReceiptHandle(key: Buffer, p: ReceiptParts): string {
  const a = Buffer.byteLength(p.queueId, 'utf8');
  const b = Buffer.byteLength(p.ref, 'utf8');
  const c = Buffer.byteLength(p.receiptToken, 'utf8');
  if (a > 0xffff || b > 0xffff || c > 0xffff) throw new RangeError('receipt field too long');
  const bodyLen = MAGIC.length + 6 + a + b + c;
  const buf = Buffer.allocUnsafe(bodyLen + TAG_LEN);
  buf[0] = 1;
  buf[1] = 1;
  buf[2] = 1;
  let off = writeField(buf, MAGIC.length, p.queueId, a);
  off = writeField(buf, off, p.ref, b);
  writeField(buf, off, p.receiptToken, c);
  // The tag goes in as latin1 (one byte per char): no intermediate Buffer.
  buf.write(macFor(key)(buf.subarray(0, bodyLen), 'binary'), bodyLen, TAG_LEN, 'latin1');
  return buf.toString('base64url');
}

const HANDLE_CHARS = /^[A-Za-z0-9+/_=-]+$/;

/**
 * Verify and decode. Undefined for anything not issued with `key` (wrong MAC, truncated, garbage).
 * Accepts the standard base64 alphabet too, since some clients re-encode handles.
 */
export function decodeReceiptHandle(key: Buffer, handle: string): ReceiptParts | undefined {
  if (typeof handle !== 'string' || handle.length < 8 || handle.length > 4096) return undefined;
  if (!HANDLE_CHARS.test(handle)) return undefined;
  // Handles as issued are base64url without padding: only re-encoded ones need rewriting.
  const plain = /[+/=]/.test(handle) ? handle.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') : handle;
  const raw = Buffer.from(plain, 'base64url');
  if (raw.length < MAGIC.length + 6 + TAG_LEN || raw[0] !== 1 || raw[1] !== 1 || raw[2] !== 1) return undefined;
  const bodyLen = raw.length - TAG_LEN;
  const expected = macFor(key)(raw.subarray(0, bodyLen), 'binary');
  // Constant-time comparison of the 16 tag bytes with the expected digest's first 16 (latin1) chars.
  let diff = 0;
  for (let i = 0; i < TAG_LEN; i++) diff |= raw[bodyLen + i]! ^ expected.charCodeAt(i);
  if (diff !== 0) return undefined;
  const out: string[] = [];
  let off = MAGIC.length;
  for (let i = 0; i < 3; i++) {
    if (off + 2 > bodyLen) return undefined;
    const len = raw.readUInt16BE(off);
    off += 2;
    if (off + len > bodyLen) return undefined;
    out.push(raw.toString('utf8', off, off + len));
    off += len;
  }
  if (off !== bodyLen) return undefined;
  return { queueId: out[0]!, ref: out[1]!, receiptToken: out[2]! };
}

/**
 * Entries per generation of {@link ReceiptCodec}'s cache (two generations: at most twice this).
 * (1024 was tried, so that cached handles would die in V8's young generation instead of being
 * promoted; `node dist/bench/layers.js actions std 90000` showed 6 against 5–6 mark-compacts per
 * 300 000 messages — no clear gain — while consumers that hold messages longer would miss the cache.)
 */
export const RECENT_RECEIPTS = 8192;

/**
 * Encoder/decoder for one key, remembering the handles it issued recently. Most handles come back
 * within moments of being issued (a consumer receives, works, deletes), and verifying one costs two
 * SHA-256 runs plus a base64 decode (~1.3 µs, the largest single cost of a DeleteMessageBatch
 * entry); a handle found among those this process just issued is authentic by construction, so its
 * parts are returned from memory — exactly what {@link decodeReceiptHandle} would return. Anything
 * else (older handles, other nodes' handles, forgeries) takes the full check.
 *
 * The cache holds two generations of at most {@link RECENT_RECEIPTS} entries each (~3 MB at most):
 * when the current one fills it becomes the old one and the previous old one is dropped, so a
 * handle stays cached for at least the next RECENT_RECEIPTS issues.
 */
export class ReceiptCodec {
  private cur = new Map<string, Readonly<ReceiptParts>>();
  private old = new Map<string, Readonly<ReceiptParts>>();

  constructor(
    private readonly key: Buffer,
    private readonly generation = RECENT_RECEIPTS,
  ) {}

  encode(p: ReceiptParts): string {
    const handle = encodeReceiptHandle(this.key, p);
    if (this.cur.size >= this.generation) {
      this.old = this.cur;
      this.cur = new Map();
    }
    this.cur.set(handle, { queueId: p.queueId, ref: p.ref, receiptToken: p.receiptToken });
    return handle;
  }

  /** The parts of a handle issued with this key, else undefined. The result must not be modified. */
  decode(handle: string): Readonly<ReceiptParts> | undefined {
    return this.cur.get(handle) ?? this.old.get(handle) ?? decodeReceiptHandle(this.key, handle);
  }
}
