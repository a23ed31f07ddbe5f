/**
 * SendMessageBatch. Request-level failures (the whole call fails): empty, >10 entries, bad or repeated
 * entry ids, a total over 1 MiB (BatchRequestTooLong), and on FIFO queues any entry missing its
 * MessageGroupId or (without ContentBasedDeduplication) its MessageDeduplicationId. Anything else —
 * a bad body, delay or attribute — fails only its entry, reported in `Failed` with SenderFault=true.
 * The valid entries are stored atomically in one engine call (FIFO sequence numbers in entry order).
 */
import { failedEntry, intAttr, resolveQueue, validateBatch } from './common.js';
import { emitSent } from './events.js';
import { sealBodies, sendResultFields, toSendParams } from './sendCommon.js';
import type { ActionHandler, BatchResultErrorEntry, SendMessageBatchResultEntry } from './types.js';
import type { SendMessageParams } from '../storage/engine.js';
import * as M from '../errors/messages.js';
import { LIMITS } from './validation/limits.js';
import { fifoIdError, validateMessage } from './validation/message.js';

/** Approximate wire size of an entry as AWS counts it for the 1 MiB batch limit. */
function entryBytes(e: {
  MessageBody: string;
  MessageAttributes?: Record<string, { DataType: string; StringValue?: string; BinaryValue?: Buffer }>;
}): number {
  let n = typeof e.MessageBody === 'string' ? Buffer.byteLength(e.MessageBody, 'utf8') : 0;
  if (e.MessageAttributes === undefined) return n;
  for (const [k, v] of Object.entries(e.MessageAttributes)) {
    n += Buffer.byteLength(k) + Buffer.byteLength(v?.DataType ?? '');
    n += v?.StringValue !== undefined ? Buffer.byteLength(v.StringValue) : (v?.BinaryValue?.length ?? 0);
  }
  return n;
}

export const sendMessageBatch: ActionHandler<'SendMessageBatch'> = async (input, ctx) => {
  const q = await resolveQueue(ctx, input.QueueUrl);
  validateBatch(input.Entries, 'SendMessageBatch');
  const total = input.Entries.reduce((s, e) => s + entryBytes(e), 0);
  if (total > LIMITS.batchBytesMax) throw M.batchTooLong(LIMITS.batchBytesMax, total);
  if (q.fifo) {
    const cbd = q.attributes.ContentBasedDeduplication === 'true';
    for (const e of input.Entries) {
      const err = fifoIdError(e, cbd, true);
      if (err) throw err;
    }
  }
  const maxSize = intAttr(q, 'MaximumMessageSize', LIMITS.maxMessageSizeMax);
  const failed: BatchResultErrorEntry[] = [];
  const ids: string[] = [];
  const params: SendMessageParams[] = [];
  for (const e of input.Entries) {
    try {
      validateMessage(e, q.fifo, maxSize, true);
      const p = toSendParams(e, q, ctx);
      ids.push(e.Id);
      params.push(p);
    } catch (err) {
      failed.push(failedEntry(e.Id, err, ctx));
    }
  }
  const successful: SendMessageBatchResultEntry[] = [];
  if (params.length > 0) {
    const results = await ctx.engine.messageSend({ queueId: q.id, messages: sealBodies(params, q, ctx), dedupWindowMs: LIMITS.dedupWindowMs });
    emitSent(ctx, q, params, results);
    for (let i = 0; i < params.length; i++) {
      const r = results[i]!;
      // Id first, then the shared fields in their usual order (the JSON key order clients see).
      successful.push(Object.assign({ Id: ids[i]! }, sendResultFields(params[i]!, r.messageId, r.sequenceNumber)));
    }
  }
  return { Successful: successful, Failed: failed };
};
