/**
 * Test helpers for the SQLite engine that need raw SQL (kept here so no SQL lives outside
 * src/storage/sqlite/). Not used by the server.
 */

import { createHash } from 'node:crypto';

import Database from 'better-sqlite3';

import { MIGRATIONS, migrate } from '../../src/storage/sqlite/migrations.js';

/**
 * Take the database's write lock from a separate connection (as another process would) and keep
 * it until the returned function is called. Used to prove SQLITE_BUSY surfaces as
 * DomainError('Unavailable') and that the engine recovers once the lock is gone.
 */
export function holdWriteLock(path: string): () => void {
  const db = new Database(path, { timeout: 0 });
  db.exec('BEGIN IMMEDIATE');
  return () => {
    db.exec('ROLLBACK');
    db.close();
  };
}

/** What {@link writeSchemaV1Store} put into the store, for the test to check after migrating. */
export interface SchemaV1Fixture {
  /** Queue ids by name: `std` (standard), `grp.fifo` (DeduplicationScope messageGroup), `q.fifo` (queue). */
  queueIds: Record<'std' | 'grp.fifo' | 'q.fifo', string>;
  /** The in-flight standard message: its row ref and the receipt token its receive handed out. */
  inflight: { ref: string; receiptToken: string; messageId: string };
  /** The FIFO message of `grp.fifo` (group `A`, dedup id `d1`) and of `q.fifo` (group `Z`, dedup id `d1`). */
  fifo: Record<'grp.fifo' | 'q.fifo', { messageId: string; seq: number }>;
  /** The `hmac` metadata value. */
  hmac: string;
}

/**
 * A store at schema version 1 with data in it, as a Ferry build of schema 1 left it: the schema-1
 * migration only (MIGRATIONS[0]), then rows written with that schema's columns — a standard queue with
 * one visible and one in-flight message, two FIFO queues (scope messageGroup and queue) with one
 * message, its group row and its dedup entry (keyed as semantics.dedupKey did for each scope) each,
 * a `hmac` metadata row. `now`: epoch ms the rows are written at.
 */
export function writeSchemaV1Store(path: string, now: number): SchemaV1Fixture {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    const version = migrate(db, now, { defaultAccountId: '000000000000' }, MIGRATIONS.slice(0, 1));
    if (version !== 1) throw new Error(`expected schema 1, got ${version}`);
    const fx: SchemaV1Fixture = {
      queueIds: { std: 'qid-std', 'grp.fifo': 'qid-grp', 'q.fifo': 'qid-q' },
      inflight: { ref: '', receiptToken: 'a1'.repeat(16), messageId: 'mid-inflight' },
      fifo: { 'grp.fifo': { messageId: 'mid-grp', seq: 7 }, 'q.fifo': { messageId: 'mid-q', seq: 3 } },
      hmac: 'hmac-secret-v1',
    };
    const fifoAttrs = (scope: string) =>
      JSON.stringify({ ContentBasedDeduplication: 'false', DeduplicationScope: scope, FifoQueue: 'true', FifoThroughputLimit: 'perQueue' });
    const queue = db.prepare(
      `INSERT INTO queues (id, name, fifo, attributes, tags, created_at, last_modified_at, seq_counter) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    queue.run(fx.queueIds.std, 'std', 0, JSON.stringify({ VisibilityTimeout: '30' }), JSON.stringify({ team: 'core' }), now, now, 0);
    queue.run(fx.queueIds['grp.fifo'], 'grp.fifo', 1, fifoAttrs('messageGroup'), '{}', now, now, fx.fifo['grp.fifo'].seq);
    queue.run(fx.queueIds['q.fifo'], 'q.fifo', 1, fifoAttrs('queue'), '{}', now, now, fx.fifo['q.fifo'].seq);
    const payload = db.prepare(`INSERT INTO payloads (body, md5_body, sender_id, dedup_id) VALUES (?, ?, 'AIDV1', ?)`);
    const message = db.prepare(
      `INSERT INTO messages (queue_id, payload_id, message_id, seq, group_id, sent_at, visible_at, received, receipt_token, received_at,
                             receive_count, first_received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const put = (queueId: string, body: string, messageId: string, o: { seq?: number; group?: string; dedup?: string; token?: string } = {}) => {
      const p = payload.run(body, createHash('md5').update(body).digest('hex'), o.dedup ?? null).lastInsertRowid;
      const received = o.token !== undefined;
      return message.run(
        queueId,
        p,
        messageId,
        o.seq ?? null,
        o.group ?? null,
        now,
        received ? now + 30_000 : now,
        received ? 1 : 0,
        o.token ?? null,
        received ? now : null,
        received ? 1 : 0,
        received ? now : null,
      ).lastInsertRowid;
    };
    put(fx.queueIds.std, 'visible-v1', 'mid-visible');
    fx.inflight.ref = String(put(fx.queueIds.std, 'inflight-v1', fx.inflight.messageId, { token: fx.inflight.receiptToken }));
    const group = db.prepare('INSERT INTO fifo_groups (queue_id, group_id, head_seq, ready_at) VALUES (?, ?, ?, ?)');
    const dedup = db.prepare('INSERT INTO dedup (queue_id, key, message_id, seq, expires_at) VALUES (?, ?, ?, ?, ?)');
    for (const [name, g, key] of [
      ['grp.fifo', 'A', 'g1:Ad1'],
      ['q.fifo', 'Z', 'q:d1'],
    ] as const) {
      const f = fx.fifo[name];
      put(fx.queueIds[name], `${name}-v1`, f.messageId, { seq: f.seq, group: g, dedup: 'd1' });
      group.run(fx.queueIds[name], g, f.seq, now);
      dedup.run(fx.queueIds[name], key, f.messageId, f.seq, now + 300_000);
    }
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('hmac', fx.hmac);
    return fx;
  } finally {
    db.close();
  }
}

/** The names of the indexes of a store's tables (sqlite_master), sorted. */
export function indexNames(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>
    ).map((r) => r.name);
  } finally {
    db.close();
  }
}
