/** The history rings: grid slots, wrap-around, the coarse roll-up, the window choice, the memory bound, idle points implied. */
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

  it('memory per queue: at most (360 + 288) points of 40 bytes, reached only by a busy queue', () => {
    assert.equal(DEFAULT_HISTORY.fineCapacity + DEFAULT_HISTORY.coarseCapacity, 648);
    assert.equal(DEFAULT_HISTORY.fineCapacity * DEFAULT_HISTORY.intervalMs, 3_600_000);
    assert.equal(DEFAULT_HISTORY.coarseCapacity * DEFAULT_HISTORY.coarseMs, 86_400_000);
    const busy = new QueueSeries('q', DEFAULT_HISTORY);
    for (let i = 0; i < 10_000; i++) busy.add(T0 + i * 10_000, sample(i, 1));
    assert.equal(busy.bytes, 648 * 40);
  });

  it('an idle queue stores one point, not one per sample; its history still has a point per slot', () => {
    const s = new QueueSeries('q', DEFAULT_HISTORY);
    s.add(T0, sample(3, 5, 7));
    // A day of samples with nothing moving (the same counts and age, no counter increments).
    for (let i = 1; i < 8_640; i++) s.add(T0 + i * 10_000, sample(3, 0, 7));
    assert.equal(s.bytes, 2 * 4 * 40, 'the first allocation of each ring (4 points), nothing more');
    const now = T0 + 8_639 * 10_000;
    const hour = s.history(now, 3_600_000).points;
    assert.equal(hour.length, 360);
    assert.deepEqual(hour[0], {
      at: now - 359 * 10_000,
      visible: 3,
      inflight: 1,
      delayed: 0,
      oldestAgeSeconds: 7,
      sent: 0,
      received: 0,
      deleted: 0,
      emptyReceives: 0,
      movedToDlq: 0,
    });
    assert.equal(hour.at(-1)!.at, now);
    // Coarse: a point per 5 minutes over the day; the first carries the first sample's increments.
    const day = s.history(now, 86_400_000).points;
    assert.equal(day.length, 288);
    assert.equal(day.at(-1)!.at, Math.floor(now / 300_000) * 300_000);
    assert.ok(day.every((p) => p.visible === 3));
    assert.deepEqual(
      day.map((p) => p.sent),
      [5, ...Array<number>(287).fill(0)],
    );
  });

  it('traffic after an idle stretch is stored; the idle slots between are implied with no increments', () => {
    const s = new QueueSeries('q', DEFAULT_HISTORY);
    s.add(T0, sample(1, 1));
    s.add(T0 + 10_000, sample(1, 0));
    s.add(T0 + 20_000, sample(1, 0));
    s.add(T0 + 30_000, sample(4, 3));
    s.add(T0 + 40_000, sample(4, 0));
    assert.deepEqual(
      s.history(T0 + 40_000, 60_000).points.map((p) => [p.at - T0, p.visible, p.sent]),
      [
        [0, 1, 1],
        [10_000, 1, 0],
        [20_000, 1, 0],
        [30_000, 4, 3],
        [40_000, 4, 0],
      ],
    );
    // A window that starts inside an implied stretch starts there.
    assert.deepEqual(
      s.history(T0 + 40_000, 25_000).points.map((p) => [p.at - T0, p.visible, p.sent]),
      [
        [20_000, 1, 0],
        [30_000, 4, 3],
        [40_000, 4, 0],
      ],
    );
    // A second sample in an implied slot with traffic is stored.
    s.add(T0 + 45_000, sample(4, 2));
    assert.deepEqual(
      s.history(T0 + 45_000, 10_000).points.map((p) => [p.at - T0, p.sent]),
      [[40_000, 2]],
    );
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
