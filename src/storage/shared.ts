/**
 * Semantics-level helpers that every SQL engine needs identically (SQLite and PostgreSQL): how a
 * sequence counter is rendered, how a RedrivePolicy and an ARN are read, the retention window, and
 * the deduplication key. Kept here once so the engines cannot drift apart.
 */
import type { QueueRecord } from './engine.js';

/** AWS's default MessageRetentionPeriod (4 days), in seconds. */
export const DEFAULT_RETENTION_S = 345_600;

/** Sequence numbers start at 10^19 so they look like AWS's (≥ 20 decimal digits) and only grow. */
export const SEQ_BASE = 10n ** 19n;

/** A parsed RedrivePolicy. */
export interface Redrive {
  targetArn: string;
  maxReceiveCount: number;
}

/** Render a stored sequence counter as an AWS-looking decimal string, strictly increasing. */
export function renderSeq(counter: number | null): string | undefined {
  return counter === null ? undefined : (SEQ_BASE + BigInt(counter)).toString();
}

/** The queue name an ARN designates (its last ':' segment). */
export function arnName(arn: string): string {
  const i = arn.lastIndexOf(':');
  return i < 0 ? arn : arn.slice(i + 1);
}

/** Parse a stored RedrivePolicy; AWS accepts maxReceiveCount as a number or a numeric string. */
export function parseRedrive(json: string | undefined): Redrive | undefined {
  if (!json) return undefined;
  try {
    const p = JSON.parse(json) as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
    const max = Number(p.maxReceiveCount);
    if (typeof p.deadLetterTargetArn !== 'string' || !Number.isFinite(max)) return undefined;
    return { targetArn: p.deadLetterTargetArn, maxReceiveCount: max };
  } catch {
    // The action layer validates RedrivePolicy; a malformed stored value simply disables redrive.
    return undefined;
  }
}

/** The queue's current retention window in ms (evaluated with the current attribute value). */
export function retentionMs(q: QueueRecord): number {
  const s = Number(q.attributes['MessageRetentionPeriod'] ?? DEFAULT_RETENTION_S);
  return (Number.isFinite(s) ? s : DEFAULT_RETENTION_S) * 1000;
}

/** Dedup key: `dedupId` (scope queue) or group + id (scope messageGroup), unambiguous by length prefix. */
export function dedupKey(q: QueueRecord, groupId: string | undefined, dedupId: string): string {
  if (q.attributes['DeduplicationScope'] === 'messageGroup') return `g${(groupId ?? '').length}:${groupId ?? ''}${dedupId}`;
  return `q:${dedupId}`;
}
