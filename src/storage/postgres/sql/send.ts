/**
 * SendMessage(Batch) statements: the standard queue's single autocommit statement, and the steps of a
 * FIFO send transaction (reserve sequence numbers, look up dedup keys, insert everything at once).
 * Messages become deliverable at `now + GREATEST(delay, 0)` with the delay already rounded in JS: the
 * rule of semantics.deliverableAt, applied where "now" is known.
 */
import { DBNOW, QUEUE_COLS } from './common.js';
import { TOUCH_GROUPS_CTES } from './groups.js';
import { otherInterestSql } from './notify.js';

/**
 * SendMessage(Batch) on a standard queue, one autocommit statement: lock the queue row FOR KEY SHARE
 * (a concurrent DeleteQueue waits; a send never lands in a deleted queue), insert every message, NOTIFY
 * when `$13` (some message is deliverable now) and another process than `$16` long-polls the queue
 * (sql/notify.ts, wake interest). `found` = 0: the queue does not exist.
 */
export const Q_SEND_STANDARD = `WITH t AS MATERIALIZED (SELECT COALESCE($2::bigint, ${DBNOW}) AS now),
  q AS (SELECT id FROM queues WHERE id = $1 FOR KEY SHARE),
  ins AS (
    INSERT INTO messages (queue_id, message_id, group_id, body, md5_body, attrs, md5_attrs, sys_attrs, md5_sys, sender_id, sent_at, visible_at)
    SELECT q.id, x.mid, x.gid, x.body, x.md5, x.attrs, x.md5a, x.sys, x.md5s, x.sender, t.now, t.now + GREATEST(x.delay, 0)
      FROM q, t, unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[])
           WITH ORDINALITY AS x(mid, gid, body, md5, attrs, md5a, sys, md5s, sender, delay, k)
     ORDER BY x.k
    RETURNING 1)
  SELECT (SELECT count(*) FROM q) AS found, (SELECT count(*) FROM ins) AS n,
         CASE WHEN $13::boolean AND EXISTS (SELECT 1 FROM q) AND ${otherInterestSql('$1', '$16::text')} THEN pg_notify($14, $15) END AS notified`;

/** FIFO send, step 1: reserve `$2` sequence numbers of queue `$1` (locks its row) and read it. */
export const Q_FIFO_RESERVE = `UPDATE queues SET seq_counter = seq_counter + $2 WHERE id = $1 RETURNING seq_counter, ${QUEUE_COLS}`;

/**
 * FIFO send, step 2 (only when some message has a dedup id): the remembered entries of keys `$2` (no
 * key twice) of queue `$1`. Whether one still deduplicates is decided in JS (semantics.dedupHit): an
 * entry past its window that the sweep has not removed yet is returned too, and ignored.
 *
 * One primary-key probe per key, whatever the table holds: each key is looked up in a subquery of its
 * own (`OFFSET 0` keeps the planner from flattening it into a join), where `queue_id` and `key` are
 * both equalities on `dedup_pkey`. Written as `key = ANY($2)`, with statistics taken while the table
 * was small the planner priced one descent for the queue plus a filter (or a sequential scan) below one
 * descent per key, and every send then read the queue's whole dedup window (BENCHMARKS.md, issue 12
 * FIFO on one node: 3,240 entries read and filtered out for 20 keys a few seconds into the bench, and
 * growing with the window, up to five minutes of sends). Parameters through the one-row CTE `p` (see
 * sql/receive.receiveStandardSql): one generic plan per connection.
 */
export const Q_DEDUP_LOOKUP = `WITH p AS MATERIALIZED (SELECT $1::text AS qid, $2::text[] AS keys)
  SELECT d.key, d.message_id, d.seq, d.expires_at
    FROM p, unnest(p.keys) AS w(key)
    CROSS JOIN LATERAL (SELECT key, message_id, seq, expires_at FROM dedup WHERE queue_id = p.qid AND key = w.key OFFSET 0) d`;

/**
 * FIFO send, last step: insert the messages (`$3`…`$14`, sent at `$2`), their dedup entries (`$15`…
 * `$17`, kept `$18` ms) and the group rows (sql/groups.TOUCH_GROUPS_CTES, `$19`…`$21`: groups in
 * ascending order, each with its first new sequence number and ready time): `FOR KEY SHARE` on the
 * rows of non-empty groups, the first new message as head of a new or empty one.
 */
export const Q_FIFO_INSERT = `WITH ins AS (
    INSERT INTO messages (queue_id, message_id, seq, group_id, dedup_id, body, md5_body, attrs, md5_attrs, sys_attrs, md5_sys, sender_id, sent_at, visible_at)
    SELECT $1, x.mid, x.seq, x.gid, x.did, x.body, x.md5, x.attrs, x.md5a, x.sys, x.md5s, x.sender, $2::bigint, $2::bigint + GREATEST(x.delay, 0)
      FROM unnest($3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::bigint[])
           AS x(mid, seq, gid, did, body, md5, attrs, md5a, sys, md5s, sender, delay)
     ORDER BY x.seq
    RETURNING 1),
  dd AS (
    INSERT INTO dedup (queue_id, key, message_id, seq, expires_at)
    SELECT $1, k, mid, s, $2::bigint + $18::bigint FROM unnest($15::text[], $16::text[], $17::bigint[]) AS d(k, mid, s)
    ON CONFLICT (queue_id, key) DO UPDATE SET message_id = excluded.message_id, seq = excluded.seq, expires_at = excluded.expires_at
    RETURNING 1),
  ${TOUCH_GROUPS_CTES('$1', '$19', '$20', '$21')}
  SELECT (SELECT count(*) FROM ins) AS n, (SELECT count(*) FROM dd) AS d, (SELECT count(*) FROM l) AS l, (SELECT count(*) FROM g) AS g`;

/**
 * SendMessage(Batch) on standard queues, the calls of a group commit (groupCommit.ts) in one autocommit
 * statement: Q_SEND_STANDARD for many calls, possibly to several queues. Row k of `$2`…`$12` is a
 * message of queue `$2[k]`, in call order (the order in which one-after-the-other sends would have
 * inserted them: row ids follow it). The queues `$13` are locked FOR KEY SHARE (a concurrent DeleteQueue
 * waits) and only messages of queues that exist are inserted: `found` lists them, and a call whose queue
 * is missing gets QueueNotFound alone. `$14`/`$15`: a NOTIFY payload per queue to wake (one with a
 * message deliverable now), sent when that queue exists and another process than `$17` long-polls it
 * (sql/notify.ts, wake interest). They are read through the one-row CTE `w` so that the planner cannot
 * see how many there are: with their count known, a custom plan of the interest check looks cheaper
 * than the generic one and PostgreSQL plans the statement anew on every call (measured: 2,205 plans
 * for 2,200 calls, 0.19 ms each), as sql/receive.ts explains for the receive.
 */
export const Q_SEND_STANDARD_MANY = `WITH t AS MATERIALIZED (SELECT COALESCE($1::bigint, ${DBNOW}) AS now),
  q AS MATERIALIZED (SELECT id FROM queues WHERE id = ANY($13::text[]) FOR KEY SHARE),
  ins AS (
    INSERT INTO messages (queue_id, message_id, group_id, body, md5_body, attrs, md5_attrs, sys_attrs, md5_sys, sender_id, sent_at, visible_at)
    SELECT x.qid, x.mid, x.gid, x.body, x.md5, x.attrs, x.md5a, x.sys, x.md5s, x.sender, t.now, t.now + GREATEST(x.delay, 0)
      FROM t, unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[])
           WITH ORDINALITY AS x(qid, mid, gid, body, md5, attrs, md5a, sys, md5s, sender, delay, k)
     WHERE x.qid IN (SELECT id FROM q)
     ORDER BY x.k
    RETURNING 1),
  w AS MATERIALIZED (SELECT $14::text[] AS qids, $15::text[] AS payloads, $16::text AS chan, $17::text AS inst),
  nt AS (
    SELECT pg_notify(w.chan, x.payload) FROM w, unnest(w.qids, w.payloads) AS x(qid, payload)
     WHERE x.qid IN (SELECT id FROM q) AND ${otherInterestSql('x.qid', 'w.inst')})
  SELECT (SELECT array_agg(id) FROM q) AS found, (SELECT count(*) FROM ins) AS n, (SELECT count(*) FROM nt) AS notified`;
