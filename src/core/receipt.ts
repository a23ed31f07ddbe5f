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
import { createHmac, timingSafeEqual } from 'node:crypto';

const MAGIC = Buffer.from([1, 1, 1]);
const TAG_LEN = 16;

/** What a receipt handle binds together. */
export interface ReceiptParts {
  queueId: string;
  ref: string;
  receiptToken: string;
}

function field(s: string): Buffer[] {
  const b = Buffer.from(s, 'utf8');
  if (b.length > 0xffff) throw new RangeError('receipt field too long');
  const len = Buffer.alloc(2);
  len.writeUInt16BE(b.length, 0);
  return [len, b];
}

function tag(key: Buffer, body: Buffer): Buffer {
  return createHmac('sha256', key).update(body).digest().subarray(0, TAG_LEN);
}

/** Encode a handle for one receive of one message. */
export function encodeReceiptHandle(key: Buffer, p: ReceiptParts): string {
  const body = Buffer.concat([MAGIC, ...field(p.queueId), ...field(p.ref), ...field(p.receiptToken)]);
  return Buffer.concat([body, tag(key, body)]).toString('base64url');
}

/**
 * Verify and decode. Undefined for anything not issued with `key` (wrong MAC, truncated, garbage).
 * Accepts the standard base64 alphabet too, since some clients re-encode handles.
 */
export function decodeReceiptHandle(key: Buffer, handle: string): ReceiptParts | undefined {
  if (typeof handle !== 'string' || handle.length < 8 || handle.length > 4096) return undefined;
  if (!/^[A-Za-z0-9+/_=-]+$/.test(handle)) return undefined;
  const raw = Buffer.from(handle.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''), 'base64url');
  if (raw.length < MAGIC.length + 6 + TAG_LEN || !raw.subarray(0, 3).equals(MAGIC)) return undefined;
  const body = raw.subarray(0, raw.length - TAG_LEN);
  const mac = raw.subarray(raw.length - TAG_LEN);
  if (!timingSafeEqual(mac, tag(key, body))) return undefined;
  const out: string[] = [];
  let off = MAGIC.length;
  for (let i = 0; i < 3; i++) {
    if (off + 2 > body.length) return undefined;
    const len = body.readUInt16BE(off);
    off += 2;
    if (off + len > body.length) return undefined;
    out.push(body.subarray(off, off + len).toString('utf8'));
    off += len;
  }
  if (off !== body.length) return undefined;
  return { queueId: out[0]!, ref: out[1]!, receiptToken: out[2]! };
}
