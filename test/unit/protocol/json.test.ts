import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SqsError } from '../../../src/errors/catalog.js';
import { RequestDecodeError } from '../../../src/protocol/errors.js';
import { decodeJsonRequest, encodeJsonOutput } from '../../../src/protocol/json.js';
import { OPERATIONS } from '../../../src/protocol/model.js';
import { inputOf } from '../../helpers/wire.js';

const T = (a: string) => `AmazonSQS.${a}`;
const body = (o: unknown) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o));
const decode = (action: string, o: unknown) => decodeJsonRequest(T(action), body(o));

function rejects(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof RequestDecodeError, `not a RequestDecodeError: ${String(e)}`);
    assert.ok(e instanceof SqsError);
    assert.equal(e.protocol, 'json');
    assert.equal(e.code, code);
    if (message) assert.match(e.message, message);
    return true;
  });
}

test('decodes a SendMessage with attributes; blobs become Buffers; unknown keys are dropped', () => {
  const d = decode('SendMessage', {
    QueueUrl: 'http://h/1/q',
    MessageBody: 'hi',
    DelaySeconds: 5,
    Unknown: { deep: [1, 2, 3] },
    MessageAttributes: {
      s: { DataType: 'String', StringValue: 'v' },
      b: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 255]).toString('base64') },
      l: { DataType: 'String', StringListValues: ['a', 'b'], BinaryListValues: ['AAE='] },
    },
    MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1' } },
  });
  const i = inputOf(d, 'SendMessage');
  assert.equal('Unknown' in i, false);
  assert.equal(i.DelaySeconds, 5);
  assert.deepEqual(i.MessageAttributes?.['s'], { DataType: 'String', StringValue: 'v' });
  const bin = i.MessageAttributes?.['b']?.BinaryValue;
  assert.ok(Buffer.isBuffer(bin));
  assert.deepEqual([...bin], [0, 1, 255]);
  assert.deepEqual(i.MessageAttributes?.['l']?.StringListValues, ['a', 'b']);
  assert.deepEqual([...i.MessageAttributes!['l']!.BinaryListValues![0]!], [0, 1]);
  assert.equal(i.MessageSystemAttributes?.['AWSTraceHeader']?.StringValue, 'Root=1');
});

test('decodes batch entries, lists, lowercase tags and maps', () => {
  const b = inputOf(
    decode('SendMessageBatch', {
      QueueUrl: 'u',
      Entries: [
        { Id: 'a', MessageBody: 'x', MessageGroupId: 'g' },
        { Id: 'b', MessageBody: 'y', DelaySeconds: 0 },
      ],
    }),
    'SendMessageBatch',
  );
  assert.deepEqual(b.Entries, [
    { Id: 'a', MessageBody: 'x', MessageGroupId: 'g' },
    { Id: 'b', MessageBody: 'y', DelaySeconds: 0 },
  ]);
  const d = inputOf(decode('DeleteMessageBatch', { QueueUrl: 'u', Entries: [{ Id: 'a', ReceiptHandle: 'r' }] }), 'DeleteMessageBatch');
  assert.deepEqual(d.Entries, [{ Id: 'a', ReceiptHandle: 'r' }]);
  const c = inputOf(
    decode('ChangeMessageVisibilityBatch', { QueueUrl: 'u', Entries: [{ Id: 'a', ReceiptHandle: 'r', VisibilityTimeout: 10 }] }),
    'ChangeMessageVisibilityBatch',
  );
  assert.deepEqual(c.Entries, [{ Id: 'a', ReceiptHandle: 'r', VisibilityTimeout: 10 }]);
  const q = inputOf(
    decode('CreateQueue', { QueueName: 'q', Attributes: { DelaySeconds: '1' }, tags: { t: 'v' }, Tags: { ignored: 'x' } }),
    'CreateQueue',
  );
  assert.deepEqual(q, { QueueName: 'q', Attributes: { DelaySeconds: '1' }, tags: { t: 'v' } });
  const r = inputOf(
    decode('ReceiveMessage', {
      QueueUrl: 'u',
      AttributeNames: ['All'],
      MessageSystemAttributeNames: ['SentTimestamp'],
      MessageAttributeNames: ['.*'],
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 20,
    }),
    'ReceiveMessage',
  );
  assert.deepEqual(r.AttributeNames, ['All']);
  assert.deepEqual(r.MessageSystemAttributeNames, ['SentTimestamp']);
  const p = inputOf(decode('AddPermission', { QueueUrl: 'u', Label: 'l', AWSAccountIds: ['1'], Actions: ['SendMessage'] }), 'AddPermission');
  assert.deepEqual(p.Actions, ['SendMessage']);
  const u = inputOf(decode('UntagQueue', { QueueUrl: 'u', TagKeys: ['a', 'b'] }), 'UntagQueue');
  assert.deepEqual(u.TagKeys, ['a', 'b']);
});

test('required collections absent read as empty; required scalars absent are MissingParameter', () => {
  assert.deepEqual(inputOf(decode('SendMessageBatch', { QueueUrl: 'u' }), 'SendMessageBatch').Entries, []);
  assert.deepEqual(inputOf(decode('SetQueueAttributes', { QueueUrl: 'u' }), 'SetQueueAttributes').Attributes, {});
  rejects(() => decode('SendMessage', { QueueUrl: 'u' }), 'MissingParameter', /MessageBody/);
  rejects(() => decode('DeleteQueue', {}), 'MissingParameter', /The request must contain the parameter QueueUrl\./);
  rejects(() => decode('SendMessageBatch', { QueueUrl: 'u', Entries: [{ MessageBody: 'x' }] }), 'MissingParameter', /Id/);
  // null reads as absent (Coral)
  assert.deepEqual(decode('ListQueues', { QueueNamePrefix: null }).input, {});
});

test("an attribute value without DataType gets SQS's wording", () => {
  rejects(
    () => decode('SendMessage', { QueueUrl: 'u', MessageBody: 'b', MessageAttributes: { a: { StringValue: 'x' } } }),
    'InvalidParameterValue',
    /The message attribute 'a' must contain non-empty message attribute type\./,
  );
});

test('wrong member types are SerializationException in Coral wording', () => {
  rejects(() => decode('SendMessage', { QueueUrl: 'u', MessageBody: 5 }), 'SerializationException', /NUMBER_VALUE can not be converted to a String/);
  rejects(() => decode('SendMessage', { QueueUrl: 'u', MessageBody: true }), 'SerializationException', /TRUE_VALUE/);
  rejects(
    () => decode('SendMessage', { QueueUrl: 'u', MessageBody: {} }),
    'SerializationException',
    /Start of structure or map found where not expected/,
  );
  rejects(() => decode('SendMessage', { QueueUrl: 'u', MessageBody: [] }), 'SerializationException', /Start of list/);
  rejects(
    () => decode('SendMessage', { QueueUrl: 'u', MessageBody: 'b', DelaySeconds: '5' }),
    'SerializationException',
    /STRING_VALUE can not be converted to an Integer/,
  );
  rejects(() => decode('SendMessage', { QueueUrl: 'u', MessageBody: 'b', DelaySeconds: 1.5 }), 'SerializationException');
  rejects(() => decode('SendMessage', { QueueUrl: 'u', MessageBody: 'b', DelaySeconds: 2 ** 31 }), 'SerializationException', /out of range/);
  rejects(() => decode('ReceiveMessage', { QueueUrl: 'u', AttributeNames: 'All' }), 'SerializationException', /List/);
  rejects(() => decode('ReceiveMessage', { QueueUrl: 'u', AttributeNames: [1] }), 'SerializationException');
  rejects(() => decode('ReceiveMessage', { QueueUrl: 'u', AttributeNames: [null] }), 'SerializationException');
  rejects(() => decode('SetQueueAttributes', { QueueUrl: 'u', Attributes: [] }), 'SerializationException');
  rejects(() => decode('SetQueueAttributes', { QueueUrl: 'u', Attributes: { a: 1 } }), 'SerializationException');
  rejects(() => decode('SendMessageBatch', { QueueUrl: 'u', Entries: ['x'] }), 'SerializationException');
  rejects(
    () => decode('SendMessage', { QueueUrl: 'u', MessageBody: 'b', MessageAttributes: { a: { DataType: 'Binary', BinaryValue: 'not base64!' } } }),
    'SerializationException',
  );
});

test('malformed JSON, non-object bodies, unknown targets', () => {
  rejects(() => decodeJsonRequest(T('SendMessage'), body('{"QueueUrl":')), 'SerializationException');
  rejects(() => decodeJsonRequest(T('SendMessage'), body('[]')), 'SerializationException');
  rejects(() => decodeJsonRequest(T('SendMessage'), body('"x"')), 'SerializationException');
  rejects(() => decodeJsonRequest(T('Nope'), body('{}')), 'InvalidAction');
  rejects(() => decodeJsonRequest(T('__proto__'), body('{}')), 'InvalidAction');
  rejects(() => decodeJsonRequest('Other.SendMessage', body('{}')), 'InvalidAction');
  rejects(() => decodeJsonRequest(undefined, body('{}')), 'InvalidAction');
  // Empty body reads as {}.
  assert.deepEqual(decodeJsonRequest(T('ListQueues'), Buffer.alloc(0)).input, {});
});

test('hostile nesting and prototype keys are harmless', () => {
  const deep = '['.repeat(200_000) + ']'.repeat(200_000);
  assert.deepEqual(decodeJsonRequest(T('ListQueues'), body(`{"X":${deep}}`)).input, {});
  rejects(() => decodeJsonRequest(T('ListQueues'), body(`{"QueueNamePrefix":${deep}}`)), 'SerializationException');
  const i = inputOf(
    decodeJsonRequest(T('SetQueueAttributes'), body('{"QueueUrl":"u","Attributes":{"__proto__":"x","constructor":"y"}}')),
    'SetQueueAttributes',
  );
  assert.equal(Object.getPrototypeOf(i.Attributes), Object.prototype);
  assert.deepEqual(Object.keys(i.Attributes), ['__proto__', 'constructor']);
  assert.equal(i.Attributes['__proto__'], 'x');
});

test('encodes outputs: Buffers as base64, undefined omitted, no output → {}', () => {
  const out = encodeJsonOutput(OPERATIONS.ReceiveMessage, {
    Messages: [
      {
        MessageId: 'm',
        Body: 'b',
        Attributes: { SentTimestamp: '1' },
        MD5OfMessageAttributes: undefined,
        MessageAttributes: {
          bin: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) },
          l: { DataType: 'X', BinaryListValues: [Buffer.from('hi')] },
        },
      },
    ],
  });
  assert.deepEqual(JSON.parse(out), {
    Messages: [
      {
        MessageId: 'm',
        Body: 'b',
        Attributes: { SentTimestamp: '1' },
        MessageAttributes: { bin: { DataType: 'Binary', BinaryValue: 'AQID' }, l: { DataType: 'X', BinaryListValues: ['aGk='] } },
      },
    ],
  });
  assert.equal(encodeJsonOutput(OPERATIONS.DeleteQueue, {}), '{}');
  assert.equal(encodeJsonOutput(OPERATIONS.ListQueues, { QueueUrls: ['a'], NextToken: undefined }), '{"QueueUrls":["a"]}');
  // An empty list or map at the top level is left out, as AWS's JSON answers do (recorded: an untagged
  // queue's Tags, an absent attribute's Attributes, a batch's Failed when every entry succeeded).
  assert.equal(encodeJsonOutput(OPERATIONS.ListDeadLetterSourceQueues, { queueUrls: [] }), '{}');
  assert.equal(encodeJsonOutput(OPERATIONS.ListQueueTags, { Tags: {} }), '{}');
  assert.equal(encodeJsonOutput(OPERATIONS.ListQueueTags, { Tags: { a: '' } }), '{"Tags":{"a":""}}');
  assert.equal(encodeJsonOutput(OPERATIONS.GetQueueAttributes, { Attributes: {} }), '{}');
  const batch = { Successful: [{ Id: 'a', MessageId: 'm', MD5OfMessageBody: 'x' }], Failed: [] };
  assert.equal(encodeJsonOutput(OPERATIONS.SendMessageBatch, batch), '{"Successful":[{"Id":"a","MessageId":"m","MD5OfMessageBody":"x"}]}');
  assert.deepEqual(batch.Failed, [], 'the output object itself is left as it was');
  assert.equal(
    encodeJsonOutput(OPERATIONS.DeleteMessageBatch, { Successful: [], Failed: [{ Id: 'a', SenderFault: true, Code: 'c' }] }),
    '{"Failed":[{"Id":"a","SenderFault":true,"Code":"c"}]}',
  );
});
