/** The per-queue counters' CloudWatch rules, fed with events directly. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { EventQueue, FerryEvent } from '../../../src/core/events.js';
import { CounterSet, RequestCounters } from '../../../src/monitoring/counters.js';
import { Histogram } from '../../../src/monitoring/histogram.js';

const Q: EventQueue = { id: 'q-1', accountId: '000000000000', name: 'orders', fifo: false };
const at = 1_000;
const sent = (q: EventQueue, ...m: Array<{ bytes: number; deduplicated?: boolean }>): FerryEvent => ({
  type: 'sent',
  queue: q,
  at,
  messages: m.map((x, i) => ({ messageId: `m${i}`, bytes: x.bytes, deduplicated: x.deduplicated ?? false, delayMs: 0 })),
});
const received = (q: EventQueue, n: number): FerryEvent => ({
  type: 'received',
  queue: q,
  at,
  visibilityTimeoutMs: 30_000,
  messages: Array.from({ length: n }, (_, i) => ({ messageId: `m${i}`, ref: String(i), receiveCount: 1 })),
});

describe('CounterSet', () => {
  it('counts as CloudWatch does', () => {
    const c = new CounterSet(() => 5);
    c.onEvent(sent(Q, { bytes: 10 }, { bytes: 300 }, { bytes: 7, deduplicated: true }));
    c.onEvent(received(Q, 2));
    c.onEvent(received(Q, 0));
    c.onEvent(received(Q, 0));
    c.onEvent({ type: 'deleted', queue: Q, at, refs: ['1', '1', '2'] });
    c.onEvent({ type: 'deadLettered', queue: Q, at, messages: [{ messageId: 'm9' }], targetQueueId: 'dlq' });
    c.onEvent({ type: 'visibilityChanged', queue: Q, at, changes: [{ ref: '1', visibilityTimeoutMs: 0 }] });
    c.onEvent({ type: 'purged', queue: Q, at });
    const o = c.get('000000000000/orders')!;
    assert.deepEqual([o.sent, o.deduplicated, o.received, o.emptyReceives, o.deleted, o.movedToDlq, o.since], [2, 1, 2, 2, 3, 1, 5]);
    assert.deepEqual([o.sizes.count, o.sizes.sum], [2, 310]);
  });

  it('a new incarnation of a name starts afresh; DeleteQueue forgets only its own incarnation', () => {
    const c = new CounterSet(() => 0);
    c.onEvent(sent(Q, { bytes: 1 }));
    const again: EventQueue = { id: 'q-2', accountId: '000000000000', name: 'orders', fifo: false };
    c.onEvent(sent(again, { bytes: 1 }, { bytes: 1 }));
    assert.deepEqual([c.get('000000000000/orders')!.queueId, c.get('000000000000/orders')!.sent], ['q-2', 2]);
    c.onEvent({ type: 'queueDeleted', queue: Q, at });
    assert.equal(c.get('000000000000/orders')!.queueId, 'q-2', 'a late event of the old incarnation leaves the new one');
    c.onEvent({ type: 'queueDeleted', queue: again, at });
    assert.equal(c.get('000000000000/orders'), undefined);
  });

  it('prune forgets queues a complete list no longer has, not ones started after the list was read', () => {
    let now = 0;
    const c = new CounterSet(() => now);
    c.onEvent(sent({ id: 'a', accountId: '000000000000', name: 'a', fifo: false }, { bytes: 1 }));
    now = 100;
    c.onEvent(sent({ id: 'b', accountId: '000000000000', name: 'b', fifo: false }, { bytes: 1 }));
    c.prune(new Set(), 50);
    assert.deepEqual(
      [...c.all()].map((x) => x.name),
      ['b'],
    );
  });
});

describe('RequestCounters and Histogram', () => {
  it('counts by action and code, and observes durations into le buckets', () => {
    const r = new RequestCounters([0.01, 0.1]);
    r.record('SendMessage', 'OK', 0.005);
    r.record('SendMessage', 'OK', 0.05);
    r.record('SendMessage', 'InvalidParameterValue', 0.2);
    assert.deepEqual(
      [...r.counts.get('SendMessage')!],
      [
        ['OK', 2],
        ['InvalidParameterValue', 1],
      ],
    );
    const h = r.durations.get('SendMessage')!;
    assert.deepEqual([...h.counts], [1, 1, 1]);
    assert.equal(h.count, 3);
  });

  it('bounds are inclusive (Prometheus le)', () => {
    const h = new Histogram([1, 2]);
    for (const v of [1, 1.5, 2, 2.5, 0]) h.observe(v);
    assert.deepEqual([...h.counts], [2, 2, 1]);
    assert.equal(h.sum, 7);
  });
});
