/**
 * Statements on queue records: lookups (the hot ones are named prepared statements: every request
 * resolves its queue), create / update / delete / purge, stats, the metadata table, and the sequence
 * counter of FIFO queues.
 */
import { COUNT_BUCKET_MS } from '../migrations.js';
import { DBNOW, QUEUE_COLS } from './common.js';

/** See Q_COMPACT_COUNTS. */
const COUNT_MERGE_MARGIN_MS = 60_000;

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
 * The approximate counts (visible, inflight, delayed) of the queue `qid` at `now`, messages sent after
 * `cutoff` (semantics.retentionCutoff) only, as a subquery of one row; each argument is an SQL expression.
 * In flight is `visible_at > now AND received` (semantics.isInflight), delayed the never-received rest.
 *
 * From the deltas of `message_counts` (migration 6), not by reading every message:
 *  - `c`: the queue's total, and the messages whose deadline lies in a bucket after now's (not
 *    visible yet), by `received`;
 *  - `p`: the messages whose deadline lies in now's own bucket but after now — an exact range count of
 *    `messages_ready` over at most COUNT_BUCKET_MS of deadlines;
 *  - `o`: messages past retention the sweep has not removed yet (the `sent_at <= cutoff` range of
 *    `messages_age_cover`, normally empty), by state, taken off again.
 * Its cost grows with the queue's delta rows (one per key, plus what writes appended since the last
 * compaction) and with the messages due within the current second, not with the backlog.
 */
export function countsOf(qid: string, now: string, cutoff: string): string {
  const bucket = `(${now}) / ${COUNT_BUCKET_MS}`;
  return `(SELECT c.total - c.later_r - c.later_d - p.r - p.d - o.v AS visible,
            c.later_r + p.r - o.r AS inflight,
            c.later_d + p.d - o.d AS delayed
       FROM (SELECT COALESCE(sum(n), 0)::bigint AS total,
                    COALESCE(sum(n) FILTER (WHERE bucket > ${bucket} AND received), 0)::bigint AS later_r,
                    COALESCE(sum(n) FILTER (WHERE bucket > ${bucket} AND NOT received), 0)::bigint AS later_d
               FROM message_counts WHERE queue_id = ${qid}) c,
            (SELECT count(*) FILTER (WHERE received) AS r, count(*) FILTER (WHERE NOT received) AS d
               FROM messages WHERE queue_id = ${qid} AND visible_at > ${now} AND visible_at < (${bucket} + 1) * ${COUNT_BUCKET_MS}) p,
            (SELECT count(*) FILTER (WHERE visible_at <= ${now}) AS v,
                    count(*) FILTER (WHERE visible_at > ${now} AND received) AS r,
                    count(*) FILTER (WHERE visible_at > ${now} AND NOT received) AS d
               FROM messages WHERE queue_id = ${qid} AND sent_at <= ${cutoff}) o)`;
}

/**
 * The messages of queue `qid` in flight at `now` (`visible_at > now AND received`, semantics.isInflight;
 * past retention or not, as the in-flight limit counts them), for OverLimit: as countsOf does, from the
 * `message_counts` buckets after now's plus an exact count of now's own bucket after now — not a walk
 * over every message in flight (up to 120,000 per queue, a heap fetch each for `received`).
 */
export function inflightOf(qid: string, now: string): string {
  const bucket = `(${now}) / ${COUNT_BUCKET_MS}`;
  return `((SELECT COALESCE(sum(n), 0) FROM message_counts WHERE queue_id = ${qid} AND bucket > ${bucket} AND received)
     + (SELECT count(*) FROM messages
         WHERE queue_id = ${qid} AND visible_at > ${now} AND visible_at < (${bucket} + 1) * ${COUNT_BUCKET_MS} AND received))`;
}

/** The approximate counts of queue `$1` at `$2`, messages sent after `$3` only (see countsOf). */
export const Q_QUEUE_STATS = `SELECT * FROM ${countsOf('$1::text', '$2::bigint', '$3::bigint')} s`;

/**
 * Compacts `message_counts` (migration 6) at `$1` (NULL: the database clock): every delta row is
 * replaced by one row per (queue, bucket, received), buckets that ended over COUNT_MERGE_MARGIN_MS
 * before now merged into bucket 0 (a reader only tells buckets after its own now's apart; the margin
 * leaves room for the clocks of several processes), zero sums dropped (e.g. a deleted queue's). One
 * statement: it removes exactly the rows it saw, so deltas committed meanwhile stay, and a concurrent
 * compaction skips rows this one already took. Inserters never wait for it.
 */
export const Q_COMPACT_COUNTS = `WITH d AS (DELETE FROM message_counts RETURNING queue_id, bucket, received, n)
  INSERT INTO message_counts (queue_id, bucket, received, n)
  SELECT queue_id, CASE WHEN bucket < (COALESCE($1::bigint, ${DBNOW}) - ${COUNT_MERGE_MARGIN_MS}) / ${COUNT_BUCKET_MS} THEN 0 ELSE bucket END AS b,
         received, sum(n) FROM d GROUP BY 1, 2, 3 HAVING sum(n) <> 0`;

/** The metadata table (metaGetOrCreate): whoever inserts first wins. */
export const Q_META_GET = 'SELECT value FROM meta WHERE key = $1';
export const Q_META_INSERT = 'INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING';

/** Every queue with "now" (`$1`, NULL: the database clock): the start of queueGauges. */
export const Q_GAUGE_QUEUES = `SELECT id, account_id, name, fifo, attributes, COALESCE($1::bigint, ${DBNOW}) AS now FROM queues`;

/**
 * queueGauges: the CloudWatch gauges of the queues `$1` (ids), with retention cutoffs `$2`
 * (semantics.retentionCutoff) and FIFO flags `$3`, at `$4`; `$5` = semantics.POISON_PILL_RECEIVES. One
 * statement, one row per queue that still exists:
 *  - counts by state as queueStats counts them (countsOf);
 *  - the oldest message counted (semantics.countsForOldestAge): the first row after the cutoff on
 *    `messages_age_cover` (migration 5), skipping a standard queue's poison pills;
 *  - distinct groups with a message in flight: the in-flight range of `messages_ready` (deadline in the
 *    future), rows filtered to received ones with a group id.
 */
export const Q_GAUGES = `SELECT q.id, c.visible, c.inflight, c.delayed, o.oldest, g.groups
    FROM unnest($1::text[], $2::bigint[], $3::boolean[]) AS q(id, cutoff, fifo)
    CROSS JOIN LATERAL ${countsOf('q.id', '$4::bigint', 'q.cutoff')} c
    LEFT JOIN LATERAL (
      SELECT sent_at AS oldest FROM messages
       WHERE queue_id = q.id AND sent_at > q.cutoff AND (q.fifo OR receive_count < $5 OR dl_source_arn IS NOT NULL)
       ORDER BY sent_at LIMIT 1) o ON true
    CROSS JOIN LATERAL (
      SELECT count(DISTINCT group_id) AS groups FROM messages
       WHERE queue_id = q.id AND received AND group_id IS NOT NULL AND visible_at > $4 AND sent_at > q.cutoff) g
   WHERE EXISTS (SELECT 1 FROM queues WHERE id = q.id)`;
