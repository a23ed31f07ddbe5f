/**
 * PostgreSQL queue counts from maintained deltas (`message_counts`, migration 6): exact — equal to a
 * count of every message in the same snapshot — under concurrent writers on several engines and
 * connections (with the compaction running among them), after a Ferry process is killed with -9 in the
 * middle of its batches, and after migration 6 on a table that already holds messages (while another
 * transaction holds the table). The storage contract (postgres.test.ts) checks the counts' semantics;
 * this file checks that the bookkeeping behind them never drifts.
 *
 * Needs FERRY_TEST_DATABASE_URL (scripts/test.mjs sets it); skipped without it except under CI=true.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import pg from 'pg';

import { ManualClock } from '../../src/core/clock.js';
import { SeededRandom } from '../../src/core/random.js';
import type { QueueRecord } from '../../src/storage/engine.js';
import { PostgresEngine } from '../../src/storage/postgres/index.js';
import { COUNT_BUCKET_MS } from '../../src/storage/postgres/migrations.js';
import { makeClient } from '../helpers/clients.js';
import { countsBothWays, dropSchema, listSchemas, migrateTo, queueIdOf } from '../helpers/postgres.js';
import { freshSchema, startFerryProcess } from '../helpers/process.js';
import { msg, withPostgresNodes } from './fixtures.js';

const URL_ = process.env.FERRY_TEST_DATABASE_URL;
const PREFIX = `ferry_n${process.pid}_`;
let n = 0;
const schemaName = (): string => `${PREFIX}${++n}`;
const ACCOUNT = '000000000000';
const ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}`;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

if (!URL_) {
  const why = 'FERRY_TEST_DATABASE_URL is not set (run `npm test`)';
  if (process.env.CI === 'true') it('PostgreSQL is available in CI', () => assert.fail(why));
  else it('PostgreSQL queue counts', { skip: why }, () => undefined);
} else {
  const url = URL_;
  after(async () => {
    for (const s of await listSchemas(url, PREFIX)) await dropSchema(url, s);
  });

  /** The maintained counts of `queueId` equal a count of every message, in one snapshot; returns them. */
  async function exact(schema: string, queueId: string, label: string) {
    const r = await countsBothWays(url, schema, queueId);
    assert.deepEqual(r.maintained, r.direct, label);
    return r;
  }

  describe('postgres queue counts (message_counts)', () => {
    it('stay exact under concurrent sends, receives, deletes, visibility changes, DLQ moves, compaction, purge, move task and queue delete on three nodes', async () => {
      await withPostgresNodes(
        url,
        schemaName(),
        3,
        {},
        (i) => new SeededRandom(`cnt${i}`),
        async (nodes, schema) => {
          const e0 = nodes[0]!;
          const create = async (name: string, attributes: Record<string, string> = {}) =>
            (await e0.queueCreate({ accountId: ACCOUNT, name, fifo: false, attributes, tags: {}, reuseDelayMs: 0 })).queue;
          const dlq = await create('dlq');
          const src = await create('src', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `${ARN}:dlq`, maxReceiveCount: 2 }) });
          const other = await create('other');
          const doomed = await create('doomed');
          const fifo = (await e0.queueCreate({ accountId: ACCOUNT, name: 'f.fifo', fifo: true, attributes: {}, tags: {}, reuseDelayMs: 0 })).queue;
          let stop = false;
          let sent = 0;
          const sender = async (e: PostgresEngine, w: number) => {
            for (let i = 0; !stop; i++) {
              const batch = Array.from({ length: 10 }, (_, k) => msg(`n${w}-${i}-${k}`, { delayMs: k === 0 ? 600_000 : 0 }));
              for (const q of [src, other]) await e.messageSend({ queueId: q.id, messages: batch, dedupWindowMs: 300_000 });
              await e.messageSend({ queueId: doomed.id, messages: batch, dedupWindowMs: 300_000 }).catch(() => undefined); // deleted mid-way
              await e.messageSend({
                queueId: fifo.id,
                messages: [msg(`f${w}-${i}`, { groupId: `g${i % 4}`, dedupId: `f${w}-${i}` })],
                dedupWindowMs: 300_000,
              });
              sent += 10;
            }
          };
          const consumer = async (e: PostgresEngine, q: QueueRecord, w: number) => {
            for (let i = 0; !stop; i++) {
              // Visibility 0 now and then: such messages come back at once, are received again and reach the DLQ.
              const got = await e.messageReceive({
                queueId: q.id,
                maxMessages: 10,
                visibilityTimeoutMs: i % 3 === 0 ? 0 : 600_000,
                attemptWindowMs: 300_000,
              });
              const refs = got.messages.map((m) => ({ ref: m.ref, receiptToken: m.receiptToken }));
              if ((i + w) % 2 === 0) await e.messageDelete({ queueId: q.id, receipts: refs.slice(0, 5) });
              else
                await e.visibilityChange({
                  queueId: q.id,
                  entries: refs.slice(0, 3).map((r) => ({ ...r, visibilityTimeoutMs: 0 })),
                  maxTotalMs: 43_200_000,
                });
              if (got.messages.length === 0) await sleep(5);
            }
          };
          const compactor = async (e: PostgresEngine) => {
            while (!stop) {
              await e.sweep();
              await sleep(50);
            }
          };
          const work = nodes.flatMap((e, w) => [
            sender(e, w),
            consumer(e, src, w),
            consumer(e, fifo, w),
            consumer(e, doomed, w).catch(() => undefined),
            compactor(e),
          ]); // doomed: deleted mid-way
          await sleep(2_500);
          // Mid-load: purge one queue, delete another (their writers go on and fail or write after).
          await e0.queuePurge(other.id, 0);
          await sleep(500);
          await e0.queueDelete(doomed.id).catch(() => undefined);
          await sleep(500);
          stop = true;
          await Promise.all(work);
          assert.ok(sent > 100, `sent ${sent}`);
          for (const q of [src, dlq, other, fifo]) await exact(schema, q.id, q.name);
          const moved = await exact(schema, dlq.id, 'dlq');
          assert.ok(moved.direct.visible + moved.direct.inflight > 0, 'some messages were dead-lettered');
          // A move task takes the DLQ's visible messages back to src.
          const task = await e0.moveTaskStart({ sourceQueueId: dlq.id, sourceArn: `${ARN}:dlq` });
          while ((await e0.moveTaskStep(task.id, 50)).task.status === 'RUNNING');
          for (const q of [src, dlq]) await exact(schema, q.id, `${q.name} after the move task`);
          assert.equal((await exact(schema, dlq.id, 'dlq')).direct.visible, 0);
          // The engine's own answer is the same (nothing changes with time here: in flight and delayed for 10 minutes).
          for (const q of [src, dlq, other, fifo])
            assert.deepEqual(await e0.queueStats(q.id), (await countsBothWays(url, schema, q.id)).direct, q.name);
          // The deleted queue's deltas sum to nothing; the compaction removes them.
          await e0.sweep();
          assert.equal((await countsBothWays(url, schema, doomed.id)).deltaRows, 0);
          assert.deepEqual((await exact(schema, doomed.id, 'doomed')).direct, { visible: 0, inflight: 0, delayed: 0 });
          // Compacted: at most one row per (second of a future deadline, received) — the load ran ~4 s, with
          // deadlines 10 minutes out — and two for the past, not one per write.
          const rows = (await countsBothWays(url, schema, src.id)).deltaRows;
          assert.ok(rows <= 2 + 2 * 10, `${rows} delta rows`);
        },
      );
    });

    it('stay exact after a Ferry process is killed with -9 mid-batch, with another process writing on', { timeout: 120_000 }, async () => {
      const schema = freshSchema();
      // One key ring for both processes of the store (encryption at rest): each one's own would be refused.
      const keyDir = mkdtempSync(join(tmpdir(), 'ferry-keys-'));
      const args = ['--kms-key-ring', join(keyDir, 'keyring.json')];
      const [a, b] = await Promise.all([0, 1].map(() => startFerryProcess({ storage: 'postgres', databaseSchema: schema, args })));
      assert.ok(a && b);
      let killed = false;
      try {
        const ca = makeClient('json', a.url);
        const cb = makeClient('json', b.url);
        const { QueueUrl } = await ca.call('CreateQueue', { QueueName: 'k9', Attributes: { VisibilityTimeout: '600' } });
        let stop = false;
        const load = async (c: typeof ca, w: number) => {
          for (let i = 0; !stop; i++) {
            try {
              await c.call('SendMessageBatch', {
                QueueUrl,
                Entries: Array.from({ length: 10 }, (_, k) => ({ Id: `e${k}`, MessageBody: `${w}-${i}-${k}`, DelaySeconds: k === 9 ? 600 : 0 })),
              });
              const r = await c.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10 });
              const ms = (r.Messages ?? []) as Array<{ ReceiptHandle: string }>;
              if (ms.length)
                await c.call('DeleteMessageBatch', {
                  QueueUrl,
                  Entries: ms.slice(0, 6).map((m, k) => ({ Id: `d${k}`, ReceiptHandle: m.ReceiptHandle })),
                });
            } catch {
              if (c === ca) return; // the killed process
            }
          }
        };
        const work = [load(ca, 0), load(ca, 1), load(ca, 2), load(cb, 3), load(cb, 4)];
        await sleep(2_000);
        await a.kill9();
        killed = true;
        await sleep(1_000);
        stop = true;
        await Promise.allSettled(work);
        const id = await queueIdOf(url, schema, ACCOUNT, 'k9');
        const r = await exact(schema, id, 'after kill -9');
        assert.ok(r.direct.visible + r.direct.inflight + r.direct.delayed > 0);
        const attrs = await cb.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['All'] });
        assert.deepEqual(
          [
            attrs.Attributes.ApproximateNumberOfMessages,
            attrs.Attributes.ApproximateNumberOfMessagesNotVisible,
            attrs.Attributes.ApproximateNumberOfMessagesDelayed,
          ].map(Number),
          [r.direct.visible, r.direct.inflight, r.direct.delayed],
        );
      } finally {
        if (!killed) await a.stop();
        await b.stop();
        a.cleanup();
        b.cleanup();
        rmSync(keyDir, { recursive: true, force: true });
        await dropSchema(url, schema);
      }
    });

    it('migration 6 on a schema-5 table with messages in every state counts them exactly, waits out a transaction holding the table, and is not applied twice', async () => {
      const schema = schemaName();
      const clock = new ManualClock();
      const now = clock.now();
      const B = COUNT_BUCKET_MS;
      // Two queues; per queue: visible, in flight, delayed, an expired claim, deadlines inside now's second and
      // the next ones, and messages past a 1-hour retention (sent 2 h ago).
      await migrateTo(
        url,
        schema,
        now,
        ACCOUNT,
        5,
        `INSERT INTO ${schema}.queues (id, account_id, name, fifo, attributes, tags, created_at, last_modified_at)
           VALUES ('qa', '${ACCOUNT}', 'a', false, '{"MessageRetentionPeriod":"3600"}', '{}', $1, $1),
                  ('qb', '${ACCOUNT}', 'b', false, '{}', '{}', $1, $1);
         INSERT INTO ${schema}.messages (queue_id, message_id, body, md5_body, sender_id, sent_at, visible_at, received)
         SELECT q, q || i, 'b', 'x', 'AIDA', CASE WHEN i % 10 = 0 THEN $1::bigint - 7200000 ELSE $1::bigint - i END,
                $1::bigint + (ARRAY[-5000, -1, 0, 1, ${B} - 1, ${B}, ${B} + 1, 30000, 600000, 3 * ${B} / 2])[1 + i % 10],
                i % 3 = 0
           FROM generate_series(1, 4000) i, unnest(ARRAY['qa', 'qb']) q`.replace(/\$1/g, String(now)),
      );
      // A writer holds the table (an uncommitted insert, made before the triggers exist) for longer than the
      // migration's lock timeout: the migration retries, and counts the row once it is committed.
      const holder = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query(
        `INSERT INTO messages (queue_id, message_id, body, md5_body, sender_id, sent_at, visible_at) VALUES ('qa', 'late', 'b', 'x', 'AIDA', $1, $1)`,
        [now],
      );
      const e = new PostgresEngine({ url, schema, poolSize: 2, timeSource: { clock }, clock, random: new SeededRandom('m6') });
      try {
        const init = e.init();
        await sleep(2_600);
        await holder.query('COMMIT');
        await init;
        assert.equal(e.schemaVersion, 8);
        const qa = (await e.queueGetById('qa'))!;
        const check = async (label: string) => {
          for (const [id, cutoff] of [
            ['qa', clock.now() - 3_600_000],
            ['qb', clock.now() - 345_600_000],
          ] as const) {
            const r = await countsBothWays(url, schema, id, cutoff, clock.now());
            assert.deepEqual(r.maintained, r.direct, `${id} ${label}`);
            assert.deepEqual(await e.queueStats(id), r.direct, `${id} ${label} (engine)`);
          }
        };
        await check('after the migration');
        assert.ok((await e.queueStats(qa.id)).visible > 0);
        // Time alone moves messages between the counts: across bucket boundaries and the deadlines above.
        for (const step of [1, B - 2, 1, 1, B / 2, B / 2, 1, 27_000, 600_000]) {
          clock.advance(step);
          await check(`at now + ${clock.now() - now}`);
        }
        await e.sweep(); // removes qa's messages past retention, compacts
        await check('after the sweep');
        // A crash between the migration's commit and its schema_migrations row (and migrations 7's and 8's):
        // the re-run adds nothing.
        await migrateTo(url, schema, now, ACCOUNT, 8, 'DELETE FROM schema_migrations WHERE version >= 6');
        assert.equal(await migrateTo(url, schema, now, ACCOUNT, 8), 8);
        await check('after the re-run');
      } finally {
        await holder.end().catch(() => undefined);
        await e.close();
        await dropSchema(url, schema);
      }
    });
  });
}
