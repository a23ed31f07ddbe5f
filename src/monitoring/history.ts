/**
 * Queue history for the console's charts: every queue's gauges and counter increments, sampled at a
 * fixed interval into bounded rings, in two resolutions:
 *
 *   fine    one point per `intervalMs` (10 s) for the last hour          360 points
 *   coarse  one point per `coarseMs` (5 min) for the last 24 hours       288 points
 *
 * A coarse point aggregates the fine samples of its 5 minutes: counters summed, the three counts
 * averaged, the oldest message's age the maximum. (Five minutes is also the period CloudWatch's own
 * console picks for a day of SQS metrics.) Points sit on a fixed grid (slot = ⌊time / interval⌋), so no
 * timestamp is stored per point: a slot number (Uint32) is.
 *
 * Memory: per point 10 typed-array cells of 4 bytes (slot, 3 counts, age, 5 counters) = 40 B; per queue
 * (360 + 288) × 40 B ≈ 26 KB, allocated when the queue is first sampled and freed when it disappears:
 * ≈ 26 MB for 1,000 queues. Counters are this process's (see counters.ts); gauges come from storage.
 */
import type { HistoryPoint, QueueHistory } from './types.js';

/** The five counters a point carries, in this order. */
export interface CounterTotals {
  sent: number;
  received: number;
  deleted: number;
  emptyReceives: number;
  movedToDlq: number;
}

/** One sample of one queue. */
export interface Sample {
  visible: number;
  inflight: number;
  delayed: number;
  /** null: no message counts (see QueueSnapshot.oldestAgeSeconds). */
  oldestAgeSeconds: number | null;
  /** Counter increments since the previous sample. */
  delta: CounterTotals;
}

const NO_AGE = -1;

/** A ring of points on a grid of `intervalMs`. */
class Ring {
  private readonly slots: Uint32Array;
  private readonly counts: Uint32Array; // visible, inflight, delayed
  private readonly ages: Float32Array;
  private readonly counters: Uint32Array; // sent, received, deleted, emptyReceives, movedToDlq
  /** Points written (the newest is at (written - 1) % capacity). */
  private written = 0;

  constructor(
    readonly intervalMs: number,
    readonly capacity: number,
  ) {
    this.slots = new Uint32Array(capacity);
    this.counts = new Uint32Array(capacity * 3);
    this.ages = new Float32Array(capacity);
    this.counters = new Uint32Array(capacity * 5);
  }

  /** The slot of the newest point, or -1. */
  get lastSlot(): number {
    return this.written === 0 ? -1 : this.slots[(this.written - 1) % this.capacity]!;
  }

  /** Write the point of `slot` (replacing the newest when it is the same slot). */
  put(slot: number, s: Sample): void {
    if (this.written > 0 && this.lastSlot === slot) this.written--;
    const i = this.written % this.capacity;
    this.slots[i] = slot;
    this.counts[i * 3] = s.visible;
    this.counts[i * 3 + 1] = s.inflight;
    this.counts[i * 3 + 2] = s.delayed;
    this.ages[i] = s.oldestAgeSeconds ?? NO_AGE;
    const c = s.delta;
    this.counters[i * 5] = c.sent;
    this.counters[i * 5 + 1] = c.received;
    this.counters[i * 5 + 2] = c.deleted;
    this.counters[i * 5 + 3] = c.emptyReceives;
    this.counters[i * 5 + 4] = c.movedToDlq;
    this.written++;
  }

  /** Points whose slot starts at or after `fromMs`, oldest first. */
  points(fromMs: number): HistoryPoint[] {
    const n = Math.min(this.written, this.capacity);
    const out: HistoryPoint[] = [];
    for (let k = this.written - n; k < this.written; k++) {
      const i = k % this.capacity;
      const at = this.slots[i]! * this.intervalMs;
      if (at < fromMs) continue;
      const age = this.ages[i]!;
      out.push({
        at,
        visible: this.counts[i * 3]!,
        inflight: this.counts[i * 3 + 1]!,
        delayed: this.counts[i * 3 + 2]!,
        oldestAgeSeconds: age === NO_AGE ? null : age,
        sent: this.counters[i * 5]!,
        received: this.counters[i * 5 + 1]!,
        deleted: this.counters[i * 5 + 2]!,
        emptyReceives: this.counters[i * 5 + 3]!,
        movedToDlq: this.counters[i * 5 + 4]!,
      });
    }
    return out;
  }
}

/** The running aggregate of the coarse point being filled. */
class Aggregate {
  slot = -1;
  n = 0;
  visible = 0;
  inflight = 0;
  delayed = 0;
  age: number | null = null;
  readonly delta: CounterTotals = { sent: 0, received: 0, deleted: 0, emptyReceives: 0, movedToDlq: 0 };

  reset(slot: number): void {
    this.slot = slot;
    this.n = this.visible = this.inflight = this.delayed = 0;
    this.age = null;
    const d = this.delta;
    d.sent = d.received = d.deleted = d.emptyReceives = d.movedToDlq = 0;
  }

  add(s: Sample): void {
    this.n++;
    this.visible += s.visible;
    this.inflight += s.inflight;
    this.delayed += s.delayed;
    if (s.oldestAgeSeconds !== null) this.age = Math.max(this.age ?? 0, s.oldestAgeSeconds);
    const d = this.delta;
    d.sent += s.delta.sent;
    d.received += s.delta.received;
    d.deleted += s.delta.deleted;
    d.emptyReceives += s.delta.emptyReceives;
    d.movedToDlq += s.delta.movedToDlq;
  }

  sample(): Sample {
    const n = Math.max(1, this.n);
    return {
      visible: Math.round(this.visible / n),
      inflight: Math.round(this.inflight / n),
      delayed: Math.round(this.delayed / n),
      oldestAgeSeconds: this.age,
      delta: this.delta,
    };
  }
}

/** Resolutions of the history (defaults: 10 s for an hour, 5 min for a day). */
export interface HistoryShape {
  intervalMs: number;
  fineCapacity: number;
  coarseMs: number;
  coarseCapacity: number;
}

export const DEFAULT_HISTORY: HistoryShape = { intervalMs: 10_000, fineCapacity: 360, coarseMs: 300_000, coarseCapacity: 288 };

/** One queue incarnation's history, and the counter totals of its last sample (to compute increments). */
export class QueueSeries {
  private readonly fine: Ring;
  private readonly coarse: Ring;
  private readonly agg = new Aggregate();
  /** Counter totals at the last sample. */
  last: CounterTotals | undefined;

  constructor(
    readonly queueId: string,
    private readonly shape: HistoryShape,
  ) {
    this.fine = new Ring(shape.intervalMs, shape.fineCapacity);
    this.coarse = new Ring(shape.coarseMs, shape.coarseCapacity);
  }

  /** Record a sample taken at `at` (epoch ms). */
  add(at: number, s: Sample): void {
    this.fine.put(Math.floor(at / this.shape.intervalMs), s);
    const slot = Math.floor(at / this.shape.coarseMs);
    if (slot !== this.agg.slot) this.agg.reset(slot);
    this.agg.add(s);
    // The coarse point of the current 5 minutes is rewritten with every sample, so it is always current.
    this.coarse.put(slot, this.agg.sample());
  }

  /** Up to `windowMs` before `now`: fine points when the window fits in the fine ring, else coarse ones. */
  history(now: number, windowMs: number): QueueHistory {
    const fineSpan = this.shape.intervalMs * this.shape.fineCapacity;
    const ring = windowMs <= fineSpan ? this.fine : this.coarse;
    return { intervalMs: ring.intervalMs, points: ring.points(now - windowMs) };
  }
}

/** The increments from `prev` to `now` (a counter that went down was restarted: count from zero). */
export function increments(now: CounterTotals, prev: CounterTotals | undefined): CounterTotals {
  const d = (a: number, b: number | undefined): number => (b === undefined || a < b ? a : a - b);
  return {
    sent: d(now.sent, prev?.sent),
    received: d(now.received, prev?.received),
    deleted: d(now.deleted, prev?.deleted),
    emptyReceives: d(now.emptyReceives, prev?.emptyReceives),
    movedToDlq: d(now.movedToDlq, prev?.movedToDlq),
  };
}
