/**
 * Long-poll waiters: ReceiveMessage calls with WaitTimeSeconds sleep here until a wake-up, their
 * deadline, or an abort.
 *
 * Long polling is event-driven: engines call `onWake(queueId)` after commits that may make messages
 * deliverable now. Each wake resolves ONE waiter of that queue (the longest waiting), not all of them:
 * waking every waiter for one message made them all race for it (a thundering herd: 100 waiters, 99
 * empty receives). The woken receive passes the wake on (`passWake`) when it took messages — there
 * may be more — or when it gave up without trying (aborted); a woken receive that tried and found
 * nothing proves the queue empty after the wake, and later messages bring their own wakes. Time-driven
 * availability (delays ending, visibility expiring) is covered by the receive action sleeping until the
 * engine's `nextVisibleAt` at most. There is no polling loop.
 */
import type { ActionServices } from '../actions/types.js';
import type { CancelSignal } from '../core/cancel.js';
import type { Clock } from '../core/clock.js';
import type { StorageEngine } from '../storage/engine.js';

/** The waiter half of ActionServices, plus its lifecycle. */
export interface Waiters extends Required<Pick<ActionServices, 'waitForMessages' | 'wakeSeq' | 'passWake'>> {
  /** Unsubscribe from the engine and release every waiter (they resolve false). Idempotent. */
  close(): void;
  /** Long polls waiting now (metrics: ferry_long_polls_waiting). */
  waiting(): number;
  /** Admission of a long poll under the caps (ActionServices.admitLongPoll). */
  admitLongPoll(queueId: string): (() => void) | undefined;
}

/** Caps on long polls parked at once (config maxLongPolls, maxLongPollsPerQueue); 0: no cap. */
export interface LongPollLimits {
  total: number;
  perQueue: number;
}

interface Waiter {
  /** The clock time this wait ends at (a jump of a manual clock past it ends the wait at once). */
  readonly untilMs: number;
  resolve(woken: boolean): void;
}

/** Subscribe to the engine's wake-ups and keep the per-queue waiter lists. */
export function createWaiters(engine: StorageEngine, clock: Clock, limits: LongPollLimits = { total: 0, perQueue: 0 }): Waiters {
  /** Admitted long polls (a poll counts from its first wait to its answer, across re-waits). */
  let polls = 0;
  const pollsByQueue = new Map<string, number>();

  function admitLongPoll(queueId: string): (() => void) | undefined {
    const mine = pollsByQueue.get(queueId) ?? 0;
    if ((limits.total > 0 && polls >= limits.total) || (limits.perQueue > 0 && mine >= limits.perQueue)) return undefined;
    polls++;
    pollsByQueue.set(queueId, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      polls--;
      const n = (pollsByQueue.get(queueId) ?? 1) - 1;
      if (n === 0) pollsByQueue.delete(queueId);
      else pollsByQueue.set(queueId, n);
    };
  }

  const waiters = new Map<string, Set<Waiter>>();
  /** Wake counter per queue: a receive reads it before trying, so a wake in between is not lost. */
  const wakeSeqs = new Map<string, number>();
  let closed = false;
  let waiting = 0;

  /** Count a wake and hand it to the longest-waiting waiter of the queue, if any. */
  function wake(queueId: string): void {
    wakeSeqs.set(queueId, (wakeSeqs.get(queueId) ?? 0) + 1);
    const set = waiters.get(queueId);
    if (!set) return;
    // Sets iterate in insertion order: the first entry has waited longest. Its resolve removes it.
    for (const w of set) {
      w.resolve(true);
      return;
    }
  }

  const unsubscribe = engine.onWake(wake);
  // A manual test clock jumps: a wait whose end time the jump passed ends now (the receive then tries
  // again, and finds the messages that became visible); the real timers only bound the rest.
  const offClock = clock.onChange?.((now) => {
    for (const set of [...waiters.values()]) for (const w of [...set]) if (w.untilMs <= now) w.resolve(false);
  });

  function waitForMessages(queueId: string, untilMs: number, signal: CancelSignal, afterSeq?: number): Promise<boolean> {
    if (afterSeq !== undefined && (wakeSeqs.get(queueId) ?? 0) !== afterSeq) return Promise.resolve(true);
    // Engines whose wake-ups can be lost bound each wait (the receive then simply tries again).
    const delay = Math.min(untilMs - clock.now(), engine.capabilities.maxWaitSliceMs ?? Infinity);
    if (closed || signal.aborted || delay <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      let set = waiters.get(queueId);
      if (!set) waiters.set(queueId, (set = new Set()));
      const mine = set;
      const w: Waiter = {
        untilMs,
        resolve: (woken) => {
          clearTimeout(timer);
          offAbort();
          if (mine.delete(w)) waiting--;
          if (mine.size === 0 && waiters.get(queueId) === mine) waiters.delete(queueId);
          resolve(woken);
        },
      };
      const timer = setTimeout(() => w.resolve(false), delay);
      const offAbort = signal.onAbort(() => w.resolve(false));
      set.add(w);
      waiting++;
    });
  }

  return {
    waitForMessages,
    wakeSeq: (queueId: string) => wakeSeqs.get(queueId) ?? 0,
    passWake: (queueId: string) => {
      if (!closed) wake(queueId);
    },
    waiting: () => waiting,
    admitLongPoll,
    close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      offClock?.();
      for (const set of waiters.values()) for (const w of [...set]) w.resolve(false);
      waiters.clear();
    },
  };
}
