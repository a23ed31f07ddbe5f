/**
 * storeExport / messageImport on SQLite.
 *
 * Export reads one snapshot: a durable store is read through a read-only connection of its own inside
 * one read transaction (WAL: the serving connection keeps committing meanwhile, and the export sees
 * exactly what was committed when it began); a `:memory:` or read-only store is read on the engine's
 * connection, all at once before the sink is called (nothing can interleave with a synchronous read).
 * Import runs in a group-commit batch like a send.
 */
import type Database from 'better-sqlite3';

import { DomainError } from '../../errors/domain.js';
import type { DedupRecord, ExportedMessage, ExportItem, MessageImportParams } from '../engine.js';
import {
  browseState,
  byQueueName,
  importedVisibleAt,
  importSequence,
  retentionCutoff,
  sequenceCounter,
  sequenceNumberOf,
} from '../semantics/index.js';
import { view } from './browse.js';
import type { SqliteCtx } from './context.js';
import type { TxContext } from './groupCommit.js';
import { type CandidateRow, type QueueRow, freezeQueue } from './rows.js';
import { DEDUP_PUT, EXPORT_DEDUP, EXPORT_MESSAGES, MESSAGE_DEAD_LETTER, QUEUES_ALL, QUEUE_RAISE_SEQ, QUEUE_SEQ_COUNTER } from './sql/index.js';
import { insertPayload } from './send.js';
import { refreshGroup } from './store.js';

/** Every export item of the store `db` at `now`, read lazily (the caller holds the snapshot open). */
export function* exportItems(db: Database.Database, now: number): Generator<ExportItem> {
  // The first read starts the snapshot (a deferred BEGIN takes it here): before the sink sees anything.
  const queues = (db.prepare(QUEUES_ALL).all() as QueueRow[]).map(freezeQueue).sort(byQueueName);
  yield { kind: 'begin', at: now };
  const byId = db.prepare(`${EXPORT_MESSAGES} ORDER BY m.id`);
  const bySeq = db.prepare(`${EXPORT_MESSAGES} ORDER BY m.seq`);
  const dedup = db.prepare(EXPORT_DEDUP);
  for (const q of queues) {
    yield { kind: 'queue', queue: q };
    for (const row of (q.fifo ? bySeq : byId).iterate(q.id, retentionCutoff(q, now)) as IterableIterator<CandidateRow>) {
      const message: ExportedMessage = view(row, browseState(row.received === 1, row.visible_at, now));
      if (row.md5_sys !== null) message.md5OfMessageSystemAttributes = row.md5_sys;
      yield { kind: 'message', queueId: q.id, message };
    }
    for (const d of dedup.all(q.id, now) as Array<{ key: string; message_id: string; seq: number | null; expires_at: number }>) {
      const entry: DedupRecord = { key: d.key, messageId: d.message_id, expiresAt: d.expires_at };
      const s = sequenceNumberOf(d.seq);
      if (s !== undefined) entry.sequenceNumber = s;
      yield { kind: 'dedup', queueId: q.id, entry };
    }
  }
}

/** @see StorageEngine.messageImport (inside the batch transaction). */
export function importMessages(ctx: SqliteCtx, tx: TxContext, p: MessageImportParams): void {
  const q = ctx.mustQueue(p.queueId);
  const now = ctx.clock.now();
  const last = (ctx.q(QUEUE_SEQ_COUNTER).get(q.id) as { seq_counter: number }).seq_counter;
  const counters = importSequence(q.fifo, last, p.messages);
  const dedupSeqs = (p.dedup ?? []).map((d) => {
    if (d.sequenceNumber === undefined) return null;
    const n = sequenceCounter(d.sequenceNumber);
    if (n === undefined) throw new DomainError('InvalidImport', `dedup entry ${d.key}: malformed sequence number ${d.sequenceNumber}`);
    return n;
  });
  const groups = new Set<string>();
  let top = 0;
  p.messages.forEach((m, i) => {
    const seq = counters[i] ?? null;
    const payloadId = insertPayload(ctx, m);
    const visibleAt = importedVisibleAt(m, now);
    ctx
      .q(MESSAGE_DEAD_LETTER)
      .run(
        q.id,
        payloadId,
        m.messageId,
        seq,
        m.groupId ?? null,
        m.sentAt,
        visibleAt,
        m.receiveCount,
        m.firstReceivedAt ?? null,
        m.deadLetterSourceArn ?? null,
      );
    if (q.fifo && m.groupId !== undefined) groups.add(m.groupId);
    if (seq !== null) top = seq;
    if (visibleAt <= now) tx.wakes.add(q.id);
  });
  for (const g of groups) refreshGroup(ctx, q.id, g);
  if (top > 0) ctx.q(QUEUE_RAISE_SEQ).run(top, q.id);
  (p.dedup ?? []).forEach((d, i) => ctx.q(DEDUP_PUT).run(q.id, d.key, d.messageId, dedupSeqs[i], d.expiresAt));
}
