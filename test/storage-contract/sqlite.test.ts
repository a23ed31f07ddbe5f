/**
 * The storage contract against the SQLite engine (a fresh temp-file database per case, with
 * close + reopen support), plus what only the SQLite engine promises: sequence-number format,
 * group commit, migrations, index-only hot paths and survival of kill -9.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fdatasync, fdatasyncSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';

import { ManualClock } from '../../src/core/clock.js';
import { SeededRandom } from '../../src/core/random.js';
import { isDomainError } from '../../src/errors/domain.js';
import { SqliteEngine } from '../../src/storage/sqlite/index.js';
import Database from 'better-sqlite3';
import { MIGRATIONS, migrate } from '../../src/storage/sqlite/migrations.js';
import * as statements from '../../src/storage/sqlite/sql/index.js';
import { EngineContext } from '../../src/storage/sqlite/context.js';
import { reserveSeqs } from '../../src/storage/sqlite/store.js';
import { holdWriteLock, indexNames, writeSchemaV1Store } from '../helpers/sqlite.js';
import { assertAccountsMigrated, msg } from './fixtures.js';
import { runStorageContract } from './contract.js';

/** The indexes of schema 2: schema 1's without `messages_group_lock` (dropped by migration 2). */
const SCHEMA_2_INDEXES = [
  'dedup_expiry',
  'fifo_groups_ready',
  'messages_age',
  'messages_group',
  'messages_ready',
  'move_tasks_queue',
  'move_tasks_source',
  'move_tasks_status',
  'receive_attempts_expiry',
];

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'ferry-sqlite-'));
}

runStorageContract('sqlite', async ({ clock, random }) => {
  const dir = await tempDir();
  const path = join(dir, 'ferry.db');
  return {
    engine: new SqliteEngine({ path, clock, random }),
    reopen: async () => new SqliteEngine({ path, clock, random }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

/** A fresh engine on a temp file, closed and removed after `fn`. */
async function withEngine(fn: (e: SqliteEngine, clock: ManualClock, path: string) => Promise<void>): Promise<void> {
  const dir = await tempDir();
  const clock = new ManualClock();
  const path = join(dir, 'ferry.db');
  const e = new SqliteEngine({ path, clock, random: new SeededRandom('sqlite') });
  await e.init();
  try {
    await fn(e, clock, path);
  } finally {
    await e.close();
    await rm(dir, { recursive: true, force: true });
  }
}

describe('sqlite engine specifics', () => {
  it('is durable on a file and not on :memory:', async () => {
    const mem = new SqliteEngine({ path: ':memory:', clock: new ManualClock(), random: new SeededRandom() });
    await mem.init();
    assert.equal(mem.kind, 'sqlite');
    assert.deepEqual(mem.capabilities, { durable: false, shared: false });
    const { queue } = await mem.queueCreate({ accountId: '000000000000', name: 'm', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
    await mem.messageSend({ queueId: queue.id, messages: [msg('x')], dedupWindowMs: 300_000 });
    assert.equal((await mem.queueStats(queue.id)).visible, 1);
    await mem.close();
    await mem.close(); // idempotent
    await assert.rejects(mem.queueStats(queue.id), (e: unknown) => isDomainError(e, 'Unavailable'));
    await assert.rejects(mem.messageSend({ queueId: queue.id, messages: [msg('y')], dedupWindowMs: 1 }), (e: unknown) =>
      isDomainError(e, 'Unavailable'),
    );
    await withEngine(async (e) => assert.equal(e.capabilities.durable, true));
  });

  it('records the newest migration (3) and reopens an existing store', async () => {
    await withEngine(async (e, clock, path) => {
      assert.equal(e.diagnostics().schemaVersion, 3);
      assert.deepEqual(indexNames(path), SCHEMA_2_INDEXES);
      await e.close();
      const again = new SqliteEngine({ path, clock, random: new SeededRandom('again') });
      await again.init();
      assert.equal(again.diagnostics().schemaVersion, 3);
      await again.close();
    });
  });

  it('a schema-1 store with data migrates to 3: data intact, dedup scope backfilled from the attribute', async () => {
    const dir = await tempDir();
    const path = join(dir, 'ferry.db');
    const clock = new ManualClock();
    const fx = writeSchemaV1Store(path, clock.now());
    assert.ok(indexNames(path).includes('messages_group_lock'));
    const e = new SqliteEngine({ path, clock, random: new SeededRandom('migrate') });
    try {
      await e.init();
      assert.equal(e.diagnostics().schemaVersion, 3);
      // Migration 2 dropped the index nothing reads; the others are all there.
      assert.deepEqual(indexNames(path), SCHEMA_2_INDEXES);
      // Queues: records as before, plus the scope taken from the attribute at migration time.
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
      // Messages: the visible one is delivered, the in-flight one stays in flight and its receipt
      // from before the migration still deletes it.
      assert.deepEqual(await e.queueStats(std.id), { visible: 1, inflight: 1, delayed: 0 });
      const got = await e.messageReceive({ queueId: std.id, maxMessages: 10, visibilityTimeoutMs: 30_000, attemptWindowMs: 300_000 });
      assert.deepEqual(
        got.messages.map((m) => [m.body, m.messageId, m.receiveCount]),
        [['visible-v1', 'mid-visible', 1]],
      );
      assert.deepEqual(await e.messageDelete({ queueId: std.id, receipts: [fx.inflight] }), [{ ok: true }]);
      // FIFO: the dedup entries written under schema 1 still deduplicate, each with its queue's scope;
      // sequence numbers continue after the stored counter.
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
      // The new rule from now on: changing the attribute does not re-scope the migrated queue.
      await e.queueSetAttributes({ queueId: qs.id, set: { DeduplicationScope: 'messageGroup' } });
      assert.equal((await send(qs, 'still-queue-wide', 'X'))[0]!.deduplicated, true);
      await e.close();
      // Reopening a migrated store applies nothing again.
      const again = new SqliteEngine({ path, clock, random: new SeededRandom('again') });
      await again.init();
      assert.equal(again.diagnostics().schemaVersion, 3);
      assert.equal((await again.queueGetByName('000000000000', 'grp.fifo'))!.dedupScope, 'messageGroup');
      await again.close();
    } finally {
      await e.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a schema-2 store with data migrates to 3: its queues and tombstones belong to the default account', async () => {
    const dir = await tempDir();
    const path = join(dir, 'ferry.db');
    const clock = new ManualClock();
    const fx = writeSchemaV1Store(path, clock.now());
    const db = new Database(path);
    try {
      assert.equal(migrate(db, clock.now(), { defaultAccountId: '111111111111' }, MIGRATIONS.slice(0, 2)), 2);
      db.prepare('INSERT INTO queue_tombstones (name, deleted_at) VALUES (?, ?)').run('gone', clock.now());
    } finally {
      db.close();
    }
    const e = new SqliteEngine({ path, clock, random: new SeededRandom('m3'), defaultAccountId: '111111111111' });
    try {
      await e.init();
      assert.equal(e.diagnostics().schemaVersion, 3);
      await assertAccountsMigrated(e, fx.queueIds.std);
    } finally {
      await e.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('FIFO sequence numbers look like AWS: ≥ 20 decimal digits', async () => {
    await withEngine(async (e) => {
      const { queue } = await e.queueCreate({ accountId: '000000000000', name: 'f.fifo', fifo: true, attributes: {}, tags: {}, reuseDelayMs: 0 });
      const rs = await e.messageSend({
        queueId: queue.id,
        messages: [msg('a', { groupId: 'g', dedupId: '1' }), msg('b', { groupId: 'g', dedupId: '2' })],
        dedupWindowMs: 300_000,
      });
      for (const r of rs) assert.match(r.sequenceNumber!, /^[1-9][0-9]{19,}$/);
    });
  });

  it('a send of more messages than one multi-row INSERT holds stores each once, in send order (standard and FIFO)', async () => {
    // send.ts inserts message rows 10 per statement: 23 messages take three statements (10, 10, 3).
    await withEngine(async (e, clock) => {
      const { queue } = await e.queueCreate({ accountId: '000000000000', name: 'many', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
      const sent = Array.from({ length: 23 }, (_, i) => msg(`s${i}`, { delayMs: i === 11 || i === 20 ? 5_000 : 0 }));
      const rs = await e.messageSend({ queueId: queue.id, messages: sent, dedupWindowMs: 300_000 });
      assert.deepEqual(
        rs.map((r) => r.messageId),
        sent.map((m) => m.messageId),
      );
      const got: Array<{ body: string; ref: number; md5: string }> = [];
      for (;;) {
        const r = await e.messageReceive({ queueId: queue.id, maxMessages: 10, visibilityTimeoutMs: 60_000, attemptWindowMs: 1 });
        if (r.messages.length === 0) break;
        for (const m of r.messages) got.push({ body: m.body, ref: Number(m.ref), md5: m.md5OfBody });
      }
      const immediate = sent.filter((m) => m.delayMs === 0);
      assert.deepEqual(
        got.map((g) => g.body),
        immediate.map((m) => m.body),
      );
      assert.deepEqual(
        got.map((g) => g.md5),
        immediate.map((m) => m.md5OfBody),
      );
      // Row ids follow send order, as one INSERT per message would give them.
      for (let i = 1; i < got.length; i++) assert.ok(got[i]!.ref > got[i - 1]!.ref, `ref ${got[i]!.ref} after ${got[i - 1]!.ref}`);
      assert.deepEqual(await e.queueStats(queue.id), { visible: 0, inflight: 21, delayed: 2 });
      clock.advance(5_000);
      const late = await e.messageReceive({ queueId: queue.id, maxMessages: 10, visibilityTimeoutMs: 60_000, attemptWindowMs: 1 });
      assert.deepEqual(
        late.messages.map((m) => m.body),
        ['s11', 's20'],
      );

      const { queue: fq } = await e.queueCreate({
        accountId: '000000000000',
        name: 'many.fifo',
        fifo: true,
        attributes: {},
        tags: {},
        reuseDelayMs: 0,
      });
      // Three groups; message 15 repeats message 3's deduplication id in the same group (both in g0).
      const fsent = Array.from({ length: 23 }, (_, i) => msg(`f${i}`, { groupId: `g${i % 3}`, dedupId: i === 15 ? 'd3' : `d${i}` }));
      const frs = await e.messageSend({ queueId: fq.id, messages: fsent, dedupWindowMs: 300_000 });
      assert.equal(frs[15]!.deduplicated, true);
      assert.equal(frs[15]!.messageId, fsent[3]!.messageId);
      assert.equal(frs[15]!.sequenceNumber, frs[3]!.sequenceNumber);
      const seqs = frs.filter((r) => !r.deduplicated).map((r) => BigInt(r.sequenceNumber!));
      for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i]! > seqs[i - 1]!, 'sequence numbers rise in send order');
      const byGroup = new Map<string, string[]>();
      for (;;) {
        const r = await e.messageReceive({ queueId: fq.id, maxMessages: 10, visibilityTimeoutMs: 60_000, attemptWindowMs: 1 });
        if (r.messages.length === 0) break;
        for (const m of r.messages) byGroup.set(m.groupId!, [...(byGroup.get(m.groupId!) ?? []), m.body]);
        await e.messageDelete({ queueId: fq.id, receipts: r.messages.map((m) => ({ ref: m.ref, receiptToken: m.receiptToken })) });
      }
      for (const g of ['g0', 'g1', 'g2']) {
        const want = fsent.filter((m, i) => m.groupId === g && i !== 15).map((m) => m.body);
        assert.deepEqual(byGroup.get(g), want, `group ${g} in send order, each once`);
      }
    });
  });

  it('a receive walks past full pages of candidates it cannot deliver (retention, dead letters), standard and FIFO', async () => {
    // receive.ts ends a walk early only on a short page: a full page whose rows all expired or were
    // dead-lettered must be followed by the next one (candidate pages are as large as the messages
    // still wanted; FIFO group pages are 32 groups).
    await withEngine(async (e, clock) => {
      const create = async (name: string, attributes: Record<string, string> = {}) =>
        (await e.queueCreate({ accountId: '000000000000', name, fifo: name.endsWith('.fifo'), attributes, tags: {}, reuseDelayMs: 0 })).queue;
      const recv = async (queueId: string, maxMessages: number, visibilityTimeoutMs = 60_000) =>
        (await e.messageReceive({ queueId, maxMessages, visibilityTimeoutMs, attemptWindowMs: 1 })).messages.map((m) => m.body);
      const send = (queueId: string, bodies: string[], extra: (i: number) => Partial<Parameters<typeof msg>[1]> = () => ({})) =>
        e.messageSend({ queueId, messages: bodies.map((b, i) => msg(b, extra(i))), dedupWindowMs: 300_000 });

      // Standard, retention: the first page (2 rows) is all past retention, the second delivers.
      const ret = await create('ret', { MessageRetentionPeriod: '60' });
      await send(ret.id, ['old1', 'old2']);
      clock.advance(61_000);
      await send(ret.id, ['new1', 'new2']);
      assert.deepEqual(await recv(ret.id, 2), ['new1', 'new2']);

      // Standard, dead letters: two messages due for the DLQ fill the first page of a receive of 2.
      const dlq = await create('dlq');
      const src = await create('src', {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:dlq', maxReceiveCount: 1 }),
      });
      await send(src.id, ['poison1', 'poison2']);
      assert.deepEqual((await recv(src.id, 10, 0)).sort(), ['poison1', 'poison2']);
      clock.advance(1);
      await send(src.id, ['good1', 'good2']);
      assert.deepEqual(await recv(src.id, 2), ['good1', 'good2']);
      assert.deepEqual((await recv(dlq.id, 10)).sort(), ['poison1', 'poison2']);

      // FIFO, one group: its first page (1 row, a receive of 1) is past retention, the next delivers.
      const fret = await create('ret.fifo', { MessageRetentionPeriod: '60' });
      await send(fret.id, ['g-old'], () => ({ groupId: 'g', dedupId: 'old' }));
      clock.advance(61_000);
      await send(fret.id, ['g-new1', 'g-new2'], (i) => ({ groupId: 'g', dedupId: `new${i}` }));
      assert.deepEqual(await recv(fret.id, 1), ['g-new1']);

      // FIFO, many groups: a full page of 32 ready groups holds only expired messages; the 33rd group,
      // ready later, delivers.
      const many = await create('many-groups.fifo', { MessageRetentionPeriod: '60' });
      await send(
        many.id,
        Array.from({ length: 32 }, (_, i) => `x${i}`),
        (i) => ({ groupId: `x${i}`, dedupId: `x${i}` }),
      );
      clock.advance(61_000);
      await send(many.id, ['fresh'], () => ({ groupId: 'fresh', dedupId: 'fresh' }));
      assert.deepEqual(await recv(many.id, 1), ['fresh']);
      assert.deepEqual(await e.queueStats(many.id), { visible: 0, inflight: 1, delayed: 0 });
    });
  });

  it('FIFO sequence reservations: consecutive ranges per queue (UPDATE, then read back), QueueNotFound for a missing row', () => {
    const db = new Database(':memory:');
    try {
      const clock = new ManualClock();
      migrate(db, clock.now(), { defaultAccountId: '000000000000' });
      const ctx = new EngineContext(clock, new SeededRandom('seqs'), () => db);
      for (const id of ['qa', 'qb']) {
        db.prepare(statements.QUEUE_INSERT).run(id, '000000000000', `${id}.fifo`, 1, '{}', '{}', 0, 0, 'queue');
      }
      assert.equal(reserveSeqs(ctx, 'qa', 3), 1); // 1, 2, 3
      assert.equal(reserveSeqs(ctx, 'qa', 1), 4);
      assert.equal(reserveSeqs(ctx, 'qb', 10), 1); // another queue has its own counter
      assert.equal(reserveSeqs(ctx, 'qa', 10), 5); // 5 … 14
      assert.equal((db.prepare('SELECT seq_counter FROM queues WHERE id = ?').get('qa') as { seq_counter: number }).seq_counter, 14);
      assert.throws(
        () => reserveSeqs(ctx, 'gone', 2),
        (err: unknown) => isDomainError(err, 'QueueNotFound'),
      );
    } finally {
      db.close();
    }
  });

  it('group commit: concurrent writes in one tick share one transaction', async () => {
    await withEngine(async (e) => {
      const { queue } = await e.queueCreate({ accountId: '000000000000', name: 'gc', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
      const before = e.transactionsCommitted;
      const sends = Array.from({ length: 50 }, (_, i) => e.messageSend({ queueId: queue.id, messages: [msg(`m${i}`)], dedupWindowMs: 300_000 }));
      // A failing item in the same batch is rolled back alone.
      const bad = e.messageSend({ queueId: 'nope', messages: [msg('bad')], dedupWindowMs: 300_000 });
      const results = await Promise.allSettled([...sends, bad]);
      assert.equal(e.transactionsCommitted - before, 1);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 50);
      assert.equal((await e.queueStats(queue.id)).visible, 50);
    });
  });

  it('syncs the WAL off the event loop; writes arriving during a sync share the next commit', async () => {
    const dir = await tempDir();
    // A WAL sync that waits for the test: shows what the engine does while one is in flight.
    const held: Array<() => void> = [];
    let hold = true;
    const e = new SqliteEngine({
      path: join(dir, 'ferry.db'),
      clock: new ManualClock(),
      random: new SeededRandom('sync'),
      syncWal: (fd, done) => (hold ? held.push(() => fdatasync(fd, done)) : fdatasync(fd, done)),
    });
    await e.init();
    try {
      assert.equal(e.diagnostics().walSync, 'off-loop');
      const { queue } = await e.queueCreate({ accountId: '000000000000', name: 'sync', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
      const before = e.transactionsCommitted;
      // Two writes in one turn (a lone write on a quiet engine is synced inline instead).
      const two = (tag: string): Array<Promise<unknown>> =>
        [0, 1].map((j) => e.messageSend({ queueId: queue.id, messages: [msg(`${tag}-${j}`)], dedupWindowMs: 300_000 }));
      let answered = 0;
      const first = two('first').map((p) => p.then(() => answered++));
      while (held.length === 0) await new Promise((r) => setImmediate(r));
      assert.equal(e.transactionsCommitted - before, 1);
      // While the sync is held: nothing is answered, and later writes gather instead of committing.
      const later: Array<Promise<unknown>> = [];
      for (let i = 0; i < 20; i++) {
        later.push(...two(`l${i}`));
        await new Promise((r) => setImmediate(r));
      }
      assert.equal(answered, 0, 'answered before its WAL sync');
      assert.equal(e.transactionsCommitted - before, 1);
      hold = false;
      held.shift()!();
      await Promise.all([...first, ...later]);
      // The 40 gathered writes: one commit.
      assert.equal(e.transactionsCommitted - before, 2);
      assert.equal((await e.queueStats(queue.id)).visible, 42);
    } finally {
      await e.close();
      await rm(dir, { recursive: true, force: true });
    }
    const mem = new SqliteEngine({ path: ':memory:', clock: new ManualClock(), random: new SeededRandom() });
    await mem.init();
    assert.equal(mem.diagnostics().walSync, 'in-commit');
    await mem.close();
  });

  it('a long poll woken by a lone send shares its WAL sync; nothing is answered before it; empty batches skip it', async () => {
    const dir = await tempDir();
    const settled: string[] = [];
    /** What had been answered when each inline sync ran. */
    const atSync: string[][] = [];
    const e = new SqliteEngine({
      path: join(dir, 'ferry.db'),
      clock: new ManualClock(),
      random: new SeededRandom('share'),
      syncWalInline: (fd) => {
        atSync.push([...settled]);
        fdatasyncSync(fd);
      },
    });
    await e.init();
    try {
      const { queue } = await e.queueCreate({ accountId: '000000000000', name: 'share', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
      // An empty receive writes nothing: answered without a sync.
      let syncs = e.walSyncs;
      const empty = await e.messageReceive({ queueId: queue.id, maxMessages: 10, visibilityTimeoutMs: 30_000, attemptWindowMs: 1 });
      assert.equal(empty.messages.length, 0);
      assert.equal(e.walSyncs, syncs, 'an empty receive synced the WAL');

      // The waiter of a long poll: on wake it receives (as the ReceiveMessage action does).
      let received: Promise<unknown> | undefined;
      e.onWake((queueId) => {
        received ??= e.messageReceive({ queueId, maxMessages: 10, visibilityTimeoutMs: 30_000, attemptWindowMs: 1 }).then((r) => {
          settled.push('receive');
          return r;
        });
      });
      syncs = e.walSyncs;
      const commits = e.transactionsCommitted;
      await e.messageSend({ queueId: queue.id, messages: [msg('one')], dedupWindowMs: 300_000 }).then(() => settled.push('send'));
      const r = (await received) as { messages: unknown[] };
      assert.equal(r.messages.length, 1);
      assert.equal(e.transactionsCommitted - commits, 2, 'send and receive commit separately');
      assert.equal(e.walSyncs - syncs, 1, 'the receive shares the send’s sync');
      assert.deepEqual(atSync.at(-1), [], 'something was answered before the sync covering it');
      assert.deepEqual(settled.sort(), ['receive', 'send']);
    } finally {
      await e.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('queueGauges reads on a worker thread for a durable WAL store, in-thread on :memory:, with equal results', async () => {
    const seed = async (e: SqliteEngine): Promise<void> => {
      const { queue } = await e.queueCreate({ accountId: '000000000000', name: 'g', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
      const { queue: f } = await e.queueCreate({ accountId: '000000000000', name: 'g.fifo', fifo: true, attributes: {}, tags: {}, reuseDelayMs: 0 });
      await e.messageSend({ queueId: queue.id, messages: [msg('a'), msg('b'), msg('c', { delayMs: 5_000 })], dedupWindowMs: 300_000 });
      await e.messageSend({
        queueId: f.id,
        messages: [msg('x', { groupId: 'G', dedupId: 'x' }), msg('y', { groupId: 'H', dedupId: 'y' })],
        dedupWindowMs: 300_000,
      });
      await e.messageReceive({ queueId: queue.id, maxMessages: 1, visibilityTimeoutMs: 30_000, attemptWindowMs: 1 });
      await e.messageReceive({ queueId: f.id, maxMessages: 10, visibilityTimeoutMs: 30_000, attemptWindowMs: 1 });
    };
    const view = (s: Awaited<ReturnType<SqliteEngine['queueGauges']>>) => s.queues.map(({ queueId: _id, ...g }) => g);
    const mem = new SqliteEngine({ path: ':memory:', clock: new ManualClock(), random: new SeededRandom('g') });
    await mem.init();
    try {
      await withEngine(async (e) => {
        assert.equal(e.diagnostics().gaugeReads, 'off-loop');
        assert.equal(mem.diagnostics().gaugeReads, 'in-thread');
        await seed(e);
        await seed(mem);
        const [a, b] = [await e.queueGauges(), await mem.queueGauges()];
        assert.deepEqual(view(a), view(b));
        assert.deepEqual(
          view(a).map((g) => [g.name, g.visible, g.inflight, g.delayed, g.groupsWithInflight]),
          [
            ['g', 1, 1, 1, 0],
            ['g.fifo', 0, 2, 0, 2],
          ],
        );
        // Every per-queue figure is an index range: no table scan of messages.
        const plan = e.diagnostics().gaugesPlan.join(' | ');
        assert.doesNotMatch(plan, /\bSCAN (messages|payloads)\b/, plan);
        assert.equal(plan.match(/SEARCH messages USING (COVERING )?INDEX messages_(ready|age)/g)?.length, 8, plan);
        // Reads after close fail like every other operation.
        await e.close();
        await assert.rejects(e.queueGauges(), (err: unknown) => isDomainError(err, 'Unavailable'));
      });
    } finally {
      await mem.close();
    }
  });

  it('hot statements are index searches, never table scans', async () => {
    await withEngine(async (e) => {
      const { plans } = e.diagnostics();
      for (const [name, lines] of Object.entries(plans)) {
        const text = lines.join(' | ');
        assert.ok(!/\bSCAN (messages|fifo_groups)\b/.test(text), `${name} scans: ${text}`);
        assert.ok(/SEARCH/.test(text), `${name} has no index search: ${text}`);
        assert.ok(!/TEMP B-TREE/.test(text), `${name} sorts: ${text}`);
      }
    });
  });

  it('no statement binds a bare LIMIT or OFFSET (SQLite would re-prepare it on every call)', () => {
    // A bare bound LIMIT is read at prepare time, and every later bind of it expires the statement:
    // it is parsed and planned again on each execution (sql/index.ts). `? + 0` is the form to use.
    const bare = /\b(?:LIMIT|OFFSET)\s+(?:\?\d*(?!\d)|[@:$]\w+(?!\w))(?!\s*[-+*/])/i;
    const texts: Array<[string, string]> = [];
    const collect = (name: string, v: unknown): void => {
      if (typeof v === 'string') texts.push([name, v]);
      else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) collect(`${name}.${k}`, x);
    };
    for (const [name, v] of Object.entries(statements)) collect(name, v);
    assert.ok(texts.length > 50, `only ${texts.length} statements found`);
    const bound = texts.filter(([, sql]) => /\bLIMIT\s+[?@]/i.test(sql)).map(([name]) => name);
    // The receive walks, the in-flight count, sweeps, pages and move tasks all page with a bound limit.
    for (const name of ['SQL.standardCandidates', 'SQL.fifoCandidates', 'SQL.groupMessages', 'SQL.inflightCount', 'SWEEP_EXPIRED_MESSAGES']) {
      assert.ok(bound.includes(name), `${name} has no bound LIMIT any more: ${bound.join(', ')}`);
    }
    for (const [name, sql] of texts) assert.ok(!bare.test(sql), `${name} binds a bare LIMIT/OFFSET: ${sql}`);
    // The pattern itself: what it must and must not flag.
    assert.ok(bare.test('SELECT 1 LIMIT ?') && bare.test('SELECT 1 LIMIT @limit)') && bare.test('SELECT 1 LIMIT 5 OFFSET ?2'));
    assert.ok(!bare.test('SELECT 1 LIMIT ? + 0') && !bare.test('SELECT 1 LIMIT @limit + 0') && !bare.test('SELECT 1 LIMIT 1'));
  });

  it("peek and search walk the queue's send-order index and fetch picked rows by primary key", async () => {
    await withEngine(async (e) => {
      const { browsePlans } = e.diagnostics();
      for (const [name, lines] of Object.entries(browsePlans)) {
        const text = lines.join(' | ');
        assert.ok(!/\bSCAN (m|messages)\b/.test(text), `${name} scans: ${text}`);
      }
      assert.match(browsePlans.window!.join(' | '), /SEARCH m USING (COVERING )?INDEX messages_age \(queue_id=\? AND sent_at>\?\)/);
      assert.match(browsePlans.search!.join(' | '), /SEARCH m USING (COVERING )?INDEX messages_age \(queue_id=\? AND sent_at>\?\)/);
      assert.match(browsePlans.rows!.join(' | '), /SEARCH m USING INTEGER PRIMARY KEY/);
    });
  });

  it('receives stay fast at depth (20 000 messages)', async () => {
    await withEngine(async (e, clock) => {
      const { queue } = await e.queueCreate({ accountId: '000000000000', name: 'deep', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
      const { queue: fq } = await e.queueCreate({
        accountId: '000000000000',
        name: 'deep.fifo',
        fifo: true,
        attributes: {},
        tags: {},
        reuseDelayMs: 0,
      });
      const batches = [];
      for (let i = 0; i < 2_000; i++) {
        const ms = Array.from({ length: 10 }, (_, j) => msg(`b${i}-${j}`, { messageId: `s${i}-${j}` }));
        batches.push(e.messageSend({ queueId: queue.id, messages: ms, dedupWindowMs: 300_000 }));
        // 2 000 FIFO groups of 10
        const fs = ms.map((m, j) => ({ ...m, groupId: `g${i}`, dedupId: `d${i}-${j}` }));
        batches.push(e.messageSend({ queueId: fq.id, messages: fs, dedupWindowMs: 300_000 }));
      }
      await Promise.all(batches);
      clock.advance(1);
      // Lock most FIFO groups (one message in flight each), then time receives.
      for (let i = 0; i < 150; i++) await e.messageReceive({ queueId: fq.id, maxMessages: 1, visibilityTimeoutMs: 60_000, attemptWindowMs: 1 });
      const t0 = performance.now();
      for (let i = 0; i < 100; i++) {
        const s = await e.messageReceive({ queueId: queue.id, maxMessages: 10, visibilityTimeoutMs: 60_000, attemptWindowMs: 1 });
        assert.equal(s.messages.length, 10);
        const f = await e.messageReceive({ queueId: fq.id, maxMessages: 10, visibilityTimeoutMs: 60_000, attemptWindowMs: 1 });
        assert.equal(f.messages.length, 10);
      }
      const perReceive = (performance.now() - t0) / 200;
      // Dominated by the fsync of each commit; a scan of 20 000 rows would be several ms more.
      assert.ok(perReceive < 50, `receive took ${perReceive.toFixed(2)} ms`);
      const st = await e.queueStats(queue.id);
      assert.deepEqual(st, { visible: 19_000, inflight: 1_000, delayed: 0 });
    });
  });

  it('acknowledged writes survive kill -9', { timeout: 20_000 }, async () => {
    const dir = await tempDir();
    const path = join(dir, 'ferry.db');
    const engineUrl = new URL('../../src/storage/sqlite/index.js', import.meta.url).href;
    const clockUrl = new URL('../../src/core/clock.js', import.meta.url).href;
    const randomUrl = new URL('../../src/core/random.js', import.meta.url).href;
    // The child sends messages one by one, printing each id once its promise resolved, and is
    // killed with SIGKILL after 30 acknowledgements while more writes are in progress.
    const child = `
      const { SqliteEngine } = await import(${JSON.stringify(engineUrl)});
      const { ManualClock } = await import(${JSON.stringify(clockUrl)});
      const { SeededRandom } = await import(${JSON.stringify(randomUrl)});
      const e = new SqliteEngine({ path: ${JSON.stringify(path)}, clock: new ManualClock(), random: new SeededRandom('child') });
      await e.init();
      const { queue } = await e.queueCreate({ accountId: '000000000000', name: 'k', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
      for (let i = 0; ; i++) {
        const p = { messageId: 'm' + i, body: 'b' + i, md5OfBody: '0', messageAttributes: {}, systemAttributes: {}, delayMs: 0, senderId: 's' };
        await e.messageSend({ queueId: queue.id, messages: [p], dedupWindowMs: 1 });
        process.stdout.write('m' + i + '\\n');
      }`;
    const proc = spawn(process.execPath, ['--input-type=module', '-e', child], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acked: string[] = [];
    const exited = new Promise<void>((r) => proc.on('exit', () => r()));
    for await (const line of createInterface({ input: proc.stdout! })) {
      acked.push(line);
      if (acked.length === 30) proc.kill('SIGKILL');
    }
    await exited;
    assert.ok(acked.length >= 30);
    const e = new SqliteEngine({ path, clock: new ManualClock(), random: new SeededRandom('parent') });
    await e.init();
    try {
      const q = await e.queueGetByName('000000000000', 'k');
      assert.ok(q);
      const got = new Set<string>();
      for (;;) {
        const r = await e.messageReceive({ queueId: q.id, maxMessages: 10, visibilityTimeoutMs: 60_000, attemptWindowMs: 1 });
        if (!r.messages.length) break;
        for (const m of r.messages) got.add(m.messageId);
      }
      for (const id of acked) assert.ok(got.has(id), `acknowledged ${id} lost`);
    } finally {
      await e.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('SQLITE_BUSY becomes Unavailable and the engine recovers', async () => {
    const dir = await tempDir();
    const path = join(dir, 'ferry.db');
    const e = new SqliteEngine({ path, clock: new ManualClock(), random: new SeededRandom('busy'), busyTimeoutMs: 20 });
    await e.init();
    try {
      const { queue } = await e.queueCreate({ accountId: '000000000000', name: 'b', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
      const release = holdWriteLock(path);
      try {
        const rs = await Promise.allSettled([
          e.messageSend({ queueId: queue.id, messages: [msg('x')], dedupWindowMs: 1 }),
          e.queueTag(queue.id, { a: 'b' }),
        ]);
        for (const r of rs) {
          assert.equal(r.status, 'rejected');
          assert.ok(isDomainError((r as PromiseRejectedResult).reason, 'Unavailable'), String((r as PromiseRejectedResult).reason));
        }
      } finally {
        release();
      }
      await e.messageSend({ queueId: queue.id, messages: [msg('y')], dedupWindowMs: 1 });
      assert.equal((await e.queueStats(queue.id)).visible, 1);
      assert.deepEqual({ ...(await e.queueGetById(queue.id))!.tags }, {});
    } finally {
      await e.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('wake listeners run outside the transaction and may write', async () => {
    await withEngine(async (e) => {
      const { queue } = await e.queueCreate({ accountId: '000000000000', name: 'w', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
      const writes: Array<Promise<unknown>> = [];
      e.onWake(() => {
        writes.push(e.queueTag(queue.id, { woke: 'yes' }));
        throw new Error('a failing listener must not break the engine');
      });
      await e.messageSend({ queueId: queue.id, messages: [msg('x')], dedupWindowMs: 1 });
      await new Promise((r) => setImmediate(r));
      await Promise.all(writes);
      assert.equal((await e.queueGetById(queue.id))!.tags['woke'], 'yes');
    });
  });
});

describe('sqlite engine: the OverLimit check counts only when its bound does not decide (inflight.ts)', () => {
  const ACC = '000000000000';
  /** Exact counts (SQL.inflightCount) the engine has run. */
  const counts = (e: SqliteEngine): number => (e as unknown as { ctx: EngineContext }).ctx.inflight.counts;
  const receive = (e: SqliteEngine, queueId: string, max: number, visMs: number, maxInflight?: number) =>
    e.messageReceive({ queueId, maxMessages: max, visibilityTimeoutMs: visMs, attemptWindowMs: 0, maxInflight });
  const overLimit = (p: Promise<unknown>, step: string) => assert.rejects(p, (err: unknown) => isDomainError(err, 'OverLimit'), step);
  const fill = async (e: SqliteEngine, name: string, n: number) => {
    const { queue } = await e.queueCreate({ accountId: ACC, name, fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
    for (let i = 0; i < n; i += 10) {
      await e.messageSend({ queueId: queue.id, messages: Array.from({ length: 10 }, (_, j) => msg(`${name}-${i + j}`)), dedupWindowMs: 1 });
    }
    return queue;
  };

  it('short polls of a deep queue count once, then decide from the bound until it reaches the limit', async () => {
    await withEngine(async (e) => {
      const q = await fill(e, 'deep', 100);
      for (let i = 0; i < 5; i++) assert.equal((await receive(e, q.id, 10, 60_000)).messages.length, 10); // 50 in flight
      const before = counts(e);
      for (let i = 0; i < 20; i++) assert.equal((await receive(e, q.id, 1, 60_000, 120_000)).messages.length, 1);
      assert.equal(counts(e) - before, 1, 'one exact count for 20 short polls far below the limit');
      // 70 in flight: the bound (50 counted + 20 claims) reaches a limit of 70, so the engine counts.
      await overLimit(receive(e, q.id, 1, 60_000, 70), 'OverLimit at 70');
      // Counted twice: the item's throw rolls the batch back (which drops the bounds) and the re-run counts.
      assert.equal(counts(e) - before, 3);
      assert.equal((await receive(e, q.id, 1, 60_000, 71)).messages.length, 1);
      await overLimit(receive(e, q.id, 1, 60_000, 71), 'OverLimit at 71 after one more claim');
      // A count stopped at its cap (10 of 71) is no bound for a higher limit.
      await overLimit(receive(e, q.id, 1, 60_000, 10), 'OverLimit at 10');
      await overLimit(receive(e, q.id, 1, 60_000, 71), 'OverLimit at 71 after a capped count');
      assert.equal((await receive(e, q.id, 1, 60_000, 72)).messages.length, 1);
    });
  });

  it('a clock that goes back puts lapsed messages back in flight: the engine counts again', async () => {
    await withEngine(async (e, clock) => {
      const q = await fill(e, 'back', 10);
      const t0 = clock.now();
      assert.equal((await receive(e, q.id, 3, 10_000)).messages.length, 3);
      clock.advance(10_000); // lapsed
      assert.equal((await receive(e, q.id, 1, 0, 1)).messages.length, 1); // 0 in flight: bound 0 at t0 + 10 s
      // The three deadlines and the probe's (t0 + 10 s) are in the future again.
      clock.set(t0 + 5_000);
      await overLimit(receive(e, q.id, 1, 0, 4), 'OverLimit after the clock went back');
      assert.equal((await receive(e, q.id, 1, 0, 5)).messages.length, 1);
    });
  });

  it('another connection writing the same file invalidates the bounds (PRAGMA data_version)', async () => {
    await withEngine(async (e, clock, path) => {
      const q = await fill(e, 'shared', 10);
      assert.equal((await receive(e, q.id, 2, 60_000)).messages.length, 2);
      await overLimit(receive(e, q.id, 1, 60_000, 2), 'OverLimit at 2');
      assert.equal((await receive(e, q.id, 1, 0, 3)).messages.length, 1); // bound 2
      const other = new SqliteEngine({ path, clock, random: new SeededRandom('other') });
      await other.init();
      try {
        assert.equal((await receive(other, q.id, 3, 60_000)).messages.length, 3); // 5 in flight
      } finally {
        await other.close();
      }
      await overLimit(receive(e, q.id, 1, 60_000, 3), 'OverLimit at 3: the other connection claimed 3 more');
      await overLimit(receive(e, q.id, 1, 60_000, 5), 'OverLimit at 5');
      assert.equal((await receive(e, q.id, 1, 60_000, 6)).messages.length, 1);
    });
  });

  it('a rolled-back batch drops the bounds its items learnt: the re-run counts again', async () => {
    await withEngine(async (e) => {
      const q = await fill(e, 'rolled', 10);
      assert.equal((await receive(e, q.id, 3, 60_000)).messages.length, 3); // 3 in flight, no bound yet
      const before = counts(e);
      // One batch (same turn): the first item counts inside the batch transaction; the second throws,
      // so the whole batch is rolled back and re-run item by item under savepoints.
      const ok = receive(e, q.id, 1, 60_000, 100);
      const bad = receive(e, 'no-such-queue', 1, 60_000, 100);
      assert.equal((await ok).messages.length, 1);
      await assert.rejects(bad, (err: unknown) => isDomainError(err, 'QueueNotFound'));
      // A count taken in a transaction that was rolled back may have seen undone writes: the bound it
      // set must not decide the re-run (counted once per attempt).
      assert.equal(counts(e) - before, 2, 'the re-run counted again');
      await overLimit(receive(e, q.id, 1, 60_000, 4), 'OverLimit at 4: 4 in flight');
      assert.equal((await receive(e, q.id, 1, 60_000, 5)).messages.length, 1);
    });
  });
});
