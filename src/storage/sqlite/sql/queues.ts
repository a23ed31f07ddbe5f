/** Statements on queue records, deleted-name tombstones and the store's metadata. */

export const QUEUE_BY_ID = 'SELECT * FROM queues WHERE id = ?';
/** A queue by (account, name) (schema 3: UNIQUE (account_id, name)). */
export const QUEUE_BY_NAME = 'SELECT * FROM queues WHERE account_id = ? AND name = ?';
export const QUEUES_ALL = 'SELECT * FROM queues';
/**
 * One account's queueList page (semantics.listRange): a range of the UNIQUE (account_id, name) index in
 * BINARY (byte) order; LIMIT -1 is no limit. Four forms: `>` or `>=` the start, with or without an end.
 */
const page = (op: '>' | '>=', below: boolean): string =>
  `SELECT * FROM queues WHERE account_id = ? AND name ${op} ?${below ? ' AND name < ?' : ''} ORDER BY name LIMIT ? + 0`;
/** The page statement for each semantics.pageForm. */
export const QUEUES_PAGE = { from: page('>=', false), after: page('>', false), fromBelow: page('>=', true), afterBelow: page('>', true) } as const;
/** CreateQueue; `dedup_scope` is semantics.creationDedupScope of the attributes (fixed from then on). */
export const QUEUE_INSERT = `INSERT INTO queues (id, account_id, name, fifo, attributes, tags, created_at, last_modified_at, dedup_scope)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;
export const QUEUE_SET_ATTRIBUTES = 'UPDATE queues SET attributes = ?, last_modified_at = ? WHERE id = ?';
export const QUEUE_SET_TAGS = 'UPDATE queues SET tags = ? WHERE id = ?';
export const QUEUE_DELETE = 'DELETE FROM queues WHERE id = ?';
export const QUEUE_LAST_PURGE = 'SELECT last_purge_at FROM queues WHERE id = ?';
export const QUEUE_SET_LAST_PURGE = 'UPDATE queues SET last_purge_at = ? WHERE id = ?';

/**
 * Reserve `n` FIFO sequence counters in one UPDATE (params: n, queue id); QUEUE_SEQ_COUNTER (transfer.ts)
 * then reads the last one reserved. Not `RETURNING seq_counter`: on this WITHOUT ROWID table an UPDATE with
 * RETURNING costs ~10 µs per call against ~1.5 µs for the UPDATE and the SELECT (BENCHMARKS.md, issue 12,
 * SQLite engine CPU).
 */
export const QUEUE_RESERVE_SEQS = 'UPDATE queues SET seq_counter = seq_counter + ? WHERE id = ?';

/** Deleted-name tombstones, by (account, name). */
export const TOMBSTONE_GET = 'SELECT deleted_at FROM queue_tombstones WHERE account_id = ? AND name = ?';
export const TOMBSTONE_DELETE = 'DELETE FROM queue_tombstones WHERE account_id = ? AND name = ?';
export const TOMBSTONE_PUT = `INSERT INTO queue_tombstones (account_id, name, deleted_at) VALUES (?, ?, ?)
         ON CONFLICT (account_id, name) DO UPDATE SET deleted_at = excluded.deleted_at`;

/** Everything a queue owns besides its row (DeleteQueue; PurgeQueue takes the messages and attempts). */
export const QUEUE_DELETE_PAYLOADS = 'DELETE FROM payloads WHERE id IN (SELECT payload_id FROM messages WHERE queue_id = ?)';
export const QUEUE_DELETE_MESSAGES = 'DELETE FROM messages WHERE queue_id = ?';
export const QUEUE_DELETE_GROUPS = 'DELETE FROM fifo_groups WHERE queue_id = ?';
export const QUEUE_DELETE_DEDUP = 'DELETE FROM dedup WHERE queue_id = ?';
export const QUEUE_DELETE_ATTEMPTS = 'DELETE FROM receive_attempts WHERE queue_id = ?';
export const QUEUE_DELETE_MOVE_TASKS = 'DELETE FROM move_tasks WHERE source_queue_id = ?';

export const META_GET = 'SELECT value FROM meta WHERE key = ?';
export const META_INSERT = 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING';
