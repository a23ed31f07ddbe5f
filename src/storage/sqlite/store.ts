/**
 * Row-level writes several operations share: a FIFO group's row in `fifo_groups` (the per-group head
 * and readiness that FIFO receives walk), FIFO sequence-counter reservations, and deleting a message
 * with its payload.
 */
import { DomainError } from '../../errors/domain.js';
import { groupReadyAt } from '../semantics/index.js';
import type { SqliteCtx } from './context.js';
import type { MessageRow } from './rows.js';
import { GROUP_DELETE, GROUP_EXISTS, GROUP_UPSERT, MESSAGE_DELETE, PAYLOAD_DELETE, QUEUE_RESERVE_SEQS, QUEUE_SEQ_COUNTER, SQL } from './sql/index.js';

/**
 * Recompute a FIFO group's row: head = lowest sequence; ready_at = head.visible_at (semantics
 * groupReadyAt: an in-flight head blocks the group until its deadline, later messages in flight do
 * not block it). One index seek. Deletes the row when the group is empty. Returns ready_at
 * (undefined when empty).
 */
export function refreshGroup(ctx: SqliteCtx, queueId: string, groupId: string): number | undefined {
  const head = ctx.q(SQL.groupHead).get(queueId, groupId) as { seq: number; visible_at: number } | undefined;
  if (!head) {
    ctx.q(GROUP_DELETE).run(queueId, groupId);
    return undefined;
  }
  const ready = groupReadyAt(head.visible_at);
  ctx.q(GROUP_UPSERT).run(queueId, groupId, head.seq, ready);
  return ready;
}

/**
 * A message was added to a group: a group that already has a row keeps its head and ready_at (the new
 * message comes after its head), so only a new group needs its row computed.
 */
export function ensureGroup(ctx: SqliteCtx, queueId: string, groupId: string): void {
  if (!ctx.q(GROUP_EXISTS).get(queueId, groupId)) refreshGroup(ctx, queueId, groupId);
}

/**
 * Reserve `n` consecutive FIFO sequence counters of a queue in one UPDATE (the queue row, with its
 * attribute and tag JSON, is rewritten once per batch instead of once per message); returns the
 * first. Numbers a batch reserves but does not use (deduplicated entries) are simply skipped: AWS
 * sequence numbers only increase, they are not consecutive.
 */
export function reserveSeqs(ctx: SqliteCtx, queueId: string, n: number): number {
  if (ctx.q(QUEUE_RESERVE_SEQS).run(n, queueId).changes === 0) throw new DomainError('QueueNotFound');
  const r = ctx.q(QUEUE_SEQ_COUNTER).get(queueId) as { seq_counter: number };
  return r.seq_counter - n + 1;
}

/** Delete one message row and its payload. */
export function deleteMessage(ctx: SqliteCtx, row: Pick<MessageRow, 'id' | 'payload_id'>): void {
  ctx.q(MESSAGE_DELETE).run(row.id);
  ctx.q(PAYLOAD_DELETE).run(row.payload_id);
}
