/**
 * DeleteMessage(Batch). Standard queues: one autocommit statement (every entry succeeds: see
 * sql/ack.Q_DELETE_STANDARD). FIFO queues: a transaction that locks the messages' groups and then the
 * messages (the lock order, see groups.ts), decides each entry with semantics.deleteEntry from the
 * locked rows, deletes, and recomputes the groups (a delete unlocks its group: wake). Concurrent FIFO
 * deletes of one process share such a transaction (deleteFifoMany, through the group commit).
 */
import type { EntryResult, MessageDeleteParams, QueueRecord } from '../engine.js';
import { deleteEntry, ENTRY_OK, isInflight, type ReceiptTarget } from '../semantics/index.js';
import type { PgContext, Tx } from './context.js';
import { refreshGroups, someReady } from './groups.js';
import { refId, refIds, type MessageRow } from './rows.js';
import type { MemberOutcome } from './groupCommit.js';
import { Q_DELETE_LOCKED, Q_DELETE_STANDARD, Q_DELETE_STANDARD_MANY, Q_LOCK_GROUPS_OF_MESSAGES, Q_LOCK_MESSAGES } from './sql/ack.js';

/**
 * @see StorageEngine.messageDelete — standard queues through their group commit (deleteStandardMany),
 * FIFO queues through theirs (deleteFifoMany).
 */
export async function messageDelete(ctx: PgContext, p: MessageDeleteParams): Promise<EntryResult[]> {
  return (await ctx.queues.isFifo(p.queueId)) ? ctx.fifoDeletes.submit(p) : ctx.standardDeletes.submit(p);
}

/**
 * The FIFO deletes of a group commit in one transaction and one commit: queue by queue (ascending id),
 * the union of the calls' groups locked at once (ascending: the one lock order) and then their
 * messages, each call's entries decided in arrival order against the locked rows (a message an earlier
 * call deleted is gone for the later ones, as it would be had they run one after the other), one
 * DELETE, and each group recomputed once. Each FIFO delete used to be a transaction of its own, holding
 * its groups' locks across its own commit while the sends and the other deletes of those groups waited
 * (BENCHMARKS.md, "a convoy on the group rows"). The calls of a queue that no longer exists get
 * QueueNotFound; the others go on. A lone call runs as before.
 */
export async function deleteFifoMany(ctx: PgContext, calls: MessageDeleteParams[]): Promise<Array<MemberOutcome<EntryResult[]>>> {
  // A lone call runs alone; what it throws, the group commit gives that call.
  if (calls.length === 1) return [{ ok: true, value: await deleteMessages(ctx, calls[0]!) }];
  return combinedPerQueue(ctx, calls, (t, q, list) => deleteLocked(ctx, t, q, list));
}

/**
 * Run the calls of a FIFO group commit in one transaction, queue by queue in ascending id (with each
 * queue's groups locked ascending inside `run`, the one lock order holds across queues): `run` gets a
 * queue's calls in arrival order and returns one result per call. The calls of a queue that no longer
 * exists get QueueNotFound (its lookup is a plain read: the transaction goes on with the others).
 * `run` gets the record that lookup read (it used to read it again).
 */
export async function combinedPerQueue<C extends { queueId: string }, R>(
  ctx: PgContext,
  calls: readonly C[],
  run: (t: Tx, q: QueueRecord, calls: C[]) => Promise<R[]>,
): Promise<Array<MemberOutcome<R>>> {
  const byQueue = new Map<string, C[]>();
  for (const c of calls) {
    const list = byQueue.get(c.queueId);
    if (list) list.push(c);
    else byQueue.set(c.queueId, [c]);
  }
  const results = new Map<C, MemberOutcome<R>>();
  await ctx.tx(async (t) => {
    for (const queueId of [...byQueue.keys()].sort()) {
      const list = byQueue.get(queueId)!;
      const q = await ctx.queues.inTx(t.client, queueId);
      if (!q) {
        const error = ctx.queues.notFound(queueId);
        for (const c of list) results.set(c, { ok: false, error });
        continue;
      }
      const out = await run(t, q, list);
      list.forEach((c, i) => results.set(c, { ok: true, value: out[i]! }));
    }
  });
  return calls.map((c) => results.get(c)!);
}

/**
 * The standard-queue deletes of a group commit (groupCommit.ts) in one autocommit statement and one
 * commit (sql/ack.Q_DELETE_STANDARD_MANY). Every entry succeeds (see Q_DELETE_STANDARD); a call whose
 * queue does not exist gets QueueNotFound alone. A lone call runs Q_DELETE_STANDARD.
 */
export async function deleteStandardMany(ctx: PgContext, calls: MessageDeleteParams[]): Promise<Array<MemberOutcome<EntryResult[]>>> {
  // A lone call runs alone; what it throws, the group commit gives that call.
  if (calls.length === 1) return [{ ok: true, value: await deleteMessages(ctx, calls[0]!, false) }];
  const ids: number[] = [];
  const idq: string[] = [];
  for (const c of calls) {
    for (const id of refIds(c.receipts.map((x) => x.ref))) {
      ids.push(id);
      idq.push(c.queueId);
    }
  }
  const r = await ctx.oneWrite<{ found: string[] | null; n: number }>(
    Q_DELETE_STANDARD_MANY,
    [[...new Set(calls.map((c) => c.queueId))], ids, idq],
    'ferry_delete_standard_many',
  );
  ctx.noteChurn(Number(r.rows[0]!.n));
  const found = new Set(r.rows[0]!.found ?? []);
  return calls.map((c) =>
    found.has(c.queueId) ? { ok: true, value: c.receipts.map(() => ENTRY_OK) } : { ok: false, error: ctx.queues.notFound(c.queueId) },
  );
}

/** DeleteMessage(Batch) of one call: `fifo` as the queue's cached flag says. */
export async function deleteMessages(ctx: PgContext, p: MessageDeleteParams, fifo = true): Promise<EntryResult[]> {
  if (!fifo) {
    // Standard queues accept any receipt of a message that exists, and a repeated delete: one
    // autocommit statement. The queue must exist (QueueNotFound otherwise).
    const r = await ctx.oneWrite<{ found: number; n: number }>(
      Q_DELETE_STANDARD,
      [p.queueId, refIds(p.receipts.map((x) => x.ref))],
      'ferry_delete_standard',
    );
    if (Number(r.rows[0]!.found) === 0) throw ctx.queues.notFound(p.queueId);
    ctx.noteChurn(Number(r.rows[0]!.n));
    return p.receipts.map(() => ENTRY_OK);
  }
  return ctx.tx(async (t) => (await deleteLocked(ctx, t, await ctx.queues.mustInTx(t.client, p.queueId), [p]))[0]!);
}

/**
 * Inside `t`: lock the groups (FIFO) and messages of `calls` (all on queue `q`, as read in `t`), decide
 * every entry in order, delete, recompute the groups. One EntryResult list per call.
 */
async function deleteLocked(ctx: PgContext, t: Tx, q: QueueRecord, calls: readonly MessageDeleteParams[]): Promise<EntryResult[][]> {
  const { rows, groups } = await lockMessages(
    t,
    q.fifo,
    q.id,
    calls.flatMap((c) => c.receipts.map((r) => r.ref)),
  );
  const gone = new Set<number>();
  const results = calls.map((c) =>
    c.receipts.map((r) => {
      const id = refId(r.ref);
      const row = rows.get(id);
      // A message an earlier entry (of this call or an earlier one) deleted is gone for the later ones.
      const res = deleteEntry(q.fifo, row && !gone.has(id) ? receiptTarget(row, t.now) : undefined, r.receiptToken);
      if (res.ok && row) gone.add(id);
      return res;
    }),
  );
  if (gone.size) await t.client.query({ name: 'ferry_delete_locked', text: Q_DELETE_LOCKED, values: [[...gone]] });
  ctx.noteChurn(gone.size);
  if (q.fifo && gone.size) {
    const ready = await refreshGroups(ctx, t.client, q.id, groups, t.now);
    if (someReady(ready, t.now)) t.wakes.add(q.id);
  }
  return results;
}

/** A locked row as the entry rules see it, at `now`. */
export function receiptTarget(row: MessageRow, now: number, visibleAt = row.visible_at): ReceiptTarget {
  return { receiptToken: row.receipt_token, inflight: isInflight(row.received, visibleAt, now), receivedAt: row.received_at };
}

/**
 * Lock the messages named by `refs` for a change, FIFO groups first (the lock order). Returns the
 * rows by id, and the groups (FIFO) they belong to.
 */
export async function lockMessages(
  t: Tx,
  fifo: boolean,
  queueId: string,
  refs: readonly string[],
): Promise<{ rows: Map<number, MessageRow>; groups: string[] }> {
  const ids = [...new Set(refIds(refs))];
  const rows = new Map<number, MessageRow>();
  if (!ids.length) return { rows, groups: [] };
  let groups: string[] = [];
  if (fifo) {
    // The messages' groups, and their locks (lockGroups' order), in one statement.
    const pre = await t.client.query<{ group_id: string }>({
      name: 'ferry_lock_groups_of_messages',
      text: Q_LOCK_GROUPS_OF_MESSAGES,
      values: [queueId, ids],
    });
    groups = pre.rows.map((r) => r.group_id);
  }
  const r = await t.client.query<MessageRow>({ name: 'ferry_lock_messages', text: Q_LOCK_MESSAGES, values: [queueId, ids] });
  for (const row of r.rows) rows.set(row.id, row);
  return { rows, groups };
}
