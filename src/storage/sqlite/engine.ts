/**
 * The SQLite storage engine: Ferry's durable default.
 *
 * Principles
 *  - What is committed is the truth. Every operation reads and writes the database; the only
 *    in-process state is a read cache of queue records (entries dropped on every write to a queue,
 *    and never filled from inside a transaction, so it cannot hold uncommitted data) and prepared
 *    statements.
 *  - Bodies never sit in memory beyond the message being delivered: they live in `payloads` and are
 *    read only for the rows a receive returns. A move to a dead-letter queue re-points the payload
 *    instead of copying it.
 *  - Group commit. Mutating calls are queued and executed together, in arrival order, in one
 *    `BEGIN IMMEDIATE … COMMIT` on the next `setImmediate` turn, so N concurrent requests cost one
 *    WAL fsync instead of N. Items run without savepoints (two statements each saved); when one
 *    throws, the whole transaction is rolled back and the batch re-run with one SAVEPOINT per item,
 *    so a DomainError still undoes only its own item.
 *  - The fsync runs off the event loop. SQLite commits with synchronous=NORMAL (the WAL frames are
 *    written to the OS, not synced), and the engine then fdatasyncs the WAL file on libuv's thread
 *    pool before it resolves any promise of that batch. Meanwhile the event loop keeps decoding
 *    requests and committing later batches; one fdatasync covers every batch committed before it
 *    started (classic pipelined group commit). A promise therefore still resolves only once its
 *    change is on stable storage — the guarantee synchronous=FULL gives — without the event loop
 *    sitting in fsync. (NORMAL alone still syncs the WAL before each checkpoint and the WAL header
 *    on reuse, so the database stays consistent whatever happens between the two syncs.)
 *  - Wake listeners run right after the COMMIT, outside any transaction, before the batch is
 *    durable: a woken long poll then claims its message in the next commit, and that commit shares
 *    the sync of the one that woke it (a lone write on a quiet engine syncs one event-loop turn
 *    later, after the writes it triggered have committed). Nothing is answered early: every
 *    promise — the send's and the receive's — still settles only after a sync that started after its
 *    own commit. A batch that changed no row (an empty receive, a failed validation) adds nothing
 *    to the WAL: it is answered at once when no earlier commit is still waiting for its sync.
 *  - Native SQLite failures (SQLITE_BUSY, SQLITE_IOERR, SQLITE_FULL…) become
 *    DomainError('Unavailable') at this boundary; a failed COMMIT rejects every item of the batch.
 *
 * Schema and index design: see migrations.ts.
 */

import { closeSync, fdatasync, fdatasyncSync, fstatSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

import type { Clock } from '../../core/clock.js';
import type { Random } from '../../core/random.js';
import { DomainError } from '../../errors/domain.js';
import type {
  EngineCapabilities,
  EngineDeps,
  EntryResult,
  MessageDeleteParams,
  MessageSendParams,
  MoveTaskRecord,
  MoveTaskStartParams,
  MoveTaskStatus,
  MoveTaskStepResult,
  QueueCreateParams,
  QueueCreateResult,
  QueueRecord,
  QueueStats,
  QueueUpdateParams,
  ReceivedMessage,
  ReceiveParams,
  ReceiveResult,
  SendMessageResult,
  StorageEngine,
  VisibilityChangeParams,
  WakeListener,
} from '../engine.js';
import { decodeAttributes, encodeAttributes } from '../codec.js';
import { migrate } from './migrations.js';
import { arnName, dedupKey, parseRedrive, renderSeq, retentionMs } from '../shared.js';

/** Options of {@link SqliteEngine}. */
export type SqliteEngineOptions = {
  /** Database file path, or ':memory:' (not durable; useful for tests and ephemeral servers). */
  path: string;
  /**
   * How long a statement waits for a lock held by another process before failing with
   * SQLITE_BUSY (→ Unavailable). Default 5000 ms.
   */
  busyTimeoutMs?: number;
  /**
   * The off-loop WAL sync (default: node's asynchronous `fdatasync`). Tests inject one that holds the
   * callback, to observe what happens while a sync is in flight without depending on disk timing.
   */
  syncWal?: (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void;
  /** The inline WAL sync of a lone write on a quiet engine (default: `fdatasyncSync`); tests count calls. */
  syncWalInline?: (fd: number) => void;
} & EngineDeps;

/** Deleted-name tombstones older than this are swept (engine.ts: "older than a day"). */
const TOMBSTONE_TTL_MS = 86_400_000;
/** Rows fetched per page while scanning receive candidates. */
const PAGE = 32;
/** Expired messages removed per sweep transaction (keeps the write lock short). */
const SWEEP_CHUNK = 2_000;

/**
 * The columns of a receive candidate: the message row and its payload, joined so a delivered message
 * costs no separate payload lookup. Read in raw mode (arrays) and turned into objects by
 * {@link candidateRow}: better-sqlite3 builds a row object property by property through the V8 API,
 * measured at ~5 µs per 22-column row against ~2 µs for the same row as an array.
 */
const CANDIDATE_COLUMNS = `m.id, m.queue_id, m.payload_id, m.message_id, m.seq, m.group_id, m.sent_at, m.visible_at, m.received,
          m.receipt_token, m.received_at, m.receive_count, m.first_received_at, m.dl_source_arn,
          p.body, p.md5_body, p.attrs, p.md5_attrs, p.sys_attrs, p.md5_sys, p.sender_id, p.dedup_id`;

/** A message row joined with its payload. */
type CandidateRow = MessageRow & PayloadRow;

/** A raw candidate row (CANDIDATE_COLUMNS order) as an object. */
function candidateRow(a: unknown[]): CandidateRow {
  return {
    id: a[0] as number,
    queue_id: a[1] as string,
    payload_id: a[2] as number,
    message_id: a[3] as string,
    seq: a[4] as number | null,
    group_id: a[5] as string | null,
    sent_at: a[6] as number,
    visible_at: a[7] as number,
    received: a[8] as number,
    receipt_token: a[9] as string | null,
    received_at: a[10] as number | null,
    receive_count: a[11] as number,
    first_received_at: a[12] as number | null,
    dl_source_arn: a[13] as string | null,
    body: a[14] as string,
    md5_body: a[15] as string,
    attrs: a[16] as string | null,
    md5_attrs: a[17] as string | null,
    sys_attrs: a[18] as string | null,
    md5_sys: a[19] as string | null,
    sender_id: a[20] as string,
    dedup_id: a[21] as string | null,
  };
}

/**
 * The hot statements, named so diagnostics() can show their plans. Each is an index seek plus a
 * bounded range: O(log n) whatever the queue depth (see migrations.ts for the indexes).
 */
const SQL = {
  /** Standard receive: deliverable messages after a (visible_at, id) cursor, oldest first. */
  standardCandidates: `SELECT ${CANDIDATE_COLUMNS} FROM messages m INDEXED BY messages_ready
          JOIN payloads p ON p.id = m.payload_id
          WHERE m.queue_id = ? AND m.visible_at <= ? AND (m.visible_at > ? OR (m.visible_at = ? AND m.id > ?))
          ORDER BY m.visible_at, m.id LIMIT ?`,
  /** FIFO receive: groups that can deliver now, after a (ready_at, head_seq) cursor. */
  fifoCandidates: `SELECT group_id, ready_at, head_seq FROM fifo_groups
          WHERE queue_id = ? AND ready_at <= ? AND (ready_at > ? OR (ready_at = ? AND head_seq > ?))
          ORDER BY ready_at, head_seq LIMIT ?`,
  /** First message (lowest sequence) of a FIFO group. */
  groupHead: 'SELECT seq, visible_at FROM messages WHERE queue_id = ? AND group_id = ? ORDER BY seq LIMIT 1',
  /** Latest visibility deadline of a group's received messages (the lock). */
  groupLock: 'SELECT MAX(visible_at) AS m FROM messages WHERE queue_id = ? AND group_id = ? AND received = 1',
  /** A group's messages in order after a sequence cursor. */
  groupMessages: `SELECT ${CANDIDATE_COLUMNS} FROM messages m JOIN payloads p ON p.id = m.payload_id
          WHERE m.queue_id = ? AND m.group_id = ? AND m.seq > ? ORDER BY m.seq LIMIT ?`,
  /** ApproximateNumberOf… counts from the covering index messages_age. */
  stats: `SELECT COALESCE(SUM(visible_at <= @now), 0) AS visible,
              COALESCE(SUM(visible_at > @now AND received = 1), 0) AS inflight,
              COALESCE(SUM(visible_at > @now AND received = 0), 0) AS delayed
         FROM messages INDEXED BY messages_age
        WHERE queue_id = @q AND sent_at > @cutoff`,
  /** In-flight count for OverLimit, capped at the limit so it never scans more than that. */
  inflightCount: `SELECT COUNT(*) AS n FROM (SELECT 1 FROM messages INDEXED BY messages_ready
            WHERE queue_id = ? AND visible_at > ? AND received = 1 LIMIT ?)`,
  nextVisibleStandard: 'SELECT MIN(visible_at) AS t FROM messages WHERE queue_id = ? AND visible_at > ?',
  nextVisibleFifo: 'SELECT MIN(ready_at) AS t FROM fifo_groups WHERE queue_id = ? AND ready_at > ?',
} as const;

/** The row id a receipt ref names (refs are decimal row ids), or undefined for anything else. */
function refId(ref: string): number | undefined {
  return /^[0-9]{1,16}$/.test(ref) ? Number(ref) : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Row shapes
// ---------------------------------------------------------------------------------------------------

interface QueueRow {
  id: string;
  name: string;
  fifo: number;
  attributes: string;
  tags: string;
  created_at: number;
  last_modified_at: number;
  seq_counter: number;
  last_purge_at: number | null;
}

interface MessageRow {
  id: number;
  queue_id: string;
  payload_id: number;
  message_id: string;
  seq: number | null;
  group_id: string | null;
  sent_at: number;
  visible_at: number;
  received: number;
  receipt_token: string | null;
  received_at: number | null;
  receive_count: number;
  first_received_at: number | null;
  dl_source_arn: string | null;
}

interface PayloadRow {
  body: string;
  md5_body: string;
  attrs: string | null;
  md5_attrs: string | null;
  sys_attrs: string | null;
  md5_sys: string | null;
  sender_id: string;
  dedup_id: string | null;
}

interface MoveTaskRow {
  id: string;
  source_arn: string;
  source_queue_id: string;
  destination_arn: string | null;
  max_per_second: number | null;
  status: MoveTaskStatus;
  to_move: number;
  moved: number;
  failure_reason: string | null;
  started_at: number;
}

/** Per-item transaction context: what to do after the batch committed. */
interface TxContext {
  /** Queue ids whose waiters should be woken after commit. */
  wakes: Set<string>;
}

type Outcome = { ok: true; value: unknown; tx: TxContext } | { ok: false; error: unknown };

/**
 * Opens the WAL file read-only for fdatasync (Linux syncs the file, whatever the descriptor's mode).
 * SQLite keeps `<db>-wal` while a connection is open and only truncates or rewrites it in place, so
 * one descriptor serves the engine's life.
 */
function openWal(dbPath: string): number {
  const fd = openSync(`${dbPath}-wal`, 'r');
  const a = fstatSync(fd);
  const b = statSync(`${dbPath}-wal`);
  if (a.ino !== b.ino || a.dev !== b.dev) {
    closeSync(fd);
    throw new Error('the WAL file changed while it was opened');
  }
  return fd;
}

interface WorkItem {
  fn: (tx: TxContext) => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

// ---------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------

function isSqliteError(e: unknown): boolean {
  if (e instanceof Database.SqliteError) return true;
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

function freezeQueue(row: QueueRow): QueueRecord {
  return Object.freeze({
    id: row.id,
    name: row.name,
    fifo: row.fifo === 1,
    attributes: Object.freeze(JSON.parse(row.attributes) as Record<string, string>),
    tags: Object.freeze(JSON.parse(row.tags) as Record<string, string>),
    createdAt: row.created_at,
    lastModifiedAt: row.last_modified_at,
  });
}

function taskRecord(r: MoveTaskRow): MoveTaskRecord {
  const t: MoveTaskRecord = {
    id: r.id,
    sourceArn: r.source_arn,
    sourceQueueId: r.source_queue_id,
    status: r.status,
    toMove: r.to_move,
    moved: r.moved,
    startedAt: r.started_at,
  };
  if (r.destination_arn !== null) t.destinationArn = r.destination_arn;
  if (r.max_per_second !== null) t.maxPerSecond = r.max_per_second;
  if (r.failure_reason !== null) t.failureReason = r.failure_reason;
  return t;
}

// ---------------------------------------------------------------------------------------------------
// The engine
// ---------------------------------------------------------------------------------------------------

/**
 * Durable, embedded StorageEngine on SQLite (better-sqlite3, WAL, synchronous=FULL).
 *
 * One instance per database file. Another process opening the same file cannot corrupt it (writes
 * serialise on SQLite's write lock, migrations re-check their version under BEGIN IMMEDIATE), but
 * the queue-record cache and wake-ups are per process, so `capabilities.shared` is false: use the
 * PostgreSQL engine for several Ferry nodes.
 */
export class SqliteEngine implements StorageEngine {
  /** @inheritdoc */
  readonly kind = 'sqlite' as const;
  /** Durable unless opened on ':memory:'. Not shared: wake-ups and the queue cache are per process. */
  readonly capabilities: EngineCapabilities;

  private readonly path: string;
  private readonly busyTimeoutMs: number;
  private readonly syncWal: (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void;
  private readonly syncWalInline: (fd: number) => void;
  private readonly clock: Clock;
  private readonly random: Random;
  private db: Database.Database | undefined;
  private closed = false;
  private readonly stmts = new Map<string, Database.Statement>();
  /** Raw-mode (array rows) statements of {@link candidates}. */
  private readonly rawStmts = new Map<string, Database.Statement>();
  private readonly listeners = new Set<WakeListener>();

  /** Queue read cache: id → record (or null for "known absent" is not cached: absence is cheap). */
  private readonly cacheById = new Map<string, QueueRecord>();
  private readonly cacheIdByName = new Map<string, string>();
  /** True while a batch transaction is open: the cache is then neither filled nor trusted for misses. */
  private inTx = false;

  /** Random bytes not yet used for receipt tokens (see nextToken). */
  private tokenPool: Buffer = Buffer.alloc(0);
  private tokenOff = 0;

  private pending: WorkItem[] = [];
  private flushScheduled = false;
  private commits = 0;

  /** Read-only descriptor of the WAL file, fdatasync'ed off the event loop (undefined: not durable / not WAL). */
  private walFd: number | undefined;
  /** Committed batches waiting for the next WAL sync to start. */
  private syncQueue: Array<(err?: unknown) => void> = [];
  /** The WAL sync in flight, if any (close() waits for it). */
  private syncing: Promise<void> | undefined;
  /** An inline sync is scheduled for the next event-loop turn (see afterDurable). */
  private inlineSyncDue = false;
  private syncs = 0;

  constructor(opts: SqliteEngineOptions) {
    this.path = opts.path;
    this.busyTimeoutMs = opts.busyTimeoutMs ?? 5000;
    this.syncWal = opts.syncWal ?? fdatasync;
    this.syncWalInline = opts.syncWalInline ?? fdatasyncSync;
    this.clock = opts.clock;
    this.random = opts.random;
    this.capabilities = Object.freeze({ durable: opts.path !== ':memory:' && opts.path !== '', shared: false });
  }

  /**
   * Number of batch transactions committed by this instance. Exposed for tests and metrics: N
   * concurrent writes in one tick should add 1, which is what group commit promises.
   */
  get transactionsCommitted(): number {
    return this.commits;
  }

  /** Number of WAL syncs this instance has run (tests: a woken receive shares its sender's sync). */
  get walSyncs(): number {
    return this.syncs;
  }

  /**
   * Operator and test diagnostics: the schema version and the query plans of the hot receive
   * statements (each plan line as SQLite prints it, e.g. "SEARCH messages USING INDEX …"). Lets a
   * test prove receives stay index seeks at any depth without SQL leaving this directory.
   * @internal
   */
  diagnostics(): { schemaVersion: number; walSync: 'off-loop' | 'in-commit'; plans: Record<string, string[]> } {
    if (!this.db) throw new DomainError('Unavailable', 'engine not open');
    const db = this.db;
    const plan = (sql: string, ...args: unknown[]): string[] =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>).map((r) => r.detail);
    const version = (db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
    return {
      schemaVersion: version,
      walSync: this.walFd === undefined ? 'in-commit' : 'off-loop',
      plans: {
        standardReceive: plan(SQL.standardCandidates, 'q', 0, 0, 0, 0, 1),
        fifoGroups: plan(SQL.fifoCandidates, 'q', 0, 0, 0, 0, 1),
        groupHead: plan(SQL.groupHead, 'q', 'g'),
        groupLock: plan(SQL.groupLock, 'q', 'g'),
        groupMessages: plan(SQL.groupMessages, 'q', 'g', 0, 1),
        stats: plan(SQL.stats, { now: 0, q: 'q', cutoff: 0 }),
        inflightCount: plan(SQL.inflightCount, 'q', 0, 1),
        nextVisibleStandard: plan(SQL.nextVisibleStandard, 'q', 0),
        nextVisibleFifo: plan(SQL.nextVisibleFifo, 'q', 0),
      },
    };
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /** Open the database, set pragmas and apply migrations. */
  async init(): Promise<void> {
    if (this.db) return;
    if (this.closed) throw new DomainError('Unavailable', 'engine is closed');
    try {
      if (this.capabilities.durable) mkdirSync(dirname(this.path), { recursive: true });
      const db = new Database(this.path, { timeout: this.busyTimeoutMs });
      // WAL: readers never block the writer; FULL: fsync the WAL on every COMMIT, so a resolved
      // promise survives power loss (NORMAL would only survive a process crash).
      const mode = String(db.pragma('journal_mode = WAL', { simple: true })).toLowerCase();
      // With WAL, commits write the WAL without syncing it (NORMAL) and flush() syncs it off the event
      // loop before answering; any other journal mode (a file system without shared memory) keeps FULL.
      const offloop = this.capabilities.durable && mode === 'wal';
      db.pragma(offloop ? 'synchronous = NORMAL' : 'synchronous = FULL');
      db.pragma('foreign_keys = OFF');
      // 32 MiB page cache: keeps the receive indexes of deep queues hot (measured: a 2-queue, 2M
      // message store got ~5x slower receives with the 2 MiB default). It caches pages, not
      // messages: bodies are only read for the rows a receive returns.
      db.pragma('cache_size = -32768');
      migrate(db, this.clock.now());
      if (offloop) this.walFd = openWal(this.path);
      this.db = db;
    } catch (e) {
      throw this.toDomain(e);
    }
  }

  /** Run any queued writes, then close the database. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.pending.length) this.flush();
    this.closed = true;
    if (this.inlineSyncDue) this.syncInline();
    // Answer the batches whose WAL sync is still running before the file goes away.
    while (this.syncing) await this.syncing;
    if (this.walFd !== undefined) {
      try {
        closeSync(this.walFd);
      } catch {
        // Already closed: nothing to release.
      }
      this.walFd = undefined;
    }
    this.stmts.clear();
    this.rawStmts.clear();
    this.cacheById.clear();
    this.cacheIdByName.clear();
    try {
      this.db?.close();
    } catch {
      // Closing is best effort: every committed transaction is already in the WAL.
    }
    this.db = undefined;
  }

  /** @inheritdoc */
  onWake(listener: WakeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- plumbing -------------------------------------------------------------------------------

  /** A cached prepared statement. */
  private q(sql: string): Database.Statement {
    return this.prepared(this.stmts, sql, false);
  }

  /** Receive candidates (a statement selecting CANDIDATE_COLUMNS), read as arrays and converted. */
  private candidates(sql: string, ...params: unknown[]): CandidateRow[] {
    return (this.prepared(this.rawStmts, sql, true).all(...params) as unknown[][]).map(candidateRow);
  }

  /** A statement from `cache`, prepared on first use (in raw mode when `raw`). */
  private prepared(cache: Map<string, Database.Statement>, sql: string, raw: boolean): Database.Statement {
    let s = cache.get(sql);
    if (!s) {
      if (!this.db) throw new DomainError('Unavailable', this.closed ? 'engine is closed' : 'engine not initialised');
      s = raw ? this.db.prepare(sql).raw(true) : this.db.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  }

  private toDomain(e: unknown): unknown {
    if (e instanceof DomainError) return e;
    if (isSqliteError(e)) return new DomainError('Unavailable', `sqlite: ${(e as Error).message}`);
    if (this.closed || !this.db) return new DomainError('Unavailable', 'engine is closed');
    return e;
  }

  /** Run a read synchronously against committed state, mapping native errors. */
  private read<T>(fn: () => T): Promise<T> {
    try {
      if (!this.db) throw new DomainError('Unavailable', this.closed ? 'engine is closed' : 'engine not initialised');
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(this.toDomain(e));
    }
  }

  /**
   * Queue a mutating work item for the next group commit. `fn` runs inside the batch transaction
   * under its own savepoint; it must be synchronous and must not call listeners itself.
   */
  private write<T>(fn: (tx: TxContext) => T): Promise<T> {
    if (this.closed || !this.db) {
      return Promise.reject(new DomainError('Unavailable', this.closed ? 'engine is closed' : 'engine not initialised'));
    }
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      // While a WAL sync runs, writes gather for the commit that follows it (see startSync): one
      // commit per sync instead of one per event-loop turn, so batches stay as large as with an
      // on-loop fsync, without the event loop waiting for the disk.
      if (!this.flushScheduled && this.syncing === undefined) {
        this.flushScheduled = true;
        // setImmediate (not queueMicrotask) so that every call made in this tick — including ones
        // issued from promise continuations of the same tick — joins the batch.
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Execute all queued items in one transaction, then (once the WAL sync covering it is done) settle
   * their promises and emit wakes. Fast path: no savepoints; if any item throws, the transaction is
   * rolled back and the batch re-run with one savepoint per item (items are pure functions of the
   * database state, so running one twice is harmless: nothing of a rolled-back run escapes).
   */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const db = this.db;
    if (!db) {
      for (const item of batch) item.reject(new DomainError('Unavailable', 'engine is closed'));
      return;
    }
    let outcomes: Outcome[];
    let changedBefore: number;
    try {
      changedBefore = this.totalChanges();
      this.inTx = true;
      // With savepoints an attempt always yields outcomes (a throwing item is undone alone).
      outcomes = this.runBatch(batch, false) ?? (this.runBatch(batch, true) as Outcome[]);
      this.commits++;
    } catch (e) {
      // Items may have dropped cache entries for writes that are now rolled back, and may have
      // been served stale entries: start the cache afresh.
      this.cacheById.clear();
      this.cacheIdByName.clear();
      const err = this.toDomain(e);
      for (const item of batch) item.reject(err);
      return;
    } finally {
      this.inTx = false;
    }
    const done = outcomes;
    const settle = (syncError?: unknown): void => {
      if (syncError !== undefined) {
        // The commit may or may not be on disk: the callers learn the outcome is unknown (5xx).
        const err = new DomainError('Unavailable', `sqlite: syncing the WAL failed: ${(syncError as Error).message}`);
        for (const item of batch) item.reject(err);
        return;
      }
      for (let i = 0; i < batch.length; i++) {
        const o = done[i]!;
        if (o.ok) batch[i]!.resolve(o.value);
        else batch[i]!.reject(o.error);
      }
    };
    if (this.totalChanges() === changedBefore && this.syncQueue.length === 0 && this.syncing === undefined && !this.inlineSyncDue) {
      // Nothing written, and every earlier commit is already on stable storage: nothing to wait for.
      settle();
    } else {
      this.afterDurable(batch.length === 1, settle);
    }
    // Wakes go out now, before the sync (see the class doc): the receives they trigger commit while
    // it runs, or before the inline one, and are answered only after a sync of their own commit.
    const wakes = new Set<string>();
    for (const o of done) if (o.ok) for (const w of o.tx.wakes) wakes.add(w);
    for (const queueId of wakes) {
      for (const l of this.listeners) {
        try {
          l(queueId);
        } catch {
          // A listener's failure must not affect storage or other listeners.
        }
      }
    }
  }

  /** Rows changed by INSERT/UPDATE/DELETE on this connection since it opened. */
  private totalChanges(): number {
    return this.q('SELECT total_changes() AS n').pluck().get() as number;
  }

  /**
   * One attempt at the batch transaction. Without savepoints, returns undefined (after ROLLBACK)
   * as soon as an item throws, so the caller re-runs with savepoints; with them, a throwing item
   * is undone alone. Native failures of BEGIN/COMMIT propagate (after ROLLBACK).
   */
  private runBatch(batch: WorkItem[], savepoints: boolean): Outcome[] | undefined {
    const outcomes: Outcome[] = new Array<Outcome>(batch.length);
    this.q('BEGIN IMMEDIATE').run();
    try {
      for (let i = 0; i < batch.length; i++) {
        const tx: TxContext = { wakes: new Set() };
        if (!savepoints) {
          try {
            outcomes[i] = { ok: true, value: batch[i]!.fn(tx), tx };
          } catch {
            this.q('ROLLBACK').run();
            // Dropped cache entries may belong to rolled-back writes: the re-run reloads them.
            this.cacheById.clear();
            this.cacheIdByName.clear();
            return undefined;
          }
          continue;
        }
        this.q('SAVEPOINT item').run();
        try {
          const value = batch[i]!.fn(tx);
          this.q('RELEASE item').run();
          outcomes[i] = { ok: true, value, tx };
        } catch (e) {
          // Undo only this item; if even that fails the connection is unusable → abort batch.
          this.q('ROLLBACK TO item').run();
          this.q('RELEASE item').run();
          outcomes[i] = { ok: false, error: this.toDomain(e) };
        }
      }
      this.q('COMMIT').run();
      return outcomes;
    } catch (e) {
      if (this.db?.inTransaction) {
        try {
          this.q('ROLLBACK').run();
        } catch {
          // Nothing more to do: the batch is lost and every caller is told so.
        }
      }
      throw e;
    }
  }

  /**
   * Run `settle` once everything committed so far is on stable storage: at once when the engine is
   * not durable (or not in WAL mode, where COMMIT itself synced), else after an fdatasync of the WAL
   * that starts after this call — inline for a lone write on a quiet engine (`alone`), otherwise on
   * the thread pool. One sync in flight at a time; batches committed meanwhile share the next one.
   */
  private afterDurable(alone: boolean, settle: (err?: unknown) => void): void {
    if (this.walFd === undefined) {
      settle();
      return;
    }
    this.syncQueue.push(settle);
    // A sync running or due covers this batch: the one after the running sync, or the inline one.
    if (this.syncing !== undefined || this.inlineSyncDue) return;
    if (alone && this.syncQueue.length === 1) {
      // A lone write on a quiet engine syncs on the event loop: handing the sync to the thread pool
      // and the completion back costs two thread wake-ups (~0.4 ms each on an idle VM, measured with
      // the longpoll-wake scenario), and there is nothing else for the event loop to do meanwhile.
      // One turn later, though: the long poll this write may have woken commits its receive first,
      // and one sync then answers both (measured: longpoll-wake on SQLite p50 2.56 → see BENCHMARKS.md).
      this.inlineSyncDue = true;
      setImmediate(() => this.syncInline());
      return;
    }
    this.startSync();
  }

  /** The inline sync scheduled by afterDurable (or run at once by close()). */
  private syncInline(): void {
    if (!this.inlineSyncDue) return;
    // Writes queued since the lone commit (typically the receive of a long poll it woke) commit now;
    // their afterDurable joins the queue this sync settles.
    if (this.pending.length > 0 && this.db) this.flush();
    this.inlineSyncDue = false;
    const waiting = this.syncQueue;
    this.syncQueue = [];
    let err: unknown;
    if (this.walFd !== undefined) {
      try {
        this.syncWalInline(this.walFd);
        this.syncs++;
      } catch (e) {
        err = e;
      }
    }
    for (const s of waiting) s(err);
  }

  private startSync(): void {
    const fd = this.walFd;
    const waiting = this.syncQueue;
    this.syncQueue = [];
    if (fd === undefined) {
      for (const s of waiting) s();
      return;
    }
    this.syncing = new Promise<void>((resolve) => {
      this.syncWal(fd, (err) => {
        this.syncing = undefined;
        this.syncs++;
        for (const s of waiting) s(err ?? undefined);
        if (this.syncQueue.length > 0) this.startSync();
        else if (this.pending.length > 0 && !this.flushScheduled) {
          // Writes that arrived during the sync: commit them now (setImmediate lets the continuations
          // of the promises just settled join the batch).
          this.flushScheduled = true;
          setImmediate(() => this.flush());
        }
        resolve();
      });
    });
  }

  // ---- queue records --------------------------------------------------------------------------

  private invalidate(id: string): void {
    const cached = this.cacheById.get(id);
    if (cached) this.cacheIdByName.delete(cached.name);
    this.cacheById.delete(id);
  }

  private remember(rec: QueueRecord): QueueRecord {
    // Only committed state may enter the cache (see class doc).
    if (!this.inTx) {
      this.cacheById.set(rec.id, rec);
      this.cacheIdByName.set(rec.name, rec.id);
    }
    return rec;
  }

  private loadById(id: string): QueueRecord | undefined {
    const hit = this.cacheById.get(id);
    if (hit) return hit;
    const row = this.q('SELECT * FROM queues WHERE id = ?').get(id) as QueueRow | undefined;
    return row ? this.remember(freezeQueue(row)) : undefined;
  }

  private loadByName(name: string): QueueRecord | undefined {
    const id = this.cacheIdByName.get(name);
    if (id !== undefined) {
      const hit = this.cacheById.get(id);
      if (hit) return hit;
    }
    const row = this.q('SELECT * FROM queues WHERE name = ?').get(name) as QueueRow | undefined;
    return row ? this.remember(freezeQueue(row)) : undefined;
  }

  private mustQueue(id: string): QueueRecord {
    const q = this.loadById(id);
    if (!q) throw new DomainError('QueueNotFound', `queue ${id} does not exist`);
    return q;
  }

  /** Next FIFO sequence counter of a queue (persisted in the same transaction). */
  private nextSeq(queueId: string): number {
    return this.reserveSeqs(queueId, 1);
  }

  /**
   * Reserve `n` consecutive FIFO sequence counters of a queue in one UPDATE (the queue row, with its
   * attribute and tag JSON, is rewritten once per batch instead of once per message); returns the
   * first. Numbers a batch reserves but does not use (deduplicated entries) are simply skipped: AWS
   * sequence numbers only increase, they are not consecutive.
   */
  private reserveSeqs(queueId: string, n: number): number {
    const r = this.q('UPDATE queues SET seq_counter = seq_counter + ? WHERE id = ? RETURNING seq_counter').get(n, queueId) as
      { seq_counter: number } | undefined;
    if (!r) throw new DomainError('QueueNotFound');
    return r.seq_counter - n + 1;
  }

  // ---- meta -----------------------------------------------------------------------------------

  /** @inheritdoc */
  async metaGetOrCreate(key: string, create: () => string): Promise<string> {
    const existing = await this.read(() => this.q('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined);
    if (existing) return existing.value;
    return this.write(() => {
      // INSERT … DO NOTHING then read back: another process (or an earlier item of this batch)
      // may have won, and everyone must agree on its value.
      const row = this.q('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
      if (row) return row.value;
      const value = create();
      this.q('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(key, value);
      return (this.q('SELECT value FROM meta WHERE key = ?').get(key) as { value: string }).value;
    });
  }

  // ---- queues ---------------------------------------------------------------------------------

  /** @inheritdoc */
  queueCreate(p: QueueCreateParams): Promise<QueueCreateResult> {
    return this.write(() => {
      const existing = this.loadByName(p.name);
      if (existing) return { queue: existing, created: false };
      const now = this.clock.now();
      if (p.reuseDelayMs > 0) {
        const t = this.q('SELECT deleted_at FROM queue_tombstones WHERE name = ?').get(p.name) as { deleted_at: number } | undefined;
        if (t && now - t.deleted_at < p.reuseDelayMs) {
          throw new DomainError('QueueDeletedRecently', `queue ${p.name} was deleted recently`);
        }
      }
      const id = this.random.uuid();
      this.q(
        `INSERT INTO queues (id, name, fifo, attributes, tags, created_at, last_modified_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(id, p.name, p.fifo ? 1 : 0, JSON.stringify(p.attributes), JSON.stringify(p.tags), now, now);
      this.q('DELETE FROM queue_tombstones WHERE name = ?').run(p.name);
      return { queue: this.mustQueue(id), created: true };
    });
  }

  /** @inheritdoc */
  queueGetByName(name: string): Promise<QueueRecord | undefined> {
    return this.read(() => this.loadByName(name));
  }

  /** @inheritdoc */
  queueGetById(id: string): Promise<QueueRecord | undefined> {
    return this.read(() => this.loadById(id));
  }

  /** @inheritdoc */
  queueList(prefix?: string): Promise<QueueRecord[]> {
    return this.read(() => {
      const rows = this.q('SELECT * FROM queues').all() as QueueRow[];
      // Filter and sort in JS: the contract is UTF-16 code-unit order, which is what `<` gives.
      return rows
        .filter((r) => prefix === undefined || r.name.startsWith(prefix))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map((r) => this.remember(freezeQueue(r)));
    });
  }

  /** @inheritdoc */
  queueSetAttributes(p: QueueUpdateParams): Promise<QueueRecord> {
    return this.write(() => {
      const q = this.mustQueue(p.queueId);
      const attrs: Record<string, string> = { ...q.attributes, ...p.set };
      for (const k of p.unset ?? []) delete attrs[k];
      this.q('UPDATE queues SET attributes = ?, last_modified_at = ? WHERE id = ?').run(JSON.stringify(attrs), this.clock.now(), q.id);
      this.invalidate(q.id);
      return this.mustQueue(q.id);
    });
  }

  /** @inheritdoc */
  queueTag(queueId: string, tags: Record<string, string>): Promise<void> {
    return this.write(() => {
      const q = this.mustQueue(queueId);
      this.q('UPDATE queues SET tags = ? WHERE id = ?').run(JSON.stringify({ ...q.tags, ...tags }), q.id);
      this.invalidate(q.id);
    });
  }

  /** @inheritdoc */
  queueUntag(queueId: string, keys: string[]): Promise<void> {
    return this.write(() => {
      const q = this.mustQueue(queueId);
      const tags: Record<string, string> = { ...q.tags };
      for (const k of keys) delete tags[k];
      this.q('UPDATE queues SET tags = ? WHERE id = ?').run(JSON.stringify(tags), q.id);
      this.invalidate(q.id);
    });
  }

  /** Delete every message (and payload, and FIFO group row) of a queue. */
  private deleteAllMessages(queueId: string): void {
    this.q('DELETE FROM payloads WHERE id IN (SELECT payload_id FROM messages WHERE queue_id = ?)').run(queueId);
    this.q('DELETE FROM messages WHERE queue_id = ?').run(queueId);
    this.q('DELETE FROM fifo_groups WHERE queue_id = ?').run(queueId);
  }

  /** @inheritdoc */
  queueDelete(queueId: string): Promise<void> {
    return this.write(() => {
      const q = this.mustQueue(queueId);
      this.deleteAllMessages(q.id);
      this.q('DELETE FROM dedup WHERE queue_id = ?').run(q.id);
      this.q('DELETE FROM receive_attempts WHERE queue_id = ?').run(q.id);
      this.q('DELETE FROM move_tasks WHERE source_queue_id = ?').run(q.id);
      this.q('DELETE FROM queues WHERE id = ?').run(q.id);
      this.q(
        `INSERT INTO queue_tombstones (name, deleted_at) VALUES (?, ?)
         ON CONFLICT (name) DO UPDATE SET deleted_at = excluded.deleted_at`,
      ).run(q.name, this.clock.now());
      this.invalidate(q.id);
    });
  }

  /** @inheritdoc */
  queuePurge(queueId: string, minIntervalMs: number): Promise<void> {
    return this.write(() => {
      const q = this.mustQueue(queueId);
      const now = this.clock.now();
      const row = this.q('SELECT last_purge_at FROM queues WHERE id = ?').get(q.id) as { last_purge_at: number | null };
      if (minIntervalMs > 0 && row.last_purge_at !== null && now - row.last_purge_at < minIntervalMs) {
        throw new DomainError('PurgeInProgress', `queue ${q.name} was purged less than ${minIntervalMs} ms ago`);
      }
      // Dedup entries survive a purge (AWS: a purged message's dedup id still suppresses resends).
      this.deleteAllMessages(q.id);
      this.q('DELETE FROM receive_attempts WHERE queue_id = ?').run(q.id);
      this.q('UPDATE queues SET last_purge_at = ? WHERE id = ?').run(now, q.id);
    });
  }

  /** @inheritdoc */
  queueStats(queueId: string): Promise<QueueStats> {
    return this.read(() => {
      const q = this.mustQueue(queueId);
      return this.statsOf(q, this.clock.now());
    });
  }

  /** Counts over the covering index messages_age (no row or body reads). */
  private statsOf(q: QueueRecord, now: number): QueueStats {
    const r = this.q(SQL.stats).get({ now, q: q.id, cutoff: now - retentionMs(q) }) as QueueStats;
    return { visible: r.visible, inflight: r.inflight, delayed: r.delayed };
  }

  // ---- FIFO groups ----------------------------------------------------------------------------

  /**
   * Recompute a FIFO group's row: head = lowest sequence; ready_at = max(head.visible_at, latest
   * visibility deadline of the group's received messages). Two index seeks. Deletes the row when
   * the group is empty. Returns ready_at (undefined when empty).
   */
  private refreshGroup(queueId: string, groupId: string): number | undefined {
    const head = this.q(SQL.groupHead).get(queueId, groupId) as { seq: number; visible_at: number } | undefined;
    if (!head) {
      this.q('DELETE FROM fifo_groups WHERE queue_id = ? AND group_id = ?').run(queueId, groupId);
      return undefined;
    }
    const lock = this.q(SQL.groupLock).get(queueId, groupId) as { m: number | null };
    const ready = Math.max(head.visible_at, lock.m ?? Number.MIN_SAFE_INTEGER);
    this.q(
      `INSERT INTO fifo_groups (queue_id, group_id, head_seq, ready_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (queue_id, group_id) DO UPDATE SET head_seq = excluded.head_seq, ready_at = excluded.ready_at`,
    ).run(queueId, groupId, head.seq, ready);
    return ready;
  }

  // ---- messages: send -------------------------------------------------------------------------

  /** @inheritdoc */
  messageSend(p: MessageSendParams): Promise<SendMessageResult[]> {
    return this.write((tx) => {
      const q = this.mustQueue(p.queueId);
      const now = this.clock.now();
      const results: SendMessageResult[] = [];
      const newGroups = new Set<string>();
      /** FIFO: next reserved sequence counter and the end of the reservation (exclusive). */
      let seqNext = 0;
      let seqEnd = 0;
      for (let i = 0; i < p.messages.length; i++) {
        const m = p.messages[i]!;
        if (q.fifo && m.dedupId !== undefined) {
          const key = dedupKey(q, m.groupId, m.dedupId);
          const seen = this.q('SELECT message_id, seq, expires_at FROM dedup WHERE queue_id = ? AND key = ?').get(q.id, key) as
            { message_id: string; seq: number | null; expires_at: number } | undefined;
          if (seen && seen.expires_at > now) {
            const r: SendMessageResult = { messageId: seen.message_id, deduplicated: true };
            const s = renderSeq(seen.seq);
            if (s !== undefined) r.sequenceNumber = s;
            results.push(r);
            continue;
          }
          // Fall through; the dedup row is written below once the sequence number is known.
        }
        let seq: number | null = null;
        if (q.fifo) {
          if (seqNext === seqEnd) {
            seqNext = this.reserveSeqs(q.id, p.messages.length - i);
            seqEnd = seqNext + (p.messages.length - i);
          }
          seq = seqNext++;
        }
        const payloadId = this.q(
          `INSERT INTO payloads (body, md5_body, attrs, md5_attrs, sys_attrs, md5_sys, sender_id, dedup_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          m.body,
          m.md5OfBody,
          encodeAttributes(m.messageAttributes),
          m.md5OfMessageAttributes ?? null,
          encodeAttributes(m.systemAttributes),
          m.md5OfMessageSystemAttributes ?? null,
          m.senderId,
          m.dedupId ?? null,
        ).lastInsertRowid;
        const visibleAt = now + Math.max(0, m.delayMs);
        this.q(
          `INSERT INTO messages (queue_id, payload_id, message_id, seq, group_id, sent_at, visible_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        ).run(q.id, payloadId, m.messageId, seq, m.groupId ?? null, now, visibleAt);
        if (q.fifo && m.dedupId !== undefined) {
          this.q(
            `INSERT INTO dedup (queue_id, key, message_id, seq, expires_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (queue_id, key) DO UPDATE SET message_id = excluded.message_id, seq = excluded.seq,
               expires_at = excluded.expires_at`,
          ).run(q.id, dedupKey(q, m.groupId, m.dedupId), m.messageId, seq, now + p.dedupWindowMs);
        }
        // A send into an existing group changes neither its head nor its lock; only a new group
        // needs its row (done once per group after the loop).
        if (q.fifo && m.groupId !== undefined) newGroups.add(m.groupId);
        if (visibleAt <= now) tx.wakes.add(q.id);
        const r: SendMessageResult = { messageId: m.messageId, deduplicated: false };
        const s = renderSeq(seq);
        if (s !== undefined) r.sequenceNumber = s;
        results.push(r);
      }
      for (const g of newGroups) {
        const exists = this.q('SELECT 1 FROM fifo_groups WHERE queue_id = ? AND group_id = ?').get(q.id, g);
        if (!exists) this.refreshGroup(q.id, g);
      }
      return results;
    });
  }

  // ---- messages: receive ----------------------------------------------------------------------

  /** Delete one message row and its payload. */
  private deleteMessage(row: Pick<MessageRow, 'id' | 'payload_id'>): void {
    this.q('DELETE FROM messages WHERE id = ?').run(row.id);
    this.q('DELETE FROM payloads WHERE id = ?').run(row.payload_id);
  }

  /**
   * A fresh 128-bit receipt token (hex) from the injected randomness, cut from a pooled block: one
   * `random.bytes` call per 256 tokens instead of one per delivered message (its fixed per-call cost
   * showed in the receive profile), as the memory engine does.
   */
  private nextToken(): string {
    if (this.tokenOff + 16 > this.tokenPool.length) {
      this.tokenPool = this.random.bytes(4096);
      this.tokenOff = 0;
    }
    const t = this.tokenPool.toString('hex', this.tokenOff, this.tokenOff + 16);
    this.tokenOff += 16;
    return t;
  }

  /**
   * Claim a message for this receive and build what the action layer returns. The UPDATE needs no
   * RETURNING: the new values are computed here and written into `row` (the caller's copy), which
   * saves SQLite materialising the whole row a second time per delivered message.
   */
  private claim(row: MessageRow & Partial<PayloadRow>, now: number, visibilityMs: number): ReceivedMessage {
    const token = this.nextToken();
    const visibleAt = now + Math.max(0, visibilityMs);
    this.q(
      `UPDATE messages SET received = 1, receipt_token = ?, received_at = ?, receive_count = receive_count + 1,
              first_received_at = COALESCE(first_received_at, ?), visible_at = ?
        WHERE id = ?`,
    ).run(token, now, now, visibleAt, row.id);
    row.received = 1;
    row.receipt_token = token;
    row.received_at = now;
    row.receive_count += 1;
    row.first_received_at ??= now;
    row.visible_at = visibleAt;
    return this.toReceived(row);
  }

  /** Join a message row with its payload (already joined in, or looked up) into a ReceivedMessage. */
  private toReceived(row: MessageRow & Partial<PayloadRow>): ReceivedMessage {
    const p = row.body !== undefined ? (row as PayloadRow) : (this.q('SELECT * FROM payloads WHERE id = ?').get(row.payload_id) as PayloadRow);
    const m: ReceivedMessage = {
      ref: String(row.id),
      receiptToken: row.receipt_token ?? '',
      messageId: row.message_id,
      body: p.body,
      md5OfBody: p.md5_body,
      messageAttributes: decodeAttributes(p.attrs),
      systemAttributes: decodeAttributes(p.sys_attrs),
      senderId: p.sender_id,
      sentAt: row.sent_at,
      receiveCount: row.receive_count,
      firstReceivedAt: row.first_received_at ?? row.received_at ?? row.sent_at,
    };
    if (p.md5_attrs !== null) m.md5OfMessageAttributes = p.md5_attrs;
    if (p.md5_sys !== null) m.md5OfMessageSystemAttributes = p.md5_sys;
    if (row.group_id !== null) m.groupId = row.group_id;
    if (p.dedup_id !== null) m.dedupId = p.dedup_id;
    const seq = renderSeq(row.seq);
    if (seq !== undefined) m.sequenceNumber = seq;
    if (row.dl_source_arn !== null) m.deadLetterSourceArn = row.dl_source_arn;
    return m;
  }

  /**
   * Move a message to the dead-letter queue inside the current transaction. The new row points at
   * the same payload (no body copy) and keeps id, sentAt, counts and group; it is visible at once.
   */
  private deadLetter(row: MessageRow, source: QueueRecord, dlq: QueueRecord, now: number, tx: TxContext): void {
    const sourceArn = this.sourceArnFor(source);
    const seq = dlq.fifo ? this.nextSeq(dlq.id) : null;
    this.q(
      `INSERT INTO messages (queue_id, payload_id, message_id, seq, group_id, sent_at, visible_at, received,
                             receive_count, first_received_at, dl_source_arn)
       VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`,
    ).run(dlq.id, row.payload_id, row.message_id, seq, row.group_id, row.sent_at, now, row.receive_count, row.first_received_at, sourceArn);
    this.q('DELETE FROM messages WHERE id = ?').run(row.id);
    if (dlq.fifo && row.group_id !== null) this.refreshGroup(dlq.id, row.group_id);
    tx.wakes.add(dlq.id);
  }

  /** The source queue's ARN, built from the DLQ target ARN's region and account (engine.ts). */
  private sourceArnFor(source: QueueRecord): string {
    const target = parseRedrive(source.attributes['RedrivePolicy'])?.targetArn ?? '';
    const parts = target.split(':');
    const region = parts[3] ?? '';
    const account = parts[4] ?? '';
    return `arn:aws:sqs:${region}:${account}:${source.name}`;
  }

  /** @inheritdoc */
  messageReceive(p: ReceiveParams): Promise<ReceiveResult> {
    return this.write((tx) => {
      const q = this.mustQueue(p.queueId);
      const now = this.clock.now();

      // FIFO ReceiveRequestAttemptId: replay the same delivery if nothing changed since.
      if (q.fifo && p.attemptId !== undefined) {
        const replay = this.replayAttempt(q, p, now);
        if (replay) return { messages: replay };
      }

      if (p.maxInflight !== undefined) {
        const n = this.q(SQL.inflightCount).get(q.id, now, p.maxInflight) as { n: number };
        if (n.n >= p.maxInflight) throw new DomainError('OverLimit', `queue ${q.name} has too many messages in flight`);
      }

      const redrive = parseRedrive(q.attributes['RedrivePolicy']);
      let dlq: QueueRecord | undefined;
      if (redrive) {
        dlq = this.loadByName(arnName(redrive.targetArn));
        if (dlq?.id === q.id) dlq = undefined; // a queue redriving into itself would loop
      }
      const ctx: ReceiveCtx = {
        q,
        now,
        cutoff: now - retentionMs(q),
        max: Math.max(0, p.maxMessages),
        visibilityMs: p.visibilityTimeoutMs,
        maxReceiveCount: dlq && redrive ? redrive.maxReceiveCount : undefined,
        dlq,
        tx,
        out: [],
      };
      if (q.fifo) this.receiveFifo(ctx);
      else this.receiveStandard(ctx);

      if (q.fifo && p.attemptId !== undefined) {
        this.q(
          `INSERT INTO receive_attempts (queue_id, attempt_id, expires_at, receipts) VALUES (?, ?, ?, ?)
           ON CONFLICT (queue_id, attempt_id) DO UPDATE SET expires_at = excluded.expires_at, receipts = excluded.receipts`,
        ).run(q.id, p.attemptId, now + p.attemptWindowMs, JSON.stringify(ctx.out.map((m) => ({ id: Number(m.ref), token: m.receiptToken }))));
      }

      const result: ReceiveResult = { messages: ctx.out };
      if (ctx.out.length < ctx.max) {
        const next = q.fifo
          ? (this.q(SQL.nextVisibleFifo).get(q.id, now) as { t: number | null })
          : (this.q(SQL.nextVisibleStandard).get(q.id, now) as { t: number | null });
        if (next.t !== null) result.nextVisibleAt = next.t;
      }
      return result;
    });
  }

  /**
   * Decide what to do with one deliverable candidate: drop it (retention), dead-letter it, or claim
   * it. Returns true when it was claimed.
   */
  private take(ctx: ReceiveCtx, row: MessageRow & Partial<PayloadRow>): boolean {
    if (row.sent_at <= ctx.cutoff) {
      // Past retention: it is gone; delete it now rather than scan past it again.
      this.deleteMessage(row);
      return false;
    }
    if (ctx.dlq && ctx.maxReceiveCount !== undefined && row.receive_count + 1 > ctx.maxReceiveCount) {
      this.deadLetter(row, ctx.q, ctx.dlq, ctx.now, ctx.tx);
      return false;
    }
    ctx.out.push(this.claim(row, ctx.now, ctx.visibilityMs));
    return true;
  }

  /**
   * Standard queue: walk messages_ready from the oldest deliverable entry. A cursor on
   * (visible_at, id) plus a seen-set keeps the walk finite even when a claim with visibility 0
   * leaves the claimed row deliverable.
   */
  private receiveStandard(ctx: ReceiveCtx): void {
    let cursorAt = Number.MIN_SAFE_INTEGER;
    let cursorId = 0;
    const seen = new Set<number>();
    while (ctx.out.length < ctx.max) {
      // Fetch only as many rows as are still wanted (each is materialised whole); skipped rows
      // (expired, dead-lettered, seen) just cost another page.
      const rows = this.candidates(SQL.standardCandidates, ctx.q.id, ctx.now, cursorAt, cursorAt, cursorId, Math.min(PAGE, ctx.max - ctx.out.length));
      if (rows.length === 0) return;
      for (const row of rows) {
        cursorAt = row.visible_at;
        cursorId = row.id;
        if (seen.has(row.id)) continue;
        seen.add(row.id);
        this.take(ctx, row);
        if (ctx.out.length >= ctx.max) return;
      }
    }
  }

  /**
   * FIFO queue: walk fifo_groups_ready for groups whose ready_at ≤ now (unlocked, head
   * deliverable), then take as many messages of each group as possible in sequence order,
   * stopping at the first one that is not deliverable.
   */
  private receiveFifo(ctx: ReceiveCtx): void {
    let cursorAt = Number.MIN_SAFE_INTEGER;
    let cursorSeq = Number.MIN_SAFE_INTEGER;
    const visited = new Set<string>();
    while (ctx.out.length < ctx.max) {
      const groups = this.q(SQL.fifoCandidates).all(ctx.q.id, ctx.now, cursorAt, cursorAt, cursorSeq, PAGE) as Array<{
        group_id: string;
        ready_at: number;
        head_seq: number;
      }>;
      if (groups.length === 0) return;
      for (const g of groups) {
        cursorAt = g.ready_at;
        cursorSeq = g.head_seq;
        if (visited.has(g.group_id)) continue;
        visited.add(g.group_id);
        this.drainGroup(ctx, g.group_id);
        if (ctx.out.length >= ctx.max) return;
      }
    }
  }

  /** Take messages of one unlocked FIFO group in order; then recompute the group's row. */
  private drainGroup(ctx: ReceiveCtx, groupId: string): void {
    let lastSeq = Number.MIN_SAFE_INTEGER;
    outer: while (ctx.out.length < ctx.max) {
      const rows = this.candidates(SQL.groupMessages, ctx.q.id, groupId, lastSeq, Math.min(PAGE, ctx.max - ctx.out.length));
      if (rows.length === 0) break;
      for (const row of rows) {
        lastSeq = row.seq ?? lastSeq;
        // Not deliverable (still delayed, or — defensively — in flight): order forbids skipping it.
        if (row.visible_at > ctx.now) break outer;
        this.take(ctx, row);
        if (ctx.out.length >= ctx.max) break outer;
      }
    }
    this.refreshGroup(ctx.q.id, groupId);
  }

  /**
   * Replay a ReceiveRequestAttemptId: if every message it delivered is still in flight under the
   * same receipt token, reset their deadlines and return them again; otherwise undefined.
   */
  private replayAttempt(q: QueueRecord, p: ReceiveParams, now: number): ReceivedMessage[] | undefined {
    const rec = this.q('SELECT expires_at, receipts FROM receive_attempts WHERE queue_id = ? AND attempt_id = ?').get(q.id, p.attemptId) as
      { expires_at: number; receipts: string } | undefined;
    if (!rec || rec.expires_at <= now) return undefined;
    const receipts = JSON.parse(rec.receipts) as Array<{ id: number; token: string }>;
    // An attempt that delivered nothing is not replayed: a retry should see new messages.
    if (receipts.length === 0) return undefined;
    const rows: MessageRow[] = [];
    for (const r of receipts) {
      const row = this.q('SELECT * FROM messages WHERE id = ? AND queue_id = ?').get(r.id, q.id) as MessageRow | undefined;
      if (!row || row.receipt_token !== r.token || row.received !== 1 || row.visible_at <= now) return undefined;
      rows.push(row);
    }
    const groups = new Set<string>();
    const out: ReceivedMessage[] = [];
    for (const row of rows) {
      const updated = this.q('UPDATE messages SET visible_at = ? WHERE id = ? RETURNING *').get(
        now + Math.max(0, p.visibilityTimeoutMs),
        row.id,
      ) as MessageRow;
      if (updated.group_id !== null) groups.add(updated.group_id);
      out.push(this.toReceived(updated));
    }
    for (const g of groups) this.refreshGroup(q.id, g);
    return out;
  }

  // ---- messages: delete and visibility --------------------------------------------------------

  /** @inheritdoc */
  messageDelete(p: MessageDeleteParams): Promise<EntryResult[]> {
    return this.write((tx) => {
      const q = this.mustQueue(p.queueId);
      const now = this.clock.now();
      const groups = new Set<string>();
      // One conditional DELETE … RETURNING per entry instead of a SELECT and a DELETE.
      const results: EntryResult[] = p.receipts.map((r) => {
        const id = refId(r.ref);
        if (!q.fifo) {
          // AWS accepts any receipt handle of a message on standard queues, and a repeated delete.
          if (id !== undefined) {
            const gone = this.q('DELETE FROM messages WHERE id = ? AND queue_id = ? RETURNING payload_id').get(id, q.id) as
              { payload_id: number } | undefined;
            if (gone) this.q('DELETE FROM payloads WHERE id = ?').run(gone.payload_id);
          }
          return { ok: true };
        }
        // FIFO: only the current receipt of a message still in flight deletes it.
        const gone =
          id === undefined
            ? undefined
            : (this.q(
                `DELETE FROM messages
                  WHERE id = ? AND queue_id = ? AND receipt_token = ? AND received = 1 AND visible_at > ?
                  RETURNING payload_id, group_id`,
              ).get(id, q.id, r.receiptToken, now) as { payload_id: number; group_id: string | null } | undefined);
        if (!gone) return { ok: false, error: 'ReceiptInvalid' };
        this.q('DELETE FROM payloads WHERE id = ?').run(gone.payload_id);
        if (gone.group_id !== null) groups.add(gone.group_id);
        return { ok: true };
      });
      for (const g of groups) {
        const ready = this.refreshGroup(q.id, g);
        if (ready !== undefined && ready <= now) tx.wakes.add(q.id);
      }
      return results;
    });
  }

  /** The message row a receipt ref names in this queue (refs are decimal row ids). */
  private rowByRef(q: QueueRecord, ref: string): MessageRow | undefined {
    const id = refId(ref);
    return id === undefined ? undefined : (this.q('SELECT * FROM messages WHERE id = ? AND queue_id = ?').get(id, q.id) as MessageRow | undefined);
  }

  /** @inheritdoc */
  visibilityChange(p: VisibilityChangeParams): Promise<EntryResult[]> {
    return this.write((tx) => {
      const q = this.mustQueue(p.queueId);
      const now = this.clock.now();
      const groups = new Set<string>();
      const results: EntryResult[] = p.entries.map((e) => {
        const row = this.rowByRef(q, e.ref);
        if (!row) return { ok: false, error: 'ReceiptInvalid' };
        if (q.fifo && row.receipt_token !== e.receiptToken) return { ok: false, error: 'ReceiptInvalid' };
        if (row.received !== 1 || row.visible_at <= now) return { ok: false, error: 'MessageNotInflight' };
        const deadline = now + Math.max(0, e.visibilityTimeoutMs);
        // AWS: the 12 h cap counts from the receive that issued the current receipt.
        if (deadline > (row.received_at ?? now) + p.maxTotalMs) return { ok: false, error: 'VisibilityLimitExceeded' };
        this.q('UPDATE messages SET visible_at = ? WHERE id = ?').run(deadline, row.id);
        if (row.group_id !== null && q.fifo) groups.add(row.group_id);
        if (deadline <= now) tx.wakes.add(q.id);
        return { ok: true };
      });
      for (const g of groups) this.refreshGroup(q.id, g);
      return results;
    });
  }

  // ---- move tasks -----------------------------------------------------------------------------

  /** @inheritdoc */
  moveTaskStart(p: MoveTaskStartParams): Promise<MoveTaskRecord> {
    return this.write(() => {
      const q = this.mustQueue(p.sourceQueueId);
      const active = this.q(`SELECT 1 FROM move_tasks WHERE source_queue_id = ? AND status IN ('RUNNING', 'CANCELLING') LIMIT 1`).get(q.id);
      if (active) throw new DomainError('MoveTaskActive', `queue ${q.name} already has an active move task`);
      const now = this.clock.now();
      const id = this.random.uuid();
      this.q(
        `INSERT INTO move_tasks (id, source_arn, source_queue_id, destination_arn, max_per_second, status, to_move, moved, started_at)
         VALUES (?, ?, ?, ?, ?, 'RUNNING', ?, 0, ?)`,
      ).run(id, p.sourceArn, q.id, p.destinationArn ?? null, p.maxPerSecond ?? null, this.statsOf(q, now).visible, now);
      return this.taskById(id)!;
    });
  }

  private taskById(id: string): MoveTaskRecord | undefined {
    const r = this.q('SELECT * FROM move_tasks WHERE id = ?').get(id) as MoveTaskRow | undefined;
    return r ? taskRecord(r) : undefined;
  }

  /** @inheritdoc */
  moveTaskCancel(taskId: string): Promise<MoveTaskRecord> {
    return this.write(() => {
      const t = this.taskById(taskId);
      if (!t || t.status !== 'RUNNING') throw new DomainError('MoveTaskNotFound', `no running move task ${taskId}`);
      this.q(`UPDATE move_tasks SET status = 'CANCELLING' WHERE id = ?`).run(taskId);
      return this.taskById(taskId)!;
    });
  }

  /** @inheritdoc */
  moveTaskList(sourceArn: string, max: number): Promise<MoveTaskRecord[]> {
    return this.read(() =>
      (this.q('SELECT * FROM move_tasks WHERE source_arn = ? ORDER BY n DESC LIMIT ?').all(sourceArn, Math.max(0, max)) as MoveTaskRow[]).map(
        taskRecord,
      ),
    );
  }

  /** @inheritdoc */
  moveTaskActive(): Promise<MoveTaskRecord[]> {
    return this.read(() =>
      (this.q(`SELECT * FROM move_tasks WHERE status IN ('RUNNING', 'CANCELLING') ORDER BY n`).all() as MoveTaskRow[]).map(taskRecord),
    );
  }

  /** @inheritdoc */
  moveTaskStep(taskId: string, maxMessages: number): Promise<MoveTaskStepResult> {
    return this.write((tx) => {
      const task = this.taskById(taskId);
      if (!task) throw new DomainError('MoveTaskNotFound', `no move task ${taskId}`);
      const finish = (status: MoveTaskStatus, moved: number, reason?: string): MoveTaskStepResult => {
        this.q('UPDATE move_tasks SET status = ?, moved = moved + ?, failure_reason = COALESCE(?, failure_reason) WHERE id = ?').run(
          status,
          moved,
          reason ?? null,
          taskId,
        );
        return { moved, task: this.taskById(taskId)! };
      };
      if (task.status === 'CANCELLING') return finish('CANCELLED', 0);
      if (task.status !== 'RUNNING') return { moved: 0, task };
      const src = this.loadById(task.sourceQueueId);
      if (!src) return finish('FAILED', 0, 'The source queue does not exist.');
      const now = this.clock.now();
      const cutoff = now - retentionMs(src);

      let fixedDest: QueueRecord | undefined;
      if (task.destinationArn !== undefined) {
        fixedDest = this.loadByName(arnName(task.destinationArn));
        if (!fixedDest) return finish('FAILED', 0, 'The destination queue does not exist.');
      }
      const budget = Math.max(0, Math.min(maxMessages, task.toMove - task.moved));
      const rows = this.q(
        `SELECT * FROM messages INDEXED BY messages_ready WHERE queue_id = ? AND visible_at <= ? AND sent_at > ?
          ORDER BY visible_at, id LIMIT ?`,
      ).all(src.id, now, cutoff, budget) as MessageRow[];
      let moved = 0;
      const srcGroups = new Set<string>();
      for (const row of rows) {
        const dest = fixedDest ?? (row.dl_source_arn !== null ? this.loadByName(arnName(row.dl_source_arn)) : undefined);
        if (!dest) return finish('FAILED', moved, 'The source queue of a message does not exist.');
        if (dest.fifo && row.group_id === null) return finish('FAILED', moved, 'A message without MessageGroupId cannot move to a FIFO queue.');
        // A new message in its destination: new id and sequence number, counters reset, sent now.
        const seq = dest.fifo ? this.nextSeq(dest.id) : null;
        this.q(
          `INSERT INTO messages (queue_id, payload_id, message_id, seq, group_id, sent_at, visible_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        ).run(dest.id, row.payload_id, this.random.uuid(), seq, row.group_id, now, now);
        this.q('DELETE FROM messages WHERE id = ?').run(row.id);
        if (dest.fifo) {
          const exists = this.q('SELECT 1 FROM fifo_groups WHERE queue_id = ? AND group_id = ?').get(dest.id, row.group_id);
          if (!exists) this.refreshGroup(dest.id, row.group_id!);
        }
        if (src.fifo && row.group_id !== null) srcGroups.add(row.group_id);
        tx.wakes.add(dest.id);
        moved++;
      }
      for (const g of srcGroups) this.refreshGroup(src.id, g);
      const remaining = this.q('SELECT 1 FROM messages INDEXED BY messages_ready WHERE queue_id = ? AND visible_at <= ? AND sent_at > ? LIMIT 1').get(
        src.id,
        now,
        cutoff,
      );
      const done = task.moved + moved >= task.toMove || !remaining;
      return finish(done ? 'COMPLETED' : 'RUNNING', moved);
    });
  }

  // ---- housekeeping ---------------------------------------------------------------------------

  /** @inheritdoc — runs in chunks of separate transactions so the write lock is never held long. */
  async sweep(): Promise<number> {
    let removed = 0;
    for (;;) {
      const n = await this.write(() => this.sweepChunk());
      removed += n;
      if (n < SWEEP_CHUNK) break;
    }
    await this.write(() => {
      const now = this.clock.now();
      this.q('DELETE FROM dedup WHERE expires_at <= ?').run(now);
      this.q('DELETE FROM receive_attempts WHERE expires_at <= ?').run(now);
      this.q('DELETE FROM queue_tombstones WHERE deleted_at <= ?').run(now - TOMBSTONE_TTL_MS);
    });
    return removed;
  }

  /** Remove up to SWEEP_CHUNK messages past retention (over all queues); returns how many. */
  private sweepChunk(): number {
    const now = this.clock.now();
    let removed = 0;
    const queues = (this.q('SELECT * FROM queues').all() as QueueRow[]).map(freezeQueue);
    for (const q of queues) {
      if (removed >= SWEEP_CHUNK) break;
      const rows = this.q('SELECT id, payload_id, group_id FROM messages INDEXED BY messages_age WHERE queue_id = ? AND sent_at <= ? LIMIT ?').all(
        q.id,
        now - retentionMs(q),
        SWEEP_CHUNK - removed,
      ) as Array<Pick<MessageRow, 'id' | 'payload_id' | 'group_id'>>;
      const groups = new Set<string>();
      for (const r of rows) {
        this.deleteMessage(r);
        if (q.fifo && r.group_id !== null) groups.add(r.group_id);
      }
      for (const g of groups) this.refreshGroup(q.id, g);
      removed += rows.length;
    }
    return removed;
  }
}

/** State of one receive while it walks candidates. */
interface ReceiveCtx {
  q: QueueRecord;
  now: number;
  /** Messages with sent_at ≤ cutoff are past retention. */
  cutoff: number;
  max: number;
  visibilityMs: number;
  /** Set only when a redrive target exists. */
  maxReceiveCount: number | undefined;
  dlq: QueueRecord | undefined;
  tx: TxContext;
  out: ReceivedMessage[];
}
