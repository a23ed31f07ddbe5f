/**
 * ChangeMessageVisibility: 0–43,200 s counted from now; the total since the receive may not exceed
 * 12 h (InvalidParameterValue "Total VisibilityTimeout for the message is beyond the limit [43200
 * seconds]"); a message not in flight is MessageNotInflight; 0 makes it deliverable at once.
 */
import * as M from '../errors/messages.js';
import { resolveQueue } from './common.js';
import { emitVisibilityChanged } from './events.js';
import { decodeFor, entryError } from './receipts.js';
import type { ActionHandler } from './types.js';
import { LIMITS } from './validation/limits.js';

/** The 12-hour cap of a message's visibility measured from the receive that issued the receipt. */
export const MAX_TOTAL_VISIBILITY_MS = LIMITS.visibilityTimeoutMax * 1000;

export const changeMessageVisibility: ActionHandler<'ChangeMessageVisibility'> = async (input, ctx) => {
  const v = input.VisibilityTimeout;
  if (v === undefined) throw M.missingParameter('VisibilityTimeout');
  if (!Number.isInteger(v) || v < 0 || v > LIMITS.visibilityTimeoutMax) throw M.visibilityTimeoutInvalid(v);
  const q = await resolveQueue(ctx, input.QueueUrl);
  const ref = decodeFor(ctx, q, input.ReceiptHandle);
  const [r] = await ctx.engine.visibilityChange({
    queueId: q.id,
    entries: [{ ...ref, visibilityTimeoutMs: v * 1000 }],
    maxTotalMs: MAX_TOTAL_VISIBILITY_MS,
  });
  if (r && !r.ok) throw entryError(r, q, input.ReceiptHandle, v);
  emitVisibilityChanged(ctx, q, [{ ref: ref.ref, visibilityTimeoutMs: v * 1000 }]);
  return {};
};
