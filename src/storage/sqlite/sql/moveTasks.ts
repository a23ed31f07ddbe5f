/** Statements on message move tasks. */

export const TASK_ACTIVE_FOR_SOURCE = `SELECT 1 FROM move_tasks WHERE source_queue_id = ? AND status IN ('RUNNING', 'CANCELLING') LIMIT 1`;
export const TASK_INSERT = `INSERT INTO move_tasks (id, source_arn, source_queue_id, destination_arn, max_per_second, status, to_move, moved, started_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;
export const TASK_BY_ID = 'SELECT * FROM move_tasks WHERE id = ?';
export const TASK_SET_STATUS = 'UPDATE move_tasks SET status = ? WHERE id = ?';
export const TASKS_OF_SOURCE = 'SELECT * FROM move_tasks WHERE source_arn = ? ORDER BY n DESC LIMIT ? + 0';
export const TASKS_ACTIVE = `SELECT * FROM move_tasks WHERE status IN ('RUNNING', 'CANCELLING') ORDER BY n`;
/** The end of a step: new status, moved += n, a failure reason when one is given. */
export const TASK_FINISH_STEP = 'UPDATE move_tasks SET status = ?, moved = moved + ?, failure_reason = COALESCE(?, failure_reason) WHERE id = ?';
/** The next visible, unexpired messages of the source, in receive order. */
export const TASK_SOURCE_MESSAGES = `SELECT * FROM messages INDEXED BY messages_ready WHERE queue_id = ? AND visible_at <= ? AND sent_at > ?
          ORDER BY visible_at, id LIMIT ? + 0`;
export const TASK_SOURCE_HAS_MORE = 'SELECT 1 FROM messages INDEXED BY messages_ready WHERE queue_id = ? AND visible_at <= ? AND sent_at > ? LIMIT 1';
