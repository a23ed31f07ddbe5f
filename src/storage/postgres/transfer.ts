/**
 * storeExport / messageImport on PostgreSQL.
 *
 * Export: one REPEATABLE READ READ ONLY transaction on a pooled connection of its own — every
 * statement reads the snapshot taken by the first, so the export is consistent while every node keeps
 * serving (nothing is locked). Messages are read a page at a time (keyset on id, or seq for FIFO
 * queues), so a deep queue is never held in memory. Errors of the database become DomainErrors; an
 * error of the sink is rethrown unchanged after the transaction is rolled back.
 *
 * Import: one transaction per call under the queue row lock (as a FIFO send takes it), then the
 * touched FIFO groups are locked and recomputed (groups.ts: queue row → group rows → messages).
 * An atomic import (engine.ts storeImport) runs the same statements inside its one transaction.
 */
import type pg from 'pg';

import { DomainError } from '../../errors/domain.js';
import { encodeAttributes } from '../codec.js';
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
import type { PgContext, Tx } from './context.js';
import { lockGroups, refreshGroups } from './groups.js';
import { freezeQueue, type MessageRow, type QueueRow } from './rows.js';
import {
  Q_EXPORT_BEGIN,
  Q_EXPORT_DEDUP,
  Q_EXPORT_MESSAGES_BY_ID,
  Q_EXPORT_MESSAGES_BY_SEQ,
  Q_EXPORT_NOW,
  Q_EXPORT_QUEUES,
  Q_IMPORT_DEDUP,
  Q_IMPORT_LOCK,
  Q_IMPORT_MESSAGES,
  Q_IMPORT_RAISE_SEQ,
} from './sql/transfer.js';

/** Messages read per round trip of an export. */
const EXPORT_PAGE = 500;

/** @see StorageEngine.storeExport */
export async function exportStore(ctx: PgContext, sink: (item: ExportItem) => void | Promise<void>): Promise<void> {
  let client: pg.PoolClient;
  try {
    client = await ctx.pool().connect();
  } catch (e) {
    throw ctx.toDomain(e);
  }
  let broken = false;
  const onError = (): void => {
    broken = true;
  };
  client.on('error', onError);
  const db = async <R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]> => {
    try {
      return (await client.query<R>(text, values)).rows;
    } catch (e) {
      broken = true;
      throw ctx.toDomain(e);
    }
  };
  try {
    await db(Q_EXPORT_BEGIN);
    const now = Number((await db<{ now: number }>(Q_EXPORT_NOW, [ctx.nowParam()]))[0]!.now);
    const queues = (await db<QueueRow>(Q_EXPORT_QUEUES)).map(freezeQueue).sort(byQueueName);
    await sink({ kind: 'begin', at: now });
    for (const q of queues) {
      await sink({ kind: 'queue', queue: q });
      const cutoff = retentionCutoff(q, now);
      let after = 0;
      for (;;) {
        const rows = await db<MessageRow>(q.fifo ? Q_EXPORT_MESSAGES_BY_SEQ : Q_EXPORT_MESSAGES_BY_ID, [q.id, cutoff, after, EXPORT_PAGE]);
        for (const row of rows) {
          const message: ExportedMessage = view(row, browseState(row.received, Number(row.visible_at), now));
          if (row.md5_sys !== null) message.md5OfMessageSystemAttributes = row.md5_sys;
          await sink({ kind: 'message', queueId: q.id, message });
        }
        if (rows.length < EXPORT_PAGE) break;
        const last = rows[rows.length - 1]!;
        after = Number(q.fifo ? last.seq : last.id);
      }
      for (const d of await db<{ key: string; message_id: string; seq: number | null; expires_at: number }>(Q_EXPORT_DEDUP, [q.id, now])) {
        const entry: DedupRecord = { key: d.key, messageId: d.message_id, expiresAt: Number(d.expires_at) };
        const s = sequenceNumberOf(d.seq === null ? null : Number(d.seq));
        if (s !== undefined) entry.sequenceNumber = s;
        await sink({ kind: 'dedup', queueId: q.id, entry });
      }
    }
  } finally {
    if (!broken) await client.query('ROLLBACK').catch(() => (broken = true));
    client.off('error', onError);
    client.release(broken ? true : undefined);
  }
}

/** @see StorageEngine.messageImport */
export async function importMessages(ctx: PgContext, p: MessageImportParams): Promise<void> {
  await ctx.tx((t) => importMessagesIn(ctx, t, p));
}

/** importMessages inside the open transaction `t`. */
export async function importMessagesIn(ctx: PgContext, t: Tx, p: MessageImportParams): Promise<void> {
  const c = t.client;
  const row = (await c.query<QueueRow>(Q_IMPORT_LOCK, [p.queueId])).rows[0];
  if (!row) throw ctx.queues.notFound(p.queueId);
  const q = freezeQueue(row);
  const counters = importSequence(q.fifo, Number(row.seq_counter), p.messages);
  const dedup = p.dedup ?? [];
  const dedupSeqs = dedup.map((d) => {
    if (d.sequenceNumber === undefined) return null;
    const n = sequenceCounter(d.sequenceNumber);
    if (n === undefined) throw new DomainError('InvalidImport', `dedup entry ${d.key}: malformed sequence number ${d.sequenceNumber}`);
    return n;
  });
  const ms = p.messages;
  if (ms.length) {
    const visible = ms.map((m) => importedVisibleAt(m, t.now));
    await c.query(Q_IMPORT_MESSAGES, [
      q.id,
      ms.map((m) => m.messageId),
      counters,
      ms.map((m) => m.groupId ?? null),
      ms.map((m) => m.dedupId ?? null),
      ms.map((m) => m.body),
      ms.map((m) => m.md5OfBody),
      ms.map((m) => encodeAttributes(m.messageAttributes)),
      ms.map((m) => m.md5OfMessageAttributes ?? null),
      ms.map((m) => encodeAttributes(m.systemAttributes)),
      ms.map((m) => m.md5OfMessageSystemAttributes ?? null),
      ms.map((m) => m.senderId),
      ms.map((m) => m.sentAt),
      visible,
      ms.map((m) => m.receiveCount),
      ms.map((m) => m.firstReceivedAt ?? null),
      ms.map((m) => m.deadLetterSourceArn ?? null),
    ]);
    if (q.fifo) {
      const groups = new Set(ms.map((m) => m.groupId!));
      await lockGroups(c, q.id, groups);
      await refreshGroups(ctx, c, q.id, groups, t.now);
      await c.query(Q_IMPORT_RAISE_SEQ, [q.id, counters[counters.length - 1]]);
    }
    if (visible.some((v) => v <= t.now)) t.wakes.add(q.id);
  }
  if (dedup.length) {
    await c.query(Q_IMPORT_DEDUP, [q.id, dedup.map((d) => d.key), dedup.map((d) => d.messageId), dedupSeqs, dedup.map((d) => d.expiresAt)]);
  }
}
