/**
 * FIFO group rows and the locking protocol of the whole engine.
 *
 * Locking protocol (why there are no deadlocks in normal operation, and why FIFO groups are exclusive)
 *  - FIFO group rows (`fifo_groups`) are the locks of message groups. The order is always
 *    queue row → group rows (ascending group id) → message rows. A row is either non-empty (head_seq,
 *    ready_at = the head's visible_at) or *empty* (both NULL: the group had no messages when it was
 *    last recomputed); an empty row is never ready, so receives never look at it. Rows are not dropped
 *    when their group empties: the sweep drops empty rows later (see below).
 *  - Lock modes. Everything that changes a group's state — receive claims, deletes, visibility
 *    changes, recomputes — locks its row `FOR NO KEY UPDATE` (the mode of the recomputing UPDATE
 *    itself): those exclude each other. A send appending to a non-empty group takes only `FOR KEY
 *    SHARE`, which conflicts with none of them, only with `FOR UPDATE`; `FOR UPDATE` is what marking a
 *    row empty and dropping it need. So sends no longer wait for deletes, receives or visibility
 *    changes of their groups, nor these for sends (the send used to take the row's update lock and
 *    hold it until its commit's WAL flush while the deletes of the group waited for it and it for
 *    them: BENCHMARKS.md, "a convoy on the group rows").
 *      · receive: locks the ready group rows it drains with `FOR NO KEY UPDATE SKIP LOCKED` (a group
 *        being drained by another node is skipped, not waited for), then claims their messages;
 *      · delete / visibility change on a FIFO queue: reads the messages' groups, locks those group rows
 *        (`FOR NO KEY UPDATE`, blocking, ascending), then locks and changes the messages, then
 *        recomputes the group rows (refreshGroups);
 *      · send: locks the queue row (`UPDATE … seq_counter`, which also reserves sequence numbers and
 *        serialises FIFO sends per queue, so sequence order is commit order), checks deduplication, then
 *        inserts messages and locks each existing group row it appends to `FOR KEY SHARE`; only the rows
 *        whose state changes — a new group, a dropped row, an empty row — are written (inserted, or
 *        updated with the send's first message as head), which locks them exclusively until commit.
 *    A group row is recomputed only by a holder of its `FOR NO KEY UPDATE` lock (or stronger), in a
 *    statement issued *after* the lock was acquired (READ COMMITTED gives that statement a fresh
 *    snapshot that includes everything the previous holder committed).
 *  - Emptying. A recompute that finds a group without messages cannot tell from its snapshot whether
 *    a send is appending to it right now (the send holds only `FOR KEY SHARE`, and its messages are not
 *    committed yet): marking the row empty then would strand those messages behind a row no receive
 *    looks at. So it asks for `FOR UPDATE SKIP LOCKED` on the row: granted, no send holds the row (one
 *    that held it has committed, and a later one waits for this transaction), and a recompute in a new
 *    statement decides with a snapshot that has every appended message; refused, a send is appending,
 *    and the row is only made ready now (its old head is gone): the first receive after that send's
 *    commit finds the new messages and recomputes it. The emptying transaction never waits for a send;
 *    a send waits for it only when it appends to the row being emptied (one commit).
 *  - The sweep drops empty rows it can lock `FOR UPDATE SKIP LOCKED` and whose group has no messages;
 *    a send blocked on such a row finds it gone and inserts a new one.
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
 *  No lock cycle: `FOR KEY SHARE` waits only for `FOR UPDATE`, whose holders (emptying, sweep) take it
 *  with SKIP LOCKED and never wait afterwards; the other group locks are taken in ascending order.
 */
import type pg from 'pg';

import type { PgContext } from './context.js';
import { Q_LOCK_EMPTIED, Q_LOCK_GROUPS, Q_REFRESH_GROUPS, Q_TOUCH_GROUPS } from './sql/groups.js';

/** A group that gets new messages: its first new sequence number, and when that one is deliverable. */
export interface GroupHead {
  seq: number;
  readyAt: number;
}

/** Lock group rows for a change (`FOR NO KEY UPDATE`, blocking, ascending id — the one lock order). */
export async function lockGroups(c: pg.ClientBase, queueId: string, groups: Iterable<string>): Promise<void> {
  const list = [...new Set(groups)].sort();
  if (!list.length) return;
  await c.query(Q_LOCK_GROUPS, [queueId, list]);
}

/**
 * The group rows of messages just appended (sql/groups.TOUCH_GROUPS_CTES): each existing row locked
 * `FOR KEY SHARE`; a missing or empty row gets the first new message as head, deliverable at `readyAt`.
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
 * Recompute group rows from their messages (caller holds their locks, `FOR NO KEY UPDATE` at least):
 * head = lowest sequence; ready_at = semantics.groupReadyAt (in SQL). A group found without messages
 * is marked empty only under `FOR UPDATE`, taken without waiting (see "Emptying" above): rows a send
 * holds are made ready at `now` instead. Returns ready_at per group that has messages.
 */
export async function refreshGroups(
  ctx: PgContext,
  c: pg.ClientBase,
  queueId: string,
  groups: Iterable<string>,
  now: number,
): Promise<Map<string, number>> {
  const list = [...new Set(groups)].sort();
  const out = new Map<string, number>();
  if (!list.length) return out;
  const r = await c.query<{ group_id: string; ready_at: number | null }>({
    name: 'ferry_refresh_groups',
    text: Q_REFRESH_GROUPS,
    values: [queueId, list, false],
  });
  const empty: string[] = [];
  for (const row of r.rows) {
    if (row.ready_at === null) empty.push(row.group_id);
    else out.set(row.group_id, row.ready_at);
  }
  ctx.noteChurn(list.length);
  if (!empty.length) return out;
  empty.sort();
  const l = await c.query<{ locked: string[] | null }>({ name: 'ferry_lock_emptied', text: Q_LOCK_EMPTIED, values: [queueId, empty, now] });
  const locked = l.rows[0]!.locked ?? [];
  if (!locked.length) return out;
  // A statement of its own, after the FOR UPDATE locks: its snapshot has every message a send that
  // held one of these rows appended.
  const again = await c.query<{ group_id: string; ready_at: number | null }>({
    name: 'ferry_refresh_groups',
    text: Q_REFRESH_GROUPS,
    values: [queueId, locked.sort(), true],
  });
  for (const row of again.rows) if (row.ready_at !== null) out.set(row.group_id, row.ready_at);
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
      const ready = await refreshGroups(ctx, t.client, queueId, groups, t.now);
      if (someReady(ready, t.now)) t.wakes.add(queueId);
    })
    .catch(() => undefined);
}
