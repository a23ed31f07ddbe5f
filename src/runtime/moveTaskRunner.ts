/**
 * The background runner of message move tasks (StartMessageMoveTask): once per tick every active task
 * moves up to its MaxNumberOfMessagesPerSecond. It runs only while tasks are active (kicked when one
 * starts); on a shared store it keeps looking now and then, since another node may start a task or
 * die with one running.
 */
import type { Clock } from '../core/clock.js';
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

/** A manual clock jump runs at most this many one-second rounds (a jump of days must not run for ever). */
const MAX_ROUNDS_PER_JUMP = 3600;

/**
 * `clock`: with a clock that jumps (the manual test clock, `onChange`), rates follow that clock
 * instead of real time: a task moves its first second's budget when it starts (as with real time),
 * then one more second's budget for every second the clock is advanced; no real timer ticks.
 */
export function createMoveTaskRunner(engine: StorageEngine, clock?: Clock): MoveTaskRunner {
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();
  const manual = clock?.onChange !== undefined;
  /** Manual clock: advanced time not yet spent on rounds (ms). */
  let owedMs = 0;
  clock?.onChange?.((now, previous) => {
    if (!running || now <= previous) return;
    owedMs += now - previous;
    const rounds = Math.min(Math.floor(owedMs / MOVE_TICK_MS), MAX_ROUNDS_PER_JUMP);
    owedMs -= Math.floor(owedMs / MOVE_TICK_MS) * MOVE_TICK_MS;
    if (rounds === 0) return;
    inFlight = inFlight.then(async () => {
      for (let i = 0; i < rounds; i++) {
        if ((await runOnce()) === 0 && (await engine.moveTaskActive().catch(() => [])).length === 0) break;
      }
    });
  });

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

  /** When the pending timer fires (performance.now() time), to tell whether a kick must bring it forward. */
  let timerAt = 0;

  /**
   * Run a round in `delayMs`, unless one is already due by then. A pending timer that fires later is
   * replaced: on a shared store an idle runner always has its 5 s look-around pending, and a kick (a
   * task just started on this node) must not wait for it.
   */
  function schedule(delayMs: number): void {
    if (!running) return;
    const at = performance.now() + delayMs;
    if (timer) {
      if (timerAt <= at) return;
      clearTimeout(timer);
    }
    timerAt = at;
    timer = setTimeout(() => {
      timer = undefined;
      inFlight = (async () => {
        await runOnce();
        if (manual) return;
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
