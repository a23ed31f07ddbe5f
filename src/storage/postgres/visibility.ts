/**
 * ChangeMessageVisibility(Batch): one transaction that locks the messages (FIFO: their groups
 * first), decides each entry with semantics.visibilityEntry from the locked rows, writes the new
 * deadlines in one statement, and recomputes the FIFO groups. A deadline of "now" wakes the queue.
 */
import type { EntryResult, VisibilityChangeParams } from '../engine.js';
import { visibilityDeadline, visibilityEntry } from '../semantics/index.js';
import { lockMessages, receiptTarget } from './ack.js';
import type { PgContext } from './context.js';
import { refreshGroups } from './groups.js';
import { refId } from './rows.js';
import { Q_SET_DEADLINES } from './sql/ack.js';

/** @see StorageEngine.visibilityChange */
export function changeVisibility(ctx: PgContext, p: VisibilityChangeParams): Promise<EntryResult[]> {
  return ctx.tx(async (t) => {
    const q = await ctx.queues.mustInTx(t.client, p.queueId);
    const { rows, groups } = await lockMessages(
      t,
      q.fifo,
      q.id,
      p.entries.map((e) => e.ref),
    );
    /** Deadlines set by earlier entries of this batch (a later entry sees the message as they left it). */
    const updates = new Map<number, number>();
    const results: EntryResult[] = p.entries.map((e) => {
      const id = refId(e.ref);
      const row = rows.get(id);
      const deadline = visibilityDeadline(t.now, e.visibilityTimeoutMs);
      const res = visibilityEntry(
        q.fifo,
        row && receiptTarget(row, t.now, updates.get(id) ?? row.visible_at),
        e.receiptToken,
        deadline,
        t.now,
        p.maxTotalMs,
      );
      if (!res.ok) return res;
      updates.set(id, deadline);
      if (deadline <= t.now) t.wakes.add(q.id);
      return res;
    });
    if (updates.size) {
      await t.client.query(Q_SET_DEADLINES, [[...updates.keys()], [...updates.values()]]);
      if (q.fifo) await refreshGroups(ctx, t.client, q.id, groups);
    }
    return results;
  });
}
