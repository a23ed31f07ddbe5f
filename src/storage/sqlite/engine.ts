/**
 * The SQLite storage engine: Ferry's durable default. This file is the facade: lifecycle, the
 * group-commit write queue, reads, wake-ups, and the StorageEngine methods, each handed to the file
 * that owns the operation (send.ts, receive.ts, ack.ts, visibility.ts, queues.ts, moveTasks.ts,
 * sweep.ts). Statements live in sql/, the schema in migrations.ts, the batch transaction in
 * groupCommit.ts and the off-loop WAL sync in walSync.ts. SQS rules come from ../semantics.
 *
 * Principles
 *  - What is committed is the truth. Every operation reads and writes the database; the only
 *    in-process state is a read cache of queue records (entries dropped on every write to a queue,
 *    and never filled from inside a transaction, so it cannot hold uncommitted data), prepared
 *    statements (context.ts), and per-queue upper bounds on the in-flight count that spare the
 *    OverLimit check of short polls a count (inflight.ts; dropped on every rollback and whenever
 *    another connection commits, rebuilt by counting).
 *  - Bodies never sit in memory beyond the message being delivered: they live in `payloads` and are
 *    read only for the rows a receive returns. A move to a dead-letter queue re-points the payload
 *    instead of copying it.
 *  - Group commit. Mutating calls are queued and executed together, in arrival order, in one
 *    `BEGIN IMMEDIATE … COMMIT` on the next `setImmediate` turn, so N concurrent requests cost one
 *    WAL fsync instead of N. Items run without savepoints (two statements each saved); when one
 *    throws, the whole transaction is rolled back and the batch re-run with one SAVEPOINT per item,
 *    so a DomainError still undoes only its own item (groupCommit.ts).
 *  - The fsync runs off the event loop. SQLite commits with synchronous=NORMAL, and the engine then
 *    fdatasyncs the WAL file on libuv's thread pool before it resolves any promise of that batch; one
 *    fdatasync covers every batch committed before it started (walSync.ts). A promise therefore still
 *    resolves only once its change is on stable storage — the guarantee synchronous=FULL gives —
 *    without the event loop sitting in fsync.
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

import { accessSync, constants, fdatasync, fdatasyncSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

import { DomainError } from '../../errors/domain.js';
import { DEFAULT_ACCOUNT_ID } from '../engine.js';
import type {
  EngineCapabilities,
  EngineDeps,
  EntryResult,
  ExportItem,
  GaugeSnapshot,
  ImportTx,
  MessageImportParams,
  MessageBrowseParams,
  MessageBrowseResult,
  MessageDeleteParams,
  MessageSendParams,
  MoveTaskRecord,
  MoveTaskStartParams,
  MoveTaskStepResult,
  QueueCreateParams,
  QueueCreateResult,
  QueueListFilter,
  QueueRecord,
  QueueStats,
  QueueUpdateParams,
  ReceiveParams,
  ReceiveResult,
  SendMessageResult,
  StorageEngine,
  StorageObserver,
  VisibilityChangeParams,
  WakeListener,
} from '../engine.js';
import { deleteMessages } from './ack.js';
import { checkStore, openReadOnly, StoreRefusedError } from './check.js';
import { DiskGuard, type DiskStatus } from './diskSpace.js';
import { browse } from './browse.js';
import { EngineContext } from './context.js';
import { GaugeReader, readGauges } from './gauges.js';
import { type BatchHost, type Outcome, type TxContext, type WorkItem, emitWakes, executeBatch, settleBatch } from './groupCommit.js';
import { MIGRATIONS, migrate } from './migrations.js';
import { moveTaskCancel, moveTaskList, moveTaskStart, moveTaskStep, moveTasksActive } from './moveTasks.js';
import * as queues from './queues.js';
import { receive } from './receive.js';
import { send } from './send.js';
import { exportItems, importMessages } from './transfer.js';
import {
  BEGIN_IMMEDIATE,
  BROWSE_ROWS,
  BROWSE_WINDOW,
  COMMIT,
  GAUGES_ALL,
  RELEASE_IMPORT,
  ROLLBACK,
  ROLLBACK_TO_IMPORT,
  SAVEPOINT_IMPORT,
  SCHEMA_VERSION,
  SQL,
  TOTAL_CHANGES,
  explain,
} from './sql/index.js';
import { SWEEP_CHUNK, sweepExpired, sweepWindows } from './sweep.js';
import { changeVisibility } from './visibility.js';
import { type SyncWal, type SyncWalInline, WalSync, openWal } from './walSync.js';

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
  syncWal?: SyncWal;
  /** The inline WAL sync of a lone write on a quiet engine (default: `fdatasyncSync`); tests count calls. */
  syncWalInline?: SyncWalInline;
  /**
   * The account that owned every queue of a store from before several accounts per server (schema
   * migration 3 assigns them to it): the server's `--account-id`. Default `000000000000`, Ferry's
   * default `--account-id`.
   */
  defaultAccountId?: string;
  /**
   * Disk-space guard of a durable store (diskSpace.ts): the reserve file's size, the free-space warning
   * threshold, how often free space is measured (default 1000 ms) and, for tests, how it is measured.
   * Absent: no reserve and no warning.
   */
  disk?: {
    reserveBytes: number;
    lowBytes: number;
    checkIntervalMs?: number;
    freeBytes?: (dir: string) => number;
    totalBytes?: (dir: string) => number;
  };
  /** Where the engine reports disk-state changes and read-only opening (pino's `(obj, msg)` style). */
  log?: EngineLog;
} & EngineDeps;

/** The log lines the SQLite engine writes (disk full / low / back, read-only data directory). */
export interface EngineLog {
  info(o: object, msg: string): void;
  warn(o: object, msg: string): void;
  error(o: object, msg: string): void;
}

/** Pages given back to the file system per incremental-vacuum step while the disk is full (4 MiB of 4 KiB pages). */
const VACUUM_STEP_PAGES = 1024;

/** The directory can be written (a read-only mount answers EROFS, even to root). */
function dirWritable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function sqliteCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

function isSqliteError(e: unknown): boolean {
  if (e instanceof Database.SqliteError) return true;
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

/** End an export's read transaction and close its connection (errors there change nothing: it wrote nothing). */
function closeExportReader(db: Database.Database): void {
  try {
    if (db.inTransaction) db.exec('ROLLBACK');
  } catch {
    // close() ends the transaction anyway.
  }
  db.close();
}

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
  private db: Database.Database | undefined;
  private closed = false;
  private readonly defaultAccountId: string;
  /** What the operation files share: statements, clock, tokens, queue cache. */
  private readonly ctx: EngineContext;
  private readonly wal: WalSync;
  private readonly batchHost: BatchHost;
  private readonly listeners = new Set<WakeListener>();
  private readonly observer: StorageObserver | undefined;
  /** queueGauges off the event loop (durable WAL stores; see gauges.ts). */
  private gaugeReader: GaugeReader | undefined;

  /** Disk space of a durable store (reserve, low-space warning, full and read-only states). */
  private readonly disk: DiskGuard | undefined;
  private readonly diskCheckMs: number;
  private diskTimer: NodeJS.Timeout | undefined;
  private readonly log: EngineLog | undefined;
  /** The data directory cannot be written: the store was opened read-only. */
  private readOnly = false;

  private pending: WorkItem[] = [];
  /** storeImport holds the connection's transaction: the group commit waits. */
  private importing = false;
  private flushScheduled = false;
  private commits = 0;

  constructor(opts: SqliteEngineOptions) {
    this.path = opts.path;
    this.busyTimeoutMs = opts.busyTimeoutMs ?? 5000;
    this.defaultAccountId = opts.defaultAccountId ?? DEFAULT_ACCOUNT_ID;
    this.capabilities = Object.freeze({ durable: opts.path !== ':memory:' && opts.path !== '', shared: false });
    this.observer = opts.observer;
    this.log = opts.log;
    this.diskCheckMs = opts.disk?.checkIntervalMs ?? 1000;
    if (this.capabilities.durable) {
      const onChange = (st: DiskStatus, prev: string): void => this.diskChanged(st, prev);
      this.disk = new DiskGuard({
        dir: dirname(this.path),
        reserveBytes: opts.disk?.reserveBytes ?? 0,
        lowBytes: opts.disk?.lowBytes ?? 0,
        freeBytes: opts.disk?.freeBytes,
        totalBytes: opts.disk?.totalBytes,
        warn: (message, detail) => this.log?.warn(detail, message),
        onChange,
      });
    }
    this.ctx = new EngineContext(opts.clock, opts.random, () => this.open());
    this.wal = new WalSync(
      {
        flushPending: () => {
          if (this.pending.length > 0 && this.db) this.flush();
        },
        resumeWrites: () => {
          if (this.pending.length > 0 && !this.flushScheduled) {
            // Writes that arrived during the sync: commit them now (setImmediate lets the continuations
            // of the promises just settled join the batch).
            this.flushScheduled = true;
            setImmediate(() => this.flush());
          }
        },
      },
      opts.syncWal ?? fdatasync,
      opts.syncWalInline ?? fdatasyncSync,
    );
    this.batchHost = {
      q: (sql) => this.ctx.q(sql),
      inTransaction: () => this.db?.inTransaction ?? false,
      forgetQueues: () => this.ctx.forgetQueues(),
      toDomain: (e) => this.toDomain(e),
    };
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
    return this.wal.syncs;
  }

  /**
   * Operator and test diagnostics: the schema version and the query plans of the hot receive
   * statements (each plan line as SQLite prints it, e.g. "SEARCH messages USING INDEX …"). Lets a
   * test prove receives stay index seeks at any depth without SQL leaving this directory.
   * @internal
   */
  diagnostics(): {
    schemaVersion: number;
    walSync: 'off-loop' | 'in-commit';
    gaugeReads: 'off-loop' | 'in-thread';
    plans: Record<string, string[]>;
    browsePlans: Record<string, string[]>;
    gaugesPlan: string[];
  } {
    if (!this.db) throw new DomainError('Unavailable', 'engine not open');
    const db = this.db;
    const plan = (sql: string, ...args: unknown[]): string[] =>
      (db.prepare(explain(sql)).all(...args) as Array<{ detail: string }>).map((r) => r.detail);
    const version = (db.prepare(SCHEMA_VERSION).get() as { v: number }).v;
    return {
      schemaVersion: version,
      walSync: this.wal.fd === undefined ? 'in-commit' : 'off-loop',
      gaugeReads: this.gaugeReader === undefined ? 'in-thread' : 'off-loop',
      plans: {
        standardHead: plan(SQL.standardHead, 'q', 0, 1, 0, 1),
        candidateById: plan(SQL.candidateById, 1),
        standardReceive: plan(SQL.standardCandidates, 'q', 0, 0, 0, 0, 1),
        fifoGroups: plan(SQL.fifoCandidates, 'q', 0, 0, 0, 0, 1),
        groupHead: plan(SQL.groupHead, 'q', 'g'),
        groupMessages: plan(SQL.groupMessages, 'q', 'g', 0, 1),
        stats: plan(SQL.stats, { now: 0, q: 'q', cutoff: 0 }),
        inflightCount: plan(SQL.inflightCount, 'q', 0, 1),
        nextVisibleStandard: plan(SQL.nextVisibleStandard, 'q', 0),
        nextVisibleFifo: plan(SQL.nextVisibleFifo, 'q', 0),
      },
      // Peek and search (not hot: a bounded window sorted by id within equal sent_at; see sql/browse.ts).
      browsePlans: {
        window: plan(BROWSE_WINDOW.none, { q: 'q', s: 0, i: 0, n: 1 }),
        search: plan(BROWSE_WINDOW.any, { q: 'q', s: 0, i: 0, n: 1, t: 'x' }),
        rows: plan(BROWSE_ROWS, '[1]', 'q'),
      },
      // queueGauges (not hot: every few seconds, off the event loop; per queue, index ranges only).
      gaugesPlan: plan(GAUGES_ALL, { queues: '[["q","q",0,0]]', now: 0, pill: 3 }),
    };
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /**
   * Check the store (check.ts: header, quick_check, schema version — a damaged or newer file is refused
   * with StoreRefusedError and left unchanged), open it, set pragmas and apply migrations. A data
   * directory that cannot be written opens the store read-only: reads are served, writes refused.
   */
  async init(): Promise<void> {
    if (this.db) return;
    if (this.closed) throw new DomainError('Unavailable', 'engine is closed');
    try {
      const dir = dirname(this.path);
      if (this.capabilities.durable) mkdirSync(dir, { recursive: true });
      const writable = !this.capabilities.durable || dirWritable(dir);
      if (this.capabilities.durable) checkStore(this.path, MIGRATIONS[MIGRATIONS.length - 1]!.version, writable);
      if (!writable) {
        this.openReadOnly();
        return;
      }
      const db = new Database(this.path, { timeout: this.busyTimeoutMs });
      // Incremental auto-vacuum (only takes effect on a new, empty database): the pages a drained queue
      // frees can be given back to the file system, which is how a full disk recovers (diskSpace.ts).
      // Stores created before keep auto_vacuum NONE: their free pages are reused, not returned.
      db.pragma('auto_vacuum = INCREMENTAL');
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
      migrate(db, this.ctx.clock.now(), { defaultAccountId: this.defaultAccountId });
      if (offloop) {
        this.wal.fd = openWal(this.path);
        this.gaugeReader = new GaugeReader({ path: this.path, busyTimeoutMs: this.busyTimeoutMs });
      }
      this.db = db;
      if (this.disk) {
        this.disk.start();
        this.diskTimer = setInterval(() => this.diskTick(), this.diskCheckMs);
        this.diskTimer.unref();
      }
    } catch (e) {
      if (e instanceof StoreRefusedError) throw e;
      throw this.toDomain(e);
    }
  }

  /** A read-only data directory: serve reads of the store as it is; every write is refused. */
  private openReadOnly(): void {
    const { db, inMemory } = openReadOnly(this.path, false);
    const version = (db.prepare(SCHEMA_VERSION).get() as { v: number }).v;
    const newest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
    if (version !== newest) {
      db.close();
      throw new StoreRefusedError(
        `the data directory ${dirname(this.path)} is read-only and its store is at schema version ${version}: this Ferry must upgrade it to ${newest} first. ` +
          'Make the directory writable (or start the Ferry version that wrote it). Ferry changed nothing.',
      );
    }
    this.db = db;
    this.readOnly = true;
    this.disk?.markReadOnly();
    this.log?.error(
      { dataDir: dirname(this.path), inMemory },
      `data directory is read-only: serving reads only; sends, receives, deletes and every other change are refused (ServiceUnavailable)${
        inMemory ? ' — the database was read into memory (no -wal/-shm files to share)' : ''
      }`,
    );
  }

  /** Disk space, for `/health` and the metrics (undefined: not a durable store). */
  diskStatus(): DiskStatus | undefined {
    return this.disk?.status();
  }

  /** A disk-state change: one log line each. */
  private diskChanged(st: DiskStatus, prev: string): void {
    const detail = { dataDir: dirname(this.path), freeBytes: st.freeBytes, reserveBytes: st.reserveBytes, lowBytes: st.lowBytes, previous: prev };
    if (st.state === 'full') {
      this.log?.error(
        detail,
        this.disk?.startedFull
          ? 'disk full at start: no room for the disk reserve; sends are refused (ServiceUnavailable, retried by the SDKs) until there is room for it twice over'
          : 'disk full: the reserve was released so consumers can drain; sends are refused (ServiceUnavailable, retried by the SDKs) until space returns',
      );
    } else if (st.state === 'low') {
      this.log?.warn(
        detail,
        prev === 'full'
          ? 'disk space back: reserve restored, sends accepted again; free space is still under --disk-low-bytes'
          : 'disk space low: free space on the data directory is under --disk-low-bytes',
      );
    } else if (st.state === 'ok' && prev !== 'read-only') {
      this.log?.info(detail, prev === 'full' ? 'disk space back: reserve restored, sends accepted again' : 'disk space ok');
    }
  }

  /**
   * Every `diskCheckMs`: measure free space (warning, recovery). While the disk is full, between
   * batches, give free pages of the database back to the file system (incremental vacuum, a few MiB at
   * a time) and truncate the WAL, so a drained queue frees the disk it filled.
   */
  private diskTick(): void {
    if (!this.disk || !this.db || this.closed) return;
    if (this.disk.isFull && this.pending.length === 0 && !this.flushScheduled && this.wal.idle && !this.db.inTransaction) {
      try {
        const free = this.db.pragma('freelist_count', { simple: true }) as number;
        if (free > 0 && (this.db.pragma('auto_vacuum', { simple: true }) as number) === 2) {
          this.db.pragma(`incremental_vacuum(${VACUUM_STEP_PAGES})`);
        }
        this.db.pragma('wal_checkpoint(TRUNCATE)');
      } catch {
        // No room even for that yet: the next tick tries again.
      }
    }
    this.disk.refresh();
  }

  /**
   * An import found the disk full and was rolled back. Its pages are still in the WAL file, which
   * SQLite keeps at its largest size: the disk would stay full for a Ferry serving this store (its
   * commits reuse that space, but checkpoints cannot grow the database file, and the disk guard of that
   * process only sees the space is low). Checkpoint and truncate the WAL now to give the space back —
   * in the reserve's space if the checkpoint itself finds no room — best effort: a reader of another
   * process can hold the WAL, and then that process's own checkpoints reuse the file. The error says
   * which happened.
   */
  private importDiskFull(db: Database.Database): DomainError {
    let given = 'the space it took was given back';
    const truncate = () => (db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>)[0];
    try {
      let r: { busy: number } | undefined;
      try {
        r = truncate();
      } catch (e) {
        // No room to checkpoint into the database file: do it in the reserve's space (put back after).
        if (!sqliteCode(e).startsWith('SQLITE_FULL') || !this.disk) throw e;
        r = this.disk.withReserveReleased(truncate);
      }
      if (r !== undefined && r.busy !== 0) given = 'the WAL file keeps the space it took until the Ferry serving this store checkpoints it';
    } catch (e) {
      given = `the WAL file keeps the space it took (truncating it failed: ${(e as Error).message})`;
    }
    this.disk?.refresh();
    const free = this.disk?.status().freeBytes;
    return new DomainError(
      'Unavailable',
      `disk full: the import does not fit on the file system of the data directory` +
        `${free === undefined ? '' : ` (${free} bytes free now)`}; nothing of it was imported, and ${given}`,
    );
  }

  /** Run any queued writes, then close the database. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.pending.length) this.flush();
    this.closed = true;
    if (this.diskTimer) clearInterval(this.diskTimer);
    await this.gaugeReader?.close();
    this.gaugeReader = undefined;
    await this.wal.close();
    this.ctx.clearStatements();
    this.ctx.forgetQueues();
    try {
      this.db?.close();
    } catch {
      // Closing is best effort: every committed transaction is already in the WAL.
    }
    this.db = undefined;
    // Writes that queued behind an import abandoned by this close (its transaction ended with the
    // connection) cannot run any more: tell their callers.
    const left = this.pending;
    this.pending = [];
    for (const item of left) item.reject(new DomainError('Unavailable', 'engine is closed'));
  }

  /** @inheritdoc */
  discardStartFiles(): void {
    this.disk?.discardIfMadeAtStart();
  }

  /** @inheritdoc */
  onWake(listener: WakeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- plumbing -------------------------------------------------------------------------------

  /** The open database, or DomainError('Unavailable'). */
  private open(): Database.Database {
    if (!this.db) throw new DomainError('Unavailable', this.closed ? 'engine is closed' : 'engine not initialised');
    return this.db;
  }

  private toDomain(e: unknown): unknown {
    if (e instanceof DomainError) return e;
    if (isSqliteError(e)) {
      this.observer?.failed();
      return new DomainError('Unavailable', `sqlite: ${(e as Error).message}`);
    }
    if (this.closed || !this.db) return new DomainError('Unavailable', 'engine is closed');
    return e;
  }

  /** Run a read synchronously against committed state, mapping native errors. */
  private read<T>(fn: () => T): Promise<T> {
    try {
      this.open();
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(this.toDomain(e));
    }
  }

  /**
   * Queue a mutating work item for the next group commit. `fn` runs inside the batch transaction
   * (groupCommit.ts); it must be synchronous and must not call listeners itself.
   */
  private write<T>(fn: (tx: TxContext) => T, grow = false): Promise<T> {
    if (this.closed || !this.db) {
      return Promise.reject(new DomainError('Unavailable', this.closed ? 'engine is closed' : 'engine not initialised'));
    }
    if (this.readOnly) return Promise.reject(new DomainError('Unavailable', 'the data directory is read-only: Ferry serves reads only'));
    // Disk full (diskSpace.ts): what adds data is refused up front; receives, deletes and visibility
    // changes run in the space the released reserve gave back, so the queue can be drained.
    if (grow && this.disk?.refusingGrowth) return Promise.reject(new DomainError('Unavailable', 'disk full: sends are refused until space returns'));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, resolve: resolve as (v: unknown) => void, reject, grow });
      // While a WAL sync runs, writes gather for the commit that follows it (walSync.ts resumes
      // them): one commit per sync instead of one per event-loop turn, so batches stay as large as
      // with an on-loop fsync, without the event loop waiting for the disk.
      if (!this.flushScheduled && this.wal.syncing === undefined) {
        this.flushScheduled = true;
        // setImmediate (not queueMicrotask) so that every call made in this tick — including ones
        // issued from promise continuations of the same tick — joins the batch.
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Execute all queued items in one transaction, then (once the WAL sync covering it is done) settle
   * their promises; wakes go out right after the commit.
   */
  private flush(): void {
    this.flushScheduled = false;
    // An import holds the transaction (storeImport): the queued writes commit when it ends.
    if (this.importing) return;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    if (!this.db) {
      for (const item of batch) item.reject(new DomainError('Unavailable', 'engine is closed'));
      return;
    }
    let outcomes: Outcome[];
    let changedBefore: number;
    const started = this.observer === undefined ? 0 : performance.now();
    try {
      changedBefore = this.totalChanges();
      this.ctx.inTx = true;
      outcomes = executeBatch(this.batchHost, batch);
      this.commits++;
    } catch (e) {
      // Items may have dropped cache entries for writes that are now rolled back, and may have
      // been served stale entries: start the cache afresh.
      this.ctx.forgetQueues();
      const code = sqliteCode(e);
      if (code.startsWith('SQLITE_FULL') && this.disk) {
        // The disk filled: release the reserve, refuse what grows the store, and run the drains
        // (receive, delete, visibility…) of this batch once more in the space it gave back.
        this.disk.onDiskFull();
        const err = new DomainError('Unavailable', 'disk full: sends are refused until space returns');
        const again = batch.filter((item) => !item.grow && !item.retried);
        for (const item of batch) if (item.grow || item.retried) item.reject(err);
        if (again.length > 0) {
          for (const item of again) item.retried = true;
          this.pending.unshift(...again);
          if (!this.flushScheduled) {
            this.flushScheduled = true;
            setImmediate(() => this.flush());
          }
        }
        return;
      }
      if (code.startsWith('SQLITE_READONLY') && this.disk && !this.readOnly) {
        this.readOnly = true;
        this.disk.markReadOnly();
        this.log?.error(
          { dataDir: dirname(this.path), code },
          'the database became read-only: writes are refused from now on; restart Ferry once the data directory is writable',
        );
      }
      const err = this.toDomain(e);
      for (const item of batch) item.reject(err);
      return;
    } finally {
      this.ctx.inTx = false;
    }
    const settle = (syncError?: unknown): void => settleBatch(batch, outcomes, syncError);
    const wrote = this.totalChanges() !== changedBefore;
    if (!wrote && this.wal.idle) {
      // Nothing written, and every earlier commit is already on stable storage: nothing to wait for.
      settle();
    } else {
      const observer = this.observer;
      // A batch that wrote is a commit: timed from BEGIN until its WAL sync is done (StorageObserver).
      this.wal.afterDurable(
        batch.length === 1,
        observer === undefined || !wrote
          ? settle
          : (syncError) => {
              if (syncError === undefined) observer.committed(performance.now() - started);
              else observer.failed();
              settle(syncError);
            },
      );
    }
    // Wakes go out now, before the sync (see the file header): the receives they trigger commit while
    // it runs, or before the inline one, and are answered only after a sync of their own commit.
    emitWakes(outcomes, this.listeners);
  }

  /** Rows changed by INSERT/UPDATE/DELETE on this connection since it opened. */
  private totalChanges(): number {
    return this.ctx.q(TOTAL_CHANGES).pluck().get() as number;
  }

  // ---- meta and queues ------------------------------------------------------------------------

  /** @inheritdoc */
  async metaGetOrCreate(key: string, create: () => string): Promise<string> {
    const existing = await this.read(() => queues.metaGet(this.ctx, key));
    if (existing !== undefined) return existing;
    return this.write(() => queues.metaGetOrCreate(this.ctx, key, create));
  }

  /** @inheritdoc */
  queueCreate(p: QueueCreateParams): Promise<QueueCreateResult> {
    return this.write(() => queues.queueCreate(this.ctx, p), true);
  }

  /** @inheritdoc */
  queueGetByName(accountId: string, name: string): Promise<QueueRecord | undefined> {
    return this.read(() => this.ctx.loadByName(accountId, name));
  }

  /** @inheritdoc */
  queueGetById(id: string): Promise<QueueRecord | undefined> {
    return this.read(() => this.ctx.loadById(id));
  }

  /** @inheritdoc */
  queueList(filter?: QueueListFilter): Promise<QueueRecord[]> {
    return this.read(() => queues.queueList(this.ctx, filter));
  }

  /** @inheritdoc */
  queueSetAttributes(p: QueueUpdateParams): Promise<QueueRecord> {
    return this.write(() => queues.queueSetAttributes(this.ctx, p));
  }

  /** @inheritdoc */
  queueTag(queueId: string, tags: Record<string, string>): Promise<void> {
    return this.write(() => queues.queueTag(this.ctx, queueId, tags), true);
  }

  /** @inheritdoc */
  queueUntag(queueId: string, keys: string[]): Promise<void> {
    return this.write(() => queues.queueUntag(this.ctx, queueId, keys));
  }

  /** @inheritdoc */
  queueDelete(queueId: string): Promise<void> {
    return this.write(() => queues.queueDelete(this.ctx, queueId));
  }

  /** @inheritdoc */
  queuePurge(queueId: string, minIntervalMs: number): Promise<void> {
    return this.write(() => queues.queuePurge(this.ctx, queueId, minIntervalMs));
  }

  /** @inheritdoc */
  queueStats(queueId: string): Promise<QueueStats> {
    return this.read(() => queues.statsOf(this.ctx, this.ctx.mustQueue(queueId), this.ctx.clock.now()));
  }

  /** @inheritdoc — on a worker thread for durable WAL stores (gauges.ts), else in-thread. */
  queueGauges(): Promise<GaugeSnapshot> {
    const now = this.ctx.clock.now();
    if (this.gaugeReader !== undefined && this.db) {
      return this.gaugeReader.read(now).catch((e: unknown) => {
        if (!this.closed) this.observer?.failed();
        throw this.closed ? new DomainError('Unavailable', 'engine is closed') : e;
      });
    }
    return this.read(() => readGauges(this.open(), (sql) => this.ctx.q(sql), now));
  }

  // ---- messages -------------------------------------------------------------------------------

  /** @inheritdoc */
  messageSend(p: MessageSendParams): Promise<SendMessageResult[]> {
    return this.write((tx) => send(this.ctx, tx, p), true);
  }

  /** @inheritdoc */
  messageReceive(p: ReceiveParams): Promise<ReceiveResult> {
    return this.write((tx) => receive(this.ctx, tx, p));
  }

  /** @inheritdoc */
  messageDelete(p: MessageDeleteParams): Promise<EntryResult[]> {
    return this.write((tx) => deleteMessages(this.ctx, tx, p));
  }

  /** @inheritdoc */
  visibilityChange(p: VisibilityChangeParams): Promise<EntryResult[]> {
    return this.write((tx) => changeVisibility(this.ctx, tx, p));
  }

  /** @inheritdoc — a read of committed state, outside the write queue. */
  async storeExport(sink: (item: ExportItem) => void | Promise<void>): Promise<void> {
    const main = this.open();
    const now = this.ctx.clock.now();
    if (this.gaugeReader === undefined) {
      // `:memory:`, a read-only or non-WAL store: everything read at once on the engine's connection.
      let items: ExportItem[];
      try {
        items = [...exportItems(main, now)];
      } catch (e) {
        throw this.toDomain(e);
      }
      for (const item of items) await sink(item);
      return;
    }
    // A WAL store: a read transaction on a connection of its own, so the server keeps committing.
    let db: Database.Database;
    try {
      db = new Database(this.path, { readonly: true, fileMustExist: true, timeout: this.busyTimeoutMs });
      db.exec('BEGIN');
    } catch (e) {
      throw this.toDomain(e);
    }
    const it = exportItems(db, now);
    try {
      for (;;) {
        let next: IteratorResult<ExportItem>;
        try {
          next = it.next();
        } catch (e) {
          throw this.toDomain(e);
        }
        if (next.done) break;
        await sink(next.value); // the sink's own error passes through unchanged
      }
    } finally {
      // Ending the generator ends its open statement (a sink error mid-queue), then the transaction.
      try {
        it.return(undefined);
      } catch {
        // nothing to do: the connection is closed next
      }
      closeExportReader(db);
    }
  }

  messageImport(p: MessageImportParams): Promise<void> {
    return this.write((tx) => importMessages(this.ctx, tx, p), true);
  }

  /**
   * @inheritdoc
   *
   * One `BEGIN IMMEDIATE … COMMIT` on the engine's connection, held open across `run`'s awaits: the
   * store's write lock is held for the whole import. Meanwhile the group commit is paused (writes of
   * this engine queue up and commit right after the import), and another process writing the same file
   * waits up to its busy timeout, then fails with Unavailable; readers go on (WAL), and reads through
   * this engine see the import in progress. Each call runs under a savepoint, so a refused call is
   * undone alone. The WAL grows by the whole import until the commit (no checkpoint can pass an open
   * transaction). The commit is synced (walSync.ts) before the promise resolves.
   */
  async storeImport<T>(run: (tx: ImportTx) => Promise<T>): Promise<T> {
    const db = this.open();
    if (this.readOnly) throw new DomainError('Unavailable', 'the data directory is read-only: Ferry serves reads only');
    if (this.disk?.refusingGrowth) throw new DomainError('Unavailable', 'disk full: imports are refused until space returns');
    if (this.importing) throw new DomainError('Unavailable', 'another import is running on this engine');
    // Writes queued before the import commit first, in their own batch.
    if (this.pending.length) this.flush();
    try {
      this.ctx.q(BEGIN_IMMEDIATE).run();
    } catch (e) {
      throw this.toDomain(e);
    }
    this.importing = true;
    this.ctx.inTx = true;
    const wakes = new Set<string>();
    let ended = false;
    /** A write of the import found the disk full (SQLITE_FULL): the import fails as a whole, see below. */
    let full = false;
    const call = <R>(fn: (tx: TxContext) => R): Promise<R> => {
      if (ended) return Promise.reject(new Error('storeImport: the import has ended; its ImportTx cannot be used any more'));
      if (!db.inTransaction) return Promise.reject(new DomainError('Unavailable', 'sqlite: the import transaction was lost'));
      const tx: TxContext = { wakes: new Set() };
      try {
        this.ctx.q(SAVEPOINT_IMPORT).run();
        const value = fn(tx);
        this.ctx.q(RELEASE_IMPORT).run();
        for (const w of tx.wakes) wakes.add(w);
        return Promise.resolve(value);
      } catch (e) {
        if (sqliteCode(e).startsWith('SQLITE_FULL')) full = true;
        try {
          this.ctx.q(ROLLBACK_TO_IMPORT).run();
          this.ctx.q(RELEASE_IMPORT).run();
        } catch {
          // The transaction is gone (SQLite rolled it back): the next call and the commit say so.
        }
        // Entries dropped or read by the undone call may not match the database any more.
        this.ctx.forgetQueues();
        return Promise.reject(this.toDomain(e));
      }
    };
    const tx: ImportTx = {
      queueGetByName: (accountId, name) => call(() => this.ctx.loadByName(accountId, name)),
      queueCreate: (p) => call(() => queues.queueCreate(this.ctx, p)),
      queueDelete: (queueId) => call(() => queues.queueDelete(this.ctx, queueId)),
      messageImport: (p) => call((t) => importMessages(this.ctx, t, p)),
    };
    let value: T;
    try {
      value = await run(tx);
      ended = true;
      if (this.closed || !this.db) throw new DomainError('Unavailable', 'engine is closed');
      this.ctx.q(COMMIT).run();
      this.commits++;
    } catch (e) {
      ended = true;
      try {
        if (db.open && db.inTransaction) db.exec(ROLLBACK);
      } catch {
        // Closing the connection (or SQLite itself) ends the transaction anyway.
      }
      if (full || sqliteCode(e).startsWith('SQLITE_FULL')) throw this.importDiskFull(db);
      throw e instanceof DomainError || !isSqliteError(e) ? e : this.toDomain(e);
    } finally {
      ended = true;
      this.ctx.inTx = false;
      // The cache may hold nothing of a rolled-back import, and is cheap to refill after a commit.
      this.ctx.forgetQueues();
      this.importing = false;
      if (this.pending.length > 0 && !this.flushScheduled && !this.closed) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    }
    await new Promise<void>((resolve, reject) =>
      this.wal.afterDurable(true, (err) =>
        err === undefined ? resolve() : reject(new DomainError('Unavailable', `sqlite: syncing the WAL failed: ${(err as Error).message}`)),
      ),
    );
    emitWakes([{ ok: true, value: undefined, tx: { wakes } }], this.listeners);
    return value;
  }

  messageBrowse(p: MessageBrowseParams): Promise<MessageBrowseResult> {
    return this.read(() => browse(this.ctx, p));
  }

  // ---- move tasks -----------------------------------------------------------------------------

  /** @inheritdoc */
  moveTaskStart(p: MoveTaskStartParams): Promise<MoveTaskRecord> {
    return this.write(() => moveTaskStart(this.ctx, p));
  }

  /** @inheritdoc */
  moveTaskCancel(taskId: string): Promise<MoveTaskRecord> {
    return this.write(() => moveTaskCancel(this.ctx, taskId));
  }

  /** @inheritdoc */
  moveTaskList(sourceArn: string, max: number): Promise<MoveTaskRecord[]> {
    return this.read(() => moveTaskList(this.ctx, sourceArn, max));
  }

  /** @inheritdoc */
  moveTaskActive(): Promise<MoveTaskRecord[]> {
    return this.read(() => moveTasksActive(this.ctx));
  }

  /** @inheritdoc */
  moveTaskStep(taskId: string, maxMessages: number): Promise<MoveTaskStepResult> {
    return this.write((tx) => moveTaskStep(this.ctx, tx, taskId, maxMessages));
  }

  // ---- housekeeping ---------------------------------------------------------------------------

  /** @inheritdoc — runs in chunks of separate transactions so the write lock is never held long. */
  async sweep(): Promise<number> {
    let removed = 0;
    for (;;) {
      const n = await this.write(() => sweepExpired(this.ctx));
      removed += n;
      if (n < SWEEP_CHUNK) break;
    }
    await this.write(() => sweepWindows(this.ctx));
    return removed;
  }
}
