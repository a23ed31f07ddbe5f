/**
 * The background runner of message move tasks (StartMessageMoveTask): once per tick every active task
 * moves up to its MaxNumberOfMessagesPerSecond. It runs only while tasks are active (kicked when one
 * starts); on a shared store it keeps looking now and then, since another node may start a task or
 * die with one running.
 */
import type { MoveTaskRecord, StorageEngine } from '../storage/engine.js';

/** Messages per second a move task without MaxNumberOfMessagesPerSecond runs at. */
export const DEFAULT_MOVE_RATE = 100;
/** The runner's tick: each active task moves up to its per-second rate once per tick. */
export const MOVE_TICK_MS = 1000;
/** Shared engines: how often an idle runner looks for tasks started or orphaned by other nodes. */
export const SHARED_IDLE_POLL_MS = 5000;

export interface MoveTaskRunner {
  /** Start (resumes tasks that were RUNNING/CANCELLING before a restart). */
  start(): void;
  /** Run a round soon (a task was just started). No-op unless started. */
  kick(): void;
  /** Stop; an in-flight round finishes first. */
  stop(): Promise<void>;
  /** Run one round of move-task steps now; returns messages moved (tests drive it with a ManualClock). */
  runOnce(): Promise<number>;
}

export function createMoveTaskRunner(engine: StorageEngine): MoveTaskRunner {
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();

  /** One round: every active task moves up to its per-second budget. Returns messages moved. */
  async function runOnce(): Promise<number> {
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
        await runOnce();
        const active = await engine.moveTaskActive().catch(() => []);
        if (active.length > 0) schedule(MOVE_TICK_MS);
        // On a shared store a task may be started (or orphaned by a dead node) elsewhere: keep looking.
        else if (engine.capabilities.shared) schedule(SHARED_IDLE_POLL_MS);
      })();
    }, delayMs);
    timer.unref?.();
  }

  return {
    start() {
      running = true;
      schedule(0);
    },
    kick: () => schedule(0),
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await inFlight.catch(() => undefined);
    },
    runOnce,
  };
}
