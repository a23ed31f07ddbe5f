/**
 * SQS limits and defaults in one place (SQS Developer Guide, "Amazon SQS quotas"; API reference of
 * CreateQueue/SetQueueAttributes/ReceiveMessage, 2025–2026 revisions).
 */
export const LIMITS = {
  /** Queue names: 1–80 characters including the `.fifo` suffix. */
  queueNameMax: 80,
  /** Body + attributes; 1 MiB since August 2025 (was 256 KiB). */
  maxMessageSizeMax: 1_048_576,
  maxMessageSizeMin: 1024,
  /** Sum of all entries of a SendMessageBatch. */
  batchBytesMax: 1_048_576,
  batchEntriesMax: 10,
  batchIdMax: 80,
  messageAttributesMax: 10,
  attributeNameMax: 256,
  attributeTypeMax: 256,
  numberDigitsMax: 38,
  delaySecondsMax: 900,
  visibilityTimeoutMax: 43_200,
  waitTimeSecondsMax: 20,
  maxNumberOfMessagesMax: 10,
  /** Messages in flight per queue, standard and FIFO (FIFO rose from 20,000 in 2025). */
  inflightMax: 120_000,
  /** FIFO deduplication window and ReceiveRequestAttemptId window. */
  dedupWindowMs: 300_000,
  attemptWindowMs: 300_000,
  fifoIdMax: 128,
  listQueuesMax: 1000,
  tagsMax: 50,
  tagKeyMax: 128,
  tagValueMax: 256,
  redriveAllowSourcesMax: 10,
  moveRateMax: 500,
  /** ListMessageMoveTasks: default 1, at most 10. */
  moveTaskListDefault: 1,
  moveTaskListMax: 10,
  /** ListDeadLetterSourceQueues MaxResults: 1–1000. */
  dlqSourcesMax: 1000,
} as const;

/** Parse a non-negative decimal integer wire value (numbers arrive as numbers; be strict). */
export function isIntegerInRange(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}
