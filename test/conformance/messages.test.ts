/**
 * Messages through real clients, both protocols, both engines: send/receive/delete, attributes and
 * their MD5s (both SDKs verify them), visibility, batches, long polling, delays, FIFO.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { it } from 'node:test';
import { expectError } from '../helpers/clients.js';
import { forEachTarget } from '../helpers/matrix.js';

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

forEachTarget('messages', (t) => {
  it('sends, receives and deletes with attributes, system attributes and MD5s', async () => {
    const { QueueUrl } = await t.client.call('CreateQueue', { QueueName: t.name('msg') });
    const body = 'héllo\r\nwörld <&> "quoted" \u{1F600}';
    const sent = await t.client.call('SendMessage', {
      QueueUrl,
      MessageBody: body,
      MessageAttributes: {
        Color: { DataType: 'String', StringValue: 'blue' },
        Count: { DataType: 'Number', StringValue: '42' },
        Blob: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2, 255]) },
        'app.Custom': { DataType: 'String.custom', StringValue: 'v' },
      },
    });
    assert.equal(sent.MD5OfMessageBody, md5(body));
    assert.match(sent.MD5OfMessageAttributes, /^[0-9a-f]{32}$/);
    assert.match(sent.MessageId, /^[0-9a-f-]{36}$/);

    const before = Date.now();
    const r = await t.client.call('ReceiveMessage', { QueueUrl, AttributeNames: ['All'], MessageAttributeNames: ['All'], MaxNumberOfMessages: 10 });
    assert.equal(r.Messages.length, 1);
    const m = r.Messages[0];
    assert.equal(m.Body, body);
    assert.equal(m.MessageId, sent.MessageId);
    assert.equal(m.MD5OfBody, md5(body));
    assert.equal(m.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
    assert.equal(m.MessageAttributes.Color.StringValue, 'blue');
    assert.equal(m.MessageAttributes.Count.DataType, 'Number');
    assert.deepEqual(Buffer.from(m.MessageAttributes.Blob.BinaryValue), Buffer.from([0, 1, 2, 255]));
    assert.equal(m.Attributes.ApproximateReceiveCount, '1');
    assert.equal(m.Attributes.SenderId, '000000000000');
    // Milliseconds, not seconds.
    assert.ok(Math.abs(Number(m.Attributes.SentTimestamp) - before) < 60_000, m.Attributes.SentTimestamp);
    assert.ok(Math.abs(Number(m.Attributes.ApproximateFirstReceiveTimestamp) - before) < 60_000);

    // A filter returns a subset, and the MD5 covers only that subset.
    await t.client.call('ChangeMessageVisibility', { QueueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 });
    // aws-sdk 2.1490 predates MessageSystemAttributeNames (its validator refuses it): Query uses AttributeNames.
    const sys =
      t.protocol === 'json' ? { MessageSystemAttributeNames: ['ApproximateReceiveCount'] } : { AttributeNames: ['ApproximateReceiveCount'] };
    const r2 = await t.client.call('ReceiveMessage', { QueueUrl, MessageAttributeNames: ['Co.*'], ...sys });
    const m2 = r2.Messages[0];
    assert.deepEqual(Object.keys(m2.MessageAttributes).sort(), ['Color', 'Count']);
    assert.notEqual(m2.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
    assert.deepEqual(m2.Attributes, { ApproximateReceiveCount: '2' });
    assert.notEqual(m2.ReceiptHandle, m.ReceiptHandle);

    await t.client.call('DeleteMessage', { QueueUrl, ReceiptHandle: m2.ReceiptHandle });
    await t.client.call('ChangeMessageVisibility', { QueueUrl, ReceiptHandle: m2.ReceiptHandle, VisibilityTimeout: 0 }).then(
      () => assert.fail('ChangeMessageVisibility after delete must fail'),
      () => undefined,
    );
    const empty = await t.client.call('ReceiveMessage', { QueueUrl });
    assert.equal((empty.Messages ?? []).length, 0);
  });

  it('rejects bad messages with the AWS errors', async () => {
    const { QueueUrl } = await t.client.call('CreateQueue', { QueueName: t.name('bad'), Attributes: { MaximumMessageSize: '1024' } });
    let e = await expectError(t.client.call('SendMessage', { QueueUrl, MessageBody: 'bad \u0001 char' }));
    assert.equal(e.queryCode, 'InvalidMessageContents');
    e = await expectError(t.client.call('SendMessage', { QueueUrl, MessageBody: 'x'.repeat(1025) }));
    assert.equal(e.queryCode, 'InvalidParameterValue');
    e = await expectError(t.client.call('SendMessage', { QueueUrl, MessageBody: 'x', DelaySeconds: 901 }));
    assert.equal(e.queryCode, 'InvalidParameterValue');
    e = await expectError(
      t.client.call('SendMessage', { QueueUrl, MessageBody: 'x', MessageAttributes: { 'AWS.bad': { DataType: 'String', StringValue: 'v' } } }),
    );
    assert.equal(e.queryCode, 'InvalidParameterValue');
    e = await expectError(t.client.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 11 }));
    assert.equal(e.queryCode, 'InvalidParameterValue');
    e = await expectError(t.client.call('DeleteMessage', { QueueUrl, ReceiptHandle: 'not-a-real-handle' }));
    assert.equal(e.queryCode, 'ReceiptHandleIsInvalid');
    assert.equal(e.status, 404);
  });

  it('handles batches with per-entry failures', async () => {
    const { QueueUrl } = await t.client.call('CreateQueue', { QueueName: t.name('batch') });
    const res = await t.client.call('SendMessageBatch', {
      QueueUrl,
      Entries: [
        { Id: 'a', MessageBody: 'one' },
        { Id: 'b', MessageBody: 'bad \u0002' },
        { Id: 'c', MessageBody: 'three', DelaySeconds: 0 },
      ],
    });
    assert.deepEqual(res.Successful.map((s: { Id: string }) => s.Id).sort(), ['a', 'c']);
    assert.equal(res.Failed.length, 1);
    assert.equal(res.Failed[0].Id, 'b');
    assert.equal(res.Failed[0].SenderFault, true);
    assert.equal(res.Failed[0].Code, 'InvalidMessageContents');

    let e = await expectError(
      t.client.call('SendMessageBatch', {
        QueueUrl,
        Entries: [
          { Id: 'x', MessageBody: '1' },
          { Id: 'x', MessageBody: '2' },
        ],
      }),
    );
    assert.equal(e.queryCode, 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct');
    e = await expectError(
      t.client.call('SendMessageBatch', { QueueUrl, Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `i${i}`, MessageBody: 'x' })) }),
    );
    assert.equal(e.queryCode, 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest');

    const got = await t.client.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10 });
    assert.equal(got.Messages.length, 2);
    const cv = await t.client.call('ChangeMessageVisibilityBatch', {
      QueueUrl,
      Entries: [
        { Id: 'v1', ReceiptHandle: got.Messages[0].ReceiptHandle, VisibilityTimeout: 60 },
        { Id: 'v2', ReceiptHandle: 'garbage', VisibilityTimeout: 60 },
      ],
    });
    assert.deepEqual(
      cv.Successful.map((s: { Id: string }) => s.Id),
      ['v1'],
    );
    assert.equal(cv.Failed[0].Code, 'ReceiptHandleIsInvalid');
    const del = await t.client.call('DeleteMessageBatch', {
      QueueUrl,
      Entries: got.Messages.map((m: { ReceiptHandle: string }, i: number) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
    });
    assert.equal(del.Successful.length, 2);
    assert.equal(del.Failed?.length ?? 0, 0);
  });

  it('long polling wakes on a send and when a delay ends', async () => {
    const { QueueUrl } = await t.client.call('CreateQueue', { QueueName: t.name('poll') });
    const t0 = Date.now();
    const waiting = t.client.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 10 });
    await new Promise((r) => setTimeout(r, 300));
    await t.client.call('SendMessage', { QueueUrl, MessageBody: 'wake' });
    const got = await waiting;
    assert.equal(got.Messages[0].Body, 'wake');
    assert.ok(Date.now() - t0 < 3000, `woke after ${Date.now() - t0} ms`);
    await t.client.call('DeleteMessage', { QueueUrl, ReceiptHandle: got.Messages[0].ReceiptHandle });

    await t.client.call('SendMessage', { QueueUrl, MessageBody: 'later', DelaySeconds: 1 });
    const { Attributes } = await t.client.call('GetQueueAttributes', {
      QueueUrl,
      AttributeNames: ['ApproximateNumberOfMessagesDelayed', 'ApproximateNumberOfMessages'],
    });
    assert.deepEqual(Attributes, { ApproximateNumberOfMessagesDelayed: '1', ApproximateNumberOfMessages: '0' });
    const t1 = Date.now();
    const delayed = await t.client.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 5 });
    assert.equal(delayed.Messages[0].Body, 'later');
    const waited = Date.now() - t1;
    assert.ok(waited >= 500 && waited < 3000, `delay ended after ${waited} ms`);

    // An empty long poll lasts its wait time and returns no messages.
    const t2 = Date.now();
    const none = await t.client.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 1 });
    assert.equal((none.Messages ?? []).length, 0);
    assert.ok(Date.now() - t2 >= 900);
  });

  it('keeps FIFO order per group, locks groups in flight, and deduplicates', async () => {
    const { QueueUrl } = await t.client.call('CreateQueue', { QueueName: t.name('order.fifo'), Attributes: { FifoQueue: 'true' } });
    const seqs: bigint[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await t.client.call('SendMessage', { QueueUrl, MessageBody: `a${i}`, MessageGroupId: 'A', MessageDeduplicationId: `a${i}` });
      seqs.push(BigInt(r.SequenceNumber));
    }
    const dup = await t.client.call('SendMessage', { QueueUrl, MessageBody: 'a0-again', MessageGroupId: 'A', MessageDeduplicationId: 'a0' });
    await t.client.call('SendMessage', { QueueUrl, MessageBody: 'b0', MessageGroupId: 'B', MessageDeduplicationId: 'b0' });
    for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i]! > seqs[i - 1]!);
    assert.ok(dup.MessageId);

    const first = await t.client.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 2, AttributeNames: ['All'] });
    assert.deepEqual(
      first.Messages.map((m: { Body: string }) => m.Body),
      ['a0', 'a1'],
    );
    assert.equal(first.Messages[0].Attributes.MessageGroupId, 'A');
    assert.equal(first.Messages[0].Attributes.MessageDeduplicationId, 'a0');
    assert.equal(BigInt(first.Messages[0].Attributes.SequenceNumber), seqs[0]);
    // Group A is locked while a0/a1 are in flight: only B is deliverable.
    const second = await t.client.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10 });
    assert.deepEqual(
      second.Messages.map((m: { Body: string }) => m.Body),
      ['b0'],
    );
    const third = await t.client.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10 });
    assert.equal((third.Messages ?? []).length, 0);
    for (const m of first.Messages) await t.client.call('DeleteMessage', { QueueUrl, ReceiptHandle: m.ReceiptHandle });
    const rest = await t.client.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10 });
    assert.deepEqual(
      rest.Messages.map((m: { Body: string }) => m.Body),
      ['a2', 'a3'],
    );

    let e = await expectError(t.client.call('SendMessage', { QueueUrl, MessageBody: 'x', MessageDeduplicationId: 'x' }));
    assert.equal(e.queryCode, 'MissingParameter');
    e = await expectError(t.client.call('SendMessage', { QueueUrl, MessageBody: 'x', MessageGroupId: 'A' }));
    assert.equal(e.queryCode, 'InvalidParameterValue');
    assert.match(e.message, /ContentBasedDeduplication/);
    e = await expectError(
      t.client.call('SendMessage', { QueueUrl, MessageBody: 'x', MessageGroupId: 'A', MessageDeduplicationId: 'd', DelaySeconds: 5 }),
    );
    assert.equal(e.queryCode, 'InvalidParameterValue');
  });

  it('content-based deduplication and ReceiveRequestAttemptId retries', async () => {
    const { QueueUrl } = await t.client.call('CreateQueue', {
      QueueName: t.name('cbd.fifo'),
      Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' },
    });
    const a = await t.client.call('SendMessage', { QueueUrl, MessageBody: 'same', MessageGroupId: 'g' });
    const b = await t.client.call('SendMessage', { QueueUrl, MessageBody: 'same', MessageGroupId: 'g' });
    assert.equal(b.MessageId, a.MessageId);
    const r1 = await t.client.call('ReceiveMessage', { QueueUrl, ReceiveRequestAttemptId: 'attempt-1', MaxNumberOfMessages: 10 });
    assert.equal(r1.Messages.length, 1);
    const r2 = await t.client.call('ReceiveMessage', { QueueUrl, ReceiveRequestAttemptId: 'attempt-1', MaxNumberOfMessages: 10 });
    assert.equal(r2.Messages.length, 1);
    assert.equal(r2.Messages[0].ReceiptHandle, r1.Messages[0].ReceiptHandle);
    await t.client.call('DeleteMessage', { QueueUrl, ReceiptHandle: r1.Messages[0].ReceiptHandle });
    // Remembered after delete: a resend inside the window is accepted and not delivered again.
    await t.client.call('SendMessage', { QueueUrl, MessageBody: 'same', MessageGroupId: 'g' });
    const none = await t.client.call('ReceiveMessage', { QueueUrl });
    assert.equal((none.Messages ?? []).length, 0);
  });
});
