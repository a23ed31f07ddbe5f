/**
 * Message bodies, message attributes, system attributes, sizes and per-message FIFO parameters.
 */
import type { SqsError } from '../../errors/catalog.js';
import * as M from '../../errors/messages.js';
import type { MessageAttributeMap } from '../types.js';
import { LIMITS } from './limits.js';
import { isValidFifoId } from './names.js';

/**
 * The first code point SQS does not allow in a body, or undefined. Allowed (XML 1.0 chars):
 * #x9 #xA #xD #x20–#xD7FF #xE000–#xFFFD #x10000–#x10FFFF. A lone surrogate is not allowed.
 */
export function firstInvalidCodePoint(s: string): number | undefined {
  // Fast path: one native regexp scan says whether there is anything to find (the loop below, per
  // UTF-16 unit in JS, showed in the send profiles); `u` makes a lone surrogate a match of its own.
  if (!NOT_ALLOWED.test(s)) return undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0xd7ff) continue;
    if (c === 0x9 || c === 0xa || c === 0xd) continue;
    if (c >= 0xe000 && c <= 0xfffd) continue;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
    }
    return c;
  }
  return undefined;
}

/** Any code point outside SQS's allowed set: #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF. */
const NOT_ALLOWED = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** MessageBody: present and non-empty (MissingParameter), allowed characters (InvalidMessageContents). */
export function validateBody(body: unknown): asserts body is string {
  if (typeof body !== 'string' || body.length === 0) throw M.missingParameter('MessageBody');
  const bad = firstInvalidCodePoint(body);
  if (bad !== undefined) throw M.invalidMessageContents(bad);
}

/**
 * Attribute names: letters of any script, decimal digits, `_`, `-`, `.`. The API reference lists only
 * A-Z a-z, but AWS accepts "attr.1øßä" and rejects `!`, `"`, `§`, `(`, `?` (recorded:
 * test_send_message_with_invalid_string_attributes, LocalStack aws.validated).
 */
const ATTR_NAME_RE = /^[\p{L}\p{Nd}_.-]+$/u;
const TYPE_RE = /^(String|Number|Binary)(\..+)?$/;

/** Significant digits of a decimal number string (leading/trailing zeros of the mantissa do not count). */
function significantDigits(num: string): number {
  const mant = num.replace(/^[+-]/, '').replace(/[eE][+-]?\d+$/, '');
  const digits = mant.replace('.', '').replace(/^0+/, '');
  const trimmed = mant.includes('.') ? digits : digits.replace(/0+$/, '');
  return Math.max(trimmed.replace(/0+$/, '').length, 1);
}

/**
 * Validate message (user) or system attributes; returns their size in bytes as SQS counts it toward
 * MaximumMessageSize: each name + DataType + value (UTF-8 string or binary length).
 */
export function validateMessageAttributes(attrs: MessageAttributeMap | undefined, kind: M.AttrKind): number {
  if (!attrs) return 0;
  const names = Object.keys(attrs);
  if (kind === 'user' && names.length > LIMITS.messageAttributesMax) throw M.tooManyMessageAttributes(names.length);
  let size = 0;
  for (const name of names) {
    const v = attrs[name]!;
    if (kind === 'system' && name !== 'AWSTraceHeader') throw M.unsupportedSystemAttribute(name);
    if (name.length === 0) throw M.invalidAttributeNameChars(kind, name);
    if (name.length > LIMITS.attributeNameMax) throw M.attributeNameTooLong(kind, name);
    if (!ATTR_NAME_RE.test(name)) throw M.invalidAttributeNameChars(kind, name);
    // Names starting AWS./Amazon. (any case) are reserved; none may start/end with '.' or hold '..'.
    if (kind === 'user' && /^(aws|amazon)\./i.test(name)) throw M.attributeNameReserved(kind, name);
    if (name.startsWith('.') || name.endsWith('.') || name.includes('..')) throw M.attributeNamePeriods(kind, name);
    const type = v?.DataType;
    if (typeof type !== 'string' || type.length === 0) throw M.missingParameter(`MessageAttribute.${name}.DataType`);
    if (type.length > LIMITS.attributeTypeMax) throw M.attributeTypeTooLong(kind, name);
    if (!TYPE_RE.test(type)) throw M.invalidAttributeType(kind, name);
    if (v.StringListValues?.length || v.BinaryListValues?.length) throw M.listValuesUnsupported(kind, name);
    const base = type.split('.', 1)[0]!;
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(type, 'utf8');
    if (base === 'Binary') {
      if (!v.BinaryValue || v.BinaryValue.length === 0 || v.StringValue !== undefined) throw M.emptyAttributeValue(kind, name, 'Binary');
      size += v.BinaryValue.length;
      continue;
    }
    if (typeof v.StringValue !== 'string' || v.StringValue.length === 0 || v.BinaryValue !== undefined) {
      throw M.emptyAttributeValue(kind, name, base);
    }
    if (base === 'Number') checkNumber(kind, name, v.StringValue);
    else {
      // A disallowed character in a String value is InvalidParameterValue, not the body's
      // InvalidMessageContents (recorded: test_invalid_string_attributes_cause_invalid_parameter_value_error).
      const bad = firstInvalidCodePoint(v.StringValue);
      if (bad !== undefined) throw M.invalidAttributeValueChars(kind, name, bad);
    }
    if (kind === 'system' && base !== 'String') throw M.invalidAttributeType(kind, name);
    size += Buffer.byteLength(v.StringValue, 'utf8');
  }
  return size;
}

function checkNumber(kind: M.AttrKind, name: string, s: string): void {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s.trim())) throw M.attributeNumberInvalid(kind, name);
  if (significantDigits(s.trim()) > LIMITS.numberDigitsMax) throw M.attributeNumberPrecision(kind, name);
}

/**
 * Body bytes + user attribute bytes, checked against the queue's MaximumMessageSize. A batch entry
 * gets its own wording (recorded: test_send_batch_message_size).
 */
export function checkMessageSize(body: string, attrBytes: number, maxSize: number, batch = false): number {
  const total = Buffer.byteLength(body, 'utf8') + attrBytes;
  if (total > maxSize) throw batch ? M.batchEntryMessageTooLong(maxSize) : M.messageTooLong(maxSize);
  return total;
}

/** Per-message inputs of SendMessage and each SendMessageBatch entry. */
export interface MessageParams {
  MessageBody: string;
  DelaySeconds?: number;
  MessageAttributes?: MessageAttributeMap;
  MessageSystemAttributes?: MessageAttributeMap;
  MessageDeduplicationId?: string;
  MessageGroupId?: string;
}

/**
 * Entry-level checks shared by SendMessage and SendMessageBatch (failures of one batch entry only):
 * body, delay, attributes and size, group/dedup id format. Returns the counted size.
 * FIFO "missing group/dedup id" is checked separately (it fails a batch as a whole).
 */
export function validateMessage(m: MessageParams, fifo: boolean, maxSize: number, batch = false): number {
  validateBody(m.MessageBody);
  if (m.DelaySeconds !== undefined) {
    if (!Number.isInteger(m.DelaySeconds) || m.DelaySeconds < 0 || m.DelaySeconds > LIMITS.delaySecondsMax) {
      throw M.delaySecondsInvalid(m.DelaySeconds);
    }
    // FIFO: only the queue's delay applies; a per-message delay (even 0? AWS accepts 0) is rejected.
    if (fifo && m.DelaySeconds !== 0) throw M.fifoPerMessageDelay(m.DelaySeconds);
  }
  const userBytes = validateMessageAttributes(m.MessageAttributes, 'user');
  validateMessageAttributes(m.MessageSystemAttributes, 'system');
  if (m.MessageGroupId !== undefined && !isValidFifoId(m.MessageGroupId)) throw M.idTooLong('MessageGroupId', m.MessageGroupId);
  if (m.MessageDeduplicationId !== undefined) {
    if (!fifo) throw M.fifoOnlyParameter('MessageDeduplicationId', m.MessageDeduplicationId);
    if (!isValidFifoId(m.MessageDeduplicationId)) throw M.idTooLong('MessageDeduplicationId', m.MessageDeduplicationId);
  }
  return checkMessageSize(m.MessageBody, userBytes, maxSize, batch);
}

/**
 * FIFO: group id required; dedup id required unless ContentBasedDeduplication. Undefined when fine.
 *
 * Order on SendMessage (recorded): an id that is given — even as "" — is checked for its format first,
 * so MessageDeduplicationId="" is "Value  for parameter MessageDeduplicationId is invalid. Reason: …"
 * (test_message_deduplication_id_invalid[empty], 2025-07-30), not the "should either have
 * ContentBasedDeduplication…" error; only an absent id is missing (test_posting_to_fifo_requires_
 * deduplicationid_group_id). MessageGroupId="" follows the same rule (recorded on standard queues,
 * test_send_message_to_standard_queue_with_invalid_message_group_id[empty]). In a batch a badly formed
 * id fails only its entry (validateMessage), so only absence fails the whole batch here.
 */
export function fifoIdError(m: MessageParams, contentBasedDedup: boolean, batch: boolean): SqsError | undefined {
  if (!batch) {
    if (m.MessageGroupId !== undefined && !isValidFifoId(m.MessageGroupId)) return M.idTooLong('MessageGroupId', m.MessageGroupId);
    if (m.MessageDeduplicationId !== undefined && !isValidFifoId(m.MessageDeduplicationId)) {
      return M.idTooLong('MessageDeduplicationId', m.MessageDeduplicationId);
    }
  }
  // In a batch an empty id still counts as missing (the whole batch fails), as before: no recording
  // says otherwise.
  const absent = (v: string | undefined) => v === undefined || (batch && v === '');
  if (absent(m.MessageGroupId)) return batch ? M.groupIdRequiredInBatch() : M.missingParameter('MessageGroupId');
  if (absent(m.MessageDeduplicationId) && !contentBasedDedup) return M.dedupIdRequired();
  return undefined;
}
