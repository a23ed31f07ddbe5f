/**
 * Statements on queue records: lookups (the hot ones are named prepared statements: every request
 * resolves its queue), create / update / delete / purge, stats, the metadata table, and the sequence
 * counter of FIFO queues.
 */
import { DBNOW, QUEUE_COLS } from './common.js';

/**
 * A queue by (account, name) / by id (named prepared statements `ferry_queue_by_name` /
 * `ferry_queue_by_id`); schema 3's UNIQUE (account_id, name) serves the first.
 */
export const Q_QUEUE_BY_NAME = `SELECT ${QUEUE_COLS} FROM queues WHERE account_id = $1 AND name = $2`;
export const Q_QUEUE_BY_ID = `SELECT ${QUEUE_COLS} FROM queues WHERE id = $1`;

/** A queue by id with a row lock (`FOR UPDATE`, `FOR NO KEY UPDATE`…; a constant of the caller). */
export function queueByIdLocked(lock: string): string {
  return `SELECT ${QUEUE_COLS} FROM queues WHERE id = $1 ${lock}`;
}

/** Every queue (ListQueues filters and sorts in JS: the contract is code-unit order, not the collation). */
export const Q_QUEUE_ALL = `SELECT ${QUEUE_COLS} FROM queues`;
/**
 * One account's queueList page (semantics.listRange) in code-unit order: `COLLATE "C"` on the index
 * queues_account_name_c (migration 4). $1 account, $2 start, $3 limit (NULL: none), $4 end. Four forms:
 * `>` or `>=` the start, with or without an end.
 */
const page = (op: '>' | '>=', below: boolean): string =>
  `SELECT ${QUEUE_COLS} FROM queues WHERE account_id = $1 AND name COLLATE "C" ${op} $2${below ? ' AND name COLLATE "C" < $4' : ''}
    ORDER BY name COLLATE "C" LIMIT $3`;
/** The page statement for each semantics.pageForm. */
export const Q_QUEUES_PAGE = { from: page('>=', false), after: page('>', false), fromBelow: page('>=', true), afterBelow: page('>', true) } as const;
/** Every queue with all its columns (sweep). */
export const Q_QUEUE_ALL_FULL = 'SELECT * FROM queues';

/** Reserve `$2` sequence numbers of queue `$1` (locks its row until commit). */
export const Q_RESERVE_SEQ = 'UPDATE queues SET seq_counter = seq_counter + $2 WHERE id = $1 RETURNING seq_counter';

/** CreateQueue; `$7`, the dedup scope, is semantics.creationDedupScope of the attributes (fixed from then on). */
export const Q_TOMBSTONE_OF = 'SELECT deleted_at FROM queue_tombstones WHERE account_id = $1 AND name = $2';
export const Q_QUEUE_INSERT = `INSERT INTO queues (id, account_id, name, fifo, attributes, tags, created_at, last_modified_at, dedup_scope)
         VALUES ($1, $8, $2, $3, $4, $5, $6, COALESCE($9::bigint, $6), $7) ON CONFLICT (account_id, name) DO NOTHING RETURNING ${QUEUE_COLS}`;
export const Q_TOMBSTONE_DELETE = 'DELETE FROM queue_tombstones WHERE account_id = $1 AND name = $2';

/** SetQueueAttributes, TagQueue / UntagQueue. */
export const Q_QUEUE_SET_ATTRIBUTES = `UPDATE queues SET attributes = $2, last_modified_at = $3 WHERE id = $1 RETURNING ${QUEUE_COLS}`;
export const Q_QUEUE_SET_TAGS = 'UPDATE queues SET tags = $2 WHERE id = $1';

/** DeleteQueue: everything of queue `$1`, in this order (messages before their group rows). */
export const Q_DELETE_QUEUE_MESSAGES = 'DELETE FROM messages WHERE queue_id = $1';
export const Q_DELETE_QUEUE_GROUPS = 'DELETE FROM fifo_groups WHERE queue_id = $1';
export const Q_DELETE_QUEUE_DEDUP = 'DELETE FROM dedup WHERE queue_id = $1';
export const Q_DELETE_QUEUE_ATTEMPTS = 'DELETE FROM receive_attempts WHERE queue_id = $1';
export const Q_DELETE_QUEUE_MOVE_TASKS = 'DELETE FROM move_tasks WHERE source_queue_id = $1';
export const Q_DELETE_QUEUE = 'DELETE FROM queues WHERE id = $1';
export const Q_TOMBSTONE_UPSERT = `INSERT INTO queue_tombstones (account_id, name, deleted_at) VALUES ($1, $2, $3)
         ON CONFLICT (account_id, name) DO UPDATE SET deleted_at = excluded.deleted_at`;

/** PurgeQueue (with the DeleteQueue statements for messages, groups, attempts and dedup entries). */
export const Q_LAST_PURGE = 'SELECT last_purge_at FROM queues WHERE id = $1';
export const Q_SET_LAST_PURGE = 'UPDATE queues SET last_purge_at = $2 WHERE id = $1';

/** A queue row with "now" (`$2`, NULL: the database clock), for GetQueueAttributes' counts. */
export const Q_QUEUE_WITH_NOW = `SELECT q.*, COALESCE($2::bigint, ${DBNOW}) AS now FROM queues q WHERE id = $1`;

/**
 * The approximate counts of queue `$1` at `$2`, messages sent after `$3` (semantics.retentionCutoff)
 * only; in flight is `visible_at > now AND received` (semantics.isInflight), delayed the never-received rest.
 * An index-only scan of `messages_age_cover (queue_id, sent_at) INCLUDE (visible_at, received)`
 * (migration 5): no heap fetch per counted message, except on pages vacuum has not marked all-visible yet.
 */
export const Q_QUEUE_STATS = `SELECT count(*) FILTER (WHERE visible_at <= $2) AS visible,
              count(*) FILTER (WHERE visible_at > $2 AND received) AS inflight,
              count(*) FILTER (WHERE visible_at > $2 AND NOT received) AS delayed
         FROM messages WHERE queue_id = $1 AND sent_at > $3`;

/** The metadata table (metaGetOrCreate): whoever inserts first wins. */
export const Q_META_GET = 'SELECT value FROM meta WHERE key = $1';
export const Q_META_INSERT = 'INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING';

/** Every queue with "now" (`$1`, NULL: the database clock): the start of queueGauges. */
export const Q_GAUGE_QUEUES = `SELECT id, account_id, name, fifo, attributes, COALESCE($1::bigint, ${DBNOW}) AS now FROM queues`;

/**
 * queueGauges: the CloudWatch gauges of the queues `$1` (ids), with retention cutoffs `$2`
 * (semantics.retentionCutoff) and FIFO flags `$3`, at `$4`; `$5` = semantics.POISON_PILL_RECEIVES. One
 * statement, one row per queue that still exists:
 *  - counts by state as queueStats counts them (Q_QUEUE_STATS);
 *  - the oldest message counted (semantics.countsForOldestAge): the first row after the cutoff on
 *    `messages_age_cover` (migration 5), skipping a standard queue's poison pills;
 *  - distinct groups with a message in flight: the in-flight range of `messages_ready` (deadline in the
 *    future), rows filtered to received ones with a group id.
 */
export const Q_GAUGES = `SELECT q.id, c.visible, c.inflight, c.delayed, o.oldest, g.groups
    FROM unnest($1::text[], $2::bigint[], $3::boolean[]) AS q(id, cutoff, fifo)
    CROSS JOIN LATERAL (
      SELECT count(*) FILTER (WHERE visible_at <= $4) AS visible,
             count(*) FILTER (WHERE visible_at > $4 AND received) AS inflight,
             count(*) FILTER (WHERE visible_at > $4 AND NOT received) AS delayed
        FROM messages WHERE queue_id = q.id AND sent_at > q.cutoff) c
    LEFT JOIN LATERAL (
      SELECT sent_at AS oldest FROM messages
       WHERE queue_id = q.id AND sent_at > q.cutoff AND (q.fifo OR receive_count < $5 OR dl_source_arn IS NOT NULL)
       ORDER BY sent_at LIMIT 1) o ON true
    CROSS JOIN LATERAL (
      SELECT count(DISTINCT group_id) AS groups FROM messages
       WHERE queue_id = q.id AND received AND group_id IS NOT NULL AND visible_at > $4 AND sent_at > q.cutoff) g
   WHERE EXISTS (SELECT 1 FROM queues WHERE id = q.id)`;
