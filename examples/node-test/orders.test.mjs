/**
 * Tests of the kind that would sleep for real against SQS, run in milliseconds against Ferry started by
 * global-setup.mjs (manual clock). The SDK client needs no endpoint or credentials: the global setup put
 * them in the environment.
 */
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { ferryAdmin } from 'ferry-sqs/testkit';

const sqs = new SQSClient({});
const ferry = ferryAdmin(process.env.FERRY_URL);

// Every test starts from an empty server. (Deleting queues is safe to repeat at once thanks to
// --skip-cooldowns; without it, CreateQueue of a just-deleted name fails with QueueDeletedRecently.)
beforeEach(() => ferry.reset({ deleteQueues: true }));

test('an unacknowledged message comes back after its visibility timeout, without waiting', async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'jobs', Attributes: { VisibilityTimeout: '30' } }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'resize image 42' }));

  const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
  assert.equal(first.Messages?.length, 1);
  assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages?.length ?? 0, 0); // in flight

  await ferry.advanceClock(31); // the consumer "crashed": 31 s pass on Ferry's clock, none for real
  const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
  assert.equal(again.Messages?.[0]?.Body, 'resize image 42');
  assert.equal(again.Messages?.[0]?.Attributes?.ApproximateReceiveCount, '2');
});

test('reset left nothing behind: the previous test’s queue is gone and its name free', async () => {
  assert.equal((await sqs.send(new ListQueuesCommand({}))).QueueUrls?.length ?? 0, 0);
  await sqs.send(new CreateQueueCommand({ QueueName: 'jobs' }));
});

test('waitFor observes what a consumer did, without consuming', async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'jobs' }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'send invoice' }));

  // The code under test: receive and acknowledge (here inline; usually a worker started by the test).
  const consumer = (async () => {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }));
    for (const m of Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
  })();

  const deleted = await ferry.waitFor({ queue: 'jobs', event: 'deleted', body: 'send invoice', timeoutMs: 5000 });
  assert.equal(deleted.queue, 'jobs');
  await consumer;
});
