/**
 * The JSON path against the real JSON client (@aws-sdk/client-sqs v3): typed inputs arrive decoded
 * (binary attributes as Buffers), outputs parse, and error codes come through `x-amzn-query-error`.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { SQSClient, ReceiveMessageCommand, SendMessageCommand, DeleteQueueCommand, ListQueuesCommand, QueueDoesNotExist } from '@aws-sdk/client-sqs';
import { SqsError } from '../../../src/errors/catalog.js';
import { listenerLimits } from '../../../src/config/schema.js';
import { createHttpServer, type FerryHttpServer } from '../../../src/http/listener.js';
import { type DecodedCall, inputOf } from '../../helpers/wire.js';

const md5 = (s: string | Buffer) => createHash('md5').update(s).digest('hex');

let server: FerryHttpServer;
let client: SQSClient;
let queueUrl: string;
const seen: DecodedCall[] = [];

before(async () => {
  server = createHttpServer({
    limits: listenerLimits(),
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    dispatch: async (action, input) => {
      const call = { action, input };
      seen.push(call);
      switch (action) {
        case 'SendMessage':
          return { MessageId: 'm1', MD5OfMessageBody: md5(inputOf(call, 'SendMessage').MessageBody) };
        case 'ReceiveMessage':
          return {
            Messages: [
              {
                MessageId: 'm1',
                ReceiptHandle: 'rh',
                Body: 'b\r\n',
                MD5OfBody: md5('b\r\n'),
                MessageAttributes: { bin: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) } },
              },
            ],
          };
        case 'ListQueues':
          return { QueueUrls: [queueUrl] };
        case 'DeleteQueue':
          throw new SqsError('QueueDoesNotExist');
        default:
          return {};
      }
    },
  });
  const { port } = await server.listen(0, '127.0.0.1');
  queueUrl = `http://127.0.0.1:${port}/000000000000/q`;
  client = new SQSClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
});

after(async () => {
  client.destroy();
  await server.close();
});

test('SendMessage with binary attribute: decoded input; output parses', async () => {
  const r = await client.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: 'hello',
      DelaySeconds: 2,
      MessageAttributes: { bin: { DataType: 'Binary', BinaryValue: new Uint8Array([7, 8]) } },
    }),
  );
  assert.equal(r.MessageId, 'm1');
  const input = inputOf(
    seen.find((c) => c.action === 'SendMessage'),
    'SendMessage',
  );
  assert.equal(input.MessageBody, 'hello');
  assert.equal(input.DelaySeconds, 2);
  const bin = input.MessageAttributes?.['bin']?.BinaryValue;
  assert.ok(Buffer.isBuffer(bin), 'a binary attribute arrives as a Buffer');
  assert.deepEqual([...bin], [7, 8]);
});

test('ReceiveMessage: base64 blobs round-trip; ListQueues parses', async () => {
  const r = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MessageAttributeNames: ['All'] }));
  assert.equal(r.Messages![0]!.Body, 'b\r\n');
  assert.deepEqual([...r.Messages![0]!.MessageAttributes!.bin!.BinaryValue!], [1, 2, 3]);
  const l = await client.send(new ListQueuesCommand({}));
  assert.deepEqual(l.QueueUrls, [queueUrl]);
});

test('errors: the SDK sees QueueDoesNotExist', async () => {
  await assert.rejects(client.send(new DeleteQueueCommand({ QueueUrl: queueUrl })), (e: unknown) => {
    assert.ok(e instanceof QueueDoesNotExist, `not QueueDoesNotExist: ${String(e)}`);
    assert.equal(e.name, 'QueueDoesNotExist');
    assert.equal(e.$metadata.httpStatusCode, 400);
    return true;
  });
});
