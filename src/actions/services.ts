/**
 * Process-wide services shared by all requests: long-poll waiters, receipt-handle signing and the
 * background runner of message move tasks.
 *
 * Long polling is event-driven: engines call `onWake(queueId)` after commits that may make messages
 * deliverable now. Each wake resolves ONE waiter of that queue (the longest waiting), not all of them:
 * waking every waiter for one message made them all race for it (a thundering herd: 100 waiters, 99
 * empty receives). The woken receive passes the wake on (`passWake`) when it took messages — there
 * may be more — or when it gave up without trying (aborted); a woken receive that tried and found
 * nothing proves the queue empty after the wake, and later messages bring their own wakes. Time-driven availability
 * (delays ending, visibility expiring) is covered by the receive action sleeping until the engine's
 * `nextVisibleAt` at most. There is no polling loop.
 */
import type { CancelSignal } from '../core/cancel.js';
import type { Clock } from '../core/clock.js';
import type { Random } from '../core/random.js';
import { ReceiptCodec } from '../core/receipt.js';
import type { MoveTaskRecord, StorageEngine } from '../storage/engine.js';
import type { ActionServices } from './types.js';

/** Messages per second a move task without MaxNumberOfMessagesPerSecond runs at. */
export const DEFAULT_MOVE_RATE = 100;
/** The runner's tick: each active task moves up to its per-second rate once per tick. */
export const MOVE_TICK_MS = 1000;
/** Shared engines: how often an idle runner looks for tasks started or orphaned by other nodes. */
export const SHARED_IDLE_POLL_MS = 5000;

export interface ActionServicesDeps {
  engine: StorageEngine;
  clock: Clock;
  random: Random;
  /**
   * HMAC key for receipt handles. When absent, one is created once per store with
   * `engine.metaGetOrCreate('receipt-key', …)`, so receipts survive restarts and work across nodes.
   */
  secret?: string | Buffer;
}

/** ActionServices plus lifecycle. */
export interface ActionServicesImpl extends ActionServices {
  /** Start the move-task runner (resumes tasks that were RUNNING/CANCELLING before a restart). */
  start(): void;
  /** Stop the runner; in-flight steps finish. */
  stop(): Promise<void>;
  /** Stop everything and release all waiters (they resolve false). Idempotent. */
  close(): Promise<void>;
  /** Run one round of move-task steps now (tests drive the runner with this and a ManualClock). */
  runMoveTasksOnce(): Promise<number>;
}

interface Waiter {
  resolve(woken: boolean): void;
}

/**
 * Build the services. Async because the receipt key may have to be read from (or created in) the
 * store first.
 */
export async function createActionServices(deps: ActionServicesDeps): Promise<ActionServicesImpl> {
  const { engine } = deps;
  const keyText =
    deps.secret !== undefined ? deps.secret : await engine.metaGetOrCreate('receipt-key', () => deps.random.bytes(32).toString('base64'));
  const key = Buffer.isBuffer(keyText) ? keyText : Buffer.from(keyText, 'utf8');
  const receipts = new ReceiptCodec(key);

  // ---- waiters ----------------------------------------------------------------------------------
  const waiters = new Map<string, Set<Waiter>>();
  /** Wake counter per queue: a receive reads it before trying, so a wake in between is not lost. */
  const wakeSeqs = new Map<string, number>();
  let closed = false;

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

  function waitForMessages(queueId: string, untilMs: number, signal: CancelSignal, afterSeq?: number): Promise<boolean> {
    if (afterSeq !== undefined && (wakeSeqs.get(queueId) ?? 0) !== afterSeq) return Promise.resolve(true);
    // Engines whose wake-ups can be lost bound each wait (the receive then simply tries again).
    const delay = Math.min(untilMs - deps.clock.now(), engine.capabilities.maxWaitSliceMs ?? Infinity);
    if (closed || signal.aborted || delay <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      let set = waiters.get(queueId);
      if (!set) waiters.set(queueId, (set = new Set()));
      const mine = set;
      const w: Waiter = {
        resolve: (woken) => {
          clearTimeout(timer);
          offAbort();
          mine.delete(w);
          if (mine.size === 0 && waiters.get(queueId) === mine) waiters.delete(queueId);
          resolve(woken);
        },
      };
      const timer = setTimeout(() => w.resolve(false), delay);
      const offAbort = signal.onAbort(() => w.resolve(false));
      set.add(w);
    });
  }

  // ---- move-task runner -------------------------------------------------------------------------
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();

  /** One round: every active task moves up to its per-second budget. Returns messages moved. */
  async function runMoveTasksOnce(): Promise<number> {
    let moved = 0;
    let tasks: MoveTaskRecord[];
    try {
      tasks = await engine.moveTaskActive();
    } catch {
      return 0;
    }
    for (const t of tasks) {
      const budget = Math.max(1, Math.min(t.maxPerSecond ?? DEFAULT_MOVE_RATE, 500));
      try {
        moved += (await engine.moveTaskStep(t.id, budget)).moved;
      } catch {
        // The source queue may have been deleted; the engine ends such tasks. Keep the runner alive.
      }
    }
    return moved;
  }

  function schedule(delayMs: number): void {
    if (!running || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      inFlight = (async () => {
        await runMoveTasksOnce();
        const active = await engine.moveTaskActive().catch(() => []);
        if (active.length > 0) schedule(MOVE_TICK_MS);
        // On a shared store a task may be started (or orphaned by a dead node) elsewhere: keep looking.
        else if (engine.capabilities.shared) schedule(SHARED_IDLE_POLL_MS);
      })();
    }, delayMs);
    timer.unref?.();
  }

  async function stop(): Promise<void> {
    running = false;
    if (timer) clearTimeout(timer);
    timer = undefined;
    await inFlight.catch(() => undefined);
  }

  return {
    waitForMessages,
    wakeSeq: (queueId: string) => wakeSeqs.get(queueId) ?? 0,
    passWake: (queueId: string) => {
      if (!closed) wake(queueId);
    },
    encodeReceipt: (queueId, ref, receiptToken) => receipts.encode({ queueId, ref, receiptToken }),
    decodeReceipt: (handle) => receipts.decode(handle),
    kickMoveTasks: () => schedule(0),
    runMoveTasksOnce,
    start() {
      if (closed) return;
      running = true;
      schedule(0);
    },
    stop,
    async close() {
      if (closed) return;
      closed = true;
      await stop();
      unsubscribe();
      for (const set of waiters.values()) for (const w of [...set]) w.resolve(false);
      waiters.clear();
    },
  };
}
