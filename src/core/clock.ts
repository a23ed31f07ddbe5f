/**
 * Time is injected everywhere semantics depend on it (visibility, delay, retention, the 5-minute
 * deduplication window, purge and delete cool-downs), so tests can move time instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /**
   * Clocks that jump (the manual test clock) tell listeners after every change, so whatever sleeps
   * on real timers until a clock time (long polls, the move-task runner) can re-check at once.
   * Returns the unsubscribe function. Absent on clocks that only flow (the system clock).
   */
  onChange?(listener: (now: number, previous: number) => void): () => void;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that only moves when told to: `ferry serve --clock manual`, `startFerry({ clock: 'manual' })`
 * and unit tests. It starts at the real time of its creation unless given a start, so timestamps in
 * attributes look plausible. Listeners hear of every change (synchronously, after it took effect).
 */
export class ManualClock implements Clock {
  private t: number;
  private listeners: Array<(now: number, previous: number) => void> = [];
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  /** Move forward by `ms` (a non-negative finite number; fractions are truncated). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`the clock only moves forward: advance(${ms}) needs a finite number of ms >= 0`);
    this.set(this.t + Math.trunc(ms));
  }
  /** Jump to an instant (epoch ms or a Date). Going back is allowed: it is a test clock. */
  set(to: number | Date): void {
    const ms = typeof to === 'number' ? to : to.getTime();
    if (!Number.isFinite(ms)) throw new RangeError(`clock.set needs a valid date or epoch ms, got ${String(to)}`);
    const previous = this.t;
    this.t = Math.trunc(ms);
    for (const l of this.listeners) l(this.t, previous);
  }
  onChange(listener: (now: number, previous: number) => void): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }
}
