/**
 * Housekeeping (StorageEngine.sweep): what time has made dead. Messages past retention go in chunks
 * of separate transactions (the engine loops over {@link sweepExpired}) so the write lock is never
 * held long; dedup entries, attempt ids and old deleted-name tombstones go in one more.
 */
import { TOMBSTONE_TTL_MS, retentionCutoff } from '../semantics/index.js';
import type { SqliteCtx } from './context.js';
import type { MessageRow } from './rows.js';
import { SWEEP_ATTEMPTS, SWEEP_DEDUP, SWEEP_EXPIRED_MESSAGES, SWEEP_RETENTION_GROUPS, SWEEP_TOMBSTONES } from './sql/index.js';
import { deleteMessage, refreshGroup } from './store.js';

/** Expired messages removed per sweep transaction (keeps the write lock short). */
export const SWEEP_CHUNK = 2_000;

/** Remove up to SWEEP_CHUNK messages past retention (over all queues); returns how many. */
export function sweepExpired(ctx: SqliteCtx): number {
  const now = ctx.clock.now();
  let removed = 0;
  const groups = ctx.q(SWEEP_RETENTION_GROUPS).all() as Array<{ retention: string | number | null; ids: string; fifo_ids: string }>;
  for (const { retention, ids, fifo_ids } of groups) {
    if (removed >= SWEEP_CHUNK) break;
    const cutoff = retentionCutoff({ attributes: retention === null ? {} : { MessageRetentionPeriod: String(retention) } }, now);
    const rows = ctx.q(SWEEP_EXPIRED_MESSAGES).all(ids, cutoff, SWEEP_CHUNK - removed) as Array<
      Pick<MessageRow, 'id' | 'payload_id' | 'queue_id' | 'group_id'>
    >;
    // FIFO groups whose messages went: queue id → group ids, each refreshed once. Only FIFO queues keep
    // group state (a standard queue's message may carry a MessageGroupId too: fair queues).
    const fifo = new Set(JSON.parse(fifo_ids) as string[]);
    const touched = new Map<string, Set<string>>();
    for (const r of rows) {
      deleteMessage(ctx, r);
      if (r.group_id === null || !fifo.has(r.queue_id)) continue;
      let set = touched.get(r.queue_id);
      if (set === undefined) touched.set(r.queue_id, (set = new Set()));
      set.add(r.group_id);
    }
    for (const [queueId, set] of touched) for (const g of set) refreshGroup(ctx, queueId, g);
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
