/**
 * Group commit of one process's concurrent requests (PostgreSQL's own group commit, one level up).
 *
 * Every standard send, standard delete and visibility change used to be its own statement and its own
 * commit: a round trip, a parse/bind/execute, a WAL flush and a commit record each, and the same again
 * in Ferry (a pooled connection, a promise chain). Under concurrency the commits only queue up behind
 * each other's WAL flush anyway. A {@link GroupCommit} runs requests of one kind together instead:
 *
 *  - a request that arrives while fewer than `maxInFlight` batches of its kind are running starts a
 *    batch at the end of the current event-loop turn (`setImmediate`), together with every request of
 *    its kind that arrived in that same turn: an idle server adds one loop turn, never a wait for a
 *    batch to fill. Starting it at once instead sent the first of requests that arrive together (the
 *    deletes of the callers one combined receive just answered, the requests one socket read brought
 *    in) as a statement of its own: 63 % of the standard pipeline's receive statements were a batch of
 *    one (BENCHMARKS.md, issue 12 standard pipeline on one node);
 *  - requests that arrive while batches are running wait, and the next batch takes them all, in
 *    arrival order, up to a bound on their count and size (the "leader collects what arrived while
 *    the previous commit was in flight" pattern of the SQLite engine's group commit and of the FIFO
 *    send combiner);
 *  - the batch runs as one multi-row statement or one transaction (`run`), whose outcome is exactly
 *    that of running the requests one after the other in that order; a member that fails on its own
 *    (QueueNotFound) gets its own error from `run`'s per-member outcomes, the others still succeed;
 *  - every request is answered after the COMMIT that holds it returned, never before;
 *  - when the batch statement itself fails with something that is not the database service failing
 *    (for example one member's body that PostgreSQL refuses), nothing was committed; the members are
 *    then run again one by one, each alone, so one bad member cannot fail the others. A service
 *    failure (connection lost, timeout: Unavailable) fails every member, as it would have alone — the
 *    batch is not re-run, because its COMMIT may have happened before the connection broke.
 */

import { DomainError } from '../../errors/domain.js';
import { isServiceError } from './errors.js';

/** One member's outcome in a batch. */
export type MemberOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * Runs a batch (at least one request) as one statement or transaction: one outcome per request, in order.
 * It may throw instead (a lone request's failure, a failed statement): see GroupCommit.execute.
 */
export type BatchRun<Q, R> = (requests: Q[]) => Promise<Array<MemberOutcome<R>>>;

export interface GroupCommitOptions<Q> {
  /** Most requests of one batch (the first always goes, whatever its size). */
  maxCount: number;
  /** Most bytes of one batch, as `size` counts them (the first always goes). */
  maxBytes: number;
  /** Size of a request for `maxBytes` (bodies, mostly). */
  size: (q: Q) => number;
  /** Batches of this kind running at once. Default 1. */
  maxInFlight?: number;
}

interface Pending<Q, R> {
  q: Q;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export class GroupCommit<Q, R> {
  private readonly waiting: Array<Pending<Q, R>> = [];
  private inFlight = 0;
  private readonly maxInFlight: number;
  /** A batch start is scheduled for the end of this event-loop turn (see submit). */
  private startScheduled = false;
  /** Batches run (each one statement or transaction, with one commit). For tests and diagnostics. */
  batches = 0;
  /** Largest batch run so far (requests). For tests and diagnostics. */
  largest = 0;

  constructor(
    private readonly run: BatchRun<Q, R>,
    private readonly opts: GroupCommitOptions<Q>,
  ) {
    this.maxInFlight = Math.max(1, opts.maxInFlight ?? 1);
  }

  /** Batches run and the largest batch, for tests and diagnostics. */
  stats(): { batches: number; largest: number } {
    return { batches: this.batches, largest: this.largest };
  }

  /**
   * Run `q` at the end of this event-loop turn when a slot is free (with the other requests of this
   * turn), else in the next batch. Resolves after the commit that holds it.
   */
  submit(q: Q): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ q, resolve, reject });
      if (this.inFlight < this.maxInFlight && !this.startScheduled) {
        this.startScheduled = true;
        setImmediate(() => {
          this.startScheduled = false;
          while (this.inFlight < this.maxInFlight && this.waiting.length > 0) this.next();
        });
      }
    });
  }

  /** Take the next batch off the waiting list (arrival order, bounded) and run it. */
  private next(): void {
    if (this.waiting.length === 0) return;
    let n = 0;
    let bytes = 0;
    while (n < this.waiting.length && (n === 0 || (n < this.opts.maxCount && bytes + this.opts.size(this.waiting[n]!.q) <= this.opts.maxBytes))) {
      bytes += this.opts.size(this.waiting[n]!.q);
      n++;
    }
    const batch = this.waiting.splice(0, n);
    this.inFlight++;
    void this.execute(batch).finally(() => {
      this.inFlight--;
      this.next();
    });
  }

  private async execute(batch: Array<Pending<Q, R>>): Promise<void> {
    this.batches++;
    if (batch.length > this.largest) this.largest = batch.length;
    let outcomes: Array<MemberOutcome<R>>;
    try {
      outcomes = await this.run(batch.map((p) => p.q));
    } catch (e) {
      if (batch.length === 1 || e instanceof DomainError || isServiceError(e)) {
        for (const p of batch) p.reject(e);
        return;
      }
      // The batch statement failed and nothing of it was committed: each member alone, in order.
      for (const p of batch) {
        this.batches++;
        try {
          settle(p, (await this.run([p.q]))[0]!);
        } catch (e1) {
          p.reject(e1);
        }
      }
      return;
    }
    batch.forEach((p, i) => settle(p, outcomes[i]!));
  }
}

function settle<Q, R>(p: Pending<Q, R>, o: MemberOutcome<R>): void {
  if (o.ok) p.resolve(o.value);
  else p.reject(o.error);
}

/**
 * One {@link GroupCommit} per key (a queue id): requests of one key combine, requests of different
 * keys never wait for each other. A key's group commit exists while it has requests outstanding and
 * is dropped when its last one is answered, so the map holds only busy keys.
 */
export class KeyedGroupCommit<Q, R> {
  private readonly byKey = new Map<string, { gc: GroupCommit<Q, R>; pending: number }>();
  /** Batches of group commits already dropped. */
  private retired = 0;
  private largest = 0;

  constructor(
    private readonly run: BatchRun<Q, R>,
    private readonly opts: GroupCommitOptions<Q>,
  ) {}

  /** Run `q` now when its key has a free slot, else in that key's next batch (GroupCommit.submit). */
  submit(key: string, q: Q): Promise<R> {
    let e = this.byKey.get(key);
    if (!e) {
      e = { gc: new GroupCommit(this.run, this.opts), pending: 0 };
      this.byKey.set(key, e);
    }
    const entry = e;
    entry.pending++;
    const done = (): void => {
      if (--entry.pending > 0) return;
      const s = entry.gc.stats();
      this.retired += s.batches;
      if (s.largest > this.largest) this.largest = s.largest;
      if (this.byKey.get(key) === entry) this.byKey.delete(key);
    };
    const p = entry.gc.submit(q);
    p.then(done, done);
    return p;
  }

  /** Batches run and the largest batch over every key, for tests and diagnostics. */
  stats(): { batches: number; largest: number } {
    let batches = this.retired;
    let largest = this.largest;
    for (const { gc } of this.byKey.values()) {
      const s = gc.stats();
      batches += s.batches;
      if (s.largest > largest) largest = s.largest;
    }
    return { batches, largest };
  }
}
