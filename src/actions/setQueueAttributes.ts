/**
 * SetQueueAttributes: validates every attribute with AWS's rules (unknown and read-only names are
 * InvalidAttributeName; FIFO-only names on standard queues likewise; FifoQueue cannot change;
 * RedrivePolicy must name an existing DLQ of the same type whose RedriveAllowPolicy admits this
 * queue), then merges. An empty RedrivePolicy/RedriveAllowPolicy/Policy/KmsMasterKeyId removes it.
 */
import * as M from '../errors/messages.js';
import { resolveQueue } from './common.js';
import type { ActionHandler } from './types.js';
import { normalizeAttributes } from './validation/queueAttributes.js';

export const setQueueAttributes: ActionHandler<'SetQueueAttributes'> = async (input, ctx) => {
  if (!input.Attributes) throw M.missingParameter('Attributes');
  const q = await resolveQueue(ctx, input.QueueUrl);
  const norm = await normalizeAttributes(input.Attributes, {
    engine: ctx.engine,
    region: ctx.settings.region,
    // The queue's own account: its dead-letter queue must be in it (validateRedrivePolicy).
    accountId: q.accountId,
    queueName: q.name,
    fifo: q.fifo,
    creating: false,
    current: q.attributes,
  });
  if (Object.keys(norm.set).length === 0 && norm.unset.length === 0) return {};
  await ctx.engine.queueSetAttributes({ queueId: q.id, set: norm.set, unset: norm.unset });
  return {};
};
