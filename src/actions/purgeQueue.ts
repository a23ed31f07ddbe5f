/**
 * PurgeQueue: deletes every message (in flight or not) and the FIFO deduplication history, as AWS does. One
 * purge per queue every 60 s (settings.purgeIntervalMs), else PurgeQueueInProgress (403 on Query)
 * with AWS's wording naming the queue.
 */
import { isDomainError } from '../errors/domain.js';
import * as M from '../errors/messages.js';
import { resolveQueue } from './common.js';
import { emitQueueEvent } from './events.js';
import type { ActionHandler } from './types.js';

export const purgeQueue: ActionHandler<'PurgeQueue'> = async (input, ctx) => {
  const q = await resolveQueue(ctx, input.QueueUrl);
  try {
    await ctx.engine.queuePurge(q.id, ctx.settings.purgeIntervalMs);
  } catch (e) {
    if (isDomainError(e, 'PurgeInProgress')) throw M.purgeInProgress(q.name);
    throw e;
  }
  emitQueueEvent(ctx, q, 'purged');
  return {};
};
