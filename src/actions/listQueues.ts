/**
 * ListQueues: the caller's own account's queue URLs whose name starts with QueueNamePrefix, in name
 * order (AWS lists only the account's queues; queues shared by other accounts are not listed). Without MaxResults AWS
 * returns at most 1000 and never a NextToken; with MaxResults (1–1000) it pages with NextToken.
 */
import * as M from '../errors/messages.js';
import { callerAccountId, urlOf } from './common.js';
import { decodeNextToken, encodeNextToken } from './pagination.js';
import type { ActionHandler } from './types.js';
import { LIMITS } from './validation/limits.js';

export const listQueues: ActionHandler<'ListQueues'> = async (input, ctx) => {
  const max = input.MaxResults;
  if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > LIMITS.listQueuesMax)) throw M.maxResultsInvalid(max);
  const accountId = callerAccountId(ctx);
  const after = input.NextToken !== undefined && input.NextToken !== '' ? decodeNextToken(input.NextToken) : undefined;
  // The engine reads just this page (one more than MaxResults tells whether another page follows).
  const queues = await ctx.engine.queueList({
    accountId,
    prefix: input.QueueNamePrefix || undefined,
    after,
    limit: max === undefined ? LIMITS.listQueuesMax : max + 1,
  });
  const page = max === undefined ? queues : queues.slice(0, max);
  const out: { QueueUrls?: string[]; NextToken?: string } = {};
  if (page.length > 0) out.QueueUrls = page.map((q) => urlOf(ctx, { accountId, name: q.name }));
  if (max !== undefined && queues.length > max) out.NextToken = encodeNextToken(page[page.length - 1]!.name);
  return out;
};
