/**
 * queueGauges for the SQLite engine: every queue's CloudWatch gauges in one read transaction (two
 * statements: the queue list, whose retention settings are interpreted in JS by semantics, then
 * sql/gauges.GAUGES_ALL over all of them).
 *
 * Off the event loop. better-sqlite3 is synchronous, and the counts step over every index entry of every
 * queue: measured on a 2-core machine, 1,000 queues holding 1,000,000 messages took 85–150 ms in one
 * statement (BENCHMARKS.md, "metrics scrape") — a stall no request should wait behind. So a durable
 * WAL-mode store reads its gauges on a worker thread with a connection of its own (gaugeWorker.ts):
 * in WAL mode a reader neither blocks nor waits for the writer, and sees the last committed state. A
 * store without WAL (`:memory:`, or a file system without shared memory, where a long reader would
 * hold the writer's commit back) reads in-thread, here.
 */
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

import { DomainError } from '../../errors/domain.js';
import type { GaugeSnapshot, QueueGauges } from '../engine.js';
import { byQueueName, POISON_PILL_RECEIVES, redrivePlan, retentionCutoff } from '../semantics/index.js';
import { GAUGES_ALL, GAUGES_QUEUES } from './sql/index.js';

interface GaugeRow {
  id: string;
  name: string;
  fifo: number;
  visible: number;
  inflight: number;
  delayed: number;
  x_visible: number;
  x_inflight: number;
  x_delayed: number;
  oldest: number | null;
  groups: number;
}

/**
 * Read every queue's gauges at `now` through `prepare` (a statement cache of the connection), in one
 * read transaction of `db` so the queue list and the counts are one snapshot.
 */
export function readGauges(db: Database.Database, prepare: (sql: string) => Database.Statement, now: number): GaugeSnapshot {
  return db.transaction(() => {
    const queues = (prepare(GAUGES_QUEUES).all() as Array<{ id: string; account_id: string; name: string; fifo: number; attributes: string }>).map(
      (q) => ({
        ...q,
        attributes: JSON.parse(q.attributes) as Record<string, string>,
      }),
    );
    const accounts = new Map(queues.map((q) => [q.id, q.account_id]));
    const arg = queues.map((q) => [q.id, q.name, q.fifo, retentionCutoff(q, now)]);
    const targets = new Map(queues.map((q) => [q.id, redrivePlan(q)?.dlqName]));
    const rows = prepare(GAUGES_ALL).all({ queues: JSON.stringify(arg), now, pill: POISON_PILL_RECEIVES }) as GaugeRow[];
    const out = rows.map((r): QueueGauges => {
      const g: QueueGauges = {
        queueId: r.id,
        accountId: accounts.get(r.id)!,
        name: r.name,
        fifo: r.fifo === 1,
        visible: r.visible - r.x_visible,
        inflight: r.inflight - r.x_inflight,
        delayed: r.delayed - r.x_delayed,
        groupsWithInflight: r.groups,
      };
      if (r.oldest !== null) g.oldestSentAt = r.oldest;
      const target = targets.get(r.id);
      if (target !== undefined) g.deadLetterTarget = target;
      return g;
    });
    return { at: now, queues: out.sort(byQueueName) };
  })();
}

/** A request to the worker, and its answer. */
export interface GaugeRequest {
  id: number;
  now: number;
}
export type GaugeReply = { id: number; snapshot: GaugeSnapshot } | { id: number; error: { message: string; code?: string } };

/** What the worker needs to open its own connection. */
export interface GaugeWorkerData {
  path: string;
  busyTimeoutMs: number;
}

/**
 * The main-thread side of the gauge worker: started on first use, one connection, requests answered
 * in order. A failed or exited worker rejects what it had and is started again by the next read.
 */
export class GaugeReader {
  private worker: Worker | undefined;
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (s: GaugeSnapshot) => void; reject: (e: unknown) => void }>();

  constructor(private readonly data: GaugeWorkerData) {}

  read(now: number): Promise<GaugeSnapshot> {
    const w = (this.worker ??= this.start());
    const id = ++this.seq;
    return new Promise<GaugeSnapshot>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, now } satisfies GaugeRequest);
    });
  }

  private start(): Worker {
    const w = new Worker(new URL('./gaugeWorker.js', import.meta.url), { workerData: this.data });
    // The worker must not keep the process alive; a pending read is always awaited by someone who does.
    w.unref();
    w.on('message', (m: GaugeReply) => {
      const p = this.pending.get(m.id);
      if (p === undefined) return;
      this.pending.delete(m.id);
      if ('error' in m) p.reject(new DomainError('Unavailable', `sqlite: ${m.error.message}`));
      else p.resolve(m.snapshot);
    });
    const gone = (why: string): void => {
      if (this.worker === w) this.worker = undefined;
      this.failAll(new DomainError('Unavailable', `sqlite: the gauge reader ${why}`));
    };
    w.on('error', (e) => gone(`failed: ${e.message}`));
    w.on('exit', (code) => gone(`exited (${code})`));
    return w;
  }

  private failAll(e: unknown): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  /** Stop the worker (its connection closes with it); pending reads reject. */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.failAll(new DomainError('Unavailable', 'engine is closed'));
    if (w) {
      w.removeAllListeners('exit');
      await w.terminate();
    }
  }
}
