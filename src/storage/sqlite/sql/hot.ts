/**
 * The hot statements of the SQLite engine: the receive walks, the FIFO group lookups, the counts. They
 * are named in one table so diagnostics() can show their query plans (a test proves each stays an index
 * seek plus a bounded range: O(log n) whatever the queue depth; see migrations.ts for the indexes).
 */

/**
 * The columns of a receive candidate: the message row and its payload, joined so a delivered message
 * costs no separate payload lookup. Read in raw mode (arrays) and turned into objects by
 * `candidateRow` (rows.ts): better-sqlite3 builds a row object property by property through the V8 API,
 * measured at ~5 µs per 22-column row against ~2 µs for the same row as an array.
 */
export const CANDIDATE_COLUMNS = `m.id, m.queue_id, m.payload_id, m.message_id, m.seq, m.group_id, m.sent_at, m.visible_at, m.received,
          m.receipt_token, m.received_at, m.receive_count, m.first_received_at, m.dl_source_arn,
          p.body, p.md5_body, p.attrs, p.md5_attrs, p.sys_attrs, p.md5_sys, p.sender_id, p.dedup_id`;

/**
 * The hot statements, named so diagnostics() can show their plans. Each is an index seek plus a
 * bounded range: O(log n) whatever the queue depth (see migrations.ts for the indexes).
 */
export const SQL = {
  /**
   * Standard receive, the look at the head: the ids of up to `?5` deliverable messages among the queue's
   * oldest `?3` unexpired ones (sent_at > `?2`) in send order. A covering range of `messages_age` (the
   * rowid is in every index), read lazily: it stops at the `?5`-th deliverable entry or after `?3`
   * entries, whichever comes first. See receive.ts receiveStandard and semantics/order.ts.
   */
  standardHead: `SELECT w_id FROM (SELECT id AS w_id, visible_at AS w_vis FROM messages INDEXED BY messages_age
            WHERE queue_id = ? AND sent_at > ? ORDER BY sent_at LIMIT ? + 0)
          WHERE w_vis <= ? LIMIT ? + 0`,
  /** One receive candidate by row id (a message the look at the head found). */
  candidateById: `SELECT ${CANDIDATE_COLUMNS} FROM messages m JOIN payloads p ON p.id = m.payload_id WHERE m.id = ?`,
  /** Standard receive: deliverable messages after a (visible_at, id) cursor, oldest first. */
  standardCandidates: `SELECT ${CANDIDATE_COLUMNS} FROM messages m INDEXED BY messages_ready
          JOIN payloads p ON p.id = m.payload_id
          WHERE m.queue_id = ? AND m.visible_at <= ? AND (m.visible_at > ? OR (m.visible_at = ? AND m.id > ?))
          ORDER BY m.visible_at, m.id LIMIT ? + 0`,
  /** FIFO receive: groups that can deliver now, after a (ready_at, head_seq) cursor. */
  fifoCandidates: `SELECT group_id, ready_at, head_seq FROM fifo_groups
          WHERE queue_id = ? AND ready_at <= ? AND (ready_at > ? OR (ready_at = ? AND head_seq > ?))
          ORDER BY ready_at, head_seq LIMIT ? + 0`,
  /** First message (lowest sequence) of a FIFO group. */
  groupHead: 'SELECT seq, visible_at FROM messages WHERE queue_id = ? AND group_id = ? ORDER BY seq LIMIT 1',
  /** A group's messages in order after a sequence cursor. */
  groupMessages: `SELECT ${CANDIDATE_COLUMNS} FROM messages m JOIN payloads p ON p.id = m.payload_id
          WHERE m.queue_id = ? AND m.group_id = ? AND m.seq > ? ORDER BY m.seq LIMIT ? + 0`,
  /** ApproximateNumberOf… counts from the covering index messages_age. */
  stats: `SELECT COALESCE(SUM(visible_at <= @now), 0) AS visible,
              COALESCE(SUM(visible_at > @now AND received = 1), 0) AS inflight,
              COALESCE(SUM(visible_at > @now AND received = 0), 0) AS delayed
         FROM messages INDEXED BY messages_age
        WHERE queue_id = @q AND sent_at > @cutoff`,
  /** In-flight count for OverLimit, capped at the limit so it never scans more than that. */
  inflightCount: `SELECT COUNT(*) AS n FROM (SELECT 1 FROM messages INDEXED BY messages_ready
            WHERE queue_id = ? AND visible_at > ? AND received = 1 LIMIT ? + 0)`,
  nextVisibleStandard: 'SELECT MIN(visible_at) AS t FROM messages WHERE queue_id = ? AND visible_at > ?',
  nextVisibleFifo: 'SELECT MIN(ready_at) AS t FROM fifo_groups WHERE queue_id = ? AND ready_at > ?',
} as const;
