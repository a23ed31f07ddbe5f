/**
 * The storage contract against the PostgreSQL engine: a fresh schema per case (dropped afterwards),
 * reopen = a new engine on the same schema. Time is the suite's ManualClock, sent to the database as
 * a query parameter (`timeSource: { clock }`), so nothing sleeps. Plus what only this engine promises:
 * migrations under an advisory lock, the database clock, several engines (nodes) on one schema,
 * wake-ups across them, and recovery from dropped connections.
 *
 * Needs FERRY_TEST_DATABASE_URL (scripts/test.mjs starts a throwaway cluster and sets it). Without it
 * the file is skipped — except under CI=true, where a missing database is a failure.
 */

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import pg from 'pg';

import { ManualClock, systemClock } from '../../src/core/clock.js';
import { SeededRandom, systemRandom } from '../../src/core/random.js';
import { isDomainError } from '../../src/errors/domain.js';
import { PostgresEngine, POSTGRES_SCHEMA_VERSION, type PostgresEngineOptions } from '../../src/storage/postgres/index.js';
import { COUNTS_INDEX } from '../../src/storage/postgres/migrations.js';
import { Q_QUEUE_STATS } from '../../src/storage/postgres/sql/queues.js';
import { Q_DEDUP_LOOKUP, Q_FIFO_INSERT, Q_FIFO_RESERVE } from '../../src/storage/postgres/sql/send.js';
import { Q_REFRESH_GROUPS } from '../../src/storage/postgres/sql/groups.js';
import {
  appliedMigrations,
  databaseNow,
  dropSchema,
  icuDatabase,
  indexNames,
  listSchemas,
  migrateTo,
  terminateFerrySessions,
  writeSchemaV1,
} from '../helpers/postgres.js';
import { assertAccountsMigrated, msg, withPostgresNodes } from './fixtures.js';
import { runStorageContract } from './contract.js';

/**
 * The indexes of schema 6: schema 1's without `messages_group_lock` (dropped by migration 2), queue names
 * unique per account (migration 3: `queues_account_name_key` for `queues_name_key`; the tombstones' key
 * becomes (account, name) under the same name), queue names per account in "C" order (migration 4),
 * `messages_age_cover` in place of `messages_age` (migration 5), the count deltas' `message_counts_queue`
 * (migration 6), `wake_interest`'s key (migration 7).
 */
const SCHEMA_INDEXES = [
  'dedup_expiry',
  'dedup_pkey',
  'fifo_groups_pkey',
  'fifo_groups_ready',
  'message_counts_queue',
  'messages_age_cover',
  'messages_group',
  'messages_pkey',
  'messages_ready',
  'meta_pkey',
  'move_tasks_id_key',
  'move_tasks_one_active',
  'move_tasks_pkey',
  'move_tasks_queue',
  'move_tasks_source',
  'move_tasks_status',
  'queue_tombstones_pkey',
  'queues_account_name_c',
  'queues_account_name_key',
  'queues_pkey',
  'receive_attempts_expiry',
  'receive_attempts_pkey',
  'schema_migrations_pkey',
  'wake_interest_pkey',
];

const URL_ = process.env.FERRY_TEST_DATABASE_URL;
const PREFIX = `ferry_c${process.pid}_`;
let n = 0;
const schemaName = (): string => `${PREFIX}${++n}`;

if (!URL_) {
  const why =
    'FERRY_TEST_DATABASE_URL is not set (run `npm test`, which starts PostgreSQL 15 from /usr/lib/postgresql/15/bin; install it with `apt-get install postgresql`)';
  if (process.env.CI === 'true') {
    it('PostgreSQL is available in CI', () => assert.fail(why));
  } else {
    it('PostgreSQL storage contract', { skip: why }, () => undefined);
  }
} else {
  const url = URL_;
  after(async () => {
    for (const s of await listSchemas(url, PREFIX)) await dropSchema(url, s);
  });

  runStorageContract('postgres', async ({ clock, random }) => {
    const schema = schemaName();
    const make = () => new PostgresEngine({ url, schema, poolSize: 4, timeSource: { clock }, clock, random });
    return {
      engine: make(),
      reopen: async () => make(),
      cleanup: () => dropSchema(url, schema),
    };
  });

  /** Engines ("nodes") on one fresh schema; all closed and the schema dropped after `fn`. */
  async function withNodes(
    count: number,
    opts: Partial<PostgresEngineOptions>,
    fn: (nodes: PostgresEngine[], schema: string) => Promise<void>,
  ): Promise<void> {
    await withPostgresNodes(url, schemaName(), count, opts, (i) => new SeededRandom(`node${i}`), fn);
  }

  describe('postgres engine specifics', () => {
    it('a FIFO receive passes over a group another receiver holds and takes the next free groups in order', async () => {
      await withNodes(1, {}, async ([e], schema) => {
        const { queue } = await e!.queueCreate({
          accountId: '000000000000',
          name: 'locks.fifo',
          fifo: true,
          attributes: {},
          tags: {},
          reuseDelayMs: 0,
        });
        for (const g of ['g0', 'g1', 'g2', 'g3'])
          for (let i = 0; i < 2; i++)
            await e!.messageSend({ queueId: queue.id, messages: [msg(`${g}-${i}`, { groupId: g, dedupId: `${g}-${i}` })], dedupWindowMs: 300_000 });
        // Another receiver (here: a raw transaction) holds the oldest group's row.
        const c = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
        await c.connect();
        try {
          await c.query('BEGIN');
          await c.query(`SELECT 1 FROM fifo_groups WHERE queue_id = $1 AND group_id = 'g0' FOR UPDATE`, [queue.id]);
          const got = await e!.messageReceive({ queueId: queue.id, maxMessages: 3, visibilityTimeoutMs: 30_000, attemptWindowMs: 300_000 });
          assert.deepEqual(
            got.messages.map((m) => m.body),
            ['g1-0', 'g1-1', 'g2-0'],
          );
          await c.query('ROLLBACK');
          const next = await e!.messageReceive({ queueId: queue.id, maxMessages: 10, visibilityTimeoutMs: 30_000, attemptWindowMs: 300_000 });
          assert.deepEqual(
            next.messages.map((m) => m.body),
            ['g0-0', 'g0-1', 'g3-0', 'g3-1'],
          );
        } finally {
          await c.end();
        }
      });
    });

    describe('FIFO group rows: sends append under FOR KEY SHARE, emptied groups keep an empty row', () => {
      const recv = (e: PostgresEngine, queueId: string) =>
        e.messageReceive({ queueId, maxMessages: 10, visibilityTimeoutMs: 30_000, attemptWindowMs: 300_000 });
      const send = (e: PostgresEngine, queueId: string, body: string, groupId = 'g') =>
        e.messageSend({ queueId, messages: [msg(body, { groupId, dedupId: body })], dedupWindowMs: 300_000 });
      const ack = async (e: PostgresEngine, queueId: string, got: Awaited<ReturnType<typeof recv>>) =>
        e.messageDelete({ queueId, receipts: got.messages.map((m) => ({ ref: m.ref, receiptToken: m.receiptToken })) });
      const client = async (schema: string): Promise<pg.Client> => {
        const c = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
        await c.connect();
        return c;
      };
      const groupRow = async (c: pg.Client, queueId: string, g = 'g') =>
        (
          await c.query<{ head_seq: string | null; ready_at: string | null }>(
            'SELECT head_seq, ready_at FROM fifo_groups WHERE queue_id = $1 AND group_id = $2',
            [queueId, g],
          )
        ).rows[0];
      /** Settles within `ms`, or the test fails (the operation waited for a lock it must not wait for). */
      const within = async <T>(ms: number, what: string, p: Promise<T>): Promise<T> => {
        let timer: NodeJS.Timeout | undefined;
        try {
          return await Promise.race([
            p,
            new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`${what}: still waiting after ${ms} ms`)), ms))),
          ]);
        } finally {
          clearTimeout(timer);
        }
      };
      /**
       * Begin a FIFO send on `c` with the engine's own statements (reserve, insert + group rows) and leave
       * it uncommitted: a send in progress, holding what a send holds until its commit.
       */
      const beginRawSend = async (c: pg.Client, queueId: string, body: string, g = 'g'): Promise<void> => {
        await c.query('BEGIN');
        const seq = Number((await c.query<{ seq_counter: string }>(Q_FIFO_RESERVE, [queueId, 1])).rows[0]!.seq_counter);
        const now = Date.now();
        const m = msg(body, { groupId: g });
        await c.query(Q_FIFO_INSERT, [
          queueId,
          now,
          [m.messageId],
          [seq],
          [g],
          [null],
          [m.body],
          [m.md5OfBody],
          [null],
          [null],
          [null],
          [null],
          [m.senderId],
          [0],
          [],
          [],
          [],
          300_000,
          [g],
          [seq],
          [now],
        ]);
      };
      const fifoQueue = async (e: PostgresEngine, name: string) =>
        (await e.queueCreate({ accountId: '000000000000', name, fifo: true, attributes: {}, tags: {}, reuseDelayMs: 0 })).queue.id;

      it('a group whose last message goes keeps an empty row; a send reuses it; the sweep drops it and a send makes it anew', async () => {
        await withNodes(1, {}, async ([e], schema) => {
          const q = await fifoQueue(e!, 'empty.fifo');
          const c = await client(schema);
          try {
            await send(e!, q, 'a');
            const a = await recv(e!, q);
            assert.deepEqual(
              a.messages.map((m) => m.body),
              ['a'],
            );
            await ack(e!, q, a);
            assert.deepEqual(await groupRow(c, q), { head_seq: null, ready_at: null });
            assert.deepEqual((await recv(e!, q)).messages, []);
            await send(e!, q, 'b');
            const row = await groupRow(c, q);
            assert.ok(row && row.head_seq !== null && row.ready_at !== null, 'the empty row got the new head');
            const b = await recv(e!, q);
            assert.deepEqual(
              b.messages.map((m) => m.body),
              ['b'],
            );
            await ack(e!, q, b);
            assert.deepEqual(await groupRow(c, q), { head_seq: null, ready_at: null });
            await e!.sweep();
            assert.equal(await groupRow(c, q), undefined, 'the sweep dropped the empty row');
            await send(e!, q, 'c');
            assert.deepEqual(
              (await recv(e!, q)).messages.map((m) => m.body),
              ['c'],
            );
          } finally {
            await c.end();
          }
        });
      });

      it('a delete that empties a group while a send appends to it neither waits for the send nor strands its message', async () => {
        await withNodes(1, {}, async ([e], schema) => {
          const q = await fifoQueue(e!, 'race.fifo');
          const c = await client(schema);
          const look = await client(schema);
          try {
            await send(e!, q, 'a');
            // A send of 'b' to the same group is in progress (uncommitted) while 'a' is received and deleted.
            await beginRawSend(c, q, 'b');
            // The receive neither waits for the send nor passes over the group it holds.
            const a = await within(5_000, 'the receive', recv(e!, q));
            assert.deepEqual(
              a.messages.map((m) => m.body),
              ['a'],
            );
            assert.deepEqual(await within(5_000, 'the delete', ack(e!, q, a)), [{ ok: true }]);
            // The delete saw no message left, but could not mark the row empty (the send holds it): ready now.
            const row = await groupRow(look, q);
            assert.ok(row && row.ready_at !== null, `the row is not marked empty: ${JSON.stringify(row)}`);
            // A receive does not wait for the send either.
            assert.deepEqual((await within(5_000, 'a receive', recv(e!, q))).messages, []);
            await c.query('COMMIT');
            const b = await recv(e!, q);
            assert.deepEqual(
              b.messages.map((m) => m.body),
              ['b'],
            );
            await ack(e!, q, b);
            assert.deepEqual(await groupRow(look, q), { head_seq: null, ready_at: null });
          } finally {
            await c.query('ROLLBACK').catch(() => undefined);
            await c.end();
            await look.end();
          }
        });
      });

      it('a send that rolls back after a delete left its group ready: the next receive marks the row empty', async () => {
        await withNodes(1, {}, async ([e], schema) => {
          const q = await fifoQueue(e!, 'rollback.fifo');
          const c = await client(schema);
          try {
            await send(e!, q, 'a');
            await beginRawSend(c, q, 'b');
            await ack(e!, q, await recv(e!, q));
            // The delete could not mark the row empty (the send held it); the send then fails.
            await c.query('ROLLBACK');
            const row = await groupRow(c, q);
            assert.ok(row && row.ready_at !== null, `ready, head gone: ${JSON.stringify(row)}`);
            // A receive meets the row (its head is gone, no message left) and recomputes it: empty, never a
            // candidate again.
            assert.deepEqual((await recv(e!, q)).messages, []);
            assert.deepEqual(await groupRow(c, q), { head_seq: null, ready_at: null });
            await send(e!, q, 'c');
            assert.deepEqual(
              (await recv(e!, q)).messages.map((m) => m.body),
              ['c'],
            );
          } finally {
            await c.query('ROLLBACK').catch(() => undefined);
            await c.end();
          }
        });
      });

      it('a send to a group whose row is being emptied or dropped waits for that, then makes the group ready', async () => {
        await withNodes(1, {}, async ([e], schema) => {
          const q = await fifoQueue(e!, 'drop.fifo');
          const c = await client(schema);
          try {
            for (const drop of [false, true]) {
              const body = drop ? 'y' : 'x';
              // The group's last message goes: an empty row.
              await send(e!, q, `${body}0`);
              await ack(e!, q, await recv(e!, q));
              assert.deepEqual(await groupRow(c, q), { head_seq: null, ready_at: null });
              // Another node holds the row FOR UPDATE (as an emptying delete or the sweep does) …
              await c.query('BEGIN');
              await c.query(`SELECT 1 FROM fifo_groups WHERE queue_id = $1 AND group_id = 'g' FOR UPDATE`, [q]);
              let settled = false;
              const sending = send(e!, q, body).finally(() => (settled = true));
              await new Promise((r) => setTimeout(r, 300));
              assert.equal(settled, false, 'the send waits for the FOR UPDATE holder');
              // … and drops it (the sweep) or leaves it empty, then commits.
              if (drop) await c.query(`DELETE FROM fifo_groups WHERE queue_id = $1 AND group_id = 'g'`, [q]);
              await c.query('COMMIT');
              await sending;
              const row = await groupRow(c, q);
              assert.ok(
                row && row.head_seq !== null && row.ready_at !== null,
                `drop=${drop}: the send made the group non-empty: ${JSON.stringify(row)}`,
              );
              const got = await recv(e!, q);
              assert.deepEqual(
                got.messages.map((m) => m.body),
                [body],
              );
              await ack(e!, q, got);
              await e!.sweep();
            }
          } finally {
            await c.query('ROLLBACK').catch(() => undefined);
            await c.end();
          }
        });
      });

      it('the sweep keeps a locked or non-empty row, and recomputes an empty row whose group has messages', async () => {
        await withNodes(1, {}, async ([e], schema) => {
          const q = await fifoQueue(e!, 'sweep.fifo');
          const c = await client(schema);
          try {
            await send(e!, q, 'k0', 'k');
            await ack(e!, q, await recv(e!, q));
            await send(e!, q, 'n0', 'n');
            // 'k' is empty but a send holds it; 'n' has a message.
            await beginRawSend(c, q, 'k1', 'k');
            await within(5_000, 'the sweep', e!.sweep());
            await c.query('COMMIT');
            assert.ok((await groupRow(c, q, 'n'))?.head_seq !== null);
            // A row marked empty behind the engine's back (as a node of an older build leaves it): repaired.
            await c.query(`UPDATE fifo_groups SET head_seq = NULL, ready_at = NULL WHERE queue_id = $1 AND group_id = 'n'`, [q]);
            await e!.sweep();
            assert.ok((await groupRow(c, q, 'n'))?.ready_at !== null, 'recomputed');
            assert.deepEqual((await recv(e!, q)).messages.map((m) => m.body).sort(), ['k1', 'n0']);
          } finally {
            await c.query('ROLLBACK').catch(() => undefined);
            await c.end();
          }
        });
      });

      /**
       * Every row of queue `q`'s groups against its group's messages, read in one statement: head = the
       * lowest sequence number, ready_at = that message's deadline (NULL and NULL for a group without
       * messages) — what groups.refreshGroups computes. `when` names the step in a failure.
       */
      const rowsExact = async (c: pg.Client, q: string, when: string): Promise<number> => {
        const rows = (
          await c.query<{ group_id: string; head_seq: string | null; ready_at: string | null; m_head: string | null; m_vis: string | null }>(
            `SELECT f.group_id, f.head_seq, f.ready_at, h.seq AS m_head, h.visible_at AS m_vis FROM fifo_groups f
               LEFT JOIN LATERAL (SELECT seq, visible_at FROM messages m WHERE m.queue_id = f.queue_id AND m.group_id = f.group_id ORDER BY seq LIMIT 1) h ON true
              WHERE f.queue_id = $1 ORDER BY f.group_id`,
            [q],
          )
        ).rows;
        for (const r of rows) assert.deepEqual([r.head_seq, r.ready_at], [r.m_head, r.m_vis], `${when}: the row of group ${r.group_id}`);
        return rows.length;
      };

      it('after every kind of FIFO receive the group rows are what a recompute from the messages gives', async () => {
        await withNodes(1, {}, async ([e], schema) => {
          await fifoQueue(e!, 'rows-dlq.fifo');
          const redrive = JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:rows-dlq.fifo', maxReceiveCount: 2 });
          const { queue } = await e!.queueCreate({
            accountId: '000000000000',
            name: 'rows.fifo',
            fifo: true,
            attributes: { RedrivePolicy: redrive },
            tags: {},
            reuseDelayMs: 0,
          });
          const q = queue.id;
          const c = await client(schema);
          const other = await client(schema);
          const put = (g: string, bodies: string[], delayMs = 0) =>
            e!.messageSend({ queueId: q, messages: bodies.map((b) => msg(b, { groupId: g, dedupId: b, delayMs })), dedupWindowMs: 300_000 });
          const take = async (maxMessages: number, visibilityTimeoutMs: number) =>
            (await e!.messageReceive({ queueId: q, maxMessages, visibilityTimeoutMs, attemptWindowMs: 300_000 })).messages.map((m) => m.body);
          try {
            await put('g1', ['a1', 'a2', 'a3']);
            await put('g2', ['b1']);
            await put('g3', ['c1']);
            await put('g3', ['c2'], 60_000);
            await put('g4', ['d1'], 60_000);
            await put(
              'g5',
              Array.from({ length: 12 }, (_, i) => `e${i + 1}`),
            );
            assert.equal(await rowsExact(c, q, 'after the sends'), 5);
            // Whole groups, and part of one.
            assert.deepEqual(await take(4, 30_000), ['a1', 'a2', 'a3', 'b1']);
            await rowsExact(c, q, 'visibility 30 s');
            // Visibility 0: the heads stay deliverable, their rows ready now; g3 stops at its delayed message.
            assert.deepEqual(await take(10, 0), ['c1', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9']);
            await rowsExact(c, q, 'visibility 0');
            // Another receiver holds g5: passed over; a second claim round finds nothing more.
            await other.query('BEGIN');
            await other.query(`SELECT 1 FROM fifo_groups WHERE queue_id = $1 AND group_id = 'g5' FOR UPDATE`, [q]);
            assert.deepEqual(await take(10, 0), ['c1']);
            await other.query('ROLLBACK');
            await rowsExact(c, q, 'a group held by another receiver');
            assert.deepEqual(await take(10, 30_000), ['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9', 'e10']);
            await rowsExact(c, q, 'received again');
            // c1 (received twice) is due for the dead-letter queue: moved; g3's head is now the delayed c2.
            assert.deepEqual(await take(10, 30_000), []);
            await rowsExact(c, q, 'a candidate dead-lettered');
            const dlq = await e!.queueGetByName('000000000000', 'rows-dlq.fifo');
            assert.deepEqual(
              (await e!.messageReceive({ queueId: dlq!.id, maxMessages: 10, visibilityTimeoutMs: 30_000, attemptWindowMs: 1 })).messages.map(
                (m) => m.body,
              ),
              ['c1'],
            );
          } finally {
            await other.query('ROLLBACK').catch(() => undefined);
            await other.end();
            await c.end();
          }
        });
      });

      it('FIFO rows stay exact and groups in order with several processes receiving, deleting and sending at once', async () => {
        await withNodes(2, { random: systemRandom }, async (nodes, schema) => {
          const q = await fifoQueue(nodes[0]!, 'many.fifo');
          const c = await client(schema);
          const groups = ['A', 'B', 'C', 'D'];
          const per = 24;
          const sends = (async () => {
            for (let i = 0; i < per; i += 4)
              await Promise.all(
                groups.map((g, k) =>
                  nodes[k % 2]!.messageSend({
                    queueId: q,
                    messages: Array.from({ length: 4 }, (_, j) =>
                      msg(`${g}${i + j}`, { messageId: `${g}${i + j}`, groupId: g, dedupId: `${g}${i + j}` }),
                    ),
                    dedupWindowMs: 300_000,
                  }),
                ),
              );
          })();
          const got = new Map<string, number[]>(groups.map((g) => [g, []]));
          let left = groups.length * per;
          const loop = async (e: PostgresEngine) => {
            for (let idle = 0; left > 0 && idle < 200;) {
              const r = await e.messageReceive({ queueId: q, maxMessages: 5, visibilityTimeoutMs: 60_000, attemptWindowMs: 1 });
              if (!r.messages.length) {
                idle++;
                await sleep(5);
                continue;
              }
              for (const m of r.messages) got.get(m.groupId!)!.push(Number(m.body.slice(1)));
              left -= r.messages.length;
              await e.messageDelete({ queueId: q, receipts: r.messages.map((m) => ({ ref: m.ref, receiptToken: m.receiptToken })) });
            }
          };
          try {
            await Promise.all([sends, ...Array.from({ length: 6 }, (_, i) => loop(nodes[i % 2]!))]);
            for (const g of groups)
              assert.deepEqual(
                got.get(g),
                Array.from({ length: per }, (_, i) => i),
                `group ${g}: each message once, in order`,
              );
            await rowsExact(c, q, 'at the end');
          } finally {
            await c.end();
          }
        });
      });
    });

    it('the FIFO dedup lookup probes the primary key once per key, with the outcome of the `key = ANY` form, whatever the statistics say', async () => {
      await withNodes(1, {}, async ([e], schema) => {
        const { queue } = await e!.queueCreate({ accountId: '000000000000', name: 'dd.fifo', fifo: true, attributes: {}, tags: {}, reuseDelayMs: 0 });
        await e!.messageSend({ queueId: queue.id, messages: [msg('first', { groupId: 'g', dedupId: 'first' })], dedupWindowMs: 300_000 });
        const c = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
        await c.connect();
        try {
          // Statistics taken while the table was small, then a dedup window that grew (a young queue table).
          await c.query('ANALYZE dedup');
          await c.query(
            `INSERT INTO dedup (queue_id, key, message_id, seq, expires_at)
             SELECT $1, 'k' || i, 'm' || i, i, $2::bigint FROM generate_series(1, 5000) i`,
            [queue.id, Date.now() + 300_000],
          );
          const keys = [
            ...Array.from({ length: 40 }, (_, i) => `k${i * 100 + 7}`),
            'missing',
            (await c.query('SELECT key FROM dedup ORDER BY seq LIMIT 1')).rows[0].key,
          ];
          const old = 'SELECT key, message_id, seq, expires_at FROM dedup WHERE queue_id = $1 AND key = ANY($2::text[])';
          const sorted = (rows: Array<{ key: string }>) => [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
          const want = sorted((await c.query(old, [queue.id, keys])).rows);
          assert.equal(want.length, 41);
          assert.deepEqual(sorted((await c.query(Q_DEDUP_LOOKUP, [queue.id, keys])).rows), want);
          // The plan: no sequential scan of dedup, no entry read and filtered out.
          const lit = (v: string) => c.escapeLiteral(v);
          const arr = `ARRAY[${keys.map(lit).join(', ')}]::text[]`;
          await c.query(`PREPARE look(text, text[]) AS ${Q_DEDUP_LOOKUP}`);
          const plan = (await c.query(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE look(${lit(queue.id)}, ${arr})`)).rows[0]['QUERY PLAN'][0].Plan;
          const nodes: Array<Record<string, unknown>> = [];
          const walk = (n: Record<string, unknown>) => {
            nodes.push(n);
            for (const k of (n.Plans as Array<Record<string, unknown>> | undefined) ?? []) walk(k);
          };
          walk(plan);
          const onDedup = nodes.filter((n) => n['Relation Name'] === 'dedup');
          assert.ok(onDedup.length > 0);
          for (const n of onDedup) {
            assert.notEqual(n['Node Type'], 'Seq Scan', JSON.stringify(plan));
            assert.equal(n['Rows Removed by Filter'] ?? 0, 0, JSON.stringify(plan));
            assert.equal(n['Rows Removed by Index Recheck'] ?? 0, 0, JSON.stringify(plan));
          }
        } finally {
          await c.end();
        }
      });
    });

    it('the FIFO dedup lookup and group recompute settle on one generic plan per connection instead of planning every call', async () => {
      await withNodes(1, {}, async ([e], schema) => {
        const { queue } = await e!.queueCreate({
          accountId: '000000000000',
          name: 'plans.fifo',
          fifo: true,
          attributes: {},
          tags: {},
          reuseDelayMs: 0,
        });
        await e!.messageSend({ queueId: queue.id, messages: ['a', 'b', 'c'].map((g) => msg(g, { groupId: g, dedupId: g })), dedupWindowMs: 300_000 });
        const c = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
        await c.connect();
        try {
          const cases: Array<[string, string, (i: number) => unknown[]]> = [
            ['dedup', Q_DEDUP_LOOKUP, (i) => [queue.id, Array.from({ length: 1 + (i % 5) }, (_, k) => `q:${k}`)]],
            ['refresh', Q_REFRESH_GROUPS, (i) => [queue.id, ['a', 'b', 'c'].slice(0, 1 + (i % 3)), false]],
          ];
          for (const [name, text, values] of cases) {
            await c.query('BEGIN');
            for (let i = 0; i < 12; i++) await c.query({ name, text, values: values(i) });
            await c.query('ROLLBACK');
            const r = (await c.query('SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = $1', [name])).rows[0];
            // PostgreSQL plans the first five executions custom; after that, every custom plan is a re-plan.
            assert.ok(Number(r.custom_plans) <= 5 && Number(r.generic_plans) >= 7, `${name}: ${JSON.stringify(r)}`);
          }
        } finally {
          await c.end();
        }
      });
    });

    it('capabilities: durable, shared, bounded waits', async () => {
      await withNodes(1, {}, async ([e]) => {
        assert.equal(e!.kind, 'postgres');
        assert.deepEqual({ ...e!.capabilities }, { durable: true, shared: true, maxWaitSliceMs: 1000 });
      });
    });

    it('NOTIFY goes only to queues another process long-polls (wake interest), on every notifying path', async () => {
      await withNodes(2, {}, async ([a, b], schema) => {
        const q = (await a!.queueCreate({ accountId: '000000000000', name: 'interest', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 }))
          .queue;
        const other = (
          await a!.queueCreate({ accountId: '000000000000', name: 'interest-2', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 })
        ).queue;
        const wokeB: string[] = [];
        const wokeA: string[] = [];
        /** Barrier notifications that reached each node (see settle). */
        const marks = { a: new Set<string>(), b: new Set<string>() };
        b!.onWake((id) => (id.startsWith('marker-') ? marks.b.add(id) : wokeB.push(id)));
        a!.onWake((id) => (id.startsWith('marker-') ? marks.a.add(id) : wokeA.push(id)));
        const until = async (cond: () => boolean, what: string) => {
          for (let i = 0; i < 250 && !cond(); i++) await sleep(20);
          assert.ok(cond(), what);
        };
        // No NOTIFY is proved absent without waiting for a timeout: PostgreSQL delivers notifications in
        // commit order, so once a marker NOTIFYed after the operation has reached both nodes, any NOTIFY
        // the operation sent has reached them too.
        const channel = `ferry_${createHash('sha1').update(schema).digest('hex').slice(0, 16)}`;
        let markers = 0;
        const settle = async () => {
          const tag = `marker-${markers++}`;
          await c.query('SELECT pg_notify($1, $2)', [channel, `test ${tag}`]);
          await until(() => marks.a.has(tag) && marks.b.has(tag), `the barrier ${tag} reached both nodes`);
        };
        const c = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
        await c.connect();
        try {
          // Nobody long-polls: a's sends wake a's own listeners (in process), and send no NOTIFY.
          await a!.messageSend({ queueId: q.id, messages: [msg('m1')], dedupWindowMs: 300_000 });
          await settle();
          assert.equal(wokeB.length, 0, 'no NOTIFY reached b');
          assert.deepEqual([...wokeA], [q.id]);

          // b is about to wait on q: the first registration says so (the caller then tries once more).
          assert.equal(await b!.expectWakes(q.id), true);
          assert.equal(await b!.expectWakes(q.id), false);
          assert.equal((await c.query('SELECT count(*)::int AS n FROM wake_interest WHERE queue_id = $1', [q.id])).rows[0].n, 1);
          // Single send, group-committed sends and a batch: each reaches b, for q only.
          await a!.messageSend({ queueId: q.id, messages: [msg('m2')], dedupWindowMs: 300_000 });
          await until(() => wokeB.length === 1, 'a send to q wakes b');
          await Promise.all([
            a!.messageSend({ queueId: q.id, messages: [msg('m3')], dedupWindowMs: 300_000 }),
            a!.messageSend({ queueId: other.id, messages: [msg('o1')], dedupWindowMs: 300_000 }),
            a!.messageSend({ queueId: q.id, messages: [msg('m4'), msg('m5')], dedupWindowMs: 300_000 }),
          ]);
          await until(() => wokeB.filter((id) => id === q.id).length >= 2, 'combined sends to q wake b');
          await settle();
          assert.ok(!wokeB.includes(other.id), 'no NOTIFY for a queue nobody else waits on');
          // b's own interest does not make b's sends notify (b wakes itself in process); a is not told.
          wokeA.length = 0;
          await b!.messageSend({ queueId: q.id, messages: [msg('m6')], dedupWindowMs: 300_000 });
          await settle();
          assert.equal(wokeA.length, 0, 'no NOTIFY reached a');

          // The transaction path (a visibility change to 0 makes a message deliverable now).
          wokeB.length = 0;
          const got = await a!.messageReceive({ queueId: q.id, maxMessages: 1, visibilityTimeoutMs: 30_000, attemptWindowMs: 300_000 });
          assert.equal(got.messages.length, 1);
          await a!.visibilityChange({
            queueId: q.id,
            entries: [{ receiptToken: got.messages[0]!.receiptToken, ref: got.messages[0]!.ref, visibilityTimeoutMs: 0 }],
            maxTotalMs: 43_200_000,
          });
          await until(() => wokeB.includes(q.id), 'a visibility change to 0 wakes b');

          // An expired interest (a process that died) is not notified, and the sweep removes it.
          await c.query(`UPDATE wake_interest SET expires_at = clock_timestamp() - interval '1 second'`);
          wokeB.length = 0;
          await a!.messageSend({ queueId: q.id, messages: [msg('m7')], dedupWindowMs: 300_000 });
          await settle();
          assert.equal(wokeB.length, 0, 'no NOTIFY reached b');
          await a!.sweep();
          assert.equal((await c.query('SELECT count(*)::int AS n FROM wake_interest')).rows[0].n, 0);

          // Closing withdraws the process's interests.
          assert.equal(await b!.expectWakes(other.id), true);
          assert.equal((await c.query('SELECT count(*)::int AS n FROM wake_interest')).rows[0].n, 1);
          await b!.close();
          assert.equal((await c.query('SELECT count(*)::int AS n FROM wake_interest')).rows[0].n, 0);
        } finally {
          await c.end();
        }
      });
    });

    it('several processes starting together migrate once (advisory lock)', async () => {
      await withNodes(4, {}, async (nodes, schema) => {
        for (const e of nodes) assert.equal(e.schemaVersion, POSTGRES_SCHEMA_VERSION);
        assert.deepEqual(await indexNames(url, schema), SCHEMA_INDEXES);
        assert.deepEqual(await appliedMigrations(url, schema), [
          [1, 'schema'],
          [2, 'queue dedup scope, drop messages_group_lock'],
          [3, 'queues keyed by (account, name)'],
          [4, 'queue names in byte order (ListQueues pages)'],
          [5, 'queue counts by index-only scan (messages_age_cover)'],
          [6, 'queue counts from maintained counters (message_counts)'],
          [7, 'empty FIFO group rows (fifo_groups head_seq, ready_at nullable)'],
          [8, 'long-poll interest (wake_interest: NOTIFY only queues another process waits on)'],
        ]);
      });
    });

    it('a schema-1 schema with data migrates to 8: data intact, dedup scope backfilled from the attribute', async () => {
      const schema = schemaName();
      const clock = new ManualClock();
      const fx = await writeSchemaV1(url, schema, clock.now());
      assert.ok((await indexNames(url, schema)).includes('messages_group_lock'));
      const e = new PostgresEngine({ url, schema, poolSize: 2, timeSource: { clock }, clock, random: new SeededRandom('migrate') });
      try {
        await e.init();
        assert.equal(e.schemaVersion, 8);
        // Migration 2 dropped the index nothing reads; the others are all there.
        assert.deepEqual(await indexNames(url, schema), SCHEMA_INDEXES);
        assert.deepEqual(await appliedMigrations(url, schema), [
          [1, 'schema'],
          [2, 'queue dedup scope, drop messages_group_lock'],
          [3, 'queues keyed by (account, name)'],
          [4, 'queue names in byte order (ListQueues pages)'],
          [5, 'queue counts by index-only scan (messages_age_cover)'],
          [6, 'queue counts from maintained counters (message_counts)'],
          [7, 'empty FIFO group rows (fifo_groups head_seq, ready_at nullable)'],
          [8, 'long-poll interest (wake_interest: NOTIFY only queues another process waits on)'],
        ]);
        const std = (await e.queueGetByName('000000000000', 'std'))!;
        assert.equal(std.id, fx.queueIds.std);
        assert.deepEqual({ ...std.attributes }, { VisibilityTimeout: '30' });
        assert.deepEqual({ ...std.tags }, { team: 'core' });
        assert.equal(std.createdAt, clock.now());
        assert.equal(std.dedupScope, 'queue');
        const grp = (await e.queueGetByName('000000000000', 'grp.fifo'))!;
        const qs = (await e.queueGetByName('000000000000', 'q.fifo'))!;
        assert.equal(grp.dedupScope, 'messageGroup');
        assert.equal(qs.dedupScope, 'queue');
        assert.equal(await e.metaGetOrCreate('hmac', () => 'new'), fx.hmac);
        assert.deepEqual(await e.queueStats(std.id), { visible: 1, inflight: 1, delayed: 0 });
        const got = await e.messageReceive({ queueId: std.id, maxMessages: 10, visibilityTimeoutMs: 30_000, attemptWindowMs: 300_000 });
        assert.deepEqual(
          got.messages.map((m) => [m.body, m.messageId, m.receiveCount]),
          [['visible-v1', 'mid-visible', 1]],
        );
        assert.deepEqual(await e.messageDelete({ queueId: std.id, receipts: [fx.inflight] }), [{ ok: true }]);
        const seqOf = (n: number) => String(10n ** 19n + BigInt(n));
        const send = (q: typeof grp, body: string, groupId: string) =>
          e.messageSend({ queueId: q.id, messages: [msg(body, { groupId, dedupId: 'd1' })], dedupWindowMs: 300_000 });
        assert.deepEqual(await send(grp, 'again', 'A'), [
          { messageId: fx.fifo['grp.fifo'].messageId, sequenceNumber: seqOf(fx.fifo['grp.fifo'].seq), deduplicated: true },
        ]);
        // Sequence numbers continue after the stored counter (an engine may leave gaps: PostgreSQL reserves
        // numbers for a batch before deduplicating it).
        const [other] = await send(grp, 'other-group', 'B');
        assert.equal(other!.deduplicated, false);
        assert.ok(BigInt(other!.sequenceNumber!) > BigInt(seqOf(fx.fifo['grp.fifo'].seq)));
        assert.deepEqual(await send(qs, 'any-group', 'Y'), [
          { messageId: fx.fifo['q.fifo'].messageId, sequenceNumber: seqOf(fx.fifo['q.fifo'].seq), deduplicated: true },
        ]);
        const fifoGot = await e.messageReceive({ queueId: grp.id, maxMessages: 10, visibilityTimeoutMs: 30_000, attemptWindowMs: 300_000 });
        assert.deepEqual(
          fifoGot.messages.map((m) => [m.body, m.groupId, m.sequenceNumber]),
          [
            ['grp.fifo-v1', 'A', seqOf(fx.fifo['grp.fifo'].seq)],
            ['other-group', 'B', other!.sequenceNumber],
          ],
        );
        await e.queueSetAttributes({ queueId: qs.id, set: { DeduplicationScope: 'messageGroup' } });
        assert.equal((await send(qs, 'still-queue-wide', 'X'))[0]!.deduplicated, true);
      } finally {
        await e.close();
        await dropSchema(url, schema);
      }
    });

    it('migration 5 (and 6) on a schema-4 table with data: replaces an invalid leftover index, resumes after a crash, is idempotent', async () => {
      const schema = schemaName();
      const clock = new ManualClock();
      const now = clock.now();
      const fx = await writeSchemaV1(url, schema, now);
      // Schema 4 with 3000 more visible messages in `std`.
      await migrateTo(
        url,
        schema,
        now,
        '000000000000',
        4,
        `INSERT INTO ${schema}.messages (queue_id, message_id, body, md5_body, sender_id, sent_at, visible_at)
         SELECT $1, 'm' || i, 'b', 'x', 'AIDA', $2::bigint - i, $2::bigint - 1 FROM generate_series(1, 3000) i`,
        [fx.queueIds.std, now],
      );
      const c = new pg.Client({ connectionString: url, options: `-c search_path=${schema} -c enable_seqscan=off -c enable_bitmapscan=off` });
      await c.connect();
      const valid = async (): Promise<boolean | undefined> =>
        (
          await c.query<{ v: boolean }>(
            `SELECT i.indisvalid AS v FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid WHERE x.relname = $1 AND x.relnamespace = $2::regnamespace`,
            [COUNTS_INDEX, schema],
          )
        ).rows[0]?.v;
      const e = new PostgresEngine({ url, schema, poolSize: 2, timeSource: { clock }, clock, random: new SeededRandom('m5') });
      try {
        // An interrupted CREATE INDEX CONCURRENTLY leaves an INVALID index of the same name behind.
        await assert.rejects(c.query(`CREATE UNIQUE INDEX CONCURRENTLY ${COUNTS_INDEX} ON messages (queue_id)`), /could not create unique index/);
        assert.equal(await valid(), false);
        await e.init();
        assert.equal(e.schemaVersion, 8);
        assert.equal(await valid(), true);
        assert.deepEqual(await indexNames(url, schema), SCHEMA_INDEXES);
        const def = (
          await c.query<{ d: string }>('SELECT indexdef AS d FROM pg_indexes WHERE schemaname = $1 AND indexname = $2', [schema, COUNTS_INDEX])
        ).rows[0]!.d;
        assert.match(def, /\(queue_id, sent_at\) INCLUDE \(visible_at, received\)$/);
        assert.deepEqual(await e.queueStats(fx.queueIds.std), { visible: 3001, inflight: 1, delayed: 0 });
        // The count reads the index only (the heap just for pages not yet all-visible: none after VACUUM).
        await c.query('VACUUM messages');
        const plan = (await c.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${Q_QUEUE_STATS}`, [fx.queueIds.std, now, 0])).rows
          .map((r) => r['QUERY PLAN'])
          .join('\n');
        assert.match(plan, new RegExp(`Index Only Scan using ${COUNTS_INDEX}`));

        // A crash after the build, before the old index was dropped and the step recorded: the next start finishes it
        // (migration 6, already applied, finds its trigger and does nothing again).
        await c.query('DELETE FROM schema_migrations WHERE version >= 5');
        await c.query('CREATE INDEX messages_age ON messages (queue_id, sent_at)');
        assert.equal(await migrateTo(url, schema, now, '000000000000', 6), 6);
        assert.deepEqual(await indexNames(url, schema), SCHEMA_INDEXES);
        // And once more: nothing left to do.
        assert.equal(await migrateTo(url, schema, now, '000000000000', 6), 6);
        assert.deepEqual(
          (await appliedMigrations(url, schema)).map(([v]) => v),
          [1, 2, 3, 4, 5, 6],
        );
        assert.deepEqual(await e.queueStats(fx.queueIds.std), { visible: 3001, inflight: 1, delayed: 0 });
      } finally {
        await c.end();
        await e.close();
        await dropSchema(url, schema);
      }
    });

    it('a schema-2 schema with data migrates to 8: its queues and tombstones belong to the default account', async () => {
      const schema = schemaName();
      const clock = new ManualClock();
      const fx = await writeSchemaV1(url, schema, clock.now());
      const v = await migrateTo(
        url,
        schema,
        clock.now(),
        '111111111111',
        2,
        `INSERT INTO ${schema}.queue_tombstones (name, deleted_at) VALUES ($1, $2)`,
        ['gone', clock.now()],
      );
      assert.equal(v, 2);
      const e = new PostgresEngine({
        url,
        schema,
        poolSize: 2,
        timeSource: { clock },
        clock,
        random: new SeededRandom('m3'),
        defaultAccountId: '111111111111',
      });
      try {
        await e.init();
        assert.equal(e.schemaVersion, 8);
        await assertAccountsMigrated(e, fx.queueIds.std);
      } finally {
        await e.close();
        await dropSchema(url, schema);
      }
    });

    it('queueList pages are in code-unit order on a database whose collation is en-US (ICU)', async () => {
      const db = await icuDatabase(url, `ferry_icu_${process.pid}`);
      const e = new PostgresEngine({ url: db.url, schema: 'ferry', poolSize: 2, clock: systemClock, random: new SeededRandom('icu') });
      try {
        await e.init();
        for (const n of ['b', 'a-1', 'B', 'a', 'a_2', 'ab', 'Z9', 'a0'])
          await e.queueCreate({ accountId: '000000000000', name: n, fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
        // The database itself orders these differently (the reason for COLLATE "C").
        assert.notDeepEqual(await db.names('SELECT name FROM ferry.queues ORDER BY name'), ['B', 'Z9', 'a', 'a-1', 'a0', 'a_2', 'ab', 'b']);
        const page = async (f: { prefix?: string; after?: string; limit?: number }) =>
          (await e.queueList({ accountId: '000000000000', ...f })).map((q) => q.name);
        assert.deepEqual(await page({}), ['B', 'Z9', 'a', 'a-1', 'a0', 'a_2', 'ab', 'b']);
        assert.deepEqual(await page({ after: 'Z9', limit: 3 }), ['a', 'a-1', 'a0']);
        assert.deepEqual(await page({ prefix: 'a', after: 'a0' }), ['a_2', 'ab']);
        assert.deepEqual(await page({ prefix: 'B' }), ['B']);
      } finally {
        await e.close();
        await db.drop();
      }
    });

    it('timestamps come from the database clock, not the node clock', async () => {
      // A node whose clock is an hour ahead: with the database time source its clock is not used.
      const skewed = { now: () => Date.now() + 3_600_000 };
      await withNodes(1, { clock: skewed }, async ([e]) => {
        const { queue } = await e!.queueCreate({ accountId: '000000000000', name: 'clock', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
        const before = await databaseNow(url);
        await e!.messageSend({ queueId: queue.id, messages: [msg('x')], dedupWindowMs: 300_000 });
        const [m] = (await e!.messageReceive({ queueId: queue.id, maxMessages: 1, visibilityTimeoutMs: 30_000, attemptWindowMs: 1 })).messages;
        const afterT = await databaseNow(url);
        assert.ok(m!.sentAt >= before - 5 && m!.sentAt <= afterT + 5, `sentAt ${m!.sentAt} within [${before}, ${afterT}]`);
        assert.ok(queue.createdAt <= afterT + 5);
        // nextVisibleAt is translated into the node's (skewed) clock, so its sleep is right.
        const r = await e!.messageReceive({ queueId: queue.id, maxMessages: 1, visibilityTimeoutMs: 30_000, attemptWindowMs: 1 });
        const wait = r.nextVisibleAt! - skewed.now();
        assert.ok(wait > 28_000 && wait <= 30_000, `sleep ${wait} ms`);
      });
    });

    it('nodes on one schema: a message goes to exactly one of many concurrent receivers', async () => {
      await withNodes(3, { clock: systemClock, random: systemRandom }, async (nodes) => {
        const { queue } = await nodes[0]!.queueCreate({
          accountId: '000000000000',
          name: 'shared',
          fifo: false,
          attributes: {},
          tags: {},
          reuseDelayMs: 0,
        });
        const bodies = Array.from({ length: 200 }, (_, i) => `m${i}`);
        for (let i = 0; i < bodies.length; i += 10) {
          await nodes[i % 3]!.messageSend({
            queueId: queue.id,
            messages: bodies.slice(i, i + 10).map((b) => msg(b, { messageId: b })),
            dedupWindowMs: 1,
          });
        }
        const got: string[] = [];
        await Promise.all(
          Array.from({ length: 12 }, async (_, i) => {
            const e = nodes[i % 3]!;
            for (;;) {
              const r = await e.messageReceive({ queueId: queue.id, maxMessages: 10, visibilityTimeoutMs: 60_000, attemptWindowMs: 1 });
              if (!r.messages.length) return;
              got.push(...r.messages.map((m) => m.body));
            }
          }),
        );
        assert.equal(got.length, 200);
        assert.deepEqual(new Set(got).size, 200);
      });
    });

    it('nodes on one schema: FIFO groups are never split between concurrent receivers', async () => {
      await withNodes(3, { random: systemRandom }, async (nodes) => {
        const { queue } = await nodes[0]!.queueCreate({
          accountId: '000000000000',
          name: 'g.fifo',
          fifo: true,
          attributes: {},
          tags: {},
          reuseDelayMs: 0,
        });
        for (const g of ['A', 'B', 'C', 'D', 'E']) {
          const ms = Array.from({ length: 6 }, (_, i) => msg(`${g}${i}`, { messageId: `${g}${i}`, groupId: g, dedupId: `${g}${i}` }));
          await nodes[0]!.messageSend({ queueId: queue.id, messages: ms, dedupWindowMs: 300_000 });
        }
        const rounds = await Promise.all(
          Array.from({ length: 9 }, (_, i) =>
            nodes[i % 3]!.messageReceive({ queueId: queue.id, maxMessages: 6, visibilityTimeoutMs: 60_000, attemptWindowMs: 1 }),
          ),
        );
        const all = rounds.flatMap((r) => r.messages);
        assert.equal(all.length, 30);
        for (const r of rounds.filter((x) => x.messages.length)) {
          assert.equal(new Set(r.messages.map((m) => m.groupId)).size, 1);
          assert.deepEqual(
            r.messages.map((m) => m.body.slice(1)),
            ['0', '1', '2', '3', '4', '5'],
          );
        }
      });
    });

    it('a dedup id sent through different nodes at once is stored once', async () => {
      await withNodes(3, { random: systemRandom }, async (nodes) => {
        const { queue } = await nodes[0]!.queueCreate({
          accountId: '000000000000',
          name: 'd.fifo',
          fifo: true,
          attributes: {},
          tags: {},
          reuseDelayMs: 0,
        });
        const rs = await Promise.all(
          nodes.map((e, i) =>
            e.messageSend({
              queueId: queue.id,
              messages: [msg(`x${i}`, { messageId: `mid${i}`, groupId: 'g', dedupId: 'same' })],
              dedupWindowMs: 300_000,
            }),
          ),
        );
        assert.equal(rs.flat().filter((r) => !r.deduplicated).length, 1);
        assert.equal(new Set(rs.flat().map((r) => r.messageId)).size, 1);
        assert.equal((await nodes[1]!.queueStats(queue.id)).visible, 1);
      });
    });

    it('one active move task per queue across nodes; a step runs on one node at a time', async () => {
      await withNodes(3, { random: systemRandom }, async (nodes) => {
        const { queue: dlq } = await nodes[0]!.queueCreate({
          accountId: '000000000000',
          name: 'mdlq',
          fifo: false,
          attributes: {},
          tags: {},
          reuseDelayMs: 0,
        });
        await nodes[0]!.queueCreate({ accountId: '000000000000', name: 'mdest', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
        await nodes[0]!.messageSend({
          queueId: dlq.id,
          messages: Array.from({ length: 30 }, (_, i) => msg(`t${i}`, { messageId: `t${i}` })),
          dedupWindowMs: 1,
        });
        const arn = 'arn:aws:sqs:us-east-1:000000000000:';
        const starts = await Promise.allSettled(
          nodes.map((e) => e.moveTaskStart({ sourceQueueId: dlq.id, sourceArn: `${arn}mdlq`, destinationArn: `${arn}mdest` })),
        );
        assert.equal(starts.filter((s) => s.status === 'fulfilled').length, 1);
        for (const s of starts) if (s.status === 'rejected') assert.ok(isDomainError(s.reason, 'MoveTaskActive'));
        const task = (starts.find((s) => s.status === 'fulfilled') as PromiseFulfilledResult<{ id: string }>).value;
        let moved = 0;
        for (let round = 0; round < 10; round++) {
          const steps = await Promise.all(nodes.map((e) => e.moveTaskStep(task.id, 5)));
          moved += steps.reduce((a, s) => a + s.moved, 0);
          if (steps.some((s) => s.task.status === 'COMPLETED')) break;
        }
        assert.equal(moved, 30);
        const dest = (await nodes[2]!.queueGetByName('000000000000', 'mdest'))!;
        assert.equal((await nodes[2]!.queueStats(dest.id)).visible, 30);
      });
    });

    it('a send on one node wakes a listener of another node that waits on the queue (LISTEN/NOTIFY)', async () => {
      await withNodes(2, {}, async ([a, b]) => {
        const { queue } = await a!.queueCreate({ accountId: '000000000000', name: 'wake', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
        const woke = new Promise<number>((resolve) => {
          const off = a!.onWake((id) => {
            if (id === queue.id) {
              off();
              resolve(performance.now());
            }
          });
        });
        // What a long poll on a does before it waits: register a's interest in the queue.
        assert.equal(await a!.expectWakes(queue.id), true);
        const t0 = performance.now();
        await b!.messageSend({ queueId: queue.id, messages: [msg('hello')], dedupWindowMs: 1 });
        const latency = (await Promise.race([woke, sleep(5_000).then(() => Infinity)])) - t0;
        assert.ok(latency < 1_000, `cross-node wake took ${latency.toFixed(1)} ms`);
      });
    });

    it('dropped connections: requests fail with Unavailable or succeed, and the engine recovers', async () => {
      const applicationName = `ferry-drop-${process.pid}`;
      await withNodes(2, { connectTimeoutMs: 1_000, applicationName }, async ([a, b]) => {
        const { queue } = await a!.queueCreate({ accountId: '000000000000', name: 'drop', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
        await a!.messageSend({ queueId: queue.id, messages: [msg('before')], dedupWindowMs: 1 });
        assert.ok((await terminateFerrySessions(url, applicationName)) > 0, 'the engines had sessions to cut');
        // Whatever happens to calls racing the cut, they settle as success or Unavailable.
        const rs = await Promise.allSettled([
          a!.queueStats(queue.id),
          a!.messageSend({ queueId: queue.id, messages: [msg('during')], dedupWindowMs: 1 }),
        ]);
        for (const r of rs) if (r.status === 'rejected') assert.ok(isDomainError(r.reason, 'Unavailable'), String(r.reason));
        // The pool reconnects by itself; the LISTEN connection too (and wakes every known queue).
        const woke = new Promise<void>((resolve) => {
          const off = a!.onWake((id) => {
            if (id === queue.id) {
              off();
              resolve();
            }
          });
        });
        let ok = false;
        for (let i = 0; i < 50 && !ok; i++) {
          ok = await b!.messageSend({ queueId: queue.id, messages: [msg('after')], dedupWindowMs: 1 }).then(
            () => true,
            () => false,
          );
          if (!ok) await new Promise((r) => setTimeout(r, 100));
        }
        assert.ok(ok, 'sends work again');
        await woke;
        assert.ok((await a!.queueStats(queue.id)).visible >= 2);
      });
    });

    it('an unreachable database is Unavailable, fast', async () => {
      const e = new PostgresEngine({
        url: 'postgres://nobody@127.0.0.1:1/none',
        schema: 'unreachable',
        clock: systemClock,
        random: systemRandom,
        startupTimeoutMs: 0,
        connectTimeoutMs: 500,
      });
      const t0 = Date.now();
      await assert.rejects(e.init(), (err: unknown) => isDomainError(err, 'Unavailable'));
      assert.ok(Date.now() - t0 < 2_000);
      await e.close();
    });

    it('an invalid schema name is refused', () => {
      assert.throws(() => new PostgresEngine({ url, schema: 'Bad-Name', clock: systemClock, random: systemRandom }));
    });
  });
}
