/**
 * In-memory data model of the memory engine: one `Msg` per stored message, one `Group` per FIFO
 * message group, one `QueueState` per queue incarnation. Internal to `src/storage/memory/`; nothing
 * here crosses the StorageEngine seam (results are built as fresh copies by the engine).
 *
 * Why classes with every field initialised in the constructor: V8 then gives all messages one
 * hidden class, so the hot paths (claim, drain, heap comparisons) stay monomorphic.
 */

import type { AttributeMap, QueueRecord } from '../engine.js';
import type { RedrivePlan, ReceiptTarget } from '../semantics/index.js';
import { Deque } from './deque.js';
import { IndexedHeap, type HeapItem } from './heap.js';

// ---- message state (what the message *is*) ----
/** Deleted, purged, expired or moved away. Never comes back; stale references check for it. */
export const DEAD = 0;
/** Deliverable now (counted as ApproximateNumberOfMessages). */
export const READY = 1;
/** Never received, still inside its delay (ApproximateNumberOfMessagesDelayed). */
export const DELAYED = 2;
/** Received, visibility deadline not yet passed (ApproximateNumberOfMessagesNotVisible). */
export const INFLIGHT = 3;

// ---- message location (which structure holds it) ----
/** In no ordering structure (FIFO READY messages live only in their group's array). */
export const W_NONE = 0;
/** In the standard queue's `fresh` deque (lazily removed: a deque entry is live only while `where === W_FRESH`). */
export const W_FRESH = 1;
/** In the standard queue's `returned` heap (by sequence). */
export const W_RETURNED = 2;
/** In the queue's `timers` heap (by deadline): DELAYED and INFLIGHT messages. */
export const W_TIMER = 3;

/**
 * One stored message. Content fields are never mutated after the send; state fields are. It is its
 * own {@link ReceiptTarget} (receiptToken, receivedAt, inflight), so the entry rules of
 * storage/semantics judge it without a view object per entry.
 */
export class Msg implements HeapItem, ReceiptTarget {
  hi = -1;
  where = W_NONE;
  state = READY;
  /** Epoch ms at which the message is (or became) deliverable: delay end or visibility deadline. */
  visibleAt = 0;
  /** Token of the receive that issued the current receipt; undefined before the first receive. */
  receiptToken: string | undefined = undefined;
  /** Epoch ms of the receive that issued the current receipt (VisibilityLimitExceeded is measured from it). */
  receivedAt = 0;
  /** FIFO only: the group this message belongs to. */
  group: Group | undefined = undefined;

  /** In flight (ReceiptTarget): the engine drains due deadlines before judging, so the state is current. */
  get inflight(): boolean {
    return this.state === INFLIGHT;
  }

  constructor(
    /**
     * Engine-wide unique reference (receipts name it by its base-36 digits). A number, not a string:
     * no string per stored message, and the per-queue Map hashes small integers cheaply.
     */
    readonly ref: number,
    /** Engine-wide increasing order of arrival in *this* queue; FIFO sequence numbers derive from it. */
    readonly seq: number,
    readonly messageId: string,
    readonly body: string,
    readonly md5OfBody: string,
    /** Private deep copy; undefined when empty (saves the copy on receive). */
    readonly messageAttributes: AttributeMap | undefined,
    readonly md5OfMessageAttributes: string | undefined,
    readonly systemAttributes: AttributeMap | undefined,
    readonly md5OfMessageSystemAttributes: string | undefined,
    readonly senderId: string,
    readonly sentAt: number,
    public receiveCount: number,
    /** 0 until the first receive. */
    public firstReceivedAt: number,
    readonly groupId: string | undefined,
    readonly dedupId: string | undefined,
    readonly sequenceNumber: string | undefined,
    readonly deadLetterSourceArn: string | undefined,
  ) {}
}

/**
 * A FIFO message group: its live messages in sequence order; it can deliver when its head is READY.
 * `msgs[head..]` holds the group's messages in order; entries whose state is DEAD are skipped and
 * trimmed from the head (lazy removal: deletes usually hit the head, so trimming is amortised O(1)).
 */
export class Group implements HeapItem {
  hi = -1;
  /**
   * The head's (visibleAt, sequence) when the group was (re)keyed in the ready-group heap: groups are
   * served in the order their heads became deliverable, then by sequence — the SQL engines' order
   * (`fifo_groups` by ready_at, head_seq), so a group re-opened by a lapsed or zeroed visibility comes
   * after groups that were waiting already, as AWS recorded (test_fifo_message_group_visibility_after_*
   * → [g2-m1, g1-m1]).
   */
  keyAt = 0;
  key = 0;
  /** Non-DEAD messages in `msgs`; the group is forgotten when it drops to 0. */
  live = 0;
  head = 0;
  msgs: Array<Msg | undefined> = [];
  constructor(readonly id: string) {}
}

export interface DedupEntry {
  expiresAt: number;
  messageId: string;
  sequenceNumber: string | undefined;
}

/** A remembered ReceiveRequestAttemptId (semantics/attempts.ts): the messages, and the token each got. */
export interface AttemptEntry {
  expiresAt: number;
  receipts: Msg[];
  tokens: string[];
}

const bySeq = (a: Msg, b: Msg): boolean => a.seq < b.seq;
const byDeadline = (a: Msg, b: Msg): boolean => a.visibleAt < b.visibleAt || (a.visibleAt === b.visibleAt && a.seq < b.seq);
const byKey = (a: Group, b: Group): boolean => a.keyAt < b.keyAt || (a.keyAt === b.keyAt && a.key < b.key);

/**
 * Everything of one queue incarnation.
 *
 * Ready structures and their costs (n = messages of the queue, G = FIFO groups):
 *  - standard: `fresh` (ring deque, O(1)) holds messages sent without delay, already in sequence
 *    order because they arrive in it; `returned` (heap by seq, O(log n)) holds messages that became
 *    ready later (delay ended, visibility expired, visibility set to 0). A receive takes the lower
 *    sequence of the two heads, so delivery is strictly oldest-first while the common send→receive
 *    path never touches a heap.
 *  - FIFO: every group keeps its messages in order; `groupHeap` (heap by the head's (visibleAt,
 *    sequence), O(log G)) holds exactly the groups whose head is READY.
 *  - `timers` (heap by (visibleAt, seq), O(log n)) holds delayed and in-flight messages; it is
 *    drained lazily against clock.now() at the start of every operation, so no timers are needed.
 */
export class QueueState {
  /** The incarnation id (`rec.id`, which never changes). */
  readonly id: string;
  readonly messages = new Map<number, Msg>();
  readonly fresh = new Deque<Msg>(16);
  readonly returned = new IndexedHeap<Msg>(bySeq);
  readonly timers = new IndexedHeap<Msg>(byDeadline);
  readonly groups = new Map<string, Group>();
  readonly groupHeap = new IndexedHeap<Group>(byKey);
  nReady = 0;
  nDelayed = 0;
  nInflight = 0;
  /**
   * A lower bound of the smallest `sentAt` of the stored messages. Retention is checked by one
   * comparison (`now >= minSentAt + retentionMs`); only then is the queue scanned (O(n)) and the
   * bound made exact again. Sends only lower it; deletes leave it stale (still a valid bound).
   */
  minSentAt = Infinity;
  /**
   * Whether `messages` (a Map: insertion order) is also in `sentAt` order, so its first message that
   * counts for ApproximateAgeOfOldestMessage is the oldest (queueGauges stops there). Sends keep the
   * order; a message dead-lettered into this queue keeps its older SentTimestamp and breaks it (then
   * queueGauges scans the queue). Reset by a purge. `lastSentAt` is the newest `sentAt` inserted.
   */
  sentOrdered = true;
  lastSentAt = -Infinity;
  /** semantics.retentionMs of the current attributes, cached for the one-comparison check above. */
  retentionMs = 345_600_000;
  /** semantics.redrivePlan of the current attributes. */
  redrive: RedrivePlan | undefined = undefined;
  readonly dedup = new Map<string, DedupEntry>();
  dedupPruneAt = 0;
  readonly attempts = new Map<string, AttemptEntry>();
  attemptPruneAt = 0;
  lastPurgeAt: number | undefined = undefined;
  /** FIFO: the counter of the last sequence number given to a message of this queue (store.insert, messageImport). */
  lastSeq = 0;

  constructor(
    public rec: QueueRecord,
    readonly fifo: boolean,
  ) {
    this.id = rec.id;
  }
}
