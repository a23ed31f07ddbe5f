/**
 * SendMessage(Batch). Standard queues: one autocommit statement, one round trip. FIFO queues: one
 * transaction per combined batch of calls (fifoCombiner.ts) — reserve sequence numbers under the
 * queue row lock, check deduplication, insert messages, dedup entries and group rows at once.
 */
import { encodeAttributes } from '../codec.js';
import type { MessageSendParams, SendMessageResult } from '../engine.js';
import { dedupHit, dedupKey, deliverableAt, sequenceNumber, sequenceNumberOf } from '../semantics/index.js';
import type { PgContext } from './context.js';
import type { GroupHead } from './groups.js';
import { freezeQueue, type QueueRow } from './rows.js';
import type { MemberOutcome } from './groupCommit.js';
import { Q_DEDUP_LOOKUP, Q_FIFO_INSERT, Q_FIFO_RESERVE, Q_SEND_STANDARD, Q_SEND_STANDARD_MANY } from './sql/send.js';

/** The per-message array parameters of the standard send statements (sql/send.ts), in their order. */
function standardColumns(ms: MessageSendParams['messages']): unknown[][] {
  return [
    ms.map((m) => m.messageId),
    ms.map((m) => m.groupId ?? null),
    ms.map((m) => m.body),
    ms.map((m) => m.md5OfBody),
    ms.map((m) => encodeAttributes(m.messageAttributes)),
    ms.map((m) => m.md5OfMessageAttributes ?? null),
    ms.map((m) => encodeAttributes(m.systemAttributes)),
    ms.map((m) => m.md5OfMessageSystemAttributes ?? null),
    ms.map((m) => m.senderId),
    ms.map((m) => Math.round(m.delayMs)),
  ];
}

/**
 * Standard queues: one autocommit statement (lock the queue row FOR KEY SHARE so a concurrent
 * DeleteQueue waits, insert every message, NOTIFY when any is deliverable now). One round trip.
 */
export async function sendStandard(ctx: PgContext, p: MessageSendParams): Promise<SendMessageResult[]> {
  const ms = p.messages;
  const wake = ms.some((m) => m.delayMs <= 0);
  const r = await ctx.oneWrite<{ found: number; n: number }>(
    Q_SEND_STANDARD,
    [p.queueId, ctx.nowParam(), ...standardColumns(ms), wake, ctx.notifier.channel, ctx.notifier.payload(p.queueId), ctx.notifier.instance],
    'ferry_send_standard',
  );
  if (Number(r.rows[0]!.found) === 0) throw ctx.queues.notFound(p.queueId);
  if (wake) ctx.notifier.emit([p.queueId]);
  return ms.map((m) => ({ messageId: m.messageId, deduplicated: false }));
}

/**
 * The standard sends of a group commit (groupCommit.ts), in one autocommit statement and one commit
 * (sql/send.Q_SEND_STANDARD_MANY): every call's messages in call order, each call's queue locked FOR
 * KEY SHARE; a call whose queue does not exist gets QueueNotFound, the others are stored. A lone call
 * runs sendStandard's statement (the same, for one queue).
 */
export async function sendStandardMany(ctx: PgContext, calls: MessageSendParams[]): Promise<Array<MemberOutcome<SendMessageResult[]>>> {
  // A lone call runs alone; what it throws, the group commit gives that call.
  if (calls.length === 1) return [{ ok: true, value: await sendStandard(ctx, calls[0]!) }];
  const ms = calls.flatMap((c) => c.messages);
  const qids = calls.flatMap((c) => c.messages.map(() => c.queueId));
  const queues = [...new Set(calls.map((c) => c.queueId))];
  const wake = [...new Set(calls.filter((c) => c.messages.some((m) => m.delayMs <= 0)).map((c) => c.queueId))];
  const r = await ctx.oneWrite<{ found: string[] | null; n: number }>(
    Q_SEND_STANDARD_MANY,
    [
      ctx.nowParam(),
      qids,
      ...standardColumns(ms),
      queues,
      wake,
      wake.map((q) => ctx.notifier.payload(q)),
      ctx.notifier.channel,
      ctx.notifier.instance,
    ],
    'ferry_send_standard_many',
  );
  const found = new Set(r.rows[0]!.found ?? []);
  ctx.notifier.emit(wake.filter((q) => found.has(q)));
  return calls.map((c) =>
    found.has(c.queueId)
      ? { ok: true, value: c.messages.map((m) => ({ messageId: m.messageId, deduplicated: false })) }
      : { ok: false, error: ctx.queues.notFound(c.queueId) },
  );
}

/**
 * One FIFO send transaction: lock the queue row while reserving sequence numbers (serialises sends
 * per queue, so sequence order is commit order and the dedup check below cannot race another node's
 * send of the same id), check the dedup window, then insert messages, dedup entries and group rows
 * in one statement. `messages` are processed in order, as if sent one call after the other.
 */
export function sendFifoTx(
  ctx: PgContext,
  queueId: string,
  messages: MessageSendParams['messages'],
  dedupWindowMs: number,
): Promise<SendMessageResult[]> {
  return ctx.tx(async (t) => {
    const c = t.client;
    // Reserve sequence numbers and read the queue (its creation-time dedup scope) in one statement: the row
    // it returns is the locked, newest version.
    const reserved = await c.query<QueueRow>({ name: 'ferry_fifo_reserve', text: Q_FIFO_RESERVE, values: [queueId, messages.length] });
    if (!reserved.rows[0]) throw ctx.queues.notFound(queueId);
    let seq = reserved.rows[0].seq_counter - messages.length;
    const q = ctx.queues.remember(freezeQueue(reserved.rows[0]));
    const keys = messages.map((m) => (m.dedupId !== undefined ? dedupKey(q, m.groupId, m.dedupId) : undefined));
    const wanted = [...new Set(keys.filter((k): k is string => k !== undefined))];
    const seen = new Map<string, { messageId: string; seq: number | null }>();
    if (wanted.length) {
      // A statement of its own, after the queue row lock: its snapshot includes every send that held
      // the lock before (READ COMMITTED), so a dedup id sent concurrently through another node is seen.
      const r = await c.query<{ key: string; message_id: string; seq: number | null; expires_at: number }>({
        name: 'ferry_dedup_lookup',
        text: Q_DEDUP_LOOKUP,
        values: [q.id, wanted],
      });
      for (const row of r.rows) if (dedupHit(row.expires_at, t.now)) seen.set(row.key, { messageId: row.message_id, seq: row.seq });
    }
    const results: SendMessageResult[] = [];
    const rows: Array<{ m: (typeof messages)[number]; seq: number; key: string | undefined }> = [];
    const heads = new Map<string, GroupHead>();
    const dedupRows = new Map<string, { messageId: string; seq: number }>();
    messages.forEach((m, i) => {
      const key = keys[i];
      const dup = key !== undefined ? seen.get(key) : undefined;
      if (dup) {
        const r: SendMessageResult = { messageId: dup.messageId, deduplicated: true };
        const s = sequenceNumberOf(dup.seq);
        if (s !== undefined) r.sequenceNumber = s;
        results.push(r);
        return;
      }
      seq += 1;
      rows.push({ m, seq, key });
      if (key !== undefined) {
        seen.set(key, { messageId: m.messageId, seq });
        dedupRows.set(key, { messageId: m.messageId, seq });
      }
      if (m.groupId !== undefined && !heads.has(m.groupId)) heads.set(m.groupId, { seq, readyAt: deliverableAt(t.now, m.delayMs) });
      results.push({ messageId: m.messageId, sequenceNumber: sequenceNumber(seq), deduplicated: false });
    });
    if (rows.length) {
      const dk = [...dedupRows.keys()];
      const gs = [...heads.keys()].sort();
      await c.query({
        name: 'ferry_fifo_insert',
        text: Q_FIFO_INSERT,
        values: [
          q.id,
          t.now,
          rows.map((r) => r.m.messageId),
          rows.map((r) => r.seq),
          rows.map((r) => r.m.groupId ?? null),
          rows.map((r) => r.m.dedupId ?? null),
          rows.map((r) => r.m.body),
          rows.map((r) => r.m.md5OfBody),
          rows.map((r) => encodeAttributes(r.m.messageAttributes)),
          rows.map((r) => r.m.md5OfMessageAttributes ?? null),
          rows.map((r) => encodeAttributes(r.m.systemAttributes)),
          rows.map((r) => r.m.md5OfMessageSystemAttributes ?? null),
          rows.map((r) => r.m.senderId),
          rows.map((r) => Math.round(r.m.delayMs)),
          dk,
          dk.map((k) => dedupRows.get(k)!.messageId),
          dk.map((k) => dedupRows.get(k)!.seq),
          dedupWindowMs,
          gs,
          gs.map((g) => heads.get(g)!.seq),
          gs.map((g) => heads.get(g)!.readyAt),
        ],
      });
      if (rows.some((r) => r.m.delayMs <= 0)) t.wakes.add(q.id);
    }
    return results;
  });
}
