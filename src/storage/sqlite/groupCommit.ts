/**
 * The batch machinery of the group commit: one `BEGIN IMMEDIATE … COMMIT` runs every queued work item
 * in arrival order. Items run without savepoints (two statements each saved); when one throws, the
 * whole transaction is rolled back and the batch re-run with one SAVEPOINT per item, so a DomainError
 * still undoes only its own item. Items are pure functions of the database state, so running one twice
 * is harmless: nothing of a rolled-back run escapes.
 *
 * The write queue that feeds batches, and the WAL sync that makes them durable, are the engine's
 * (engine.ts, walSync.ts); this file only runs a batch and settles it.
 */
import type Database from 'better-sqlite3';

import { DomainError } from '../../errors/domain.js';
import type { WakeListener } from '../engine.js';
import { BEGIN_IMMEDIATE, COMMIT, RELEASE_ITEM, ROLLBACK, ROLLBACK_TO_ITEM, SAVEPOINT_ITEM } from './sql/index.js';

/** Per-item transaction context: what to do after the batch committed. */
export interface TxContext {
  /** Queue ids whose waiters should be woken after commit. */
  wakes: Set<string>;
}

/** A queued mutating call. `fn` runs inside the batch transaction; it is synchronous and never calls listeners. */
export interface WorkItem {
  fn: (tx: TxContext) => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  /** The item adds data (a send): refused while the disk is full (diskSpace.ts). */
  grow?: boolean;
  /** Already re-run once after the reserve was released on SQLITE_FULL. */
  retried?: boolean;
}

export type Outcome = { ok: true; value: unknown; tx: TxContext } | { ok: false; error: unknown };

/** What a batch needs from the engine. */
export interface BatchHost {
  q(sql: string): Database.Statement;
  /** The connection has an open transaction. */
  inTransaction(): boolean;
  /** Drop the queue cache: entries may have been dropped for, or served to, rolled-back writes. */
  forgetQueues(): void;
  /** A native failure as DomainError('Unavailable'); DomainErrors unchanged. */
  toDomain(e: unknown): unknown;
}

/**
 * Run the batch in one transaction and commit it: fast path without savepoints, and when an item
 * throws, again with one savepoint per item (which always yields outcomes). Native failures of
 * BEGIN/COMMIT propagate after ROLLBACK: the caller rejects every item.
 */
export function executeBatch(host: BatchHost, batch: WorkItem[]): Outcome[] {
  return runBatch(host, batch, false) ?? (runBatch(host, batch, true) as Outcome[]);
}

/**
 * One attempt at the batch transaction. Without savepoints, returns undefined (after ROLLBACK)
 * as soon as an item throws, so the caller re-runs with savepoints; with them, a throwing item
 * is undone alone. Native failures of BEGIN/COMMIT propagate (after ROLLBACK).
 */
function runBatch(host: BatchHost, batch: WorkItem[], savepoints: boolean): Outcome[] | undefined {
  const outcomes: Outcome[] = new Array<Outcome>(batch.length);
  host.q(BEGIN_IMMEDIATE).run();
  try {
    for (let i = 0; i < batch.length; i++) {
      const tx: TxContext = { wakes: new Set() };
      if (!savepoints) {
        try {
          outcomes[i] = { ok: true, value: batch[i]!.fn(tx), tx };
        } catch {
          host.q(ROLLBACK).run();
          // Dropped cache entries may belong to rolled-back writes: the re-run reloads them.
          host.forgetQueues();
          return undefined;
        }
        continue;
      }
      host.q(SAVEPOINT_ITEM).run();
      try {
        const value = batch[i]!.fn(tx);
        host.q(RELEASE_ITEM).run();
        outcomes[i] = { ok: true, value, tx };
      } catch (e) {
        // A full disk is the batch's problem, not the item's: the engine releases its reserve and
        // re-runs what drains (engine.ts flush), so it must see the failure.
        if ((e as { code?: unknown } | null)?.code === 'SQLITE_FULL') throw e;
        // Undo only this item; if even that fails the connection is unusable → abort batch.
        host.q(ROLLBACK_TO_ITEM).run();
        host.q(RELEASE_ITEM).run();
        outcomes[i] = { ok: false, error: host.toDomain(e) };
      }
    }
    host.q(COMMIT).run();
    return outcomes;
  } catch (e) {
    if (host.inTransaction()) {
      try {
        host.q(ROLLBACK).run();
      } catch {
        // Nothing more to do: the batch is lost and every caller is told so.
      }
    }
    throw e;
  }
}

/** Answer every item of a committed batch, or reject them all when its WAL sync failed. */
export function settleBatch(batch: WorkItem[], outcomes: Outcome[], syncError?: unknown): void {
  if (syncError !== undefined) {
    // The commit may or may not be on disk: the callers learn the outcome is unknown (5xx).
    const err = new DomainError('Unavailable', `sqlite: syncing the WAL failed: ${(syncError as Error).message}`);
    for (const item of batch) item.reject(err);
    return;
  }
  for (let i = 0; i < batch.length; i++) {
    const o = outcomes[i]!;
    if (o.ok) batch[i]!.resolve(o.value);
    else batch[i]!.reject(o.error);
  }
}

/** Wake the listeners of every queue an item of the committed batch asked to wake, once each. */
export function emitWakes(outcomes: Outcome[], listeners: Iterable<WakeListener>): void {
  const wakes = new Set<string>();
  for (const o of outcomes) if (o.ok) for (const w of o.tx.wakes) wakes.add(w);
  for (const queueId of wakes) {
    for (const l of listeners) {
      try {
        l(queueId);
      } catch {
        // A listener's failure must not affect storage or other listeners.
      }
    }
  }
}
