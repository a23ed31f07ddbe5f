/**
 * AWS JSON 1.0, as SQS speaks it since 2023 (@aws-sdk/client-sqs ≥ 3.447, boto3 ≥ 1.34.x):
 *
 *   POST /   X-Amz-Target: AmazonSQS.<Action>   Content-Type: application/x-amz-json-1.0
 *   body: the input structure with the model's member names
 *
 * Decoding is model-driven: we walk the operation's input shape, not the client's object, so unknown
 * keys are ignored (as AWS does), nesting depth is bounded by the model (≤ 6 levels), and a member of
 * the wrong JSON type is a SerializationException worded like the Coral (Jackson) deserializer SQS runs
 * on ("NUMBER_VALUE can not be converted to a String", "Start of structure or map found where not
 * expected."). Explicit `null` for a member reads as absent, as in Coral.
 */

import type { ActionName } from '../actions/types.js';
import type { SqsError } from '../errors/catalog.js';
import { RequestDecodeError, missingDataTypeMessage, missingParameterMessage } from './errors.js';
import { operationFor, type ListShape, type MapShape, type Operation, type Shape, type StructureShape } from './model.js';
import { INT32_MAX, INT32_MIN, decodeBase64Strict, setOwn } from './shared.js';

/** `X-Amz-Target` prefix of every SQS JSON operation (the Smithy service name). */
export const JSON_TARGET_PREFIX = 'AmazonSQS.';
/** Content type of JSON 1.0 requests and responses. */
export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';

/** A decoded JSON request. */
export interface DecodedJson {
  action: ActionName;
  input: unknown;
}

function serialization(message: string): RequestDecodeError {
  return new RequestDecodeError('json', 'SerializationException', message);
}

/** Jackson's token name for a JSON value, as Coral's error messages print it. */
function tokenName(v: unknown): string {
  if (typeof v === 'string') return 'STRING_VALUE';
  if (typeof v === 'number') return 'NUMBER_VALUE';
  if (v === true) return 'TRUE_VALUE';
  if (v === false) return 'FALSE_VALUE';
  return 'VALUE';
}

/** Coral's message for a value whose JSON type does not match the member's shape. */
function typeMismatch(v: unknown, target: string): RequestDecodeError {
  if (Array.isArray(v)) return serialization('Start of list found where not expected');
  if (typeof v === 'object' && v !== null) return serialization('Start of structure or map found where not expected.');
  return serialization(`${tokenName(v)} can not be converted to ${target}`);
}

/**
 * Resolves the operation named by `X-Amz-Target`. Unknown or missing → InvalidAction, rendered in
 * JSON as Coral's `UnknownOperationException` (with `x-amzn-query-error: InvalidAction;Sender`).
 */
export function jsonOperation(target: string | undefined): Operation {
  if (target === undefined || !target.startsWith(JSON_TARGET_PREFIX)) {
    throw new RequestDecodeError('json', 'InvalidAction');
  }
  const op = operationFor(target.slice(JSON_TARGET_PREFIX.length));
  if (!op) throw new RequestDecodeError('json', 'InvalidAction');
  return op;
}

/**
 * Decodes a JSON 1.0 request: `target` is the `X-Amz-Target` header, `body` the raw body.
 * Throws RequestDecodeError('json', …) for unknown actions, malformed JSON and type mismatches.
 * An empty body reads as `{}` (an action without members may be sent so).
 */
export function decodeJsonRequest(target: string | undefined, body: Buffer): DecodedJson {
  const op = jsonOperation(target);
  let doc: unknown = {};
  if (body.length > 0) {
    try {
      // V8's JSON.parse is iterative, so hostile nesting cannot overflow the stack here; our walk
      // below follows the model, never the document, so deep unknown members are never visited.
      doc = JSON.parse(body.toString('utf8'));
    } catch {
      throw serialization('Could not parse the request body as JSON.');
    }
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw typeMismatch(doc, 'a Structure');
  }
  return { action: op.name, input: decodeStructure(doc as Record<string, unknown>, op.input) };
}

function decodeStructure(obj: Record<string, unknown>, shape: StructureShape): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const m of shape.members) {
    // Own properties only: a member named like an Object.prototype property must not read inherited.
    const v = Object.prototype.hasOwnProperty.call(obj, m.name) ? obj[m.name] : undefined;
    if (v === undefined || v === null) {
      if (m.required) {
        // Required collections read as empty (see Member.required): the action gives AWS's error.
        if (m.shape.type === 'list') out[m.name] = [];
        else if (m.shape.type === 'map') out[m.name] = {};
        else throw new RequestDecodeError('json', 'MissingParameter', missingParameterMessage(m.name));
      }
      continue;
    }
    out[m.name] = decodeValue(v, m.shape);
  }
  return out;
}

function decodeValue(v: unknown, shape: Shape): unknown {
  switch (shape.type) {
    case 'string':
      if (typeof v !== 'string') throw typeMismatch(v, 'a String');
      return v;
    case 'integer':
      if (typeof v !== 'number') throw typeMismatch(v, 'an Integer');
      if (!Number.isInteger(v)) throw serialization(`NUMBER_VALUE can not be converted to an Integer`);
      if (v < INT32_MIN || v > INT32_MAX) throw serialization(`Numeric value (${v}) out of range of int`);
      return v;
    case 'long':
      if (typeof v !== 'number') throw typeMismatch(v, 'a Long');
      if (!Number.isSafeInteger(v)) throw serialization(`NUMBER_VALUE can not be converted to a Long`);
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') throw typeMismatch(v, 'a Boolean');
      return v;
    case 'blob': {
      // Blobs travel as base64 strings in JSON 1.0.
      if (typeof v !== 'string') throw typeMismatch(v, 'a Blob');
      const buf = decodeBase64Strict(v);
      if (!buf) throw serialization('Base64 encoded value is not valid.');
      return buf;
    }
    case 'list':
      return decodeList(v, shape);
    case 'map':
      return decodeMap(v, shape);
    case 'structure':
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw typeMismatch(v, 'a Structure');
      return decodeStructure(v as Record<string, unknown>, shape);
  }
}

function decodeList(v: unknown, shape: ListShape): unknown[] {
  if (!Array.isArray(v)) {
    if (typeof v === 'object' && v !== null) throw serialization('Start of structure or map found where not expected.');
    throw serialization(`${tokenName(v)} can not be converted to a List`);
  }
  // Lean path: a list of strings that are all strings is returned as parsed, without a copy.
  if (shape.member.type === 'string') {
    for (const e of v) {
      if (typeof e !== 'string') throw e === null ? serialization('Null value in a list is not allowed.') : typeMismatch(e, 'a String');
    }
    return v;
  }
  const out = new Array<unknown>(v.length);
  for (let i = 0; i < v.length; i++) {
    const e = v[i];
    if (e === null || e === undefined) throw serialization('Null value in a list is not allowed.');
    out[i] = decodeValue(e, shape.member);
  }
  return out;
}

function decodeMap(v: unknown, shape: MapShape): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    if (Array.isArray(v)) throw serialization('Start of list found where not expected');
    throw serialization(`${tokenName(v)} can not be converted to a Map`);
  }
  const src = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const valueShape = shape.value;
  for (const key of Object.keys(src)) {
    const e = src[key];
    if (e === null || e === undefined) throw serialization('Null value in a map is not allowed.');
    let decoded: unknown;
    if (valueShape.type === 'structure') {
      if (typeof e !== 'object' || Array.isArray(e)) throw typeMismatch(e, 'a Structure');
      const struct = decodeStructure(e as Record<string, unknown>, valueShape);
      // SQS's own check (and wording) for an attribute value without DataType, before any other
      // validation; keeps `DataType: string` true in the typed seam.
      if (valueShape.attributeValue && struct.DataType === undefined) {
        throw new RequestDecodeError('json', 'InvalidParameterValue', missingDataTypeMessage(valueShape.attributeValue, key));
      }
      decoded = struct;
    } else {
      decoded = decodeValue(e, valueShape);
    }
    setOwn(out, key, decoded);
  }
  return out;
}

// ---- encoding ----------------------------------------------------------------------------------

/** `JSON.stringify` replacer: Buffers (blobs) become base64. `this[key]` is the value before toJSON. */
function blobReplacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return Buffer.isBuffer(raw) ? raw.toString('base64') : value;
}

/**
 * Renders an action's output as a JSON 1.0 body. Undefined members are omitted by JSON.stringify, and
 * so are empty lists and maps at the top level (see withoutEmptyCollections); the blob replacer runs
 * only for outputs whose shape holds blobs (ReceiveMessage), keeping the common path a plain
 * `JSON.stringify`.
 */
export function encodeJsonOutput(op: Operation, output: unknown): string {
  if (!op.output || output === undefined || output === null) return '{}';
  output = withoutEmptyCollections(output);
  // The replacer is called for every key of the document (slow); it is only needed when a blob is
  // actually present, which a model-guided walk of the blob-bearing members finds cheaply.
  return op.output.hasBlob && holdsBlob(output, op.output) ? JSON.stringify(output, blobReplacer) : JSON.stringify(output);
}

/**
 * AWS's SQS JSON answers leave out a list or map that is empty, as its Query answers have no element
 * for one: `{}` for ListQueueTags of an untagged queue and for GetQueueAttributes of an attribute the
 * queue does not have (LocalStack's AWS-validated snapshots test_tag_untag_queue "get-tag-after-untag"
 * and test_sqs_permission_lifecycle "get-queue-policy-attribute-after-removal", recorded 2024-04-30),
 * no `Failed` in a SendMessageBatch whose entries all succeeded
 * (test_send_message_batch_with_oversized_contents_with_updated_maximum_message_size). The actions
 * build their outputs with every list and map present; the members left out are copied away here,
 * and an output without one is returned as it is.
 */
function withoutEmptyCollections(output: unknown): unknown {
  if (typeof output !== 'object' || output === null || Array.isArray(output)) return output;
  const o = output as Record<string, unknown>;
  for (const k in o) {
    if (!isEmptyCollection(o[k])) continue;
    // Built member by member, not copied and `delete`d: a deleted key turns the object into a
    // dictionary, which JSON.stringify walks more slowly (SendMessageBatch's `Failed: []`, every call).
    const copy: Record<string, unknown> = {};
    for (const j in o) if (!isEmptyCollection(o[j])) copy[j] = o[j];
    return copy;
  }
  return output;
}

function isEmptyCollection(v: unknown): boolean {
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v !== 'object' || v === null || Buffer.isBuffer(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.keys(v).length === 0;
}

function mayHoldBlob(shape: Shape): boolean {
  switch (shape.type) {
    case 'blob':
      return true;
    case 'list':
      return mayHoldBlob(shape.member);
    case 'map':
      return mayHoldBlob(shape.value);
    case 'structure':
      return shape.hasBlob;
    default:
      return false;
  }
}

/** Whether `v` (of `shape`) holds a Buffer anywhere a blob may be; visits only blob-bearing members. */
function holdsBlob(v: unknown, shape: Shape): boolean {
  if (v === undefined || v === null) return false;
  switch (shape.type) {
    case 'blob':
      return true;
    case 'list':
      if (!Array.isArray(v) || !mayHoldBlob(shape.member)) return false;
      for (const e of v) if (holdsBlob(e, shape.member)) return true;
      return false;
    case 'map': {
      if (typeof v !== 'object' || !mayHoldBlob(shape.value)) return false;
      const o = v as Record<string, unknown>;
      for (const k in o) if (holdsBlob(o[k], shape.value)) return true;
      return false;
    }
    case 'structure': {
      if (typeof v !== 'object' || !shape.hasBlob) return false;
      const o = v as Record<string, unknown>;
      for (const m of shape.members) if (mayHoldBlob(m.shape) && holdsBlob(o[m.name], m.shape)) return true;
      return false;
    }
    default:
      return false;
  }
}

/** Body of a JSON 1.0 error. */
export function encodeJsonErrorBody(err: SqsError): string {
  return JSON.stringify({ __type: err.spec.jsonType, message: err.messageFor('json') });
}

/**
 * `x-amzn-query-error` value: `<Query code>;<fault>`. SQS's awsQueryCompatible trait: boto3 and the JS
 * SDK take the error code from this header when it has exactly two `;`-separated parts, so users see
 * the same codes (`AWS.SimpleQueueService.NonExistentQueue`) as over Query.
 */
export function queryErrorHeader(err: SqsError): string {
  return `${err.spec.queryCode};${err.spec.fault}`;
}
