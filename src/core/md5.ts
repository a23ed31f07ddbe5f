/**
 * The digests SQS returns so clients can verify what the server stored (the AWS SDKs check them and
 * fail the call on a mismatch):
 *  - MD5OfMessageBody / MD5OfBody: hex MD5 of the UTF-8 body.
 *  - MD5OfMessageAttributes: hex MD5 over the attributes sorted by name, each encoded as
 *    len(name) name len(DataType) DataType transport-byte len(value) value, lengths 4-byte
 *    big-endian, transport byte 1 for String/Number (UTF-8 value) and 2 for Binary (raw bytes).
 *    List values (reserved by AWS, never accepted) would use 3/4 with each item length-prefixed.
 *  - MD5OfMessageSystemAttributes: the same encoding over the system attributes (AWSTraceHeader).
 * The attribute digests are omitted (undefined) when there are no attributes.
 */
import * as nodeCrypto from 'node:crypto';
import { createHash } from 'node:crypto';

import type { AttributeMap, AttributeValue } from './attributes.js';

/** Hex MD5 of a UTF-8 string. */
export const md5Hex: (s: string) => string =
  // node's one-shot crypto.hash (20.12+) is ~2x faster than createHash for message-sized inputs.
  typeof nodeCrypto.hash === 'function' ? (s) => nodeCrypto.hash('md5', s, 'hex') : (s) => createHash('md5').update(s, 'utf8').digest('hex');

/** Hex SHA-256 of a UTF-8 string (content-based deduplication ids). */
export const sha256Hex: (s: string) => string =
  typeof nodeCrypto.hash === 'function' ? (s) => nodeCrypto.hash('sha256', s, 'hex') : (s) => createHash('sha256').update(s, 'utf8').digest('hex');

function lengthPrefixed(buf: Buffer): Buffer[] {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(buf.length, 0);
  return [len, buf];
}

/** The encoding of one attribute, as the AWS SDKs' checksum validators build it. */
function encodeAttribute(name: string, v: AttributeValue): Buffer[] {
  const parts: Buffer[] = [];
  parts.push(...lengthPrefixed(Buffer.from(name, 'utf8')));
  parts.push(...lengthPrefixed(Buffer.from(v.DataType, 'utf8')));
  if (v.StringValue !== undefined) {
    parts.push(Buffer.from([1]), ...lengthPrefixed(Buffer.from(v.StringValue, 'utf8')));
  } else if (v.BinaryValue !== undefined) {
    parts.push(Buffer.from([2]), ...lengthPrefixed(Buffer.from(v.BinaryValue)));
  } else if (v.StringListValues !== undefined) {
    parts.push(Buffer.from([3]));
    for (const s of v.StringListValues) parts.push(...lengthPrefixed(Buffer.from(s, 'utf8')));
  } else if (v.BinaryListValues !== undefined) {
    parts.push(Buffer.from([4]));
    for (const b of v.BinaryListValues) parts.push(...lengthPrefixed(Buffer.from(b)));
  }
  return parts;
}

/**
 * MD5OfMessageAttributes (and MD5OfMessageSystemAttributes): undefined for an empty or absent map,
 * because SQS omits the field then. Names are sorted by UTF-16 code unit order like the Java SDK's
 * TreeMap and the JS SDKs' `Object.keys(...).sort()`.
 */
export function md5OfAttributes(attrs: AttributeMap | undefined): string | undefined {
  if (!attrs) return undefined;
  const names = Object.keys(attrs).sort();
  if (names.length === 0) return undefined;
  const parts: Buffer[] = [];
  for (const n of names) for (const part of encodeAttribute(n, attrs[n]!)) parts.push(part);
  // One contiguous buffer hashed at once: the same bytes as updating part by part.
  return typeof nodeCrypto.hash === 'function'
    ? nodeCrypto.hash('md5', Buffer.concat(parts), 'hex')
    : createHash('md5').update(Buffer.concat(parts)).digest('hex');
}
