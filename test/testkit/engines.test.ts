/**
 * The test kit on every engine (PostgreSQL too when a test database is available), as a harness in
 * another language drives it: a `ferry serve --clock manual` process, the AWS SDK, and the admin API
 * through `ferry-sqs/testkit`'s client — waitFor's four events, the clock set to a date and advanced
 * (timestamps, visibility and move-task rates follow it), and reset.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  type Message,
} from '@aws-sdk/client-sqs';

import { ferryAdmin, FerryAdminError, type FerryAdmin } from '../../src/testkit/client.js';
import { ENGINES } from '../helpers/matrix.js';
import { startFerryProcess, type FerryProcess } from '../helpers/process.js';

for (const engine of ENGINES) {
  describe(`test kit over HTTP [${engine}]`, () => {
    let ferry: FerryProcess;
    let sqs: SQSClient;
    let admin: FerryAdmin;
    const arn = (n: string) => `arn:aws:sqs:us-east-1:000000000000:${n}`;
    const receive = async (QueueUrl: string, extra: object = {}): Promise<Message[]> =>
      (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'], ...extra }))).Messages ??
      [];
    before(async () => {
      ferry = await startFerryProcess({ storage: engine, args: ['--clock', 'manual', '--skip-cooldowns'] });
      sqs = new SQSClient({ endpoint: ferry.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
      admin = ferryAdmin(ferry.url);
    });
    after(async () => {
      sqs?.destroy();
      await ferry?.stop();
      ferry?.cleanup();
    });

    it('the clock set to a date and advanced: SentTimestamp and the visibility timeout follow it', async () => {
      const at = Date.parse('2031-02-03T04:05:06.000Z');
      assert.equal((await admin.setClock('2031-02-03T04:05:06Z')).epochMs, at);
      assert.equal((await admin.clock()).epochMs, at);
      const q = (await sqs.send(new CreateQueueCommand({ QueueName: 'clock', Attributes: { VisibilityTimeout: '120' } }))).QueueUrl!;
      await sqs.send(new SendMessageCommand({ QueueUrl: q, MessageBody: 'then' }));
      const [m] = await receive(q);
      assert.equal(m?.Attributes?.SentTimestamp, String(at));
      assert.equal(m?.Attributes?.ApproximateFirstReceiveTimestamp, String(at));
      await admin.advanceClock(119);
      assert.deepEqual(await receive(q), []);
      await admin.advanceClock(1);
      const [again] = await receive(q);
      assert.equal(again?.Attributes?.ApproximateReceiveCount, '2');
      assert.equal((await admin.clock()).epochMs, at + 120_000);
    });

    it('waitFor: sent, received, deleted and dlq, each with the message it names', async () => {
      await sqs.send(new CreateQueueCommand({ QueueName: 'spy-dlq' }));
      const q = (
        await sqs.send(
          new CreateQueueCommand({
            QueueName: 'spy',
            Attributes: { VisibilityTimeout: '30', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn('spy-dlq'), maxReceiveCount: 1 }) },
          }),
        )
      ).QueueUrl!;
      const { MessageId } = await sqs.send(new SendMessageCommand({ QueueUrl: q, MessageBody: 'watched' }));
      const sent = await admin.waitFor({ queue: 'spy', event: 'sent', body: 'watched', timeoutMs: 5000 });
      assert.equal(sent.messageId, MessageId);
      const received = admin.waitFor({ queue: 'spy', event: 'received', messageId: MessageId, onlyNew: true, timeoutMs: 5000 });
      assert.equal((await receive(q)).length, 1);
      assert.equal((await received).receiveCount, 1);
      // Past its visibility timeout the next receive moves it to the DLQ (maxReceiveCount 1).
      await admin.advanceClock(30);
      assert.deepEqual(await receive(q), []);
      const dlq = await admin.waitFor({ queue: 'spy', event: 'dlq', messageId: MessageId, timeoutMs: 5000 });
      assert.equal(dlq.deadLetterQueue, 'spy-dlq');
      const dlqUrl = q.replace(/spy$/, 'spy-dlq');
      const [moved] = await receive(dlqUrl);
      assert.equal(moved?.Body, 'watched');
      await sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: moved!.ReceiptHandle }));
      const deleted = await admin.waitFor({ queue: 'spy-dlq', event: 'deleted', timeoutMs: 5000 });
      assert.equal(deleted.messageId, moved!.MessageId);
      await assert.rejects(
        admin.waitFor({ queue: 'spy', event: 'sent', body: 'never sent', timeoutMs: 50 }),
        (e: unknown) => e instanceof FerryAdminError && e.code === 'WaitTimeout',
      );
    });

    it('a move task moves its MaxNumberOfMessagesPerSecond per second of the manual clock, and no more in real time', async () => {
      const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: 'mv-dlq' }))).QueueUrl!;
      await sqs.send(
        new CreateQueueCommand({
          QueueName: 'mv-src',
          Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn('mv-dlq'), maxReceiveCount: 1 }) },
        }),
      );
      const dest = (await sqs.send(new CreateQueueCommand({ QueueName: 'mv-dest' }))).QueueUrl!;
      for (let i = 0; i < 10; i++) await sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: `m${i}` }));
      await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn('mv-dlq'), DestinationArn: arn('mv-dest'), MaxNumberOfMessagesPerSecond: 2 }));
      const task = async () => (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: arn('mv-dlq') }))).Results![0]!;
      /** Wait (real time, bounded) until `moved` messages have moved, then check no more move meanwhile. */
      const movedReaches = async (moved: number) => {
        for (let i = 0; i < 200 && (await task()).ApproximateNumberOfMessagesMoved !== moved; i++) await sleep(25);
        await sleep(300);
        assert.equal((await task()).ApproximateNumberOfMessagesMoved, moved);
      };
      await movedReaches(2); // the first second's budget, at the start
      await admin.advanceClock(1);
      await movedReaches(4);
      await admin.advanceClock(3);
      await movedReaches(10);
      assert.equal((await task()).Status, 'COMPLETED');
      assert.equal((await receive(dest)).length, 10);
    });

    it('reset empties every queue and forgets the events', async () => {
      const q = (await sqs.send(new CreateQueueCommand({ QueueName: 'reset' }))).QueueUrl!;
      await sqs.send(new SendMessageCommand({ QueueUrl: q, MessageBody: 'left' }));
      const r = await admin.reset();
      assert.equal(r.mode, 'purge');
      assert.ok(r.queues >= 1);
      assert.deepEqual(await receive(q), []);
      await assert.rejects(
        admin.waitFor({ queue: 'reset', event: 'sent', body: 'left', timeoutMs: 50 }),
        (e: unknown) => e instanceof FerryAdminError && e.code === 'WaitTimeout',
      );
    });
  });
}
