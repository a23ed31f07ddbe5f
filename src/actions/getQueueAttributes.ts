/**
 * GetQueueAttributes: `All` or each name. Stored (settable) attributes come from the queue record;
 * QueueArn, ApproximateNumberOfMessages/NotVisible/Delayed and CreatedTimestamp/LastModifiedTimestamp
 * (epoch SECONDS, unlike message timestamps) are computed. FIFO-only names are not reported for
 * standard queues; an unknown name is InvalidAttributeName "Unknown Attribute X.".
 */
import * as M from '../errors/messages.js';
import { arnOf, resolveQueue } from './common.js';
import type { ActionHandler } from './types.js';
import { ALL_ATTRIBUTE_NAMES, FIFO_ATTRIBUTES } from './validation/queueAttributes.js';

const STATS = new Set(['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed']);

export const getQueueAttributes: ActionHandler<'GetQueueAttributes'> = async (input, ctx) => {
  const requested = input.AttributeNames ?? [];
  for (const n of requested) if (n !== 'All' && !ALL_ATTRIBUTE_NAMES.includes(n)) throw M.unknownAttribute(n);
  const q = await resolveQueue(ctx, input.QueueUrl);
  const names = requested.includes('All') ? ALL_ATTRIBUTE_NAMES : [...new Set(requested)];
  const out: Record<string, string> = {};
  const stats = names.some((n) => STATS.has(n)) ? await ctx.engine.queueStats(q.id) : undefined;
  for (const n of names) {
    if (!q.fifo && (FIFO_ATTRIBUTES as readonly string[]).includes(n)) continue;
    switch (n) {
      case 'QueueArn':
        out[n] = arnOf(ctx, q);
        break;
      case 'ApproximateNumberOfMessages':
        out[n] = String(stats!.visible);
        break;
      case 'ApproximateNumberOfMessagesNotVisible':
        out[n] = String(stats!.inflight);
        break;
      case 'ApproximateNumberOfMessagesDelayed':
        out[n] = String(stats!.delayed);
        break;
      case 'CreatedTimestamp':
        out[n] = String(Math.floor(q.createdAt / 1000));
        break;
      case 'LastModifiedTimestamp':
        out[n] = String(Math.floor(q.lastModifiedAt / 1000));
        break;
      default: {
        const v = q.attributes[n];
        if (v !== undefined) out[n] = v;
      }
    }
  }
  return { Attributes: out };
};
