/**
 * The CloudWatch gauge rules every engine's queueGauges applies (SQS developer guide, "Available
 * CloudWatch metrics for Amazon SQS").
 *
 * ApproximateAgeOfOldestMessage is "the age of the oldest non-deleted message in the queue", with two
 * documented exceptions:
 *  - standard queues: a message received three times or more and not deleted is moved to the back of
 *    the queue, and the metric "points at the second-oldest message that hasn't been received more than
 *    three times" — a poison-pill message is left out until it is consumed. FIFO queues do not reorder
 *    (a failed message blocks its group), so nothing is left out there;
 *  - dead-letter queues: AWS measures a moved message's age from the move. Ferry keeps a moved message's
 *    SentTimestamp (and retention clock) and has no move time per message, so it measures from the
 *    original send: a DLQ's age here is at least AWS's. A moved message keeps its receive count, which
 *    says nothing about receives in the DLQ, so the poison-pill rule does not leave it out.
 * Messages past retention are gone and never count; visible, in-flight and delayed messages all do.
 */

/** Receives after which a standard-queue message no longer counts for ApproximateAgeOfOldestMessage. */
export const POISON_PILL_RECEIVES = 3;

/** Whether a stored message (not past retention) counts for ApproximateAgeOfOldestMessage. */
export function countsForOldestAge(fifo: boolean, receiveCount: number, deadLettered: boolean): boolean {
  return fifo || deadLettered || receiveCount < POISON_PILL_RECEIVES;
}
