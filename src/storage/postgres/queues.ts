/**
 * Queue operations: CreateQueue, ListQueues, Set/GetQueueAttributes (counts), Tag/UntagQueue,
 * DeleteQueue, PurgeQueue, and the metadata table. Each change runs in a transaction under the
 * queue row's lock and drops this process's cached record afterwards (queueCache.ts), so this
 * process sees its own writes at once. The rules (merges, cool-downs, list order) are semantics'.
 */
import type pg from 'pg';

import { DomainError } from '../../errors/domain.js';
import type {
  GaugeSnapshot,
  QueueCreateParams,
  QueueCreateResult,
  QueueGauges,
  QueueListFilter,
  QueueRecord,
  QueueStats,
  QueueUpdateParams,
} from '../engine.js';
import {
  byQueueName,
  listRange,
  pageForm,
  matchesListFilter,
  checkNameReuse,
  checkPurgeInterval,
  creationDedupScope,
  mergeAttributes,
  mergeTags,
  POISON_PILL_RECEIVES,
  redrivePlan,
  removeTags,
  retentionCutoff,
} from '../semantics/index.js';
import type { PgContext, Tx } from './context.js';
import { freezeQueue, type QueueRow } from './rows.js';
import {
  Q_DELETE_QUEUE,
  Q_DELETE_QUEUE_ATTEMPTS,
  Q_DELETE_QUEUE_DEDUP,
  Q_DELETE_QUEUE_GROUPS,
  Q_DELETE_QUEUE_MESSAGES,
  Q_DELETE_QUEUE_MOVE_TASKS,
  Q_GAUGE_QUEUES,
  Q_GAUGES,
  Q_LAST_PURGE,
  Q_META_GET,
  Q_META_INSERT,
  Q_QUEUE_ALL,
  Q_QUEUES_PAGE,
  Q_QUEUE_INSERT,
  Q_QUEUE_SET_ATTRIBUTES,
  Q_QUEUE_SET_TAGS,
  Q_QUEUE_STATS,
  Q_QUEUE_WITH_NOW,
  Q_SET_LAST_PURGE,
  Q_TOMBSTONE_DELETE,
  Q_TOMBSTONE_OF,
  Q_TOMBSTONE_UPSERT,
} from './sql/queues.js';

/** @see StorageEngine.metaGetOrCreate */
export async function metaGetOrCreate(ctx: PgContext, key: string, create: () => string): Promise<string> {
  const existing = await ctx.one<{ value: string }>(Q_META_GET, [key]);
  if (existing.rows[0]) return existing.rows[0].value;
  // Whoever inserts first wins; everybody (on every node) then reads the winner's value.
  await ctx.one(Q_META_INSERT, [key, create()]);
  return (await ctx.one<{ value: string }>(Q_META_GET, [key])).rows[0]!.value;
}

/** @see StorageEngine.queueCreate */
export function queueCreate(ctx: PgContext, p: QueueCreateParams): Promise<QueueCreateResult> {
  return ctx.tx((t) => queueCreateIn(ctx, t, p)).finally(() => ctx.queues.invalidate(undefined, p.accountId, p.name));
}

/** queueCreate inside the open transaction `t` (the caller drops the cached record after it ends). */
export async function queueCreateIn(ctx: PgContext, t: Tx, p: QueueCreateParams): Promise<QueueCreateResult> {
  const existing = await ctx.queues.byNameInTx(t.client, p.accountId, p.name);
  if (existing) return { queue: existing, created: false };
  // No tombstone lookup when the wait is off (checkNameReuse would pass anyway).
  if (p.reuseDelayMs > 0) {
    const tomb = await t.client.query<{ deleted_at: number }>(Q_TOMBSTONE_OF, [p.accountId, p.name]);
    checkNameReuse(p.name, tomb.rows[0]?.deleted_at, t.now, p.reuseDelayMs);
  }
  // Two nodes creating the same name: the second INSERT waits on the unique index, then does nothing
  // and reads the winner's row (a fresh statement snapshot sees it).
  const ins = await t.client.query<QueueRow>(Q_QUEUE_INSERT, [
    ctx.random.uuid(),
    p.name,
    p.fifo,
    JSON.stringify(p.attributes),
    JSON.stringify(p.tags),
    p.restore?.createdAt ?? t.now,
    p.restore?.dedupScope ?? creationDedupScope(p.attributes),
    p.accountId,
    p.restore?.lastModifiedAt ?? null,
  ]);
  if (!ins.rows[0]) {
    const winner = await ctx.queues.byNameInTx(t.client, p.accountId, p.name);
    if (!winner) throw new DomainError('Unavailable', 'concurrent create and delete of one queue name');
    return { queue: winner, created: false };
  }
  await t.client.query(Q_TOMBSTONE_DELETE, [p.accountId, p.name]);
  return { queue: ctx.queues.remember(freezeQueue(ins.rows[0])), created: true };
}

/** @see StorageEngine.queueList — filtered and sorted in JS: the contract is code-unit order, not the database collation. */
export async function queueList(ctx: PgContext, filter?: QueueListFilter): Promise<QueueRecord[]> {
  if (filter?.accountId !== undefined) {
    // One account's page: a range of queues_account_name_c in "C" (code-unit) order.
    const r = listRange(filter);
    const sql = Q_QUEUES_PAGE[pageForm(r)];
    const args: unknown[] = [filter.accountId, r.from, filter.limit ?? null, ...(r.below === undefined ? [] : [r.below])];
    const page = await ctx.one<QueueRow>(sql, args);
    return page.rows.map((row) => ctx.queues.remember(freezeQueue(row)));
  }
  const r = await ctx.one<QueueRow>(Q_QUEUE_ALL);
  return r.rows
    .map(freezeQueue)
    .filter((q) => matchesListFilter(q, filter))
    .sort(byQueueName)
    .map((q) => ctx.queues.remember(q));
}

/** @see StorageEngine.queueSetAttributes */
export function queueSetAttributes(ctx: PgContext, p: QueueUpdateParams): Promise<QueueRecord> {
  return ctx
    .tx(async (t) => {
      const q = await ctx.queues.mustInTx(t.client, p.queueId, 'FOR NO KEY UPDATE');
      const attrs = mergeAttributes(q.attributes, p.set, p.unset);
      const r = await t.client.query<QueueRow>(Q_QUEUE_SET_ATTRIBUTES, [q.id, JSON.stringify(attrs), t.now]);
      return freezeQueue(r.rows[0]!);
    })
    .finally(() => ctx.queues.invalidate(p.queueId));
}

/** TagQueue / UntagQueue: the stored tags changed by `change`. */
export function queueRetag(
  ctx: PgContext,
  queueId: string,
  change: (tags: Readonly<Record<string, string>>) => Record<string, string>,
): Promise<void> {
  return ctx
    .tx(async (t) => {
      const q = await ctx.queues.mustInTx(t.client, queueId, 'FOR NO KEY UPDATE');
      await t.client.query(Q_QUEUE_SET_TAGS, [q.id, JSON.stringify(change(q.tags))]);
    })
    .finally(() => ctx.queues.invalidate(queueId));
}

/** @see StorageEngine.queueTag */
export function queueTag(ctx: PgContext, queueId: string, tags: Record<string, string>): Promise<void> {
  return queueRetag(ctx, queueId, (current) => mergeTags(current, tags));
}

/** @see StorageEngine.queueUntag */
export function queueUntag(ctx: PgContext, queueId: string, keys: string[]): Promise<void> {
  return queueRetag(ctx, queueId, (current) => removeTags(current, keys));
}

/** @see StorageEngine.queueDelete */
export function queueDelete(ctx: PgContext, queueId: string): Promise<void> {
  return ctx.tx((t) => queueDeleteIn(ctx, t, queueId)).finally(() => ctx.queues.invalidate(queueId));
}

/** queueDelete inside the open transaction `t` (the caller drops the cached record after it ends). */
export async function queueDeleteIn(ctx: PgContext, t: Tx, queueId: string): Promise<void> {
  // FOR UPDATE first: waits for running sends (they hold KEY SHARE / NO KEY UPDATE), so no message
  // can land in the queue after its messages were deleted.
  const q = await ctx.queues.mustInTx(t.client, queueId, 'FOR UPDATE');
  for (const sql of [
    Q_DELETE_QUEUE_MESSAGES,
    Q_DELETE_QUEUE_GROUPS,
    Q_DELETE_QUEUE_DEDUP,
    Q_DELETE_QUEUE_ATTEMPTS,
    Q_DELETE_QUEUE_MOVE_TASKS,
    Q_DELETE_QUEUE,
  ]) {
    await t.client.query(sql, [q.id]);
  }
  await t.client.query(Q_TOMBSTONE_UPSERT, [q.accountId, q.name, t.now]);
  ctx.queues.forget(q.id);
}

/** @see StorageEngine.queuePurge — messages, attempt ids and the deduplication history (semantics/dedup.ts: purge clears the history). */
export function queuePurge(ctx: PgContext, queueId: string, minIntervalMs: number): Promise<void> {
  return ctx.tx(async (t) => {
    const q = await ctx.queues.mustInTx(t.client, queueId, 'FOR UPDATE');
    const last = (await t.client.query<{ last_purge_at: number | null }>(Q_LAST_PURGE, [q.id])).rows[0]!.last_purge_at;
    checkPurgeInterval(last ?? undefined, t.now, minIntervalMs);
    for (const sql of [Q_DELETE_QUEUE_MESSAGES, Q_DELETE_QUEUE_GROUPS, Q_DELETE_QUEUE_ATTEMPTS, Q_DELETE_QUEUE_DEDUP])
      await t.client.query(sql, [q.id]);
    await t.client.query(Q_SET_LAST_PURGE, [q.id, t.now]);
  });
}

/** @see StorageEngine.queueStats */
export async function queueStats(ctx: PgContext, queueId: string): Promise<QueueStats> {
  const r = await ctx.one<QueueRow & { now: number }>(Q_QUEUE_WITH_NOW, [queueId, ctx.nowParam()]);
  const row = r.rows[0];
  if (!row) throw new DomainError('QueueNotFound', `queue ${queueId} does not exist`);
  try {
    return await statsOf(ctx.pool(), ctx.queues.remember(freezeQueue(row)), row.now);
  } catch (e) {
    throw ctx.toDomain(e);
  }
}

/** The approximate counts of `q` at `now` (in a transaction, or on the pool). */
export async function statsOf(c: pg.Pool | pg.ClientBase, q: QueueRecord, now: number): Promise<QueueStats> {
  const r = await c.query<QueueStats>(Q_QUEUE_STATS, [q.id, now, retentionCutoff(q, now)]);
  const s = r.rows[0]!;
  return { visible: Number(s.visible), inflight: Number(s.inflight), delayed: Number(s.delayed) };
}

/**
 * @see StorageEngine.queueGauges — the queue list with "now" (retention is interpreted in JS by
 * semantics), then one statement for every queue's gauges (sql/queues.Q_GAUGES). Asynchronous like
 * every statement here: the counting happens in the database, not on the event loop.
 */
export async function queueGauges(ctx: PgContext): Promise<GaugeSnapshot> {
  const qs = (await ctx.one<Pick<QueueRow, 'id' | 'account_id' | 'name' | 'fifo' | 'attributes'> & { now: number }>(Q_GAUGE_QUEUES, [ctx.nowParam()]))
    .rows;
  if (qs.length === 0) return { at: ctx.testClock?.now() ?? Date.now(), queues: [] };
  const now = qs[0]!.now;
  const attrs = qs.map((q) => JSON.parse(q.attributes) as Record<string, string>);
  const cutoffs = attrs.map((attributes) => retentionCutoff({ attributes }, now));
  const targets = new Map(qs.map((q, i) => [q.id, redrivePlan({ name: q.name, attributes: attrs[i]! })?.dlqName]));
  const r = await ctx.one<{ id: string; visible: string; inflight: string; delayed: string; oldest: number | null; groups: string }>(Q_GAUGES, [
    qs.map((q) => q.id),
    cutoffs,
    qs.map((q) => q.fifo),
    now,
    POISON_PILL_RECEIVES,
  ]);
  const byId = new Map(qs.map((q) => [q.id, q]));
  const queues = r.rows.map((row): QueueGauges => {
    const q = byId.get(row.id)!;
    const g: QueueGauges = {
      queueId: row.id,
      accountId: q.account_id,
      name: q.name,
      fifo: q.fifo,
      visible: Number(row.visible),
      inflight: Number(row.inflight),
      delayed: Number(row.delayed),
      groupsWithInflight: Number(row.groups),
    };
    if (row.oldest !== null) g.oldestSentAt = row.oldest;
    const target = targets.get(row.id);
    if (target !== undefined) g.deadLetterTarget = target;
    return g;
  });
  return { at: now, queues: queues.sort(byQueueName) };
}
