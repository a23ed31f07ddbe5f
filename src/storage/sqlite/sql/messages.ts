/**
 * Statements on messages, payloads, FIFO group rows, dedup entries and receive attempts, outside the
 * named hot table of hot.ts.
 */

// ---- send ----
export const PAYLOAD_INSERT = `INSERT INTO payloads (body, md5_body, attrs, md5_attrs, sys_attrs, md5_sys, sender_id, dedup_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;
/** Rows one MESSAGE_INSERT_ROWS statement inserts at most (a SendMessageBatch's 10). */
export const MESSAGE_INSERT_MAX_ROWS = 10;
/**
 * New messages, never received: `n` rows (1 ≤ n ≤ MESSAGE_INSERT_MAX_ROWS; index n), 7 parameters each,
 * so that a send call is one statement instead of one per message. Rows get their ids in VALUES order,
 * as n single inserts would.
 */
export const MESSAGE_INSERT_ROWS: readonly string[] = Array.from({ length: MESSAGE_INSERT_MAX_ROWS + 1 }, (_, n) =>
  n === 0
    ? ''
    : `INSERT INTO messages (queue_id, payload_id, message_id, seq, group_id, sent_at, visible_at)
           VALUES ${Array.from({ length: n }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
);
/** One new message (a move task's copy): MESSAGE_INSERT_ROWS of one row. */
export const MESSAGE_INSERT = MESSAGE_INSERT_ROWS[1]!;
export const DEDUP_GET = 'SELECT message_id, seq, expires_at FROM dedup WHERE queue_id = ? AND key = ?';
export const DEDUP_PUT = `INSERT INTO dedup (queue_id, key, message_id, seq, expires_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (queue_id, key) DO UPDATE SET message_id = excluded.message_id, seq = excluded.seq,
               expires_at = excluded.expires_at`;

// ---- receive ----
/** Claim one message (no RETURNING: receive.ts computes the new values itself). */
export const MESSAGE_CLAIM = `UPDATE messages SET received = 1, receipt_token = ?, received_at = ?, receive_count = receive_count + 1,
              first_received_at = COALESCE(first_received_at, ?), visible_at = ?
        WHERE id = ?`;
/** A dead-letter move: a new row in the DLQ pointing at the same payload, keeping counts and times. */
export const MESSAGE_DEAD_LETTER = `INSERT INTO messages (queue_id, payload_id, message_id, seq, group_id, sent_at, visible_at, received,
                             receive_count, first_received_at, dl_source_arn)
       VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`;
export const PAYLOAD_BY_ID = 'SELECT * FROM payloads WHERE id = ?';
export const ATTEMPT_GET = 'SELECT expires_at, receipts FROM receive_attempts WHERE queue_id = ? AND attempt_id = ?';
export const ATTEMPT_PUT = `INSERT INTO receive_attempts (queue_id, attempt_id, expires_at, receipts) VALUES (?, ?, ?, ?)
           ON CONFLICT (queue_id, attempt_id) DO UPDATE SET expires_at = excluded.expires_at, receipts = excluded.receipts`;
/** An attempt replay resets the deadline and returns the row to rebuild the delivery. */
export const MESSAGE_REPLAY_VISIBILITY = 'UPDATE messages SET visible_at = ? WHERE id = ? RETURNING *';

// ---- delete and visibility ----
export const MESSAGE_BY_REF = 'SELECT * FROM messages WHERE id = ? AND queue_id = ?';
export const MESSAGE_DELETE = 'DELETE FROM messages WHERE id = ?';
export const PAYLOAD_DELETE = 'DELETE FROM payloads WHERE id = ?';
/** Standard DeleteMessage: any receipt of a message that exists deletes it. */
export const MESSAGE_DELETE_STANDARD = 'DELETE FROM messages WHERE id = ? AND queue_id = ? RETURNING payload_id';
/**
 * FIFO DeleteMessage: only the current receipt of a message still in flight (semantics deleteEntry,
 * applied in the WHERE clause: see ack.ts).
 */
export const MESSAGE_DELETE_FIFO = `DELETE FROM messages
                  WHERE id = ? AND queue_id = ? AND receipt_token = ? AND received = 1 AND visible_at > ?
                  RETURNING payload_id, group_id`;
export const MESSAGE_SET_VISIBLE_AT = 'UPDATE messages SET visible_at = ? WHERE id = ?';

// ---- FIFO group rows ----
export const GROUP_DELETE = 'DELETE FROM fifo_groups WHERE queue_id = ? AND group_id = ?';
export const GROUP_UPSERT = `INSERT INTO fifo_groups (queue_id, group_id, head_seq, ready_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (queue_id, group_id) DO UPDATE SET head_seq = excluded.head_seq, ready_at = excluded.ready_at`;
export const GROUP_EXISTS = 'SELECT 1 FROM fifo_groups WHERE queue_id = ? AND group_id = ?';
