/**
 * The memory engine's store: every queue incarnation, the engine-wide counters, and the internal
 * operations the engine's operations are built from (insert, drain, claim, detach, group upkeep,
 * dead-lettering, wake-ups). The operations themselves live in queues.ts, messages.ts and
 * moveTasks.ts; engine.ts is the StorageEngine facade over them.
 *
 * Every SQS rule comes from storage/semantics; what is here is only how this engine stores things.
 */

import { parseQueueArn } from '../../core/arn.js';
import type { Clock } from '../../core/clock.js';
import type { Random } from '../../core/random.js';
import { DomainError } from '../../errors/domain.js';
import type {
  AttributeMap,
  AttributeValue,
  EngineDeps,
  MoveTaskRecord,
  QueueRecord,
  ReceivedMessage,
  ReceiveResult,
  WakeListener,
} from '../engine.js';
import {
  byQueueName,
  deliverableAt,
  queueKey,
  ReceiptTokens,
  redrivePlan,
  retentionCutoff,
  retentionMs,
  sequenceNumber,
} from '../semantics/index.js';
import { DEAD, DELAYED, Group, INFLIGHT, Msg, QueueState, READY, W_FRESH, W_NONE, W_RETURNED, W_TIMER } from './model.js';

/** How often (at most) a send/receive prunes expired dedup / attempt entries from the map head. */
export const PRUNE_INTERVAL_MS = 1_000;

/** A move task as stored, with its creation ordinal for a stable newest-first order. */
export interface TaskState {
  rec: MoveTaskRecord;
  ordinal: number;
}

export class Store {
  readonly clock: Clock;
  readonly random: Random;
  readonly byId = new Map<string, QueueState>();
  /** semantics.queueKey(account, name) → queue. */
  readonly byName = new Map<string, QueueState>();
  /** Deleted queue's semantics.queueKey(account, name) → deletion time (QueueDeletedRecently). */
  readonly tombstones = new Map<string, number>();
  /** Per account, its queues sorted by name (queueList's pages); dropped by a create or delete there. */
  private readonly sorted = new Map<string, QueueState[]>();
  readonly meta = new Map<string, string>();
  readonly tasks = new Map<string, TaskState>();
  readonly listeners = new Set<WakeListener>();
  /** Receipt tokens, cut from pooled blocks of the injected randomness. */
  readonly tokens: ReceiptTokens;
  /** Engine-wide message order / FIFO sequence counter. */
  seq = 0;
  /** Engine-wide message reference counter (refs are its base-36 digits). */
  refCounter = 0;
  taskOrdinal = 0;
  closed = false;

  constructor(deps: EngineDeps) {
    this.clock = deps.clock;
    this.random = deps.random;
    this.tokens = new ReceiptTokens(deps.random);
  }

  /** One account's queues in name order (code-unit order, semantics.byQueueName). */
  sortedQueues(accountId: string): readonly QueueState[] {
    let list = this.sorted.get(accountId);
    if (list === undefined) {
      list = [...this.byId.values()].filter((q) => q.rec.accountId === accountId).sort((a, b) => byQueueName(a.rec, b.rec));
      this.sorted.set(accountId, list);
    }
    return list;
  }

  /** A queue of `accountId` was created or deleted: its sorted list is rebuilt when next needed. */
  sortedDirty(accountId: string): void {
    this.sorted.delete(accountId);
  }

  ensureOpen(): void {
    if (this.closed) throw new DomainError('Unavailable', 'the memory engine is closed');
  }

  queue(id: string): QueueState {
    if (this.closed) throw new DomainError('Unavailable', 'the memory engine is closed');
    const q = this.byId.get(id);
    if (q === undefined) throw new DomainError('QueueNotFound', `queue ${id} does not exist`);
    return q;
  }

  /** The queue an ARN names (by its account and name; the region is the server's). */
  queueByArn(arn: string): QueueState | undefined {
    const a = parseQueueArn(arn);
    return a === undefined ? undefined : this.byName.get(queueKey(a.accountId, a.name));
  }

  /** Re-read the attributes the engine interprets (engine.ts: QueueCreateParams), through semantics. */
  applySettings(q: QueueState): void {
    q.retentionMs = retentionMs(q.rec);
    q.redrive = redrivePlan(q.rec);
  }

  /** Drain due timers and expire what retention removed: the start of every operation on a queue. */
  settle(q: QueueState, now: number): void {
    this.drain(q, now);
    this.expireIfDue(q, now);
  }

  /**
   * Store a new message in `q` (already constructed) and count it. Returns true when it is
   * deliverable now (the caller wakes listeners).
   */
  insert(q: QueueState, m: Msg, now: number, delayMs: number): boolean {
    q.messages.set(m.ref, m);
    if (q.fifo) q.lastSeq = m.seq;
    if (m.sentAt < q.minSentAt) q.minSentAt = m.sentAt;
    if (m.sentAt >= q.lastSentAt) q.lastSentAt = m.sentAt;
    else q.sentOrdered = false;
    const at = deliverableAt(now, delayMs);
    let ready: boolean;
    if (at > now) {
      m.state = DELAYED;
      m.visibleAt = at;
      m.where = W_TIMER;
      q.timers.push(m);
      q.nDelayed++;
      ready = false;
    } else {
      m.state = READY;
      m.visibleAt = now;
      q.nReady++;
      if (!q.fifo) {
        m.where = W_FRESH;
        q.fresh.push(m);
      }
      ready = true;
    }
    if (q.fifo) {
      const gid = m.groupId ?? '';
      let g = q.groups.get(gid);
      if (g === undefined) {
        g = new Group(gid);
        q.groups.set(gid, g);
      }
      m.group = g;
      g.msgs.push(m);
      g.live++;
      if (ready) this.refreshGroup(q, g);
    }
    return ready;
  }

  /**
   * Move time-driven transitions into the ready structures: delays that ended and visibility
   * deadlines that passed. O(1) when nothing is due (one comparison with the heap head).
   */
  drain(q: QueueState, now: number): void {
    const t = q.timers;
    for (let m = t.peek(); m !== undefined && m.visibleAt <= now; m = t.peek()) {
      t.pop();
      m.where = W_NONE;
      this.becomeReady(q, m);
    }
  }

  /** DELAYED/INFLIGHT → READY for a message already taken out of the timer heap. */
  becomeReady(q: QueueState, m: Msg): void {
    if (m.state === INFLIGHT) {
      q.nInflight--;
    } else {
      q.nDelayed--;
    }
    m.state = READY;
    q.nReady++;
    if (q.fifo) {
      this.refreshGroup(q, m.group!);
    } else {
      m.where = W_RETURNED;
      q.returned.push(m);
    }
  }

  /**
   * Retention (semantics.retentionCutoff): remove every message sent at or before the cutoff of the
   * queue's current MessageRetentionPeriod. O(1) unless the lower bound `minSentAt` says something may
   * have expired; then one O(n) pass, which also makes the bound exact again. Returns how many
   * messages were removed.
   */
  expireIfDue(q: QueueState, now: number): number {
    if (q.minSentAt > now - q.retentionMs) return 0;
    const cutoff = retentionCutoff(q.rec, now);
    let min = Infinity;
    let removed = 0;
    let touched: Set<Group> | undefined;
    for (const m of q.messages.values()) {
      if (m.sentAt <= cutoff) {
        if (m.group !== undefined) (touched ??= new Set()).add(m.group);
        this.detach(q, m);
        removed++;
      } else if (m.sentAt < min) {
        min = m.sentAt;
      }
    }
    q.minSentAt = min;
    if (touched !== undefined) for (const g of touched) this.refreshGroup(q, g);
    return removed;
  }

  /** READY → INFLIGHT for the receive at `now`, until `deadline` (receipt token is set by the caller). */
  claim(q: QueueState, m: Msg, now: number, deadline: number): void {
    q.nReady--;
    q.nInflight++;
    m.state = INFLIGHT;
    m.receiveCount++;
    if (m.firstReceivedAt === 0) m.firstReceivedAt = now;
    m.receivedAt = now;
    m.visibleAt = deadline;
    m.where = W_TIMER;
    q.timers.push(m);
  }

  /**
   * READY → INFLIGHT without a receive, until `deadline`: ChangeMessageVisibility on a standard-queue
   * message whose visibility lapsed (semantics visibilityRehides). Count and receipt stay as they are.
   */
  rehide(q: QueueState, m: Msg, deadline: number): void {
    if (m.where === W_RETURNED) q.returned.remove(m);
    q.nReady--;
    q.nInflight++;
    m.state = INFLIGHT;
    m.visibleAt = deadline;
    m.where = W_TIMER;
    q.timers.push(m);
  }

  /** Remove and return the oldest (lowest sequence) READY message of a standard queue. */
  popStandard(q: QueueState): Msg | undefined {
    const m = this.peekStandard(q);
    if (m === undefined) return undefined;
    if (m.where === W_FRESH) q.fresh.shift();
    else q.returned.pop();
    m.where = W_NONE;
    return m;
  }

  peekStandard(q: QueueState): Msg | undefined {
    const f = q.fresh;
    let fm = f.peek();
    // Entries whose message left the deque logically (deleted, expired, purged) are skipped here.
    while (fm !== undefined && fm.where !== W_FRESH) {
      f.shift();
      fm = f.peek();
    }
    const rm = q.returned.peek();
    if (fm === undefined) return rm;
    if (rm !== undefined && rm.seq < fm.seq) return rm;
    return fm;
  }

  /** The next message a move task would take (the next a receive would take, without claiming it). */
  peekMovable(q: QueueState): Msg | undefined {
    if (!q.fifo) return this.peekStandard(q);
    const gh = q.groupHeap;
    for (;;) {
      const g = gh.peek();
      if (g === undefined) return undefined;
      const h = g.msgs[g.head];
      if (h !== undefined && h.state === READY) return h;
      gh.remove(g);
    }
  }

  /**
   * Unlink a message from every structure of its queue and from the counters; it becomes DEAD.
   * FIFO group arrays are cleaned lazily, and the group's readiness is *not* refreshed here (the
   * FIFO receive loop iterates the group's array and must not see it compacted); callers that are
   * not that loop use `dropMessage`.
   */
  detach(q: QueueState, m: Msg): void {
    q.messages.delete(m.ref);
    if (m.where === W_RETURNED) q.returned.remove(m);
    else if (m.where === W_TIMER) q.timers.remove(m);
    m.where = W_NONE;
    switch (m.state) {
      case READY:
        q.nReady--;
        break;
      case DELAYED:
        q.nDelayed--;
        break;
      case INFLIGHT:
        q.nInflight--;
        break;
    }
    if (m.group !== undefined) m.group.live--;
    m.state = DEAD;
  }

  dropMessage(q: QueueState, m: Msg): void {
    const g = m.group;
    this.detach(q, m);
    if (g !== undefined) this.refreshGroup(q, g);
  }

  /**
   * Re-establish a FIFO group's invariants after any change: trim DEAD entries from the head, forget
   * the group when empty, and keep it in the ready-group heap exactly when its head (lowest-sequence
   * live message) is READY (semantics/fifo.ts: later messages in flight do not block the group; an
   * in-flight or delayed head does), keyed by the head's (visibleAt, sequence) so the group waiting
   * longest is served first.
   */
  refreshGroup(q: QueueState, g: Group): void {
    let a = g.msgs;
    let h = g.head;
    while (h < a.length && a[h]!.state === DEAD) a[h++] = undefined;
    if (h === a.length) {
      a = g.msgs = [];
      h = 0;
    } else if (h >= 32 && h * 2 >= a.length) {
      a = g.msgs = a.slice(h);
      h = 0;
    }
    g.head = h;
    const gh = q.groupHeap;
    if (g.live === 0) {
      if (g.hi >= 0) gh.remove(g);
      if (q.groups.get(g.id) === g) q.groups.delete(g.id);
      return;
    }
    const head = a[h]!;
    if (head.state === READY) {
      if (g.hi < 0) {
        g.keyAt = head.visibleAt;
        g.key = head.seq;
        gh.push(g);
      } else if (g.key !== head.seq || g.keyAt !== head.visibleAt) {
        g.keyAt = head.visibleAt;
        g.key = head.seq;
        gh.update(g);
      }
    } else if (g.hi >= 0) {
      gh.remove(g);
    }
  }

  /**
   * Dead-letter `m` (READY, already out of the ready structures for standard queues) from `q` into
   * `dlq`: same id, body, attributes, sentAt, receive count and first-receive time; records the
   * source ARN (the RedrivePlan's); visible in the DLQ at once; a new sequence number when the DLQ is FIFO.
   */
  moveToDeadLetter(q: QueueState, m: Msg, dlq: QueueState, sourceArn: string, now: number): void {
    this.detach(q, m);
    const seq = ++this.seq;
    const moved = new Msg(
      ++this.refCounter,
      seq,
      m.messageId,
      m.body,
      m.md5OfBody,
      m.messageAttributes,
      m.md5OfMessageAttributes,
      m.systemAttributes,
      m.md5OfMessageSystemAttributes,
      m.senderId,
      m.sentAt,
      m.receiveCount,
      m.firstReceivedAt,
      m.groupId,
      m.dedupId,
      dlq.fifo ? sequenceNumber(seq) : undefined,
      sourceArn,
    );
    this.insert(dlq, moved, now, 0);
  }

  receiveResult(q: QueueState, messages: ReceivedMessage[], max: number): ReceiveResult {
    const r: ReceiveResult = { messages };
    if (messages.length < max) {
      const next = q.timers.peek();
      if (next !== undefined) r.nextVisibleAt = next.visibleAt;
    }
    return r;
  }

  emit(queueId: string): void {
    for (const l of this.listeners) {
      try {
        l(queueId);
      } catch {
        // Listeners must not throw; one failing listener must not break the operation or the others.
      }
    }
  }

  emitAll(ids: Set<string>): void {
    for (const id of ids) this.emit(id);
  }
}

// ---------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------

export function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

function copyValue(v: AttributeValue): AttributeValue {
  const o: AttributeValue = { DataType: v.DataType };
  if (v.StringValue !== undefined) o.StringValue = v.StringValue;
  if (v.BinaryValue !== undefined) o.BinaryValue = Buffer.from(v.BinaryValue);
  if (v.StringListValues !== undefined) o.StringListValues = v.StringListValues.slice();
  if (v.BinaryListValues !== undefined) o.BinaryListValues = v.BinaryListValues.map((b) => Buffer.from(b));
  return o;
}

/** Deep copy (Buffers included): used on the way in and on the way out, so nobody shares our state. */
export function copyAttrs(src: AttributeMap): AttributeMap {
  const out: AttributeMap = {};
  for (const k of Object.keys(src)) out[k] = copyValue(src[k]!);
  return out;
}

export function freezeRecord(r: QueueRecord): QueueRecord {
  return Object.freeze({
    id: r.id,
    accountId: r.accountId,
    name: r.name,
    fifo: r.fifo,
    attributes: Object.freeze({ ...r.attributes }),
    tags: Object.freeze({ ...r.tags }),
    createdAt: r.createdAt,
    lastModifiedAt: r.lastModifiedAt,
    dedupScope: r.dedupScope,
  });
}

/**
 * Drop entries that `live` says are no longer live from the head of an insertion-ordered map. With a
 * constant window, insertion order is expiry order, so this stops at the first live entry (amortised
 * O(1) per insert); sweep() does the exact full pass.
 */
export function pruneHead<E>(map: Map<string, E>, live: (e: E) => boolean): void {
  for (const [k, e] of map) {
    if (live(e)) return;
    map.delete(k);
  }
}
