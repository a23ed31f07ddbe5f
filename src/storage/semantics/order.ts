/**
 * Standard-queue delivery order. AWS promises only "best-effort ordering": messages come roughly in
 * send order. What it does, and Ferry with it: a message that becomes deliverable again — its
 * visibility timeout expired or was set to 0, or its delay ended — takes its place in send order,
 * ahead of messages sent after it (LocalStack's AWS-validated test_inflight_message_requeue: a
 * message received with VisibilityTimeout 3 and then left to expire is returned again before one sent
 * 1.5 s after it).
 *
 * The memory engine keeps that order exactly (memory/model.ts: the ready messages by sequence). The
 * SQL engines find deliverable messages through an index by visibility time, where a returned message
 * sorts by the instant it became deliverable again, so each receive first looks at the head of the
 * queue in send order (its `messages_age` index by sent time) for deliverable messages, and only then
 * at the index by visibility time. That look is bounded — at most the receive's maximum plus
 * {@link STANDARD_HEAD_WINDOW} entries — so its cost does not grow with the messages in flight or
 * queued: when more than that many messages in flight (or delayed) sit at the head, the order falls back
 * to "by the time each became deliverable", which is still roughly oldest first.
 *
 * Send order is (sentAt, arrival) as for browsing (browse.ts). One difference remains between the
 * engines, outside what AWS defines: a message dead-lettered into a queue keeps its original sentAt, so
 * the SQL engines place it by that time, the memory engine by its arrival in the dead-letter queue.
 */

/** Entries beyond the receive's maximum that a SQL engine reads at the head of a standard queue (see the file header). */
export const STANDARD_HEAD_WINDOW = 100;

/** How many entries at the head of a standard queue a receive of `max` messages looks at in send order. */
export function headWindow(max: number): number {
  return max + STANDARD_HEAD_WINDOW;
}
