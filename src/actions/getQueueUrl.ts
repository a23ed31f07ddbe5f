/**
 * GetQueueUrl: the URL of a queue by name, in the caller's own account unless QueueOwnerAWSAccountId
 * names another (authorization.ts has then already decided: across accounts both the queue's policy
 * and the caller's identity policies must allow sqs:GetQueueUrl). An owner id that is not an account
 * id, or a queue that does not exist, is QueueDoesNotExist.
 */
import { sqsError } from '../errors/catalog.js';
import * as M from '../errors/messages.js';
import { callerAccountId, urlOf } from './common.js';
import type { ActionHandler } from './types.js';
import { isPlausibleQueueName } from './validation/names.js';

export const getQueueUrl: ActionHandler<'GetQueueUrl'> = async (input, ctx) => {
  const name = input.QueueName;
  if (typeof name !== 'string' || name === '') throw M.missingParameter('QueueName');
  const owner =
    input.QueueOwnerAWSAccountId === undefined || input.QueueOwnerAWSAccountId === '' ? callerAccountId(ctx) : input.QueueOwnerAWSAccountId;
  const q = isPlausibleQueueName(name) && /^\d{12}$/.test(owner) ? await ctx.engine.queueGetByName(owner, name) : undefined;
  if (!q) throw sqsError('QueueDoesNotExist');
  return { QueueUrl: urlOf(ctx, q) };
};
