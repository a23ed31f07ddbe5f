/**
 * The wire model of the 23 SQS actions: for every input and output member its type, its JSON member
 * name (AWS JSON 1.0) and its Query parameter / XML element name (AWS Query), and whether collections
 * are flattened.
 *
 * Derived by hand from the Query-speaking SDK's API description (aws-sdk v2
 * `apis/sqs-2012-11-05.min.json`: `locationName`, `flattened`, `resultWrapper`) cross-checked with the
 * current Smithy model shipped in @aws-sdk/client-sqs (`xmlName`, `xmlFlattened`). It is data, not
 * code: both decoders and both encoders walk it, so a member is named in exactly one place.
 *
 * Why hand-written data instead of loading the SDK JSON at runtime: the SDKs are dev dependencies, and
 * the model is small and stable (API version 2012-11-05). A unit test checks it against the SDK JSON.
 */

import type { ActionName } from '../actions/types.js';

/** A string on both wires. */
export interface StringShape {
  readonly type: 'string';
}
/** A 32-bit integer (Smithy `integer`). */
export interface IntegerShape {
  readonly type: 'integer';
}
/** A 64-bit integer (Smithy `long`); we keep it a JS number (SQS values stay far below 2^53). */
export interface LongShape {
  readonly type: 'long';
}
export interface BooleanShape {
  readonly type: 'boolean';
}
/** Bytes: base64 text on both wires, a Buffer in the typed seam. */
export interface BlobShape {
  readonly type: 'blob';
}
export interface ListShape {
  readonly type: 'list';
  readonly member: Shape;
  /**
   * Flattened (every SQS list is): Query sends `Name.N`, XML repeats `<Name>` without a wrapper.
   * Not flattened: Query `Name.member.N`, XML `<Name><member>…</member></Name>`.
   */
  readonly flattened: boolean;
}
export interface MapShape {
  readonly type: 'map';
  /** Query/XML name of the key element: `Name` (attributes) or `Key` (tags). */
  readonly keyName: string;
  /** Query/XML name of the value element (always `Value` in SQS). */
  readonly valueName: string;
  readonly value: Shape;
  /** Flattened (every SQS map is): Query `Attribute.N.Name`, XML repeats `<Attribute>`. */
  readonly flattened: boolean;
}
export interface Member {
  /** Member name in the JSON protocol and in the typed seam (`src/actions/types.ts`). */
  readonly name: string;
  /**
   * Query parameter prefix and XML element name. For flattened collections this is the name of the
   * repeated element (`AttributeNames` → `AttributeName`, `Entries` → `SendMessageBatchRequestEntry`).
   */
  readonly xmlName: string;
  readonly shape: Shape;
  /**
   * Required in the model. A required scalar that is absent is MissingParameter in both decoders. A
   * required collection that is absent decodes as an empty one: Query cannot tell an empty list from a
   * missing one (botocore even sends a bare `AttributeName=`), so both decoders hand the action `[]`/`{}`
   * and the action answers with AWS's semantic error (EmptyBatchRequest, "…parameter Attribute.Name").
   */
  readonly required: boolean;
}
export interface StructureShape {
  readonly type: 'structure';
  readonly members: readonly Member[];
  /** Members by JSON name. */
  readonly byName: ReadonlyMap<string, Member>;
  /** Members by Query/XML name. */
  readonly byXmlName: ReadonlyMap<string, Member>;
  /** True when the shape (transitively) contains a blob: the JSON encoder then base64s Buffers. */
  readonly hasBlob: boolean;
  /**
   * Marks SQS's message attribute value structure (`MessageAttributeValue`,
   * `MessageSystemAttributeValue`): its required `DataType` is checked with SQS's own wording.
   */
  readonly attributeValue?: 'message' | 'system';
}
export type Shape = StringShape | IntegerShape | LongShape | BooleanShape | BlobShape | ListShape | MapShape | StructureShape;

/** One action: its input structure, its output structure (absent: no result), and the XML wrapper. */
export interface Operation {
  readonly name: ActionName;
  readonly input: StructureShape;
  /** Absent for actions without output (DeleteQueue, …): JSON `{}`, XML only ResponseMetadata. */
  readonly output?: StructureShape;
  /** `<XxxResult>` element (API JSON `resultWrapper`); present exactly when `output` is. */
  readonly resultWrapper?: string;
}

// ---- builders ----------------------------------------------------------------------------------

const STRING: StringShape = { type: 'string' };
const INTEGER: IntegerShape = { type: 'integer' };
const LONG: LongShape = { type: 'long' };
const BOOLEAN: BooleanShape = { type: 'boolean' };
const BLOB: BlobShape = { type: 'blob' };

interface MemberDef {
  name: string;
  xmlName?: string;
  shape: Shape;
  required?: boolean;
}

function shapeHasBlob(s: Shape): boolean {
  switch (s.type) {
    case 'blob':
      return true;
    case 'list':
      return shapeHasBlob(s.member);
    case 'map':
      return shapeHasBlob(s.value);
    case 'structure':
      return s.hasBlob;
    default:
      return false;
  }
}

function struct(defs: MemberDef[], attributeValue?: 'message' | 'system'): StructureShape {
  const members: Member[] = defs.map((d) => ({
    name: d.name,
    xmlName: d.xmlName ?? d.name,
    shape: d.shape,
    required: d.required ?? false,
  }));
  return {
    type: 'structure',
    members,
    byName: new Map(members.map((m) => [m.name, m])),
    byXmlName: new Map(members.map((m) => [m.xmlName, m])),
    hasBlob: members.some((m) => shapeHasBlob(m.shape)),
    ...(attributeValue ? { attributeValue } : {}),
  };
}

/** Shorthand member constructors. `req` marks required scalars. */
const s = (name: string, xmlName?: string): MemberDef => ({ name, shape: STRING, ...(xmlName ? { xmlName } : {}) });
const req = (name: string): MemberDef => ({ name, shape: STRING, required: true });
const int = (name: string, required = false): MemberDef => ({ name, shape: INTEGER, required });
const long = (name: string): MemberDef => ({ name, shape: LONG });
const flatList = (member: Shape): ListShape => ({ type: 'list', member, flattened: true });
/** A flattened list member: `name` in JSON, `xmlName` repeated in Query/XML. */
const list = (name: string, xmlName: string, member: Shape = STRING, required = false): MemberDef => ({
  name,
  xmlName,
  shape: flatList(member),
  required,
});
const flatMap = (keyName: string, value: Shape): MapShape => ({ type: 'map', keyName, valueName: 'Value', value, flattened: true });

// ---- shared shapes (API JSON names in comments) ------------------------------------------------

/** QueueAttributeMap (Sk): `Attribute.N.Name` / `Attribute.N.Value`. */
const QUEUE_ATTRIBUTE_MAP = flatMap('Name', STRING);
/** TagMap (Sm): `Tag.N.Key` / `Tag.N.Value`. */
const TAG_MAP = flatMap('Key', STRING);

/**
 * MessageAttributeValue (S1p value). `StringListValues`/`BinaryListValues` are flattened in the member
 * reference (`StringListValue.N`), although SQS documents them as reserved for future use.
 */
const attributeValue = (kind: 'message' | 'system'): StructureShape =>
  struct(
    [
      s('StringValue'),
      { name: 'BinaryValue', shape: BLOB },
      list('StringListValues', 'StringListValue'),
      list('BinaryListValues', 'BinaryListValue', BLOB),
      // Required in the model, but checked with SQS's wording ("must contain non-empty message
      // attribute type") rather than a generic MissingParameter: see `attributeValue` marker.
      s('DataType'),
    ],
    kind,
  );
/** MessageBodyAttributeMap (S1p): `MessageAttribute.N.Name` / `MessageAttribute.N.Value.*`. */
const MESSAGE_ATTRIBUTE_MAP = flatMap('Name', attributeValue('message'));
/** MessageBodySystemAttributeMap (S1w): `MessageSystemAttribute.N.Name` / `.Value.*`. */
const MESSAGE_SYSTEM_ATTRIBUTE_MAP = flatMap('Name', attributeValue('system'));

/** BatchResultErrorEntry list (Sg), rendered as repeated `<BatchResultErrorEntry>`. */
const BATCH_ERROR_ENTRY = struct([req('Id'), { name: 'SenderFault', shape: BOOLEAN, required: true }, req('Code'), s('Message')]);
const failed = (): MemberDef => list('Failed', 'BatchResultErrorEntry', BATCH_ERROR_ENTRY);
const BATCH_ID_ENTRY = struct([req('Id')]);

const QUEUE_URL = req('QueueUrl');

// ---- operations --------------------------------------------------------------------------------

function op(name: ActionName, input: MemberDef[], output?: MemberDef[]): Operation {
  return output ? { name, input: struct(input), output: struct(output), resultWrapper: `${name}Result` } : { name, input: struct(input) };
}

const MESSAGE = struct([
  s('MessageId'),
  s('ReceiptHandle'),
  s('MD5OfBody'),
  s('Body'),
  { name: 'Attributes', xmlName: 'Attribute', shape: QUEUE_ATTRIBUTE_MAP },
  s('MD5OfMessageAttributes'),
  { name: 'MessageAttributes', xmlName: 'MessageAttribute', shape: MESSAGE_ATTRIBUTE_MAP },
]);

const SEND_FIELDS = (): MemberDef[] => [
  { name: 'MessageBody', shape: STRING, required: true },
  int('DelaySeconds'),
  { name: 'MessageAttributes', xmlName: 'MessageAttribute', shape: MESSAGE_ATTRIBUTE_MAP },
  { name: 'MessageSystemAttributes', xmlName: 'MessageSystemAttribute', shape: MESSAGE_SYSTEM_ATTRIBUTE_MAP },
  s('MessageDeduplicationId'),
  s('MessageGroupId'),
];

const OPERATION_LIST: Operation[] = [
  op(
    'CreateQueue',
    [
      req('QueueName'),
      { name: 'Attributes', xmlName: 'Attribute', shape: QUEUE_ATTRIBUTE_MAP },
      // AWS quirk: the JSON member is lowercase `tags` (TagQueue's is `Tags`); Query sends `Tag.N.*`.
      { name: 'tags', xmlName: 'Tag', shape: TAG_MAP },
    ],
    [s('QueueUrl')],
  ),
  op('DeleteQueue', [QUEUE_URL]),
  op('GetQueueUrl', [req('QueueName'), s('QueueOwnerAWSAccountId')], [s('QueueUrl')]),
  op('ListQueues', [s('QueueNamePrefix'), s('NextToken'), int('MaxResults')], [list('QueueUrls', 'QueueUrl'), s('NextToken')]),
  op(
    'GetQueueAttributes',
    [QUEUE_URL, list('AttributeNames', 'AttributeName')],
    [{ name: 'Attributes', xmlName: 'Attribute', shape: QUEUE_ATTRIBUTE_MAP }],
  ),
  op('SetQueueAttributes', [QUEUE_URL, { name: 'Attributes', xmlName: 'Attribute', shape: QUEUE_ATTRIBUTE_MAP, required: true }]),
  op('PurgeQueue', [QUEUE_URL]),
  op(
    'SendMessage',
    [QUEUE_URL, ...SEND_FIELDS()],
    [s('MD5OfMessageBody'), s('MD5OfMessageAttributes'), s('MD5OfMessageSystemAttributes'), s('MessageId'), s('SequenceNumber')],
  ),
  op(
    'SendMessageBatch',
    [QUEUE_URL, list('Entries', 'SendMessageBatchRequestEntry', struct([req('Id'), ...SEND_FIELDS()]), true)],
    [
      list(
        'Successful',
        'SendMessageBatchResultEntry',
        struct([
          req('Id'),
          req('MessageId'),
          req('MD5OfMessageBody'),
          s('MD5OfMessageAttributes'),
          s('MD5OfMessageSystemAttributes'),
          s('SequenceNumber'),
        ]),
      ),
      failed(),
    ],
  ),
  op(
    'ReceiveMessage',
    [
      QUEUE_URL,
      list('AttributeNames', 'AttributeName'),
      // Newer member (2024). The current Smithy model gives it xmlName `AttributeName` (shared with the
      // deprecated AttributeNames), which our Query decoder maps to AttributeNames — same meaning. We
      // also accept the distinct `MessageSystemAttributeName.N` some clients send.
      list('MessageSystemAttributeNames', 'MessageSystemAttributeName'),
      list('MessageAttributeNames', 'MessageAttributeName'),
      int('MaxNumberOfMessages'),
      int('VisibilityTimeout'),
      int('WaitTimeSeconds'),
      s('ReceiveRequestAttemptId'),
    ],
    [list('Messages', 'Message', MESSAGE)],
  ),
  op('DeleteMessage', [QUEUE_URL, req('ReceiptHandle')]),
  op(
    'DeleteMessageBatch',
    [QUEUE_URL, list('Entries', 'DeleteMessageBatchRequestEntry', struct([req('Id'), req('ReceiptHandle')]), true)],
    [list('Successful', 'DeleteMessageBatchResultEntry', BATCH_ID_ENTRY), failed()],
  ),
  op('ChangeMessageVisibility', [QUEUE_URL, req('ReceiptHandle'), int('VisibilityTimeout', true)]),
  op(
    'ChangeMessageVisibilityBatch',
    [
      QUEUE_URL,
      list('Entries', 'ChangeMessageVisibilityBatchRequestEntry', struct([req('Id'), req('ReceiptHandle'), int('VisibilityTimeout')]), true),
    ],
    [list('Successful', 'ChangeMessageVisibilityBatchResultEntry', BATCH_ID_ENTRY), failed()],
  ),
  op(
    'ListDeadLetterSourceQueues',
    [QUEUE_URL, s('NextToken'), int('MaxResults')],
    // AWS quirk: lowercase `queueUrls` in JSON, repeated `<QueueUrl>` in XML.
    [list('queueUrls', 'QueueUrl'), s('NextToken')],
  ),
  op('StartMessageMoveTask', [req('SourceArn'), s('DestinationArn'), int('MaxNumberOfMessagesPerSecond')], [s('TaskHandle')]),
  op('CancelMessageMoveTask', [req('TaskHandle')], [long('ApproximateNumberOfMessagesMoved')]),
  op(
    'ListMessageMoveTasks',
    [req('SourceArn'), int('MaxResults')],
    [
      list(
        'Results',
        'ListMessageMoveTasksResultEntry',
        struct([
          s('TaskHandle'),
          s('Status'),
          s('SourceArn'),
          s('DestinationArn'),
          int('MaxNumberOfMessagesPerSecond'),
          long('ApproximateNumberOfMessagesMoved'),
          long('ApproximateNumberOfMessagesToMove'),
          s('FailureReason'),
          long('StartedTimestamp'),
        ]),
      ),
    ],
  ),
  // TagQueue's JSON member is `Tags`; the TagMap shape's locationName makes Query send `Tag.N.Key`.
  op('TagQueue', [QUEUE_URL, { name: 'Tags', xmlName: 'Tag', shape: TAG_MAP, required: true }]),
  op('UntagQueue', [QUEUE_URL, list('TagKeys', 'TagKey', STRING, true)]),
  op('ListQueueTags', [QUEUE_URL], [{ name: 'Tags', xmlName: 'Tag', shape: TAG_MAP }]),
  op('AddPermission', [QUEUE_URL, req('Label'), list('AWSAccountIds', 'AWSAccountId', STRING, true), list('Actions', 'ActionName', STRING, true)]),
  op('RemovePermission', [QUEUE_URL, req('Label')]),
];

/** Every operation by action name. A null-prototype object so `OPERATIONS['__proto__']` is undefined. */
export const OPERATIONS: Readonly<Record<ActionName, Operation>> = Object.assign(
  Object.create(null) as Record<ActionName, Operation>,
  Object.fromEntries(OPERATION_LIST.map((o) => [o.name, o])),
);

/** The operation for a wire action name, or undefined (never an inherited property). */
export function operationFor(name: string): Operation | undefined {
  return Object.prototype.hasOwnProperty.call(OPERATIONS, name) ? OPERATIONS[name as ActionName] : undefined;
}
