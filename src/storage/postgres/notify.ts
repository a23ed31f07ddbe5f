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
 */
import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';

import type { WakeListener } from '../engine.js';
import { listenSql } from './sql/notify.js';

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

  /** The NOTIFY payload naming `queueId`. */
  payload(queueId: string): string {
    return `${this.instance} ${queueId}`;
  }

  /** A `pg_notify(…)` expression for `queueId`, with literals escaped by `client`. */
  notifyCall(client: pg.ClientBase, queueId: string): string {
    return `pg_notify(${client.escapeLiteral(this.channel)}, ${client.escapeLiteral(this.payload(queueId))})`;
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
