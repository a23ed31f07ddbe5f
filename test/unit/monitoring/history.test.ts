/** The history rings: grid slots, wrap-around, the coarse roll-up, the window choice, the memory bound. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DEFAULT_HISTORY, increments, QueueSeries, type Sample } from '../../../src/monitoring/history.js';

const T0 = Date.UTC(2026, 0, 1); // on the 10 s and 5 min grids
const sample = (visible: number, sent: number, age: number | null = null): Sample => ({
  visible,
  inflight: 1,
  delayed: 0,
  oldestAgeSeconds: age,
  delta: { sent, received: 0, deleted: 0, emptyReceives: 0, movedToDlq: 0 },
});

describe('QueueSeries', () => {
  it('fine points on the 10 s grid, oldest first; a window of up to an hour reads them', () => {
    const s = new QueueSeries('q', DEFAULT_HISTORY);
    s.add(T0 + 3_000, sample(5, 2, 1.5));
    s.add(T0 + 10_000, sample(6, 3));
    s.add(T0 + 20_500, sample(7, 0, 12));
    const h = s.history(T0 + 25_000, 60_000);
    assert.equal(h.intervalMs, 10_000);
    assert.deepEqual(
      h.points.map((p) => [p.at - T0, p.visible, p.sent, p.oldestAgeSeconds]),
      [
        [0, 5, 2, 1.5],
        [10_000, 6, 3, null],
        [20_000, 7, 0, 12],
      ],
    );
    assert.deepEqual(
      s.history(T0 + 25_000, 10_000).points.map((p) => p.at - T0),
      [20_000],
    );
  });

  it('a second sample in the same slot replaces the first', () => {
    const s = new QueueSeries('q', DEFAULT_HISTORY);
    s.add(T0 + 1_000, sample(1, 1));
    s.add(T0 + 9_000, sample(2, 2));
    assert.deepEqual(
      s.history(T0 + 9_000, 60_000).points.map((p) => [p.visible, p.sent]),
      [[2, 2]],
    );
  });

  it('the fine ring keeps its last 360 points (an hour), overwriting the oldest', () => {
    const s = new QueueSeries('q', DEFAULT_HISTORY);
    for (let i = 0; i < 400; i++) s.add(T0 + i * 10_000, sample(i, 1));
    const pts = s.history(T0 + 399 * 10_000, 3_600_000).points;
    assert.equal(pts.length, 360);
    assert.equal(pts[0]!.visible, 40);
    assert.equal(pts.at(-1)!.visible, 399);
  });

  it('longer windows read 5-minute points: counters summed, counts averaged, age the maximum', () => {
    const s = new QueueSeries('q', DEFAULT_HISTORY);
    // 30 samples = 5 minutes (one coarse slot), then one sample in the next slot.
    for (let i = 0; i < 30; i++) s.add(T0 + i * 10_000, sample(i % 2 === 0 ? 10 : 20, 2, i === 7 ? 99 : 1));
    s.add(T0 + 300_000, sample(4, 1, null));
    const h = s.history(T0 + 300_000, 6 * 3_600_000);
    assert.equal(h.intervalMs, 300_000);
    assert.deepEqual(
      h.points.map((p) => [p.at - T0, p.visible, p.inflight, p.sent, p.oldestAgeSeconds]),
      [
        [0, 15, 1, 60, 99],
        [300_000, 4, 1, 1, null],
      ],
    );
  });

  it('memory per queue: (360 + 288) points of 40 bytes', () => {
    assert.equal(DEFAULT_HISTORY.fineCapacity + DEFAULT_HISTORY.coarseCapacity, 648);
    assert.equal(DEFAULT_HISTORY.fineCapacity * DEFAULT_HISTORY.intervalMs, 3_600_000);
    assert.equal(DEFAULT_HISTORY.coarseCapacity * DEFAULT_HISTORY.coarseMs, 86_400_000);
  });
});

describe('increments', () => {
  it('differences of totals; a total that went down restarted from zero', () => {
    const now = { sent: 10, received: 5, deleted: 5, emptyReceives: 2, movedToDlq: 0 };
    assert.deepEqual(increments(now, undefined), now);
    assert.deepEqual(increments(now, { sent: 4, received: 5, deleted: 1, emptyReceives: 3, movedToDlq: 0 }), {
      sent: 6,
      received: 0,
      deleted: 4,
      emptyReceives: 2,
      movedToDlq: 0,
    });
  });
});
