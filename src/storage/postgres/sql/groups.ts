/** FIFO group rows (`fifo_groups`, the locks of message groups): lock, touch, recompute. See groups.ts. */

/** Lock group rows `$2` of queue `$1` (blocking, ascending id — the one lock order). */
export const Q_LOCK_GROUPS = 'SELECT 1 FROM fifo_groups WHERE queue_id = $1 AND group_id = ANY($2::text[]) ORDER BY group_id FOR UPDATE';

/**
 * Take the lock of groups `$2` (ascending) of queue `$1`, creating a missing row with head `$3[i]`
 * ready at `$4[i]`; an existing row is left as it is, but locked by the no-op update.
 */
export const Q_TOUCH_GROUPS = `INSERT INTO fifo_groups (queue_id, group_id, head_seq, ready_at)
       SELECT $1, g, s, r FROM unnest($2::text[], $3::bigint[], $4::bigint[]) AS x(g, s, r) ORDER BY g
       ON CONFLICT (queue_id, group_id) DO UPDATE SET head_seq = fifo_groups.head_seq`;

/**
 * Recompute group rows `$2` of queue `$1` from their messages: head = lowest sequence; ready_at =
 * head.visible_at — semantics.groupReadyAt (an in-flight head blocks the group until its deadline;
 * later messages in flight do not), in SQL because the head is found there; empty groups are deleted.
 * Returns ready_at of each remaining group.
 */
export const Q_REFRESH_GROUPS = `WITH gs AS (SELECT unnest($2::text[]) AS group_id),
       calc AS (
         SELECT gs.group_id, h.seq AS head_seq, h.visible_at AS head_vis
           FROM gs LEFT JOIN LATERAL (
             SELECT seq, visible_at FROM messages m WHERE m.queue_id = $1 AND m.group_id = gs.group_id ORDER BY seq LIMIT 1
           ) h ON true),
       del AS (DELETE FROM fifo_groups f USING calc
                WHERE f.queue_id = $1 AND f.group_id = calc.group_id AND calc.head_seq IS NULL),
       up AS (INSERT INTO fifo_groups (queue_id, group_id, head_seq, ready_at)
              SELECT $1, group_id, head_seq, head_vis FROM calc WHERE head_seq IS NOT NULL
              ON CONFLICT (queue_id, group_id) DO UPDATE SET head_seq = excluded.head_seq, ready_at = excluded.ready_at
              RETURNING group_id, ready_at)
       SELECT group_id, ready_at FROM up`;
