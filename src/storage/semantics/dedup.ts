/**
 * FIFO deduplication. A message whose key was seen inside the window (AWS: 5 minutes from the send
 * that created the key) is accepted and answered with the original's message id and sequence number,
 * but not stored — even when the original was already deleted. Earlier entries of the same batch
 * count. The key is the MessageDeduplicationId (already resolved by the action layer: explicit, or the
 * body's SHA-256 under ContentBasedDeduplication), scoped by the queue's DeduplicationScope *as it was
 * when the queue was created*.
 *
 * The scope is fixed at creation: SetQueueAttributes can change DeduplicationScope (and GetQueueAttributes
 * shows the new value), but deduplication keeps the creation-time scope. AWS-validated LocalStack
 * snapshots of 2025-08-19: `test_fifo_change_to_high_throughput_after_creation` — a queue created with
 * scope `queue`, switched to `messageGroup` / `perMessageGroupId`, still drops a message of a new group
 * whose dedup id was sent (in another group) before the switch, and one whose id was first sent *after*
 * the switch in another group; `test_fifo_change_to_regular_throughput_after_creation` — a queue created
 * with `messageGroup`, switched to `queue`, still delivers a new group's message with an id other groups
 * used. Engines store the creation-time scope with the queue (QueueRecord.dedupScope; the SQL engines in
 * `queues.dedup_scope`, schema migration 2) and key entries with it.
 *
 * PurgeQueue clears the history along with the messages: after a purge, a message with the dedup id of
 * a purged one is accepted and delivered (AWS-validated LocalStack test
 * `test_purge_queue_clears_fifo_deduplication_cache`: send D, purge, send D again, receive → the second
 * message). Earlier Ferry builds, and notes that said a purged message's dedup id still suppresses
 * resends, had it the other way round. Every engine's queuePurge deletes the queue's entries.
 */
import type { DedupScope, QueueRecord } from '../engine.js';

/**
 * The scope a queue deduplicates with for its whole life, from the attributes it is created with
 * (defaults already filled in by the action layer): `messageGroup` when DeduplicationScope says so,
 * otherwise `queue` (the AWS default, and the value for standard queues, which have no such attribute).
 */
export function creationDedupScope(attributes: Readonly<Record<string, string>>): DedupScope {
  return attributes['DeduplicationScope'] === 'messageGroup' ? 'messageGroup' : 'queue';
}

/**
 * A stored scope read back (SQL engines keep it as text). Anything other than `messageGroup` is
 * `queue`, as at creation.
 */
export function storedDedupScope(value: string | null | undefined): DedupScope {
  return value === 'messageGroup' ? 'messageGroup' : 'queue';
}

/**
 * The dedup key: `dedupId` for scope `queue`, group + id for `messageGroup` — the queue's creation-time
 * scope (QueueRecord.dedupScope), not its current DeduplicationScope attribute. The two forms cannot
 * collide (prefix), and the group is length-prefixed so `("ab","c")` ≠ `("a","bc")`.
 */
export function dedupKey(q: Pick<QueueRecord, 'dedupScope'>, groupId: string | undefined, dedupId: string): string {
  if (q.dedupScope === 'messageGroup') {
    const g = groupId ?? '';
    return `g${g.length}:${g}${dedupId}`;
  }
  return `q:${dedupId}`;
}

/** A remembered key still deduplicates at `now`. */
export function dedupHit(expiresAt: number, now: number): boolean {
  return expiresAt > now;
}
