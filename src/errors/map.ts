/**
 * The one mapping from anything thrown below the action layer to a catalog error. Engines throw only
 * DomainError (no wire vocabulary); actions throw SqsError directly. Anything else is a bug and
 * becomes InternalFailure (500, Receiver) so clients retry instead of seeing a made-up code.
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
      case 'Unavailable':
        return sqsError('ServiceUnavailable');
    }
  }
  return sqsError('InternalFailure');
}
