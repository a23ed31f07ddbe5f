/**
 * DeleteQueue: removes the queue, its messages, dedup state and move tasks. The name stays blocked
 * for settings.queueReuseDelayMs (AWS: 60 s, QueueDeletedRecently on CreateQueue). Receipts of the
 * old incarnation can never touch a new queue of the same name (queue ids are incarnation ids).
 */
import { resolveQueue } from './common.js';
import { emitQueueEvent } from './events.js';
import type { ActionHandler } from './types.js';

export const deleteQueue: ActionHandler<'DeleteQueue'> = async (input, ctx) => {
  const q = await resolveQueue(ctx, input.QueueUrl);
  await ctx.engine.queueDelete(q.id);
  emitQueueEvent(ctx, q, 'queueDeleted');
  return {};
};
