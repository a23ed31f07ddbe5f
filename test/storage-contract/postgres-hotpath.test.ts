/**
 * What the PostgreSQL engine's hot paths add on top of the storage contract (which runs with a test
 * clock, i.e. the statements' test-clock variants): the one-statement standard receive on the
 * *database* clock (dead-lettering, the in-flight limit, visibility 0, the next-visible time), the
 * per-process cache of queue records (another node's changes within a second, a deleted queue at
 * once), and the VACUUM the engine runs itself after busy stretches.
 *
 * Needs FERRY_TEST_DATABASE_URL (scripts/test.mjs starts a throwaway cluster and sets it); skipped
 * without it.
 */

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import { systemClock } from '../../src/core/clock.js';
import { SeededRandom, systemRandom } from '../../src/core/random.js';
import { isDomainError } from '../../src/errors/domain.js';
import { PostgresEngine } from '../../src/storage/postgres/index.js';
import { dropSchema, listSchemas, manualVacuumCount } from '../../src/storage/postgres/testing.js';
import { msg, withPostgresNodes } from './fixtures.js';

const URL_ = process.env.FERRY_TEST_DATABASE_URL;
const PREFIX = `ferry_c${process.pid}_h`;
let n = 0;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const ARN = 'arn:aws:sqs:us-east-1:000000000000:';


describe('postgres hot paths', { skip: URL_ ? undefined : 'FERRY_TEST_DATABASE_URL is not set' }, () => {
  const url = URL_!;
  after(async () => {
    for (const s of await listSchemas(url, PREFIX)) await dropSchema(url, s);
  });

  /** Engines ("nodes") on one fresh schema, on the database clock; closed and dropped after `fn`. */
  async function withNodes(count: number, fn: (nodes: PostgresEngine[], schema: string) => Promise<void>): Promise<void> {
    await withPostgresNodes(url, `${PREFIX}${++n}`, count, {}, (i) => (i ? new SeededRandom(`n${i}`) : systemRandom), fn);
  }

  it('receive on the database clock: dead-letters past maxReceiveCount and continues with the next message', async () => {
    await withNodes(1, async ([e]) => {
      const { queue: dlq } = await e!.queueCreate({ name: 'dlq', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
      const redrive = JSON.stringify({ deadLetterTargetArn: `${ARN}dlq`, maxReceiveCount: 1 });
      const { queue: src } = await e!.queueCreate({ name: 'src', fifo: false, attributes: { RedrivePolicy: redrive }, tags: {}, reuseDelayMs: 0 });
      await e!.messageSend({ queueId: src.id, messages: [msg('poison')], dedupWindowMs: 1 });
      const first = await e!.messageReceive({ queueId: src.id, maxMessages: 10, visibilityTimeoutMs: 0, attemptWindowMs: 1 });
      assert.deepEqual(first.messages.map((m) => [m.body, m.receiveCount]), [['poison', 1]]);
      await e!.messageSend({ queueId: src.id, messages: [msg('good')], dedupWindowMs: 1 });
      // 'poison' is a candidate again (visibility 0) but due for the DLQ: moved, and the receive goes on.
      const second = await e!.messageReceive({ queueId: src.id, maxMessages: 10, visibilityTimeoutMs: 30_000, attemptWindowMs: 1 });
      assert.deepEqual(second.messages.map((m) => m.body), ['good']);
      const moved = await e!.messageReceive({ queueId: dlq.id, maxMessages: 10, visibilityTimeoutMs: 30_000, attemptWindowMs: 1 });
      assert.deepEqual(moved.messages.map((m) => [m.body, m.receiveCount, m.deadLetterSourceArn]), [['poison', 2, `${ARN}src`]]);
    });
  });

  it('receive on the database clock: in-flight limit, visibility 0 within one receive, next-visible time', async () => {
    await withNodes(1, async ([e]) => {
      const { queue } = await e!.queueCreate({ name: 'q', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
      await e!.messageSend({ queueId: queue.id, messages: ['a', 'b', 'c'].map((b) => msg(b)), dedupWindowMs: 1 });
      const zero = await e!.messageReceive({ queueId: queue.id, maxMessages: 10, visibilityTimeoutMs: 0, attemptWindowMs: 1 });
      assert.deepEqual(zero.messages.map((m) => m.body).sort(), ['a', 'b', 'c']);
      const two = await e!.messageReceive({ queueId: queue.id, maxMessages: 2, visibilityTimeoutMs: 60_000, attemptWindowMs: 1, maxInflight: 5 });
      assert.equal(two.messages.length, 2);
      await assert.rejects(
        e!.messageReceive({ queueId: queue.id, maxMessages: 10, visibilityTimeoutMs: 60_000, attemptWindowMs: 1, maxInflight: 2 }),
        (err: unknown) => isDomainError(err, 'OverLimit'),
      );
      const last = await e!.messageReceive({ queueId: queue.id, maxMessages: 10, visibilityTimeoutMs: 60_000, attemptWindowMs: 1, maxInflight: 3 });
      assert.equal(last.messages.length, 1);
      // Nothing left: the next message becomes visible when the first visibility timeout ends.
      const none = await e!.messageReceive({ queueId: queue.id, maxMessages: 10, visibilityTimeoutMs: 60_000, attemptWindowMs: 1 });
      assert.deepEqual(none.messages, []);
      const wait = none.nextVisibleAt! - systemClock.now();
      assert.ok(wait > 55_000 && wait <= 60_000, `next visible in ${wait} ms`);
    });
  });

  it("queue records: this node's changes at once, another node's within a second", async () => {
    await withNodes(2, async ([a, b]) => {
      const { queue } = await a!.queueCreate({ name: 'attrs', fifo: false, attributes: { VisibilityTimeout: '30' }, tags: {}, reuseDelayMs: 0 });
      assert.equal((await a!.queueGetByName('attrs'))!.attributes['VisibilityTimeout'], '30');
      assert.equal((await b!.queueGetById(queue.id))!.attributes['VisibilityTimeout'], '30');
      await a!.queueSetAttributes({ queueId: queue.id, set: { VisibilityTimeout: '31' } });
      assert.equal((await a!.queueGetByName('attrs'))!.attributes['VisibilityTimeout'], '31');
      await a!.queueTag(queue.id, { team: 'x' });
      assert.deepEqual({ ...(await a!.queueGetById(queue.id))!.tags }, { team: 'x' });
      let seen = '';
      const t0 = performance.now();
      while (seen !== '31' && performance.now() - t0 < 3_000) {
        seen = (await b!.queueGetByName('attrs'))!.attributes['VisibilityTimeout']!;
        if (seen !== '31') await sleep(50);
      }
      assert.equal(seen, '31');
      assert.ok(performance.now() - t0 < 1_500, `another node's change took ${(performance.now() - t0).toFixed(0)} ms to show`);
    });
  });

  it('a queue deleted on another node: message operations say QueueNotFound at once, and the lookup forgets it', async () => {
    await withNodes(2, async ([a, b]) => {
      const { queue } = await a!.queueCreate({ name: 'gone', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
      assert.ok(await a!.queueGetByName('gone'));
      await b!.queueDelete(queue.id);
      await assert.rejects(a!.messageSend({ queueId: queue.id, messages: [msg('x')], dedupWindowMs: 1 }), (err: unknown) => isDomainError(err, 'QueueNotFound'));
      assert.equal(await a!.queueGetByName('gone'), undefined);
      await assert.rejects(
        a!.messageReceive({ queueId: queue.id, maxMessages: 1, visibilityTimeoutMs: 1, attemptWindowMs: 1 }),
        (err: unknown) => isDomainError(err, 'QueueNotFound'),
      );
      await assert.rejects(a!.messageDelete({ queueId: queue.id, receipts: [{ ref: '1', receiptToken: 't' }] }), (err: unknown) => isDomainError(err, 'QueueNotFound'));
      // Created again under the same name (on the other node): a new incarnation, found at once.
      const { queue: again } = await b!.queueCreate({ name: 'gone', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
      assert.equal((await a!.queueGetByName('gone'))!.id, again.id);
    });
  });

  it('a busy stretch of receives and deletes is followed by a VACUUM of messages', async () => {
    await withNodes(1, async ([e], schema) => {
      const { queue } = await e!.queueCreate({ name: 'busy', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
      const before = await manualVacuumCount(url, schema);
      // 2,500 messages received and deleted: 5,000 retired row versions, above the engine's threshold.
      for (let i = 0; i < 250; i++) {
        await e!.messageSend({ queueId: queue.id, messages: Array.from({ length: 10 }, (_, k) => msg(`m${i}-${k}`)), dedupWindowMs: 1 });
        const r = await e!.messageReceive({ queueId: queue.id, maxMessages: 10, visibilityTimeoutMs: 30_000, attemptWindowMs: 1 });
        await e!.messageDelete({ queueId: queue.id, receipts: r.messages.map((m) => ({ ref: m.ref, receiptToken: m.receiptToken })) });
      }
      let count = before;
      for (let i = 0; i < 50 && count === before; i++) {
        await sleep(100);
        count = await manualVacuumCount(url, schema);
      }
      assert.ok(count > before, 'the engine vacuumed messages');
      assert.deepEqual(await e!.queueStats(queue.id), { visible: 0, inflight: 0, delayed: 0 });
    });
  });
});
