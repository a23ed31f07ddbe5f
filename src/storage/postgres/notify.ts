/**
 * Wake-ups across processes with LISTEN/NOTIFY. A transaction that makes messages deliverable calls
 * `pg_notify` before COMMIT (PostgreSQL delivers it at commit, never for a rollback) and this
 * process's own listeners are called right after COMMIT. Notifications are hints: they are lost while
 * the LISTEN connection is down, so after every reconnect the notifier re-LISTENs and wakes every
 * queue this process knows, and `capabilities.maxWaitSliceMs` (1 s) makes long polls re-check at
 * least once a second.
 *
 * A payload is `<instance> <queue id>`: the instance tag lets this process ignore its own
 * notifications (it already woke its listeners after COMMIT).
 *
 * Only queues that another process long-polls are notified (sql/notify.ts explains why a NOTIFY is
 * expensive): before a long poll parks, `expectWakes` registers this process's interest in the queue
 * (`wake_interest`, for INTEREST_TTL_S seconds of the database's clock, renewed in the background
 * once half of it has passed), and notifying statements check for a live interest of another
 * instance. A fresh registration makes the receive try once more before it waits: a send whose
 * statement read `wake_interest` before the registration committed, and committed after that last try
 * read the queue, sends no NOTIFY; its wake comes from the poll's next re-check (maxWaitSliceMs, 1 s).
 * That window is one statement long and opens only when a process starts (or, after a minute without
 * parking, restarts) long-polling a queue.
 */
import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';

import type { WakeListener } from '../engine.js';
import { listenSql, notifyAndCommitSql } from './sql/notify.js';

/** Seconds a registration of wake interest lasts in the database; renewed after half of it. */
export const INTEREST_TTL_S = 60;

export interface NotifierDeps {
  /**
   * Open the LISTEN connection (no session options, no query timeout) on the first usable host of the
   * connection string (hosts.ts): after a failover it reconnects to the new primary.
   */
  connect: () => Promise<pg.Client>;
  closed: () => boolean;
  warn: (message: string, detail?: Record<string, unknown>) => void;
  /** Every queue id this process knows (woken after a reconnect). */
  knownIds: () => Iterable<string>;
  /** Register (or extend) this instance's interest in a queue for `seconds` (sql/notify.Q_INTEREST_SET). */
  setInterest: (queueId: string, instance: string, seconds: number) => Promise<void>;
}

export class Notifier {
  /** NOTIFY channel of this schema (a hash keeps it under PostgreSQL's 63-byte identifier limit). */
  readonly channel: string;
  /** Tags this engine's own notifications so it does not wake itself twice. */
  readonly instance = randomUUID();
  private readonly listeners = new Set<WakeListener>();
  private listener: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private everUp = false;
  private connecting = false;
  /** Queue id → when (performance.now()) this process last registered interest in it. */
  private readonly interests = new Map<string, number>();
  /** Registrations under way (concurrent polls of one queue share one). */
  private readonly registering = new Map<string, Promise<boolean>>();

  constructor(
    schema: string,
    private readonly deps: NotifierDeps,
  ) {
    this.channel = `ferry_${createHash('sha1').update(schema).digest('hex').slice(0, 16)}`;
  }

  /** Subscribe; returns the unsubscribe function. */
  onWake(listener: WakeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Call this process's listeners for each queue. */
  emit(queueIds: Iterable<string>): void {
    for (const queueId of queueIds) {
      for (const l of [...this.listeners]) {
        try {
          l(queueId);
        } catch {
          // A listener's failure must not affect storage or other listeners.
        }
      }
    }
  }

  /**
   * This process is about to wait for wake-ups of `queueId`: make sure other processes notify it.
   * Returns true when the interest was not registered before (the caller then tries its receive again
   * before waiting: a message committed meanwhile was not announced), false when it already was
   * (a registration past half its life is renewed in the background). A failed registration is
   * reported and returns false: the wait's re-checks (maxWaitSliceMs) still find the messages.
   */
  expectWakes(queueId: string): boolean | Promise<boolean> {
    const now = performance.now();
    const at = this.interests.get(queueId);
    const age = at === undefined ? Infinity : now - at;
    if (age < INTEREST_TTL_S * 500) return false;
    const pending = this.registering.get(queueId);
    if (pending) return pending;
    // The local clock starts before the database's does (before the INSERT), so "expired here" comes
    // no later than "expired in the database".
    const fresh = age >= INTEREST_TTL_S * 1000;
    if (fresh && this.interests.size >= 1024) {
      for (const [q, t] of this.interests) if (now - t >= INTEREST_TTL_S * 1000) this.interests.delete(q);
    }
    const run = this.deps.setInterest(queueId, this.instance, INTEREST_TTL_S).then(
      () => {
        this.interests.set(queueId, now);
        return fresh;
      },
      (e: unknown) => {
        this.deps.warn('could not register long-poll interest with PostgreSQL', { queueId, err: (e as Error)?.message });
        return false;
      },
    );
    const tracked = run.finally(() => this.registering.delete(queueId));
    this.registering.set(queueId, tracked);
    return fresh ? tracked : false;
  }

  /** Whether this process has registered interest in any queue (close withdraws them). */
  hasInterests(): boolean {
    return this.interests.size > 0 || this.registering.size > 0;
  }

  /** The NOTIFY payload naming `queueId`. */
  payload(queueId: string): string {
    return `${this.instance} ${queueId}`;
  }

  /**
   * The COMMIT round trip of a transaction that woke `queueIds`: NOTIFY those another process
   * long-polls, then COMMIT (literals escaped by `client`; sql/notify.notifyAndCommitSql).
   */
  notifyAndCommit(client: pg.ClientBase, queueIds: Iterable<string>): string {
    const queues = [...queueIds].map((q) => client.escapeLiteral(q));
    return notifyAndCommitSql(client.escapeLiteral(this.channel), client.escapeLiteral(this.instance), queues);
  }

  /**
   * Open the dedicated LISTEN connection (never a pooled one: a pooled session would be shared with
   * transactions). On any loss it reconnects with a short backoff, re-LISTENs, and wakes every known
   * queue because notifications sent meanwhile are gone.
   */
  async start(): Promise<void> {
    if (this.deps.closed() || this.listener || this.connecting) return;
    let c: pg.Client;
    this.connecting = true;
    try {
      c = await this.deps.connect();
    } catch {
      if (!this.deps.closed()) this.schedule(500);
      return;
    } finally {
      this.connecting = false;
    }
    let lost = false;
    const onLost = (): void => {
      if (lost) return;
      lost = true;
      if (this.listener === c) this.listener = undefined;
      c.end().catch(() => undefined);
      if (!this.deps.closed()) {
        this.deps.warn('PostgreSQL LISTEN connection lost; reconnecting');
        this.schedule(500);
      }
    };
    c.on('error', onLost);
    c.on('end', onLost);
    c.on('notification', (n) => {
      if (n.channel !== this.channel || !n.payload) return;
      const sp = n.payload.indexOf(' ');
      if (sp < 0 || n.payload.slice(0, sp) === this.instance) return;
      this.emit([n.payload.slice(sp + 1)]);
    });
    try {
      // Fails if the connection broke since it was opened (its 'end' may have come before the
      // handlers above): then this is a loss like any other.
      await c.query(listenSql(this.channel));
    } catch {
      onLost();
      return;
    }
    if (lost || this.deps.closed()) {
      await c.end().catch(() => undefined);
      return;
    }
    this.listener = c;
    if (this.everUp) this.emit([...this.deps.knownIds()]);
    this.everUp = true;
  }

  /** Close the LISTEN connection (the engine is closing: no reconnect). */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    const l = this.listener;
    this.listener = undefined;
    await l?.end().catch(() => undefined);
  }

  private schedule(ms: number): void {
    if (this.timer || this.deps.closed()) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.start();
    }, ms);
    this.timer.unref();
  }
}
