/**
 * The memory engine's message operations: send, receive, delete, visibility change. The hot path
 * (≤ 5 µs per message): per message a Map set/delete, a ring-deque push/shift and one deadline-heap
 * push/remove, and no allocation beyond the message and its result. Every rule is a call into
 * storage/semantics; a `Msg` is its own ReceiptTarget, so the entry rules need no view object.
 */

import type {
  EntryResult,
  MessageDeleteParams,
  MessageSendParams,
  ReceivedMessage,
  ReceiveParams,
  ReceiveResult,
  SendMessageResult,
  VisibilityChangeParams,
} from '../engine.js';
import {
  attemptLive,
  attemptStillHeld,
  checkInflightLimit,
  claimThreshold,
  dedupHit,
  dedupKey,
  deleteEntry,
  dueForDeadLetter,
  queueKey,
  sequenceNumber,
  usableDeadLetterQueue,
  visibilityDeadline,
  visibilityEntry,
  visibilityRehides,
} from '../semantics/index.js';
import { DEAD, Msg, READY, W_NONE, type AttemptEntry, type QueueState } from './model.js';
import { copyAttrs, hasKeys, PRUNE_INTERVAL_MS, pruneHead, type Store } from './store.js';

export function send(s: Store, p: MessageSendParams): SendMessageResult[] {
  const q = s.queue(p.queueId);
  const now = s.clock.now();
  const n = p.messages.length;
  const out = new Array<SendMessageResult>(n);
  let woke = false;
  if (q.fifo && now >= q.dedupPruneAt) {
    q.dedupPruneAt = now + PRUNE_INTERVAL_MS;
    pruneHead(q.dedup, (e) => dedupHit(e.expiresAt, now));
  }
  for (let i = 0; i < n; i++) {
    const sp = p.messages[i]!;
    const seq = ++s.seq;
    let sequence: string | undefined;
    if (q.fifo) {
      // Deduplication (semantics/dedup.ts): earlier entries of this batch count; a hit answers with
      // the original's id and sequence number and stores nothing.
      const key = sp.dedupId === undefined ? undefined : dedupKey(q.rec, sp.groupId, sp.dedupId);
      if (key !== undefined) {
        const e = q.dedup.get(key);
        if (e !== undefined) {
          if (dedupHit(e.expiresAt, now)) {
            const r: SendMessageResult = { messageId: e.messageId, deduplicated: true };
            if (e.sequenceNumber !== undefined) r.sequenceNumber = e.sequenceNumber;
            out[i] = r;
            continue;
          }
          q.dedup.delete(key); // re-insert at the tail so the map stays in expiry order
        }
        sequence = sequenceNumber(seq);
        q.dedup.set(key, { expiresAt: now + p.dedupWindowMs, messageId: sp.messageId, sequenceNumber: sequence });
      } else {
        sequence = sequenceNumber(seq);
      }
    }
    const m = new Msg(
      ++s.refCounter,
      seq,
      sp.messageId,
      sp.body,
      sp.md5OfBody,
      hasKeys(sp.messageAttributes) ? copyAttrs(sp.messageAttributes) : undefined,
      sp.md5OfMessageAttributes,
      hasKeys(sp.systemAttributes) ? copyAttrs(sp.systemAttributes) : undefined,
      sp.md5OfMessageSystemAttributes,
      sp.senderId,
      now,
      0,
      0,
      sp.groupId,
      q.fifo ? sp.dedupId : undefined,
      sequence,
      undefined,
    );
    if (s.insert(q, m, now, sp.delayMs)) woke = true;
    const r: SendMessageResult = { messageId: sp.messageId, deduplicated: false };
    if (sequence !== undefined) r.sequenceNumber = sequence;
    out[i] = r;
  }
  if (woke) s.emit(q.id);
  return out;
}

export function receive(s: Store, p: ReceiveParams): ReceiveResult {
  const q = s.queue(p.queueId);
  const now = s.clock.now();
  s.settle(q, now);
  const deadline = visibilityDeadline(now, p.visibilityTimeoutMs);

  if (q.fifo && p.attemptId !== undefined) {
    const replay = replayAttempt(q, p.attemptId, now, deadline);
    if (replay !== undefined) return s.receiveResult(q, replay, p.maxMessages);
  }

  checkInflightLimit(q.rec.name, q.nInflight, p.maxInflight);

  // The dead-letter queue, resolved once per receive (semantics/redrive.ts): a policy whose target
  // does not exist, or is this queue, is ignored and messages are delivered normally.
  const plan = q.redrive;
  const dlq = plan === undefined ? undefined : usableDeadLetterQueue(q, s.byName.get(queueKey(plan.dlqAccountId, plan.dlqName)));
  const threshold = claimThreshold(plan, dlq !== undefined);
  const got: Msg[] = [];
  const max = p.maxMessages;
  const dlqCountBefore = dlq === undefined ? 0 : dlq.messages.size;
  /** The messages this receive dead-letters (ReceiveResult.deadLettered), allocated on the first. */
  let moved: ReceiveResult['deadLettered'];

  if (!q.fifo) {
    while (got.length < max) {
      const m = s.popStandard(q);
      if (m === undefined) break;
      if (dueForDeadLetter(m.receiveCount, threshold)) {
        s.moveToDeadLetter(q, m, dlq!, plan!.sourceArn, now);
        (moved ??= []).push({ messageId: m.messageId, ref: m.ref.toString(36), targetQueueId: dlq!.id });
        continue;
      }
      s.claim(q, m, now, deadline);
      got.push(m);
    }
  } else {
    const gh = q.groupHeap;
    while (got.length < max) {
      const g = gh.pop();
      if (g === undefined) break;
      // One group at a time, from its (READY) head, in order, as many as fit; stop at the first
      // message not READY (in flight or delayed), since order forbids skipping it.
      const a = g.msgs;
      for (let i = g.head; i < a.length && got.length < max; i++) {
        const m = a[i]!;
        if (m.state === DEAD) continue;
        if (m.state !== READY) break;
        if (dueForDeadLetter(m.receiveCount, threshold)) {
          s.moveToDeadLetter(q, m, dlq!, plan!.sourceArn, now);
          (moved ??= []).push({ messageId: m.messageId, ref: m.ref.toString(36), targetQueueId: dlq!.id });
          continue;
        }
        s.claim(q, m, now, deadline);
        got.push(m);
      }
      s.refreshGroup(q, g);
    }
  }

  const messages = new Array<ReceivedMessage>(got.length);
  if (got.length > 0) {
    const tokens: string[] = [];
    for (let i = 0; i < got.length; i++) {
      const m = got[i]!;
      const token = s.tokens.next();
      m.receiptToken = token;
      tokens.push(token);
      messages[i] = snapshot(m, token);
    }
    if (q.fifo && p.attemptId !== undefined) {
      q.attempts.set(p.attemptId, { expiresAt: now + p.attemptWindowMs, receipts: got, tokens });
    }
  }
  // Dead-lettered messages are deliverable in the DLQ at once: one wake-up for all of them.
  if (dlq !== undefined && dlq.messages.size !== dlqCountBefore) s.emit(dlq.id);
  const result = s.receiveResult(q, messages, max);
  if (moved !== undefined) result.deadLettered = moved;
  return result;
}

/**
 * ReceiveRequestAttemptId (semantics/attempts.ts): the messages of a live attempt whose every message
 * is still held under the token it issued, with their deadline reset; otherwise the id is forgotten
 * (a normal receive follows and is remembered under it) and undefined is returned.
 */
function replayAttempt(q: QueueState, attemptId: string, now: number, deadline: number): ReceivedMessage[] | undefined {
  if (now >= q.attemptPruneAt) {
    q.attemptPruneAt = now + PRUNE_INTERVAL_MS;
    pruneHead(q.attempts, (e) => attemptLive(e, now));
  }
  const a = q.attempts.get(attemptId);
  if (a === undefined) return undefined;
  if (attemptLive(a, now) && stillHeld(a)) {
    const messages = new Array<ReceivedMessage>(a.receipts.length);
    for (let i = 0; i < a.receipts.length; i++) {
      const m = a.receipts[i]!;
      m.visibleAt = deadline;
      q.timers.update(m);
      messages[i] = snapshot(m, a.tokens[i]!);
    }
    return messages;
  }
  q.attempts.delete(attemptId);
  return undefined;
}

function stillHeld(a: AttemptEntry): boolean {
  for (let i = 0; i < a.receipts.length; i++) if (!attemptStillHeld(a.receipts[i], a.tokens[i]!)) return false;
  return true;
}

export function deleteMessages(s: Store, p: MessageDeleteParams): EntryResult[] {
  const q = s.queue(p.queueId);
  const now = s.clock.now();
  s.settle(q, now);
  const out = new Array<EntryResult>(p.receipts.length);
  let woke = false;
  for (let i = 0; i < p.receipts.length; i++) {
    const r = p.receipts[i]!;
    const m = q.messages.get(parseRef(r.ref));
    const res = deleteEntry(q.fifo, m, r.receiptToken);
    out[i] = res;
    if (!res.ok || m === undefined) continue; // standard: a message already gone is a no-op success
    if (q.fifo) {
      const g = m.group!;
      s.detach(q, m);
      s.refreshGroup(q, g);
      if (g.hi >= 0) woke = true; // the delete unlocked a group with a deliverable head
    } else {
      s.detach(q, m);
    }
  }
  if (woke) s.emit(q.id);
  return out;
}

export function changeVisibility(s: Store, p: VisibilityChangeParams): EntryResult[] {
  const q = s.queue(p.queueId);
  const now = s.clock.now();
  s.settle(q, now);
  const out = new Array<EntryResult>(p.entries.length);
  let woke = false;
  for (let i = 0; i < p.entries.length; i++) {
    const e = p.entries[i]!;
    const m = q.messages.get(parseRef(e.ref));
    const deadline = visibilityDeadline(now, e.visibilityTimeoutMs);
    const res = visibilityEntry(q.fifo, m, e.receiptToken, deadline, now, p.maxTotalMs);
    out[i] = res;
    if (!res.ok) continue;
    if (!m!.inflight) {
      // A lapsed standard-queue message under its latest receipt (semantics visibilityEntry): hidden
      // again until the new deadline; a deadline of now leaves it visible.
      if (visibilityRehides(m!, deadline, now)) s.rehide(q, m!, deadline);
      continue;
    }
    if (deadline <= now) {
      // Deliverable at once; the receipt stays the message's current one but it is no longer in flight.
      q.timers.remove(m!);
      m!.where = W_NONE;
      m!.visibleAt = now;
      s.becomeReady(q, m!);
      woke = true;
    } else {
      m!.visibleAt = deadline;
      q.timers.update(m!);
    }
  }
  if (woke) s.emit(q.id);
  return out;
}

/**
 * A receipt's ref back to the number it was rendered from (base 36), or -1 for anything this engine
 * did not issue: the digits must round-trip exactly, so a prefix parse never names another message.
 */
function parseRef(ref: string): number {
  if (ref.length === 0 || ref.length > 10) return -1;
  const n = parseInt(ref, 36);
  return Number.isSafeInteger(n) && n > 0 && n.toString(36) === ref ? n : -1;
}

/** The outward view of a message for one receive: a fresh object with deep-copied attributes. */
function snapshot(m: Msg, token: string): ReceivedMessage {
  const r: ReceivedMessage = {
    ref: m.ref.toString(36),
    receiptToken: token,
    messageId: m.messageId,
    body: m.body,
    md5OfBody: m.md5OfBody,
    messageAttributes: m.messageAttributes === undefined ? {} : copyAttrs(m.messageAttributes),
    systemAttributes: m.systemAttributes === undefined ? {} : copyAttrs(m.systemAttributes),
    senderId: m.senderId,
    sentAt: m.sentAt,
    receiveCount: m.receiveCount,
    firstReceivedAt: m.firstReceivedAt,
  };
  if (m.md5OfMessageAttributes !== undefined) r.md5OfMessageAttributes = m.md5OfMessageAttributes;
  if (m.md5OfMessageSystemAttributes !== undefined) r.md5OfMessageSystemAttributes = m.md5OfMessageSystemAttributes;
  if (m.groupId !== undefined) r.groupId = m.groupId;
  if (m.dedupId !== undefined) r.dedupId = m.dedupId;
  if (m.sequenceNumber !== undefined) r.sequenceNumber = m.sequenceNumber;
  if (m.deadLetterSourceArn !== undefined) r.deadLetterSourceArn = m.deadLetterSourceArn;
  return r;
}
