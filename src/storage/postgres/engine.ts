/**
 * The PostgreSQL storage engine: several stateless Ferry processes, one database.
 *
 * This file is the facade: options, connections (pool, transactions with retries, single
 * statements), the clocks, lifecycle, and the StorageEngine methods, each handed to its operation
 * file (send.ts, receive.ts, ack.ts, visibility.ts, queues.ts, moveTasks.ts, sweep.ts) with a
 * {@link PgContext}. Statements live in sql/; machinery in notify.ts (LISTEN/NOTIFY), queueCache.ts,
 * vacuum.ts, fifoCombiner.ts, groups.ts (FIFO group locks, and the locking protocol), errors.ts.
 *
 * Principles
 *  - What is committed is the truth, and it is shared: nothing about messages is cached in the process
 *    (another node may change it at any moment). Process state is the pool, the LISTEN connection, the
 *    set of queue ids seen (for wake-ups after a reconnect) and a short-lived cache of queue records
 *    (see queueCache.ts): every request resolves its QueueUrl to a record first, and reading the
 *    queues row for each one was a round trip per request. A record is reused for at most a second
 *    (AWS itself says attribute changes take up to 60 s to propagate), and every change made through
 *    this process drops it at once, so this process always sees its own writes. Statements that
 *    change messages still check in the database that the queue exists (QueueNotFound).
 *  - Time comes from the database clock (`clock_timestamp()` in epoch ms), never from a node's clock,
 *    so a node whose clock is 30 s off neither redelivers early nor keeps messages hidden too long.
 *    Every transaction reads "now" once, in the same round trip as its BEGIN, and uses that value for
 *    all its statements (the same instant semantics as the SQLite engine); a single autocommit
 *    statement reads it once too (`clock_timestamp()` in a materialized CTE, or the statement's start,
 *    `statement_timestamp()`, where the planner must be able to see it: see STMT_NOW). Tests replace
 *    the database clock with a ManualClock (`timeSource: { clock }`): its `now()` is then sent as a
 *    query parameter instead; nothing else changes.
 *  - Every acknowledged change is committed: each session runs with `synchronous_commit = on` (set in
 *    the connection's startup options) and a promise resolves only after COMMIT returned. `init()`
 *    warns when the server itself is configured with `synchronous_commit` or `fsync` off.
 *  - A receive claims with ONE statement (`FOR UPDATE SKIP LOCKED` and the claiming UPDATE in one
 *    statement; on a standard queue the whole receive is one autocommit round trip): see receive.ts.
 *  - The rules of SQS (redrive, entry outcomes, attempt ids, dedup, move tasks, retention…) are
 *    semantics' (src/storage/semantics): decisions that can be made from a looked-up row are made in
 *    JS by its functions; where a rule must run inside a statement, the parameter is computed with
 *    them and the statement only applies it (its comment names the function it mirrors).
 *  - The hot statements are named prepared statements (`Q_*`, and the claims): PostgreSQL parses and
 *    plans them once per connection instead of on every call. (Not those that look up a list of keys
 *    on the second column of an index, `queue_id = $1 AND key = ANY($2)`: a generic plan may read
 *    that list as a filter over the whole queue; planned per call, the list's size is known.) They
 *    name their columns (no `*`), so a later migration adding columns cannot make a cached plan fail
 *    with "cached plan must not change result type". Sessions run with sequential and bitmap scans
 *    off (see clientConfig) so that a cached plan stays an index plan whatever the table's size was
 *    when it was made, and busy stretches are followed by a VACUUM from the engine itself (see
 *    vacuum.ts), which keeps a receive's walk over the queue's index short on a table whose rows are
 *    rewritten all the time.
 *  - Wake-ups cross processes with LISTEN/NOTIFY (notify.ts): a transaction that makes messages
 *    deliverable NOTIFYs in its COMMIT round trip, and this process's own listeners are called right
 *    after COMMIT. Notifications are hints; `capabilities.maxWaitSliceMs` (1 s) covers lost ones.
 *  - Faults: connection failures, timeouts, a restarting or failing-over server become
 *    DomainError('Unavailable') (→ 503 ServiceUnavailable) at this boundary (errors.ts); the pool drops
 *    broken connections and reconnects by itself. Statements are bounded by `statement_timeout` on the
 *    server and `query_timeout` on the client (a hung server cannot hang a request); getting a
 *    connection is bounded by `connectionTimeoutMillis`. Serialization failures and deadlocks are
 *    retried. With several hosts in the connection string (libpq multi-host, target_session_attrs),
 *    hosts.ts picks the server and moves the pool and the LISTEN connection to the new primary after
 *    a failover; a write refused by a read-only server (25006) closes its connection (503).
 *  - Locking: one lock order (queue row → FIFO group rows → message rows), so there are no deadlocks
 *    in normal operation; see the locking protocol in groups.ts.
 */

import type pg from 'pg';
import { pgLib } from './pgLib.js';

import type { Clock } from '../../core/clock.js';
import type { Random } from '../../core/random.js';
import { DomainError } from '../../errors/domain.js';
import type {
  EngineCapabilities,
  EngineDeps,
  EntryResult,
  ExportItem,
  MessageImportParams,
  GaugeSnapshot,
  ImportTx,
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
import { DEFAULT_ACCOUNT_ID } from '../engine.js';
import { ReceiptTokens } from '../semantics/index.js';
import { deleteFifoMany, deleteStandardMany, messageDelete } from './ack.js';
import { browse } from './browse.js';
import { parseConnectionString } from './connectionString.js';
import type { PgContext, StandardReceive, Tx } from './context.js';
import { isServiceError, RETRYABLE, toDomain, TX_RETRIES } from './errors.js';
import { FifoCombiner } from './fifoCombiner.js';
import { GroupCommit, KeyedGroupCommit, type BatchRun } from './groupCommit.js';
import { checkRole, Hosts } from './hosts.js';
import { migrate, MIGRATIONS, SCHEMA_NAME } from './migrations.js';
import * as moveTasks from './moveTasks.js';
import { Notifier } from './notify.js';
import { QueueCache } from './queueCache.js';
import * as queues from './queues.js';
import { receive, receiveStandardMany } from './receive.js';
import { sendFifoTx, sendStandardMany } from './send.js';
import { STMT_NOW } from './sql/common.js';
import { Q_BEGIN_NOW, Q_DURABILITY_SETTINGS } from './sql/housekeeping.js';
import { Q_INTEREST_DROP, Q_INTEREST_SET } from './sql/notify.js';
import { receiveStandardManySql, receiveStandardSql } from './sql/receive.js';
import { Q_COMPACT_COUNTS } from './sql/queues.js';
import { sweep } from './sweep.js';
import { exportStore, importMessages, importMessagesIn } from './transfer.js';
import { Q_IMPORT_RELEASE, Q_IMPORT_ROLLBACK_TO, Q_IMPORT_SAVEPOINT } from './sql/transfer.js';
import { Vacuum } from './vacuum.js';
import { changeVisibilityFifoMany, changeVisibilityMany, visibilityChange } from './visibility.js';

/**
 * Where the engine takes "now" from.
 *  - `'database'` (production): `clock_timestamp()` of the PostgreSQL server, read once per
 *    transaction. All nodes share one clock, whatever their own clocks say.
 *  - `{ clock }` (tests only): the given clock's `now()`, sent as a query parameter. The storage
 *    contract suite uses a ManualClock this way so visibility, delays, retention and windows can be
 *    tested without sleeping.
 */
export type PostgresTimeSource = 'database' | { clock: Clock };

/** Options of {@link PostgresEngine}. */
export type PostgresEngineOptions = {
  /**
   * Connection string, e.g. `postgres://ferry:secret@db.internal:5432/ferry`; libpq's several hosts
   * (`postgres://u@db1:5432,db2:5432/ferry?target_session_attrs=read-write`, or the keyword form
   * `host=db1,db2 …`) are tried in order (connectionString.ts, hosts.ts).
   */
  url: string;
  /** Schema holding Ferry's tables (created when missing). Lower-case identifier. Default `ferry`. */
  schema?: string;
  /** Maximum pooled connections of this process (plus one for LISTEN). Default 10. */
  poolSize?: number;
  /** Default `'database'`. See {@link PostgresTimeSource}. */
  timeSource?: PostgresTimeSource;
  /**
   * Server-side `statement_timeout`; the client-side `query_timeout` is this + 2 s, so a hung server
   * fails a request after at most that long. Ferry's statements are index seeks and bounded batches
   * (milliseconds). Default 5 000.
   */
  statementTimeoutMs?: number;
  /**
   * Bound on opening a connection (to each host) or waiting for a free pooled one. Default 3 000; the
   * connection string's `connect_timeout` replaces it.
   */
  connectTimeoutMs?: number;
  /**
   * The sessions' `application_name` (what `pg_stat_activity` shows). Default `ferry`; tests give their
   * engines a name of their own so cutting their sessions leaves other Ferry servers on the cluster alone.
   */
  applicationName?: string;
  /** How long `init()` keeps retrying while the database is unreachable. Default 30 000. */
  startupTimeoutMs?: number;
  /**
   * Group-commit batches of one kind (standard sends, deletes, visibility changes; standard receives,
   * per queue) running at once in this process (groupCommit.ts). 1 (the default): a request that arrives while a batch of its kind
   * is being committed waits for the next batch. 0 turns combining off (every request alone, as
   * before; for A/B measurement).
   */
  groupCommitInFlight?: number;
  /** Operator warnings (server settings that weaken durability, lost connections). */
  warn?: (message: string, detail?: Record<string, unknown>) => void;
  /**
   * The account that owned every queue of a schema from before several accounts per server (migration
   * 003 assigns them to it): the server's `--account-id`. Default `000000000000`, Ferry's default.
   */
  defaultAccountId?: string;
} & EngineDeps;

/**
 * Bounds of one group-commit batch (groupCommit.ts): calls, and bytes (message bodies; 64 per receipt).
 * 200 calls of 10 messages each is 2 000 rows, a statement of a few milliseconds; 8 MiB of bodies
 * keeps one statement's parameters well below what a 1 MiB-message batch of every call would make.
 */
const GROUP_MAX_CALLS = 200;
const GROUP_MAX_BYTES = 8 * 1024 * 1024;

/**
 * Bound of one combined standard receive (receive.receiveStandardMany), in messages asked for: what
 * it may return is held in memory at once, and 100 messages (10 calls of 10) is what the pool's 10
 * connections could already hold with every call alone.
 */
const RECEIVE_GROUP_MAX_MESSAGES = 100;

/** Long polls on this engine re-check at least this often (covers lost NOTIFYs). */
const WAIT_SLICE_MS = 1_000;

/** Ends an import's transaction (rolled back) when its `run` failed; storeImport then rethrows run's own error. */
const ABORT_IMPORT = new DomainError('Unavailable', 'import aborted');

/**
 * StorageEngine on PostgreSQL (node-postgres), shared by any number of Ferry processes.
 * See the file comment for the design, and groups.ts for the locking protocol.
 */
export class PostgresEngine implements StorageEngine {
  /** @inheritdoc */
  readonly kind = 'postgres' as const;
  /**
   * Durable and shared. `maxWaitSliceMs`: long polls re-check at least once a second, because a
   * NOTIFY can be lost while the LISTEN connection reconnects.
   */
  readonly capabilities: EngineCapabilities = Object.freeze({ durable: true, shared: true, maxWaitSliceMs: WAIT_SLICE_MS });

  /** The hosts of the connection string, and which one is in use. */
  private readonly hosts: Hosts;
  readonly schema: string;
  private readonly poolSize: number;
  private readonly testClock: Clock | undefined;
  /** The process clock, only to translate nextVisibleAt into it (see localInstant). */
  private readonly localClock: Clock;
  private readonly random: Random;
  private readonly statementTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly applicationName: string;
  private readonly startupTimeoutMs: number;
  private readonly warn: (message: string, detail?: Record<string, unknown>) => void;
  private readonly observer: StorageObserver | undefined;
  private readonly defaultAccountId: string;
  private readonly groupInFlight: number;

  private pool: pg.Pool | undefined;
  private closed = false;
  private version = 0;
  private readonly queues: QueueCache;
  private readonly notifier: Notifier;
  private readonly vacuum: Vacuum;
  private readonly fifoSends: FifoCombiner;
  private readonly standardSends: GroupCommit<MessageSendParams, SendMessageResult[]>;
  private readonly standardDeletes: GroupCommit<MessageDeleteParams, EntryResult[]>;
  private readonly fifoDeletes: GroupCommit<MessageDeleteParams, EntryResult[]>;
  private readonly fifoVisibility: GroupCommit<VisibilityChangeParams, EntryResult[]>;
  private readonly standardVisibility: GroupCommit<VisibilityChangeParams, EntryResult[]>;
  private readonly standardReceives: KeyedGroupCommit<StandardReceive, ReceiveResult>;
  /** What the operation files get (see context.ts). */
  private readonly ctx: PgContext;

  constructor(opts: PostgresEngineOptions) {
    const plan = parseConnectionString(opts.url);
    this.schema = opts.schema ?? 'ferry';
    if (!SCHEMA_NAME.test(this.schema)) {
      throw new Error(`PostgreSQL schema name must match ${SCHEMA_NAME.source}, got ${JSON.stringify(this.schema)}`);
    }
    this.poolSize = Math.max(1, opts.poolSize ?? 10);
    const ts = opts.timeSource ?? 'database';
    this.testClock = ts === 'database' ? undefined : ts.clock;
    this.localClock = opts.clock;
    this.random = opts.random;
    this.statementTimeoutMs = opts.statementTimeoutMs ?? 5_000;
    this.connectTimeoutMs = plan.connectTimeoutMs ?? opts.connectTimeoutMs ?? 3_000;
    this.applicationName = opts.applicationName ?? 'ferry';
    this.startupTimeoutMs = opts.startupTimeoutMs ?? 30_000;
    this.warn = opts.warn ?? (() => undefined);
    this.observer = opts.observer;
    this.defaultAccountId = opts.defaultAccountId ?? DEFAULT_ACCOUNT_ID;
    const gi = opts.groupCommitInFlight ?? 1;
    // 0: no combining — as many batches of one request each as there are requests.
    this.groupInFlight = gi <= 0 ? Number.MAX_SAFE_INTEGER : gi;
    /** Most requests of one batch: 1 when combining is off (the requests of one turn still start together, each alone). */
    const maxCalls = (n: number): number => (gi <= 0 ? 1 : n);

    const closed = (): boolean => this.closed;
    this.hosts = new Hosts(plan, {
      connectTimeoutMs: this.connectTimeoutMs,
      warn: this.warn,
      isServiceError,
      probeConfig: () => ({ ...this.clientConfig(false), query_timeout: this.connectTimeoutMs }),
    });
    this.queues = new QueueCache((sql, params, name) => this.one(sql, params, name));
    this.notifier = new Notifier(this.schema, {
      connect: () => this.hosts.connect({ ...this.clientConfig(false), query_timeout: undefined }),
      closed,
      warn: this.warn,
      knownIds: () => this.queues.knownIds(),
      setInterest: async (queueId, instance, seconds) => {
        await this.one(Q_INTEREST_SET, [queueId, instance, seconds], 'ferry_interest_set');
      },
    });
    this.vacuum = new Vacuum({ pool: () => this.pool, closed, warn: this.warn });
    this.fifoSends = new FifoCombiner((queueId, messages, window) => sendFifoTx(this.ctx, queueId, messages, window));
    // The group commits (groupCommit.ts): bounded by calls and by bytes (bodies; 64 per receipt or entry).
    const group = <Q, R>(run: BatchRun<Q, R>, size: (q: Q) => number): GroupCommit<Q, R> =>
      new GroupCommit(run, { maxCount: maxCalls(GROUP_MAX_CALLS), maxBytes: GROUP_MAX_BYTES, size, maxInFlight: this.groupInFlight });
    const receiptBytes = (p: MessageDeleteParams): number => p.receipts.length * 64;
    const entryBytes = (p: VisibilityChangeParams): number => p.entries.length * 64;
    this.standardSends = group(
      (calls) => sendStandardMany(this.ctx, calls),
      (p) => p.messages.reduce((n, m) => n + m.body.length, 0),
    );
    this.standardDeletes = group((calls) => deleteStandardMany(this.ctx, calls), receiptBytes);
    this.fifoDeletes = group((calls) => deleteFifoMany(this.ctx, calls), receiptBytes);
    this.standardVisibility = group((calls) => changeVisibilityMany(this.ctx, calls), entryBytes);
    this.fifoVisibility = group((calls) => changeVisibilityFifoMany(this.ctx, calls), entryBytes);
    // Receives combine per queue (a batch is one claim on one queue), bounded by messages asked for.
    this.standardReceives = new KeyedGroupCommit((calls) => receiveStandardMany(this.ctx, calls), {
      maxCount: maxCalls(RECEIVE_GROUP_MAX_MESSAGES),
      maxBytes: RECEIVE_GROUP_MAX_MESSAGES,
      size: (c) => Math.max(1, c.p.maxMessages),
      maxInFlight: this.groupInFlight,
    });
    const testClock = this.testClock;
    this.ctx = {
      one: (sql, params, name) => this.one(sql, params, name),
      oneWrite: (sql, params, name) => this.oneWrite(sql, params, name),
      tx: (fn) => this.tx(fn),
      pool: () => this.openPool(),
      toDomain: (e) => this.fail(e),
      testClock,
      nowParam: testClock ? () => testClock.now() : () => null,
      // With a test clock both clocks are the same and this is exact.
      localInstant: testClock ? (at) => at : (at, now) => this.localClock.now() + (at - now),
      random: this.random,
      tokens: new ReceiptTokens(this.random),
      queues: this.queues,
      notifier: this.notifier,
      fifoSends: this.fifoSends,
      standardSends: this.standardSends,
      standardDeletes: this.standardDeletes,
      fifoDeletes: this.fifoDeletes,
      fifoVisibility: this.fifoVisibility,
      standardVisibility: this.standardVisibility,
      standardReceives: this.standardReceives,
      noteChurn: (rows) => this.vacuum.note(rows),
      receiveSql: receiveStandardSql(testClock ? '$9::bigint' : STMT_NOW),
      receiveSqlName: testClock ? 'ferry_receive_standard_t' : 'ferry_receive_standard',
      receiveManySql: receiveStandardManySql(testClock ? '$10::bigint' : STMT_NOW),
      receiveManySqlName: testClock ? 'ferry_receive_standard_many_t' : 'ferry_receive_standard_many',
    };
  }

  /** Schema version after init (for diagnostics and tests). */
  get schemaVersion(): number {
    return this.version;
  }

  /**
   * Batches (statements or transactions, one commit each) run so far by the group commits of standard
   * sends, deletes and visibility changes (groupCommit.ts), and their largest batch. For tests and
   * diagnostics. @internal
   */
  get groupCommitStats(): Record<
    'send' | 'delete' | 'visibility' | 'fifoDelete' | 'fifoVisibility' | 'receive',
    { batches: number; largest: number }
  > {
    return {
      receive: this.standardReceives.stats(),
      send: this.standardSends.stats(),
      delete: this.standardDeletes.stats(),
      visibility: this.standardVisibility.stats(),
      fifoDelete: this.fifoDeletes.stats(),
      fifoVisibility: this.fifoVisibility.stats(),
    };
  }

  /** FIFO send transactions run (each may carry several calls; see fifoCombiner.ts). For tests and diagnostics. @internal */
  get fifoSendTransactions(): number {
    return this.fifoSends.transactions;
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /**
   * Connection settings, without the host (hosts.ts adds it: the pool's new clients get the current
   * host, standalone clients try the hosts in order). bigint (int8) columns come back as JS numbers: every bigint here is an epoch
   * millisecond time, a row id or a counter, all far below 2^53.
   */
  private clientConfig(withSessionOptions: boolean): pg.ClientConfig {
    const types = {
      getTypeParser: ((oid: number, format?: string) =>
        oid === 20 ? (v: string) => Number(v) : pgLib().types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
    };
    const cfg: pg.ClientConfig = {
      connectionTimeoutMillis: this.connectTimeoutMs,
      query_timeout: this.statementTimeoutMs + 2_000,
      keepAlive: true,
      application_name: this.applicationName,
      types,
    };
    if (withSessionOptions) {
      // search_path: every statement is unqualified; synchronous_commit: a resolved promise means the
      // commit is durable (on the primary, and on synchronous standbys when the server has any).
      // enable_seqscan=off, enable_bitmapscan=off: every statement here is meant to be an index seek
      // or an ordered index range with a LIMIT (a receive takes the oldest deliverable rows of one
      // queue), and the planner is to choose among those only. A queue table's statistics are never
      // right (its rows are inserted, rewritten and deleted all the time), and a prepared statement
      // keeps its generic plan for the life of the connection: a plan made while the table was small
      // (when a sequential scan, or a bitmap scan + sort, is cheapest) would stay as the table grows,
      // and read every message of the queue on every receive. A bitmap scan also never marks the index
      // entries of deleted messages dead, so it would visit each dead row again until VACUUM. (Where no
      // index applies, e.g. listing all queues, PostgreSQL still scans the table.)
      // jit=off: JIT compilation pays off for long analytic queries, never for index seeks; the one
      // statement whose estimate crosses jit_above_cost, queueGauges over a million messages, spent
      // 330 ms compiling for 300 ms of execution (BENCHMARKS.md, "metrics scrape").
      cfg.options = `-c search_path=${this.schema} -c synchronous_commit=on -c statement_timeout=${this.statementTimeoutMs} -c idle_in_transaction_session_timeout=${this.statementTimeoutMs * 3} -c enable_seqscan=off -c enable_bitmapscan=off -c jit=off`;
    }
    return cfg;
  }

  /**
   * Connect, warn about server settings that weaken durability, apply migrations (under an advisory
   * lock) and start listening for wake-ups. While the database is unreachable it retries for
   * `startupTimeoutMs`, then rejects with Unavailable.
   */
  async init(): Promise<void> {
    if (this.pool) return;
    if (this.closed) throw new DomainError('Unavailable', 'engine is closed');
    const deadline = Date.now() + this.startupTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      // A plain session (without Ferry's SET options) shows the server's own settings.
      // No query timeout: a future migration may legitimately run long.
      let admin: pg.Client | undefined;
      try {
        admin = await this.hosts.connect({ ...this.clientConfig(false), query_timeout: undefined });
        const settings = await admin.query<{ name: string; setting: string }>(Q_DURABILITY_SETTINGS);
        for (const s of settings.rows) {
          if (s.setting === 'off') {
            this.warn(
              `PostgreSQL server has ${s.name}=off: ${s.name === 'synchronous_commit' ? 'Ferry turns it on for its own sessions, but other settings may still lose committed messages' : 'committed messages can be lost on a crash of the database host'}`,
              { setting: s.name },
            );
          }
        }
        this.version = await migrate(admin, this.schema, this.testClock?.now() ?? Date.now(), { defaultAccountId: this.defaultAccountId });
        // The count deltas (migration 6) as compact as the sweep keeps them, before the first count.
        await admin.query(Q_COMPACT_COUNTS, [this.testClock?.now() ?? null]);
        break;
      } catch (e) {
        if (!isServiceError(e) || Date.now() >= deadline || this.closed) throw toDomain(e, this.closed);
        if (attempt === 0) this.warn('PostgreSQL is not reachable yet; retrying', { err: (e as Error).message });
        await new Promise((r) => setTimeout(r, 500));
      } finally {
        await admin?.end().catch(() => undefined);
      }
    }
    const hosts = this.hosts;
    // Each new pooled connection goes to the host in use (see hosts.ts); node-postgres parses that
    // host's connection string itself.
    class HostClient extends pgLib().Client {
      constructor(config?: pg.ClientConfig) {
        super({ ...config, connectionString: hosts.current.connectionString });
      }
    }
    const attrs = hosts.attrs;
    const pool = new (pgLib().Pool)({
      ...this.clientConfig(true),
      max: this.poolSize,
      idleTimeoutMillis: 30_000,
      Client: HostClient,
      // target_session_attrs: a new connection is checked before its first use; one to a standby or a
      // read-only server is closed and the request fails with 503 (and the hosts are probed again).
      // pg-pool (3.14) awaits a promise returned by onConnect; @types/pg declares it void.
      // eslint-disable-next-line @typescript-eslint/no-misused-promises
      ...(attrs === 'any' ? {} : { onConnect: (c: pg.ClientBase) => checkRole(c, attrs, `${(c as pg.Client).host}:${(c as pg.Client).port}`) }),
    });
    // An idle pooled connection that breaks (server restart, network, failover) emits here; the pool
    // already discards it. Without a handler the process would crash.
    pool.on('error', (e) => {
      this.warn('PostgreSQL connection lost', { err: e.message });
      if (!this.closed) this.hosts.suspect();
    });
    this.pool = pool;
    await this.notifier.start();
  }

  /** Close the pool and the LISTEN connection. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const p = this.pool;
    // Other processes stop notifying this one (its interests would otherwise live to their expiry).
    // Bounded: an unreachable database must not hold the shutdown up.
    if (p && this.notifier.hasInterests()) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        p.query(Q_INTEREST_DROP, [this.notifier.instance]).catch(() => undefined),
        new Promise((r) => (timer = setTimeout(r, 2000))),
      ]);
      clearTimeout(timer);
    }
    await this.notifier.stop();
    this.pool = undefined;
    await p?.end().catch(() => undefined);
  }

  /** @inheritdoc */
  onWake(listener: WakeListener): () => void {
    return this.notifier.onWake(listener);
  }

  /** @inheritdoc — registers this process's interest in the queue's NOTIFYs (notify.ts). */
  expectWakes(queueId: string): boolean | Promise<boolean> {
    return this.notifier.expectWakes(queueId);
  }

  // ---- connections ----------------------------------------------------------------------------

  private openPool(): pg.Pool {
    if (!this.pool) throw new DomainError('Unavailable', this.closed ? 'engine is closed' : 'engine not initialised');
    return this.pool;
  }

  /**
   * One autocommit statement (reads, and single-statement writes). With `name` it is a named prepared
   * statement: parsed and planned once per pooled connection (the text must be a constant).
   */
  private async one<R extends pg.QueryResultRow>(sql: string, params: unknown[] = [], name?: string): Promise<pg.QueryResult<R>> {
    try {
      return await this.openPool().query<R>(name ? { name, text: sql, values: params } : { text: sql, values: params });
    } catch (e) {
      throw this.fail(e);
    }
  }

  /** `one` for a single autocommit write: its duration is a commit's (StorageObserver.committed). */
  private async oneWrite<R extends pg.QueryResultRow>(sql: string, params: unknown[] = [], name?: string): Promise<pg.QueryResult<R>> {
    const observer = this.observer;
    if (observer === undefined) return this.one(sql, params, name);
    const started = performance.now();
    const r = await this.one<R>(sql, params, name);
    observer.committed(performance.now() - started);
    return r;
  }

  /** A caught failure as callers see it (errors.toDomain); a failure of the database service is counted. */
  private fail(e: unknown): unknown {
    const d = toDomain(e, this.closed);
    if (d !== e && !this.closed) {
      this.observer?.failed();
      // A lost connection, a read-only server (25006), a wrong role: maybe a failover; the pool's next
      // connections go to whichever host now has the wanted role.
      this.hosts.suspect();
    }
    return d;
  }

  /**
   * Run `fn` in a transaction. "now" is read in the BEGIN round trip; queued wakes are NOTIFYed in the
   * COMMIT round trip (delivered by PostgreSQL at commit) and emitted to this process's listeners
   * after COMMIT returned. Deadlocks and serialization failures re-run `fn` (up to `retries` times);
   * a broken connection is destroyed rather than returned to the pool.
   */
  private async tx<T>(fn: (t: Tx) => Promise<T>, retries = TX_RETRIES): Promise<T> {
    const pool = this.openPool();
    for (let attempt = 0; ; attempt++) {
      let client: pg.PoolClient | undefined;
      let begun = false;
      let lost = false;
      // pg-pool guards only *idle* clients: a checked-out client whose connection breaks between two
      // queries emits 'error', which would crash the process without a listener. Mark it broken
      // instead; the pending or next query fails and the client is destroyed on release.
      const onError = (): void => {
        lost = true;
      };
      try {
        client = await pool.connect();
        client.on('error', onError);
        let now: number;
        if (this.testClock) {
          await client.query('BEGIN');
          now = this.testClock.now();
        } else {
          const rs = (await client.query(Q_BEGIN_NOW)) as unknown as pg.QueryResult[];
          now = Number(rs[1]!.rows[0]!.now);
        }
        begun = true;
        const started = this.observer === undefined ? 0 : performance.now();
        const t: Tx = { client, now, wakes: new Set() };
        const value = await fn(t);
        if (t.wakes.size) {
          await client.query(this.notifier.notifyAndCommit(client, t.wakes));
        } else {
          await client.query('COMMIT');
        }
        this.observer?.committed(performance.now() - started);
        client.off('error', onError);
        client.release(lost ? true : undefined);
        client = undefined;
        this.notifier.emit(t.wakes);
        return value;
      } catch (e) {
        if (client) {
          let healthy = !lost && (e instanceof DomainError || !isServiceError(e));
          if (begun && healthy) await client.query('ROLLBACK').catch(() => (healthy = false));
          client.off('error', onError);
          client.release(healthy ? undefined : true);
        }
        const code = (e as { code?: unknown } | null)?.code;
        const retry =
          (typeof code === 'string' && RETRYABLE.has(code)) ||
          // A stale pooled connection failing at BEGIN: nothing was done, try a fresh one once.
          (!begun &&
            attempt === 0 &&
            !(e instanceof DomainError) &&
            isServiceError(e) &&
            !this.closed &&
            !/timeout/i.test(String((e as Error).message)));
        if (retry && attempt < (begun ? retries : TX_RETRIES)) continue;
        throw this.fail(e);
      }
    }
  }

  // ---- StorageEngine --------------------------------------------------------------------------

  /** @inheritdoc */
  metaGetOrCreate(key: string, create: () => string): Promise<string> {
    return queues.metaGetOrCreate(this.ctx, key, create);
  }

  /** @inheritdoc */
  queueCreate(p: QueueCreateParams): Promise<QueueCreateResult> {
    return queues.queueCreate(this.ctx, p);
  }

  /**
   * @inheritdoc — from the process cache when read less than `QUEUE_CACHE_MS` ago (a queue that does
   * not exist is never cached: one created on another node is found at once).
   */
  queueGetByName(accountId: string, name: string): Promise<QueueRecord | undefined> {
    return this.queues.getByName(accountId, name);
  }

  /** @inheritdoc — cached like queueGetByName. */
  queueGetById(id: string): Promise<QueueRecord | undefined> {
    return this.queues.getById(id);
  }

  /** @inheritdoc */
  queueList(filter?: QueueListFilter): Promise<QueueRecord[]> {
    return queues.queueList(this.ctx, filter);
  }

  /** @inheritdoc */
  queueSetAttributes(p: QueueUpdateParams): Promise<QueueRecord> {
    return queues.queueSetAttributes(this.ctx, p);
  }

  /** @inheritdoc */
  queueTag(queueId: string, tags: Record<string, string>): Promise<void> {
    return queues.queueTag(this.ctx, queueId, tags);
  }

  /** @inheritdoc */
  queueUntag(queueId: string, keys: string[]): Promise<void> {
    return queues.queueUntag(this.ctx, queueId, keys);
  }

  /** @inheritdoc */
  queueDelete(queueId: string): Promise<void> {
    return queues.queueDelete(this.ctx, queueId);
  }

  /** @inheritdoc */
  queuePurge(queueId: string, minIntervalMs: number): Promise<void> {
    return queues.queuePurge(this.ctx, queueId, minIntervalMs);
  }

  /** @inheritdoc */
  queueStats(queueId: string): Promise<QueueStats> {
    return queues.queueStats(this.ctx, queueId);
  }

  /** @inheritdoc — two statements: the queue list, then one for every queue's gauges (queues.ts). */
  queueGauges(): Promise<GaugeSnapshot> {
    return queues.queueGauges(this.ctx);
  }

  /** @inheritdoc — standard queues: one statement; FIFO queues: combined transactions (fifoCombiner.ts). */
  async messageSend(p: MessageSendParams): Promise<SendMessageResult[]> {
    if (p.messages.length === 0) return [];
    return (await this.queues.isFifo(p.queueId)) ? this.fifoSends.send(p) : this.standardSends.submit(p);
  }

  /**
   * @inheritdoc — standard queues: one statement, shared by the concurrent calls of a queue (receive.receiveStandardMany);
   * FIFO queues: a transaction.
   */
  messageReceive(p: ReceiveParams): Promise<ReceiveResult> {
    return receive(this.ctx, p);
  }

  /** @inheritdoc */
  messageDelete(p: MessageDeleteParams): Promise<EntryResult[]> {
    return messageDelete(this.ctx, p);
  }

  /** @inheritdoc */
  visibilityChange(p: VisibilityChangeParams): Promise<EntryResult[]> {
    return visibilityChange(this.ctx, p);
  }

  /** @inheritdoc — read-only autocommit statements (browse.ts). */
  storeExport(sink: (item: ExportItem) => void | Promise<void>): Promise<void> {
    return exportStore(this.ctx, sink);
  }

  messageImport(p: MessageImportParams): Promise<void> {
    return importMessages(this.ctx, p);
  }

  /**
   * @inheritdoc
   *
   * One transaction on a pooled connection of its own, held across `run`'s awaits (never re-run: a
   * deadlock fails the import, with nothing stored). Each call runs under a savepoint, so a refused
   * call is undone alone and the transaction stays usable. Other nodes see nothing of the import until
   * it commits; rows it locks (a replaced queue's, the queues it imports into) stay locked until then,
   * so sends to those queues wait. The connection's idle_in_transaction_session_timeout (3 × the
   * statement timeout) ends an import whose caller pauses longer between two calls. A process killed
   * mid-import loses its connection, and PostgreSQL rolls the transaction back.
   */
  async storeImport<T>(run: (tx: ImportTx) => Promise<T>): Promise<T> {
    let runFailed: { error: unknown } | undefined;
    const touchedIds = new Set<string>();
    const touchedNames: Array<[string, string]> = [];
    try {
      return await this.tx(async (t) => {
        let ended = false;
        const call = async <R>(fn: (inner: Tx) => Promise<R>): Promise<R> => {
          if (ended) throw new Error('storeImport: the import has ended; its ImportTx cannot be used any more');
          const inner: Tx = { client: t.client, now: t.now, wakes: new Set() };
          try {
            await t.client.query(Q_IMPORT_SAVEPOINT);
          } catch (e) {
            throw this.fail(e);
          }
          try {
            const value = await fn(inner);
            await t.client.query(Q_IMPORT_RELEASE);
            for (const w of inner.wakes) t.wakes.add(w);
            return value;
          } catch (e) {
            // Undo this call alone; when even that fails the transaction is lost, and so is the import.
            await t.client.query(Q_IMPORT_ROLLBACK_TO).catch(() => undefined);
            throw e instanceof DomainError ? e : this.fail(e);
          }
        };
        const tx: ImportTx = {
          queueGetByName: (accountId, name) => call((i) => this.ctx.queues.byNameInTx(i.client, accountId, name)),
          queueCreate: (p) => {
            touchedNames.push([p.accountId, p.name]);
            return call((i) => queues.queueCreateIn(this.ctx, i, p));
          },
          queueDelete: (queueId) => {
            touchedIds.add(queueId);
            return call((i) => queues.queueDeleteIn(this.ctx, i, queueId));
          },
          messageImport: (p) => call((i) => importMessagesIn(this.ctx, i, p)),
        };
        try {
          return await run(tx);
        } catch (e) {
          // tx() would read a foreign error as a failure of the service: hand it over untouched.
          runFailed = { error: e };
          throw ABORT_IMPORT;
        } finally {
          ended = true;
        }
      }, 0);
    } catch (e) {
      throw e === ABORT_IMPORT && runFailed !== undefined ? runFailed.error : e;
    } finally {
      // Committed or rolled back, what this process cached of those queues may be stale.
      for (const id of touchedIds) this.ctx.queues.invalidate(id);
      for (const [accountId, name] of touchedNames) this.ctx.queues.invalidate(undefined, accountId, name);
    }
  }

  messageBrowse(p: MessageBrowseParams): Promise<MessageBrowseResult> {
    return browse(this.ctx, p);
  }

  /** @inheritdoc */
  moveTaskStart(p: MoveTaskStartParams): Promise<MoveTaskRecord> {
    return moveTasks.moveTaskStart(this.ctx, p);
  }

  /** @inheritdoc */
  moveTaskCancel(taskId: string): Promise<MoveTaskRecord> {
    return moveTasks.moveTaskCancel(this.ctx, taskId);
  }

  /** @inheritdoc */
  moveTaskList(sourceArn: string, max: number): Promise<MoveTaskRecord[]> {
    return moveTasks.moveTaskList(this.ctx, sourceArn, max);
  }

  /** @inheritdoc */
  moveTaskActive(): Promise<MoveTaskRecord[]> {
    return moveTasks.moveTasksActive(this.ctx);
  }

  /** @inheritdoc — exactly one node steps a task at a time (see moveTasks.ts). */
  moveTaskStep(taskId: string, maxMessages: number): Promise<MoveTaskStepResult> {
    return moveTasks.moveTaskStep(this.ctx, taskId, maxMessages);
  }

  /** @inheritdoc — in chunks that skip locked rows (see sweep.ts). */
  sweep(): Promise<number> {
    return sweep(this.ctx);
  }
}

/** Highest schema version this build knows. */
export const POSTGRES_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
