/**
 * FIFO deduplication. A message whose key was seen inside the window (AWS: 5 minutes from the send
 * that created the key) is accepted and answered with the original's message id and sequence number,
 * but not stored — even when the original was already deleted. Earlier entries of the same batch
 * count. The key is the MessageDeduplicationId (already resolved by the action layer: explicit, or the
 * body's SHA-256 under ContentBasedDeduplication), scoped by DeduplicationScope.
 *
 * PurgeQueue clears the history along with the messages: after a purge, a message with the dedup id of
 * a purged one is accepted and delivered (AWS-validated LocalStack test
 * `test_purge_queue_clears_fifo_deduplication_cache`: send D, purge, send D again, receive → the second
 * message). Earlier Ferry builds, and notes that said a purged message's dedup id still suppresses
 * resends, had it the other way round. Every engine's queuePurge deletes the queue's entries.
 */
import type { QueueRecord } from '../engine.js';

/**
 * The dedup key: `dedupId` for DeduplicationScope=queue, group + id for messageGroup. The two forms
 * cannot collide (prefix), and the group is length-prefixed so `("ab","c")` ≠ `("a","bc")`.
 */
export function dedupKey(q: QueueRecord, groupId: string | undefined, dedupId: string): string {
  if (q.attributes['DeduplicationScope'] === 'messageGroup') {
    const g = groupId ?? '';
    return `g${g.length}:${g}${dedupId}`;
  }
  return `q:${dedupId}`;
}

/** A remembered key still deduplicates at `now`. */
export function dedupHit(expiresAt: number, now: number): boolean {
  return expiresAt > now;
}
