/**
 * AddPermission: appends a statement (Sid = Label) to the queue's Policy. A Label already used is
 * InvalidParameterValue "Value X for parameter Label is invalid. Reason: Already exists." (recorded);
 * more than 7 actions is OverLimit. SendMessage/DeleteMessage/ChangeMessageVisibility also grant their
 * batch forms (IAM evaluates the batch action under the single action's name).
 */
import * as M from '../errors/messages.js';
import { arnOf, resolveQueue } from './common.js';
import type { ActionHandler } from './types.js';
import { buildStatement, loadPolicy } from './validation/permissions.js';

export const addPermission: ActionHandler<'AddPermission'> = async (input, ctx) => {
  const q = await resolveQueue(ctx, input.QueueUrl);
  const arn = arnOf(ctx, q.name);
  const statement = buildStatement(input.Label, input.AWSAccountIds, input.Actions, arn);
  const policy = loadPolicy(q.attributes.Policy, arn);
  if (policy.Statement.some((s) => s.Sid === input.Label)) throw M.labelExists(input.Label);
  policy.Statement.push(statement);
  await ctx.engine.queueSetAttributes({ queueId: q.id, set: { Policy: JSON.stringify(policy) } });
  return {};
};
