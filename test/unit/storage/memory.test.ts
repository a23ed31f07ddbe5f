/**
 * Focused unit tests of the memory engine (src/storage/memory). The shared storage contract suite
 * (test/storage-contract) covers the engine-independent semantics; these tests pin down the memory
 * engine's own structures: FIFO group locking, dedup windows, redrive, visibility, delay, retention,
 * receipt rules, move tasks and wake-ups, all on a ManualClock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ManualClock } from '../../../src/core/clock.js';
import { SeededRandom } from '../../../src/core/random.js';
import { isDomainError } from '../../../src/errors/domain.js';
import type { QueueRecord, ReceivedMessage, SendMessageParams } from '../../../src/storage/engine.js';
import { MemoryEngine } from '../../../src/storage/memory/index.js';

const ARN = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;

async function setup() {
  const clock = new ManualClock();
  const engine = new MemoryEngine({ clock, random: new SeededRandom('memory-test') });
  await engine.init();
  const create = async (name: string, attributes: Record<string, string> = {}): Promise<QueueRecord> =>
    (await engine.queueCreate({ accountId: '000000000000', name, fifo: name.endsWith('.fifo'), attributes, tags: {}, reuseDelayMs: 60_000 })).queue;
  let n = 0;
  const msg = (body: string, extra: Partial<SendMessageParams> = {}): SendMessageParams => ({
    messageId: `id-${++n}`,
    body,
    md5OfBody: 'md5',
    messageAttributes: {},
    systemAttributes: {},
    delayMs: 0,
    senderId: '000000000000',
    ...extra,
  });
  const send = (queueId: string, ...messages: SendMessageParams[]) => engine.messageSend({ queueId, messages, dedupWindowMs: 300_000 });
  const receive = async (queueId: string, maxMessages = 10, visibilityTimeoutMs = 30_000, more = {}) =>
    (await engine.messageReceive({ queueId, maxMessages, visibilityTimeoutMs, attemptWindowMs: 300_000, ...more })).messages;
  const bodies = (ms: ReceivedMessage[]) => ms.map((m) => m.body);
  const del = (queueId: string, ...ms: ReceivedMessage[]) =>
    engine.messageDelete({ queueId, receipts: ms.map((m) => ({ ref: m.ref, receiptToken: m.receiptToken })) });
  return { clock, engine, create, msg, send, receive, bodies, del };
}

const fifoMsg = (group: string, dedup: string) => ({ groupId: group, dedupId: dedup });

test('standard: send, receive oldest first, delete, stats', async () => {
  const { engine, create, msg, send, receive, bodies, del } = await setup();
  const q = await create('q1');
  const sent = await send(q.id, msg('a'), msg('b'), msg('c'));
  assert.deepEqual(
    sent.map((s) => [s.messageId, s.deduplicated, s.sequenceNumber]),
    [
      ['id-1', false, undefined],
      ['id-2', false, undefined],
      ['id-3', false, undefined],
    ],
  );
  assert.deepEqual(await engine.queueStats(q.id), { visible: 3, inflight: 0, delayed: 0 });
  const got = await receive(q.id, 2);
  assert.deepEqual(bodies(got), ['a', 'b']);
  assert.equal(got[0]!.receiveCount, 1);
  assert.ok(got[0]!.receiptToken.length >= 16);
  assert.notEqual(got[0]!.receiptToken, got[1]!.receiptToken);
  assert.deepEqual(await engine.queueStats(q.id), { visible: 1, inflight: 2, delayed: 0 });
  assert.deepEqual(await del(q.id, ...got), [{ ok: true }, { ok: true }]);
  assert.deepEqual(await engine.queueStats(q.id), { visible: 1, inflight: 0, delayed: 0 });
  assert.deepEqual(bodies(await receive(q.id)), ['c']);
});

test('standard: expired visibility redelivers before later messages, with a new receipt', async () => {
  const { clock, engine, create, msg, send, receive, bodies, del } = await setup();
  const q = await create('q1');
  await send(q.id, msg('a'));
  const [first] = await receive(q.id, 1, 10_000);
  await send(q.id, msg('b'));
  clock.advance(9_999);
  assert.deepEqual(bodies(await receive(q.id, 1, 10_000)), ['b']);
  const r = await engine.messageReceive({ queueId: q.id, maxMessages: 1, visibilityTimeoutMs: 1, attemptWindowMs: 0 });
  assert.equal(r.messages.length, 0);
  assert.equal(r.nextVisibleAt, clock.now() + 1, 'hint is the earliest deadline');
  clock.advance(1);
  const [again] = await receive(q.id, 1, 10_000);
  assert.equal(again!.body, 'a');
  assert.equal(again!.receiveCount, 2);
  assert.equal(again!.firstReceivedAt, first!.firstReceivedAt);
  assert.notEqual(again!.receiptToken, first!.receiptToken);
  // AWS: an older receipt of a standard-queue message still deletes it.
  assert.deepEqual(await del(q.id, first!), [{ ok: true }]);
  assert.deepEqual(await del(q.id, first!), [{ ok: true }], 'deleting a missing message is a no-op success');
  assert.deepEqual(await engine.queueStats(q.id), { visible: 0, inflight: 1, delayed: 0 });
});

test('delay: counted as delayed, delivered after the delay; hint points at the end', async () => {
  const { clock, engine, create, msg, send, receive, bodies } = await setup();
  const q = await create('q1');
  await send(q.id, msg('late', { delayMs: 5_000 }), msg('now'));
  assert.deepEqual(await engine.queueStats(q.id), { visible: 1, inflight: 0, delayed: 1 });
  const r = await engine.messageReceive({ queueId: q.id, maxMessages: 10, visibilityTimeoutMs: 60_000, attemptWindowMs: 0 });
  assert.deepEqual(bodies(r.messages), ['now']);
  assert.equal(r.nextVisibleAt, clock.now() + 5_000);
  clock.advance(5_000);
  assert.deepEqual(await engine.queueStats(q.id), { visible: 1, inflight: 1, delayed: 0 });
  assert.deepEqual(bodies(await receive(q.id)), ['late']);
});

test('retention: expired messages are never delivered or counted; sweep reports them', async () => {
  const { clock, engine, create, msg, send, receive } = await setup();
  const q = await create('q1', { MessageRetentionPeriod: '60' });
  await send(q.id, msg('a'), msg('b'));
  await receive(q.id, 1, 120_000);
  clock.advance(30_000);
  await send(q.id, msg('c'));
  clock.advance(30_000);
  assert.deepEqual(await engine.queueStats(q.id), { visible: 1, inflight: 0, delayed: 0 });
  assert.deepEqual(
    (await receive(q.id)).map((m) => m.body),
    ['c'],
  );
  clock.advance(60_000);
  assert.equal(await engine.sweep(), 1);
  assert.deepEqual(await engine.queueStats(q.id), { visible: 0, inflight: 0, delayed: 0 });
});

test('retention uses the current MessageRetentionPeriod', async () => {
  const { clock, engine, create, msg, send } = await setup();
  const q = await create('q1', { MessageRetentionPeriod: '345600' });
  await send(q.id, msg('a'));
  clock.advance(120_000);
  assert.equal((await engine.queueStats(q.id)).visible, 1);
  await engine.queueSetAttributes({ queueId: q.id, set: { MessageRetentionPeriod: '60' } });
  assert.equal((await engine.queueStats(q.id)).visible, 0);
});

test('visibility: change, zero, limit, not in flight, missing', async () => {
  const { clock, engine, create, msg, send, receive, bodies, del } = await setup();
  const q = await create('q1');
  await send(q.id, msg('a'), msg('b'));
  const [a, b] = await receive(q.id, 2, 30_000);
  const change = (m: ReceivedMessage, visibilityTimeoutMs: number) =>
    engine.visibilityChange({ queueId: q.id, entries: [{ ref: m.ref, receiptToken: m.receiptToken, visibilityTimeoutMs }], maxTotalMs: 43_200_000 });
  clock.advance(1_000);
  assert.deepEqual(await change(a!, 43_200_000), [{ ok: false, error: 'VisibilityLimitExceeded' }]);
  assert.deepEqual(await change(a!, 43_199_000), [{ ok: true }]);
  let woke = 0;
  engine.onWake(() => woke++);
  assert.deepEqual(await change(b!, 0), [{ ok: true }]);
  assert.equal(woke, 1, 'visibility 0 wakes listeners synchronously');
  // Visible again under its latest receipt: a new deadline hides it again (AWS, recorded 2024-04-30).
  assert.deepEqual(await change(b!, 10), [{ ok: true }]);
  assert.deepEqual(await receive(q.id), []);
  clock.advance(10);
  const [b2] = await receive(q.id);
  assert.equal(b2!.body, 'b');
  clock.advance(40_000);
  assert.deepEqual(bodies(await receive(q.id)), ['b'], 'a is still hidden by the extension');
  await del(q.id, a!);
  assert.deepEqual(await change(a!, 10), [{ ok: false, error: 'ReceiptInvalid' }]);
});

test('receive: OverLimit when maxInflight reached', async () => {
  const { engine, create, msg, send, receive } = await setup();
  const q = await create('q1');
  await send(q.id, msg('a'), msg('b'));
  await receive(q.id, 1);
  await assert.rejects(receive(q.id, 1, 30_000, { maxInflight: 1 }), (e) => isDomainError(e, 'OverLimit'));
  assert.equal((await receive(q.id, 1, 30_000, { maxInflight: 2 })).length, 1);
  void engine;
});

test('FIFO: one group at a time, in order; blocked while its head is in flight', async () => {
  const { clock, engine, create, msg, send, receive, bodies, del } = await setup();
  const q = await create('q.fifo');
  const sent = await send(
    q.id,
    msg('a1', fifoMsg('a', '1')),
    msg('b1', fifoMsg('b', '2')),
    msg('a2', fifoMsg('a', '3')),
    msg('b2', fifoMsg('b', '4')),
  );
  const seqs = sent.map((s) => s.sequenceNumber!);
  for (const s of seqs) assert.match(s, /^\d{20,}$/);
  for (let i = 1; i < seqs.length; i++) assert.ok(BigInt(seqs[i]!) > BigInt(seqs[i - 1]!));

  // One receive takes as many of one group as it can, then the next group.
  const all = await receive(q.id, 3);
  assert.deepEqual(bodies(all), ['a1', 'a2', 'b1']);
  assert.deepEqual(await receive(q.id), [], 'b is blocked by its head b1 in flight');
  await del(q.id, all[2]!);
  assert.deepEqual(bodies(await receive(q.id)), ['b2']);

  // Extending a1 (the head) keeps group a blocked even after a2's visibility expires.
  await engine.visibilityChange({
    queueId: q.id,
    entries: [{ ref: all[0]!.ref, receiptToken: all[0]!.receiptToken, visibilityTimeoutMs: 120_000 }],
    maxTotalMs: 43_200_000,
  });
  clock.advance(31_000);
  // a2's visibility expired but a1 is still in flight: only b2 (expired too) comes back.
  assert.deepEqual(bodies(await receive(q.id)), ['b2']);
  // Deleting a1 unlocks a: a2 (expired) is delivered again.
  let woke = 0;
  engine.onWake(() => woke++);
  assert.deepEqual(await del(q.id, all[0]!), [{ ok: true }]);
  assert.equal(woke, 1);
  const again = await receive(q.id);
  assert.deepEqual(bodies(again), ['a2']);
  assert.equal(again[0]!.receiveCount, 2);
});

test('FIFO: a stale or expired receipt is ReceiptInvalid', async () => {
  const { clock, engine, create, msg, send, receive, del } = await setup();
  const q = await create('q.fifo');
  await send(q.id, msg('a', fifoMsg('g', '1')));
  const [first] = await receive(q.id, 1, 10_000);
  clock.advance(10_000);
  assert.deepEqual(await del(q.id, first!), [{ ok: false, error: 'ReceiptInvalid' }], 'expired');
  const [second] = await receive(q.id, 1, 10_000);
  assert.deepEqual(await del(q.id, first!), [{ ok: false, error: 'ReceiptInvalid' }], 'stale token');
  assert.deepEqual(
    await engine.visibilityChange({
      queueId: q.id,
      entries: [{ ref: first!.ref, receiptToken: first!.receiptToken, visibilityTimeoutMs: 5 }],
      maxTotalMs: 43_200_000,
    }),
    [{ ok: false, error: 'ReceiptInvalid' }],
  );
  assert.deepEqual(await del(q.id, second!), [{ ok: true }]);
  assert.deepEqual(await del(q.id, second!), [{ ok: false, error: 'ReceiptInvalid' }], 'already deleted');
});

test('FIFO dedup: window, same batch, survives a delete, cleared by a purge, message-group scope', async () => {
  const { clock, engine, create, msg, send, receive, del } = await setup();
  const q = await create('q.fifo');
  const r = await send(q.id, msg('x', fifoMsg('g', 'd1')), msg('x again', fifoMsg('h', 'd1')));
  assert.equal(r[1]!.deduplicated, true);
  assert.equal(r[1]!.messageId, r[0]!.messageId);
  assert.equal(r[1]!.sequenceNumber, r[0]!.sequenceNumber);
  const got = await receive(q.id);
  assert.equal(got.length, 1);
  await del(q.id, ...got);
  clock.advance(299_999);
  assert.equal((await send(q.id, msg('y', fifoMsg('g', 'd1'))))[0]!.deduplicated, true, 'survives the delete');
  clock.advance(1);
  const fresh = await send(q.id, msg('z', fifoMsg('g', 'd1')));
  assert.equal(fresh[0]!.deduplicated, false);
  assert.notEqual(fresh[0]!.sequenceNumber, r[0]!.sequenceNumber);
  // PurgeQueue clears the history (semantics/dedup.ts: purge clears the history).
  await engine.queuePurge(q.id, 0);
  assert.equal((await send(q.id, msg('w', fifoMsg('g', 'd1'))))[0]!.deduplicated, false, 'cleared by the purge');

  const g = await create('scoped.fifo', { DeduplicationScope: 'messageGroup' });
  const s = await send(g.id, msg('1', fifoMsg('a', 'same')), msg('2', fifoMsg('b', 'same')), msg('3', fifoMsg('a', 'same')));
  assert.deepEqual(
    s.map((x) => x.deduplicated),
    [false, false, true],
  );
});

test('standard queues ignore dedup ids and keep group ids', async () => {
  const { create, msg, send, receive } = await setup();
  const q = await create('q1');
  const r = await send(q.id, msg('a', { groupId: 'g', dedupId: 'd' }), msg('b', { groupId: 'g', dedupId: 'd' }));
  assert.deepEqual(
    r.map((x) => x.deduplicated),
    [false, false],
  );
  const got = await receive(q.id);
  assert.equal(got.length, 2);
  assert.equal(got[0]!.groupId, 'g');
  assert.equal(got[0]!.sequenceNumber, undefined);
});

test('redrive: moved on the receive that would exceed maxReceiveCount', async () => {
  const { clock, engine, create, msg, send, receive, bodies } = await setup();
  const dlq = await create('dlq');
  const q = await create('src', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: ARN('dlq'), maxReceiveCount: 1 }) });
  await send(q.id, msg('a', { messageAttributes: { k: { DataType: 'String', StringValue: 'v' } }, md5OfMessageAttributes: 'm' }));
  await send(q.id, msg('b'));
  const first = await receive(q.id, 1, 1_000);
  assert.equal(first[0]!.body, 'a');
  clock.advance(1_000);
  const woken: string[] = [];
  engine.onWake((id) => woken.push(id));
  assert.deepEqual(bodies(await receive(q.id, 10, 1_000)), ['b'], 'a is dead-lettered, b delivered');
  assert.deepEqual(woken, [dlq.id]);
  const [moved] = await receive(dlq.id);
  assert.equal(moved!.messageId, first[0]!.messageId);
  assert.equal(moved!.receiveCount, 2, 'AWS: first DLQ receive with maxReceiveCount 1 shows 2');
  assert.equal(moved!.firstReceivedAt, first[0]!.firstReceivedAt);
  assert.equal(moved!.sentAt, first[0]!.sentAt);
  assert.equal(moved!.deadLetterSourceArn, ARN('src'));
  assert.deepEqual(moved!.messageAttributes, { k: { DataType: 'String', StringValue: 'v' } });
  assert.deepEqual(await engine.queueStats(q.id), { visible: 0, inflight: 1, delayed: 0 });
});

test('redrive: a missing DLQ means no redrive; FIFO to FIFO gets a new sequence number', async () => {
  const { clock, create, msg, send, receive, bodies } = await setup();
  const policy = JSON.stringify({ deadLetterTargetArn: ARN('dlq.fifo'), maxReceiveCount: '1' });
  const q = await create('src.fifo', { RedrivePolicy: policy });
  const sent = await send(q.id, msg('a', fifoMsg('g', '1')), msg('b', fifoMsg('g', '2')));
  await receive(q.id, 10, 1_000);
  clock.advance(1_000);
  assert.deepEqual(bodies(await receive(q.id, 10, 1_000)), ['a', 'b'], 'no DLQ yet: delivered normally');
  const dlq = await create('dlq.fifo');
  clock.advance(1_000);
  assert.deepEqual(await receive(q.id, 10, 1_000), []);
  const moved = await receive(dlq.id);
  assert.deepEqual(bodies(moved), ['a', 'b'], 'both dead-lettered, in group order');
  assert.equal(moved[0]!.groupId, 'g');
  assert.ok(BigInt(moved[0]!.sequenceNumber!) > BigInt(sent[1]!.sequenceNumber!));
});

test('FIFO ReceiveRequestAttemptId returns the same messages and receipts', async () => {
  const { clock, create, msg, send, receive, del } = await setup();
  const q = await create('q.fifo');
  await send(q.id, msg('a', fifoMsg('g', '1')), msg('b', fifoMsg('h', '2')));
  const first = await receive(q.id, 1, 10_000, { attemptId: 'try' });
  clock.advance(9_000);
  const retry = await receive(q.id, 1, 10_000, { attemptId: 'try' });
  assert.deepEqual(retry, first);
  clock.advance(9_000);
  assert.equal((await receive(q.id, 1, 10_000, { attemptId: 'other' }))[0]!.body, 'b', 'a still hidden: deadline was reset');
  await del(q.id, ...first);
  const after = await receive(q.id, 1, 10_000, { attemptId: 'try' });
  assert.deepEqual(after, [], 'a is gone, b in flight: a normal receive happens');
});

test('purge keeps dedup, honours minIntervalMs; delete queue honours reuseDelayMs', async () => {
  const { clock, engine, create, msg, send, receive } = await setup();
  const q = await create('q1');
  await send(q.id, msg('a'), msg('b', { delayMs: 1_000 }));
  await receive(q.id, 1);
  await engine.queuePurge(q.id, 60_000);
  assert.deepEqual(await engine.queueStats(q.id), { visible: 0, inflight: 0, delayed: 0 });
  await assert.rejects(engine.queuePurge(q.id, 60_000), (e) => isDomainError(e, 'PurgeInProgress'));
  clock.advance(60_000);
  await engine.queuePurge(q.id, 60_000);

  await engine.queueDelete(q.id);
  await assert.rejects(engine.queueStats(q.id), (e) => isDomainError(e, 'QueueNotFound'));
  await assert.rejects(send(q.id, msg('x')), (e) => isDomainError(e, 'QueueNotFound'));
  assert.equal(await engine.queueGetByName('000000000000', 'q1'), undefined);
  await assert.rejects(create('q1'), (e) => isDomainError(e, 'QueueDeletedRecently'));
  clock.advance(60_000);
  const again = await create('q1');
  assert.notEqual(again.id, q.id);
});

test('queues: create is idempotent by name, list sorted by code unit, attributes and tags', async () => {
  const { clock, engine, create } = await setup();
  const b = await create('b', { VisibilityTimeout: '30' });
  await create('B');
  await create('a');
  const again = await engine.queueCreate({
    accountId: '000000000000',
    name: 'b',
    fifo: false,
    attributes: { VisibilityTimeout: '5' },
    tags: {},
    reuseDelayMs: 0,
  });
  assert.equal(again.created, false);
  assert.equal(again.queue.attributes['VisibilityTimeout'], '30');
  assert.deepEqual(
    (await engine.queueList()).map((q) => q.name),
    ['B', 'a', 'b'],
  );
  assert.deepEqual(
    (await engine.queueList({ prefix: 'b' })).map((q) => q.name),
    ['b'],
  );
  clock.advance(5_000);
  const updated = await engine.queueSetAttributes({ queueId: b.id, set: { DelaySeconds: '3' }, unset: ['VisibilityTimeout'] });
  assert.deepEqual(updated.attributes, { DelaySeconds: '3' });
  assert.equal(updated.lastModifiedAt, b.createdAt + 5_000);
  await engine.queueTag(b.id, { x: '1', y: '2' });
  await engine.queueUntag(b.id, ['x', 'zz']);
  const rec = (await engine.queueGetById(b.id))!;
  assert.deepEqual(rec.tags, { y: '2' });
  assert.equal(rec.lastModifiedAt, updated.lastModifiedAt, 'tagging does not bump lastModifiedAt');
  assert.throws(() => {
    (rec.attributes as Record<string, string>)['DelaySeconds'] = '9';
  }, 'records are immutable');
});

test('returned data is a copy', async () => {
  const { create, msg, send, receive } = await setup();
  const q = await create('q1');
  const attrs = { bin: { DataType: 'Binary', BinaryValue: Buffer.from('abc') } };
  await send(q.id, msg('a', { messageAttributes: attrs }), msg('b'));
  attrs.bin.BinaryValue[0] = 0x7a; // the caller's buffer is not ours
  const [m] = await receive(q.id, 1, 0);
  assert.equal(m!.messageAttributes['bin']!.BinaryValue!.toString(), 'abc');
  m!.messageAttributes['bin']!.BinaryValue![0] = 0x79;
  delete m!.messageAttributes['bin'];
  const [again] = await receive(q.id, 1, 0);
  assert.equal(again!.messageAttributes['bin']!.BinaryValue!.toString(), 'abc');
});

test('move tasks: back to each source, to a destination, cancel, list, fail', async () => {
  const { clock, engine, create, msg, send, receive, bodies } = await setup();
  const dlq = await create('dlq');
  const policy = { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: ARN('dlq'), maxReceiveCount: 1 }) };
  const s1 = await create('s1', policy);
  await send(s1.id, msg('a'), msg('b'), msg('c'));
  await receive(s1.id, 10, 0);
  assert.deepEqual(await receive(s1.id, 10, 0), []);
  assert.equal((await engine.queueStats(dlq.id)).visible, 3);

  const t = await engine.moveTaskStart({ sourceQueueId: dlq.id, sourceArn: ARN('dlq') });
  assert.equal(t.status, 'RUNNING');
  assert.equal(t.toMove, 3);
  await assert.rejects(engine.moveTaskStart({ sourceQueueId: dlq.id, sourceArn: ARN('dlq') }), (e) => isDomainError(e, 'MoveTaskActive'));
  assert.deepEqual(
    (await engine.moveTaskActive()).map((x) => x.id),
    [t.id],
  );
  const woken: string[] = [];
  engine.onWake((id) => woken.push(id));
  const step1 = await engine.moveTaskStep(t.id, 2);
  assert.equal(step1.moved, 2);
  assert.equal(step1.task.status, 'RUNNING');
  assert.deepEqual(woken, [s1.id]);
  const step2 = await engine.moveTaskStep(t.id, 2);
  assert.equal(step2.moved, 1);
  assert.equal(step2.task.status, 'COMPLETED');
  const back = await receive(s1.id);
  assert.deepEqual(bodies(back), ['a', 'b', 'c']);
  assert.equal(back[0]!.receiveCount, 1, 'a moved message is a new message');
  assert.equal(back[0]!.deadLetterSourceArn, undefined);

  // Cancel.
  clock.advance(1);
  await send(dlq.id, msg('d'));
  const t2 = await engine.moveTaskStart({ sourceQueueId: dlq.id, sourceArn: ARN('dlq'), destinationArn: ARN('other') });
  assert.equal((await engine.moveTaskCancel(t2.id)).status, 'CANCELLING');
  await assert.rejects(engine.moveTaskCancel(t2.id), (e) => isDomainError(e, 'MoveTaskNotFound'));
  assert.equal((await engine.moveTaskStep(t2.id, 10)).task.status, 'CANCELLED');
  // Missing destination fails the task.
  clock.advance(1);
  const t3 = await engine.moveTaskStart({ sourceQueueId: dlq.id, sourceArn: ARN('dlq'), destinationArn: ARN('other') });
  const failed = await engine.moveTaskStep(t3.id, 10);
  assert.equal(failed.task.status, 'FAILED');
  assert.ok(failed.task.failureReason);
  assert.deepEqual(
    (await engine.moveTaskList(ARN('dlq'), 10)).map((x) => x.id),
    [t3.id, t2.id, t.id],
  );
  assert.deepEqual(
    (await engine.moveTaskList(ARN('dlq'), 1)).map((x) => x.id),
    [t3.id],
  );
  // To an explicit destination.
  const other = await create('other');
  const t4 = await engine.moveTaskStart({ sourceQueueId: dlq.id, sourceArn: ARN('dlq'), destinationArn: ARN('other') });
  assert.equal((await engine.moveTaskStep(t4.id, 10)).task.status, 'COMPLETED');
  assert.deepEqual(bodies(await receive(other.id)), ['d']);
});

test('wake-ups: sends without delay, not delayed sends; unsubscribe works', async () => {
  const { engine, create, msg, send } = await setup();
  const q = await create('q1');
  const seen: string[] = [];
  const off = engine.onWake((id) => seen.push(id));
  await send(q.id, msg('a'), msg('b'));
  await send(q.id, msg('c', { delayMs: 10 }));
  assert.deepEqual(seen, [q.id]);
  off();
  await send(q.id, msg('d'));
  assert.deepEqual(seen, [q.id]);
});

test('metaGetOrCreate stores once', async () => {
  const { engine } = await setup();
  assert.equal(await engine.metaGetOrCreate('k', () => 'v1'), 'v1');
  assert.equal(await engine.metaGetOrCreate('k', () => 'v2'), 'v1');
});

test('many messages: strict order through deque and heap, counters stay consistent', async () => {
  const { clock, engine, create, msg, send, receive, del } = await setup();
  const q = await create('q1');
  for (let i = 0; i < 100; i++) await send(q.id, ...Array.from({ length: 10 }, (_, j) => msg(String(i * 10 + j))));
  const firstBatch = await receive(q.id, 10, 5_000);
  await del(q.id, ...firstBatch.filter((_, i) => i % 2 === 0)); // 5 stay in flight, then expire
  let delivered: number[] = [];
  for (;;) {
    const ms = await receive(q.id, 10, 1_000_000);
    if (ms.length === 0) break;
    delivered.push(...ms.map((m) => Number(m.body)));
    await del(q.id, ...ms);
  }
  assert.equal(delivered.length, 990);
  assert.deepEqual(
    delivered,
    [...delivered].sort((a, b) => a - b),
  );
  clock.advance(5_000);
  delivered = (await receive(q.id, 10)).map((m) => Number(m.body));
  assert.deepEqual(delivered, [1, 3, 5, 7, 9]);
  assert.deepEqual(await engine.queueStats(q.id), { visible: 0, inflight: 5, delayed: 0 });
});

/**
 * Randomised consistency check: random sends (some delayed), receives, deletes (current and stale
 * receipts), visibility changes and time steps; then, with all deadlines passed, every message that
 * was sent and not deleted is counted and delivered exactly once — FIFO ones in group order.
 */
for (const fifo of [false, true]) {
  test(`randomised operations keep counters and structures consistent (${fifo ? 'FIFO' : 'standard'})`, async () => {
    const { clock, engine, create, msg, send, receive, del } = await setup();
    const q = await create(fifo ? 'r.fifo' : 'r');
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alive = new Map<string, string>(); // messageId → group
    const receipts: ReceivedMessage[] = [];
    let k = 0;
    for (let step = 0; step < 3000; step++) {
      const op = rnd(10);
      if (op < 3) {
        const batch = Array.from({ length: 1 + rnd(3) }, () => {
          const g = `g${rnd(4)}`;
          k++;
          return msg(`m${k}`, fifo ? fifoMsg(g, `d${k}`) : { delayMs: rnd(3) === 0 ? rnd(5_000) : 0 });
        });
        for (const r of await send(q.id, ...batch)) alive.set(r.messageId, 'x');
      } else if (op < 6) {
        receipts.push(...(await receive(q.id, 1 + rnd(10), rnd(4) * 1_000)));
      } else if (op < 8 && receipts.length > 0) {
        const m = receipts.splice(rnd(receipts.length), 1)[0]!;
        const [res] = await del(q.id, m);
        if (res!.ok) alive.delete(m.messageId);
      } else if (op < 9 && receipts.length > 0) {
        const m = receipts[rnd(receipts.length)]!;
        await engine.visibilityChange({
          queueId: q.id,
          entries: [{ ref: m.ref, receiptToken: m.receiptToken, visibilityTimeoutMs: rnd(3) * 1_000 }],
          maxTotalMs: 43_200_000,
        });
      } else {
        clock.advance(rnd(1_500));
      }
      const s = await engine.queueStats(q.id);
      assert.equal(s.visible + s.inflight + s.delayed, alive.size, `step ${step}`);
    }
    clock.advance(10_000);
    assert.deepEqual(await engine.queueStats(q.id), { visible: alive.size, inflight: 0, delayed: 0 });
    const seen = new Set<string>();
    const lastSeqByGroup = new Map<string, bigint>();
    for (;;) {
      const ms = await receive(q.id, 10, 1_000_000);
      if (ms.length === 0) break;
      for (const m of ms) {
        assert.ok(alive.has(m.messageId), 'only live messages are delivered');
        assert.ok(!seen.has(m.messageId), 'delivered once');
        seen.add(m.messageId);
        if (fifo) {
          const prev = lastSeqByGroup.get(m.groupId!) ?? 0n;
          assert.ok(BigInt(m.sequenceNumber!) > prev, 'group order');
          lastSeqByGroup.set(m.groupId!, BigInt(m.sequenceNumber!));
        }
      }
      if (fifo) await del(q.id, ...ms);
    }
    assert.equal(seen.size, alive.size);
  });
}

test('capabilities, and close refuses further operations', async () => {
  const { engine, create, msg, send } = await setup();
  assert.equal(engine.kind, 'memory');
  assert.deepEqual(engine.capabilities, { durable: false, shared: false });
  const q = await create('q1');
  await engine.close();
  await engine.close();
  await assert.rejects(send(q.id, msg('a')), (e) => isDomainError(e, 'Unavailable'));
  await assert.rejects(engine.queueList(), (e) => isDomainError(e, 'Unavailable'));
});
