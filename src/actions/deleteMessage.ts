/**
 * DeleteMessage. Standard queues accept any receipt ever issued for a message that still exists (and
 * a message already gone is a silent success); FIFO queues only the current, unexpired receipt.
 */
import { resolveQueue } from './common.js';
import { emitDeleted } from './events.js';
import { decodeFor, entryError } from './receipts.js';
import type { ActionHandler } from './types.js';

export const deleteMessage: ActionHandler<'DeleteMessage'> = async (input, ctx) => {
  const q = await resolveQueue(ctx, input.QueueUrl);
  const ref = decodeFor(ctx, q, input.ReceiptHandle);
  const [r] = await ctx.engine.messageDelete({ queueId: q.id, receipts: [ref] });
  if (r && !r.ok) throw entryError(r, q, input.ReceiptHandle);
  emitDeleted(ctx, q, [ref.ref]);
  return {};
};
