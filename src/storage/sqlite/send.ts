/**
 * SendMessage / SendMessageBatch: store messages atomically inside the current batch transaction.
 *
 * Per message: a payload row (body, attributes, MD5s: immutable, never rewritten) and a message row
 * (the small, hot state). FIFO queues also get a sequence number (reserved once per call, see
 * store.reserveSeqs), a dedup entry, and a `fifo_groups` row for each group new to the queue.
 */
import type { ImportedMessage, MessageSendParams, SendMessageResult } from '../engine.js';
import { encodeAttributes } from '../codec.js';
import { dedupHit, dedupKey, deliverableAt, sequenceNumber, sequenceNumberOf } from '../semantics/index.js';
import type { SqliteCtx } from './context.js';
import type { TxContext } from './groupCommit.js';
import { DEDUP_GET, DEDUP_PUT, MESSAGE_INSERT_MAX_ROWS, MESSAGE_INSERT_ROWS, PAYLOAD_INSERT } from './sql/index.js';
import { ensureGroup, reserveSeqs } from './store.js';

export function send(ctx: SqliteCtx, tx: TxContext, p: MessageSendParams): SendMessageResult[] {
  const q = ctx.mustQueue(p.queueId);
  const now = ctx.clock.now();
  const results: SendMessageResult[] = [];
  const newGroups = new Set<string>();
  /** FIFO: next reserved sequence counter and the end of the reservation (exclusive). */
  let seqNext = 0;
  let seqEnd = 0;
  /** Message rows not inserted yet: MESSAGE_INSERT_ROWS parameters, 7 per row (see insertMessages). */
  const rows: unknown[] = [];
  for (let i = 0; i < p.messages.length; i++) {
    const m = p.messages[i]!;
    let key: string | undefined;
    if (q.fifo && m.dedupId !== undefined) {
      key = dedupKey(q, m.groupId, m.dedupId);
      const seen = ctx.q(DEDUP_GET).get(q.id, key) as { message_id: string; seq: number | null; expires_at: number } | undefined;
      if (seen && dedupHit(seen.expires_at, now)) {
        const r: SendMessageResult = { messageId: seen.message_id, deduplicated: true };
        const s = sequenceNumberOf(seen.seq);
        if (s !== undefined) r.sequenceNumber = s;
        results.push(r);
        continue;
      }
      // Fall through; the dedup row is written below once the sequence number is known.
    }
    let seq: number | null = null;
    if (q.fifo) {
      if (seqNext === seqEnd) {
        seqNext = reserveSeqs(ctx, q.id, p.messages.length - i);
        seqEnd = seqNext + (p.messages.length - i);
      }
      seq = seqNext++;
    }
    const payloadId = insertPayload(ctx, m);
    const visibleAt = deliverableAt(now, m.delayMs);
    rows.push(q.id, payloadId, m.messageId, seq, m.groupId ?? null, now, visibleAt);
    if (key !== undefined) ctx.q(DEDUP_PUT).run(q.id, key, m.messageId, seq, now + p.dedupWindowMs);
    // A send into an existing group changes neither its head nor its lock; only a new group
    // needs its row (done once per group after the loop).
    if (q.fifo && m.groupId !== undefined) newGroups.add(m.groupId);
    if (visibleAt <= now) tx.wakes.add(q.id);
    const r: SendMessageResult = { messageId: m.messageId, deduplicated: false };
    if (seq !== null) r.sequenceNumber = sequenceNumber(seq);
    results.push(r);
  }
  insertMessages(ctx, rows);
  // After the inserts: a new group's row is computed from its messages.
  for (const g of newGroups) ensureGroup(ctx, q.id, g);
  return results;
}

/**
 * Insert the message rows a send gathered (7 parameters each, in send order) with as few statements as
 * possible: up to MESSAGE_INSERT_MAX_ROWS rows per multi-row INSERT. Same rows, ids and order as one
 * INSERT per message (a dedup lookup later in the same call reads `dedup`, never these rows), at about
 * two thirds of the cost per row (bench/layers, BENCHMARKS.md issue 12, SQLite engine CPU).
 */
function insertMessages(ctx: SqliteCtx, rows: unknown[]): void {
  const per = 7;
  for (let at = 0; at < rows.length; at += per * MESSAGE_INSERT_MAX_ROWS) {
    const n = Math.min(MESSAGE_INSERT_MAX_ROWS, (rows.length - at) / per);
    ctx.q(MESSAGE_INSERT_ROWS[n]!).run(at === 0 && n * per === rows.length ? rows : rows.slice(at, at + n * per));
  }
}

/** A message's payload row (body, attributes, their MD5s, sender, dedup id); its rowid. Sends and imports share it. */
export function insertPayload(
  ctx: SqliteCtx,
  m: Pick<
    ImportedMessage,
    | 'body'
    | 'md5OfBody'
    | 'messageAttributes'
    | 'md5OfMessageAttributes'
    | 'systemAttributes'
    | 'md5OfMessageSystemAttributes'
    | 'senderId'
    | 'dedupId'
  >,
): number | bigint {
  return ctx
    .q(PAYLOAD_INSERT)
    .run(
      m.body,
      m.md5OfBody,
      encodeAttributes(m.messageAttributes),
      m.md5OfMessageAttributes ?? null,
      encodeAttributes(m.systemAttributes),
      m.md5OfMessageSystemAttributes ?? null,
      m.senderId,
      m.dedupId ?? null,
    ).lastInsertRowid;
}
