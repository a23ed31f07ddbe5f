/**
 * Unit tests of the engine-independent SQS rules (src/storage/semantics). The storage contract suite
 * proves each engine applies them; these pin the rules themselves, exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { SeededRandom } from '../../../src/core/random.js';
import { isDomainError } from '../../../src/errors/domain.js';
import type { MoveTaskRecord, QueueRecord } from '../../../src/storage/engine.js';
import * as S from '../../../src/storage/semantics/index.js';

function queue(name: string, attributes: Record<string, string> = {}, fifo = name.endsWith('.fifo')): QueueRecord {
  return {
    id: `id-${name}`,
    accountId: '000000000000',
    name,
    fifo,
    attributes,
    tags: {},
    createdAt: 0,
    lastModifiedAt: 0,
    dedupScope: S.creationDedupScope(attributes),
  };
}

test('retention: current MessageRetentionPeriod, default when missing or unparsable', () => {
  assert.equal(S.retentionMs(queue('a')), 345_600_000);
  assert.equal(S.retentionMs(queue('a', { MessageRetentionPeriod: '60' })), 60_000);
  assert.equal(S.retentionMs(queue('a', { MessageRetentionPeriod: 'x' })), 345_600_000);
  assert.equal(S.retentionCutoff(queue('a', { MessageRetentionPeriod: '60' }), 100_000), 40_000);
});

test('delays and visibility deadlines never go before now', () => {
  assert.equal(S.deliverableAt(1000, 0), 1000);
  assert.equal(S.deliverableAt(1000, -5), 1000);
  assert.equal(S.deliverableAt(1000, 2500), 3500);
  assert.equal(S.visibilityDeadline(1000, 30_000), 31_000);
});

test('cool-downs: QueueDeletedRecently and PurgeInProgress inside the window only', () => {
  assert.doesNotThrow(() => S.checkNameReuse('q', undefined, 10, 60_000));
  assert.throws(
    () => S.checkNameReuse('q', 0, 59_999, 60_000),
    (e) => isDomainError(e, 'QueueDeletedRecently'),
  );
  assert.doesNotThrow(() => S.checkNameReuse('q', 0, 60_000, 60_000));
  assert.doesNotThrow(() => S.checkNameReuse('q', 0, 1, 0));
  assert.throws(
    () => S.checkPurgeInterval(0, 59_999, 60_000),
    (e) => isDomainError(e, 'PurgeInProgress'),
  );
  assert.doesNotThrow(() => S.checkPurgeInterval(0, 60_000, 60_000));
  assert.doesNotThrow(() => S.checkPurgeInterval(undefined, 0, 60_000));
});

test('redrive plan: one parser, source ARN in the target ARN coordinates, self-redrive guard', () => {
  const src = queue('orders', {
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws-cn:sqs:cn-north-1:123456789012:dlq', maxReceiveCount: 3 }),
  });
  assert.deepEqual(S.redrivePlan(src), {
    targetArn: 'arn:aws-cn:sqs:cn-north-1:123456789012:dlq',
    dlqAccountId: '123456789012',
    dlqName: 'dlq',
    maxReceiveCount: 3,
    sourceArn: 'arn:aws-cn:sqs:cn-north-1:123456789012:orders',
  });
  const str = queue('o', { RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:d","maxReceiveCount":"5"}' });
  assert.equal(S.redrivePlan(str)?.maxReceiveCount, 5);
  for (const bad of [
    '',
    'nope',
    '{"deadLetterTargetArn":"x","maxReceiveCount":3}',
    '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:0:d","maxReceiveCount":0}',
  ]) {
    assert.equal(S.redrivePlan(queue('o', { RedrivePolicy: bad })), undefined, bad);
  }
  assert.equal(S.readMaxReceiveCount(1000), 1000);
  assert.equal(S.readMaxReceiveCount(1001), undefined);
  assert.equal(S.readMaxReceiveCount(2.5), undefined);
  const dlq = queue('dlq');
  assert.equal(S.usableDeadLetterQueue(src, dlq), dlq);
  assert.equal(S.usableDeadLetterQueue(src, src), undefined);
  assert.equal(S.usableDeadLetterQueue(src, undefined), undefined);
  assert.equal(S.dueForDeadLetter(2, 3), false);
  assert.equal(S.dueForDeadLetter(3, 3), true);
  assert.equal(S.claimThreshold(S.redrivePlan(src), true), 3);
  assert.equal(S.claimThreshold(S.redrivePlan(src), false), S.NO_REDRIVE);
});

test('delete entries: standard accepts any receipt, FIFO only the current one in flight', () => {
  const held = { receiptToken: 't1', inflight: true, receivedAt: 0 };
  assert.deepEqual(S.deleteEntry(false, undefined, 'x'), { ok: true });
  assert.deepEqual(S.deleteEntry(false, held, 'old'), { ok: true });
  assert.deepEqual(S.deleteEntry(true, held, 't1'), { ok: true });
  assert.deepEqual(S.deleteEntry(true, held, 'old'), { ok: false, error: 'ReceiptInvalid' });
  assert.deepEqual(S.deleteEntry(true, { ...held, inflight: false }, 't1'), { ok: false, error: 'ReceiptInvalid' });
  assert.deepEqual(S.deleteEntry(true, undefined, 't1'), { ok: false, error: 'ReceiptInvalid' });
});

test('visibility entries: gone, foreign FIFO receipt, not in flight, 12 h cap', () => {
  const held = { receiptToken: 't1', inflight: true, receivedAt: 1000 };
  const H12 = 43_200_000;
  assert.deepEqual(S.visibilityEntry(false, undefined, 't1', 5000, 2000, H12), { ok: false, error: 'ReceiptInvalid' });
  assert.deepEqual(S.visibilityEntry(true, held, 'old', 5000, 2000, H12), { ok: false, error: 'ReceiptInvalid' });
  assert.deepEqual(S.visibilityEntry(false, held, 'old', 5000, 2000, H12), { ok: true });
  // Lapsed under its latest receipt: standard queues hide it again (AWS, recorded), FIFO queues refuse.
  assert.deepEqual(S.visibilityEntry(false, { ...held, inflight: false }, 't1', 5000, 2000, H12), { ok: true });
  assert.deepEqual(S.visibilityEntry(false, { ...held, inflight: false }, 'old', 5000, 2000, H12), { ok: false, error: 'MessageNotInflight' });
  assert.deepEqual(S.visibilityEntry(true, { ...held, inflight: false }, 't1', 5000, 2000, H12), { ok: false, error: 'MessageNotInflight' });
  assert.deepEqual(S.visibilityEntry(false, { receiptToken: undefined, inflight: false, receivedAt: 0 }, '', 5000, 2000, H12), {
    ok: false,
    error: 'MessageNotInflight',
  });
  assert.equal(S.visibilityRehides({ ...held, inflight: false }, 5000, 2000), true);
  assert.equal(S.visibilityRehides({ ...held, inflight: false }, 2000, 2000), false);
  assert.equal(S.visibilityRehides(held, 5000, 2000), false);
  assert.deepEqual(S.visibilityEntry(false, held, 't1', 1000 + H12, 2000, H12), { ok: true });
  assert.deepEqual(S.visibilityEntry(false, held, 't1', 1001 + H12, 2000, H12), { ok: false, error: 'VisibilityLimitExceeded' });
});

test('attempt replay: live, non-empty, every message still held under its token', () => {
  assert.equal(S.attemptLive({ expiresAt: 10, receipts: [1] }, 9), true);
  assert.equal(S.attemptLive({ expiresAt: 10, receipts: [1] }, 10), false);
  assert.equal(S.attemptLive({ expiresAt: 10, receipts: [] }, 0), false);
  assert.equal(S.attemptLive(undefined, 0), false);
  assert.equal(S.attemptStillHeld({ receiptToken: 'a', inflight: true, receivedAt: 0 }, 'a'), true);
  assert.equal(S.attemptStillHeld({ receiptToken: 'a', inflight: false, receivedAt: 0 }, 'a'), false);
  assert.equal(S.attemptStillHeld({ receiptToken: 'b', inflight: true, receivedAt: 0 }, 'a'), false);
});

test('dedup keys are scoped and unambiguous', () => {
  const byQueue = queue('a.fifo');
  const byGroup = queue('b.fifo', { DeduplicationScope: 'messageGroup' });
  assert.equal(S.dedupKey(byQueue, 'g', 'd'), S.dedupKey(byQueue, 'h', 'd'));
  assert.notEqual(S.dedupKey(byGroup, 'g', 'd'), S.dedupKey(byGroup, 'h', 'd'));
  assert.notEqual(S.dedupKey(byGroup, 'ab', 'c'), S.dedupKey(byGroup, 'a', 'bc'));
  assert.equal(S.dedupHit(10, 9), true);
  assert.equal(S.dedupHit(10, 10), false);
});

test('dedup scope: fixed at creation, the current attribute does not re-scope keys', () => {
  assert.equal(S.creationDedupScope({}), 'queue');
  assert.equal(S.creationDedupScope({ DeduplicationScope: 'queue' }), 'queue');
  assert.equal(S.creationDedupScope({ DeduplicationScope: 'messageGroup' }), 'messageGroup');
  assert.equal(S.storedDedupScope('messageGroup'), 'messageGroup');
  assert.equal(S.storedDedupScope('queue'), 'queue');
  assert.equal(S.storedDedupScope(null), 'queue');
  // Created with scope queue, attribute switched to messageGroup afterwards: still one key per id.
  const switched: QueueRecord = { ...queue('c.fifo'), attributes: { DeduplicationScope: 'messageGroup' } };
  assert.equal(S.dedupKey(switched, 'g', 'd'), S.dedupKey(switched, 'h', 'd'));
  // And the other way round: created per group, switched to queue, keys stay per group.
  const back: QueueRecord = { ...queue('d.fifo', { DeduplicationScope: 'messageGroup' }), attributes: { DeduplicationScope: 'queue' } };
  assert.notEqual(S.dedupKey(back, 'g', 'd'), S.dedupKey(back, 'h', 'd'));
});

test('sequence numbers: 20 digits, increasing as strings and numbers', () => {
  assert.equal(S.sequenceNumber(0), '10000000000000000000');
  assert.equal(S.sequenceNumber(42), '10000000000000000042');
  assert.equal(S.sequenceNumberOf(null), undefined);
  assert.ok(S.sequenceNumber(9) < S.sequenceNumber(10));
  // A group can deliver when its head can: its delay's end, or its deadline while in flight.
  assert.equal(S.groupReadyAt(5), 5);
  assert.equal(S.groupReadyAt(10), 10);
});

test('in-flight cap', () => {
  assert.doesNotThrow(() => S.checkInflightLimit('q', 5, undefined));
  assert.doesNotThrow(() => S.checkInflightLimit('q', 4, 5));
  assert.throws(
    () => S.checkInflightLimit('q', 5, 5),
    (e) => isDomainError(e, 'OverLimit'),
  );
});

test('move tasks: transitions and failure reasons', () => {
  const t = S.newMoveTask('t1', { sourceQueueId: 'q', sourceArn: 'arn:aws:sqs:us-east-1:0:dlq' }, 3, 100);
  assert.deepEqual(t, {
    id: 't1',
    sourceArn: 'arn:aws:sqs:us-east-1:0:dlq',
    sourceQueueId: 'q',
    status: 'RUNNING',
    toMove: 3,
    moved: 0,
    startedAt: 100,
  });
  assert.equal(S.moveTaskActive('RUNNING'), true);
  assert.equal(S.moveTaskActive('CANCELLING'), true);
  assert.equal(S.moveTaskActive('COMPLETED'), false);
  assert.throws(
    () => S.checkNoActiveMoveTask('dlq', true),
    (e) => isDomainError(e, 'MoveTaskActive'),
  );
  assert.equal(S.cancelMoveTask(t, 't1'), 'CANCELLING');
  assert.throws(
    () => S.cancelMoveTask({ ...t, status: 'CANCELLING' } as MoveTaskRecord, 't1'),
    (e) => isDomainError(e, 'MoveTaskNotFound'),
  );
  assert.throws(
    () => S.cancelMoveTask(undefined, 't1'),
    (e) => isDomainError(e, 'MoveTaskNotFound'),
  );
  assert.equal(S.moveStepStart('CANCELLING'), 'cancel');
  assert.equal(S.moveStepStart('RUNNING'), 'run');
  assert.equal(S.moveStepStart('FAILED'), 'idle');
  assert.equal(S.moveStepBudget({ ...t, moved: 2 }, 10), 1);
  assert.equal(S.moveProblem(undefined, true, 'g'), S.MOVE_FAILURE.destinationGone);
  assert.equal(S.moveProblem(undefined, false, 'g'), S.MOVE_FAILURE.originalSourceGone);
  assert.equal(S.moveProblem(queue('x.fifo'), false, null), S.MOVE_FAILURE.fifoNeedsGroup);
  assert.equal(S.moveProblem(queue('x.fifo'), false, 'g'), undefined);
  assert.equal(S.moveStepStatus(t, 3, true), 'COMPLETED');
  assert.equal(S.moveStepStatus(t, 1, false), 'COMPLETED');
  assert.equal(S.moveStepStatus(t, 1, true), 'RUNNING');
});

test('queue record merges', () => {
  assert.deepEqual(S.mergeAttributes({ A: '1', B: '2' }, { B: '3', C: '4' }, ['A']), { B: '3', C: '4' });
  assert.deepEqual(S.mergeTags({ a: '1' }, { a: '2', b: '3' }), { a: '2', b: '3' });
  assert.deepEqual(S.removeTags({ a: '1', b: '2' }, ['a', 'zz']), { b: '2' });
  const q = (accountId: string, name: string) => ({ accountId, name });
  assert.deepEqual([q('1', 'b'), q('1', 'B'), q('1', 'a')].sort(S.byQueueName), [q('1', 'B'), q('1', 'a'), q('1', 'b')]);
  // By account first: a queue list of several accounts groups each account's queues.
  assert.deepEqual([q('2', 'a'), q('1', 'b'), q('2', 'A')].sort(S.byQueueName), [q('1', 'b'), q('2', 'A'), q('2', 'a')]);
  assert.equal(S.queueKey('111111111111', 'q'), '111111111111/q');
  assert.notEqual(S.queueKey('111111111111', 'q'), S.queueKey('222222222222', 'q'));
});

test('receipt tokens: 32 hex characters, reproducible from the injected randomness', () => {
  const a = new S.ReceiptTokens(new SeededRandom('x'));
  const b = new S.ReceiptTokens(new SeededRandom('x'));
  const ta = Array.from({ length: 300 }, () => a.next());
  assert.deepEqual(
    ta,
    Array.from({ length: 300 }, () => b.next()),
  );
  assert.ok(ta.every((t) => /^[0-9a-f]{32}$/.test(t)));
  assert.equal(new Set(ta).size, 300);
});

test('receipt tokens: take(n) gives the next n tokens, as n calls of next() would', () => {
  const a = new S.ReceiptTokens(new SeededRandom('y'));
  const b = new S.ReceiptTokens(new SeededRandom('y'));
  assert.deepEqual(a.take(0), []);
  // 300 tokens cross a 4 096-byte pool refill (256 tokens per pool).
  const taken = [...a.take(10), ...a.take(290)];
  assert.deepEqual(
    taken,
    Array.from({ length: 300 }, () => b.next()),
  );
  assert.equal(a.next(), b.next());
});
