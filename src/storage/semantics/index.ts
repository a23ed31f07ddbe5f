/**
 * Every SQS rule that does not depend on how data is stored, in one place. The memory, SQLite and
 * PostgreSQL engines call these functions (or pass their results into their statements); none keeps
 * a copy. A rule changes here, and the storage contract suite (test/storage-contract) proves every
 * engine follows it.
 *
 *  - time.ts       retention, delays, visibility deadlines, DeleteQueue / PurgeQueue cool-downs
 *  - redrive.ts    RedrivePolicy: parse, the maxReceiveCount threshold, the self-redrive guard, the source ARN
 *  - entries.ts    the outcome of each DeleteMessage / ChangeMessageVisibility entry
 *  - attempts.ts   FIFO ReceiveRequestAttemptId replay
 *  - browse.ts     peek and search: state classification, send order, cursors, bounded windows, matching
 *  - dedup.ts      FIFO deduplication keys and window
 *  - fifo.ts       sequence numbers, message-group readiness
 *  - gauges.ts     which messages CloudWatch's ApproximateAgeOfOldestMessage counts
 *  - limits.ts     in-flight cap (OverLimit)
 *  - moveTasks.ts  move-task states, transitions and FailureReason texts
 *  - order.ts      standard-queue delivery order (send order, a bounded look at the head)
 *  - queues.ts     attribute and tag merges, queue list order
 *  - tokens.ts     receipt tokens from the injected randomness
 *  - transfer.ts   export / import: the state an imported message gets, sequence-number checks
 */
export * from './attempts.js';
export * from './browse.js';
export * from './dedup.js';
export * from './entries.js';
export * from './fifo.js';
export * from './gauges.js';
export * from './limits.js';
export * from './moveTasks.js';
export * from './order.js';
export * from './queues.js';
export * from './redrive.js';
export * from './time.js';
export * from './tokens.js';
export * from './transfer.js';
