/**
 * Seam 2: the semantic storage interface. Actions validate input with AWS's rules and then call these
 * operations; engines own storage *and atomicity*. There are no connection, transaction or SQL types
 * here, so the same contract can be met by an in-memory engine, embedded SQLite and a PostgreSQL
 * database shared by several Ferry processes (where a receive is one `FOR UPDATE SKIP LOCKED`
 * statement and wake-ups cross processes with LISTEN/NOTIFY).
 *
 * Conventions
 *  - Times are epoch milliseconds taken from the engine's clock (the injected `Clock` for memory and
 *    SQLite; the database clock for PostgreSQL). Operations never take "now" from the caller.
 *  - Durations passed in are milliseconds.
 *  - Every mutating operation has committed durably when its promise resolves.
 *  - Queue-scoped message operations take the queue's `id` (an incarnation id: a queue deleted and
 *    created again under the same name gets a new id, so old receipts cannot touch the new queue).
 *    If that queue no longer exists they reject with DomainError('QueueNotFound').
 *  - Engines throw only `DomainError` (errors/domain.ts) for expected conditions.
 */

import type { Clock } from '../core/clock.js';
import type { Random } from '../core/random.js';

/**
 * Ferry's default `--account-id`: the account SQL engines give the queues of a store from before
 * schema 3 (several accounts per server) when the server does not name another.
 */
export const DEFAULT_ACCOUNT_ID = '000000000000';

// ---------------------------------------------------------------------------------------------------
// Queues
// ---------------------------------------------------------------------------------------------------

/**
 * A queue as stored. `attributes` holds the *settable* attributes exactly as AWS reports them in
 * GetQueueAttributes (all values strings, defaults already filled in by the action layer), e.g.
 * `{ VisibilityTimeout: '30', DelaySeconds: '0', MessageRetentionPeriod: '345600', RedrivePolicy:
 * '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":3}', … }`.
 * Computed attributes (QueueArn, ApproximateNumberOf…, CreatedTimestamp, LastModifiedTimestamp) are
 * not stored there.
 */
export interface QueueRecord {
  /** Incarnation id, unique across the life of the store. Opaque string. */
  readonly id: string;
  /**
   * The owning account (12 digits). Queues are identified by (accountId, name): the same name in two
   * accounts is two queues, as on AWS. Stores from before migration 3 had one account: their queues
   * belong to the engine's default account (`--account-id`).
   */
  readonly accountId: string;
  readonly name: string;
  readonly fifo: boolean;
  readonly attributes: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms; updated by queueSetAttributes (not by tagging). */
  readonly lastModifiedAt: number;
  /**
   * The deduplication scope of a FIFO queue: its `DeduplicationScope` *when it was created*
   * (semantics.creationDedupScope), stored with the queue and never changed. SetQueueAttributes
   * changes the attribute (it reads back as set) but not this: AWS keeps deduplicating with the
   * creation-time scope (semantics/dedup.ts). `queue` for standard queues.
   */
  readonly dedupScope: DedupScope;
}

/** What a FIFO deduplication key is scoped by: the whole queue, or the message group. */
export type DedupScope = 'queue' | 'messageGroup';

/**
 * Attributes the engine itself interprets (everything else is opaque to it):
 *  - `MessageRetentionPeriod` (seconds): a message older than this (from its `sentAt`) is gone:
 *    never delivered, not counted, eventually deleted. Evaluated with the queue's *current* value.
 *  - `RedrivePolicy` (JSON `{deadLetterTargetArn, maxReceiveCount}`): see messageReceive.
 *  - `DeduplicationScope` (`queue` | `messageGroup`, FIFO): the key of the dedup window — read once, at
 *    create, into QueueRecord.dedupScope; later changes of the attribute do not re-scope deduplication.
 */
export interface QueueCreateParams {
  /** The owning account; with `name` the queue's identity. */
  accountId: string;
  name: string;
  fifo: boolean;
  attributes: Record<string, string>;
  tags: Record<string, string>;
  /**
   * A name deleted less than this many ms ago (in the same account) cannot be created again (QueueDeletedRecently).
   * AWS: 60 000. 0 disables the check.
   */
  reuseDelayMs: number;
  /**
   * `ferry import`: create the queue as it was exported — these timestamps and this creation-time
   * deduplication scope instead of now and creationDedupScope(attributes). The name-reuse wait is
   * still `reuseDelayMs` (import passes 0).
   */
  restore?: QueueRestore;
}

/** The stored facts of an exported queue that queueCreate would otherwise take from now (QueueCreateParams.restore). */
export interface QueueRestore {
  createdAt: number;
  lastModifiedAt: number;
  dedupScope: DedupScope;
}

export interface QueueCreateResult {
  queue: QueueRecord;
  /** False when a queue of that (account, name) already existed; it is returned unchanged. */
  created: boolean;
}

/** Which queues queueList returns. */
export interface QueueListFilter {
  /** Only this account's queues (ListQueues); undefined: every account's (metrics, the runner). */
  accountId?: string;
  /** Only names starting with this. */
  prefix?: string;
  /**
   * Only names after this one (exclusive; ListQueues' NextToken). Needs `accountId`: a page is one
   * account's, in name order.
   */
  after?: string;
  /** At most this many, the first in order (ListQueues' page). Needs `accountId`. */
  limit?: number;
}

export interface QueueUpdateParams {
  queueId: string;
  /** Attributes to set (merged over the stored ones). */
  set: Record<string, string>;
  /** Attribute names to remove (e.g. RedrivePolicy set to ""). */
  unset?: string[];
}

export interface QueueStats {
  /** ApproximateNumberOfMessages: deliverable now (not delayed, not in flight, not expired). */
  visible: number;
  /** ApproximateNumberOfMessagesNotVisible: in flight (received, visibility deadline in the future). */
  inflight: number;
  /** ApproximateNumberOfMessagesDelayed: never received yet and still inside their delay. */
  delayed: number;
}

/**
 * One queue's CloudWatch gauges (AWS/SQS) at one instant: what metrics and the console read for every
 * queue at once (StorageEngine.queueGauges).
 */
export interface QueueGauges extends QueueStats {
  queueId: string;
  /** The owning account (monitoring labels per-queue series with it). */
  accountId: string;
  name: string;
  fifo: boolean;
  /**
   * For ApproximateAgeOfOldestMessage: the SentTimestamp (epoch ms, the engine's clock) of the oldest
   * message the metric counts (semantics/gauges.ts: every stored message not past retention — visible,
   * in flight or delayed — except, on standard queues, one received `POISON_PILL_RECEIVES` times or
   * more that was not moved here by a redrive). Undefined when the queue has none.
   */
  oldestSentAt?: number;
  /**
   * ApproximateNumberOfGroupsWithInflightMessages: distinct MessageGroupIds among the messages in
   * flight (FIFO queues; on a standard queue, the groups of fair-queue messages, 0 without any).
   */
  groupsWithInflight: number;
  /**
   * The name of the dead-letter queue this queue's RedrivePolicy names (semantics.redrivePlan; a DLQ is
   * always in its source's account), whether or not that queue exists; undefined without a policy. Lets monitoring tell dead-letter queues apart.
   */
  deadLetterTarget?: string;
}

/** Every queue's gauges, read together. */
export interface GaugeSnapshot {
  /** The instant the gauges describe (epoch ms, the engine's clock: the database's for PostgreSQL). */
  at: number;
  /** One entry per queue, sorted by account, then name (code-unit order). */
  queues: QueueGauges[];
}

// ---------------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------------

import type { AttributeMap } from '../core/attributes.js';

export type { AttributeMap, AttributeValue } from '../core/attributes.js';

export interface SendMessageParams {
  /** Generated by the caller (a UUID). Replaced by the original's id on a deduplicated send. */
  messageId: string;
  body: string;
  /** Hex MD5 of the UTF-8 body, stored so receives need not recompute it. */
  md5OfBody: string;
  messageAttributes: AttributeMap;
  /** Hex MD5 over all message attributes, or undefined when there are none. */
  md5OfMessageAttributes?: string;
  /** System attributes (today only AWSTraceHeader). */
  systemAttributes: AttributeMap;
  md5OfMessageSystemAttributes?: string;
  /** Delay already resolved by the caller (message DelaySeconds, else the queue's), in ms. */
  delayMs: number;
  /** FIFO (required) or fair standard queues (optional). */
  groupId?: string;
  /**
   * FIFO only: the deduplication id, already resolved by the caller (explicit id, or the SHA-256 of
   * the body when ContentBasedDeduplication is on).
   */
  dedupId?: string;
  /** SenderId system attribute (the caller's account id or access key). */
  senderId: string;
}

export interface SendMessageResult {
  messageId: string;
  /** FIFO only: a decimal string of up to 128 bits, strictly increasing per queue. */
  sequenceNumber?: string;
  /**
   * True when the message was a duplicate inside the 5-minute window: nothing was stored and
   * `messageId`/`sequenceNumber` are those of the original send.
   */
  deduplicated: boolean;
}

export interface MessageSendParams {
  queueId: string;
  messages: SendMessageParams[];
  /**
   * FIFO deduplication window in ms (AWS: 300 000). A dedup key is remembered for this long after
   * the send that created it, even after that message is deleted (a purge clears it).
   */
  dedupWindowMs: number;
}

export interface ReceiveParams {
  queueId: string;
  /** 1–10. */
  maxMessages: number;
  /** Visibility timeout for this receive, already resolved by the caller (ms, may be 0). */
  visibilityTimeoutMs: number;
  /**
   * FIFO only. A retry with the same id inside `attemptWindowMs` of the first attempt returns the
   * same messages with the same receipts (and resets their visibility deadline) as long as all of
   * them are still in flight under those receipts; otherwise a normal receive happens and is
   * remembered under this id.
   */
  attemptId?: string;
  attemptWindowMs: number;
  /**
   * When the queue already has this many (or more) messages in flight, reject with
   * DomainError('OverLimit') instead of delivering. Undefined: no check.
   */
  maxInflight?: number;
}

/** A delivered message. Everything the action layer needs to build the ReceiveMessage output. */
export interface ReceivedMessage {
  /** Engine-internal message reference for receipts (opaque, stable for the message's life). */
  ref: string;
  /** Fresh random token of *this* receive; bound into the receipt handle. */
  receiptToken: string;
  messageId: string;
  body: string;
  md5OfBody: string;
  messageAttributes: AttributeMap;
  md5OfMessageAttributes?: string;
  systemAttributes: AttributeMap;
  md5OfMessageSystemAttributes?: string;
  senderId: string;
  /** Epoch ms of the original send (kept through DLQ moves). */
  sentAt: number;
  /** Including this receive. */
  receiveCount: number;
  /** Epoch ms of the first receive ever (kept through DLQ moves). */
  firstReceivedAt: number;
  groupId?: string;
  dedupId?: string;
  sequenceNumber?: string;
  /** ARN of the queue the message was dead-lettered from, when it was. */
  deadLetterSourceArn?: string;
}

export interface ReceiveResult {
  messages: ReceivedMessage[];
  /**
   * When nothing (or fewer than asked) could be delivered: the earliest future time at which a
   * message of this queue may become deliverable by the passing of time alone (a delay ending, a
   * visibility deadline passing — which also unlocks a FIFO group). Long polls sleep until then at
   * most. Undefined when no such time is known. It only bounds the caller's sleep, which the caller
   * measures with `EngineDeps.clock`: an engine whose clock is elsewhere (PostgreSQL's database
   * clock) translates the instant into that clock.
   */
  nextVisibleAt?: number;
  /**
   * Messages this receive moved to the queue's dead-letter queue instead of delivering them
   * (receiveCount would have exceeded maxReceiveCount), in the order they were moved. `ref` is the
   * message's reference in the source queue (receipts issued there carry it). Absent or empty: none.
   */
  deadLettered?: Array<{ messageId: string; ref: string; targetQueueId: string }>;
}

/** A receipt handle after the action layer verified its MAC. */
export interface ReceiptRef {
  ref: string;
  receiptToken: string;
}

/**
 * Per-entry outcome of batch-capable message operations, in the order of the request entries.
 * `ok: false` carries the DomainError kind for that entry only.
 */
export type EntryResult = { ok: true } | { ok: false; error: 'ReceiptInvalid' | 'MessageNotInflight' | 'VisibilityLimitExceeded' };

export interface MessageDeleteParams {
  queueId: string;
  receipts: ReceiptRef[];
}

export interface VisibilityChangeParams {
  queueId: string;
  entries: Array<ReceiptRef & { visibilityTimeoutMs: number }>;
  /** The deadline may not exceed the time of the receive that issued the receipt + this (AWS: 12 h). */
  maxTotalMs: number;
}

/** A stored message's state as peek sees it (semantics/browse.ts: browseState). */
export type BrowseState = 'visible' | 'inflight' | 'delayed';
/** What a browse search looks at (semantics/browse.ts: matchesSearch). */
export type BrowseField = 'any' | 'body' | 'attribute' | 'messageId' | 'groupId';

/**
 * A peek at a queue's messages (the console's "Browse messages"), with no side effect at all: no
 * receive count, visibility, FIFO group, attempt id or timestamp changes. Messages come in send order
 * (sentAt, then arrival), past-retention ones excluded. At most `maxScan` messages are examined per
 * call, so a search over a deep queue answers quickly with a cursor to continue.
 */
export interface MessageBrowseParams {
  queueId: string;
  /** States to return; absent or empty: all three. */
  states?: readonly BrowseState[];
  /** A literal, case-sensitive substring to look for (empty text: no search). */
  search?: { text: string; field: BrowseField };
  /** Messages to return at most (1–100). */
  limit: number;
  /** `nextCursor` of the previous call; rejected with DomainError('InvalidCursor') when malformed. */
  cursor?: string;
  /** Messages to examine at most (default and bounds: semantics/browse.ts). */
  maxScan?: number;
}

export interface BrowsedMessage {
  messageId: string;
  state: BrowseState;
  body: string;
  md5OfBody: string;
  messageAttributes: AttributeMap;
  md5OfMessageAttributes?: string;
  systemAttributes: AttributeMap;
  senderId: string;
  sentAt: number;
  /** When it became (or becomes) deliverable: end of delay, visibility deadline. */
  visibleAt: number;
  receiveCount: number;
  /** Absent until the first receive. */
  firstReceivedAt?: number;
  groupId?: string;
  dedupId?: string;
  sequenceNumber?: string;
  deadLetterSourceArn?: string;
}

export interface MessageBrowseResult {
  messages: BrowsedMessage[];
  /** Present when messages remain after the last one examined. */
  nextCursor?: string;
  /** Messages examined by this call (≤ maxScan). */
  scanned: number;
}

// ---------------------------------------------------------------------------------------------------
// Export and import (`ferry export` / `ferry import`)
// ---------------------------------------------------------------------------------------------------

/** A stored message with its whole state, as storeExport reads it: a browse view plus the system-attribute MD5. */
export interface ExportedMessage extends BrowsedMessage {
  md5OfMessageSystemAttributes?: string;
}

/** A remembered FIFO deduplication key (semantics/dedup.ts), keyed as the queue's creation-time scope makes it. */
export interface DedupRecord {
  /** semantics.dedupKey(queue, groupId, dedupId). */
  key: string;
  messageId: string;
  sequenceNumber?: string;
  /** Epoch ms: the key stops deduplicating at this instant. */
  expiresAt: number;
}

/**
 * What storeExport hands its sink, in this order: `begin` (the instant of the snapshot), then for each
 * queue in account, name order: `queue`, its messages (send order: FIFO by sequence number, standard
 * by arrival; past-retention ones left out), its live dedup entries (by key).
 */
export type ExportItem =
  | { kind: 'begin'; at: number }
  | { kind: 'queue'; queue: QueueRecord }
  | { kind: 'message'; queueId: string; message: ExportedMessage }
  | { kind: 'dedup'; queueId: string; entry: DedupRecord };

/** A message to put back with its state (messageImport): what storeExport read of it, less its browse state. */
export interface ImportedMessage extends Omit<ExportedMessage, 'state'> {
  /**
   * When it was (or becomes) deliverable. Kept only for a message never received whose delay is still
   * running; any other is stored deliverable from now on (semantics/transfer.ts: importedVisibleAt).
   */
  visibleAt: number;
  /** FIFO queues: required, `1` + 19 digits, increasing and above the queue's last sequence number. */
  sequenceNumber?: string;
}

export interface MessageImportParams {
  queueId: string;
  /** Stored in this order, after the queue's existing messages. */
  messages: ImportedMessage[];
  /** Deduplication entries to remember (replacing an entry of the same key). */
  dedup?: DedupRecord[];
}

/**
 * The writes of one atomic import (StorageEngine.storeImport). Each method is the StorageEngine method
 * of the same name, made inside the import's transaction: what it writes is not committed until the
 * import ends well, and is undone when it fails. A call that rejects has changed nothing (the engines
 * undo it alone: SQLite and PostgreSQL with a savepoint, memory by validating before it changes
 * anything), so the import may catch its error and go on. Valid only while `run` has not settled.
 */
export interface ImportTx {
  queueGetByName(accountId: string, name: string): Promise<QueueRecord | undefined>;
  queueCreate(p: QueueCreateParams): Promise<QueueCreateResult>;
  queueDelete(queueId: string): Promise<void>;
  messageImport(p: MessageImportParams): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------
// Message move tasks (DLQ redrive)
// ---------------------------------------------------------------------------------------------------

export type MoveTaskStatus = 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';

export interface MoveTaskRecord {
  /** Internal id (also what the TaskHandle encodes). */
  id: string;
  sourceArn: string;
  sourceQueueId: string;
  /** Undefined: each message goes back to the queue it was dead-lettered from. */
  destinationArn?: string;
  /** Undefined: as fast as the system allows (the runner picks a rate). */
  maxPerSecond?: number;
  status: MoveTaskStatus;
  /** Messages in the source queue when the task started. */
  toMove: number;
  moved: number;
  failureReason?: string;
  /** Epoch ms. */
  startedAt: number;
}

export interface MoveTaskStartParams {
  sourceQueueId: string;
  sourceArn: string;
  destinationArn?: string;
  maxPerSecond?: number;
}

export interface MoveTaskStepResult {
  /** Messages moved by this step. */
  moved: number;
  /** The task after the step (status COMPLETED/CANCELLED/FAILED once it ended). */
  task: MoveTaskRecord;
}

// ---------------------------------------------------------------------------------------------------
// The engine
// ---------------------------------------------------------------------------------------------------

/** The disk under a local store (SQLite). */
export interface DiskStatus {
  /** `ok`; `low`: free space under the warning threshold; `full`: sends refused, drains served; `read-only`: writes refused. */
  state: 'ok' | 'low' | 'full' | 'read-only';
  /** Free bytes on the data directory's file system (the reserve not counted). */
  freeBytes: number;
  /** Size of the reserve file held (0 once released). */
  reserveBytes: number;
  /** The warning threshold. */
  lowBytes: number;
}

export interface EngineCapabilities {
  /** Survives a process restart. */
  durable: boolean;
  /** Several Ferry processes may share this engine's store. */
  shared: boolean;
  /**
   * Optional: long polls on this engine must re-try a receive at least this often (ms), even without
   * a wake-up. Engines whose wake-ups can be lost (PostgreSQL: a NOTIFY sent while the LISTEN
   * connection reconnects) set it; absent means wake-ups are reliable and waits are unbounded.
   */
  maxWaitSliceMs?: number;
}

export interface EngineDeps {
  clock: Clock;
  random: Random;
  /** Optional instrumentation (metrics): told about commits and store failures. */
  observer?: StorageObserver;
}

/**
 * What an engine reports for metrics. Calls happen on the engine's hot paths: they must be cheap and
 * must not throw.
 */
export interface StorageObserver {
  /**
   * A write reached the store: `ms` from the start of its transaction (or single write statement) to
   * the moment it is committed and — for durable engines — on stable storage. SQLite: one group
   * commit (BEGIN … COMMIT plus the WAL sync); PostgreSQL: one transaction, or one autocommit write
   * statement. The memory engine has no commits and reports none.
   */
  committed(ms: number): void;
  /** The store failed (a native database error or lost connection became DomainError('Unavailable')). */
  failed(): void;
}

/** Called when messages of a queue may have become deliverable (send, visibility 0, FIFO unlock…). */
export type WakeListener = (queueId: string) => void;

export interface StorageEngine {
  readonly kind: 'memory' | 'sqlite' | 'postgres';
  readonly capabilities: EngineCapabilities;

  /** Open the store and apply migrations. Must be called once before anything else. */
  init(): Promise<void>;
  /** Flush and close. Idempotent. */
  close(): Promise<void>;
  /**
   * After close(), when the server refused to start after opening the store (a key ring that does not
   * fit it, a port in use): remove what opening wrote beside the data for the server's own use (the
   * SQLite disk reserve this start made), so that a refused start leaves the data directory as it was.
   */
  discardStartFiles?(): void;

  /**
   * A persistent value of the store's metadata: returns the stored value, or stores and returns
   * `create()` when there is none (atomically, so concurrent processes agree). Used for the
   * receipt-handle HMAC key, so receipts stay valid across restarts and across nodes.
   */
  metaGetOrCreate(key: string, create: () => string): Promise<string>;

  // ---- queues ----
  /** Create, or return the existing queue of that (account, name) unchanged (`created: false`). */
  queueCreate(p: QueueCreateParams): Promise<QueueCreateResult>;
  /**
   * By owning account and name; undefined when it does not exist. Engines may cache (keyed by account
   * and name); a cache must stay correct.
   */
  queueGetByName(accountId: string, name: string): Promise<QueueRecord | undefined>;
  /** By incarnation id; undefined when it does not exist. */
  queueGetById(id: string): Promise<QueueRecord | undefined>;
  /**
   * The queues of `filter.accountId` (every account's when undefined) whose name starts with
   * `filter.prefix` (all when undefined), sorted by account, then name (code-unit order); with
   * `after` / `limit` (one account's) only the names after `after`, at most `limit` of them. Engines
   * read one account's page from an index in name order, not every queue (ListQueues at 50 000 queues).
   */
  queueList(filter?: QueueListFilter): Promise<QueueRecord[]>;
  /** Merge attributes; bumps lastModifiedAt. */
  queueSetAttributes(p: QueueUpdateParams): Promise<QueueRecord>;
  /** Merge tags. */
  queueTag(queueId: string, tags: Record<string, string>): Promise<void>;
  /** Remove tag keys (absent keys are ignored). */
  queueUntag(queueId: string, keys: string[]): Promise<void>;
  /**
   * Delete the queue with all its messages, dedup entries, attempt ids and move tasks, and remember
   * the deletion time of its (account, name) (for QueueDeletedRecently).
   */
  queueDelete(queueId: string): Promise<void>;
  /**
   * Delete every message of the queue (in flight or not). Rejects with PurgeInProgress when the
   * previous purge was less than `minIntervalMs` ago (0 disables). Receive attempt ids and the FIFO
   * deduplication history go with the messages (semantics/dedup.ts: purge clears the history).
   */
  queuePurge(queueId: string, minIntervalMs: number): Promise<void>;
  queueStats(queueId: string): Promise<QueueStats>;
  /**
   * The CloudWatch gauges of every queue at once (counts by state, the oldest message counted by
   * ApproximateAgeOfOldestMessage, groups with messages in flight), read at one instant `at`. Meant to
   * be called every few seconds (metrics scrapes, the console): engines answer it without stalling
   * other operations — SQLite off the event loop, PostgreSQL in one statement.
   */
  queueGauges(): Promise<GaugeSnapshot>;
  /**
   * Optional: the state of the disk under a local store (SQLite: free space, the reserve, full or
   * read-only; see sqlite/diskSpace.ts) for `/health` and the metrics. Absent or undefined: not
   * applicable (memory, PostgreSQL: the database server watches its own disk).
   */
  diskStatus?(): DiskStatus | undefined;

  // ---- messages ----
  /**
   * Store messages atomically (all or nothing) and durably. The message is deliverable at
   * `now + delayMs`. FIFO queues: assign increasing sequence numbers, and skip (`deduplicated`)
   * any message whose dedup key was seen inside `dedupWindowMs` — including earlier entries of
   * the same batch. The dedup key is `dedupId` when the queue's creation-time scope
   * (QueueRecord.dedupScope) is `queue`, and `groupId + dedupId` when it is `messageGroup`.
   */
  messageSend(p: MessageSendParams): Promise<SendMessageResult[]>;

  /**
   * Atomically claim up to `maxMessages` deliverable messages: each gets a new receipt token,
   * receive count + 1, first-receive time (if unset), and visibility deadline now + timeout.
   *
   * Deliverable: not expired by retention, visible time ≤ now.
   * Standard queues: roughly oldest first, in send order (sentAt, then arrival): a message whose
   * visibility expired or was set to 0, or whose delay ended, comes before messages sent after it
   * (AWS: test_inflight_message_requeue). Best effort, as on AWS: the SQL engines see that order within
   * a bounded look at the head of the queue (semantics/order.ts); the memory engine keeps it exactly.
   * FIFO queues: per message group in sequence order; from each group, its visible messages up to,
   * not past, the group's first message in flight or delayed (so a group whose head is in flight
   * yields nothing, while messages in flight after the head do not block the ones before them —
   * semantics/fifo.ts); one receive takes as many messages of one group as it can (in order) before
   * moving to the next group. Messages whose visibility expired are delivered again before later ones.
   *
   * Dead-letter queues: when the queue has a RedrivePolicy whose target (account and name from its
   * ARN; the action layer allows only a target in the source's own account) exists, a message that would
   * be delivered with receiveCount > maxReceiveCount is instead moved, in the same transaction, to
   * the dead-letter queue: same messageId, body, attributes, sentAt, receiveCount (not incremented by
   * the move), firstReceivedAt, groupId/dedupId; the move records deadLetterSourceArn (the source
   * queue's ARN, built by the engine as arn:aws:sqs:<region>:<account>:<name> from the DLQ ARN's
   * region and account); it is visible in the DLQ at once and gets a new sequence number there when
   * the DLQ is FIFO. Then the receive continues with the next candidate.
   */
  messageReceive(p: ReceiveParams): Promise<ReceiveResult>;

  /**
   * Delete messages by receipt, one result per receipt.
   * Standard queue: deleting a message that exists succeeds whatever receive the token belongs to
   * (AWS accepts older receipt handles); a message that no longer exists also succeeds (no-op).
   * FIFO queue: the token must be the message's current one *and* the message still in flight;
   * otherwise `ReceiptInvalid` (AWS: "The receipt handle has expired.").
   * Deleting the in-flight message of a FIFO group unlocks the group (wake listeners).
   */
  messageDelete(p: MessageDeleteParams): Promise<EntryResult[]>;

  /**
   * Change visibility deadlines to now + timeout, one result per entry.
   * The message must exist and be in flight, else `MessageNotInflight` (a message that no longer
   * exists: `ReceiptInvalid`). FIFO: a token that is not the current one is `ReceiptInvalid`.
   * A deadline beyond receivedAt(current receive) + maxTotalMs is `VisibilityLimitExceeded`.
   * Timeout 0 makes the message deliverable at once (wake listeners).
   */
  visibilityChange(p: VisibilityChangeParams): Promise<EntryResult[]>;

  /** A read-only peek at stored messages; see {@link MessageBrowseParams}. */
  messageBrowse(p: MessageBrowseParams): Promise<MessageBrowseResult>;

  // ---- move tasks ----
  /**
   * Start a task moving the messages of `sourceQueueId` (a DLQ). `toMove` = its stats().visible at
   * start. Rejects with MoveTaskActive when the source has a RUNNING or CANCELLING task.
   */
  moveTaskStart(p: MoveTaskStartParams): Promise<MoveTaskRecord>;
  /** RUNNING → CANCELLING (the runner then ends it as CANCELLED). Other states: MoveTaskNotFound. */
  moveTaskCancel(taskId: string): Promise<MoveTaskRecord>;
  /** Tasks of a source, newest first, at most `max`. */
  moveTaskList(sourceArn: string, max: number): Promise<MoveTaskRecord[]>;
  /** Tasks in RUNNING or CANCELLING state (for the background runner). */
  moveTaskActive(): Promise<MoveTaskRecord[]>;
  /**
   * Advance one task: move up to `maxMessages` *visible* messages from the source to the destination
   * (or each to its dead-letter source queue) atomically with the task's counters. A moved message
   * is a new message in its destination (new messageId and sequence number, receive count 0, sentAt
   * now). A task in CANCELLING becomes CANCELLED; one whose source has no more visible messages, or
   * has moved `toMove`, becomes COMPLETED; a missing destination makes it FAILED with a reason.
   */
  moveTaskStep(taskId: string, maxMessages: number): Promise<MoveTaskStepResult>;

  // ---- export / import ----
  /**
   * Read the whole store — every queue, message and live dedup entry — from one consistent snapshot
   * (memory: synchronously; SQLite: one read transaction on a connection of its own, so sends keep
   * committing; PostgreSQL: one REPEATABLE READ READ ONLY transaction) and hand it to `sink` item by
   * item (see {@link ExportItem}), awaiting each call. Nothing is changed: no receive counts, no
   * visibility. An error thrown (or a promise rejected) by `sink` ends the export, the snapshot is
   * released, and that very error is rethrown unchanged.
   */
  storeExport(sink: (item: ExportItem) => void | Promise<void>): Promise<void>;
  /**
   * Store exported messages in a queue, atomically and durably, with their state (ids, sent time,
   * receive count, first receive, sequence numbers, dead-letter source) and remember `dedup` entries.
   * No deduplication is applied to the messages themselves. A FIFO queue's sequence counter is raised
   * to the highest imported number, so later sends get greater ones. Rejects with
   * DomainError('InvalidImport') (nothing stored) when a FIFO message lacks a group or a well-formed
   * sequence number above the queue's last one, or a sequence number is given to a standard queue.
   */
  messageImport(p: MessageImportParams): Promise<void>;
  /**
   * Run `run` as one all-or-nothing import: every write it makes through its {@link ImportTx} is
   * committed together (durably) when `run` resolves, and none remains when it rejects — nor when the
   * process dies before the commit (kill -9, power loss). Resolves with `run`'s value; rejects with
   * `run`'s very error after the rollback (or DomainError('Unavailable') when the commit fails).
   * `run` runs once (never retried). How each engine holds it:
   *  - SQLite: one `BEGIN IMMEDIATE` transaction on the engine's connection, so the store's write lock
   *    is held until the import ends: this engine's other writes wait in its queue, and another process
   *    writing the same file (a serving Ferry) waits up to its busy timeout, then gets
   *    DomainError('Unavailable') (ServiceUnavailable, which the SDKs retry). Reads go on (WAL).
   *  - PostgreSQL: one transaction on a connection of its own (a savepoint per call); other nodes keep
   *    serving, and see the import only once committed. Rows it locks (a replaced queue's) stay locked
   *    until then.
   *  - memory: an undo log; the writes are visible to other callers of the same engine as they are
   *    made (there is no isolation), and undone if the import fails.
   * Wake-ups for imported deliverable messages go out after the commit.
   */
  storeImport<T>(run: (tx: ImportTx) => Promise<T>): Promise<T>;

  // ---- housekeeping and events ----
  /**
   * Delete what time has made dead: messages past retention, dedup entries and attempt ids past their
   * window, deleted-name tombstones older than a day. Returns how many messages were removed.
   */
  sweep(): Promise<number>;

  /**
   * Subscribe to wake-ups. Engines emit after commits that may make messages deliverable *now*:
   * sends with no delay, visibility changed to 0, FIFO deletes (group unlock), DLQ moves and move
   * task moves (for the receiving queue), purge is not needed. Returns an unsubscribe function.
   * Time-driven changes are not emitted (see ReceiveResult.nextVisibleAt).
   */
  onWake(listener: WakeListener): () => void;

  /**
   * Optional, for engines shared by several processes: a long poll of this process is about to wait
   * for wake-ups of `queueId`; make sure commits in other processes announce themselves to it. Returns
   * true when that was not the case until now — the caller then tries its receive once more before
   * waiting, since a message committed meanwhile was not announced — and false when it already was.
   */
  expectWakes?(queueId: string): boolean | Promise<boolean>;
}
