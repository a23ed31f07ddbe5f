/**
 * AddPermission: appends the statement SQS writes (Sid = Label, Principal the accounts' root ARNs,
 * Action `SQS:<name>`, a string for one and an array for several) to the queue's Policy, creating the
 * default document (`<queueArn>/SQSDefaultPolicy`, Version 2008-10-17) when there is none. Checks and
 * wordings: src/auth/permissions.ts. SendMessage/DeleteMessage/ChangeMessageVisibility also grant their
 * batch forms (IAM evaluates the batch action under the single action's name). With auth sigv4 the
 * accounts granted must exist on this server (declared in `accounts:`, or the default account).
 */
import { addPermission as addStatement } from '../auth/permissions.js';
import { arnOf, resolveQueue } from './common.js';
import type { ActionHandler } from './types.js';
import { withPolicyErrors } from './validation/permissions.js';

export const addPermission: ActionHandler<'AddPermission'> = async (input, ctx) => {
  const q = await resolveQueue(ctx, input.QueueUrl);
  // With auth sigv4 only accounts the server knows may be granted (AWS refuses an account that does not
  // exist); with auth off there is no account directory, so any well-formed 12-digit id is accepted.
  const grant = {
    label: input.Label,
    accountIds: input.AWSAccountIds,
    actions: input.Actions,
    queueArn: arnOf(ctx, q),
    accountExists: ctx.authz?.knowsAccount,
  };
  const policy = withPolicyErrors(() => addStatement(q.attributes.Policy, grant));
  await ctx.engine.queueSetAttributes({ queueId: q.id, set: { Policy: policy } });
  return {};
};
