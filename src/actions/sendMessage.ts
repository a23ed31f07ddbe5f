/**
 * SendMessage. Checks (AWS order): queue, FIFO group id (MissingParameter) and dedup id
 * (InvalidParameterValue unless ContentBasedDeduplication), body (MissingParameter / InvalidMessageContents),
 * DelaySeconds (0–900; rejected on FIFO), attributes, then size against the queue's MaximumMessageSize
 * counting body + attribute names, types and values.
 */
import { intAttr, resolveQueue } from './common.js';
import { emitSent } from './events.js';
import { sealBodies, sendResultFields, toSendParams } from './sendCommon.js';
import type { ActionHandler } from './types.js';
import { LIMITS } from './validation/limits.js';
import { fifoIdError, validateMessage } from './validation/message.js';

export const sendMessage: ActionHandler<'SendMessage'> = async (input, ctx) => {
  const q = await resolveQueue(ctx, input.QueueUrl);
  if (q.fifo) {
    const err = fifoIdError(input, q.attributes.ContentBasedDeduplication === 'true', false);
    if (err) throw err;
  }
  validateMessage(input, q.fifo, intAttr(q, 'MaximumMessageSize', LIMITS.maxMessageSizeMax));
  const p = toSendParams(input, q, ctx);
  const results = await ctx.engine.messageSend({ queueId: q.id, messages: sealBodies([p], q, ctx), dedupWindowMs: LIMITS.dedupWindowMs });
  emitSent(ctx, q, [p], results);
  const r = results[0];
  return sendResultFields(p, r!.messageId, r!.sequenceNumber);
};
