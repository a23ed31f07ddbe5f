/**
 * Time rules every engine applies the same way: retention, delays, visibility deadlines, and the
 * cool-downs of DeleteQueue (name reuse) and PurgeQueue. All times are epoch ms on the engine's clock.
 */
import { DomainError } from '../../errors/domain.js';
import type { QueueRecord } from '../engine.js';

/** AWS's default MessageRetentionPeriod (4 days), in seconds. */
export const DEFAULT_RETENTION_S = 345_600;

/** Deleted-name tombstones are forgotten after a day (StorageEngine.sweep). */
export const TOMBSTONE_TTL_MS = 86_400_000;

/**
 * The queue's retention window in ms, from its *current* MessageRetentionPeriod: AWS applies a changed
 * period to messages already in the queue. A missing or unparsable stored value means the default.
 */
export function retentionMs(q: Pick<QueueRecord, 'attributes'>): number {
  const s = Number(q.attributes['MessageRetentionPeriod'] ?? DEFAULT_RETENTION_S);
  return (Number.isFinite(s) && s > 0 ? s : DEFAULT_RETENTION_S) * 1000;
}

/** A message whose `sentAt` is at or before this instant is past retention: gone, never delivered or counted. */
export function retentionCutoff(q: Pick<QueueRecord, 'attributes'>, now: number): number {
  return now - retentionMs(q);
}

/** When a message sent at `now` with `delayMs` first becomes deliverable. */
export function deliverableAt(now: number, delayMs: number): number {
  return now + Math.max(0, Math.round(delayMs));
}

/** The visibility deadline of a receive, or of a ChangeMessageVisibility, made at `now`. */
export function visibilityDeadline(now: number, timeoutMs: number): number {
  return now + Math.max(0, Math.round(timeoutMs));
}

/**
 * CreateQueue of a name deleted at `deletedAt`: AWS refuses it for 60 s (QueueDeletedRecently);
 * `reuseDelayMs` 0 turns the wait off. Throws when the name cannot be used yet.
 */
export function checkNameReuse(name: string, deletedAt: number | undefined, now: number, reuseDelayMs: number): void {
  if (deletedAt !== undefined && reuseDelayMs > 0 && now - deletedAt < reuseDelayMs) {
    throw new DomainError('QueueDeletedRecently', `queue ${name} was deleted ${now - deletedAt} ms ago`);
  }
}

/** PurgeQueue: one purge per queue per `minIntervalMs` (AWS: 60 s; 0 turns the wait off). Throws PurgeInProgress. */
export function checkPurgeInterval(lastPurgeAt: number | undefined, now: number, minIntervalMs: number): void {
  if (lastPurgeAt !== undefined && minIntervalMs > 0 && now - lastPurgeAt < minIntervalMs) {
    throw new DomainError('PurgeInProgress', `queue was purged ${now - lastPurgeAt} ms ago`);
  }
}
