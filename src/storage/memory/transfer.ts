/**
 * storeExport / messageImport on the memory engine. The export copies the whole store synchronously
 * (that copy is the snapshot: no operation can interleave with it) and then feeds the sink, awaiting
 * each call. The import validates the whole batch first (semantics.importSequence), then inserts.
 * An atomic import (storeImport) keeps an undo log ({@link MemoryImport}).
 */
import type {
  DedupRecord,
  ExportedMessage,
  ExportItem,
  ImportTx,
  MessageImportParams,
  QueueCreateParams,
  QueueCreateResult,
  QueueRecord,
} from '../engine.js';
import { byQueueName, dedupHit, importedVisibleAt, importSequence, queueKey, retentionCutoff } from '../semantics/index.js';
import { view } from './browse.js';
import { DEAD, Msg } from './model.js';
import { createQueue } from './queues.js';
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

/** Store the messages and dedup entries of `p` (validated first: a refused call changes nothing); returns the messages stored. */
export function importMessages(s: Store, p: MessageImportParams): { woke: boolean; stored: Msg[] } {
  const q = s.queue(p.queueId);
  const now = s.clock.now();
  s.settle(q, now);
  const counters = importSequence(q.fifo, q.lastSeq, p.messages);
  let woke = false;
  const stored: Msg[] = [];
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
    stored.push(m);
    if (counter !== null) q.lastSeq = counter;
  });
  for (const d of p.dedup ?? []) {
    q.dedup.delete(d.key);
    const e = { expiresAt: d.expiresAt, messageId: d.messageId, sequenceNumber: d.sequenceNumber };
    q.dedup.set(d.key, e);
  }
  return { woke, stored };
}

/**
 * StorageEngine.storeImport on the memory engine: an undo log. Each call changes the store at once
 * (validated first, so a refused call changes nothing) and logs how to take the change back; a failed
 * import runs the log backwards. A queue the import deletes is only unlinked from the maps until the
 * commit, so undoing the delete links the very same queue (messages, groups, counters) back. There is
 * no isolation: other callers of the engine see the writes as they are made.
 */
export class MemoryImport implements ImportTx {
  private readonly undo: Array<() => void> = [];
  /** What a commit completes (deleted queues' messages marked dead). */
  private readonly finals: Array<() => void> = [];
  private readonly wakes = new Set<string>();
  private ended = false;

  constructor(private readonly s: Store) {}

  private check(): void {
    if (this.ended) throw new Error('storeImport: the import has ended; its ImportTx cannot be used any more');
    this.s.ensureOpen();
  }

  async queueGetByName(accountId: string, name: string): Promise<QueueRecord | undefined> {
    this.check();
    return this.s.byName.get(queueKey(accountId, name))?.rec;
  }

  async queueCreate(p: QueueCreateParams): Promise<QueueCreateResult> {
    this.check();
    const s = this.s;
    const key = queueKey(p.accountId, p.name);
    const tomb = s.tombstones.get(key);
    const r = createQueue(s, p);
    if (r.created) {
      this.undo.push(() => {
        const q = s.byId.get(r.queue.id);
        if (q !== undefined) {
          s.byId.delete(q.id);
          if (s.byName.get(key) === q) s.byName.delete(key);
          for (const [id, t] of s.tasks) if (t.rec.sourceQueueId === q.id) s.tasks.delete(id);
          s.sortedDirty(p.accountId);
        }
        if (tomb !== undefined) s.tombstones.set(key, tomb);
      });
    }
    return r;
  }

  async queueDelete(queueId: string): Promise<void> {
    this.check();
    const s = this.s;
    const q = s.queue(queueId);
    const key = queueKey(q.rec.accountId, q.rec.name);
    const tomb = s.tombstones.get(key);
    const tasks = [...s.tasks].filter(([, t]) => t.rec.sourceQueueId === queueId);
    // What deleteQueue does to the maps; the queue itself stays whole until the commit.
    s.byId.delete(queueId);
    if (s.byName.get(key) === q) s.byName.delete(key);
    s.sortedDirty(q.rec.accountId);
    s.tombstones.set(key, s.clock.now());
    for (const [id] of tasks) s.tasks.delete(id);
    this.undo.push(() => {
      s.byId.set(queueId, q);
      if (!s.byName.has(key)) s.byName.set(key, q);
      s.sortedDirty(q.rec.accountId);
      if (tomb === undefined) s.tombstones.delete(key);
      else s.tombstones.set(key, tomb);
      for (const [id, t] of tasks) s.tasks.set(id, t);
    });
    this.finals.push(() => {
      for (const m of q.messages.values()) m.state = DEAD;
      q.messages.clear();
    });
  }

  async messageImport(p: MessageImportParams): Promise<void> {
    this.check();
    const s = this.s;
    const q = s.queue(p.queueId);
    const lastSeq = q.lastSeq;
    const dedupBefore = (p.dedup ?? []).map((d) => [d.key, q.dedup.get(d.key)] as const);
    const { woke, stored } = importMessages(s, p);
    if (woke) this.wakes.add(q.id);
    this.undo.push(() => {
      for (let i = stored.length - 1; i >= 0; i--) if (stored[i]!.state !== DEAD) s.dropMessage(q, stored[i]!);
      q.lastSeq = lastSeq;
      for (let i = dedupBefore.length - 1; i >= 0; i--) {
        const [k, e] = dedupBefore[i]!;
        if (e === undefined) q.dedup.delete(k);
        else q.dedup.set(k, e);
      }
    });
  }

  /** The import ended well: complete the deletes, then wake the queues that got deliverable messages. */
  commit(): void {
    this.ended = true;
    for (const f of this.finals) f();
    this.s.emitAll(this.wakes);
  }

  /** The import failed: take every change back, newest first. */
  rollback(): void {
    this.ended = true;
    for (let i = this.undo.length - 1; i >= 0; i--) this.undo[i]!();
  }
}
