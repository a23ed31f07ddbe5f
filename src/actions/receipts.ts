/**
 * Receipt handles in DeleteMessage(+Batch) and ChangeMessageVisibility(+Batch): verification and the
 * AWS errors for each engine outcome.
 */
import type { SqsError } from '../errors/catalog.js';
import * as M from '../errors/messages.js';
import type { EntryResult, QueueRecord, ReceiptRef } from '../storage/engine.js';
import type { ActionContext } from './types.js';

/**
 * Verify a handle's MAC and that it belongs to this queue incarnation. A forged, tampered or foreign
 * handle (another queue, or a deleted and re-created queue of the same name) is ReceiptHandleIsInvalid
 * 'The input receipt handle "X" is not a valid receipt handle.'
 */
export function decodeFor(ctx: ActionContext, q: QueueRecord, handle: string | undefined): ReceiptRef {
  if (handle === undefined || handle === '') throw M.missingParameter('ReceiptHandle');
  const d = ctx.services.decodeReceipt(handle);
  if (!d || d.queueId !== q.id) throw M.receiptHandleInvalid(handle);
  return { ref: d.ref, receiptToken: d.receiptToken };
}

/**
 * The AWS error for a failed engine entry (`visibility` is given for ChangeMessageVisibility(+Batch)).
 * ReceiptInvalid on a FIFO queue is an expired handle (recorded: InvalidParameterValue "…Reason: The
 * receipt handle has expired."). On a standard queue a well-formed handle whose message is gone is
 * InvalidParameterValue "…Reason: Message does not exist or is not available for visibility timeout
 * change." for ChangeMessageVisibility (recorded: test_change_visibility_on_deleted_message_raises_
 * invalid_parameter_value) and ReceiptHandleIsInvalid otherwise. Visibility beyond 12 h from the
 * receive is InvalidParameterValue.
 */
export function entryError(r: Exclude<EntryResult, { ok: true }>, q: QueueRecord, handle: string, visibility?: number): SqsError {
  switch (r.error) {
    case 'ReceiptInvalid':
      if (q.fifo) return M.receiptHandleExpired(handle);
      return visibility !== undefined ? M.visibilityChangeUnavailable(handle) : M.receiptHandleInvalid(handle);
    case 'MessageNotInflight':
      return M.messageNotInflight();
    case 'VisibilityLimitExceeded':
      return M.visibilityLimitExceeded(visibility ?? '');
  }
}
