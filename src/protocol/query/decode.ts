/**
 * AWS Query decoding: `Action=SendMessage&Version=2012-11-05&QueueUrl=…&MessageAttribute.1.Name=…`
 * as a form-encoded POST body (aws-sdk v2, botocore before its JSON switch, the AWS CLI v1) or a GET
 * query string, into the same typed inputs the JSON decoder produces.
 *
 * How: the flat parameter names are folded into a small tree (`MessageAttribute` → `1` → `Value` →
 * `DataType`), and the operation's input shape is walked over that tree. Lists and maps are flattened
 * in SQS (`AttributeName.N`, `Attribute.N.Name/Value`); their order follows the numeric index, sorted,
 * with gaps allowed, and the index is only ever used as a sort key — never to size an array — so
 * `MessageAttribute.4294967295.Name` cannot allocate anything.
 *
 * List forms (what AWS accepts, see docs/aws-differential.md): `Name.N` (every SDK); a bare `Name=value`
 * for a list of scalars, read as a one-element list (boto 2's `Queue.count()` sends
 * `AttributeName=ApproximateNumberOfMessages`, which AWS answers); `Name.member.N` is AWS's MalformedInput
 * "Start of list found where not expected" (SQS lists are flattened). A bare key with an empty value
 * (`AttributeName=`, botocore's empty list) is an empty list. Map forms: `Attribute.N.Name/Value`, and
 * for a map of scalars one unindexed entry, `Attribute.Name=…&Attribute.Value=…` (boto 2's
 * `set_queue_attribute`, the API reference's Query samples; see mapEntries).
 *
 * Hostile input is bounded before any real work: at most MAX_PARAMS parameters, no duplicate
 * parameters, at most MAX_KEY_SEGMENTS dot-separated segments per known key, list indexes 1…MAX_INDEX.
 * Violations are Query 4xx errors (MalformedQueryString / MalformedInput / InvalidParameterValue),
 * never a crash. Scalar parameters that are not members of the action (Version, AWSAccessKeyId,
 * Signature, X-Amz-*, …) are ignored, as AWS ignores them; an unknown name used as a list
 * (`Entries.1.Id`) is AWS's MalformedInput "Top level element may not be treated as a list".
 */

import type { ActionName } from '../../actions/types.js';
import { START_OF_LIST_UNEXPECTED, TOP_LEVEL_NOT_LIST, invalidActionText } from '../../errors/messages.js';
import { RequestDecodeError, missingDataTypeMessage, missingParameterMessage } from '../errors.js';
import { operationFor, type ListShape, type MapShape, type Shape, type StructureShape } from '../model.js';
import { decodeBase64Strict, parseIntegerStrict, setOwn } from '../shared.js';

/** More parameters than any valid request has (a full SendMessageBatch is a few hundred). */
export const MAX_PARAMS = 10_000;
/** Deepest valid key: `SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringListValue.1` (7). */
export const MAX_KEY_SEGMENTS = 8;
/** Largest accepted list index. Indexes are sort keys; the cap only rejects absurd input early. */
export const MAX_INDEX = 999_999;

/**
 * Actions a queue URL does not take (a Query request sent to `/<account>/<queue>`): AWS answers
 * InvalidAction "The action CreateQueue is not valid for this endpoint." (LocalStack's AWS-validated
 * test_get_create_queue_fails and test_get_list_queues_fails). GetQueueUrl is taken there, even for
 * another queue (test_get_queue_url_work_for_different_queue); no recording covers the others.
 */
const NOT_AT_A_QUEUE_URL: ReadonlySet<ActionName> = new Set<ActionName>(['CreateQueue', 'ListQueues']);

/** Decimal index without leading zeros, at most 6 digits (≤ MAX_INDEX): `0`, `01`, `1e3`, `-1` fail. */
const INDEX = /^[1-9][0-9]{0,5}$/;

/** A decoded Query request. */
export interface DecodedQuery {
  action: ActionName;
  input: unknown;
}

/** Options for {@link decodeQueryRequest}. */
export interface QueryDecodeOptions {
  /**
   * The queue URL implied by the request path (`POST /123456789012/orders` → `http://<host>/…/orders`).
   * aws-sdk v2 and botocore send queue-scoped calls to the queue URL; some clients then omit the
   * QueueUrl parameter, which SQS takes from the path.
   */
  queueUrlFromPath?: string;
}

function malformed(message: string): RequestDecodeError {
  return new RequestDecodeError('query', 'MalformedQueryString', message);
}

/** AWS's MalformedInput (Query code; the catalog's SerializationException entry carries it). */
function malformedInput(message: string): RequestDecodeError {
  return new RequestDecodeError('query', 'SerializationException', message);
}

/**
 * Parses `application/x-www-form-urlencoded` text (a POST body and/or a URL query string) into one
 * parameter map. `+` is a space and `%XX` is UTF-8, as in HTML forms (URLSearchParams does exactly that).
 * A parameter given twice is rejected (which value would win is undefined in AWS), except the same
 * value repeated, which is harmless. More than MAX_PARAMS parameters are rejected.
 */
export function parseQueryParams(...sources: string[]): Map<string, string> {
  const params = new Map<string, string>();
  for (const src of sources) {
    if (src.length === 0) continue;
    for (const [k, v] of new URLSearchParams(src)) {
      if (k.length === 0) continue; // `&&` or a leading `&`: nothing named, nothing to decode
      const prev = params.get(k);
      if (prev !== undefined) {
        if (prev === v) continue;
        throw malformed(`The parameter ${k} was given more than once.`);
      }
      if (params.size >= MAX_PARAMS) throw malformed(`The request has more than ${MAX_PARAMS} parameters.`);
      params.set(k, v);
    }
  }
  return params;
}

/** A node of the parameter tree: the value of the key ending here and the keys that continue it. */
interface ParamNode {
  value?: string;
  children?: Map<string, ParamNode>;
}

/**
 * Decodes parsed Query parameters into `{action, input}`. Throws RequestDecodeError('query', …):
 * MissingParameter (no Action / a required scalar absent), InvalidAction (unknown action),
 * MalformedQueryString (structural nonsense), InvalidParameterValue (a value of the wrong type).
 */
export function decodeQueryRequest(params: Map<string, string>, opts: QueryDecodeOptions = {}): DecodedQuery {
  const actionName = params.get('Action');
  if (actionName === undefined || actionName === '') {
    throw new RequestDecodeError('query', 'MissingParameter', missingParameterMessage('Action'));
  }
  const op = operationFor(actionName);
  if (!op || (opts.queueUrlFromPath !== undefined && NOT_AT_A_QUEUE_URL.has(op.name))) {
    throw new RequestDecodeError('query', 'InvalidAction', invalidActionText(actionName));
  }

  // Fold parameters that name members of this action into a tree; everything else is ignored.
  const root: ParamNode = { children: new Map() };
  for (const [key, value] of params) {
    const dot = key.indexOf('.');
    const head = dot === -1 ? key : key.slice(0, dot);
    if (!op.input.byXmlName.has(head)) {
      // Unknown names are ignored — unless used as a list, which AWS rejects (recorded, see messages.ts).
      if (dot !== -1) {
        const second = key.slice(dot + 1).split('.', 1)[0]!;
        if (second === 'member') throw malformedInput(START_OF_LIST_UNEXPECTED);
        if (/^[0-9]+$/.test(second)) throw malformedInput(TOP_LEVEL_NOT_LIST);
      }
      continue;
    }
    insert(root, key, value);
  }
  if (opts.queueUrlFromPath !== undefined && op.input.byName.has('QueueUrl') && !root.children!.get('QueueUrl')?.value) {
    root.children!.set('QueueUrl', { value: opts.queueUrlFromPath });
  }
  return { action: op.name, input: decodeStructure(root, op.input, '') };
}

function insert(root: ParamNode, key: string, value: string): void {
  const segments = key.split('.', MAX_KEY_SEGMENTS + 1);
  if (segments.length > MAX_KEY_SEGMENTS) throw malformed(`The parameter name ${truncate(key)} is too deeply nested.`);
  let node = root;
  for (const seg of segments) {
    if (seg.length === 0) throw malformed(`The parameter name ${truncate(key)} is not valid.`);
    const children = (node.children ??= new Map());
    let next = children.get(seg);
    if (!next) {
      next = {};
      children.set(seg, next);
    }
    node = next;
  }
  node.value = value;
}

/** Keeps error messages bounded when a hostile key is huge. */
function truncate(s: string): string {
  return s.length > 128 ? `${s.slice(0, 128)}…` : s;
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

function decodeStructure(node: ParamNode | undefined, shape: StructureShape, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const children = node?.children;
  for (const m of shape.members) {
    const child = children?.get(m.xmlName);
    const childPath = join(path, m.xmlName);
    const t = m.shape.type;
    if (t === 'list' || t === 'map') {
      if (child === undefined) {
        // A required collection reads as empty: Query cannot tell empty from absent.
        if (m.required) out[m.name] = t === 'list' ? [] : {};
        continue;
      }
      out[m.name] = t === 'list' ? decodeList(child, m.shape as ListShape, childPath) : decodeMap(child, m.shape as MapShape, childPath);
      continue;
    }
    if (t === 'structure') {
      if (child !== undefined) out[m.name] = decodeStructure(child, m.shape as StructureShape, childPath);
      continue;
    }
    if (child?.value === undefined) {
      if (m.required) throw new RequestDecodeError('query', 'MissingParameter', missingParameterMessage(childPath));
      continue;
    }
    out[m.name] = decodeScalar(child.value, m.shape, childPath);
  }
  return out;
}

function decodeScalar(text: string, shape: Shape, path: string): unknown {
  switch (shape.type) {
    case 'string':
      return text;
    case 'integer':
    case 'long': {
      const n = parseIntegerStrict(text, shape.type);
      if (n === undefined) throw invalidValue(text, path, 'Must be an integer.');
      return n;
    }
    case 'boolean':
      if (text === 'true') return true;
      if (text === 'false') return false;
      throw invalidValue(text, path, 'Must be true or false.');
    case 'blob': {
      const buf = decodeBase64Strict(text);
      if (!buf)
        throw new RequestDecodeError('query', 'InvalidParameterValue', `Value for parameter ${path} is invalid. Reason: Must be base64-encoded.`);
      return buf;
    }
    default:
      throw new Error(`decodeScalar: not a scalar shape (${shape.type})`);
  }
}

/** AWS's InvalidParameterValue wording ("Value x for parameter y is invalid. Reason: …"). */
function invalidValue(text: string, path: string, reason: string): RequestDecodeError {
  return new RequestDecodeError('query', 'InvalidParameterValue', `Value ${truncate(text)} for parameter ${path} is invalid. Reason: ${reason}`);
}

/**
 * The indexed children of a flattened collection node, sorted by index. A bare key with an empty value
 * (`AttributeName=`, botocore's empty list) has no children and yields none. A bare key with a value is
 * handled by decodeList (lists of scalars) and is malformed for anything else.
 */
function indexedChildren(node: ParamNode, path: string): Array<[string, ParamNode]> {
  if (node.value !== undefined && node.value !== '') {
    throw malformed(
      node.children ? `The parameter ${path} was given both as ${path} and as ${path}.N.` : `The parameter ${path} must be given as ${path}.N.`,
    );
  }
  const children = node.children;
  if (!children) return [];
  const entries: Array<[number, string, ParamNode]> = [];
  for (const [idx, child] of children) {
    if (idx === 'member') throw malformedInput(START_OF_LIST_UNEXPECTED);
    if (!INDEX.test(idx)) throw malformed(`${truncate(idx)} is not a valid index in parameter ${truncate(join(path, idx))}; indexes start at 1.`);
    entries.push([Number(idx), idx, child]);
  }
  entries.sort((a, b) => a[0] - b[0]);
  return entries.map((e) => [e[1], e[2]]);
}

function decodeList(node: ParamNode, shape: ListShape, path: string): unknown[] {
  let container = node;
  let base = path;
  if (!shape.flattened) {
    // Non-flattened Query lists are `Name.member.N` (none in SQS today; kept for model fidelity).
    const member = node.children?.get('member');
    if (!member) return [];
    container = member;
    base = `${path}.member`;
  } else if (node.value !== undefined && node.value !== '' && !node.children && isScalar(shape.member)) {
    // `AttributeName=ApproximateNumberOfMessages`: one element (boto 2's Queue.count(), answered by AWS).
    return [decodeScalar(node.value, shape.member, path)];
  }
  const out: unknown[] = [];
  for (const [idx, child] of indexedChildren(container, base)) {
    const p = `${base}.${idx}`;
    out.push(decodeElement(child, shape.member, p));
  }
  return out;
}

function isScalar(shape: Shape): boolean {
  return shape.type !== 'structure' && shape.type !== 'list' && shape.type !== 'map';
}

function decodeElement(node: ParamNode, shape: Shape, path: string): unknown {
  switch (shape.type) {
    case 'structure':
      return decodeStructure(node, shape, path);
    case 'list':
      return decodeList(node, shape, path);
    case 'map':
      return decodeMap(node, shape, path);
    default:
      if (node.value === undefined) throw malformed(`The parameter ${path} has no value.`);
      return decodeScalar(node.value, shape, path);
  }
}

/**
 * The entries of a flattened map node, keyed by their parameter path: `Attribute.N` for the indexed
 * form, or the node itself, as one entry at `Attribute`, for the unindexed form of a map of scalars
 * (`Attribute.Name=VisibilityTimeout&Attribute.Value=35`, `Tag.Key=…&Tag.Value=…`). AWS takes that
 * form: the SQS API reference's Query samples use it (SetQueueAttributes `Attribute.Name`/`Attribute.Value`,
 * CreateQueue `Tag.Key`/`Tag.Value`), AWS names the parameter so when it is missing ("The request must
 * contain the parameter Attribute.Name.", LocalStack's aws-validated test_validate.py), and boto 2's
 * `set_queue_attribute` sends nothing else. Maps of structures (MessageAttribute) keep the indexed form
 * only: no source shows AWS taking them unindexed.
 */
function mapEntries(node: ParamNode, shape: MapShape, path: string): Array<[string, ParamNode]> {
  const children = node.children;
  if (
    isScalar(shape.value) &&
    node.value === undefined &&
    children !== undefined &&
    children.has(shape.keyName) &&
    [...children.keys()].every((k) => k === shape.keyName || k === shape.valueName)
  ) {
    return [[path, node]];
  }
  return indexedChildren(node, path).map(([idx, entry]) => [`${path}.${idx}`, entry]);
}

function decodeMap(node: ParamNode, shape: MapShape, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const valueShape = shape.value;
  for (const [entryPath, entry] of mapEntries(node, shape, path)) {
    const key = entry.children?.get(shape.keyName)?.value;
    if (key === undefined) {
      throw new RequestDecodeError('query', 'MissingParameter', missingParameterMessage(`${entryPath}.${shape.keyName}`));
    }
    const valueNode = entry.children?.get(shape.valueName);
    const valuePath = `${entryPath}.${shape.valueName}`;
    let value: unknown;
    if (valueShape.type === 'structure') {
      const struct = decodeStructure(valueNode, valueShape, valuePath);
      // SQS's own check and wording for an attribute value without DataType.
      if (valueShape.attributeValue && struct.DataType === undefined) {
        throw new RequestDecodeError('query', 'InvalidParameterValue', missingDataTypeMessage(valueShape.attributeValue, key));
      }
      value = struct;
    } else {
      if (valueNode?.value === undefined) {
        throw new RequestDecodeError('query', 'MissingParameter', missingParameterMessage(valuePath));
      }
      value = decodeScalar(valueNode.value, valueShape, valuePath);
    }
    // A name given twice: the later index wins, as with duplicate keys in a JSON object.
    setOwn(out, key, value);
  }
  return out;
}
