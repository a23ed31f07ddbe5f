/**
 * Message move task statements (StartMessageMoveTask & co.). States and transitions are decided in JS
 * (semantics/moveTasks.ts); the one rule the database enforces itself is "one active task per source"
 * (the partial unique index `move_tasks_one_active`, status RUNNING or CANCELLING: semantics.moveTaskActive),
 * because only the database sees the starts of every node.
 */

/**
 * Insert a new task (semantics.newMoveTask's record: `$1`…`$9` id, source ARN and id, destination ARN,
 * rate, status, toMove, moved, start); nothing when the source already has an active one.
 */
export const Q_TASK_INSERT = `INSERT INTO move_tasks (id, source_arn, source_queue_id, destination_arn, max_per_second, status, to_move, moved, started_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (source_queue_id) WHERE status IN ('RUNNING', 'CANCELLING') DO NOTHING
         RETURNING *`;

export const Q_TASK_GET = 'SELECT * FROM move_tasks WHERE id = $1';
export const Q_TASK_LOCK = 'SELECT * FROM move_tasks WHERE id = $1 FOR UPDATE';
/** A step's lock: a task another node is stepping is skipped, not waited for. */
export const Q_TASK_LOCK_SKIP = 'SELECT * FROM move_tasks WHERE id = $1 FOR UPDATE SKIP LOCKED';
export const Q_TASK_SET_STATUS = 'UPDATE move_tasks SET status = $2 WHERE id = $1 RETURNING *';
/** End of a step: new status, `$3` more moved, the failure reason when one is given. */
export const Q_TASK_FINISH_STEP =
  'UPDATE move_tasks SET status = $2, moved = moved + $3, failure_reason = COALESCE($4, failure_reason) WHERE id = $1 RETURNING *';
export const Q_TASKS_OF_SOURCE = 'SELECT * FROM move_tasks WHERE source_arn = $1 ORDER BY n DESC LIMIT $2';
export const Q_TASKS_ACTIVE = `SELECT * FROM move_tasks WHERE status IN ('RUNNING', 'CANCELLING') ORDER BY n`;

/** The next visible messages of source `$1` at `$2` sent after `$3` (retentionCutoff), up to `$4`, locked (skipping locked ones). */
export const Q_MOVE_CANDIDATES = `SELECT id, group_id, dl_source_arn FROM messages WHERE queue_id = $1 AND visible_at <= $2 AND sent_at > $3
            ORDER BY visible_at, id LIMIT $4 FOR UPDATE SKIP LOCKED`;

/**
 * Move the locked rows `$1` (in that order) to queue `$2` as new messages: message ids `$5[k]`,
 * sequence numbers `$3` + k when the destination is FIFO, counters reset, sent and visible at `$4`.
 */
export const Q_MOVE_MESSAGES = `WITH d AS (DELETE FROM messages WHERE id = ANY($1::bigint[]) RETURNING *),
           o AS (SELECT d.*, array_position($1::bigint[], d.id) AS k FROM d)
           INSERT INTO messages (queue_id, message_id, seq, group_id, dedup_id, body, md5_body, attrs, md5_attrs, sys_attrs, md5_sys, sender_id,
                                 sent_at, visible_at)
           SELECT $2, ($5::text[])[k], CASE WHEN $3::bigint IS NULL THEN NULL ELSE $3::bigint + k END, group_id, dedup_id, body, md5_body,
                  attrs, md5_attrs, sys_attrs, md5_sys, sender_id, $4::bigint, $4::bigint
             FROM o ORDER BY k
           RETURNING group_id, seq`;

/** Whether source `$1` still has a visible message at `$2` sent after `$3`. */
export const Q_SOURCE_HAS_MORE = 'SELECT 1 FROM messages WHERE queue_id = $1 AND visible_at <= $2 AND sent_at > $3 LIMIT 1';
