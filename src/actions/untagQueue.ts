/**
 * UntagQueue: remove tag keys; keys the queue does not have are ignored.
 */
import * as M from '../errors/messages.js';
import { resolveQueue } from './common.js';
import type { ActionHandler } from './types.js';

export const untagQueue: ActionHandler<'UntagQueue'> = async (input, ctx) => {
  const q = await resolveQueue(ctx, input.QueueUrl);
  if (!input.TagKeys || input.TagKeys.length === 0) throw M.tagsRequired('TagKeys');
  await ctx.engine.queueUntag(q.id, input.TagKeys);
  return {};
};
