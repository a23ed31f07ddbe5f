/**
 * RemovePermission: removes the statement whose Sid is Label; an unknown label is
 * InvalidParameterValue "…Reason: can't find label." (recorded). Removing the last statement removes
 * the Policy attribute (GetQueueAttributes then reports no Policy, as AWS does).
 */
import { removePermission as removeStatement } from '../auth/permissions.js';
import * as M from '../errors/messages.js';
import { resolveQueue } from './common.js';
import type { ActionHandler } from './types.js';
import { withPolicyErrors } from './validation/permissions.js';

export const removePermission: ActionHandler<'RemovePermission'> = async (input, ctx) => {
  if (!input.Label) throw M.missingParameter('Label');
  const q = await resolveQueue(ctx, input.QueueUrl);
  const policy = withPolicyErrors(() => removeStatement(q.attributes.Policy, input.Label));
  if (policy === undefined) await ctx.engine.queueSetAttributes({ queueId: q.id, set: {}, unset: ['Policy'] });
  else await ctx.engine.queueSetAttributes({ queueId: q.id, set: { Policy: policy } });
  return {};
};
