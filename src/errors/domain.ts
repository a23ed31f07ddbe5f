/**
 * Errors raised by storage engines. They carry no SQS wire vocabulary; `toSqsError` (errors/map.ts)
 * is the one place that turns them into catalog errors. Engines translate their native database
 * errors into these at their own boundary.
 */
export type DomainErrorKind =
  /** The queue (by name or id) does not exist (or was deleted). */
  | 'QueueNotFound'
  /** queueCreate: the name was deleted less than `reuseDelayMs` ago. */
  | 'QueueDeletedRecently'
  /** queuePurge: the queue was purged less than `minIntervalMs` ago. */
  | 'PurgeInProgress'
  /** messageReceive: the queue has `maxInflight` or more messages in flight. */
  | 'OverLimit'
  /** A receipt does not name a message the queue has, or (FIFO) names an expired receive. */
  | 'ReceiptInvalid'
  /** visibilityChange: the message exists but is not in flight. */
  | 'MessageNotInflight'
  /** visibilityChange: the new deadline would be more than 12 h after the receive. */
  | 'VisibilityLimitExceeded'
  /** moveTaskStart: the source queue already has a RUNNING or CANCELLING task. */
  | 'MoveTaskActive'
  /** moveTaskCancel / moveTask lookup: no such task, or it is not RUNNING. */
  | 'MoveTaskNotFound'
  /** messageBrowse: the cursor is not one this engine handed out. */
  | 'InvalidCursor'
  /** messageImport: a message that cannot be stored as given (sequence numbers, groups). */
  | 'InvalidImport'
  /** The storage backend is unreachable or failing (transient). */
  | 'Unavailable';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message?: string,
  ) {
    super(message ?? kind);
    this.name = 'DomainError';
  }
}

export function isDomainError(e: unknown, kind?: DomainErrorKind): e is DomainError {
  return e instanceof DomainError && (kind === undefined || e.kind === kind);
}
