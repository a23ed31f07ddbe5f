/**
 * Small helpers both decoders share: safe property writes, strict base64, strict integers.
 */

/**
 * Writes `obj[key] = value` as an own data property even for `__proto__`, so a map key sent by a
 * client (`Attribute.1.Name=__proto__`, `{"Attributes":{"__proto__":…}}`) can never change the object's
 * prototype (prototype pollution) and round-trips like any other key.
 */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

/** Standard base64 (RFC 4648 §4) with padding, as every SDK sends it. Empty is valid (empty blob). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes base64 strictly. `Buffer.from(s, 'base64')` silently skips invalid characters, which would
 * turn a corrupted BinaryValue into different bytes (and a wrong MD5) instead of an error.
 * Returns undefined when `s` is not valid base64.
 */
export function decodeBase64Strict(s: string): Buffer | undefined {
  if (!BASE64.test(s)) return undefined;
  return Buffer.from(s, 'base64');
}

/** Smithy `integer` range. */
export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/** Decimal digits with an optional minus sign: no `+`, spaces, exponents, fractions or hex. */
const INTEGER_TEXT = /^-?[0-9]{1,20}$/;

/**
 * Parses Query integer text strictly (`parseInt('12abc')` would accept 12). Returns undefined when the
 * text is not an integer in the shape's range (int32 for `integer`, ±2^53 for `long`).
 */
export function parseIntegerStrict(text: string, type: 'integer' | 'long'): number | undefined {
  if (!INTEGER_TEXT.test(text)) return undefined;
  const n = Number(text);
  if (type === 'integer') return n >= INT32_MIN && n <= INT32_MAX ? n : undefined;
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The last path segment of a queue URL (`…/123456789012/orders` → `orders`), for log lines. */
export function queueNameFromUrl(url: string): string {
  const i = url.lastIndexOf('/');
  return i === -1 ? url : url.slice(i + 1);
}
