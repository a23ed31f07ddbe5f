/**
 * What the operation files (send.ts, receive.ts, …) share with the engine, and nothing more: the
 * prepared-statement cache, the clock, the randomness and receipt tokens, the queue-record cache and the
 * in-flight bounds of the OverLimit check (inflight.ts).
 * Operations see the {@link SqliteCtx} interface; the engine owns the {@link EngineContext} behind it
 * (and alone opens, closes and transacts).
 *
 * The queue cache holds committed state only: entries are dropped on every write to a queue, and never
 * filled from inside a batch transaction (`inTx`), so it cannot hold uncommitted data. Absence is not
 * cached (a miss is one cheap index lookup).
 */
import type Database from 'better-sqlite3';

import type { Clock } from '../../core/clock.js';
import type { Random } from '../../core/random.js';
import { DomainError } from '../../errors/domain.js';
import type { QueueRecord } from '../engine.js';
import { queueKey, ReceiptTokens } from '../semantics/index.js';
import { InflightBounds } from './inflight.js';
import { type CandidateRow, type QueueRow, candidateRow, freezeQueue } from './rows.js';
import { QUEUE_BY_ID, QUEUE_BY_NAME } from './sql/index.js';

export interface SqliteCtx {
  readonly clock: Clock;
  readonly random: Random;
  readonly tokens: ReceiptTokens;
  /** Per-queue upper bounds on the in-flight count: the OverLimit check of short polls (inflight.ts). */
  readonly inflight: InflightBounds;
  /** A cached prepared statement. */
  q(sql: string): Database.Statement;
  /** Receive candidates (a statement selecting CANDIDATE_COLUMNS), read as arrays and converted. */
  candidates(sql: string, ...params: unknown[]): CandidateRow[];
  loadById(id: string): QueueRecord | undefined;
  /** By owning account and name. */
  loadByName(accountId: string, name: string): QueueRecord | undefined;
  /** By id, or DomainError('QueueNotFound'). */
  mustQueue(id: string): QueueRecord;
  /** Cache a record read outside any transaction (ignored inside one). */
  remember(rec: QueueRecord): QueueRecord;
  /** Drop a queue's cache entries (after any write to its row). */
  invalidate(id: string): void;
}

export class EngineContext implements SqliteCtx {
  readonly tokens: ReceiptTokens;
  readonly inflight: InflightBounds;
  /** True while a batch transaction is open: the cache is then neither filled nor trusted for misses. */
  inTx = false;

  private readonly stmts = new Map<string, Database.Statement>();
  /** Raw-mode (array rows) statements of {@link candidates}. */
  private readonly rawStmts = new Map<string, Database.Statement>();
  /** Queue read cache: id → record, semantics.queueKey(account, name) → id. */
  private readonly cacheById = new Map<string, QueueRecord>();
  private readonly cacheIdByName = new Map<string, string>();

  /** `open` returns the open database or throws DomainError('Unavailable'). */
  constructor(
    readonly clock: Clock,
    readonly random: Random,
    private readonly open: () => Database.Database,
  ) {
    this.tokens = new ReceiptTokens(random);
    this.inflight = new InflightBounds((sql) => this.q(sql));
  }

  q(sql: string): Database.Statement {
    return this.prepared(this.stmts, sql, false);
  }

  candidates(sql: string, ...params: unknown[]): CandidateRow[] {
    return (this.prepared(this.rawStmts, sql, true).all(...params) as unknown[][]).map(candidateRow);
  }

  /** A statement from `cache`, prepared on first use (in raw mode when `raw`). */
  private prepared(cache: Map<string, Database.Statement>, sql: string, raw: boolean): Database.Statement {
    let s = cache.get(sql);
    if (!s) {
      const db = this.open();
      s = raw ? db.prepare(sql).raw(true) : db.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  }

  /** Forget every prepared statement (the database is closing). */
  clearStatements(): void {
    this.stmts.clear();
    this.rawStmts.clear();
  }

  // ---- queue records ----

  invalidate(id: string): void {
    const cached = this.cacheById.get(id);
    if (cached) this.cacheIdByName.delete(queueKey(cached.accountId, cached.name));
    this.cacheById.delete(id);
  }

  /**
   * Start the cache afresh (a rolled-back batch may have dropped or been served entries), and the
   * in-flight bounds with it (a count taken inside a rolled-back transaction may have seen undone
   * writes: inflight.ts).
   */
  forgetQueues(): void {
    this.cacheById.clear();
    this.cacheIdByName.clear();
    this.inflight.clear();
  }

  remember(rec: QueueRecord): QueueRecord {
    // Only committed state may enter the cache (see the file header).
    if (!this.inTx) {
      this.cacheById.set(rec.id, rec);
      this.cacheIdByName.set(queueKey(rec.accountId, rec.name), rec.id);
    }
    return rec;
  }

  loadById(id: string): QueueRecord | undefined {
    const hit = this.cacheById.get(id);
    if (hit) return hit;
    const row = this.q(QUEUE_BY_ID).get(id) as QueueRow | undefined;
    return row ? this.remember(freezeQueue(row)) : undefined;
  }

  loadByName(accountId: string, name: string): QueueRecord | undefined {
    const id = this.cacheIdByName.get(queueKey(accountId, name));
    if (id !== undefined) {
      const hit = this.cacheById.get(id);
      if (hit) return hit;
    }
    const row = this.q(QUEUE_BY_NAME).get(accountId, name) as QueueRow | undefined;
    return row ? this.remember(freezeQueue(row)) : undefined;
  }

  mustQueue(id: string): QueueRecord {
    const q = this.loadById(id);
    if (!q) throw new DomainError('QueueNotFound', `queue ${id} does not exist`);
    return q;
  }
}
