/**
 * ChangeMessageVisibility / ChangeMessageVisibilityBatch: one result per entry. Each message is looked
 * up and the outcome decided by semantics visibilityEntry (not in flight, wrong FIFO receipt, past the
 * 12 h cap…); an accepted entry sets the new deadline. A FIFO group whose message changed gets its row
 * recomputed; a deadline of now (timeout 0) wakes the queue.
 */
import type { EntryResult, VisibilityChangeParams } from '../engine.js';
import { ENTRY_RECEIPT_INVALID, visibilityDeadline, visibilityEntry } from '../semantics/index.js';
import type { SqliteCtx } from './context.js';
import type { TxContext } from './groupCommit.js';
import { type MessageRow, receiptTarget, refId } from './rows.js';
import { MESSAGE_BY_REF, MESSAGE_SET_VISIBLE_AT } from './sql/index.js';
import { refreshGroup } from './store.js';

export function changeVisibility(ctx: SqliteCtx, tx: TxContext, p: VisibilityChangeParams): EntryResult[] {
  const q = ctx.mustQueue(p.queueId);
  const now = ctx.clock.now();
  const groups = new Set<string>();
  const results: EntryResult[] = p.entries.map((e) => {
    const id = refId(e.ref);
    if (id === undefined) return ENTRY_RECEIPT_INVALID;
    const row = ctx.q(MESSAGE_BY_REF).get(id, q.id) as MessageRow | undefined;
    const deadline = visibilityDeadline(now, e.visibilityTimeoutMs);
    const outcome = visibilityEntry(q.fifo, receiptTarget(row, now), e.receiptToken, deadline, now, p.maxTotalMs);
    if (!outcome.ok || row === undefined) return outcome;
    ctx.q(MESSAGE_SET_VISIBLE_AT).run(deadline, row.id);
    // A received message whose deadline had passed is back in flight: the OverLimit bound must see it.
    ctx.inflight.entering(q.id, row.received === 1 ? row.visible_at : undefined, deadline);
    if (row.group_id !== null && q.fifo) groups.add(row.group_id);
    if (deadline <= now) tx.wakes.add(q.id);
    return outcome;
  });
  for (const g of groups) refreshGroup(ctx, q.id, g);
  return results;
}
