/**
 * ChangeMessageVisibility(Batch): one transaction that locks the messages (FIFO: their groups
 * first), decides each entry with semantics.visibilityEntry from the locked rows, writes the new
 * deadlines in one statement, and recomputes the FIFO groups. A deadline of "now" wakes the queue.
 */
import type { EntryResult, QueueRecord, VisibilityChangeParams } from '../engine.js';
import { visibilityDeadline, visibilityEntry } from '../semantics/index.js';
import { combinedPerQueue, lockMessages, receiptTarget } from './ack.js';
import type { PgContext, Tx } from './context.js';
import type { MemberOutcome } from './groupCommit.js';
import { refreshGroups } from './groups.js';
import { refId, refIds, type MessageRow } from './rows.js';
import { Q_LOCK_MESSAGES_ANY_QUEUE, Q_QUEUES_EXISTING, Q_SET_DEADLINES } from './sql/ack.js';

/**
 * @see StorageEngine.visibilityChange — standard queues through their group commit
 * (changeVisibilityMany), FIFO queues through theirs (changeVisibilityFifoMany).
 */
export async function visibilityChange(ctx: PgContext, p: VisibilityChangeParams): Promise<EntryResult[]> {
  return (await ctx.queues.isFifo(p.queueId)) ? ctx.fifoVisibility.submit(p) : ctx.standardVisibility.submit(p);
}

/**
 * The FIFO visibility changes of a group commit in one transaction (ack.combinedPerQueue): per queue,
 * the union of the calls' groups and then their messages locked, each entry decided in arrival order
 * against the rows as the earlier entries and calls left them, the deadlines written by one UPDATE,
 * the groups recomputed once. A lone call runs changeVisibility.
 */
export async function changeVisibilityFifoMany(ctx: PgContext, calls: VisibilityChangeParams[]): Promise<Array<MemberOutcome<EntryResult[]>>> {
  // A lone call runs alone; what it throws, the group commit gives that call.
  if (calls.length === 1) return [{ ok: true, value: await changeVisibility(ctx, calls[0]!) }];
  return combinedPerQueue(ctx, calls, (t, q, list) => changeLocked(ctx, t, q, list));
}

/**
 * The standard-queue visibility changes of a group commit (groupCommit.ts) in one transaction: which
 * calls' queues exist (a call on a missing one gets QueueNotFound alone), every named message locked
 * in one statement (id order, the one lock order), each entry decided with semantics.visibilityEntry
 * in call order — a later call sees a message as the earlier calls left it, exactly as if they had
 * run one after the other — and every new deadline written by one UPDATE. A lone call runs
 * changeVisibility.
 */
export async function changeVisibilityMany(ctx: PgContext, calls: VisibilityChangeParams[]): Promise<Array<MemberOutcome<EntryResult[]>>> {
  // A lone call runs alone; what it throws, the group commit gives that call.
  if (calls.length === 1) return [{ ok: true, value: await changeVisibility(ctx, calls[0]!) }];
  return ctx.tx(async (t) => {
    const queues = [...new Set(calls.map((c) => c.queueId))];
    const existing = new Set(
      (await t.client.query<{ id: string }>({ name: 'ferry_queues_existing', text: Q_QUEUES_EXISTING, values: [queues] })).rows.map((r) => r.id),
    );
    const ids = [...new Set(calls.flatMap((c) => (existing.has(c.queueId) ? refIds(c.entries.map((e) => e.ref)) : [])))];
    const rows = new Map<number, MessageRow>();
    if (ids.length) {
      const r = await t.client.query<MessageRow>({ name: 'ferry_lock_messages_any_queue', text: Q_LOCK_MESSAGES_ANY_QUEUE, values: [ids] });
      for (const row of r.rows) rows.set(row.id, row);
    }
    /** Deadlines set by earlier entries and calls (a later one sees the message as they left it). */
    const updates = new Map<number, number>();
    const out = calls.map((c): MemberOutcome<EntryResult[]> => {
      if (!existing.has(c.queueId)) return { ok: false, error: ctx.queues.notFound(c.queueId) };
      const value = c.entries.map((e) => {
        const found = rows.get(refId(e.ref));
        // A message of another queue is no message of this call's queue.
        return decideEntry(t, false, c, e, found && found.queue_id === c.queueId ? found : undefined, updates);
      });
      return { ok: true, value };
    });
    if (updates.size) await t.client.query(Q_SET_DEADLINES, [[...updates.keys()], [...updates.values()]]);
    return out;
  });
}

/** @see StorageEngine.visibilityChange */
export function changeVisibility(ctx: PgContext, p: VisibilityChangeParams): Promise<EntryResult[]> {
  return ctx.tx(async (t) => (await changeLocked(ctx, t, await ctx.queues.mustInTx(t.client, p.queueId), [p]))[0]!);
}

/**
 * Inside `t`: lock the groups (FIFO) and messages of `calls` (all on queue `q`, as read in `t`), decide
 * every entry in order, write the deadlines, recompute the groups. One EntryResult list per call.
 */
async function changeLocked(ctx: PgContext, t: Tx, q: QueueRecord, calls: readonly VisibilityChangeParams[]): Promise<EntryResult[][]> {
  const { rows, groups } = await lockMessages(
    t,
    q.fifo,
    q.id,
    calls.flatMap((c) => c.entries.map((e) => e.ref)),
  );
  /** Deadlines set by earlier entries and calls (a later one sees the message as they left it). */
  const updates = new Map<number, number>();
  const results = calls.map((c) => c.entries.map((e) => decideEntry(t, q.fifo, c, e, rows.get(refId(e.ref)), updates)));
  if (updates.size) {
    await t.client.query(Q_SET_DEADLINES, [[...updates.keys()], [...updates.values()]]);
    if (q.fifo) await refreshGroups(ctx, t.client, q.id, groups, t.now);
  }
  return results;
}

/**
 * One entry of a call, decided with semantics.visibilityEntry against its locked row as the earlier
 * entries left it (`updates`, message id → deadline); a granted change is recorded there, and a
 * deadline of "now" wakes the queue.
 */
function decideEntry(
  t: Tx,
  fifo: boolean,
  call: VisibilityChangeParams,
  e: VisibilityChangeParams['entries'][number],
  row: MessageRow | undefined,
  updates: Map<number, number>,
): EntryResult {
  const deadline = visibilityDeadline(t.now, e.visibilityTimeoutMs);
  const res = visibilityEntry(
    fifo,
    row && receiptTarget(row, t.now, updates.get(row.id) ?? row.visible_at),
    e.receiptToken,
    deadline,
    t.now,
    call.maxTotalMs,
  );
  if (!res.ok || !row) return res; // ok implies a row (visibilityEntry refuses a missing one)
  updates.set(row.id, deadline);
  if (deadline <= t.now) t.wakes.add(call.queueId);
  return res;
}
