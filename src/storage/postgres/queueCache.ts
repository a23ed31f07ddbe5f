/**
 * Queue records: where an operation gets them, and how long this process keeps them.
 *
 * Every request resolves its QueueUrl to a record first, and reading the queues row for each one was
 * a round trip per request. So a record read from the database is reused for at most
 * `QUEUE_CACHE_MS` (AWS itself says attribute changes take up to 60 s to propagate), and every change
 * made through this process drops it at once, so this process always sees its own writes. A queue
 * that does not exist is never cached (one created on another node is found at once). Statements
 * that change messages still check in the database that the queue exists (QueueNotFound).
 *
 * Inside a transaction, records are read from the database (`inTx`, `mustInTx`, `byNameInTx`), never
 * from the cache: a decision under a row lock must see the newest committed row.
 *
 * It also keeps the ids of every queue this process has seen, with their FIFO flag: the flag is
 * immutable for a queue incarnation (a re-created queue gets a new id), so caching it is safe on a
 * shared database, and the LISTEN connection wakes all of them after a reconnect.
 */
import type pg from 'pg';

import { DomainError } from '../../errors/domain.js';
import type { QueueRecord } from '../engine.js';
import { queueKey } from '../semantics/index.js';
import { freezeQueue, type OneFn, type QueueRow } from './rows.js';
import { Q_QUEUE_BY_ID, Q_QUEUE_BY_NAME, Q_RESERVE_SEQ, queueByIdLocked } from './sql/queues.js';

/**
 * How long (ms, process clock) a queue record read from the database may be reused by this process.
 * Changes made through this process drop the record at once; changes made on other nodes are seen
 * within this bound (AWS: attribute changes take up to 60 s to propagate).
 */
export const QUEUE_CACHE_MS = 1_000;

interface Entry {
  q: QueueRecord;
  /** Expiry, performance.now(). */
  until: number;
}

export class QueueCache {
  private readonly byId = new Map<string, Entry>();
  /** semantics.queueKey(account, name) → entry. */
  private readonly byName = new Map<string, Entry>();
  /**
   * Bumped by every invalidation. A read stores its record only when no invalidation happened while
   * it ran: otherwise a read that began before a local write committed could store the old record
   * after the write dropped it.
   */
  private gen = 0;
  /** Queue ids this process has seen, with their FIFO flag. */
  private readonly known = new Map<string, boolean>();

  constructor(private readonly one: OneFn) {}

  /** Every queue id this process has seen (woken after a LISTEN reconnect). */
  knownIds(): string[] {
    return [...this.known.keys()];
  }

  /** Note a record read from the database (its id and FIFO flag). */
  remember(q: QueueRecord): QueueRecord {
    this.known.set(q.id, q.fifo);
    return q;
  }

  /** Forget a deleted queue's id. */
  forget(queueId: string): void {
    this.known.delete(queueId);
  }

  /** By (account, name), from the cache when fresh. */
  getByName(accountId: string, name: string): Promise<QueueRecord | undefined> {
    return this.cachedQueue(this.byName, queueKey(accountId, name), [accountId, name], Q_QUEUE_BY_NAME, 'ferry_queue_by_name');
  }

  /** By id, from the cache when fresh. */
  getById(id: string): Promise<QueueRecord | undefined> {
    return this.cachedQueue(this.byId, id, [id], Q_QUEUE_BY_ID, 'ferry_queue_by_id');
  }

  /** Whether a queue is FIFO (cached per incarnation id); QueueNotFound when it does not exist. */
  async isFifo(queueId: string): Promise<boolean> {
    const known = this.known.get(queueId);
    if (known !== undefined) return known;
    const q = await this.getById(queueId);
    if (!q) throw this.notFound(queueId);
    return q.fifo;
  }

  /**
   * Drop what this process knows about a queue: after a change made through this process (which must
   * see it at once), and when the database says a cached queue no longer exists.
   */
  invalidate(queueId: string | undefined, accountId?: string, name?: string): void {
    this.gen++;
    if (queueId !== undefined) {
      const e = this.byId.get(queueId);
      this.byId.delete(queueId);
      if (e) {
        const key = queueKey(e.q.accountId, e.q.name);
        if (this.byName.get(key) === e) this.byName.delete(key);
      }
    }
    if (accountId !== undefined && name !== undefined) {
      const key = queueKey(accountId, name);
      const e = this.byName.get(key);
      this.byName.delete(key);
      if (e && this.byId.get(e.q.id) === e) this.byId.delete(e.q.id);
    }
  }

  /** QueueNotFound for `queueId`, forgetting any cached record of it. */
  notFound(queueId: string): DomainError {
    this.invalidate(queueId);
    return new DomainError('QueueNotFound', `queue ${queueId} does not exist`);
  }

  /** The queue as of now, in a transaction, optionally with a row lock (`FOR UPDATE`…). */
  async inTx(c: pg.ClientBase, id: string, lock = ''): Promise<QueueRecord | undefined> {
    const r = await c.query<QueueRow>(
      lock ? { text: queueByIdLocked(lock), values: [id] } : { name: 'ferry_queue_by_id', text: Q_QUEUE_BY_ID, values: [id] },
    );
    return r.rows[0] ? this.remember(freezeQueue(r.rows[0])) : undefined;
  }

  /** {@link inTx}, QueueNotFound when it does not exist. */
  async mustInTx(c: pg.ClientBase, id: string, lock = ''): Promise<QueueRecord> {
    const q = await this.inTx(c, id, lock);
    if (!q) throw this.notFound(id);
    return q;
  }

  /** A queue by (account, name) as of now, in a transaction. */
  async byNameInTx(c: pg.ClientBase, accountId: string, name: string): Promise<QueueRecord | undefined> {
    const r = await c.query<QueueRow>({ name: 'ferry_queue_by_name', text: Q_QUEUE_BY_NAME, values: [accountId, name] });
    return r.rows[0] ? this.remember(freezeQueue(r.rows[0])) : undefined;
  }

  /** Reserve `n` sequence numbers of a queue (locks its row until commit). Returns the first − 1. */
  async reserveSeq(c: pg.ClientBase, queueId: string, n: number): Promise<number> {
    const r = await c.query<{ seq_counter: number }>(Q_RESERVE_SEQ, [queueId, n]);
    if (!r.rows[0]) throw new DomainError('QueueNotFound');
    return r.rows[0].seq_counter - n;
  }

  /** A cached record that has not expired. */
  private cached(map: Map<string, Entry>, key: string): QueueRecord | undefined {
    const e = map.get(key);
    if (!e) return undefined;
    if (e.until > performance.now()) return e.q;
    map.delete(key);
    return undefined;
  }

  /** A queue record from `cache` when fresh, else from the database (and then cached, unless stale). */
  private async cachedQueue(
    cache: Map<string, Entry>,
    key: string,
    values: unknown[],
    sql: string,
    statement: string,
  ): Promise<QueueRecord | undefined> {
    const hit = this.cached(cache, key);
    if (hit) return hit;
    const gen = this.gen;
    const r = await this.one<QueueRow>(sql, values, statement);
    if (!r.rows[0]) return undefined;
    const q = this.remember(freezeQueue(r.rows[0]));
    if (gen === this.gen) {
      const e = { q, until: performance.now() + QUEUE_CACHE_MS };
      this.byId.set(q.id, e);
      this.byName.set(queueKey(q.accountId, q.name), e);
    }
    return q;
  }
}
