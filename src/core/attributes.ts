/**
 * Message attribute values as the SQS API models them. A core type: the action layer validates and
 * digests them (core/md5.ts), storage engines store them, the wire protocols decode and encode them.
 */

/** A message attribute value as AWS models it. Binary values are carried as Buffers. */
export interface AttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Buffer;
  StringListValues?: string[];
  BinaryListValues?: Buffer[];
}

export type AttributeMap = Record<string, AttributeValue>;

/** Attribute values as the SQS JSON protocol writes them (binary as base64). */
export function attributesJson(attrs: AttributeMap): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(attrs)) {
    const o: Record<string, unknown> = { DataType: v.DataType };
    if (v.StringValue !== undefined) o.StringValue = v.StringValue;
    if (v.BinaryValue !== undefined) o.BinaryValue = Buffer.from(v.BinaryValue).toString('base64');
    if (v.StringListValues !== undefined) o.StringListValues = v.StringListValues;
    if (v.BinaryListValues !== undefined) o.BinaryListValues = v.BinaryListValues.map((b) => Buffer.from(b).toString('base64'));
    out[k] = o;
  }
  return out;
}
