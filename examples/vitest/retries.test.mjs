/**
 * What would take minutes of real sleeping against SQS — a redrive to the dead-letter queue after
 * repeated failures, a delayed message, the five-minute FIFO deduplication window — in milliseconds,
 * on Ferry's manual clock. `npx vitest run` here (Ferry comes from the installed ferry-sqs package).
 */
import { beforeEach, expect, test } from 'vitest';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ferryAdmin } from 'ferry-sqs/testkit';

const sqs = new SQSClient({});
const ferry = ferryAdmin(process.env.FERRY_URL);

beforeEach(async () => {
  await ferry.reset({ deleteQueues: true });
});

async function queue(QueueName, Attributes = {}) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName, Attributes }));
  return QueueUrl;
}

const receive = async (QueueUrl) => (await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages ?? [];

test('a message that fails three times lands in the dead-letter queue', async () => {
  const dlq = await queue('orders-dlq');
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }));
  const orders = await queue('orders', {
    VisibilityTimeout: '60',
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes.QueueArn, maxReceiveCount: 3 }),
  });
  await sqs.send(new SendMessageCommand({ QueueUrl: orders, MessageBody: 'order 7' }));

  for (let attempt = 1; attempt <= 3; attempt++) {
    expect((await receive(orders)).map((m) => m.Body)).toEqual(['order 7']); // the consumer fails…
    await ferry.advanceClock(61); // …and its visibility timeout runs out: three minutes, no waiting
  }
  expect(await receive(orders)).toEqual([]); // the fourth receive moves it instead of returning it
  expect((await receive(dlq)).map((m) => m.Body)).toEqual(['order 7']);
});

test('a delayed message stays hidden until its delay has passed on Ferry’s clock', async () => {
  const url = await queue('reminders');
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'remind me', DelaySeconds: 900 }));
  await ferry.advanceClock(899);
  expect(await receive(url)).toEqual([]);
  await ferry.advanceClock(1);
  expect((await receive(url)).map((m) => m.Body)).toEqual(['remind me']);
});

test('a FIFO duplicate is dropped inside five minutes and accepted after', async () => {
  const url = await queue('payments.fifo', { FifoQueue: 'true' });
  const send = () => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'pay 10', MessageGroupId: 'a', MessageDeduplicationId: 'p-1' }));
  const first = await send();
  expect((await send()).MessageId).toBe(first.MessageId); // within the window: the same message, not a new one
  await ferry.advanceClock(5 * 60 + 1);
  expect((await send()).MessageId).not.toBe(first.MessageId); // window over: a new message
});
