import { Cancellation } from '../../../src/core/cancel.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { harness } from './harness.js';
import type { StorageEngine } from '../../../src/storage/engine.js';

test('send, receive with attributes and MD5s, delete', async () => {
  const h = await harness();
  const { QueueUrl } = await h.call('CreateQueue', { QueueName: 'q' });
  const s = (v: string) => ({ DataType: 'String', StringValue: v });
  const sent = await h.call('SendMessage', {
    QueueUrl,
    MessageBody: 'msg',
    MessageAttributes: { General: s('Kenobi'), Hello: s('There'), 'Help.Me': s('Me') },
  });
  // Values recorded from real SQS (see test/unit/core/md5.test.ts).
  assert.equal(sent.MD5OfMessageBody, '6e2baaf3b97dbeef01c0043275f9a0e7');
  assert.equal(sent.MD5OfMessageAttributes, '4c360f3fdafd970e05fae2f149d997f5');
  assert.equal(sent.MD5OfMessageSystemAttributes, undefined);
  const r = await h.call('ReceiveMessage', { QueueUrl, MessageAttributeNames: ['Hel.*'], MessageSystemAttributeNames: ['All'] });
  const m = r.Messages![0]!;
  assert.equal(m.MessageId, sent.MessageId);
  assert.equal(m.MD5OfBody, '6e2baaf3b97dbeef01c0043275f9a0e7');
  assert.equal(m.MD5OfMessageAttributes, '83fee93c1bcd8b9a5a923ffacdc636c7');
  assert.deepEqual(Object.keys(m.MessageAttributes!), ['Hello', 'Help.Me']);
  assert.equal(m.Attributes!.SenderId, '000000000000');
  assert.equal(m.Attributes!.SentTimestamp, String(h.clock.now()));
  assert.equal(m.Attributes!.ApproximateReceiveCount, '1');
  assert.equal(m.Attributes!.ApproximateFirstReceiveTimestamp, String(h.clock.now()));
  assert.match(m.ReceiptHandle!, /^AQEB/);
  const stats = (await h.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] })).Attributes!;
  assert.equal(stats.ApproximateNumberOfMessagesNotVisible, '1');
  await h.call('DeleteMessage', { QueueUrl, ReceiptHandle: m.ReceiptHandle! });
  assert.deepEqual((await h.call('ReceiveMessage', { QueueUrl })).Messages, undefined); // no Messages member when empty (as AWS)
  await h.close();
});

test('receipt handles: forged and foreign handles are ReceiptHandleIsInvalid', async () => {
  const h = await harness();
  const a = (await h.call('CreateQueue', { QueueName: 'a' })).QueueUrl;
  const b = (await h.call('CreateQueue', { QueueName: 'b' })).QueueUrl;
  await h.call('SendMessage', { QueueUrl: a, MessageBody: 'x' });
  const rh = (await h.call('ReceiveMessage', { QueueUrl: a })).Messages![0]!.ReceiptHandle!;
  await h.fails(
    h.call('DeleteMessage', { QueueUrl: b, ReceiptHandle: rh }),
    'ReceiptHandleIsInvalid',
    `The input receipt handle "${rh}" is not a valid receipt handle.`,
  );
  await h.fails(h.call('DeleteMessage', { QueueUrl: a, ReceiptHandle: 'garbage' }), 'ReceiptHandleIsInvalid');
  const batch = await h.call('DeleteMessageBatch', {
    QueueUrl: a,
    Entries: [
      { Id: 'ok', ReceiptHandle: rh },
      { Id: 'bad', ReceiptHandle: 'fake-receipt-handle-1' },
    ],
  });
  assert.deepEqual(batch.Successful, [{ Id: 'ok' }]);
  assert.deepEqual(batch.Failed, [
    {
      Id: 'bad',
      SenderFault: true,
      Code: 'ReceiptHandleIsInvalid',
      Message: 'The input receipt handle "fake-receipt-handle-1" is not a valid receipt handle.',
    },
  ]);
  await h.close();
});

test('visibility: default from queue, change, 12 h limit, not in flight', async () => {
  const h = await harness();
  const { QueueUrl } = await h.call('CreateQueue', { QueueName: 'q', Attributes: { VisibilityTimeout: '10' } });
  await h.call('SendMessage', { QueueUrl, MessageBody: 'x' });
  const rh = (await h.call('ReceiveMessage', { QueueUrl })).Messages![0]!.ReceiptHandle!;
  h.clock.advance(9_000);
  assert.deepEqual((await h.call('ReceiveMessage', { QueueUrl })).Messages, undefined); // no Messages member when empty (as AWS)
  await h.call('ChangeMessageVisibility', { QueueUrl, ReceiptHandle: rh, VisibilityTimeout: 100 });
  h.clock.advance(50_000);
  assert.deepEqual((await h.call('ReceiveMessage', { QueueUrl })).Messages, undefined); // no Messages member when empty (as AWS)
  await h.fails(
    h.call('ChangeMessageVisibility', { QueueUrl, ReceiptHandle: rh, VisibilityTimeout: 43_200 }),
    'InvalidParameterValue',
    /43200 seconds/,
  );
  await h.fails(h.call('ChangeMessageVisibility', { QueueUrl, ReceiptHandle: rh, VisibilityTimeout: 43_201 }), 'InvalidParameterValue');
  await h.call('ChangeMessageVisibility', { QueueUrl, ReceiptHandle: rh, VisibilityTimeout: 0 });
  const again = await h.call('ReceiveMessage', { QueueUrl, VisibilityTimeout: 5, AttributeNames: ['ApproximateReceiveCount'] });
  assert.equal(again.Messages![0]!.Attributes!.ApproximateReceiveCount, '2');
  h.clock.advance(6_000);
  const res = await h.call('ChangeMessageVisibilityBatch', {
    QueueUrl,
    Entries: [{ Id: 'a', ReceiptHandle: again.Messages![0]!.ReceiptHandle!, VisibilityTimeout: 10 }],
  });
  // Visible again and not received since: AWS accepts the latest receipt and hides it again (recorded
  // 2024-04-30); an older receipt of that message is MessageNotInflight.
  assert.deepEqual(res.Failed, []);
  assert.deepEqual((await h.call('ReceiveMessage', { QueueUrl })).Messages, undefined);
  h.clock.advance(11_000); // visible again
  const old = await h.call('ChangeMessageVisibilityBatch', { QueueUrl, Entries: [{ Id: 'a', ReceiptHandle: rh, VisibilityTimeout: 10 }] });
  assert.equal(old.Failed[0]?.Code, 'AWS.SimpleQueueService.MessageNotInflight');
  // A deleted message: AWS's recorded InvalidParameterValue wording, single and batch.
  const rh2 = (await h.call('ReceiveMessage', { QueueUrl })).Messages![0]!.ReceiptHandle!;
  await h.call('DeleteMessage', { QueueUrl, ReceiptHandle: rh2 });
  const gone = `Value ${rh2} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`;
  await h.fails(h.call('ChangeMessageVisibility', { QueueUrl, ReceiptHandle: rh2, VisibilityTimeout: 5 }), 'InvalidParameterValue', gone);
  const res2 = await h.call('ChangeMessageVisibilityBatch', { QueueUrl, Entries: [{ Id: 'b', ReceiptHandle: rh2, VisibilityTimeout: 5 }] });
  assert.deepEqual(res2.Failed[0], { Id: 'b', SenderFault: true, Code: 'InvalidParameterValue', Message: gone });
  // DeleteMessage of a deleted message still succeeds (recorded: test_delete_message_with_deleted_receipt_handle).
  await h.call('DeleteMessage', { QueueUrl, ReceiptHandle: rh2 });
  await h.close();
});

test('SendMessageBatch: request-level and per-entry failures', async () => {
  const h = await harness();
  const { QueueUrl } = await h.call('CreateQueue', { QueueName: 'q' });
  await h.fails(h.call('SendMessageBatch', { QueueUrl, Entries: [] }), 'EmptyBatchRequest');
  const many = Array.from({ length: 20 }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x' }));
  await h.fails(
    h.call('SendMessageBatch', { QueueUrl, Entries: many }),
    'TooManyEntriesInBatchRequest',
    'Maximum number of entries per request are 10. You have sent 20.',
  );
  await h.fails(h.call('SendMessageBatch', { QueueUrl, Entries: [{ Id: 'invalid:id', MessageBody: 'x' }] }), 'InvalidBatchEntryId');
  await h.fails(
    h.call('SendMessageBatch', {
      QueueUrl,
      Entries: [
        { Id: 'a', MessageBody: 'x' },
        { Id: 'a', MessageBody: 'y' },
      ],
    }),
    'BatchEntryIdsNotDistinct',
  );
  const big = 'x'.repeat(600_000);
  await h.fails(
    h.call('SendMessageBatch', {
      QueueUrl,
      Entries: [
        { Id: 'a', MessageBody: big },
        { Id: 'b', MessageBody: big },
      ],
    }),
    'BatchRequestTooLong',
  );
  const r = await h.call('SendMessageBatch', {
    QueueUrl,
    Entries: [
      { Id: '1', MessageBody: 'a' },
      { Id: '2', MessageBody: 'bad\u0000' },
      { Id: '3', MessageBody: 'c', DelaySeconds: 901 },
    ],
  });
  assert.deepEqual(
    r.Successful.map((e) => e.Id),
    ['1'],
  );
  assert.equal(r.Successful[0]!.MD5OfMessageBody, '0cc175b9c0f1b6a831c399e269772661');
  assert.deepEqual(
    r.Failed.map((f) => [f.Id, f.Code, f.SenderFault]),
    [
      ['2', 'InvalidMessageContents', true],
      ['3', 'InvalidParameterValue', true],
    ],
  );
  await h.close();
});

test('SendMessageBatch: each result entry is Id, MessageId, then the MD5s and sequence number (the JSON key order)', async () => {
  const h = await harness();
  const { QueueUrl } = await h.call('CreateQueue', { QueueName: 'order' });
  const s = (v: string) => ({ DataType: 'String', StringValue: v });
  const r = await h.call(
    'SendMessageBatch',
    {
      QueueUrl,
      Entries: [
        { Id: 'plain', MessageBody: 'msg' },
        { Id: 'attrs', MessageBody: 'msg', MessageAttributes: { General: s('Kenobi'), Hello: s('There'), 'Help.Me': s('Me') } },
      ],
    },
    { traceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793' },
  );
  const keys = r.Successful.map((e) => Object.keys(e).join(','));
  assert.deepEqual(keys, [
    'Id,MessageId,MD5OfMessageBody,MD5OfMessageSystemAttributes',
    'Id,MessageId,MD5OfMessageBody,MD5OfMessageAttributes,MD5OfMessageSystemAttributes',
  ]);
  assert.equal(r.Successful[1]!.MD5OfMessageAttributes, '4c360f3fdafd970e05fae2f149d997f5');
  assert.equal(r.Successful[0]!.MD5OfMessageBody, '6e2baaf3b97dbeef01c0043275f9a0e7');
  assert.equal(r.Successful[0]!.MD5OfMessageSystemAttributes, r.Successful[1]!.MD5OfMessageSystemAttributes);
  const got = (await h.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10 })).Messages!;
  assert.deepEqual(got.map((m) => m.MessageId).sort(), r.Successful.map((e) => e.MessageId).sort());
  const { QueueUrl: fifo } = await h.call('CreateQueue', { QueueName: 'order.fifo', Attributes: { FifoQueue: 'true' } });
  const f = await h.call('SendMessageBatch', {
    QueueUrl: fifo,
    Entries: [
      { Id: 'a', MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd1' },
      { Id: 'b', MessageBody: 'y', MessageGroupId: 'g', MessageDeduplicationId: 'd2' },
    ],
  });
  assert.deepEqual(
    f.Successful.map((e) => Object.keys(e).join(',')),
    ['Id,MessageId,MD5OfMessageBody,SequenceNumber', 'Id,MessageId,MD5OfMessageBody,SequenceNumber'],
  );
  assert.ok(BigInt(f.Successful[0]!.SequenceNumber!) < BigInt(f.Successful[1]!.SequenceNumber!));
  await h.close();
});

test('FIFO: group/dedup rules, content-based dedup, batch fails as a whole', async () => {
  const h = await harness();
  const { QueueUrl } = await h.call('CreateQueue', { QueueName: 'f.fifo', Attributes: { FifoQueue: 'true' } });
  await h.fails(h.call('SendMessage', { QueueUrl, MessageBody: 'x' }), 'MissingParameter', 'The request must contain the parameter MessageGroupId.');
  await h.fails(
    h.call('SendMessage', { QueueUrl, MessageBody: 'x', MessageGroupId: 'g' }),
    'InvalidParameterValue',
    'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
  );
  await h.fails(
    h.call('SendMessage', { QueueUrl, MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd', DelaySeconds: 2 }),
    'InvalidParameterValue',
  );
  await h.fails(
    h.call('SendMessageBatch', {
      QueueUrl,
      Entries: [
        { Id: 'a', MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd' },
        { Id: 'b', MessageBody: 'y' },
      ],
    }),
    'InvalidParameterValue',
    'The request must contain the parameter MessageGroupId.',
  );
  const s1 = await h.call('SendMessage', { QueueUrl, MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd' });
  const s2 = await h.call('SendMessage', { QueueUrl, MessageBody: 'other', MessageGroupId: 'g', MessageDeduplicationId: 'd' });
  assert.equal(s2.MessageId, s1.MessageId);
  assert.ok(s1.SequenceNumber);
  await h.call('SetQueueAttributes', { QueueUrl, Attributes: { ContentBasedDeduplication: 'true' } });
  await h.call('SendMessage', { QueueUrl, MessageBody: 'body', MessageGroupId: 'g' });
  const r = await h.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] });
  assert.equal(r.Messages!.length, 2);
  assert.equal(r.Messages![0]!.Attributes!.MessageGroupId, 'g');
  assert.equal(r.Messages![0]!.Attributes!.MessageDeduplicationId, 'd');
  assert.equal(
    r.Messages![1]!.Attributes!.MessageDeduplicationId,
    '230d8358dc8e8890b4c58deeb62912ee2f20357ae92a5cc861b98e68fe31acb5', // sha256('body')
  );
  assert.equal(r.Messages![0]!.Attributes!.SequenceNumber, s1.SequenceNumber);
  await h.close();
});

test('trace header becomes AWSTraceHeader with its MD5', async () => {
  const h = await harness();
  const { QueueUrl } = await h.call('CreateQueue', { QueueName: 'q' });
  const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1';
  const sent = await h.call('SendMessage', { QueueUrl, MessageBody: 'x' }, { traceHeader: trace });
  assert.match(sent.MD5OfMessageSystemAttributes!, /^[0-9a-f]{32}$/);
  const m = (await h.call('ReceiveMessage', { QueueUrl, MessageSystemAttributeNames: ['AWSTraceHeader'] })).Messages![0]!;
  assert.deepEqual(m.Attributes, { AWSTraceHeader: trace });
  await h.close();
});

test('long polling is woken by a send, times out, and aborts', async () => {
  const h = await harness();
  const { QueueUrl } = await h.call('CreateQueue', { QueueName: 'q' });
  const pending = h.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 20 });
  await new Promise((r) => setImmediate(r));
  await h.call('SendMessage', { QueueUrl, MessageBody: 'wake' });
  assert.equal((await pending).Messages![0]!.Body, 'wake');

  const ac = new Cancellation();
  const aborted = h.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 20 }, { signal: ac });
  await new Promise((r) => setImmediate(r));
  ac.abort();
  assert.deepEqual((await aborted).Messages, undefined); // no Messages member when empty (as AWS)
  await h.close();
});

test('a long poll on a shared engine registers its wait first, and tries once more when that was news', async () => {
  const h = await harness();
  const { QueueUrl } = await h.call('CreateQueue', { QueueName: 'q' });
  const engine = h.engine as StorageEngine;
  const steps: string[] = [];
  const receive = engine.messageReceive.bind(engine);
  engine.messageReceive = (p) => {
    steps.push('receive');
    return receive(p);
  };
  // The first registration is news (a message sent meanwhile was not announced); later ones are not.
  engine.expectWakes = () => {
    steps.push('expect');
    return Promise.resolve(steps.filter((s) => s === 'expect').length === 1);
  };
  try {
    const pending = h.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 20 });
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(steps, ['receive', 'expect', 'receive', 'expect']);
    await h.call('SendMessage', { QueueUrl, MessageBody: 'wake' });
    assert.equal((await pending).Messages![0]!.Body, 'wake');
    assert.deepEqual(steps, ['receive', 'expect', 'receive', 'expect', 'receive']);
    // A receive that does not wait registers nothing.
    steps.length = 0;
    await h.call('ReceiveMessage', { QueueUrl });
    assert.deepEqual(steps, ['receive']);
  } finally {
    delete engine.expectWakes;
    await h.close();
  }
});

test('purge cool-down names the queue', async () => {
  const h = await harness();
  const { QueueUrl } = await h.call('CreateQueue', { QueueName: 'pq' });
  await h.call('SendMessage', { QueueUrl, MessageBody: 'x' });
  await h.call('PurgeQueue', { QueueUrl });
  await h.fails(h.call('PurgeQueue', { QueueUrl }), 'PurgeQueueInProgress', 'Only one PurgeQueue operation on pq is allowed every 60 seconds.');
  h.clock.advance(60_000);
  await h.call('PurgeQueue', { QueueUrl });
  await h.close();
});

test('dead-letter queue and message move task', async () => {
  const h = await harness();
  const dlq = (await h.call('CreateQueue', { QueueName: 'dlq' })).QueueUrl;
  const src = (
    await h.call('CreateQueue', {
      QueueName: 'src',
      Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: h.arn('dlq'), maxReceiveCount: 1 }), VisibilityTimeout: '0' },
    })
  ).QueueUrl;
  await h.fails(
    h.call('StartMessageMoveTask', { SourceArn: h.arn('src') }),
    'InvalidParameterValue',
    'Source queue must be configured as a Dead Letter Queue.',
  );
  await h.fails(h.call('StartMessageMoveTask', { SourceArn: h.arn('dlq'), DestinationArn: h.arn('nope') }), 'ResourceNotFoundException');
  await h.fails(h.call('StartMessageMoveTask', { SourceArn: h.arn('dlq'), MaxNumberOfMessagesPerSecond: 501 }), 'InvalidParameterValue');
  await h.call('SendMessage', { QueueUrl: src, MessageBody: 'poison' });
  await h.call('ReceiveMessage', { QueueUrl: src });
  assert.deepEqual((await h.call('ReceiveMessage', { QueueUrl: src })).Messages, undefined); // no Messages member when empty (as AWS)
  const dead = (await h.call('ReceiveMessage', { QueueUrl: dlq, MessageSystemAttributeNames: ['All'], VisibilityTimeout: 0 })).Messages![0]!;
  assert.equal(dead.Attributes!.DeadLetterQueueSourceArn, h.arn('src'));
  const { TaskHandle } = await h.call('StartMessageMoveTask', { SourceArn: h.arn('dlq'), MaxNumberOfMessagesPerSecond: 10 });
  assert.deepEqual(JSON.parse(Buffer.from(TaskHandle!, 'base64').toString()).sourceArn, h.arn('dlq'));
  await h.fails(h.call('StartMessageMoveTask', { SourceArn: h.arn('dlq') }), 'InvalidParameterValue', /already a task running/);
  const running = (await h.call('ListMessageMoveTasks', { SourceArn: h.arn('dlq') })).Results!;
  assert.equal(running[0]!.Status, 'RUNNING');
  assert.equal(running[0]!.TaskHandle, TaskHandle);
  await h.services.runMoveTasksOnce();
  await h.services.runMoveTasksOnce();
  const done = (await h.call('ListMessageMoveTasks', { SourceArn: h.arn('dlq'), MaxResults: 10 })).Results!;
  assert.equal(done[0]!.Status, 'COMPLETED');
  assert.equal(done[0]!.TaskHandle, undefined);
  assert.equal(done[0]!.ApproximateNumberOfMessagesMoved, 1);
  assert.equal(done[0]!.StartedTimestamp, h.clock.now());
  assert.equal((await h.call('ReceiveMessage', { QueueUrl: src })).Messages![0]!.Body, 'poison');
  await h.fails(h.call('CancelMessageMoveTask', { TaskHandle: 'garbage' }), 'InvalidParameterValue', 'Value for parameter TaskHandle is invalid.');
  await h.fails(h.call('CancelMessageMoveTask', { TaskHandle: TaskHandle! }), 'ResourceNotFoundException', 'Task does not exist.');
  await h.fails(h.call('ListMessageMoveTasks', { SourceArn: h.arn('dlq'), MaxResults: 11 }), 'InvalidParameterValue');
  await h.close();
});
