/**
 * queueGauges: every queue's CloudWatch gauges in one statement (run off the event loop, see
 * gauges.ts). `@queues` is a JSON array of `[id, name, fifo, cutoff]` (cutoff: semantics.retentionCutoff),
 * `@now` the instant, `@pill` semantics.POISON_PILL_RECEIVES. Per queue, each figure is an index range:
 *  - counts by state: COUNT(*) over `messages_ready` ranges (covering: the entries are stepped over,
 *    no column is decoded — measured ~3× cheaper than summing expressions over `messages_age`), minus
 *    the messages past retention not swept yet (a `messages_age` range on `sent_at ≤ cutoff`, normally
 *    empty: one seek);
 *  - the oldest message counted (semantics.countsForOldestAge): the first `messages_age` entry after the
 *    cutoff whose row passes the poison-pill test (rows are read only for standard queues, and only
 *    until the first that counts);
 *  - groups with messages in flight: the in-flight range of `messages_ready` (deadline in the future,
 *    received), whose rows are read for their group id (only the messages in flight are read).
 */
export const GAUGES_ALL = `WITH q(id, name, fifo, cutoff) AS (
    SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(@queues))
  SELECT q.id, q.name, q.fifo,
    (SELECT COUNT(*) FROM messages INDEXED BY messages_ready WHERE queue_id = q.id AND visible_at <= @now) AS visible,
    (SELECT COUNT(*) FROM messages INDEXED BY messages_ready WHERE queue_id = q.id AND visible_at > @now AND received = 1) AS inflight,
    (SELECT COUNT(*) FROM messages INDEXED BY messages_ready WHERE queue_id = q.id AND visible_at > @now AND received = 0) AS delayed,
    (SELECT COUNT(*) FROM messages INDEXED BY messages_age WHERE queue_id = q.id AND sent_at <= q.cutoff AND visible_at <= @now) AS x_visible,
    (SELECT COUNT(*) FROM messages INDEXED BY messages_age
      WHERE queue_id = q.id AND sent_at <= q.cutoff AND visible_at > @now AND received = 1) AS x_inflight,
    (SELECT COUNT(*) FROM messages INDEXED BY messages_age
      WHERE queue_id = q.id AND sent_at <= q.cutoff AND visible_at > @now AND received = 0) AS x_delayed,
    (SELECT sent_at FROM messages INDEXED BY messages_age
      WHERE queue_id = q.id AND sent_at > q.cutoff AND (q.fifo OR receive_count < @pill OR dl_source_arn IS NOT NULL)
      ORDER BY sent_at LIMIT 1) AS oldest,
    (SELECT COUNT(DISTINCT group_id) FROM messages INDEXED BY messages_ready
      WHERE queue_id = q.id AND visible_at > @now AND received = 1 AND group_id IS NOT NULL AND sent_at > q.cutoff) AS groups
  FROM q`;

/** The queues queueGauges reports (their retention comes from the attributes, in JS). */
export const GAUGES_QUEUES = 'SELECT id, account_id, name, fifo, attributes FROM queues';
