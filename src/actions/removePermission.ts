/**
 * RemovePermission: removes the statement whose Sid is Label; an unknown label is
 * InvalidParameterValue "…Reason: can't find label." (recorded). Removing the last statement removes
 * the Policy attribute (GetQueueAttributes then reports no Policy, as AWS does).
 */
import * as M from '../errors/messages.js';
import { arnOf, resolveQueue } from './common.js';
import type { ActionHandler } from './types.js';
import { loadPolicy } from './validation/permissions.js';

export const removePermission: ActionHandler<'RemovePermission'> = async (input, ctx) => {
  if (!input.Label) throw M.missingParameter('Label');
  const q = await resolveQueue(ctx, input.QueueUrl);
  const policy = loadPolicy(q.attributes.Policy, arnOf(ctx, q.name));
  const idx = policy.Statement.findIndex((s) => s.Sid === input.Label);
  if (idx < 0) throw M.labelNotFound(input.Label);
  policy.Statement.splice(idx, 1);
  if (policy.Statement.length === 0) await ctx.engine.queueSetAttributes({ queueId: q.id, set: {}, unset: ['Policy'] });
  else await ctx.engine.queueSetAttributes({ queueId: q.id, set: { Policy: JSON.stringify(policy) } });
  return {};
};
