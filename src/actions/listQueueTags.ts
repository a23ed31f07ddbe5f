/**
 * ListQueueTags: the queue's tags; AWS returns an empty map (recorded `"Tags": {}`) when there are none.
 */
import { resolveQueue } from './common.js';
import type { ActionHandler } from './types.js';

export const listQueueTags: ActionHandler<'ListQueueTags'> = async (input, ctx) => {
  const q = await resolveQueue(ctx, input.QueueUrl);
  return { Tags: { ...q.tags } };
};
