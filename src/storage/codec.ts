/**
 * Serialisation of message attribute maps to a TEXT column.
 *
 * Why not plain JSON.stringify: a Buffer serialises as `{"type":"Buffer","data":[1,2,…]}` (about
 * four bytes of text per byte, and it comes back as a plain object). Binary values are stored as
 * base64 under short keys instead and come back as Buffers, so BinaryValue/BinaryListValues
 * round-trip byte for byte.
 */

import type { AttributeMap, AttributeValue } from './engine.js';

/** Stored shape of one attribute value (short keys keep rows small). */
interface StoredValue {
  t: string;
  s?: string;
  b?: string;
  sl?: string[];
  bl?: string[];
}

/** Encode an attribute map; `null` for an empty map (the common case costs no bytes). */
export function encodeAttributes(map: AttributeMap | undefined): string | null {
  if (!map) return null;
  const names = Object.keys(map);
  if (names.length === 0) return null;
  const out: Record<string, StoredValue> = {};
  for (const name of names) {
    const v = map[name]!;
    const s: StoredValue = { t: v.DataType };
    if (v.StringValue !== undefined) s.s = v.StringValue;
    if (v.BinaryValue !== undefined) s.b = Buffer.from(v.BinaryValue).toString('base64');
    if (v.StringListValues !== undefined) s.sl = [...v.StringListValues];
    if (v.BinaryListValues !== undefined) s.bl = v.BinaryListValues.map((b) => Buffer.from(b).toString('base64'));
    out[name] = s;
  }
  return JSON.stringify(out);
}

/** Decode what {@link encodeAttributes} produced (`null` → empty map). */
export function decodeAttributes(text: string | null): AttributeMap {
  const out: AttributeMap = {};
  if (text === null) return out;
  const stored = JSON.parse(text) as Record<string, StoredValue>;
  for (const [name, s] of Object.entries(stored)) {
    const v: AttributeValue = { DataType: s.t };
    if (s.s !== undefined) v.StringValue = s.s;
    if (s.b !== undefined) v.BinaryValue = Buffer.from(s.b, 'base64');
    if (s.sl !== undefined) v.StringListValues = s.sl;
    if (s.bl !== undefined) v.BinaryListValues = s.bl.map((b) => Buffer.from(b, 'base64'));
    out[name] = v;
  }
  return out;
}
