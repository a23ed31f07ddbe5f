/**
 * The process-wide runtime the actions share (ActionServices): long-poll waiters (waiters.ts),
 * receipt-handle signing (core/receipt.ts, with a key kept in the store) and the background runner of
 * message move tasks (moveTaskRunner.ts). Created once per server by the composition root (app.ts).
 */
import type { ActionServices } from '../actions/types.js';
import type { Clock } from '../core/clock.js';
import type { Random } from '../core/random.js';
import { ReceiptCodec } from '../core/receipt.js';
import type { StorageEngine } from '../storage/engine.js';
import { createMoveTaskRunner } from './moveTaskRunner.js';
import { createWaiters, type LongPollLimits } from './waiters.js';

export { DEFAULT_MOVE_RATE, MOVE_TICK_MS, SHARED_IDLE_POLL_MS } from './moveTaskRunner.js';

export interface ActionServicesDeps {
  engine: StorageEngine;
  clock: Clock;
  random: Random;
  /**
   * HMAC key for receipt handles. When absent, one is created once per store with
   * `engine.metaGetOrCreate('receipt-key', …)`, so receipts survive restarts and work across nodes.
   */
  secret?: string | Buffer;
  /** Caps on parked long polls (default: none). */
  longPolls?: LongPollLimits;
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
  /** ReceiveMessage long polls waiting for messages now (metrics). */
  longPollsWaiting(): number;
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
  const waiters = createWaiters(engine, deps.clock, deps.longPolls);
  const runner = createMoveTaskRunner(engine, deps.clock);
  let closed = false;

  return {
    waitForMessages: waiters.waitForMessages,
    wakeSeq: waiters.wakeSeq,
    passWake: waiters.passWake,
    admitLongPoll: waiters.admitLongPoll,
    encodeReceipt: (queueId, ref, receiptToken) => receipts.encode({ queueId, ref, receiptToken }),
    decodeReceipt: (handle) => receipts.decode(handle),
    kickMoveTasks: () => runner.kick(),
    runMoveTasksOnce: () => runner.runOnce(),
    longPollsWaiting: () => waiters.waiting(),
    start() {
      if (closed) return;
      runner.start();
    },
    stop: () => runner.stop(),
    async close() {
      if (closed) return;
      closed = true;
      await runner.stop();
      waiters.close();
    },
  };
}
