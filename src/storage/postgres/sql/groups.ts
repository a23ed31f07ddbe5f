/** FIFO group rows (`fifo_groups`, the locks of message groups): lock, touch, recompute. See groups.ts. */

/**
 * Lock group rows `$2` of queue `$1` for a change (blocking, ascending id — the one lock order). `FOR NO
 * KEY UPDATE`: the mode of the recomputing UPDATE itself, so the sends' `FOR KEY SHARE` (Q_TOUCH_GROUPS)
 * does not wait for it, nor it for them.
 */
export const Q_LOCK_GROUPS = 'SELECT 1 FROM fifo_groups WHERE queue_id = $1 AND group_id = ANY($2::text[]) ORDER BY group_id FOR NO KEY UPDATE';

/**
 * The group part of a FIFO send (also in sql/send.Q_FIFO_INSERT), for groups `$2` (ascending) of queue
 * `$1`, each getting messages whose first has sequence number `$3[i]`, deliverable at `$4[i]`:
 *  - `l`: every existing row of those groups locked `FOR KEY SHARE` — a shared lock that conflicts with
 *    neither the receives', deletes' and visibility changes' `FOR NO KEY UPDATE` nor other sends, only
 *    with `FOR UPDATE`, which is what a transaction must hold to mark a group empty or drop its row
 *    (groups.ts): while it is held, the group stays non-empty. `l` returns each row's newest version
 *    (after waiting for an emptying transaction, if one holds the row);
 *  - `g`: the rows whose state changes — a group with no row (new, or dropped by the sweep) or an empty
 *    row — get this send's first message as their head (an INSERT, or the UPDATE of ON CONFLICT, which
 *    locks the row exclusively until commit). A non-empty row is left as it is: an append changes neither
 *    head nor ready_at. (`WHERE fifo_groups.head_seq IS NULL`: a non-empty row is never overwritten.)
 * `l` is read through a hashed NOT IN, so it has locked every row before `g` writes one; both go in
 * ascending group order.
 */
export const TOUCH_GROUPS_CTES = (q: string, gs: string, hs: string, ra: string): string => `l AS (
    SELECT group_id, head_seq FROM fifo_groups WHERE queue_id = ${q} AND group_id = ANY(${gs}::text[]) ORDER BY group_id FOR KEY SHARE),
  g AS (
    INSERT INTO fifo_groups (queue_id, group_id, head_seq, ready_at)
    SELECT ${q}, h.gid, h.hs, h.ra FROM unnest(${gs}::text[], ${hs}::bigint[], ${ra}::bigint[]) AS h(gid, hs, ra)
     WHERE h.gid NOT IN (SELECT group_id FROM l WHERE head_seq IS NOT NULL)
     ORDER BY h.gid
    ON CONFLICT (queue_id, group_id) DO UPDATE SET head_seq = excluded.head_seq, ready_at = excluded.ready_at
       WHERE fifo_groups.head_seq IS NULL
    RETURNING 1)`;

/** TOUCH_GROUPS_CTES on its own (dead-letter moves and move tasks into a FIFO queue). */
export const Q_TOUCH_GROUPS = `WITH ${TOUCH_GROUPS_CTES('$1', '$2', '$3', '$4')}
  SELECT (SELECT count(*) FROM l) AS l, (SELECT count(*) FROM g) AS g`;

/**
 * Recompute group rows `$2` of queue `$1` from their messages (the caller holds their locks): head =
 * lowest sequence; ready_at = head.visible_at — semantics.groupReadyAt (an in-flight head blocks the
 * group until its deadline; later messages in flight do not), in SQL because the head is found there.
 * A group with messages gets its row (created if missing). A group without messages in this
 * statement's snapshot: when `$3` (the caller holds the row `FOR UPDATE`, so no send is appending to
 * it) its row is marked empty (head_seq and ready_at NULL); otherwise it is left as it is. Returns every
 * group: ready_at, or NULL for one without messages.
 *
 * Parameters through the one-row CTE `p` (see sql/receive.receiveStandardSql): used directly, every
 * custom plan looked cheaper than the generic one and PostgreSQL planned this statement anew on every
 * call (pg_stat_statements: 828 plans for 818 calls, planning 2.6× its execution time; BENCHMARKS.md,
 * issue 12 FIFO on one node).
 */
export const Q_REFRESH_GROUPS = `WITH p AS MATERIALIZED (SELECT $1::text AS qid, $2::text[] AS groups, $3::boolean AS may_empty),
       gs AS (SELECT unnest(p.groups) AS group_id FROM p),
       calc AS (
         SELECT gs.group_id, h.seq AS head_seq, h.visible_at AS head_vis
           FROM gs LEFT JOIN LATERAL (
             SELECT seq, visible_at FROM messages m WHERE m.queue_id = (SELECT qid FROM p) AND m.group_id = gs.group_id ORDER BY seq LIMIT 1
           ) h ON true),
       e AS (UPDATE fifo_groups f SET head_seq = NULL, ready_at = NULL FROM calc, p
              WHERE p.may_empty AND f.queue_id = p.qid AND f.group_id = calc.group_id AND calc.head_seq IS NULL AND f.head_seq IS NOT NULL
             RETURNING 1),
       up AS (INSERT INTO fifo_groups (queue_id, group_id, head_seq, ready_at)
              SELECT p.qid, calc.group_id, calc.head_seq, calc.head_vis FROM calc, p WHERE calc.head_seq IS NOT NULL
              ON CONFLICT (queue_id, group_id) DO UPDATE SET head_seq = excluded.head_seq, ready_at = excluded.ready_at
              RETURNING group_id, ready_at)
       SELECT group_id, ready_at FROM up
       UNION ALL SELECT group_id, NULL FROM calc WHERE head_seq IS NULL`;

/**
 * Groups `$2` of queue `$1` that a recompute found without messages (the caller holds their rows `FOR
 * NO KEY UPDATE`): `l` takes `FOR UPDATE` on those no send holds (`SKIP LOCKED`: never waits), which
 * the caller then recomputes again, in a statement of its own, and may mark empty. A row a send holds
 * (`FOR KEY SHARE`) is getting messages that this transaction cannot see yet: it is not marked empty
 * but made ready at `$3` at the latest (its old head is gone), so the first receive after that send's
 * commit finds the new messages and recomputes the row.
 */
export const Q_LOCK_EMPTIED = `WITH l AS (
         SELECT group_id FROM fifo_groups WHERE queue_id = $1 AND group_id = ANY($2::text[]) ORDER BY group_id FOR UPDATE SKIP LOCKED),
       s AS (UPDATE fifo_groups f SET ready_at = LEAST(f.ready_at, $3::bigint)
              WHERE f.queue_id = $1 AND f.group_id = ANY($2::text[]) AND f.group_id NOT IN (SELECT group_id FROM l) AND f.head_seq IS NOT NULL
             RETURNING 1)
       SELECT (SELECT array_agg(group_id) FROM l) AS locked, (SELECT count(*) FROM s) AS held`;
