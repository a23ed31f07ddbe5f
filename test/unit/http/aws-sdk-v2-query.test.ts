/**
 * Our Query XML against the real Query client: aws-sdk v2 (2.1490.0, the last JS SDK speaking Query)
 * talks to createHttpServer with a fake dispatch returning canned outputs, and must parse every one.
 * MD5s are real (the SDK verifies MD5OfBody on receive and MD5OfMessageBody on send).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { AWSError, SQS } from 'aws-sdk';
import { SqsError } from '../../../src/errors/catalog.js';
import { listenerLimits } from '../../../src/config/schema.js';
import { createHttpServer, type FerryHttpServer } from '../../../src/http/listener.js';
import { type DecodedCall, inputOf } from '../../helpers/wire.js';

process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
// Imported after the variable is set (a static import would run first and print the notice).
const AWS = (await import('aws-sdk')).default;

const md5 = (s: string | Buffer) => createHash('md5').update(s).digest('hex');

/** SQS's MD5OfMessageAttributes algorithm (for the canned ReceiveMessage output). */
function md5OfAttributes(attrs: Record<string, { DataType: string; StringValue?: string; BinaryValue?: Buffer }>): string {
  const h = createHash('md5');
  const len = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  for (const name of Object.keys(attrs).sort()) {
    const a = attrs[name]!;
    const nb = Buffer.from(name, 'utf8');
    const tb = Buffer.from(a.DataType, 'utf8');
    h.update(len(nb.length)).update(nb).update(len(tb.length)).update(tb);
    if (a.BinaryValue)
      h.update(Buffer.from([2]))
        .update(len(a.BinaryValue.length))
        .update(a.BinaryValue);
    else {
      const v = Buffer.from(a.StringValue ?? '', 'utf8');
      h.update(Buffer.from([1]))
        .update(len(v.length))
        .update(v);
    }
  }
  return h.digest('hex');
}

const BODY = 'Hello & <world> "quoted" \'single\'\r\nsecond line\r\n\ttab \u{1F600}';
const MSG_ATTRS = {
  str: { DataType: 'String', StringValue: 'v <&> \r' },
  num: { DataType: 'Number', StringValue: '42' },
  bin: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2, 253, 254, 255]) },
};

let server: FerryHttpServer;
let sqs: SQS;
let queueUrl: string;
const seen: DecodedCall[] = [];

/** The input of the first recorded call of `action`. */
const seenInput = <A extends DecodedCall['action']>(action: A) =>
  inputOf(
    seen.find((c) => c.action === action),
    action,
  );

/** A rejection from aws-sdk v2 (its errors are Errors with the AWSError fields). */
function awsError(e: unknown): AWSError {
  assert.ok(e instanceof Error, `not an Error: ${String(e)}`);
  assert.ok('code' in e && 'statusCode' in e, `not an AWSError: ${String(e)}`);
  return e as AWSError;
}

before(async () => {
  server = createHttpServer({
    limits: listenerLimits(),
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    dispatch: async (action, input) => {
      const call = { action, input };
      seen.push(call);
      switch (action) {
        case 'ReceiveMessage':
          return {
            Messages: [
              {
                MessageId: '6f1c3d7e-0000-4000-8000-000000000001',
                ReceiptHandle: 'AQEB+rh/==',
                MD5OfBody: md5(BODY),
                Body: BODY,
                Attributes: { SentTimestamp: '1700000000000', ApproximateReceiveCount: '1', SenderId: 'AIDA' },
                MD5OfMessageAttributes: md5OfAttributes(MSG_ATTRS),
                MessageAttributes: MSG_ATTRS,
              },
            ],
          };
        case 'SendMessageBatch': {
          const { Entries } = inputOf(call, 'SendMessageBatch');
          return {
            Successful: Entries.slice(0, 1).map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: md5(e.MessageBody) })),
            Failed: Entries.slice(1).map((e) => ({ Id: e.Id, SenderFault: true, Code: 'InvalidParameterValue', Message: 'nope' })),
          };
        }
        case 'GetQueueAttributes':
          return {
            Attributes: {
              VisibilityTimeout: '30',
              Policy: '{"Version":"2012-10-17","Statement":[]}',
              QueueArn: 'arn:aws:sqs:us-east-1:000000000000:q',
            },
          };
        case 'ListQueueTags':
          return { Tags: { team: 'a&b', env: 'prod' } };
        case 'ListQueues':
          return { QueueUrls: [queueUrl, `${queueUrl}2`], NextToken: 'tok' };
        case 'DeleteQueue':
          throw new SqsError('QueueDoesNotExist');
        case 'PurgeQueue':
          throw new SqsError('PurgeQueueInProgress');
        default:
          return {};
      }
    },
  });
  const { port } = await server.listen(0, '127.0.0.1');
  queueUrl = `http://127.0.0.1:${port}/000000000000/q`;
  sqs = new AWS.SQS({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: new AWS.Credentials('AKIDEXAMPLE', 'secret'),
    sslEnabled: false,
    maxRetries: 0,
  });
});

after(async () => {
  await server.close();
});

test('ReceiveMessage: body with CR and entities, attributes, binary message attributes, MD5 verified', async () => {
  const r = await sqs
    .receiveMessage({ QueueUrl: queueUrl, AttributeNames: ['All'], MessageAttributeNames: ['All'], MaxNumberOfMessages: 10 })
    .promise();
  assert.equal(r.Messages?.length, 1);
  const m = r.Messages[0]!;
  assert.equal(m.Body, BODY);
  assert.equal(m.ReceiptHandle, 'AQEB+rh/==');
  assert.deepEqual(m.Attributes, { SentTimestamp: '1700000000000', ApproximateReceiveCount: '1', SenderId: 'AIDA' });
  assert.equal(m.MessageAttributes?.['str']?.StringValue, 'v <&> \r');
  assert.equal(m.MessageAttributes?.['num']?.DataType, 'Number');
  const bin = m.MessageAttributes?.['bin']?.BinaryValue;
  assert.ok(Buffer.isBuffer(bin));
  assert.deepEqual([...bin], [0, 1, 2, 253, 254, 255]);
  assert.equal(m.MD5OfMessageAttributes, md5OfAttributes(MSG_ATTRS));
  // The SDK sent the call to the queue URL; our decoder saw its lists.
  assert.deepEqual(seenInput('ReceiveMessage'), {
    QueueUrl: queueUrl,
    AttributeNames: ['All'],
    MessageAttributeNames: ['All'],
    MaxNumberOfMessages: 10,
  });
});

test('SendMessageBatch: successes and failures parse; entries with binary attributes decode', async () => {
  const r = await sqs
    .sendMessageBatch({
      QueueUrl: queueUrl,
      Entries: [
        { Id: 'a', MessageBody: 'first\r\n', MessageAttributes: { b: { DataType: 'Binary', BinaryValue: Buffer.from([9, 8, 7]) } } },
        { Id: 'b', MessageBody: 'second', DelaySeconds: 3 },
      ],
    })
    .promise();
  assert.deepEqual(r.Successful, [{ Id: 'a', MessageId: 'm-a', MD5OfMessageBody: md5('first\r\n') }]);
  assert.deepEqual(r.Failed, [{ Id: 'b', SenderFault: true, Code: 'InvalidParameterValue', Message: 'nope' }]);
  const [first, second] = seenInput('SendMessageBatch').Entries;
  assert.equal(first?.MessageBody, 'first\r\n');
  const bin = first?.MessageAttributes?.['b']?.BinaryValue;
  assert.ok(Buffer.isBuffer(bin), 'a binary attribute arrives as a Buffer');
  assert.deepEqual([...bin], [9, 8, 7]);
  assert.equal(second?.DelaySeconds, 3);
});

test('GetQueueAttributes, ListQueueTags, ListQueues parse', async () => {
  const g = await sqs.getQueueAttributes({ QueueUrl: queueUrl, AttributeNames: ['All'] }).promise();
  assert.deepEqual(g.Attributes, {
    VisibilityTimeout: '30',
    Policy: '{"Version":"2012-10-17","Statement":[]}',
    QueueArn: 'arn:aws:sqs:us-east-1:000000000000:q',
  });
  const t = await sqs.listQueueTags({ QueueUrl: queueUrl }).promise();
  assert.deepEqual(t.Tags, { team: 'a&b', env: 'prod' });
  const l = await sqs.listQueues({ QueueNamePrefix: 'q', MaxResults: 2 }).promise();
  assert.deepEqual(l.QueueUrls, [queueUrl, `${queueUrl}2`]);
  assert.equal(l.NextToken, 'tok');
  const d = await sqs.tagQueue({ QueueUrl: queueUrl, Tags: { k: 'v' } }).promise();
  // aws-sdk v2 adds the parsed <ResponseMetadata> to every Query result (its typings leave it out).
  const { ResponseMetadata } = d as { ResponseMetadata?: { RequestId?: string } };
  assert.ok(ResponseMetadata?.RequestId);
  assert.deepEqual(seenInput('TagQueue'), { QueueUrl: queueUrl, Tags: { k: 'v' } });
});

test('errors: Query code, wording and status reach the SDK', async () => {
  await assert.rejects(sqs.deleteQueue({ QueueUrl: queueUrl }).promise(), (x: unknown) => {
    const e = awsError(x);
    assert.equal(e.code, 'AWS.SimpleQueueService.NonExistentQueue');
    assert.equal(e.message, 'The specified queue does not exist for this wsdl version.');
    assert.equal(e.statusCode, 400);
    assert.match(String(e.requestId), /^[0-9a-f-]{36}$/);
    return true;
  });
  await assert.rejects(sqs.purgeQueue({ QueueUrl: queueUrl }).promise(), (x: unknown) => {
    const e = awsError(x);
    assert.equal(e.code, 'AWS.SimpleQueueService.PurgeQueueInProgress');
    assert.equal(e.statusCode, 403);
    return true;
  });
});
