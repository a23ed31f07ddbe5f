/**
 * Housekeeping (StorageEngine.sweep): what time has made dead. Messages past retention go in chunks
 * of separate transactions (the engine loops over {@link sweepExpired}) so the write lock is never
 * held long; dedup entries, attempt ids and old deleted-name tombstones go in one more.
 */
import { TOMBSTONE_TTL_MS, retentionCutoff } from '../semantics/index.js';
import type { SqliteCtx } from './context.js';
import { type MessageRow, type QueueRow, freezeQueue } from './rows.js';
import { QUEUES_ALL, SWEEP_ATTEMPTS, SWEEP_DEDUP, SWEEP_EXPIRED_MESSAGES, SWEEP_TOMBSTONES } from './sql/index.js';
import { deleteMessage, refreshGroup } from './store.js';

/** Expired messages removed per sweep transaction (keeps the write lock short). */
export const SWEEP_CHUNK = 2_000;

/** Remove up to SWEEP_CHUNK messages past retention (over all queues); returns how many. */
export function sweepExpired(ctx: SqliteCtx): number {
  const now = ctx.clock.now();
  let removed = 0;
  const queues = (ctx.q(QUEUES_ALL).all() as QueueRow[]).map(freezeQueue);
  for (const q of queues) {
    if (removed >= SWEEP_CHUNK) break;
    const rows = ctx.q(SWEEP_EXPIRED_MESSAGES).all(q.id, retentionCutoff(q, now), SWEEP_CHUNK - removed) as Array<
      Pick<MessageRow, 'id' | 'payload_id' | 'group_id'>
    >;
    const groups = new Set<string>();
    for (const r of rows) {
      deleteMessage(ctx, r);
      if (q.fifo && r.group_id !== null) groups.add(r.group_id);
    }
    for (const g of groups) refreshGroup(ctx, q.id, g);
    removed += rows.length;
  }
  return removed;
}

/** Remove dedup entries and attempt ids past their window, and tombstones older than a day. */
export function sweepWindows(ctx: SqliteCtx): void {
  const now = ctx.clock.now();
  ctx.q(SWEEP_DEDUP).run(now);
  ctx.q(SWEEP_ATTEMPTS).run(now);
  ctx.q(SWEEP_TOMBSTONES).run(now - TOMBSTONE_TTL_MS);
}
