/**
 * Housekeeping (StorageEngine.sweep): messages past retention (one statement per retention period in
 * use, not per queue), dedup entries and attempt ids past
 * their window, deleted-name tombstones past TOMBSTONE_TTL_MS, empty FIFO group rows (groups.ts), expired long-poll
 * interests (notify.ts); then the count deltas are compacted
 * (sql/queues.Q_COMPACT_COUNTS). In chunks of separate statements
 * (SKIP LOCKED: rows a receive holds are left for the next sweep), so several nodes sweeping at once
 * neither block each other nor receivers. The sweep locks messages first, so it recomputes FIFO
 * groups in a transaction of its own afterwards (see the locking protocol in groups.ts).
 */
import { retentionCutoff, TOMBSTONE_TTL_MS } from '../semantics/index.js';
import type { PgContext } from './context.js';
import { refreshGroupsLater } from './groups.js';
import {
  Q_NOW,
  Q_SWEEP_ATTEMPTS,
  Q_SWEEP_DEDUP,
  Q_SWEEP_EMPTY_GROUPS,
  Q_SWEEP_EXPIRED,
  Q_SWEEP_RETENTION_GROUPS,
  Q_SWEEP_TOMBSTONES,
} from './sql/housekeeping.js';
import { Q_INTEREST_SWEEP } from './sql/notify.js';
import { Q_COMPACT_COUNTS } from './sql/queues.js';

/** Expired messages removed per sweep statement (keeps row locks short). */
const SWEEP_CHUNK = 2_000;

/** Empty FIFO group rows examined per sweep statement, and the most statements one sweep runs. */
const EMPTY_GROUPS_CHUNK = 2_000;
const EMPTY_GROUPS_ROUNDS = 50;

/** @see StorageEngine.sweep */
export async function sweep(ctx: PgContext): Promise<number> {
  let removed = 0;
  const fifoQueues: string[] = [];
  const groups = await ctx.one<{ retention: string | null; ids: string[]; fifo_ids: string[] | null }>(Q_SWEEP_RETENTION_GROUPS);
  const now = (await ctx.one<{ now: number }>(Q_NOW, [ctx.nowParam()])).rows[0]!.now;
  for (const { retention, ids, fifo_ids } of groups.rows) {
    const cutoff = retentionCutoff({ attributes: retention === null ? {} : { MessageRetentionPeriod: retention } }, now);
    // FIFO groups whose messages went: queue id → group ids. Only FIFO queues keep group state (a
    // standard queue's message may carry a MessageGroupId too: fair queues).
    const fifo = new Set(fifo_ids ?? []);
    fifoQueues.push(...fifo);
    const touched = new Map<string, Set<string>>();
    for (;;) {
      const r = await ctx.one<{ queue_id: string; group_id: string | null }>(Q_SWEEP_EXPIRED, [ids, cutoff, SWEEP_CHUNK]);
      removed += r.rows.length;
      ctx.noteChurn(r.rows.length);
      for (const row of r.rows) {
        if (row.group_id === null || !fifo.has(row.queue_id)) continue;
        let set = touched.get(row.queue_id);
        if (set === undefined) touched.set(row.queue_id, (set = new Set()));
        set.add(row.group_id);
      }
      if (r.rows.length < SWEEP_CHUNK) break;
    }
    for (const [queueId, set] of touched) await refreshGroupsLater(ctx, queueId, set);
  }
  await sweepEmptyGroups(ctx, fifoQueues);
  await ctx.one(Q_SWEEP_DEDUP, [now]);
  await ctx.one(Q_SWEEP_ATTEMPTS, [now]);
  await ctx.one(Q_SWEEP_TOMBSTONES, [now - TOMBSTONE_TTL_MS]);
  await ctx.one(Q_INTEREST_SWEEP);
  await ctx.one(Q_COMPACT_COUNTS, [now]);
  return removed;
}

/**
 * Drop the empty FIFO group rows of `queues` (groups.ts: a group that became empty keeps its row until
 * here), in chunks; a locked empty row whose group has messages is recomputed instead.
 */
async function sweepEmptyGroups(ctx: PgContext, queues: string[]): Promise<void> {
  if (!queues.length) return;
  for (let round = 0; round < EMPTY_GROUPS_ROUNDS; round++) {
    const r = await ctx.one<{ queue_id: string; group_id: string; dropped: boolean }>(Q_SWEEP_EMPTY_GROUPS, [queues, EMPTY_GROUPS_CHUNK]);
    const repair = new Map<string, Set<string>>();
    for (const row of r.rows) {
      if (row.dropped) continue;
      let set = repair.get(row.queue_id);
      if (set === undefined) repair.set(row.queue_id, (set = new Set()));
      set.add(row.group_id);
    }
    for (const [queueId, set] of repair) await refreshGroupsLater(ctx, queueId, set);
    if (r.rows.length < EMPTY_GROUPS_CHUNK) break;
  }
}
