/**
 * The PostgreSQL engine's group commit (src/storage/postgres/groupCommit.ts) against a real database:
 * concurrent standard sends, deletes, visibility changes and receives of one process are combined into shared
 * statements, with exactly the outcome of running the calls one after the other (compared with the
 * same calls awaited one by one on an engine without combining, on the same test clock and seed), in
 * bounded batches, and one failing member (a missing queue, a body PostgreSQL refuses) fails alone.
 *
 * Needs FERRY_TEST_DATABASE_URL (scripts/test.mjs starts a throwaway cluster and sets it); skipped
 * without it.
 */

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import { ManualClock } from '../../src/core/clock.js';
import { SeededRandom } from '../../src/core/random.js';
import { isDomainError } from '../../src/errors/domain.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import { PostgresEngine } from '../../src/storage/postgres/index.js';
import { dropSchema, listSchemas } from '../helpers/postgres.js';
import { msg } from './fixtures.js';

const URL_ = process.env.FERRY_TEST_DATABASE_URL;
const PREFIX = `ferry_c${process.pid}_gc`;
let n = 0;

type Outcome = { ok: unknown } | { error: string };

/** A call's outcome in comparable form: the value, or the error's code (DomainError) or SQLSTATE. */
async function outcome(p: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: await p };
  } catch (e) {
    if (isDomainError(e)) return { error: e.kind };
    return { error: `sql:${String((e as { code?: unknown }).code)}` };
  }
}

/** Run `calls` at once (combined on a grouping engine) or one after the other (awaited in turn). */
async function runCalls(calls: Array<() => Promise<unknown>>, together: boolean): Promise<Outcome[]> {
  if (together) return Promise.all(calls.map((c) => outcome(c())));
  const out: Outcome[] = [];
  for (const c of calls) out.push(await outcome(c()));
  return out;
}

describe('postgres group commit', { skip: URL_ ? undefined : 'FERRY_TEST_DATABASE_URL is not set' }, () => {
  const url = URL_!;
  after(async () => {
    for (const s of await listSchemas(url, PREFIX)) await dropSchema(url, s);
  });

  /** One engine on a fresh schema and a manual clock; closed and dropped after `fn`. */
  async function withEngine<T>(grouping: boolean, fn: (e: PostgresEngine, clock: ManualClock, other: PostgresEngine) => Promise<T>): Promise<T> {
    const schema = `${PREFIX}${++n}`;
    const clock = new ManualClock();
    const make = (seed: string) =>
      new PostgresEngine({
        url,
        schema,
        poolSize: 6,
        clock,
        random: new SeededRandom(seed),
        timeSource: { clock },
        groupCommitInFlight: grouping ? 1 : 0,
      });
    const e = make('group-commit');
    // Another node on the same schema (deletes a queue this one still believes in).
    const other = make('other');
    await e.init();
    await other.init();
    try {
      return await fn(e, clock, other);
    } finally {
      await e.close();
      await other.close();
      await dropSchema(url, schema);
    }
  }

  /**
   * Queues a, b (standard) and gone (deleted before the calls); concurrent sends, then visibility
   * changes, then deletes, each phase's calls interleaving queues and including calls that fail alone.
   * Returns every call's outcome and the final state, with row refs replaced by message ids.
   */
  async function scenario(e: StorageEngine, clock: ManualClock, other: StorageEngine, together: boolean): Promise<unknown> {
    const mk = async (name: string) =>
      (await e.queueCreate({ accountId: '000000000000', name, fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 })).queue.id;
    const a = await mk('a');
    const b = await mk('b');
    const gone = await mk('gone');
    // This node knows `gone` is a standard queue; another node deletes it: its calls reach the
    // combined statements, which find the queue missing.
    await e.messageSend({ queueId: gone, messages: [msg('warm')], dedupWindowMs: 0 });
    await other.queueDelete(gone);

    const send =
      (q: string, ...bodies: string[]) =>
      () =>
        e.messageSend({ queueId: q, messages: bodies.map((x) => msg(x, x.startsWith('late') ? { delayMs: 10_000 } : {})), dedupWindowMs: 0 });
    const sends = await runCalls(
      [
        send(a, 'a1', 'a2'),
        send(b, 'b1'),
        send(gone, 'g1'),
        send(a, 'a3'),
        send(b, 'b2', 'b3'),
        send(a, 'late1'),
        send(a, 'a4', 'a5'),
        send(b, 'b4'),
      ],
      together,
    );

    // Receive everything deliverable; the order shows the order the messages were stored in.
    const recv = async (q: string) =>
      (await e.messageReceive({ queueId: q, maxMessages: 10, visibilityTimeoutMs: 30_000, attemptWindowMs: 0 })).messages;
    const ra = await recv(a);
    const rb = await recv(b);
    const ref = new Map([...ra, ...rb].map((m) => [m.body, { ref: m.ref, receiptToken: m.receiptToken }]));
    const r = (body: string) => ref.get(body)!;
    clock.advance(1_000);

    const vis = (q: string, entries: Array<[string, number]>) => () =>
      e.visibilityChange({ queueId: q, entries: entries.map(([body, ms]) => ({ ...r(body), visibilityTimeoutMs: ms })), maxTotalMs: 43_200_000 });
    const changes = await runCalls(
      [
        vis(b, [['b2', 1_000]]), // combined with the others
        vis(a, [['a1', 0]]),
        vis(a, [['a1', 60_000]]), // a1 was made visible by the call before (a standard queue still accepts this)
        vis(b, [['a2', 5_000]]), // a message of another queue
        vis(gone, [['b1', 5_000]]),
        vis(a, [['a2', 43_200_000]]), // beyond receivedAt + 12 h: VisibilityLimitExceeded
        vis(a, [
          ['a3', 10_000],
          ['a3', 20_000],
        ]),
        vis(b, [['b1', 0]]),
        vis(b, [['b2', 90_000]]),
      ],
      together,
    );

    const del =
      (q: string, bodies: string[], bad = false) =>
      () =>
        e.messageDelete({ queueId: q, receipts: [...bodies.map(r), ...(bad ? [{ ref: 'not-a-ref', receiptToken: 'x' }] : [])] });
    const deletes = await runCalls(
      [del(a, ['a5']), del(a, ['a2', 'a3']), del(a, ['a2']), del(b, ['a4', 'b3']), del(gone, ['b4']), del(b, ['b4'], true)],
      together,
    );

    const stats = { a: await e.queueStats(a), b: await e.queueStats(b) };
    clock.advance(200_000);
    const left = { a: (await recv(a)).map((m) => [m.body, m.receiveCount]), b: (await recv(b)).map((m) => [m.body, m.receiveCount]) };
    return { sends, received: { a: ra.map((m) => m.body), b: rb.map((m) => m.body) }, changes, deletes, stats, left };
  }

  it('sends, visibility changes and deletes: combined calls have the outcome of one-after-the-other', async () => {
    const serial = await withEngine(false, (e, clock, other) => scenario(e, clock, other, false));
    let stats: PostgresEngine['groupCommitStats'] | undefined;
    const combined = await withEngine(true, async (e, clock, other) => {
      const r = await scenario(e, clock, other, true);
      stats = e.groupCommitStats;
      return r;
    });
    assert.deepEqual(combined, serial);
    // The calls really were combined (the calls of each phase share batches).
    assert.ok(stats!.send.largest >= 7, `largest send batch ${stats!.send.largest}`);
    assert.ok(stats!.visibility.largest >= 7, `largest visibility batch ${stats!.visibility.largest}`);
    assert.ok(stats!.delete.largest >= 5, `largest delete batch ${stats!.delete.largest}`);
    // And the outcome is the expected one, not merely the same on both.
    const s = serial as { sends: Outcome[]; changes: Outcome[]; deletes: Outcome[]; received: { a: string[] } };
    assert.deepEqual(s.sends[2], { error: 'QueueNotFound' });
    assert.deepEqual(s.received.a, ['a1', 'a2', 'a3', 'a4', 'a5']);
    assert.deepEqual(s.changes[3], { ok: [{ ok: false, error: 'ReceiptInvalid' }] });
    assert.deepEqual(s.changes[4], { error: 'QueueNotFound' });
    assert.deepEqual(s.changes[5], { ok: [{ ok: false, error: 'VisibilityLimitExceeded' }] });
    assert.deepEqual(s.deletes[4], { error: 'QueueNotFound' });
  });

  /**
   * FIFO queues f and h (and fgone, deleted by the other node): messages in groups g1–g3, all received
   * (one group per receive, in order), then concurrent visibility changes and then concurrent deletes
   * mixing queues, a repeated receipt
   * (within a call and across calls), a stale receipt token, a receipt of another queue and the missing
   * queue. Then what is left is received again: group order must hold after the combined deletes.
   */
  async function fifoScenario(e: StorageEngine, clock: ManualClock, other: StorageEngine, together: boolean): Promise<unknown> {
    const mk = async (name: string) =>
      (await e.queueCreate({ accountId: '000000000000', name, fifo: true, attributes: {}, tags: {}, reuseDelayMs: 0 })).queue.id;
    const f = await mk('f.fifo');
    const h = await mk('h.fifo');
    const fgone = await mk('fgone.fifo');
    const fifoMsg = (body: string, group: string) => msg(body, { groupId: group, dedupId: body });
    const sendAll = async (q: string, prefix: string) => {
      for (const g of ['g1', 'g2', 'g3'])
        await e.messageSend({ queueId: q, messages: [1, 2, 3].map((i) => fifoMsg(`${prefix}${g}-${i}`, g)), dedupWindowMs: 300_000 });
    };
    await sendAll(f, 'f');
    await sendAll(h, 'h');
    await e.messageSend({ queueId: fgone, messages: [fifoMsg('x', 'g1')], dedupWindowMs: 300_000 });
    const recvAll = async (q: string) => {
      const got: Array<{ body: string; ref: string; receiptToken: string }> = [];
      for (let i = 0; i < 4; i++)
        got.push(...(await e.messageReceive({ queueId: q, maxMessages: 2, visibilityTimeoutMs: 30_000, attemptWindowMs: 0 })).messages);
      return got;
    };
    const rf = await recvAll(f);
    const rh = await recvAll(h);
    const gf = await recvAll(fgone);
    await other.queueDelete(fgone);
    const ref = new Map([...rf, ...rh, ...gf].map((m) => [m.body, { ref: m.ref, receiptToken: m.receiptToken }]));
    const r = (body: string) => ref.get(body)!;
    clock.advance(1_000);

    // Visibility changes first: release, extend, a change after an earlier call's release, a stale
    // token, another queue's receipt, the missing queue, beyond the 12 h limit.
    const vis = (q: string, entries: Array<[{ ref: string; receiptToken: string }, number]>) => () =>
      e.visibilityChange({ queueId: q, entries: entries.map(([x, ms]) => ({ ...x, visibilityTimeoutMs: ms })), maxTotalMs: 43_200_000 });
    const changes = await runCalls(
      [
        vis(f, [[r('fg3-1'), 40_000]]), // combined with the others
        vis(f, [[r('fg3-2'), 0]]), // released: the group's in-flight hold ends with it
        vis(f, [[r('fg3-2'), 50_000]]), // after the release above
        vis(h, [
          [r('hg3-1'), 45_000],
          [r('hg3-1'), 0],
        ]),
        vis(h, [[{ ...r('hg3-2'), receiptToken: 'stale' }, 5_000]]),
        vis(f, [[r('hg3-2'), 5_000]]), // a message of another queue
        vis(fgone, [[r('x'), 5_000]]),
        vis(h, [[r('hg3-2'), 43_200_000]]), // beyond receivedAt + 12 h
      ],
      together,
    );

    const del = (q: string, entries: Array<{ ref: string; receiptToken: string }>) => () => e.messageDelete({ queueId: q, receipts: entries });
    const deletes = await runCalls(
      [
        del(f, [r('fg1-1')]), // combined with the others
        del(f, [r('fg1-2'), r('fg2-1')]),
        del(h, [r('hg1-1'), r('hg1-1')]), // the same receipt twice in one call
        del(f, [r('fg1-2')]), // deleted by an earlier call
        del(f, [{ ...r('fg2-2'), receiptToken: 'stale' }]),
        del(h, [r('fg2-2')]), // a message of another queue
        del(fgone, [r('x')]),
        del(h, [r('hg1-2'), r('hg2-1'), r('hg2-2')]),
        del(f, [r('fg2-2')]),
      ],
      together,
    );
    const stats = { f: await e.queueStats(f), h: await e.queueStats(h) };
    clock.advance(60_000); // every receipt expired: what was not deleted comes back, in group order
    const left = { f: (await recvAll(f)).map((m) => m.body), h: (await recvAll(h)).map((m) => m.body) };
    return { received: { f: rf.map((m) => m.body), h: rh.map((m) => m.body) }, changes, deletes, stats, left };
  }

  it('FIFO visibility changes and deletes: combined calls (one transaction) have the outcome of one-after-the-other', async () => {
    const serial = await withEngine(false, (e, clock, other) => fifoScenario(e, clock, other, false));
    let stats: PostgresEngine['groupCommitStats'] | undefined;
    const combined = await withEngine(true, async (e, clock, other) => {
      const r = await fifoScenario(e, clock, other, true);
      stats = e.groupCommitStats;
      return r;
    });
    assert.deepEqual(combined, serial);
    assert.ok(stats!.fifoDelete.largest >= 6, `largest FIFO delete batch ${stats!.fifoDelete.largest}`);
    assert.ok(stats!.fifoVisibility.largest >= 6, `largest FIFO visibility batch ${stats!.fifoVisibility.largest}`);
    const s = serial as { changes: Outcome[]; deletes: Outcome[]; left: { f: string[]; h: string[] }; received: { f: string[] } };
    assert.deepEqual(s.changes[2], { ok: [{ ok: false, error: 'MessageNotInflight' }] }); // released by the call before
    assert.deepEqual(s.changes[3], { ok: [{ ok: true }, { ok: true }] });
    assert.deepEqual(s.changes[4], { ok: [{ ok: false, error: 'ReceiptInvalid' }] });
    assert.deepEqual(s.changes[5], { ok: [{ ok: false, error: 'ReceiptInvalid' }] });
    assert.deepEqual(s.changes[6], { error: 'QueueNotFound' });
    assert.deepEqual(s.changes[7], { ok: [{ ok: false, error: 'VisibilityLimitExceeded' }] });
    assert.deepEqual(s.received.f, ['fg1-1', 'fg1-2', 'fg2-1', 'fg2-2', 'fg3-1', 'fg3-2']);
    assert.deepEqual(s.deletes[1], { ok: [{ ok: true }, { ok: true }] });
    assert.deepEqual(s.deletes[3], { ok: [{ ok: false, error: 'ReceiptInvalid' }] }); // fg1-2: deleted by call 1
    assert.deepEqual(s.deletes[4], { ok: [{ ok: false, error: 'ReceiptInvalid' }] }); // a stale token
    assert.deepEqual(s.deletes[6], { error: 'QueueNotFound' });
    assert.deepEqual(s.deletes[8], { ok: [{ ok: true }] });
    // Deleted: fg1-1, fg1-2, fg2-1, fg2-2 and hg1-1, hg1-2, hg2-1, hg2-2; every group resumes in order.
    assert.deepEqual(s.left, { f: ['fg1-3', 'fg2-3', 'fg3-1', 'fg3-2'], h: ['hg1-3', 'hg2-3', 'hg3-1', 'hg3-2'] });
  });

  /**
   * Standard receives (receive.receiveStandardMany): concurrent calls on one queue with different
   * MaxNumberOfMessages and visibility timeouts, fewer messages than asked (nextVisibleAt of the short
   * calls), a deleted queue, one member failing with OverLimit, and candidates that must not be
   * delivered (past retention, due for the dead-letter queue) in the middle of a batch. Receipt tokens
   * are compared by shape only (a combined batch draws its tokens up front; see the test below).
   */
  async function receiveScenario(e: StorageEngine, clock: ManualClock, other: StorageEngine, together: boolean): Promise<unknown> {
    const mk = async (name: string, attributes: Record<string, string> = {}) =>
      (await e.queueCreate({ accountId: '000000000000', name, fifo: false, attributes, tags: {}, reuseDelayMs: 0 })).queue.id;
    const dlq = await mk('dlq');
    const a = await mk('a');
    const r = await mk('r', {
      MessageRetentionPeriod: '60',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:dlq', maxReceiveCount: 2 }),
    });
    const gone = await mk('gone');
    await e.messageSend({ queueId: gone, messages: [msg('warm')], dedupWindowMs: 0 });
    await other.queueDelete(gone);
    const names = new Map([[dlq, 'dlq']]);
    const send = (q: string, bodies: string[], delayMs = 0) =>
      e.messageSend({ queueId: q, messages: bodies.map((x) => msg(x, { delayMs })), dedupWindowMs: 0 });
    const tokens: string[] = [];
    const recv = (q: string, max: number, visMs: number, maxInflight?: number) => async () => {
      const res = await e.messageReceive({ queueId: q, maxMessages: max, visibilityTimeoutMs: visMs, attemptWindowMs: 0, maxInflight });
      tokens.push(...res.messages.map((m) => m.receiptToken));
      return {
        messages: res.messages.map((m) => [m.body, m.receiveCount, m.firstReceivedAt]),
        next: res.nextVisibleAt === undefined ? undefined : res.nextVisibleAt - clock.now(),
        dead: res.deadLettered?.map((d) => [d.messageId, names.get(d.targetQueueId)]),
      };
    };
    const t0 = clock.now();

    // r: o1 will be past retention, d1 and d2 due for the dead-letter queue (received twice).
    await send(r, ['o1']);
    clock.advance(1_000);
    await send(r, ['d1', 'd2']);
    await recv(r, 10, 1_000)();
    clock.advance(2_000);
    await recv(r, 10, 1_000)();
    // Fresh messages f1–f7 come before o1, d1, d2 (visible again 1 s after them), g1 and g2 after them.
    await send(r, ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7']);
    await send(r, ['g1', 'g2'], 2_000);
    clock.advance(t0 + 60_500 - clock.now()); // o1 (sent at t0) is now past its 60 s retention; the others are not

    // a: seven deliverable messages and one delayed by 15 s.
    await send(a, ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7']);
    await send(a, ['late'], 15_000);

    // The calls reach the combiner in call order only when their queue records come from the process
    // cache (a cache miss is a query of its own, and those return in any order).
    const warm = () => Promise.all([a, r].map((q) => e.queueGetById(q)));
    await warm();
    const first = await runCalls(
      [
        recv(a, 3, 30_000), // the calls of a are combined
        recv(a, 2, 10_000),
        recv(a, 4, 20_000), // short: 2 of 4; nextVisibleAt is a2's call's deadline (10 s), before late (15 s)
        recv(a, 1, 40_000), // nothing left
        recv(gone, 2, 5_000), // a queue deleted by another node
        recv(gone, 3, 5_000),
        recv(r, 2, 30_000), // f1, f2
        recv(r, 3, 30_000), // f3–f5
        recv(r, 4, 30_000), // f6, f7, then o1 (expired) and d1 (due): o1 deleted, d1 and d2 moved, g1 and g2 fill it up
        recv(r, 2, 30_000), // nothing left
        recv(r, 1, 30_000),
      ],
      together,
    );

    // One member fails: with 7 in flight, the third call's limit (9) is reached after the first two.
    await send(a, ['b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8']);
    await warm();
    const second = await runCalls(
      [
        recv(a, 1, 30_000),
        recv(a, 2, 30_000, 100),
        recv(a, 2, 30_000, 9), // OverLimit (7 + 1 + 2 in flight)
        recv(a, 1, 30_000),
      ],
      together,
    );
    // Limits far away: the calls with maxInflight are combined like the others.
    await warm();
    const third = await runCalls([recv(a, 1, 30_000), recv(a, 1, 30_000, 120_000), recv(a, 2, 30_000, 120_000), recv(a, 1, 30_000)], together);

    const stats = { a: await e.queueStats(a), r: await e.queueStats(r), dlq: await e.queueStats(dlq) };
    clock.advance(100_000);
    const left = { a: await recv(a, 10, 30_000)(), dlq: await recv(dlq, 10, 30_000)() };
    assert.equal(new Set(tokens).size, tokens.length, 'every delivery has its own receipt token');
    assert.ok(tokens.every((t) => /^[0-9a-f]{32}$/.test(t)));
    return { first, second, third, stats, left };
  }

  it('standard receives: combined calls have the outcome of one-after-the-other', async () => {
    const serial = await withEngine(false, (e, clock, other) => receiveScenario(e, clock, other, false));
    let stats: PostgresEngine['groupCommitStats'] | undefined;
    const combined = await withEngine(true, async (e, clock, other) => {
      const r = await receiveScenario(e, clock, other, true);
      stats = e.groupCommitStats;
      return r;
    });
    assert.deepEqual(combined, serial);
    assert.ok(stats!.receive.largest >= 3, `largest receive batch ${stats!.receive.largest}`);
    // And the outcome is the expected one, not merely the same on both.
    type R = { ok: { messages: Array<[string, number, number]>; next?: number; dead?: string[][] } };
    const s = serial as { first: Array<R | Outcome>; second: Array<R | Outcome>; third: Array<R | Outcome> };
    const bodies = (o: R | Outcome) => (o as R).ok.messages.map((m) => m[0]);
    assert.deepEqual(s.first.slice(0, 4).map(bodies), [['a1', 'a2', 'a3'], ['a4', 'a5'], ['a6', 'a7'], []]);
    assert.equal((s.first[2] as R).ok.next, 10_000);
    assert.equal((s.first[3] as R).ok.next, 10_000);
    assert.deepEqual(s.first[4], { error: 'QueueNotFound' });
    assert.deepEqual(s.first[5], { error: 'QueueNotFound' });
    assert.deepEqual(s.first.slice(6).map(bodies), [['f1', 'f2'], ['f3', 'f4', 'f5'], ['f6', 'f7', 'g1', 'g2'], [], []]);
    assert.deepEqual((s.first[8] as R).ok.dead, [
      ['id-d1', 'dlq'],
      ['id-d2', 'dlq'],
    ]);
    assert.deepEqual(
      s.second.map((o) => ('error' in o ? o.error : bodies(o))),
      [['b1'], ['b2', 'b3'], 'OverLimit', ['b4']],
    );
    assert.deepEqual(s.third.map(bodies), [['b5'], ['b6'], ['b7', 'b8'], []]);
  });

  it('standard receives: a lone call goes alone; batches stay bounded; nothing is delivered twice', async () => {
    await withEngine(true, async (e) => {
      const { queue } = await e.queueCreate({ accountId: '000000000000', name: 'q', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
      const bodies = Array.from({ length: 500 }, (_, i) => `m${i}`);
      for (let i = 0; i < bodies.length; i += 10)
        await e.messageSend({ queueId: queue.id, messages: bodies.slice(i, i + 10).map((b) => msg(b)), dedupWindowMs: 0 });
      const rc = (max: number) => e.messageReceive({ queueId: queue.id, maxMessages: max, visibilityTimeoutMs: 30_000, attemptWindowMs: 0 });
      await e.queueGetById(queue.id); // from the cache: the calls reach the combiner in call order
      const lone = await rc(10);
      assert.deepEqual(e.groupCommitStats.receive, { batches: 1, largest: 1 });
      // 40 calls of 10 at once: at most 100 messages asked for per batch (10 calls), so at least 4 batches after the lone one.
      const many = await Promise.all(Array.from({ length: 40 }, () => rc(10)));
      const st = e.groupCommitStats.receive;
      assert.ok(st.largest <= 10 && st.largest >= 5, `largest batch ${st.largest} calls`);
      assert.ok(st.batches >= 1 + 4, `${st.batches} batches`);
      const got = [lone, ...many].flatMap((r) => r.messages.map((m) => m.body));
      assert.equal(got.length, 410);
      assert.equal(new Set(got).size, 410);
      assert.deepEqual(got.slice(0, 10), bodies.slice(0, 10));
      // In arrival order: each call's messages follow the previous call's.
      assert.deepEqual(got, bodies.slice(0, 410));
    });
  });

  it('a send whose body PostgreSQL refuses fails alone; the calls combined with it are stored', async () => {
    await withEngine(true, async (e) => {
      const { queue } = await e.queueCreate({ accountId: '000000000000', name: 'q', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
      await e.messageSend({ queueId: queue.id, messages: [msg('first')], dedupWindowMs: 0 });
      const before = e.groupCommitStats.send.batches;
      const out = await Promise.all(
        ['m1', 'm2', 'bad\u0000body', 'm3'].map((b) => outcome(e.messageSend({ queueId: queue.id, messages: [msg(b)], dedupWindowMs: 0 }))),
      );
      assert.deepEqual(
        out.map((o) => 'ok' in o),
        [true, true, false, true],
      );
      assert.match((out[2] as { error: string }).error, /^sql:/);
      assert.ok(e.groupCommitStats.send.batches - before >= 3, 'the failed batch was re-run member by member');
      const got = await e.messageReceive({ queueId: queue.id, maxMessages: 10, visibilityTimeoutMs: 30_000, attemptWindowMs: 0 });
      assert.deepEqual(
        got.messages.map((m) => m.body),
        ['first', 'm1', 'm2', 'm3'],
      );
    });
  });

  it('with combining off (groupCommitInFlight 0), concurrent calls each run alone', async () => {
    await withEngine(false, async (e) => {
      const { queue } = await e.queueCreate({ accountId: '000000000000', name: 'q', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
      await e.queueGetById(queue.id); // from the cache: the calls reach the group commit in the same turn
      await Promise.all(Array.from({ length: 20 }, (_, i) => e.messageSend({ queueId: queue.id, messages: [msg(`s${i}`)], dedupWindowMs: 0 })));
      const rc = () => e.messageReceive({ queueId: queue.id, maxMessages: 2, visibilityTimeoutMs: 30_000, attemptWindowMs: 0 });
      const got = await Promise.all(Array.from({ length: 5 }, rc));
      assert.equal(got.flatMap((r) => r.messages).length, 10);
      assert.deepEqual(e.groupCommitStats.send, { batches: 20, largest: 1 });
      assert.deepEqual(e.groupCommitStats.receive, { batches: 5, largest: 1 });
    });
  });

  it('batches stay bounded: by calls, and by body bytes', async () => {
    await withEngine(true, async (e) => {
      const { queue } = await e.queueCreate({ accountId: '000000000000', name: 'q', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
      await e.messageSend({ queueId: queue.id, messages: [msg('warm')], dedupWindowMs: 0 });
      let before = e.groupCommitStats.send.batches;
      await Promise.all(Array.from({ length: 450 }, (_, i) => e.messageSend({ queueId: queue.id, messages: [msg(`s${i}`)], dedupWindowMs: 0 })));
      let st = e.groupCommitStats.send;
      assert.ok(st.largest <= 200, `largest batch ${st.largest} calls`);
      assert.ok(st.batches - before >= 3, `${st.batches - before} batches for 450 calls`);
      // 30 calls of 600 KiB: at most 8 MiB of bodies per batch (the first of a batch always goes).
      before = st.batches;
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          e.messageSend({ queueId: queue.id, messages: [msg(`${i}:`.padEnd(600 * 1024, 'x'))], dedupWindowMs: 0 }),
        ),
      );
      st = e.groupCommitStats.send;
      // At most 13 per batch (8 MiB): at least 3 batches.
      assert.ok(st.batches - before >= 3, `${st.batches - before} batches for 30 × 600 KiB`);
      const stats = await e.queueStats(queue.id);
      assert.equal(stats.visible, 1 + 450 + 30);
    });
  });
});
