/**
 * The time-based behaviours through real clients, every engine × protocol, run twice: on the system
 * clock (`t.elapse` sleeps for real, so the times are kept short) and on the manual clock
 * (`--clock manual`; `t.elapse` POSTs /_ferry/clock and nothing sleeps). Visibility timeouts, message
 * and queue delays, long polls woken by a delay ending, maxReceiveCount → DLQ. What real time cannot
 * test in a suite — retention (60 s at the least), the 5-minute deduplication and ReceiveRequestAttemptId
 * windows ending, the 60-second purge and queue-name cool-downs — runs on the manual clock only.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { expectError } from '../helpers/clients.js';
import { forEachTarget, forEachTargetAndClock, type Target } from '../helpers/matrix.js';

const bodies = (r: { Messages?: { Body: string }[] }) => (r.Messages ?? []).map((m) => m.Body);

async function receiveAll(t: Target, QueueUrl: string, extra: Record<string, unknown> = {}) {
  return t.client.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10, AttributeNames: ['All'], ...extra });
}

forEachTargetAndClock('timing', (t) => {
  it('a received message comes back when its visibility timeout ends, with its receive count raised', async () => {
    const { QueueUrl } = await t.client.call('CreateQueue', { QueueName: t.name('vis'), Attributes: { VisibilityTimeout: '1' } });
    await t.client.call('SendMessage', { QueueUrl, MessageBody: 'v' });
    const r1 = await receiveAll(t, QueueUrl);
    assert.deepEqual(bodies(r1), ['v']);
    assert.equal(r1.Messages[0].Attributes.ApproximateReceiveCount, '1');
    assert.deepEqual(bodies(await receiveAll(t, QueueUrl)), [], 'invisible inside its timeout');
    await t.elapse(1.3);
    const r2 = await receiveAll(t, QueueUrl, { VisibilityTimeout: 2 });
    assert.deepEqual(bodies(r2), ['v']);
    assert.equal(r2.Messages[0].Attributes.ApproximateReceiveCount, '2');
    assert.notEqual(r2.Messages[0].ReceiptHandle, r1.Messages[0].ReceiptHandle);
    // The receive's own VisibilityTimeout (2 s) wins over the queue's (1 s).
    await t.elapse(1.3);
    assert.deepEqual(bodies(await receiveAll(t, QueueUrl)), [], 'still invisible under the receive-time timeout');
    await t.elapse(1);
    const r3 = await receiveAll(t, QueueUrl);
    assert.deepEqual(bodies(r3), ['v']);
    // ChangeMessageVisibility extends from now.
    await t.client.call('ChangeMessageVisibility', { QueueUrl, ReceiptHandle: r3.Messages[0].ReceiptHandle, VisibilityTimeout: 2 });
    await t.elapse(1.3);
    assert.deepEqual(bodies(await receiveAll(t, QueueUrl)), []);
    await t.elapse(1);
    assert.deepEqual(bodies(await receiveAll(t, QueueUrl)), ['v']);
  });

  it('message and queue delays hold a message back until they end', async () => {
    const { QueueUrl } = await t.client.call('CreateQueue', { QueueName: t.name('delay'), Attributes: { DelaySeconds: '1' } });
    await t.client.call('SendMessage', { QueueUrl, MessageBody: 'queue-delay' });
    await t.client.call('SendMessage', { QueueUrl, MessageBody: 'own-delay', DelaySeconds: 2 });
    await t.client.call('SendMessage', { QueueUrl, MessageBody: 'no-delay', DelaySeconds: 0 });
    const a = await t.client.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['ApproximateNumberOfMessagesDelayed'] });
    assert.equal(a.Attributes.ApproximateNumberOfMessagesDelayed, '2');
    const r0 = await receiveAll(t, QueueUrl, { VisibilityTimeout: 60 });
    assert.deepEqual(bodies(r0), ['no-delay']);
    await t.elapse(1.3);
    assert.deepEqual(bodies(await receiveAll(t, QueueUrl, { VisibilityTimeout: 60 })), ['queue-delay']);
    await t.elapse(1);
    assert.deepEqual(bodies(await receiveAll(t, QueueUrl, { VisibilityTimeout: 60 })), ['own-delay']);
  });

  it('a long poll wakes when a delay ends', async () => {
    const { QueueUrl } = await t.client.call('CreateQueue', { QueueName: t.name('polldelay') });
    await t.client.call('SendMessage', { QueueUrl, MessageBody: 'later', DelaySeconds: 2 });
    const t0 = Date.now();
    const waiting = t.client.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 20 });
    // Let the poll reach the server before the time passes (a real pause, not the behaviour's wait).
    await new Promise((r) => setTimeout(r, 200));
    await t.elapse(2.2);
    const got = await waiting;
    assert.deepEqual(bodies(got), ['later']);
    assert.ok(Date.now() - t0 < 8000, `woke after ${Date.now() - t0} ms`);
  });

  it('moves a message to the DLQ on the receive past maxReceiveCount, after visibility timeouts end', async () => {
    const dlqName = t.name('dlq');
    const dlq = (await t.client.call('CreateQueue', { QueueName: dlqName })).QueueUrl;
    const { Attributes } = await t.client.call('GetQueueAttributes', { QueueUrl: dlq, AttributeNames: ['QueueArn'] });
    const src = (
      await t.client.call('CreateQueue', {
        QueueName: t.name('src'),
        Attributes: {
          VisibilityTimeout: '1',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes.QueueArn, maxReceiveCount: 2 }),
        },
      })
    ).QueueUrl;
    const sent = await t.client.call('SendMessage', { QueueUrl: src, MessageBody: 'poison' });
    assert.deepEqual(bodies(await receiveAll(t, src)), ['poison']);
    await t.elapse(1.3);
    assert.deepEqual(bodies(await receiveAll(t, src)), ['poison']);
    await t.elapse(1.3);
    assert.deepEqual(bodies(await receiveAll(t, src)), [], 'the third receive moves it instead of delivering it');
    const moved = await receiveAll(t, dlq);
    assert.deepEqual(bodies(moved), ['poison']);
    assert.equal(moved.Messages[0].MessageId, sent.MessageId);
  });

  it('FIFO: a duplicate inside the deduplication window is accepted and not delivered', async () => {
    const { QueueUrl } = await t.client.call('CreateQueue', { QueueName: t.name('dedup.fifo'), Attributes: { FifoQueue: 'true' } });
    const a = await t.client.call('SendMessage', { QueueUrl, MessageBody: 'one', MessageGroupId: 'g', MessageDeduplicationId: 'd' });
    await t.elapse(1);
    const b = await t.client.call('SendMessage', { QueueUrl, MessageBody: 'two', MessageGroupId: 'g', MessageDeduplicationId: 'd' });
    assert.equal(b.MessageId, a.MessageId);
    assert.deepEqual(bodies(await receiveAll(t, QueueUrl)), ['one']);
  });
});

/** What only a manual clock can show in a test suite: windows of minutes, retention of a minute or more. */
forEachTarget(
  'timing beyond real time',
  (t) => {
    it('retention drops a message once MessageRetentionPeriod has passed since it was sent', async () => {
      const { QueueUrl } = await t.client.call('CreateQueue', { QueueName: t.name('ret'), Attributes: { MessageRetentionPeriod: '60' } });
      await t.client.call('SendMessage', { QueueUrl, MessageBody: 'old' });
      await t.elapse(30);
      await t.client.call('SendMessage', { QueueUrl, MessageBody: 'young' });
      await t.elapse(29);
      const both = await receiveAll(t, QueueUrl, { VisibilityTimeout: 0 });
      assert.deepEqual(bodies(both).sort(), ['old', 'young']);
      await t.elapse(2);
      assert.deepEqual(bodies(await receiveAll(t, QueueUrl, { VisibilityTimeout: 0 })), ['young']);
      await t.elapse(30);
      assert.deepEqual(bodies(await receiveAll(t, QueueUrl)), []);
      const a = await t.client.call('GetQueueAttributes', {
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      });
      assert.deepEqual(a.Attributes, { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
    });

    it('FIFO: the same deduplication id is a new message once the 5-minute window has passed', async () => {
      const { QueueUrl } = await t.client.call('CreateQueue', {
        QueueName: t.name('dedupwin.fifo'),
        Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' },
      });
      const a = await t.client.call('SendMessage', { QueueUrl, MessageBody: 'same', MessageGroupId: 'g' });
      const r = await receiveAll(t, QueueUrl);
      await t.client.call('DeleteMessage', { QueueUrl, ReceiptHandle: r.Messages[0].ReceiptHandle });
      await t.elapse(299);
      const b = await t.client.call('SendMessage', { QueueUrl, MessageBody: 'same', MessageGroupId: 'g' });
      assert.equal(b.MessageId, a.MessageId, 'still a duplicate at 4:59');
      assert.deepEqual(bodies(await receiveAll(t, QueueUrl)), []);
      await t.elapse(2);
      const c = await t.client.call('SendMessage', { QueueUrl, MessageBody: 'same', MessageGroupId: 'g' });
      assert.notEqual(c.MessageId, a.MessageId, 'a new message at 5:01');
      assert.deepEqual(bodies(await receiveAll(t, QueueUrl)), ['same']);
    });

    it('FIFO: a ReceiveRequestAttemptId is replayed inside 5 minutes and not after', async () => {
      const { QueueUrl } = await t.client.call('CreateQueue', { QueueName: t.name('attempt.fifo'), Attributes: { FifoQueue: 'true' } });
      await t.client.call('SendMessage', { QueueUrl, MessageBody: 'm', MessageGroupId: 'g', MessageDeduplicationId: 'm' });
      const r1 = await receiveAll(t, QueueUrl, { ReceiveRequestAttemptId: 'try', VisibilityTimeout: 900 });
      assert.deepEqual(bodies(r1), ['m']);
      await t.elapse(290);
      const r2 = await receiveAll(t, QueueUrl, { ReceiveRequestAttemptId: 'try', VisibilityTimeout: 900 });
      assert.deepEqual(bodies(r2), ['m']);
      assert.equal(r2.Messages[0].ReceiptHandle, r1.Messages[0].ReceiptHandle, 'replayed inside the window');
      await t.elapse(20);
      // Past the window the id starts a new receive: the message is still in flight, so nothing comes.
      assert.deepEqual(bodies(await receiveAll(t, QueueUrl, { ReceiveRequestAttemptId: 'try' })), []);
    });

    it('PurgeQueue and a deleted queue name wait 60 seconds', async () => {
      const { QueueUrl } = await t.client.call('CreateQueue', { QueueName: t.name('purge') });
      await t.client.call('PurgeQueue', { QueueUrl });
      let e = await expectError(t.client.call('PurgeQueue', { QueueUrl }));
      assert.match(e.queryCode, /PurgeQueueInProgress/);
      await t.elapse(59);
      e = await expectError(t.client.call('PurgeQueue', { QueueUrl }));
      assert.match(e.queryCode, /PurgeQueueInProgress/);
      await t.elapse(2);
      await t.client.call('PurgeQueue', { QueueUrl });

      const name = t.name('reuse');
      const q = (await t.client.call('CreateQueue', { QueueName: name })).QueueUrl;
      await t.client.call('DeleteQueue', { QueueUrl: q });
      await t.elapse(59);
      e = await expectError(t.client.call('CreateQueue', { QueueName: name }));
      assert.match(e.queryCode, /QueueDeletedRecently/);
      await t.elapse(2);
      await t.client.call('CreateQueue', { QueueName: name });
    });
  },
  { clock: 'manual', skipCooldowns: false },
);
