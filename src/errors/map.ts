/**
 * The one mapping from anything thrown below the action layer to a catalog error. Engines throw only
 * DomainError (no wire vocabulary); actions throw SqsError directly. Anything else is a bug and
 * becomes InternalFailure (500, Receiver) so clients retry instead of seeing a made-up code; the
 * original error rides along as the InternalFailure's `cause`, so the listener can log it.
 */
import { SqsError, sqsError } from './catalog.js';
import { DomainError } from './domain.js';
import * as M from './messages.js';

/** Map a thrown value to the SqsError to render. */
export function toSqsError(e: unknown): SqsError {
  if (e instanceof SqsError) return e;
  if (e instanceof DomainError) {
    switch (e.kind) {
      case 'QueueNotFound':
        return sqsError('QueueDoesNotExist');
      case 'QueueDeletedRecently':
        return sqsError('QueueDeletedRecently');
      case 'PurgeInProgress':
        return sqsError('PurgeQueueInProgress');
      case 'OverLimit':
        // AWS's in-flight limit answer (standard queues, short polls): OverLimit, 403 on Query.
        return sqsError('OverLimit');
      case 'ReceiptInvalid':
        return sqsError('ReceiptHandleIsInvalid');
      case 'MessageNotInflight':
        return sqsError('MessageNotInflight');
      case 'VisibilityLimitExceeded':
        // AWS answers a visibility past 12 h with InvalidParameterValue, not a dedicated code.
        return sqsError('InvalidParameterValue', 'Total VisibilityTimeout for the message is beyond the limit [43200 seconds]');
      case 'MoveTaskActive':
        return M.taskAlreadyRunning();
      case 'MoveTaskNotFound':
        return M.taskNotFound();
      case 'InvalidCursor':
        return sqsError('InvalidParameterValue', 'The cursor is not valid.');
      case 'InvalidImport':
        return sqsError('InvalidParameterValue', e.message);
      case 'Unavailable':
        return sqsError('ServiceUnavailable');
    }
  }
  return new SqsError('InternalFailure', undefined, { cause: e });
}

/**
 * The unexpected error behind a failed request, to be logged with its stack — or undefined when the
 * failure is an ordinary SQS error (a client mistake or a DomainError, which need no stack trace).
 * Anything that is not an SqsError is itself unexpected; an InternalFailure made by `toSqsError`
 * carries the original as its cause.
 */
export function unexpectedCause(err: unknown): { cause: unknown } | undefined {
  if (!(err instanceof SqsError)) return { cause: err };
  if (err.code === 'InternalFailure' && err.cause !== undefined) return { cause: err.cause };
  return undefined;
}
