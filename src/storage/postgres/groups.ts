/**
 * FIFO group rows and the locking protocol of the whole engine.
 *
 * Locking protocol (why there are no deadlocks in normal operation, and why FIFO groups are exclusive)
 *  - FIFO group rows (`fifo_groups`) are the locks of message groups. The order is always
 *    queue row → group rows (ascending group id) → message rows.
 *      · receive: locks the ready group rows it drains with `FOR UPDATE SKIP LOCKED` (a group being
 *        drained by another node is skipped, not waited for), then claims their messages;
 *      · delete / visibility change on a FIFO queue: reads the messages' groups, locks those group rows
 *        (blocking, ascending), then locks and changes the messages, then recomputes the group rows;
 *      · send: locks the queue row (`UPDATE … seq_counter`, which also reserves sequence numbers and
 *        serialises FIFO sends per queue, so sequence order is commit order), checks deduplication, then
 *        inserts messages and "touches" each group row (`INSERT … ON CONFLICT DO UPDATE` no-op), which
 *        takes the group lock so a concurrent delete cannot drop the row of a group that just got a
 *        message.
 *    A group row is recomputed only by its lock holder, in a statement issued *after* the lock was
 *    acquired (READ COMMITTED gives that statement a fresh snapshot that includes everything the
 *    previous holder committed).
 *  - Receives also check a group's deliverable prefix against the messages themselves (its visible
 *    messages in order, up to the first one in flight or delayed), so a stale `fifo_groups` row can
 *    delay a delivery but never break ordering.
 *  - Housekeeping that deletes messages outside a receive (sweep, move tasks) locks messages first and
 *    so must not then wait for group rows; it recomputes the affected groups in a second transaction.
 *  - Standard queues need no group locks: `FOR UPDATE SKIP LOCKED` on the message rows is the claim.
 *  - Queue rows: sends take `FOR KEY SHARE` (standard) or `FOR NO KEY UPDATE` (FIFO); DeleteQueue and
 *    PurgeQueue take `FOR UPDATE` first, so they wait for running sends and a send never lands in a
 *    deleted queue.
 *  - Move tasks: a step locks its task row `FOR UPDATE SKIP LOCKED`; a step on another node at the same
 *    moment finds it locked and does nothing. Task state lives only in the table, so any node's runner
 *    continues a task when the node that was stepping it dies.
 */
import type pg from 'pg';

import type { PgContext } from './context.js';
import { Q_LOCK_GROUPS, Q_REFRESH_GROUPS, Q_TOUCH_GROUPS } from './sql/groups.js';

/** A group that gets new messages: its first new sequence number, and when that one is deliverable. */
export interface GroupHead {
  seq: number;
  readyAt: number;
}

/** Lock group rows (blocking, ascending id — the one lock order). */
export async function lockGroups(c: pg.ClientBase, queueId: string, groups: Iterable<string>): Promise<void> {
  const list = [...new Set(groups)].sort();
  if (!list.length) return;
  await c.query(Q_LOCK_GROUPS, [queueId, list]);
}

/**
 * Take the lock of each group that receives new messages, creating the row when the group is new
 * (its head is then the first new message, deliverable at `readyAt`). An existing row is left as is
 * (an append changes neither head nor ready_at) but locked by the no-op update.
 */
export async function touchGroups(c: pg.ClientBase, queueId: string, heads: Map<string, GroupHead>): Promise<void> {
  if (!heads.size) return;
  const names = [...heads.keys()].sort();
  await c.query(Q_TOUCH_GROUPS, [queueId, names, names.map((g) => heads.get(g)!.seq), names.map((g) => heads.get(g)!.readyAt)]);
}

/** The head of each group among rows just inserted (lowest sequence number), all ready at `readyAt`. */
export function insertedHeads(rows: ReadonlyArray<{ group_id: string | null; seq: number | null }>, readyAt: number): Map<string, GroupHead> {
  const heads = new Map<string, GroupHead>();
  for (const r of rows) {
    if (r.group_id === null || r.seq === null) continue;
    const h = heads.get(r.group_id);
    if (!h || r.seq < h.seq) heads.set(r.group_id, { seq: r.seq, readyAt });
  }
  return heads;
}

/**
 * Recompute group rows from their messages (caller holds the group locks): head = lowest sequence;
 * ready_at = semantics.groupReadyAt (in SQL); empty groups are deleted. Returns ready_at per
 * remaining group.
 */
export async function refreshGroups(ctx: PgContext, c: pg.ClientBase, queueId: string, groups: Iterable<string>): Promise<Map<string, number>> {
  const list = [...new Set(groups)].sort();
  const out = new Map<string, number>();
  if (!list.length) return out;
  const r = await c.query<{ group_id: string; ready_at: number }>({ text: Q_REFRESH_GROUPS, values: [queueId, list] });
  for (const row of r.rows) out.set(row.group_id, row.ready_at);
  ctx.noteChurn(list.length);
  return out;
}

/** Whether some refreshed group is ready at `now` (its queue must be woken). */
export function someReady(ready: Map<string, number>, now: number): boolean {
  for (const r of ready.values()) if (r <= now) return true;
  return false;
}

/**
 * Recompute groups in a transaction of their own, after housekeeping that had to lock messages
 * first (see the locking protocol). Best effort: a stale row only delays deliveries (receives check
 * each group's deliverable prefix against the messages themselves) and is recomputed by the next receive of the group.
 */
export async function refreshGroupsLater(ctx: PgContext, queueId: string, groups: Set<string>): Promise<void> {
  if (!groups.size) return;
  await ctx
    .tx(async (t) => {
      await lockGroups(t.client, queueId, groups);
      const ready = await refreshGroups(ctx, t.client, queueId, groups);
      if (someReady(ready, t.now)) t.wakes.add(queueId);
    })
    .catch(() => undefined);
}
