/**
 * TagQueue: merge tags (at most 50 per queue; keys 1–128, values ≤256 characters).
 */
import * as M from '../errors/messages.js';
import { resolveQueue } from './common.js';
import type { ActionHandler } from './types.js';
import { validateTags } from './validation/tags.js';

export const tagQueue: ActionHandler<'TagQueue'> = async (input, ctx) => {
  const q = await resolveQueue(ctx, input.QueueUrl);
  if (!input.Tags || Object.keys(input.Tags).length === 0) throw M.tagsRequired('Tags');
  validateTags(q.name, input.Tags, q.tags);
  await ctx.engine.queueTag(q.id, input.Tags);
  return {};
};
