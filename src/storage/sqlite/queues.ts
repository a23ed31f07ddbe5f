/**
 * Queue records: create, list, attributes, tags, delete, purge, stats, and the store's metadata. Each
 * write drops the queue's cache entry (context.ts) so the next read sees the committed row.
 */
import type { QueueCreateParams, QueueCreateResult, QueueListFilter, QueueRecord, QueueStats, QueueUpdateParams } from '../engine.js';
import {
  byQueueName,
  checkNameReuse,
  checkPurgeInterval,
  creationDedupScope,
  listRange,
  pageForm,
  matchesListFilter,
  mergeAttributes,
  mergeTags,
  removeTags,
  retentionCutoff,
} from '../semantics/index.js';
import type { SqliteCtx } from './context.js';
import { type QueueRow, freezeQueue } from './rows.js';
import {
  META_GET,
  META_INSERT,
  QUEUES_ALL,
  QUEUES_PAGE,
  QUEUE_DELETE,
  QUEUE_DELETE_ATTEMPTS,
  QUEUE_DELETE_DEDUP,
  QUEUE_DELETE_GROUPS,
  QUEUE_DELETE_MESSAGES,
  QUEUE_DELETE_MOVE_TASKS,
  QUEUE_DELETE_PAYLOADS,
  QUEUE_INSERT,
  QUEUE_LAST_PURGE,
  QUEUE_SET_ATTRIBUTES,
  QUEUE_SET_LAST_PURGE,
  QUEUE_SET_TAGS,
  SQL,
  TOMBSTONE_DELETE,
  TOMBSTONE_GET,
  TOMBSTONE_PUT,
} from './sql/index.js';

/** The stored value of a metadata key, if any. */
export function metaGet(ctx: SqliteCtx, key: string): string | undefined {
  return (ctx.q(META_GET).get(key) as { value: string } | undefined)?.value;
}

/**
 * The stored value, or `create()` stored. INSERT … DO NOTHING then read back: another process (or an
 * earlier item of this batch) may have won, and everyone must agree on its value.
 */
export function metaGetOrCreate(ctx: SqliteCtx, key: string, create: () => string): string {
  const existing = metaGet(ctx, key);
  if (existing !== undefined) return existing;
  ctx.q(META_INSERT).run(key, create());
  return metaGet(ctx, key)!;
}

export function queueCreate(ctx: SqliteCtx, p: QueueCreateParams): QueueCreateResult {
  const existing = ctx.loadByName(p.accountId, p.name);
  if (existing) return { queue: existing, created: false };
  const now = ctx.clock.now();
  if (p.reuseDelayMs > 0) {
    const t = ctx.q(TOMBSTONE_GET).get(p.accountId, p.name) as { deleted_at: number } | undefined;
    checkNameReuse(p.name, t?.deleted_at, now, p.reuseDelayMs);
  }
  const id = ctx.random.uuid();
  ctx
    .q(QUEUE_INSERT)
    .run(
      id,
      p.accountId,
      p.name,
      p.fifo ? 1 : 0,
      JSON.stringify(p.attributes),
      JSON.stringify(p.tags),
      p.restore?.createdAt ?? now,
      p.restore?.lastModifiedAt ?? now,
      p.restore?.dedupScope ?? creationDedupScope(p.attributes),
    );
  ctx.q(TOMBSTONE_DELETE).run(p.accountId, p.name);
  return { queue: ctx.mustQueue(id), created: true };
}

export function queueList(ctx: SqliteCtx, filter: QueueListFilter | undefined): QueueRecord[] {
  if (filter?.accountId !== undefined) {
    // One account's page: an index range in name order (BINARY: byte order, which for the ASCII queue
    // names is the contract's code-unit order).
    const r = listRange(filter);
    const sql = QUEUES_PAGE[pageForm(r)];
    const args: unknown[] = [filter.accountId, r.from, ...(r.below === undefined ? [] : [r.below]), filter.limit ?? -1];
    return (ctx.q(sql).all(...args) as QueueRow[]).map((row) => ctx.remember(freezeQueue(row)));
  }
  const rows = ctx.q(QUEUES_ALL).all() as QueueRow[];
  // Filter and sort in JS: the contract is UTF-16 code-unit order, which is what `<` gives.
  return rows
    .map(freezeQueue)
    .filter((q) => matchesListFilter(q, filter))
    .sort(byQueueName)
    .map((q) => ctx.remember(q));
}

export function queueSetAttributes(ctx: SqliteCtx, p: QueueUpdateParams): QueueRecord {
  const q = ctx.mustQueue(p.queueId);
  ctx.q(QUEUE_SET_ATTRIBUTES).run(JSON.stringify(mergeAttributes(q.attributes, p.set, p.unset)), ctx.clock.now(), q.id);
  ctx.invalidate(q.id);
  return ctx.mustQueue(q.id);
}

export function queueTag(ctx: SqliteCtx, queueId: string, tags: Record<string, string>): void {
  const q = ctx.mustQueue(queueId);
  ctx.q(QUEUE_SET_TAGS).run(JSON.stringify(mergeTags(q.tags, tags)), q.id);
  ctx.invalidate(q.id);
}

export function queueUntag(ctx: SqliteCtx, queueId: string, keys: string[]): void {
  const q = ctx.mustQueue(queueId);
  ctx.q(QUEUE_SET_TAGS).run(JSON.stringify(removeTags(q.tags, keys)), q.id);
  ctx.invalidate(q.id);
}

/** Delete every message (and payload, and FIFO group row) of a queue. */
function deleteAllMessages(ctx: SqliteCtx, queueId: string): void {
  ctx.q(QUEUE_DELETE_PAYLOADS).run(queueId);
  ctx.q(QUEUE_DELETE_MESSAGES).run(queueId);
  ctx.q(QUEUE_DELETE_GROUPS).run(queueId);
}

export function queueDelete(ctx: SqliteCtx, queueId: string): void {
  const q = ctx.mustQueue(queueId);
  deleteAllMessages(ctx, q.id);
  ctx.q(QUEUE_DELETE_DEDUP).run(q.id);
  ctx.q(QUEUE_DELETE_ATTEMPTS).run(q.id);
  ctx.q(QUEUE_DELETE_MOVE_TASKS).run(q.id);
  ctx.q(QUEUE_DELETE).run(q.id);
  ctx.q(TOMBSTONE_PUT).run(q.accountId, q.name, ctx.clock.now());
  ctx.invalidate(q.id);
  ctx.inflight.drop(q.id);
}

export function queuePurge(ctx: SqliteCtx, queueId: string, minIntervalMs: number): void {
  const q = ctx.mustQueue(queueId);
  const now = ctx.clock.now();
  const row = ctx.q(QUEUE_LAST_PURGE).get(q.id) as { last_purge_at: number | null };
  checkPurgeInterval(row.last_purge_at ?? undefined, now, minIntervalMs);
  // Messages, attempt ids and the deduplication history (semantics/dedup.ts: purge clears the history).
  deleteAllMessages(ctx, q.id);
  ctx.q(QUEUE_DELETE_ATTEMPTS).run(q.id);
  ctx.q(QUEUE_DELETE_DEDUP).run(q.id);
  ctx.q(QUEUE_SET_LAST_PURGE).run(now, q.id);
}

/** Counts over the covering index messages_age (no row or body reads). */
export function statsOf(ctx: SqliteCtx, q: QueueRecord, now: number): QueueStats {
  const r = ctx.q(SQL.stats).get({ now, q: q.id, cutoff: retentionCutoff(q, now) }) as QueueStats;
  return { visible: r.visible, inflight: r.inflight, delayed: r.delayed };
}
