/**
 * The OverLimit check of a short-poll ReceiveMessage (semantics checkInflightLimit) without counting
 * the queue's in-flight messages on every receive.
 *
 * Counting (SQL.inflightCount) is an index range scan of up to `maxInflight` (120,000) entries: its
 * cost grew with the number of messages in flight (BENCHMARKS.md, issue 12, "the OverLimit in-flight
 * check on a deep SQLite queue"). Instead the engine keeps, per queue, an upper bound on the in-flight
 * count since the last exact count, and counts only when the bound does not prove the queue is under
 * the limit. The decision is the same as counting every time:
 *
 *  - After an exact count `n` at time `at`, let S be the queue's rows with received = 1 and
 *    visible_at > at. |S| = n, and for any now ≥ at the messages in flight at now are a subset of S
 *    (a row leaves flight only by time passing, a delete, or a lowered deadline). `bound` ≥ |S| is kept
 *    by adding 1 for every write that can put a row into S: a claim (MESSAGE_CLAIM), and a new deadline
 *    for a received row (ChangeMessageVisibility, including of a message whose deadline had passed;
 *    a ReceiveRequestAttemptId replay) — see {@link entering}. Nothing else writes received = 1 or
 *    visible_at of a received row: sends, dead-letter moves, imports and move tasks insert received = 0
 *    rows; deletes, purges and the retention sweep only remove rows (the bound then over-counts, which
 *    costs only an exact count).
 *  - A receive at now ≥ at with bound < limit is under the limit (in flight ≤ |S| ≤ bound). Otherwise
 *    the engine counts exactly (the count and the error message are then those of the plain check) and
 *    starts a new bound from it — only when the count is under its cap: a capped count is a lower
 *    bound, not a count, and a later call may pass a higher limit.
 *  - A clock that went back (now < at) means rows outside S may be in flight: count.
 *
 * The bounds are process state, so they must not survive what they do not see:
 *  - a restart: they start empty (the first short poll of each queue counts);
 *  - a rolled-back transaction: a count taken inside it may have seen writes that were undone (an
 *    earlier item's deletes), so every rollback path that drops the queue cache (forgetQueues) drops
 *    the bounds too. A savepoint rollback of one item keeps them: it undoes only that item's writes,
 *    which can only have raised a bound (a receive counts before it writes anything);
 *  - another process writing the same file (the engine allows it: SQLite's write lock serialises
 *    writers, the data directory is not locked): `PRAGMA data_version` changes when another connection
 *    commits, and a change drops every bound. It is read inside the batch transaction (BEGIN
 *    IMMEDIATE holds the write lock), so no other commit can land between the read and the decision.
 */
import type Database from 'better-sqlite3';

import { checkInflightLimit } from '../semantics/index.js';
import { DATA_VERSION, SQL } from './sql/index.js';

interface Bound {
  /** The `now` of the last exact count. */
  at: number;
  /** ≥ the number of rows with received = 1 and visible_at > at. */
  n: number;
}

export class InflightBounds {
  private readonly bounds = new Map<string, Bound>();
  /** PRAGMA data_version when the bounds were last known valid (undefined: not read yet). */
  private version: number | undefined;

  /** Exact counts done (tests and diagnostics). */
  counts = 0;

  constructor(private readonly q: (sql: string) => Database.Statement) {}

  /**
   * semantics checkInflightLimit for a receive at `now`: throws DomainError('OverLimit') iff the queue
   * has `max` or more messages in flight. Call inside the batch transaction, before the receive writes.
   */
  check(queueId: string, queueName: string, now: number, max: number): void {
    const version = (this.q(DATA_VERSION).get() as { data_version: number }).data_version;
    if (version !== this.version) {
      // Another connection committed (or first use): nothing learnt before holds.
      this.bounds.clear();
      this.version = version;
    }
    const b = this.bounds.get(queueId);
    if (b !== undefined && now >= b.at && b.n < max) return;
    this.counts++;
    const n = (this.q(SQL.inflightCount).get(queueId, now, max) as { n: number }).n;
    if (n < max) this.bounds.set(queueId, { at: now, n });
    else this.bounds.delete(queueId);
    checkInflightLimit(queueName, n, max);
  }

  /**
   * A row of the queue gets the visibility deadline `visibleAt` and is (or stays) received.
   * `prevVisibleAt` is its deadline before when it was already received, undefined when it was not.
   * Adds 1 to the bound when the row enters the counted set S (see the file header).
   */
  entering(queueId: string, prevVisibleAt: number | undefined, visibleAt: number): void {
    const b = this.bounds.get(queueId);
    if (b === undefined) return;
    if (visibleAt > b.at && !(prevVisibleAt !== undefined && prevVisibleAt > b.at)) b.n++;
  }

  /** Forget every bound (rollback, close, a deleted queue): the next check counts. */
  clear(): void {
    this.bounds.clear();
    this.version = undefined;
  }

  /** Forget one queue's bound. */
  drop(queueId: string): void {
    this.bounds.delete(queueId);
  }
}
