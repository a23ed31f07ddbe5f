/**
 * ReceiveMessage statements: the standard queue's single autocommit receive (alone, and combined for
 * concurrent calls), the claims of the
 * receive transaction (standard and FIFO), the in-flight count, the dead-letter move, attempt ids and
 * the next-visible time. The rules they apply come from semantics, as parameters computed in JS:
 *  - `sent_at > cutoff` / `sent_at > now - retention`: not past retention (retentionCutoff);
 *  - `receive_count < max_rc`: not due for the dead-letter queue (dueForDeadLetter, with the bound
 *    from claimThreshold; NO_REDRIVE when there is no usable dead-letter queue);
 *  - `visible_at = now + vis`: the visibility deadline (visibilityDeadline);
 *  - `visible_at > now AND received`: in flight (isInflight), for OverLimit (checkInflightLimit).
 */
import { STANDARD_HEAD_WINDOW } from '../../semantics/index.js';
import { claimSet, IN_QUEUE, M_DELIVERY_COLS, NO_REDRIVE_SQL } from './common.js';
import { inflightOf } from './queues.js';

/**
 * The `k`, `w`, `c1`, `c2` and `c` CTEs of both standard receive statements (receiveStandardSql,
 * receiveStandardManySql), reading their parameters from `p`: whether the queue exists and has room, the
 * receive-count bound, and up to `lim` deliverable candidates locked `FOR UPDATE SKIP LOCKED`, ranked
 * (`part`, `ord`, `id`) — see {@link CANDIDATE_RANK}. Two looks, in send order as far as they see
 * (semantics/order.ts):
 *  - `w`, `c1`: the look at the head. `w` walks the queue's oldest unexpired messages by sent time
 *    (`messages_age_cover` in index order, read lazily: no sort, which with a generic plan would read the
 *    whole queue) and stops at the `lim`-th deliverable one or after `lim` + STANDARD_HEAD_WINDOW
 *    entries. Within one sent_at the index is in heap order, close to the order of the rows' last
 *    writes, so at the cut a tie may go to a later message; `c1` ranks what it took by (sent_at, id).
 *    `c1` locks those rows by the `ctid` `w` read them at (a TID scan, no index descent: the versions
 *    this statement's snapshot sees cannot be pruned while it runs, and locking one follows its update
 *    chain to the newest version; the queue and deliverable tests are written `IS TRUE` so that they
 *    stay filters, never a path), skipping rows others hold — and a row another receiver claimed since
 *    this statement's snapshot, whose newest version fails `visible_at <= now`, or deleted. A message
 *    whose visibility expired, or whose delay ended, is found here ahead of newer ones.
 *  - `c2`: for the rest, the walk by visibility time as before (`messages_ready`), without the ids of
 *    `w` (taken by `c1`, or held by another receiver), limited to what `c1` left to take.
 * No row is locked that the statement does not rank, and `c1` and `c2` never meet the same row, so the
 * locking is that of the single walk: every candidate is a row this statement alone holds.
 */
function queueCheckAndCandidates(now: string): string {
  return `k AS MATERIALIZED (
    SELECT EXISTS (SELECT 1 FROM queues WHERE id = p.qid) AS found,
           (p.max_inflight IS NULL OR ${inflightOf('p.qid', now)} < p.max_inflight) AS room,
           CASE WHEN p.dlq IS NOT NULL AND EXISTS (SELECT 1 FROM queues WHERE account_id = p.dlq[1] AND name = p.dlq[2] AND id <> p.qid) THEN p.max_rc ELSE ${NO_REDRIVE_SQL} END AS max_rc
      FROM p),
  w AS MATERIALIZED (
    SELECT h.id, h.tid FROM (
      SELECT id, ctid AS tid, visible_at FROM messages
       WHERE queue_id = (SELECT qid FROM p) AND sent_at > ${now} - (SELECT retention FROM p) AND (SELECT found AND room FROM k)
       ORDER BY sent_at
       LIMIT (SELECT lim FROM p) + ${STANDARD_HEAD_WINDOW}) h
     WHERE h.visible_at <= ${now}
     LIMIT (SELECT lim FROM p)),
  c1 AS (
    SELECT id, ctid AS row_ref, visible_at, sent_at, receive_count FROM messages
     WHERE ctid = ANY (ARRAY(SELECT tid FROM w)) AND (queue_id = (SELECT qid FROM p)) IS TRUE AND (visible_at <= ${now}) IS TRUE
     FOR UPDATE SKIP LOCKED),
  c2 AS (
    SELECT id, ctid AS row_ref, visible_at, sent_at, receive_count FROM messages
     WHERE queue_id = (SELECT qid FROM p) AND visible_at <= ${now} AND (SELECT found AND room FROM k)
       AND id <> ALL (ARRAY(SELECT id FROM w))
     ORDER BY visible_at, id
     LIMIT (SELECT lim FROM p) - (SELECT count(*) FROM c1)
     FOR UPDATE SKIP LOCKED),
  c AS (SELECT c1.*, 0 AS part, c1.sent_at AS ord FROM c1 UNION ALL SELECT c2.*, 1, c2.visible_at FROM c2),`;
}

/** The claim order of the candidates `c` (queueCheckAndCandidates): the head's in send order, then the walk's. */
const CANDIDATE_RANK = 'row_number() OVER (ORDER BY c.part, c.ord, c.id)';

/**
 * ReceiveMessage on a standard queue, the whole of it in one autocommit statement, "now" being `now`
 * (STMT_NOW; `$9` with a test clock):
 *  - `k`: whether queue `$1` exists, whether it has room (fewer than `$5` messages in flight, counted
 *    by queues.inflightOf; NULL: no check), and the receive-count bound: `$3` when the RedrivePolicy's dead-letter queue named `$4`
 *    exists (and is not the queue itself), else none. This is semantics.usableDeadLetterQueue and
 *    claimThreshold, evaluated in SQL: looking the dead-letter queue up first would cost a round trip
 *    on every receive of a queue with a RedrivePolicy;
 *  - `w`, `c1`, `c2`, `c`: up to `$2` deliverable candidates in send order as far as a bounded look at
 *    the head of the queue sees, `FOR UPDATE SKIP LOCKED` (nothing when the queue is missing or full;
 *    see queueCheckAndCandidates);
 *  - `n`: the candidates numbered in claim order (CANDIDATE_RANK; `c1`/`c2` themselves cannot: FOR
 *    UPDATE excludes window functions);
 *  - `u`: claims the candidates that are neither past retention (`$7` ms) nor due for the dead-letter
 *    queue: receipt token number `rn` of `$8` (tokens made in JS, one per possible candidate),
 *    receive count + 1, first-receive time, deadline now + `$6`. It finds them by `ctid` (a TID scan
 *    instead of a primary-key descent per row): `c` holds their row locks, so the versions it returned
 *    are the current ones until this statement ends;
 *  - `s`: when fewer than `$2` were claimed, the next time a message may become deliverable (the
 *    statement's snapshot does not see its own claims, so their new deadline is added explicitly).
 * One row per candidate (claimed: its delivery columns; set aside: only `c_id`/`c_sent`), or one row
 * of NULLs; every row carries `s`. The caller deals with set-aside candidates in a transaction.
 *
 * The parameters are read through the one-row CTE `p`, never directly: the planner then cannot see
 * their values, so a custom plan is estimated exactly like the generic one, and PostgreSQL's plan
 * cache settles on the generic plan after its five trial executions. Used directly, `LIMIT $2`, the
 * NULL tests and the queue's own statistics make some custom plans look cheaper than the generic
 * plan, and the cache then plans this statement anew on every call — which costs several times
 * what executing it does.
 *
 * "now" is written out where it is compared (not read from a CTE) so that it stays a plan-time
 * estimable expression: the in-flight count must scan the index range `visible_at > now`, which the
 * planner only prefers over a sequential scan when it can tell from the statistics how small it is.
 */
export function receiveStandardSql(now: string): string {
  return `WITH p AS MATERIALIZED (
    SELECT $1::text AS qid, $2::integer AS lim, $3::integer AS max_rc, $4::text[] AS dlq, $5::integer AS max_inflight,
           $6::bigint AS vis, $7::bigint AS retention, $8::text[] AS tokens),
  ${queueCheckAndCandidates(now)}
  n AS (SELECT c.*, ${CANDIDATE_RANK} AS rn FROM c),
  u AS (
    UPDATE messages m
       SET ${claimSet(now, 'p.vis', 'p.tokens[n.rn]')}
      FROM n, k, p
     WHERE m.ctid = n.row_ref AND n.sent_at > ${now} - p.retention AND n.receive_count < k.max_rc
    RETURNING ${M_DELIVERY_COLS}),
  s AS MATERIALIZED (
    SELECT ${now} AS q_now, k.found AS q_found, k.room AS q_room,
           CASE WHEN (SELECT count(*) FROM u) < p.lim THEN
             LEAST((SELECT min(visible_at) FROM messages WHERE queue_id = p.qid AND visible_at > ${now}),
                   CASE WHEN p.vis > 0 AND EXISTS (SELECT 1 FROM u) THEN ${now} + p.vis END)
           END AS q_next
      FROM k, p)
  SELECT s.*, r.*
    FROM s LEFT JOIN (SELECT n.rn AS c_rank, n.id AS c_id, n.sent_at AS c_sent, u.* FROM n LEFT JOIN u ON u.id = n.id) r ON true
   ORDER BY r.c_rank`;
}

/**
 * Several standard-queue ReceiveMessage calls of one process on queue `$1`, combined (receive.ts,
 * receiveStandardMany): receiveStandardSql with one claim of `$2` = the sum of the calls' maximums,
 * the candidates handed out in claim order — call 1 takes ranks 1…max₁, call 2 the next max₂, and so
 * on, the candidates each would have met had they run one after the other (a claimed message's
 * deadline is in the future, so a later call never meets it: calls with visibility timeout 0 are not
 * combined) — up to the look at the head, which for the shared claim spans `$2` + STANDARD_HEAD_WINDOW
 * messages and may so find an older deliverable message than a lone call's narrower look would have. Per candidate rank `rn`: visibility timeout `$6[rn]` and receipt token `$8[rn]` (those of
 * the call that rank belongs to), and `$9[rn]`, the last rank of that call.
 *  - `$5`: the in-flight bound for the whole batch, computed in JS so that "room" means every call
 *    certainly had room one after the other (each call's maxInflight minus the ranks of the calls
 *    before it); no room: nothing is claimed and the caller runs the calls one by one;
 *  - `x`/`cut`: a candidate that must not be delivered (past retention, due for the dead-letter queue)
 *    makes its call the last one served here: candidates of later calls are left unclaimed (their
 *    locks end with the statement), because one after the other, that call's transaction (receiveTx)
 *    would delete or move the candidate and fill up before the next call ran;
 *  - `q_next`: the next-visible time without this statement's own claims, when fewer than `$2` were
 *    claimed (the caller adds each short call's claims and those of the calls before it).
 * One row per candidate with its rank `c_rn` (claimed: its delivery columns; otherwise only
 * `c_id`/`c_sent`), or one row of NULLs; every row carries `s`. Parameters through `p`, "now" written
 * out: see receiveStandardSql.
 */
export function receiveStandardManySql(now: string): string {
  return `WITH p AS MATERIALIZED (
    SELECT $1::text AS qid, $2::integer AS lim, $3::integer AS max_rc, $4::text[] AS dlq, $5::integer AS max_inflight,
           $6::bigint[] AS vis, $7::bigint AS retention, $8::text[] AS tokens, $9::integer[] AS ends),
  ${queueCheckAndCandidates(now)}
  x AS MATERIALIZED (
    SELECT c.*, ${CANDIDATE_RANK} AS rn,
           (c.sent_at > ${now} - p.retention AND c.receive_count < k.max_rc) AS ok
      FROM c, k, p),
  cut AS MATERIALIZED (SELECT min(p.ends[x.rn]) AS last FROM x, p WHERE NOT x.ok),
  u AS (
    UPDATE messages m
       SET ${claimSet(now, 'p.vis[x.rn]', 'p.tokens[x.rn]')}
      FROM x, p
     WHERE m.ctid = x.row_ref AND x.ok AND x.rn <= COALESCE((SELECT last FROM cut), p.lim)
    RETURNING ${M_DELIVERY_COLS}),
  s AS MATERIALIZED (
    SELECT ${now} AS q_now, k.found AS q_found, k.room AS q_room,
           CASE WHEN (SELECT count(*) FROM u) < p.lim THEN
             (SELECT min(visible_at) FROM messages WHERE queue_id = p.qid AND visible_at > ${now})
           END AS q_next
      FROM k, p)
  SELECT s.*, r.*
    FROM s LEFT JOIN (SELECT x.rn AS c_rn, x.id AS c_id, x.sent_at AS c_sent, u.* FROM x LEFT JOIN u ON u.id = x.id) r ON true
   ORDER BY r.c_rn`;
}

/**
 * Standard claim, one statement: lock up to `$3` deliverable candidates (oldest first by visibility
 * time: this transaction only fills up a receive whose one-statement claim met candidates it must not
 * deliver, so it has no look at the head) with SKIP LOCKED and claim those that are neither past retention (`sent_at <= $4`) nor due for the
 * dead-letter queue (`receive_count >= $5`), candidate k getting receipt token k of `$8`; the other
 * candidates come back unclaimed (still locked by this transaction) for the caller to delete or
 * dead-letter. `$6`: ids already handled by this receive (so a visibility-0 claim is not taken twice).
 */
export const CLAIM_STANDARD = `
    WITH c AS (
      SELECT id, visible_at, sent_at, receive_count FROM messages
       WHERE queue_id = $1 AND visible_at <= $2::bigint AND id <> ALL($6::bigint[])
       ORDER BY visible_at, id
       LIMIT $3
       FOR UPDATE SKIP LOCKED),
    n AS (SELECT c.*, row_number() OVER (ORDER BY c.visible_at, c.id) AS rn FROM c),
    u AS (
      UPDATE messages m
         SET ${claimSet('$2::bigint', '$7::bigint', '($8::text[])[n.rn]')}
        FROM n
       WHERE m.id = n.id AND n.sent_at > $4::bigint AND n.receive_count < $5
      RETURNING ${M_DELIVERY_COLS})
    SELECT c.id AS c_id, c.sent_at AS c_sent, u.*
      FROM c LEFT JOIN u ON u.id = c.id
     ORDER BY c.visible_at, c.id`;

/**
 * FIFO claim, one statement:
 *  1. `cand`: up to `$8` groups that look ready in this statement's snapshot (ready_at ≤ now: the
 *     head is deliverable), oldest first, skipping groups `$9` found locked by others in an earlier
 *     round;
 *  2. their deliverable prefixes in sequence order, checked against the messages themselves
 *     (semantics/fifo.ts: visible messages up to, not past, the group's first message that is in
 *     flight or delayed; messages this receive already took, `$6`, count as passed — so a stale
 *     ready_at never lets a receive skip an in-flight message), numbered group after group;
 *  3. `lk`: lock as many groups as the first `$3` of those need (`need`), walking the candidate
 *     groups in the same order with `FOR NO KEY UPDATE SKIP LOCKED` (groups.ts: the mode that does not
 *     conflict with the `FOR KEY SHARE` of sends appending to the group) and a LIMIT: a group another receiver
 *     holds is passed over and the next free one taken in this statement (locking only `need` made
 *     every concurrent receiver race for the same oldest group and retry: ~2.9 rounds per receive
 *     with 8 receivers, BENCHMARKS.md; locking every candidate group would make concurrent receivers
 *     find all groups locked while this one drains only the first). SKIP LOCKED never waits, so this
 *     order cannot deadlock. The lock re-checks ready_at on the newest row version; a needed group
 *     that was not locked is reported (`c_need`) and the caller's next round, if it still wants
 *     messages, skips it;
 *  4. claim the first `$3` messages of the groups actually locked, as in the standard claim (the k-th
 *     in claim order, `rn2`, gets receipt token k of `$10`).
 * Returns the needed and the locked groups so the caller can retry without the skipped ones and
 * recompute the rows of the ones it holds, and the *stale* candidates (`c_stale`): ready rows whose
 * head message is gone — a group a delete could not mark empty because a send was appending to it
 * (groups.ts, "Emptying"), which the caller recomputes so that it stops taking candidate places.
 */
export const CLAIM_FIFO = `
    WITH cand AS (
      SELECT f.group_id, f.ready_at, f.head_seq FROM fifo_groups f
       WHERE f.queue_id = $1 AND f.ready_at <= $2::bigint AND f.group_id <> ALL($9::text[])
       ORDER BY f.ready_at, f.head_seq
       LIMIT $8),
    m AS (
      SELECT cand.ready_at AS g_ready, cand.head_seq AS g_head, x.*
        FROM cand CROSS JOIN LATERAL (
          SELECT id, group_id, seq, visible_at, sent_at, receive_count FROM messages
           WHERE queue_id = $1 AND group_id = cand.group_id ORDER BY seq LIMIT $8) x),
    p AS (
      SELECT m.*, bool_and(m.visible_at <= $2::bigint OR m.id = ANY($6::bigint[]))
                    OVER (PARTITION BY m.group_id ORDER BY m.seq) AS ok
        FROM m),
    c AS (
      SELECT p.*, row_number() OVER (ORDER BY g_ready, g_head, group_id, seq) AS rn
        FROM p WHERE ok AND id <> ALL($6::bigint[])),
    need AS (SELECT DISTINCT group_id FROM c WHERE rn <= $3),
    lk AS (
      SELECT f.group_id FROM fifo_groups f
       WHERE f.queue_id = $1 AND f.group_id IN (SELECT group_id FROM c) AND f.ready_at <= $2::bigint
       ORDER BY f.ready_at, f.head_seq, f.group_id
       LIMIT (SELECT count(*) FROM need)
       FOR NO KEY UPDATE SKIP LOCKED),
    pick AS (
      SELECT * FROM (SELECT c.*, row_number() OVER (ORDER BY c.rn) AS rn2 FROM c WHERE c.group_id IN (SELECT group_id FROM lk)) z
       WHERE rn2 <= $3),
    u AS (
      UPDATE messages m
         SET ${claimSet('$2::bigint', '$7::bigint', '($10::text[])[pick.rn2]')}
        FROM pick
       WHERE m.id = pick.id AND pick.sent_at > $4::bigint AND pick.receive_count < $5
      RETURNING ${M_DELIVERY_COLS}),
    res AS (
      SELECT pick.rn2, pick.id AS c_id, pick.sent_at AS c_sent, pick.group_id AS c_group, u.*
        FROM pick LEFT JOIN u ON u.id = pick.id)
    SELECT (SELECT array_agg(group_id) FROM lk) AS c_groups, (SELECT array_agg(group_id) FROM need) AS c_need,
           (SELECT array_agg(cand.group_id) FROM cand WHERE NOT EXISTS (SELECT 1 FROM m WHERE m.group_id = cand.group_id AND m.seq = cand.head_seq))
             AS c_stale,
           res.*
      FROM (SELECT 1) one LEFT JOIN res ON true
     ORDER BY res.rn2`;

/**
 * Stale candidates of a FIFO claim (`c_stale`) that are still ready at `$3`, locked for a recompute
 * (`FOR NO KEY UPDATE SKIP LOCKED`: never waits, so the receive may take them in any order).
 */
export const Q_LOCK_STALE_GROUPS = `SELECT group_id FROM fifo_groups WHERE queue_id = $1 AND group_id = ANY($2::text[]) AND ready_at <= $3::bigint
              ORDER BY group_id FOR NO KEY UPDATE SKIP LOCKED`;

/** Messages in flight of queue `$1` at `$2` (OverLimit; see queues.inflightOf). */
export const Q_INFLIGHT_COUNT = `SELECT ${inflightOf('$1::text', '$2::bigint')} AS n`;

/** Candidates past retention, set aside by a claim (still locked by this transaction). */
export const Q_DELETE_EXPIRED = 'DELETE FROM messages WHERE id = ANY($1::bigint[])';

/**
 * Move the locked rows `$1` (in that order) to queue `$2`, a dead-letter queue: same message id, body,
 * attributes, sentAt, receive count and first-receive time; new row id; sequence numbers `$3` + k when
 * the DLQ is FIFO (`$3` NULL otherwise); visible at `$4`; DeadLetterQueueSourceArn `$5`. Returns, in
 * that order, each moved row's group, new sequence number, message id and old row id (`src_id`: its
 * reference in the source). The old and new rows are paired by message id, which is unique among the
 * moved rows (a message is in one queue at a time; a move task gives the copies it makes new ids).
 */
export const Q_DEAD_LETTER = `WITH d AS (DELETE FROM messages WHERE id = ANY($1::bigint[]) RETURNING *),
       o AS (SELECT d.*, array_position($1::bigint[], d.id) AS k FROM d),
       i AS (
         INSERT INTO messages (queue_id, message_id, seq, group_id, dedup_id, body, md5_body, attrs, md5_attrs, sys_attrs, md5_sys, sender_id,
                               sent_at, visible_at, received, receive_count, first_received_at, dl_source_arn)
         SELECT $2, message_id, CASE WHEN $3::bigint IS NULL THEN NULL ELSE $3::bigint + k END, group_id, dedup_id, body, md5_body, attrs,
                md5_attrs, sys_attrs, md5_sys, sender_id, sent_at, $4::bigint, false, receive_count, first_received_at, $5
           FROM o ORDER BY k
         RETURNING group_id, seq, message_id)
       SELECT i.group_id, i.seq, i.message_id, o.id AS src_id FROM i JOIN o ON o.message_id = i.message_id ORDER BY o.k`;

/** Remember a ReceiveRequestAttemptId's receipts (JSON `[{id, token}]`) until `$3`. */
export const Q_ATTEMPT_SAVE = `INSERT INTO receive_attempts (queue_id, attempt_id, expires_at, receipts) VALUES ($1, $2, $3, $4)
           ON CONFLICT (queue_id, attempt_id) DO UPDATE SET expires_at = excluded.expires_at, receipts = excluded.receipts`;
export const Q_ATTEMPT_GET = 'SELECT expires_at, receipts FROM receive_attempts WHERE queue_id = $1 AND attempt_id = $2';

/** The groups of messages `$2` of queue `$1` (before locking them, for a replay). */
export const Q_GROUPS_OF_MESSAGES = `SELECT DISTINCT group_id FROM messages WHERE id = ANY($2::bigint[]) AND ${IN_QUEUE}`;
/** Messages `$2` of queue `$1`, locked (replay). */
export const Q_MESSAGES_LOCK_ALL = `SELECT * FROM messages WHERE id = ANY($2::bigint[]) AND ${IN_QUEUE} ORDER BY id FOR UPDATE`;
/** A replay resets the deadlines of messages `$2` to `$3`. */
export const Q_MESSAGES_SET_VISIBLE = `UPDATE messages SET visible_at = $3 WHERE id = ANY($2::bigint[]) AND ${IN_QUEUE} RETURNING *`;

/** The next time a message of queue `$1` may become deliverable after `$2` (prepared: `ferry_next_fifo` / `ferry_next_standard`). */
export const Q_NEXT_FIFO = 'SELECT min(ready_at) AS t FROM fifo_groups WHERE queue_id = $1 AND ready_at > $2';
export const Q_NEXT_STANDARD = 'SELECT min(visible_at) AS t FROM messages WHERE queue_id = $1 AND visible_at > $2';
