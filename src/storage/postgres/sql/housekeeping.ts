/** Housekeeping statements: the sweep, the engine's own VACUUM, the server settings checked at start. */
import { DBNOW } from './common.js';

/** "now": `$1`, or the database clock when NULL. */
export const Q_NOW = `SELECT COALESCE($1::bigint, ${DBNOW}) AS now`;

/**
 * The queues grouped by their MessageRetentionPeriod attribute as stored (NULL: the default): the sweep
 * computes one cutoff per group (semantics.retentionCutoff) — a handful of groups, however many queues.
 * `fifo_ids` (NULL when none): the group's FIFO queues, whose message groups the sweep refreshes.
 */
export const Q_SWEEP_RETENTION_GROUPS = `SELECT attributes::jsonb ->> 'MessageRetentionPeriod' AS retention, array_agg(id) AS ids,
                  array_agg(id) FILTER (WHERE fifo) AS fifo_ids
           FROM queues GROUP BY 1`;
/**
 * Up to `$3` messages of the queues `$1` sent at or before `$2` (their common retention cutoff), skipping
 * locked ones. One index probe of `(queue_id, sent_at)` per queue (the LATERAL join), stopping at `$3`:
 * one statement for every queue of a group, where one statement per queue cost 50,000 round trips a sweep
 * with 50,000 queues.
 */
export const Q_SWEEP_EXPIRED = `DELETE FROM messages WHERE id IN (
             SELECT m.id FROM unnest($1::text[]) AS q(id)
               CROSS JOIN LATERAL (SELECT id FROM messages WHERE queue_id = q.id AND sent_at <= $2 LIMIT $3 FOR UPDATE SKIP LOCKED) m
             LIMIT $3)
           RETURNING queue_id, group_id`;
/**
 * Up to `$2` empty FIFO group rows (groups.ts: head_seq and ready_at NULL) of the queues `$1`, locked
 * `FOR UPDATE SKIP LOCKED` (a row a send holds is left for the next sweep; the lock re-checks that the
 * newest version is still empty), one index probe of `fifo_groups_ready` per queue; those whose group has
 * no message are dropped. Returns every row it locked, and whether it was dropped: one that was not has
 * messages that no send made its head (only a node of an older build does that), and is recomputed.
 */
export const Q_SWEEP_EMPTY_GROUPS = `WITH c AS MATERIALIZED (
             SELECT f.queue_id, f.group_id FROM unnest($1::text[]) AS q(id)
               CROSS JOIN LATERAL (SELECT queue_id, group_id FROM fifo_groups WHERE queue_id = q.id AND ready_at IS NULL LIMIT $2 FOR UPDATE SKIP LOCKED) f
             LIMIT $2),
           d AS (DELETE FROM fifo_groups f USING c
                  WHERE f.queue_id = c.queue_id AND f.group_id = c.group_id
                    AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.queue_id = c.queue_id AND m.group_id = c.group_id)
                 RETURNING f.queue_id, f.group_id)
           SELECT c.queue_id, c.group_id, (d.group_id IS NOT NULL) AS dropped
             FROM c LEFT JOIN d ON d.queue_id = c.queue_id AND d.group_id = c.group_id`;
/** Dedup entries and attempt ids past their window (`expires_at <= now`: the negation of semantics.dedupHit). */
export const Q_SWEEP_DEDUP = 'DELETE FROM dedup WHERE expires_at <= $1';
export const Q_SWEEP_ATTEMPTS = 'DELETE FROM receive_attempts WHERE expires_at <= $1';
/** Tombstones deleted at or before `$1` (now − semantics.TOMBSTONE_TTL_MS). */
export const Q_SWEEP_TOMBSTONES = 'DELETE FROM queue_tombstones WHERE deleted_at <= $1';

/** Whether this session's role owns `messages` (VACUUM needs it). */
export const Q_OWNS_MESSAGES = `SELECT pg_has_role(relowner, 'MEMBER') AS ok FROM pg_class WHERE oid = 'messages'::regclass`;
export const Q_VACUUM = 'VACUUM (SKIP_LOCKED, TRUNCATE false, INDEX_CLEANUP ON) messages, fifo_groups';
/** The planner's estimate of live rows in `messages` (sizes the next churn bound). */
export const Q_MESSAGES_LIVE = `SELECT GREATEST(reltuples, 0)::bigint AS n FROM pg_class WHERE oid = 'messages'::regclass`;

/** Server settings that weaken durability when off (init warns). */
export const Q_DURABILITY_SETTINGS = `SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_commit', 'fsync', 'full_page_writes')`;

/**
 * The role of the server a session is connected to, for target_session_attrs (hosts.ts): `standby` is
 * true while it is in recovery; `ro` is `transaction_read_only` ('on' on a standby, or on a server
 * set to `default_transaction_read_only`).
 */
export const Q_SESSION_ROLE = `SELECT pg_is_in_recovery() AS standby, current_setting('transaction_read_only') AS ro`;

/** The BEGIN round trip of a transaction, reading the database clock in it. */
export const Q_BEGIN_NOW = `BEGIN; SELECT ${DBNOW} AS now`;
