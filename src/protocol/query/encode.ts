/**
 * AWS Query responses: XML in the 2012-11-05 namespace.
 *
 *   <SendMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/">
 *     <SendMessageResult>…</SendMessageResult>
 *     <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata>
 *   </SendMessageResponse>
 *
 * Actions without output (DeleteQueue, TagQueue, …) have no Result element, only ResponseMetadata.
 * Every SQS collection is flattened: a list repeats its element (`<QueueUrl>` ×N), a map repeats an
 * entry (`<Attribute><Name/><Value/></Attribute>`, `<Tag><Key/><Value/></Tag>`); message attribute
 * values are structures (`<Value><StringValue/>…<DataType/></Value>`). Element order follows the model.
 */

import type { SqsError } from '../../errors/catalog.js';
import type { ListShape, MapShape, Operation, Shape, StructureShape } from '../model.js';

/** The SQS Query XML namespace (API version 2012-11-05). */
export const XML_NAMESPACE = 'http://queue.amazonaws.com/doc/2012-11-05/';
/** Content type of Query responses (what SQS sends). */
export const XML_CONTENT_TYPE = 'text/xml';

const XML_DECL = '<?xml version="1.0"?>';

/**
 * Characters that must not appear raw in XML text:
 *  - `&` `<` `>` and the quotes (escaped everywhere, as SQS does: `&quot;` `&apos;`);
 *  - carriage return: XML parsers normalise a raw CR (and CRLF) to LF, which would change message
 *    bodies and break their MD5 — SQS sends `&#xD;`;
 *  - control characters XML 1.0 forbids even as references (#x0–#x8, #xB, #xC, #xE–#x1F) and the
 *    non-characters U+FFFE/U+FFFF. SQS never stores them in bodies (InvalidMessageContents), but
 *    other strings (e.g. names echoed in error messages) could carry them; they become U+FFFD so the
 *    document stays well-formed. Tab and LF are legal and survive parsing, so they stay raw.
 */
// eslint-disable-next-line no-control-regex -- matching the control characters XML 1.0 forbids is the point
const XML_SPECIAL = /[&<>"'\r\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;
// eslint-disable-next-line no-control-regex -- as above
const XML_SPECIAL_G = /[&<>"'\r\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g;

function replaceSpecial(c: string): string {
  switch (c) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    case '"':
      return '&quot;';
    case "'":
      return '&apos;';
    case '\r':
      return '&#xD;';
    default:
      return '\uFFFD';
  }
}

/** ES2024 well-formedness helpers (present in Node 20; not in our ES2023 lib typings). */
type WellFormed = { isWellFormed(): boolean; toWellFormed(): string };

/**
 * Escapes text content for XML 1.0. Fast path: strings without special characters (nearly all ids,
 * URLs, MD5s) are returned as they are. Lone UTF-16 surrogates, which no XML document can hold,
 * become U+FFFD.
 */
export function escapeXml(s: string): string {
  const special = XML_SPECIAL.test(s);
  const wellFormed = (s as unknown as WellFormed).isWellFormed();
  if (!special && wellFormed) return s;
  let out = special ? s.replace(XML_SPECIAL_G, replaceSpecial) : s;
  if (!wellFormed) out = (out as unknown as WellFormed).toWellFormed();
  return out;
}

function scalarText(v: unknown, shape: Shape): string {
  switch (shape.type) {
    case 'blob':
      return Buffer.isBuffer(v) ? v.toString('base64') : escapeXml(String(v));
    case 'string':
      return escapeXml(typeof v === 'string' ? v : String(v));
    default:
      // integer, long, boolean: their String() form is the wire form (`42`, `true`).
      return String(v);
  }
}

/** Renders one member value as `<name>…</name>` (repeated for flattened collections). */
function element(name: string, v: unknown, shape: Shape): string {
  switch (shape.type) {
    case 'structure':
      return `<${name}>${structureBody(v as Record<string, unknown>, shape)}</${name}>`;
    case 'list':
      return listElements(name, v as unknown[], shape);
    case 'map':
      return mapElements(name, v as Record<string, unknown>, shape);
    default:
      return `<${name}>${scalarText(v, shape)}</${name}>`;
  }
}

function listElements(name: string, items: unknown[], shape: ListShape): string {
  let x = '';
  if (shape.flattened) {
    for (const item of items) if (item !== undefined && item !== null) x += element(name, item, shape.member);
    return x;
  }
  for (const item of items) if (item !== undefined && item !== null) x += element('member', item, shape.member);
  return `<${name}>${x}</${name}>`;
}

function mapElements(name: string, map: Record<string, unknown>, shape: MapShape): string {
  let x = '';
  for (const key of Object.keys(map)) {
    const v = map[key];
    if (v === undefined || v === null) continue;
    const entry = `<${shape.keyName}>${escapeXml(key)}</${shape.keyName}>${element(shape.valueName, v, shape.value)}`;
    x += shape.flattened ? `<${name}>${entry}</${name}>` : `<entry>${entry}</entry>`;
  }
  return shape.flattened ? x : `<${name}>${x}</${name}>`;
}

function structureBody(obj: Record<string, unknown>, shape: StructureShape): string {
  let x = '';
  for (const m of shape.members) {
    const v = obj[m.name];
    if (v === undefined || v === null) continue;
    x += element(m.xmlName, v, m.shape);
  }
  return x;
}

/**
 * Renders an action's output as a complete Query response document. `output` must match the
 * operation's output shape (the typed seam guarantees it); absent members are omitted.
 */
export function encodeQueryOutput(op: Operation, output: unknown, requestId: string): string {
  let result = '';
  if (op.output && op.resultWrapper) {
    const body = output === undefined || output === null ? '' : structureBody(output as Record<string, unknown>, op.output);
    // AWS renders an empty result as a self-closing element (`<ReceiveMessageResult/>`).
    result = body === '' ? `<${op.resultWrapper}/>` : `<${op.resultWrapper}>${body}</${op.resultWrapper}>`;
  }
  return (
    `${XML_DECL}<${op.name}Response xmlns="${XML_NAMESPACE}">${result}` +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${op.name}Response>`
  );
}

/**
 * Renders a Query error document:
 * `<ErrorResponse><Error><Type>Sender</Type><Code>…</Code><Message>…</Message><Detail/></Error>
 * <RequestId>…</RequestId></ErrorResponse>`, with the Query code and the Query wording
 * (e.g. "The specified queue does not exist for this wsdl version.").
 */
export function encodeQueryError(err: SqsError, requestId: string): string {
  return (
    `${XML_DECL}<ErrorResponse xmlns="${XML_NAMESPACE}"><Error><Type>${err.spec.fault}</Type>` +
    `<Code>${escapeXml(err.spec.queryCode)}</Code><Message>${escapeXml(err.messageFor('query'))}</Message><Detail/></Error>` +
    `<RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`
  );
}
