/**
 * What the operation files (send, receive, ack, visibility, queues, moveTasks, sweep) get from the
 * engine: the connection machinery, the clocks, the queue-record cache, churn notes, wake-ups. An
 * interface of exactly that, so an operation cannot reach into the rest of the engine (its lifecycle,
 * its listener) and a reader sees at once what an operation depends on.
 */
import type pg from 'pg';

import type { Clock } from '../../core/clock.js';
import type { Random } from '../../core/random.js';
import type { ReceiptTokens } from '../semantics/index.js';
import type {
  MessageDeleteParams,
  MessageSendParams,
  EntryResult,
  QueueRecord,
  ReceiveParams,
  ReceiveResult,
  SendMessageResult,
  VisibilityChangeParams,
} from '../engine.js';
import type { FifoCombiner } from './fifoCombiner.js';
import type { GroupCommit, KeyedGroupCommit } from './groupCommit.js';
import type { Notifier } from './notify.js';
import type { QueueCache } from './queueCache.js';
import type { OneFn } from './rows.js';

/** An open transaction: its connection, its instant, and the queues to wake after COMMIT. */
export interface Tx {
  client: pg.PoolClient;
  now: number;
  wakes: Set<string>;
}

export type { OneFn } from './rows.js';

export interface PgContext {
  one: OneFn;
  /** `one` for an autocommit statement that writes: timed as a commit for metrics (StorageObserver). */
  oneWrite: OneFn;
  /**
   * Run `fn` in a transaction whose "now" is `t.now` (read in the BEGIN round trip); `t.wakes` are
   * NOTIFYed at COMMIT and emitted to this process's listeners after it. Retries serialization
   * failures and deadlocks (so `fn` may run more than once).
   */
  tx<T>(fn: (t: Tx) => Promise<T>): Promise<T>;
  /** The pool (Unavailable when the engine is closed or not initialised). */
  pool(): pg.Pool;
  /** A caught failure as the caller must see it (see errors.toDomain). */
  toDomain(e: unknown): unknown;
  /** The test clock (`timeSource: { clock }`), else undefined: "now" is the database's. */
  readonly testClock: Clock | undefined;
  /** `now` for a single autocommit statement: the test clock's value, or NULL → the database clock. */
  nowParam(): number | null;
  /**
   * nextVisibleAt only decides how long *this process* sleeps, and the action layer measures that with
   * the process clock: the database instant `at`, read when the database said `now`, in that clock.
   */
  localInstant(at: number, now: number): number;
  readonly random: Random;
  /**
   * Receipt tokens from `random` (semantics.ReceiptTokens), passed to the claim statements as an array
   * they assign in claim order — not generated in SQL, so a seeded Random gives reproducible receipts
   * here as on the other engines.
   */
  readonly tokens: ReceiptTokens;
  readonly queues: QueueCache;
  readonly notifier: Notifier;
  readonly fifoSends: FifoCombiner;
  /** The group commits of standard-queue sends, deletes and visibility changes (groupCommit.ts). */
  readonly standardSends: GroupCommit<MessageSendParams, SendMessageResult[]>;
  readonly standardDeletes: GroupCommit<MessageDeleteParams, EntryResult[]>;
  /** The group commit of FIFO-queue deletes (one transaction for concurrent calls: ack.deleteFifoMany). */
  readonly fifoDeletes: GroupCommit<MessageDeleteParams, EntryResult[]>;
  /** The group commit of FIFO-queue visibility changes (visibility.changeVisibilityFifoMany). */
  readonly fifoVisibility: GroupCommit<VisibilityChangeParams, EntryResult[]>;
  readonly standardVisibility: GroupCommit<VisibilityChangeParams, EntryResult[]>;
  /** The group commits of standard-queue receives, one per queue (receive.receiveStandardMany). */
  readonly standardReceives: KeyedGroupCommit<StandardReceive, ReceiveResult>;
  /** Rows of `messages` retired (claimed or deleted) by this process (see vacuum.ts). */
  noteChurn(rows: number): void;
  /** receiveStandardSql for this engine's time source, and its prepared-statement name. */
  readonly receiveSql: string;
  readonly receiveSqlName: string;
  /** receiveStandardManySql for this engine's time source, and its prepared-statement name. */
  readonly receiveManySql: string;
  readonly receiveManySqlName: string;
}

/** A standard-queue receive waiting for its group commit: the call, and its queue's record as the call saw it. */
export interface StandardReceive {
  q: QueueRecord;
  p: ReceiveParams;
}
