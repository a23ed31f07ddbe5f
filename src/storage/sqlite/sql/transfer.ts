/** `ferry export` / `ferry import` (storeExport, messageImport). */

/** A queue's messages with their payloads in send order (`ORDER BY` appended: seq for FIFO, id for standard), past retention left out. */
export const EXPORT_MESSAGES = `SELECT m.*, p.body, p.md5_body, p.attrs, p.md5_attrs, p.sys_attrs, p.md5_sys, p.sender_id, p.dedup_id
  FROM messages m JOIN payloads p ON p.id = m.payload_id
 WHERE m.queue_id = ? AND m.sent_at > ?`;
/** A queue's live dedup entries, by key. */
export const EXPORT_DEDUP = 'SELECT key, message_id, seq, expires_at FROM dedup WHERE queue_id = ? AND expires_at > ? ORDER BY key';
/** The last FIFO sequence counter handed out in a queue. */
export const QUEUE_SEQ_COUNTER = 'SELECT seq_counter FROM queues WHERE id = ?';
/** Raise a queue's sequence counter to at least `?` (imported sequence numbers). */
export const QUEUE_RAISE_SEQ = 'UPDATE queues SET seq_counter = max(seq_counter, ?) WHERE id = ?';
