/** Statements of the housekeeping sweep: what time has made dead. */

/** Messages of a queue past retention (params: queue id, cutoff, limit). */
export const SWEEP_EXPIRED_MESSAGES =
  'SELECT id, payload_id, group_id FROM messages INDEXED BY messages_age WHERE queue_id = ? AND sent_at <= ? LIMIT ?';
export const SWEEP_DEDUP = 'DELETE FROM dedup WHERE expires_at <= ?';
export const SWEEP_ATTEMPTS = 'DELETE FROM receive_attempts WHERE expires_at <= ?';
export const SWEEP_TOMBSTONES = 'DELETE FROM queue_tombstones WHERE deleted_at <= ?';
