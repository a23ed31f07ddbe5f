/**
 * ChangeMessageVisibilityBatch: request-level batch rules, then per-entry outcomes with the same
 * errors as ChangeMessageVisibility reported in `Failed`.
 */
import * as M from '../errors/messages.js';
import type { ReceiptRef } from '../storage/engine.js';
import { MAX_TOTAL_VISIBILITY_MS } from './changeMessageVisibility.js';
import { failedEntry, resolveQueue, validateBatch } from './common.js';
import { emitVisibilityChanged } from './events.js';
import { decodeFor, entryError } from './receipts.js';
import type { ActionHandler, BatchIdEntry, BatchResultErrorEntry } from './types.js';
import { LIMITS } from './validation/limits.js';

export const changeMessageVisibilityBatch: ActionHandler<'ChangeMessageVisibilityBatch'> = async (input, ctx) => {
  const q = await resolveQueue(ctx, input.QueueUrl);
  validateBatch(input.Entries, 'ChangeMessageVisibilityBatch');
  const failed: BatchResultErrorEntry[] = [];
  const valid: Array<{ id: string; handle: string; v: number; ref: ReceiptRef }> = [];
  for (const e of input.Entries) {
    try {
      const v = e.VisibilityTimeout;
      if (v === undefined) throw M.missingParameter('VisibilityTimeout');
      if (!Number.isInteger(v) || v < 0 || v > LIMITS.visibilityTimeoutMax) throw M.visibilityTimeoutInvalid(v);
      valid.push({ id: e.Id, handle: e.ReceiptHandle, v, ref: decodeFor(ctx, q, e.ReceiptHandle) });
    } catch (err) {
      failed.push(failedEntry(e.Id, err, ctx));
    }
  }
  const successful: BatchIdEntry[] = [];
  if (valid.length > 0) {
    const results = await ctx.engine.visibilityChange({
      queueId: q.id,
      entries: valid.map((x) => ({ ...x.ref, visibilityTimeoutMs: x.v * 1000 })),
      maxTotalMs: MAX_TOTAL_VISIBILITY_MS,
    });
    const changed: Array<{ ref: string; visibilityTimeoutMs: number }> = [];
    valid.forEach((x, i) => {
      const r = results[i]!;
      if (r.ok) {
        successful.push({ Id: x.id });
        changed.push({ ref: x.ref.ref, visibilityTimeoutMs: x.v * 1000 });
      } else failed.push(failedEntry(x.id, entryError(r, q, x.handle, x.v), ctx));
    });
    emitVisibilityChanged(ctx, q, changed);
  }
  return { Successful: successful, Failed: failed };
};
