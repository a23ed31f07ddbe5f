/**
 * DeleteMessage(Batch) and ChangeMessageVisibility(Batch) statements. The outcome of each entry is
 * decided in JS (semantics.deleteEntry, visibilityEntry) from the rows these statements lock, except
 * on a standard queue's delete, where the one statement is the rule (see Q_DELETE_STANDARD).
 */
import { IN_QUEUE } from './common.js';

/**
 * DeleteMessage(Batch) on a standard queue: any receipt of a message that exists deletes it, a
 * repeated delete is a no-op (semantics.deleteEntry for a standard queue: always ENTRY_OK, so there is
 * nothing to look up first). `found` = 0: the queue does not exist (its messages went with it).
 * Parameters are read through `p` for the plan cache's sake (see receiveStandardSql), and the queue
 * test is written as in IN_QUEUE.
 */
export const Q_DELETE_STANDARD = `WITH p AS MATERIALIZED (SELECT $1::text AS qid, $2::bigint[] AS ids),
  q AS (SELECT id FROM queues WHERE id = (SELECT qid FROM p)),
  d AS (DELETE FROM messages WHERE id = ANY((SELECT ids FROM p)::bigint[]) AND (queue_id = (SELECT qid FROM p)) IS TRUE RETURNING 1)
  SELECT (SELECT count(*) FROM q) AS found, (SELECT count(*) FROM d) AS n`;

/**
 * The FIFO groups of messages `$2` of queue `$1`, and their locks (groups.lockGroups' order and mode), in
 * one statement (prepared: `ferry_lock_groups_of_messages`; sent unnamed, it was parsed and planned on
 * every call: BENCHMARKS.md, issue 12 FIFO on one node).
 */
export const Q_LOCK_GROUPS_OF_MESSAGES = `WITH g AS (SELECT DISTINCT group_id FROM messages WHERE id = ANY($2::bigint[]) AND ${IN_QUEUE} AND group_id IS NOT NULL),
               l AS (SELECT f.group_id FROM fifo_groups f WHERE f.queue_id = $1 AND f.group_id IN (SELECT group_id FROM g) ORDER BY f.group_id FOR NO KEY UPDATE)
               SELECT g.group_id, (SELECT count(*) FROM l) AS locked FROM g`;

/** Messages `$2` of queue `$1`, locked, with what the entry rules need (prepared: `ferry_lock_messages`). */
export const Q_LOCK_MESSAGES = `SELECT id, group_id, receipt_token, received, received_at, visible_at FROM messages
              WHERE id = ANY($2::bigint[]) AND ${IN_QUEUE} ORDER BY id FOR UPDATE`;

/** Delete locked messages (prepared: `ferry_delete_locked`). */
export const Q_DELETE_LOCKED = 'DELETE FROM messages WHERE id = ANY($1::bigint[])';

/** New visibility deadlines: message `$1[i]` visible at `$2[i]`. */
export const Q_SET_DEADLINES = 'UPDATE messages m SET visible_at = x.v FROM unnest($1::bigint[], $2::bigint[]) AS x(id, v) WHERE m.id = x.id';

/**
 * DeleteMessage(Batch) on standard queues, the calls of a group commit (groupCommit.ts) in one
 * autocommit statement: Q_DELETE_STANDARD for many calls, possibly on several queues. Message `$2[k]`
 * is deleted when it belongs to queue `$3[k]` (the call's queue) and that queue exists; `found` lists
 * the queues `$1` that exist (a call on a missing one gets QueueNotFound alone). A message named twice
 * (two calls, or one batch) is deleted once, as one-after-the-other deletes would (the second is a
 * no-op). Parameters are read through `p` for the plan cache's sake (see Q_DELETE_STANDARD).
 */
export const Q_DELETE_STANDARD_MANY = `WITH p AS MATERIALIZED (SELECT $1::text[] AS qids, $2::bigint[] AS ids, $3::text[] AS idq),
  q AS MATERIALIZED (SELECT id FROM queues WHERE id = ANY((SELECT qids FROM p)::text[])),
  x AS MATERIALIZED (SELECT DISTINCT u.id, u.qid FROM unnest((SELECT ids FROM p)::bigint[], (SELECT idq FROM p)::text[]) AS u(id, qid)
                      WHERE u.qid IN (SELECT id FROM q)),
  d AS (DELETE FROM messages m USING x WHERE m.id = x.id AND (m.queue_id = x.qid) IS TRUE RETURNING 1)
  SELECT (SELECT array_agg(id) FROM q) AS found, (SELECT count(*) FROM d) AS n`;

/** The queues among `$1` that exist (a combined visibility change: each call's queue). */
export const Q_QUEUES_EXISTING = 'SELECT id FROM queues WHERE id = ANY($1::text[])';

/**
 * Messages `$1` locked, with their queue and what the entry rules need (a combined visibility change
 * on standard queues: each call keeps only the rows of its own queue).
 */
export const Q_LOCK_MESSAGES_ANY_QUEUE = `SELECT id, queue_id, group_id, receipt_token, received, received_at, visible_at FROM messages
              WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE`;
