/** Statements of the housekeeping sweep: what time has made dead. */

/**
 * The queues grouped by their MessageRetentionPeriod attribute as stored (NULL: the default), each group's
 * ids as a JSON array (`fifo_ids`: its FIFO queues'): the sweep computes one cutoff per group
 * (semantics.retentionCutoff).
 */
export const SWEEP_RETENTION_GROUPS = `SELECT json_extract(attributes, '$.MessageRetentionPeriod') AS retention, json_group_array(id) AS ids,
    json_group_array(id) FILTER (WHERE fifo) AS fifo_ids
  FROM queues GROUP BY 1`;
/**
 * Messages past retention of the queues in a JSON array of ids (params: ids, their common cutoff, limit):
 * one `messages_age` probe per queue, in one statement — not one statement per queue.
 */
export const SWEEP_EXPIRED_MESSAGES = `SELECT m.id, m.payload_id, m.queue_id, m.group_id
  FROM json_each(?) AS q CROSS JOIN messages AS m INDEXED BY messages_age
  WHERE m.queue_id = q.value AND m.sent_at <= ? LIMIT ? + 0`;
export const SWEEP_DEDUP = 'DELETE FROM dedup WHERE expires_at <= ?';
export const SWEEP_ATTEMPTS = 'DELETE FROM receive_attempts WHERE expires_at <= ?';
export const SWEEP_TOMBSTONES = 'DELETE FROM queue_tombstones WHERE deleted_at <= ?';
