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
