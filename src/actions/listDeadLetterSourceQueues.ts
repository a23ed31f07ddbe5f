/**
 * ListDeadLetterSourceQueues: the queues whose RedrivePolicy targets this queue, in name order, paged
 * with MaxResults (1–1000) and NextToken (returned only when MaxResults was given). The JSON result
 * member is lowercase `queueUrls`.
 */
import * as M from '../errors/messages.js';
import type { QueueRecord } from '../storage/engine.js';
import { arnOf, resolveQueue, urlOf } from './common.js';
import { paginate } from './pagination.js';
import type { ActionContext, ActionHandler } from './types.js';
import { LIMITS } from './validation/limits.js';

/**
 * The queues whose RedrivePolicy names `dlqArn`, sorted by name. A dead-letter queue is always in its
 * sources' account (SetQueueAttributes refuses another), so only that account's queues are read.
 */
export async function deadLetterSources(ctx: ActionContext, dlq: { accountId: string; name: string }): Promise<QueueRecord[]> {
  const dlqArn = arnOf(ctx, dlq);
  const all = await ctx.engine.queueList({ accountId: dlq.accountId });
  return all.filter((q) => {
    const rp = q.attributes.RedrivePolicy;
    if (!rp) return false;
    try {
      return (JSON.parse(rp) as { deadLetterTargetArn?: string }).deadLetterTargetArn === dlqArn;
    } catch {
      return false;
    }
  });
}

export const listDeadLetterSourceQueues: ActionHandler<'ListDeadLetterSourceQueues'> = async (input, ctx) => {
  const max = input.MaxResults;
  if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > LIMITS.dlqSourcesMax)) throw M.maxResultsInvalid(max);
  const q = await resolveQueue(ctx, input.QueueUrl);
  const sources = await deadLetterSources(ctx, q);
  const { page, next } = paginate(
    sources.map((s) => s.name),
    max,
    input.NextToken,
  );
  const out: { queueUrls: string[]; NextToken?: string } = { queueUrls: page.map((name) => urlOf(ctx, { accountId: q.accountId, name })) };
  if (next !== undefined) out.NextToken = next;
  return out;
};
