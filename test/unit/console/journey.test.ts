/**
 * The journey store: how each message event maps onto journeys (refs resolved through receives,
 * queue-wide events joined for the time the message was there, dead-letter targets named), and its
 * bounds (count, window, events per message, refs freed with their journey).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ManualClock } from '../../../src/core/clock.js';
import type { EventQueue, FerryEvent } from '../../../src/core/events.js';
import { JourneyStore } from '../../../src/console/journey.js';

const Q: EventQueue = { id: 'q-1', accountId: '000000000000', name: 'orders', fifo: false };
const DLQ: EventQueue = { id: 'q-2', accountId: '000000000000', name: 'orders-dlq', fifo: false };

function sent(
  at: number,
  messageId: string,
  extra: Partial<{ deduplicated: boolean; groupId: string; sequenceNumber: string }> = {},
  queue = Q,
): FerryEvent {
  return { type: 'sent', queue, at, accessKeyId: 'AKID', messages: [{ messageId, bytes: 12, deduplicated: false, delayMs: 0, ...extra }] };
}
function received(at: number, messageId: string, ref: string, receiveCount: number, queue = Q): FerryEvent {
  return { type: 'received', queue, at, visibilityTimeoutMs: 30_000, messages: [{ messageId, ref, receiveCount }] };
}

describe('journey store: event mapping', () => {
  it('sent → received → visibility changed → deleted, by message id and by ref', async () => {
    const clock = new ManualClock(1_000_000);
    const s = new JourneyStore(clock);
    s.record(sent(1_000_000, 'm1', { groupId: 'g', sequenceNumber: '10000000000000000001' }));
    s.record(received(1_000_100, 'm1', 'r1', 1));
    s.record({ type: 'visibilityChanged', queue: Q, at: 1_000_200, accessKeyId: 'AKID2', changes: [{ ref: 'r1', visibilityTimeoutMs: 0 }] });
    s.record(received(1_000_300, 'm1', 'r1', 2));
    s.record({ type: 'deleted', queue: Q, at: 1_000_400, refs: ['r1', 'unknown-ref'] });
    // An empty receive and events of other messages do not touch m1.
    s.record({ type: 'received', queue: Q, at: 1_000_500, visibilityTimeoutMs: 30_000, messages: [] });
    const j = await s.get('m1');
    assert.ok(j);
    assert.equal(j.truncated, false);
    assert.deepEqual(j.events, [
      {
        at: 1_000_000,
        type: 'sent',
        queue: 'orders',
        accessKeyId: 'AKID',
        detail: { bytes: 12, deduplicated: false, delayMs: 0, groupId: 'g', sequenceNumber: '10000000000000000001' },
      },
      { at: 1_000_100, type: 'received', queue: 'orders', detail: { receiveCount: 1, visibilityTimeoutMs: 30_000 } },
      { at: 1_000_200, type: 'visibilityChanged', queue: 'orders', accessKeyId: 'AKID2', detail: { visibilityTimeoutMs: 0 } },
      { at: 1_000_300, type: 'received', queue: 'orders', detail: { receiveCount: 2, visibilityTimeoutMs: 30_000 } },
      { at: 1_000_400, type: 'deleted', queue: 'orders', detail: {} },
    ]);
    assert.equal(await s.get('unknown'), undefined);
  });

  it('a deduplicated send joins the original journey; a journey first seen mid-way is truncated', async () => {
    const s = new JourneyStore(new ManualClock(0));
    s.record(sent(0, 'm1'));
    s.record(sent(5, 'm1', { deduplicated: true }));
    const j = (await s.get('m1'))!;
    assert.deepEqual(
      j.events.map((e) => [e.type, e.detail.deduplicated]),
      [
        ['sent', false],
        ['sent', true],
      ],
    );
    assert.equal(j.truncated, false);
    s.record(received(10, 'other', 'r9', 3));
    assert.equal((await s.get('other'))!.truncated, true, 'its send was not seen');
    s.record(sent(11, 'dup-only', { deduplicated: true }));
    assert.equal((await s.get('dup-only'))!.truncated, true);
  });

  it('dead-lettered (synthetic event, as the engines will report it): the move, named target, and the life after it', async () => {
    const s = new JourneyStore(new ManualClock(0));
    s.record(sent(0, 'm1'));
    s.record(received(10, 'm1', 'r1', 1));
    s.record({ type: 'deadLettered', queue: Q, at: 20, messages: [{ messageId: 'm1', ref: 'r1' }], targetQueueId: DLQ.id });
    // In the DLQ it has a new ref; the purge of the source after the move is not its business, the DLQ's purge is.
    s.record({ type: 'purged', queue: Q, at: 25 });
    s.record(received(30, 'm1', 'r2', 2, DLQ));
    s.record({ type: 'purged', queue: DLQ, at: 40 });
    const j = (await s.get('m1', async () => 'never-asked'))!;
    assert.deepEqual(
      j.events.map((e) => [e.at, e.type, e.queue, e.detail]),
      [
        [0, 'sent', 'orders', { bytes: 12, deduplicated: false, delayMs: 0 }],
        [10, 'received', 'orders', { receiveCount: 1, visibilityTimeoutMs: 30_000 }],
        [20, 'deadLettered', 'orders', { targetQueue: 'orders-dlq' }],
        [30, 'received', 'orders-dlq', { receiveCount: 2, visibilityTimeoutMs: 30_000 }],
        [40, 'purged', 'orders-dlq', {}],
      ],
    );
  });

  it('names a dead-letter target it never saw an event of through the resolver, else by id', async () => {
    const s = new JourneyStore(new ManualClock(0));
    s.record(sent(0, 'm1'));
    s.record({ type: 'deadLettered', queue: Q, at: 1, messages: [{ messageId: 'm1' }], targetQueueId: 'q-unseen' });
    assert.equal((await s.get('m1', async (id) => (id === 'q-unseen' ? 'late-dlq' : undefined)))!.events[1]!.detail.targetQueue, 'late-dlq');
    assert.equal((await s.get('m1', async () => undefined))!.events[1]!.detail.targetQueue, 'q-unseen');
  });

  it('queue-wide events join the journeys of messages in the queue at the time, and only those', async () => {
    const s = new JourneyStore(new ManualClock(0));
    s.record({ type: 'purged', queue: Q, at: 0 });
    s.record(sent(10, 'a'));
    s.record(sent(10, 'b'));
    s.record(received(11, 'b', 'rb', 1));
    s.record({ type: 'deleted', queue: Q, at: 12, refs: ['rb'] });
    s.record({ type: 'purged', queue: Q, at: 20 });
    s.record(sent(30, 'c'));
    s.record({ type: 'queueDeleted', queue: Q, at: 40 });
    const types = async (id: string) => (await s.get(id))!.events.map((e) => `${e.type}@${e.at}`);
    assert.deepEqual(await types('a'), ['sent@10', 'purged@20', 'queueDeleted@40']);
    assert.deepEqual(await types('b'), ['sent@10', 'received@11', 'deleted@12']);
    assert.deepEqual(await types('c'), ['sent@30', 'queueDeleted@40']);
  });

  it('a batch event gives each message its own details (messages of one event whose steps are equal share one)', async () => {
    const s = new JourneyStore(new ManualClock(0));
    s.record({
      type: 'sent',
      queue: Q,
      at: 5,
      accessKeyId: 'AKID',
      messages: [
        { messageId: 'a', bytes: 10, deduplicated: false, delayMs: 0 },
        { messageId: 'b', bytes: 10, deduplicated: false, delayMs: 0 },
        { messageId: 'c', bytes: 11, deduplicated: false, delayMs: 0 },
        { messageId: 'd', bytes: 11, deduplicated: false, delayMs: 2_000 },
        { messageId: 'e', bytes: 11, deduplicated: false, delayMs: 2_000, groupId: 'g1', sequenceNumber: '1' },
        { messageId: 'f', bytes: 11, deduplicated: false, delayMs: 2_000, groupId: 'g1', sequenceNumber: '2' },
        { messageId: 'g', bytes: 11, deduplicated: false, delayMs: 2_000, groupId: 'g2', sequenceNumber: '2' },
        { messageId: 'h', bytes: 11, deduplicated: true, delayMs: 2_000, groupId: 'g2', sequenceNumber: '2' },
      ],
    });
    s.record({
      type: 'received',
      queue: Q,
      at: 6,
      visibilityTimeoutMs: 30_000,
      messages: [
        { messageId: 'a', ref: 'ra', receiveCount: 1 },
        { messageId: 'b', ref: 'rb', receiveCount: 3 },
        { messageId: 'c', ref: 'rc', receiveCount: 3 },
        { messageId: 'd', ref: 'rd', receiveCount: 1 },
      ],
    });
    s.record({
      type: 'visibilityChanged',
      queue: Q,
      at: 7,
      changes: [
        { ref: 'ra', visibilityTimeoutMs: 0 },
        { ref: 'rb', visibilityTimeoutMs: 0 },
        { ref: 'rc', visibilityTimeoutMs: 5_000 },
      ],
    });
    s.record({ type: 'deleted', queue: Q, at: 8, accessKeyId: 'AKID2', refs: ['ra', 'rc', 'rd'] });
    const details = async (id: string) =>
      (await s.get(id))!.events.map((e) => `${e.type}@${e.at} ${e.accessKeyId ?? '-'} ${JSON.stringify(e.detail)}`);
    const sentA = 'sent@5 AKID {"bytes":10,"deduplicated":false,"delayMs":0}';
    assert.deepEqual(await details('a'), [
      sentA,
      'received@6 - {"receiveCount":1,"visibilityTimeoutMs":30000}',
      'visibilityChanged@7 - {"visibilityTimeoutMs":0}',
      'deleted@8 AKID2 {}',
    ]);
    assert.deepEqual(await details('b'), [
      sentA,
      'received@6 - {"receiveCount":3,"visibilityTimeoutMs":30000}',
      'visibilityChanged@7 - {"visibilityTimeoutMs":0}',
    ]);
    assert.deepEqual(await details('c'), [
      'sent@5 AKID {"bytes":11,"deduplicated":false,"delayMs":0}',
      'received@6 - {"receiveCount":3,"visibilityTimeoutMs":30000}',
      'visibilityChanged@7 - {"visibilityTimeoutMs":5000}',
      'deleted@8 AKID2 {}',
    ]);
    assert.deepEqual(await details('d'), [
      'sent@5 AKID {"bytes":11,"deduplicated":false,"delayMs":2000}',
      'received@6 - {"receiveCount":1,"visibilityTimeoutMs":30000}',
      'deleted@8 AKID2 {}',
    ]);
    assert.deepEqual(await details('e'), ['sent@5 AKID {"bytes":11,"deduplicated":false,"delayMs":2000,"groupId":"g1","sequenceNumber":"1"}']);
    assert.deepEqual(await details('f'), ['sent@5 AKID {"bytes":11,"deduplicated":false,"delayMs":2000,"groupId":"g1","sequenceNumber":"2"}']);
    assert.deepEqual(await details('g'), ['sent@5 AKID {"bytes":11,"deduplicated":false,"delayMs":2000,"groupId":"g2","sequenceNumber":"2"}']);
    assert.deepEqual(await details('h'), ['sent@5 AKID {"bytes":11,"deduplicated":true,"delayMs":2000,"groupId":"g2","sequenceNumber":"2"}']);
  });
});

describe('journey store: bounds', () => {
  it('keeps at most maxMessages journeys, dropping the one idle longest, and frees its refs', async () => {
    const s = new JourneyStore(new ManualClock(0), { maxMessages: 3 });
    for (const [i, id] of ['a', 'b', 'c'].entries()) {
      s.record(sent(i, id));
      s.record(received(i, id, `r-${id}`, 1));
    }
    s.record(received(5, 'a', 'r-a', 2)); // a is now the most recently active
    s.record(sent(6, 'd'));
    assert.equal(s.size, 3);
    assert.equal(await s.get('b'), undefined);
    for (const id of ['a', 'c', 'd']) assert.ok(await s.get(id), id);
    assert.equal(s.refCount, 2, "b's ref went with it");
    // A delete through b's old ref is not attributed to anyone.
    s.record({ type: 'deleted', queue: Q, at: 7, refs: ['r-b'] });
    assert.equal(await s.get('b'), undefined);
  });

  it('keeps refs per queue: the same ref in two queues leads to each its own message', async () => {
    const s = new JourneyStore(new ManualClock(0));
    s.record(sent(0, 'm1'));
    s.record(sent(0, 'm2', {}, DLQ));
    s.record(received(1, 'm1', 'r', 1));
    s.record(received(1, 'm2', 'r', 1, DLQ));
    assert.equal(s.refCount, 2);
    assert.equal(s.refQueueCount, 2);
    s.record({ type: 'deleted', queue: Q, at: 2, refs: ['r'] });
    s.record({ type: 'visibilityChanged', queue: DLQ, at: 3, changes: [{ ref: 'r', visibilityTimeoutMs: 5_000 }] });
    const types = async (id: string) => (await s.get(id))!.events.map((e) => `${e.type}@${e.at}`);
    assert.deepEqual(await types('m1'), ['sent@0', 'received@1', 'deleted@2']);
    assert.deepEqual(await types('m2'), ['sent@0', 'received@1', 'visibilityChanged@3']);
    // A queue no ref was handed out in attributes nothing.
    s.record({ type: 'deleted', queue: { ...Q, id: 'q-other' }, at: 4, refs: ['r'] });
    assert.deepEqual(await types('m1'), ['sent@0', 'received@1', 'deleted@2']);
  });

  it('a ref handed out again for another message stays with it when the first journey goes', async () => {
    const s = new JourneyStore(new ManualClock(0), { maxMessages: 2 });
    s.record(sent(0, 'a'));
    s.record(received(1, 'a', 'r', 1));
    s.record(sent(2, 'b'));
    s.record(received(3, 'b', 'r', 1)); // r now leads to b
    assert.equal(s.refCount, 1);
    s.record(sent(4, 'c')); // a, the stalest, goes: r is b's, so it stays
    assert.equal(await s.get('a'), undefined);
    assert.equal(s.refCount, 1);
    s.record({ type: 'deleted', queue: Q, at: 5, refs: ['r'] });
    assert.deepEqual(
      (await s.get('b'))!.events.map((e) => e.type),
      ['sent', 'received', 'deleted'],
    );
  });

  it("frees the refs, and each queue's ref map, of the journeys it drops", () => {
    const s = new JourneyStore(new ManualClock(0), { maxMessages: 10 });
    for (let i = 0; i < 1_000; i++) {
      const q: EventQueue = { id: `q-${i}`, accountId: '000000000000', name: `queue-${i}`, fifo: false };
      s.record(sent(i, `m${i}`, {}, q));
      s.record(received(i, `m${i}`, 'r1', 1, q));
      s.record(received(i, `m${i}`, 'r2', 2, q));
    }
    assert.equal(s.size, 10);
    assert.equal(s.refCount, 20);
    assert.equal(s.refQueueCount, 10);
  });

  it('forgets journeys whose last event is older than the window', async () => {
    const clock = new ManualClock(0);
    const s = new JourneyStore(clock, { windowMs: 1_000 });
    s.record(sent(0, 'old'));
    s.record(sent(500, 'young'));
    clock.set(999);
    assert.ok(await s.get('old'));
    clock.set(1_000);
    assert.equal(await s.get('old'), undefined, 'not served once out of the window');
    s.record(sent(1_000, 'new'));
    assert.equal(s.size, 2, 'and dropped at the next event');
    assert.ok(await s.get('young'));
  });

  it('caps the events of one message, keeping the first and the newest', async () => {
    const s = new JourneyStore(new ManualClock(0), { maxEventsPerMessage: 5 });
    s.record(sent(0, 'm'));
    for (let i = 1; i <= 10; i++) s.record(received(i, 'm', 'r', i));
    const j = (await s.get('m'))!;
    assert.equal(j.truncated, true);
    assert.deepEqual(
      j.events.map((e) => e.at),
      [0, 7, 8, 9, 10],
    );
  });

  it('caps at one and two events too, and keeps every event of a journey below the cap', async () => {
    for (const cap of [1, 2, 3, 4]) {
      const s = new JourneyStore(new ManualClock(0), { maxEventsPerMessage: cap });
      s.record(sent(0, 'm'));
      s.record(sent(0, 'short'));
      for (let i = 1; i <= 6; i++) s.record(received(i, 'm', 'r', i));
      s.record(received(1, 'short', 'rs', 1));
      const j = (await s.get('m'))!;
      assert.equal(j.truncated, cap < 7, `cap ${cap}`);
      assert.deepEqual(
        j.events.map((e) => e.at),
        [0, 1, 2, 3, 4, 5, 6].filter((at, i) => i === 0 || at > 6 - (cap - 1)),
        `cap ${cap}`,
      );
      const short = (await s.get('short'))!;
      assert.equal(short.truncated, cap < 2, `cap ${cap}: short`);
      assert.deepEqual(
        short.events.map((e) => e.type),
        cap < 2 ? ['sent'] : ['sent', 'received'],
        `cap ${cap}: short`,
      );
    }
  });

  it('costs O(1) per event: 200 000 events through a 1 000-journey store stay bounded', () => {
    const s = new JourneyStore(new ManualClock(0), { maxMessages: 1_000 });
    const started = performance.now();
    for (let i = 0; i < 100_000; i++) {
      s.record(sent(i, `m${i}`));
      s.record(received(i, `m${i}`, `r${i}`, 1));
    }
    assert.equal(s.size, 1_000);
    assert.equal(s.refCount, 1_000);
    assert.ok(performance.now() - started < 5_000);
  });
});
