/**
 * GetQueueUrl: the URL of a queue by name. A QueueOwnerAWSAccountId other than this server's account
 * names a queue Ferry cannot have: QueueDoesNotExist, like AWS for a queue you cannot see.
 */
import { sqsError } from '../errors/catalog.js';
import * as M from '../errors/messages.js';
import { urlOf } from './common.js';
import type { ActionHandler } from './types.js';
import { isPlausibleQueueName } from './validation/names.js';

export const getQueueUrl: ActionHandler<'GetQueueUrl'> = async (input, ctx) => {
  const name = input.QueueName;
  if (typeof name !== 'string' || name === '') throw M.missingParameter('QueueName');
  if (input.QueueOwnerAWSAccountId !== undefined && input.QueueOwnerAWSAccountId !== ctx.settings.accountId) {
    throw sqsError('QueueDoesNotExist');
  }
  const q = isPlausibleQueueName(name) ? await ctx.engine.queueGetByName(name) : undefined;
  if (!q) throw sqsError('QueueDoesNotExist');
  return { QueueUrl: urlOf(ctx, q.name) };
};
