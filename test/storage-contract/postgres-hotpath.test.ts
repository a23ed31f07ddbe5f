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
import { dropSchema, listSchemas, manualVacuumCount } from '../helpers/postgres.js';
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

  it('concurrent FIFO sends of one process share a transaction, with the outcome of one-after-the-other', async () => {
    await withNodes(1, async ([e]) => {
      const { queue } = await e!.queueCreate({ accountId: '000000000000', name: 'q.fifo', fifo: true, attributes: {}, tags: {}, reuseDelayMs: 0 });
      const before = e!.fifoSendTransactions;
      // 10 calls at once: the first runs alone, the 9 that arrive while it runs share the next transaction.
      const calls = Array.from({ length: 10 }, (_, i) =>
        e!.messageSend({
          queueId: queue.id,
          messages: [msg(`m${i}`, { groupId: 'g', dedupId: `d${i}` }), msg(`again${i}`, { groupId: 'g', dedupId: 'shared' })],
          dedupWindowMs: 300_000,
        }),
      );
      const results = await Promise.all(calls);
      assert.ok(e!.fifoSendTransactions - before < 10, `${e!.fifoSendTransactions - before} transactions for 10 calls`);
      // In arrival order: call 0 stores 'shared', every later call gets it deduplicated.
      assert.equal(results[0]![1]!.deduplicated, false);
      for (const r of results.slice(1)) {
        assert.equal(r[1]!.deduplicated, true);
        assert.equal(r[1]!.messageId, results[0]![1]!.messageId);
      }
      const seqs = results.flatMap((r) => r.filter((x) => !x.deduplicated).map((x) => BigInt(x.sequenceNumber!)));
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
        'sequence numbers follow call order',
      );
      const got = await e!.messageReceive({ queueId: queue.id, maxMessages: 10, visibilityTimeoutMs: 30_000, attemptWindowMs: 1 });
      assert.deepEqual(
        got.messages.map((m) => m.body),
        ['m0', 'again0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8'],
      );
    });
  });

  it('combined FIFO sends stay bounded in size: large bodies spread over several transactions', async () => {
    await withNodes(1, async ([e]) => {
      const { queue } = await e!.queueCreate({ accountId: '000000000000', name: 'big.fifo', fifo: true, attributes: {}, tags: {}, reuseDelayMs: 0 });
      const before = e!.fifoSendTransactions;
      const body = (i: number) => `${i}:`.padEnd(600 * 1024, 'x');
      // 30 calls of 600 KiB each: the first runs alone; the other 29 (17 MiB) do not fit one transaction.
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          e!.messageSend({ queueId: queue.id, messages: [msg(body(i), { groupId: 'g', dedupId: `d${i}` })], dedupWindowMs: 300_000 }),
        ),
      );
      const txs = e!.fifoSendTransactions - before;
      assert.ok(txs >= 3 && txs < 30, `${txs} transactions`);
      assert.ok(results.every((r) => r.length === 1 && !r[0]!.deduplicated));
      const seqs = results.map((r) => BigInt(r[0]!.sequenceNumber!));
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
      );
      const got = await e!.messageReceive({ queueId: queue.id, maxMessages: 3, visibilityTimeoutMs: 30_000, attemptWindowMs: 1 });
      assert.deepEqual(
        got.messages.map((m) => m.body.slice(0, 3)),
        ['0:x', '1:x', '2:x'],
      );
    });
  });

  it('a failed combined FIFO send fails every call in it, and the next call starts afresh', async () => {
    await withNodes(1, async ([e]) => {
      const { queue } = await e!.queueCreate({ accountId: '000000000000', name: 'gone.fifo', fifo: true, attributes: {}, tags: {}, reuseDelayMs: 0 });
      await e!.messageSend({ queueId: queue.id, messages: [msg('x', { groupId: 'g', dedupId: 'x' })], dedupWindowMs: 300_000 });
      await e!.queueDelete(queue.id);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 4 }, (_, i) =>
          e!.messageSend({ queueId: queue.id, messages: [msg(`y${i}`, { groupId: 'g', dedupId: `y${i}` })], dedupWindowMs: 300_000 }),
        ),
      );
      for (const o of outcomes)
        assert.ok(o.status === 'rejected' && isDomainError(o.reason, 'QueueNotFound'), String(o.status === 'rejected' ? o.reason : 'fulfilled'));
      const { queue: q2 } = await e!.queueCreate({
        accountId: '000000000000',
        name: 'next.fifo',
        fifo: true,
        attributes: {},
        tags: {},
        reuseDelayMs: 0,
      });
      const [r] = await e!.messageSend({ queueId: q2.id, messages: [msg('z', { groupId: 'g', dedupId: 'z' })], dedupWindowMs: 300_000 });
      assert.equal(r!.deduplicated, false);
    });
  });

  it('receive on the database clock: dead-letters past maxReceiveCount and continues with the next message', async () => {
    await withNodes(1, async ([e]) => {
      const { queue: dlq } = await e!.queueCreate({ accountId: '000000000000', name: 'dlq', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
      const redrive = JSON.stringify({ deadLetterTargetArn: `${ARN}dlq`, maxReceiveCount: 1 });
      const { queue: src } = await e!.queueCreate({
        accountId: '000000000000',
        name: 'src',
        fifo: false,
        attributes: { RedrivePolicy: redrive },
        tags: {},
        reuseDelayMs: 0,
      });
      await e!.messageSend({ queueId: src.id, messages: [msg('poison')], dedupWindowMs: 1 });
      const first = await e!.messageReceive({ queueId: src.id, maxMessages: 10, visibilityTimeoutMs: 0, attemptWindowMs: 1 });
      assert.deepEqual(
        first.messages.map((m) => [m.body, m.receiveCount]),
        [['poison', 1]],
      );
      await e!.messageSend({ queueId: src.id, messages: [msg('good')], dedupWindowMs: 1 });
      // 'poison' is a candidate again (visibility 0) but due for the DLQ: moved, and the receive goes on.
      const second = await e!.messageReceive({ queueId: src.id, maxMessages: 10, visibilityTimeoutMs: 30_000, attemptWindowMs: 1 });
      assert.deepEqual(
        second.messages.map((m) => m.body),
        ['good'],
      );
      const moved = await e!.messageReceive({ queueId: dlq.id, maxMessages: 10, visibilityTimeoutMs: 30_000, attemptWindowMs: 1 });
      assert.deepEqual(
        moved.messages.map((m) => [m.body, m.receiveCount, m.deadLetterSourceArn]),
        [['poison', 2, `${ARN}src`]],
      );
    });
  });

  it('receive on the database clock: in-flight limit, visibility 0 within one receive, next-visible time', async () => {
    await withNodes(1, async ([e]) => {
      const { queue } = await e!.queueCreate({ accountId: '000000000000', name: 'q', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
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
      const { queue } = await a!.queueCreate({
        accountId: '000000000000',
        name: 'attrs',
        fifo: false,
        attributes: { VisibilityTimeout: '30' },
        tags: {},
        reuseDelayMs: 0,
      });
      assert.equal((await a!.queueGetByName('000000000000', 'attrs'))!.attributes['VisibilityTimeout'], '30');
      assert.equal((await b!.queueGetById(queue.id))!.attributes['VisibilityTimeout'], '30');
      await a!.queueSetAttributes({ queueId: queue.id, set: { VisibilityTimeout: '31' } });
      assert.equal((await a!.queueGetByName('000000000000', 'attrs'))!.attributes['VisibilityTimeout'], '31');
      await a!.queueTag(queue.id, { team: 'x' });
      assert.deepEqual({ ...(await a!.queueGetById(queue.id))!.tags }, { team: 'x' });
      let seen = '';
      const t0 = performance.now();
      while (seen !== '31' && performance.now() - t0 < 3_000) {
        seen = (await b!.queueGetByName('000000000000', 'attrs'))!.attributes['VisibilityTimeout']!;
        if (seen !== '31') await sleep(50);
      }
      assert.equal(seen, '31');
      assert.ok(performance.now() - t0 < 1_500, `another node's change took ${(performance.now() - t0).toFixed(0)} ms to show`);
    });
  });

  it('a queue deleted on another node: message operations say QueueNotFound at once, and the lookup forgets it', async () => {
    await withNodes(2, async ([a, b]) => {
      const { queue } = await a!.queueCreate({ accountId: '000000000000', name: 'gone', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
      assert.ok(await a!.queueGetByName('000000000000', 'gone'));
      await b!.queueDelete(queue.id);
      await assert.rejects(a!.messageSend({ queueId: queue.id, messages: [msg('x')], dedupWindowMs: 1 }), (err: unknown) =>
        isDomainError(err, 'QueueNotFound'),
      );
      assert.equal(await a!.queueGetByName('000000000000', 'gone'), undefined);
      await assert.rejects(a!.messageReceive({ queueId: queue.id, maxMessages: 1, visibilityTimeoutMs: 1, attemptWindowMs: 1 }), (err: unknown) =>
        isDomainError(err, 'QueueNotFound'),
      );
      await assert.rejects(a!.messageDelete({ queueId: queue.id, receipts: [{ ref: '1', receiptToken: 't' }] }), (err: unknown) =>
        isDomainError(err, 'QueueNotFound'),
      );
      // Created again under the same name (on the other node): a new incarnation, found at once.
      const { queue: again } = await b!.queueCreate({
        accountId: '000000000000',
        name: 'gone',
        fifo: false,
        attributes: {},
        tags: {},
        reuseDelayMs: 0,
      });
      assert.equal((await a!.queueGetByName('000000000000', 'gone'))!.id, again.id);
    });
  });

  it('a busy stretch of receives and deletes is followed by a VACUUM of messages', async () => {
    await withNodes(1, async ([e], schema) => {
      const { queue } = await e!.queueCreate({ accountId: '000000000000', name: 'busy', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
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
