/**
 * DeleteMessage(Batch). Standard queues: one autocommit statement (every entry succeeds: see
 * sql/ack.Q_DELETE_STANDARD). FIFO queues: a transaction that locks the messages' groups and then the
 * messages (the lock order, see groups.ts), decides each entry with semantics.deleteEntry from the
 * locked rows, deletes, and recomputes the groups (a delete unlocks its group: wake).
 */
import type { EntryResult, MessageDeleteParams } from '../engine.js';
import { deleteEntry, ENTRY_OK, isInflight, type ReceiptTarget } from '../semantics/index.js';
import type { PgContext, Tx } from './context.js';
import { refreshGroups, someReady } from './groups.js';
import { refId, refIds, type MessageRow } from './rows.js';
import { Q_DELETE_LOCKED, Q_DELETE_STANDARD, Q_LOCK_GROUPS_OF_MESSAGES, Q_LOCK_MESSAGES } from './sql/ack.js';

/** @see StorageEngine.messageDelete */
export async function deleteMessages(ctx: PgContext, p: MessageDeleteParams): Promise<EntryResult[]> {
  if (!(await ctx.queues.isFifo(p.queueId))) {
    // Standard queues accept any receipt of a message that exists, and a repeated delete: one
    // autocommit statement. The queue must exist (QueueNotFound otherwise).
    const r = await ctx.oneWrite<{ found: number; n: number }>(
      Q_DELETE_STANDARD,
      [p.queueId, refIds(p.receipts.map((x) => x.ref))],
      'ferry_delete_standard',
    );
    if (Number(r.rows[0]!.found) === 0) throw ctx.queues.notFound(p.queueId);
    ctx.noteChurn(Number(r.rows[0]!.n));
    return p.receipts.map(() => ENTRY_OK);
  }
  return ctx.tx(async (t) => {
    const q = await ctx.queues.mustInTx(t.client, p.queueId);
    const { rows, groups } = await lockMessages(
      t,
      q.fifo,
      q.id,
      p.receipts.map((r) => r.ref),
    );
    const gone = new Set<number>();
    const results: EntryResult[] = p.receipts.map((r) => {
      const id = refId(r.ref);
      const row = rows.get(id);
      // A message an earlier entry of this batch deleted is gone for the later ones.
      const res = deleteEntry(q.fifo, row && !gone.has(id) ? receiptTarget(row, t.now) : undefined, r.receiptToken);
      if (res.ok && row) gone.add(id);
      return res;
    });
    if (gone.size) await t.client.query({ name: 'ferry_delete_locked', text: Q_DELETE_LOCKED, values: [[...gone]] });
    ctx.noteChurn(gone.size);
    if (q.fifo && gone.size) {
      const ready = await refreshGroups(ctx, t.client, q.id, groups);
      if (someReady(ready, t.now)) t.wakes.add(q.id);
    }
    return results;
  });
}

/** A locked row as the entry rules see it, at `now`. */
export function receiptTarget(row: MessageRow, now: number, visibleAt = row.visible_at): ReceiptTarget {
  return { receiptToken: row.receipt_token, inflight: isInflight(row.received, visibleAt, now), receivedAt: row.received_at };
}

/**
 * Lock the messages named by `refs` for a change, FIFO groups first (the lock order). Returns the
 * rows by id, and the groups (FIFO) they belong to.
 */
export async function lockMessages(
  t: Tx,
  fifo: boolean,
  queueId: string,
  refs: readonly string[],
): Promise<{ rows: Map<number, MessageRow>; groups: string[] }> {
  const ids = [...new Set(refIds(refs))];
  const rows = new Map<number, MessageRow>();
  if (!ids.length) return { rows, groups: [] };
  let groups: string[] = [];
  if (fifo) {
    // The messages' groups, and their locks (lockGroups' order), in one statement.
    const pre = await t.client.query<{ group_id: string }>({ text: Q_LOCK_GROUPS_OF_MESSAGES, values: [queueId, ids] });
    groups = pre.rows.map((r) => r.group_id);
  }
  const r = await t.client.query<MessageRow>({ name: 'ferry_lock_messages', text: Q_LOCK_MESSAGES, values: [queueId, ids] });
  for (const row of r.rows) rows.set(row.id, row);
  return { rows, groups };
}
