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
 * Memory: per stored point 10 typed-array cells of 4 bytes (slot, 3 counts, age, 5 counters) = 40 B; at
 * most (360 + 288) × 40 B ≈ 26 KB per queue, freed when the queue disappears. A point that only repeats
 * the previous one (an idle queue: no counter moved, the same counts and age) is not stored — readers
 * imply it — and the arrays grow by doubling as points are stored, so an idle queue holds a few points:
 * 50,000 queues created and left idle cost about 1 KB each, not 26 KB (1.3 GB). Counters are this
 * process's (see counters.ts); gauges come from storage.
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

/** An implied point of a queue with no messages and nothing moving (without its `at`). */
const EMPTY_POINT = Object.freeze({
  visible: 0,
  inflight: 0,
  delayed: 0,
  oldestAgeSeconds: null,
  sent: 0,
  received: 0,
  deleted: 0,
  emptyReceives: 0,
  movedToDlq: 0,
});

/** What a ring holds before its first stored point: nothing (shared; `grow` replaces, never writes into, them). */
const NO_U32 = new Uint32Array(0);
const NO_F32 = new Float32Array(0);

/**
 * A ring of points on a grid of `intervalMs`. Before its first stored point a queue's history is
 * implicitly empty — no messages, nothing moving — from the first sample on: a queue that has stayed
 * empty and idle (most of 50,000 queues) holds no arrays at all.
 */
class Ring {
  private slots = NO_U32;
  private counts = NO_U32; // visible, inflight, delayed
  private ages = NO_F32;
  private counters = NO_U32; // sent, received, deleted, emptyReceives, movedToDlq
  /** Points the arrays hold room for: grows by doubling up to `capacity` (an idle queue stays small). */
  private size = 0;
  /** Points written (the newest is at (written - 1) % size). */
  private written = 0;
  /** The newest slot a sample was put for, stored or not (idle points are implied up to it). */
  private sampled = -1;
  /** The first slot a sample was put for (empty idle points are implied from it to the first stored one). */
  private first = -1;

  constructor(
    readonly intervalMs: number,
    readonly capacity: number,
  ) {}

  /** Bytes held by the arrays. */
  get bytes(): number {
    return this.size * 40;
  }

  /** The slot of the newest stored point, or -1. */
  get lastSlot(): number {
    return this.written === 0 ? -1 : this.slots[(this.written - 1) % this.size]!;
  }

  /**
   * Write the point of `slot` (replacing the newest when it is the same slot). A point that only
   * repeats the newest — no counter moved, the same counts and age — is not stored: the readers imply it
   * (an idle queue costs nothing per sample; 50,000 mostly idle queues stay small).
   */
  put(slot: number, s: Sample): void {
    this.sampled = Math.max(this.sampled, slot);
    if (this.first === -1) this.first = slot;
    const last = this.lastSlot;
    if (this.written > 0 && last === slot) this.written--;
    else if (slot > last && this.repeatsNewest(s)) return;
    if (this.written === this.size && this.size < this.capacity) this.grow();
    const i = this.written % this.size;
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

  private repeatsNewest(s: Sample): boolean {
    const c = s.delta;
    if (c.sent !== 0 || c.received !== 0 || c.deleted !== 0 || c.emptyReceives !== 0 || c.movedToDlq !== 0) return false;
    // Before the first stored point the newest is the implied empty one.
    if (this.written === 0) return s.visible === 0 && s.inflight === 0 && s.delayed === 0 && s.oldestAgeSeconds === null;
    const i = (this.written - 1) % this.size;
    return (
      this.counts[i * 3] === s.visible &&
      this.counts[i * 3 + 1] === s.inflight &&
      this.counts[i * 3 + 2] === s.delayed &&
      this.ages[i] === Math.fround(s.oldestAgeSeconds ?? NO_AGE)
    );
  }

  /** Double the arrays (only before the ring first wraps: the points are in order from 0). */
  private grow(): void {
    const size = Math.min(this.capacity, Math.max(4, this.size * 2));
    const widen = <T extends Uint32Array | Float32Array>(a: T, per: number, make: (n: number) => T): T => {
      const b = make(size * per);
      b.set(a);
      return b;
    };
    this.slots = widen(this.slots, 1, (n) => new Uint32Array(n));
    this.counts = widen(this.counts, 3, (n) => new Uint32Array(n));
    this.ages = widen(this.ages, 1, (n) => new Float32Array(n));
    this.counters = widen(this.counters, 5, (n) => new Uint32Array(n));
    this.size = size;
  }

  /**
   * Points whose slot starts at or after `fromMs`, oldest first, one per slot from the oldest stored
   * point to the newest sample: the slots between stored points repeat the previous point's counts and
   * age with no counter increments (what an unstored idle point was).
   */
  points(fromMs: number): HistoryPoint[] {
    const n = Math.min(this.written, this.size);
    const out: HistoryPoint[] = [];
    const fromSlot = Math.ceil(fromMs / this.intervalMs);
    // Empty idle points before the first stored one (unless the ring has wrapped: then those are gone).
    if (this.first !== -1 && this.written <= this.size) {
      const until = this.written > 0 ? this.slots[0]! : this.sampled + 1;
      for (let f = Math.max(this.first, fromSlot); f < until; f++) out.push({ at: f * this.intervalMs, ...EMPTY_POINT });
    }
    for (let k = this.written - n; k < this.written; k++) {
      const i = k % this.size;
      const slot = this.slots[i]!;
      const until = k + 1 < this.written ? this.slots[(k + 1) % this.size]! : this.sampled + 1;
      const age = this.ages[i]!;
      const base = {
        visible: this.counts[i * 3]!,
        inflight: this.counts[i * 3 + 1]!,
        delayed: this.counts[i * 3 + 2]!,
        oldestAgeSeconds: age === NO_AGE ? null : age,
      };
      if (slot >= fromSlot) {
        out.push({
          at: slot * this.intervalMs,
          ...base,
          sent: this.counters[i * 5]!,
          received: this.counters[i * 5 + 1]!,
          deleted: this.counters[i * 5 + 2]!,
          emptyReceives: this.counters[i * 5 + 3]!,
          movedToDlq: this.counters[i * 5 + 4]!,
        });
      }
      for (let f = Math.max(slot + 1, fromSlot); f < until; f++) {
        out.push({ at: f * this.intervalMs, ...base, sent: 0, received: 0, deleted: 0, emptyReceives: 0, movedToDlq: 0 });
      }
    }
    // At most `capacity` points: the ring's span (implied points can reach back past it).
    return out.length > this.capacity ? out.slice(out.length - this.capacity) : out;
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

  /** Bytes held by this queue's rings. */
  get bytes(): number {
    return this.fine.bytes + this.coarse.bytes;
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
