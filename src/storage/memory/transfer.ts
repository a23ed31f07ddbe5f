/**
 * storeExport / messageImport on the memory engine. The export copies the whole store synchronously
 * (that copy is the snapshot: no operation can interleave with it) and then feeds the sink, awaiting
 * each call. The import validates the whole batch first (semantics.importSequence), then inserts.
 */
import type { DedupRecord, ExportedMessage, ExportItem, MessageImportParams } from '../engine.js';
import { byQueueName, dedupHit, importedVisibleAt, importSequence, retentionCutoff } from '../semantics/index.js';
import { view } from './browse.js';
import { Msg } from './model.js';
import { copyAttrs, hasKeys, type Store } from './store.js';

export function snapshot(s: Store): ExportItem[] {
  s.ensureOpen();
  const now = s.clock.now();
  const items: ExportItem[] = [{ kind: 'begin', at: now }];
  const queues = [...s.byId.values()].sort((a, b) => byQueueName(a.rec, b.rec));
  for (const q of queues) {
    items.push({ kind: 'queue', queue: q.rec });
    const cutoff = retentionCutoff(q.rec, now);
    // The Map is in arrival order: send order for standard queues, sequence order for FIFO ones.
    for (const m of q.messages.values()) {
      if (m.sentAt <= cutoff) continue;
      const message: ExportedMessage = view(m, now);
      if (m.md5OfMessageSystemAttributes !== undefined) message.md5OfMessageSystemAttributes = m.md5OfMessageSystemAttributes;
      items.push({ kind: 'message', queueId: q.id, message });
    }
    const dedup: DedupRecord[] = [];
    for (const [key, e] of q.dedup) {
      if (!dedupHit(e.expiresAt, now)) continue;
      const d: DedupRecord = { key, messageId: e.messageId, expiresAt: e.expiresAt };
      if (e.sequenceNumber !== undefined) d.sequenceNumber = e.sequenceNumber;
      dedup.push(d);
    }
    dedup.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const entry of dedup) items.push({ kind: 'dedup', queueId: q.id, entry });
  }
  return items;
}

export function importMessages(s: Store, p: MessageImportParams): boolean {
  const q = s.queue(p.queueId);
  const now = s.clock.now();
  s.settle(q, now);
  const counters = importSequence(q.fifo, q.lastSeq, p.messages);
  let woke = false;
  p.messages.forEach((im, i) => {
    const counter = counters[i] ?? null;
    // Later sends take their sequence numbers from the engine-wide counter: it must pass every imported one.
    if (counter !== null && counter > s.seq) s.seq = counter;
    const m = new Msg(
      ++s.refCounter,
      ++s.seq,
      im.messageId,
      im.body,
      im.md5OfBody,
      hasKeys(im.messageAttributes) ? copyAttrs(im.messageAttributes) : undefined,
      im.md5OfMessageAttributes,
      hasKeys(im.systemAttributes) ? copyAttrs(im.systemAttributes) : undefined,
      im.md5OfMessageSystemAttributes,
      im.senderId,
      im.sentAt,
      im.receiveCount,
      im.firstReceivedAt ?? 0,
      im.groupId,
      im.dedupId,
      im.sequenceNumber,
      im.deadLetterSourceArn,
    );
    if (s.insert(q, m, now, Math.max(0, importedVisibleAt(im, now) - now))) woke = true;
    if (counter !== null) q.lastSeq = counter;
  });
  for (const d of p.dedup ?? []) {
    q.dedup.delete(d.key);
    const e = { expiresAt: d.expiresAt, messageId: d.messageId, sequenceNumber: d.sequenceNumber };
    q.dedup.set(d.key, e);
  }
  return woke;
}
