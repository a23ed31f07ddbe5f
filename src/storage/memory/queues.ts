/**
 * The memory engine's queue operations: create, list, attributes, tags, delete, purge, stats, sweep.
 * Name reuse, purge cool-down, merges, list order and the tombstone lifetime are storage/semantics
 * rules; this file only keeps the maps.
 */

import type {
  GaugeSnapshot,
  QueueCreateParams,
  QueueListFilter,
  QueueCreateResult,
  QueueGauges,
  QueueRecord,
  QueueStats,
  QueueUpdateParams,
} from '../engine.js';
import {
  attemptLive,
  byQueueName,
  checkNameReuse,
  checkPurgeInterval,
  countsForOldestAge,
  creationDedupScope,
  dedupHit,
  listRange,
  matchesListFilter,
  mergeAttributes,
  mergeTags,
  queueKey,
  removeTags,
  TOMBSTONE_TTL_MS,
} from '../semantics/index.js';
import { DEAD, INFLIGHT, QueueState, W_NONE } from './model.js';
import { freezeRecord, type Store } from './store.js';

export function createQueue(s: Store, p: QueueCreateParams): QueueCreateResult {
  s.ensureOpen();
  const key = queueKey(p.accountId, p.name);
  const existing = s.byName.get(key);
  if (existing !== undefined) return { queue: existing.rec, created: false };
  const now = s.clock.now();
  const deletedAt = s.tombstones.get(key);
  checkNameReuse(p.name, deletedAt, now, p.reuseDelayMs);
  if (deletedAt !== undefined) s.tombstones.delete(key);
  const rec = freezeRecord({
    id: s.random.uuid(),
    accountId: p.accountId,
    name: p.name,
    fifo: p.fifo,
    attributes: p.attributes,
    tags: p.tags,
    createdAt: p.restore?.createdAt ?? now,
    lastModifiedAt: p.restore?.lastModifiedAt ?? now,
    dedupScope: p.restore?.dedupScope ?? creationDedupScope(p.attributes),
  });
  const q = new QueueState(rec, p.fifo);
  s.applySettings(q);
  s.byId.set(rec.id, q);
  s.byName.set(key, q);
  s.sortedDirty(rec.accountId);
  return { queue: rec, created: true };
}

export function listQueues(s: Store, filter: QueueListFilter | undefined): QueueRecord[] {
  s.ensureOpen();
  if (filter?.accountId === undefined) {
    const out: QueueRecord[] = [];
    for (const q of s.byId.values()) {
      if (matchesListFilter(q.rec, filter)) out.push(q.rec);
    }
    return out.sort(byQueueName);
  }
  // One account's page: a binary search in its sorted names (kept until a create or delete in it).
  const sorted = s.sortedQueues(filter.accountId);
  const r = listRange(filter);
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const n = sorted[mid]!.rec.name;
    if (n < r.from || (r.exclusive && n === r.from)) lo = mid + 1;
    else hi = mid;
  }
  const limit = filter.limit ?? Infinity;
  const out: QueueRecord[] = [];
  for (let i = lo; i < sorted.length && out.length < limit; i++) {
    const rec = sorted[i]!.rec;
    if (r.below !== undefined && rec.name >= r.below) break;
    out.push(rec);
  }
  return out;
}

export function setAttributes(s: Store, p: QueueUpdateParams): QueueRecord {
  const q = s.queue(p.queueId);
  q.rec = freezeRecord({ ...q.rec, attributes: mergeAttributes(q.rec.attributes, p.set, p.unset), lastModifiedAt: s.clock.now() });
  s.applySettings(q);
  return q.rec;
}

export function tag(s: Store, queueId: string, tags: Record<string, string>): void {
  const q = s.queue(queueId);
  q.rec = freezeRecord({ ...q.rec, tags: mergeTags(q.rec.tags, tags) });
}

export function untag(s: Store, queueId: string, keys: string[]): void {
  const q = s.queue(queueId);
  q.rec = freezeRecord({ ...q.rec, tags: removeTags(q.rec.tags, keys) });
}

export function deleteQueue(s: Store, queueId: string): void {
  const q = s.queue(queueId);
  s.byId.delete(queueId);
  s.sortedDirty(q.rec.accountId);
  const key = queueKey(q.rec.accountId, q.rec.name);
  if (s.byName.get(key) === q) s.byName.delete(key);
  s.tombstones.set(key, s.clock.now());
  for (const [id, t] of s.tasks) if (t.rec.sourceQueueId === queueId) s.tasks.delete(id);
  // Mark messages dead so that references still held elsewhere (attempt entries) see it.
  for (const m of q.messages.values()) m.state = DEAD;
  q.messages.clear();
}

export function purgeQueue(s: Store, queueId: string, minIntervalMs: number): void {
  const q = s.queue(queueId);
  const now = s.clock.now();
  checkPurgeInterval(q.lastPurgeAt, now, minIntervalMs);
  q.lastPurgeAt = now;
  for (const m of q.messages.values()) {
    m.state = DEAD;
    m.where = W_NONE;
  }
  q.messages.clear();
  q.fresh.clear();
  q.returned.clear();
  q.timers.clear();
  q.groups.clear();
  q.groupHeap.clear();
  q.attempts.clear();
  // PurgeQueue also clears the deduplication history (semantics/dedup.ts: purge clears the history).
  q.dedup.clear();
  q.nReady = q.nDelayed = q.nInflight = 0;
  q.minSentAt = Infinity;
  q.sentOrdered = true;
  q.lastSentAt = -Infinity;
}

export function queueStats(s: Store, queueId: string): QueueStats {
  const q = s.queue(queueId);
  s.settle(q, s.clock.now());
  return { visible: q.nReady, inflight: q.nInflight, delayed: q.nDelayed };
}

/**
 * Every queue's gauges. Counts are kept per queue (O(1)); the oldest message is the first that counts
 * in the queue's insertion order while that is also SentTimestamp order (`sentOrdered`), else a scan;
 * groups with messages in flight come from the deadline heap (delayed and in-flight messages only).
 */
export function queueGauges(s: Store): GaugeSnapshot {
  s.ensureOpen();
  const now = s.clock.now();
  const queues: QueueGauges[] = [];
  for (const q of s.byId.values()) {
    s.settle(q, now);
    const g: QueueGauges = {
      queueId: q.id,
      accountId: q.rec.accountId,
      name: q.rec.name,
      fifo: q.fifo,
      visible: q.nReady,
      inflight: q.nInflight,
      delayed: q.nDelayed,
      groupsWithInflight: q.nInflight === 0 ? 0 : groupsInflight(q),
    };
    const oldest = oldestSentAt(q);
    if (oldest !== undefined) g.oldestSentAt = oldest;
    if (q.redrive !== undefined) g.deadLetterTarget = q.redrive.dlqName;
    queues.push(g);
  }
  return { at: now, queues: queues.sort(byQueueName) };
}

/** SentTimestamp of the oldest message counting for ApproximateAgeOfOldestMessage (semantics/gauges.ts). */
function oldestSentAt(q: QueueState): number | undefined {
  let min: number | undefined;
  for (const m of q.messages.values()) {
    if (!countsForOldestAge(q.fifo, m.receiveCount, m.deadLetterSourceArn !== undefined)) continue;
    if (q.sentOrdered) return m.sentAt;
    if (min === undefined || m.sentAt < min) min = m.sentAt;
  }
  return min;
}

/** Distinct group ids of the queue's in-flight messages. */
function groupsInflight(q: QueueState): number {
  const groups = new Set<string>();
  for (const m of q.timers.items()) if (m.state === INFLIGHT && m.groupId !== undefined) groups.add(m.groupId);
  return groups.size;
}

/** Messages past retention, dedup entries and attempt ids past their window, old tombstones. */
export function sweep(s: Store): number {
  s.ensureOpen();
  const now = s.clock.now();
  let removed = 0;
  for (const q of s.byId.values()) {
    s.drain(q, now);
    removed += s.expireIfDue(q, now);
    // Full passes: entries are only roughly in expiry order when windows differ between calls.
    for (const [k, e] of q.dedup) if (!dedupHit(e.expiresAt, now)) q.dedup.delete(k);
    for (const [k, e] of q.attempts) if (!attemptLive(e, now)) q.attempts.delete(k);
  }
  for (const [key, at] of s.tombstones) if (now - at >= TOMBSTONE_TTL_MS) s.tombstones.delete(key);
  return removed;
}
