/**
 * DeleteMessageBatch: request-level batch rules, then per-entry outcomes — an invalid receipt fails
 * only its entry (ReceiptHandleIsInvalid in `Failed`, SenderFault=true, HTTP 200).
 */
import type { ReceiptRef } from '../storage/engine.js';
import { failedEntry, resolveQueue, validateBatch } from './common.js';
import { emitDeleted } from './events.js';
import { decodeFor, entryError } from './receipts.js';
import type { ActionHandler, BatchIdEntry, BatchResultErrorEntry } from './types.js';

export const deleteMessageBatch: ActionHandler<'DeleteMessageBatch'> = async (input, ctx) => {
  const q = await resolveQueue(ctx, input.QueueUrl);
  validateBatch(input.Entries, 'DeleteMessageBatch');
  const failed: BatchResultErrorEntry[] = [];
  const valid: Array<{ id: string; handle: string; ref: ReceiptRef }> = [];
  for (const e of input.Entries) {
    try {
      valid.push({ id: e.Id, handle: e.ReceiptHandle, ref: decodeFor(ctx, q, e.ReceiptHandle) });
    } catch (err) {
      failed.push(failedEntry(e.Id, err, ctx));
    }
  }
  const successful: BatchIdEntry[] = [];
  if (valid.length > 0) {
    const results = await ctx.engine.messageDelete({ queueId: q.id, receipts: valid.map((v) => v.ref) });
    const deleted: string[] = [];
    valid.forEach((v, i) => {
      const r = results[i]!;
      if (r.ok) {
        successful.push({ Id: v.id });
        deleted.push(v.ref.ref);
      } else failed.push(failedEntry(v.id, entryError(r, q, v.handle), ctx));
    });
    emitDeleted(ctx, q, deleted);
  }
  return { Successful: successful, Failed: failed };
};
