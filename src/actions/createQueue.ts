/**
 * CreateQueue. AWS: idempotent for an existing queue when every attribute *given* has the stored
 * value (a call with no attributes returns the existing URL — recorded against AWS); otherwise
 * QueueNameExists naming the first differing attribute. Defaults are filled in here so storage holds
 * exactly what GetQueueAttributes reports. Tags are set at creation. A name deleted less than 60 s
 * ago is QueueDeletedRecently (settings.queueReuseDelayMs). The queue is created in the caller's
 * account (`/<its account>/<name>`): the same name in two accounts is two queues.
 */
import * as M from '../errors/messages.js';
import type { QueueRecord } from '../storage/engine.js';
import { callerAccountId, urlOf } from './common.js';
import type { ActionHandler } from './types.js';
import { validateQueueName } from './validation/names.js';
import { defaultAttributes, normalizeAttributes, type NormalizedAttributes } from './validation/queueAttributes.js';
import { validateTags } from './validation/tags.js';

/** Throw QueueNameExists unless every given attribute matches the stored queue. */
function assertSameAttributes(existing: QueueRecord, fifo: boolean, given: Record<string, string>, norm: NormalizedAttributes): void {
  if (existing.fifo !== fifo) throw M.queueNameExists('FifoQueue');
  for (const name of Object.keys(given)) {
    const want = norm.set[name];
    const have = existing.attributes[name];
    if (want === undefined ? have !== undefined : want !== have) throw M.queueNameExists(name);
  }
}

export const createQueue: ActionHandler<'CreateQueue'> = async (input, ctx) => {
  const given = input.Attributes ?? {};
  const fifoRaw = given.FifoQueue;
  const fifo = typeof fifoRaw === 'string' && fifoRaw.toLowerCase() === 'true';
  // FifoQueue=false is "Unknown Attribute FifoQueue." even before the name is looked at.
  if (typeof fifoRaw === 'string' && fifoRaw.toLowerCase() === 'false') throw M.unknownAttribute('FifoQueue');
  validateQueueName(input.QueueName, fifo);
  const name = input.QueueName;
  const tags = input.tags ?? {};
  validateTags(name, tags);
  // A caller creates in its own account (AWS: the queue belongs to the account of the signing key).
  const accountId = callerAccountId(ctx);
  const q = { accountId, name };

  const norm = await normalizeAttributes(given, {
    engine: ctx.engine,
    region: ctx.settings.region,
    accountId,
    queueName: name,
    fifo,
    creating: true,
  });

  const existing = await ctx.engine.queueGetByName(accountId, name);
  if (existing) {
    assertSameAttributes(existing, fifo, given, norm);
    return { QueueUrl: urlOf(ctx, q) };
  }

  const attributes = { ...defaultAttributes(fifo), ...norm.set };
  for (const u of norm.unset) delete attributes[u];
  const r = await ctx.engine.queueCreate({ accountId, name, fifo, attributes, tags, reuseDelayMs: ctx.settings.queueReuseDelayMs });
  // A concurrent CreateQueue of the same name won the race: same idempotency rule.
  if (!r.created) assertSameAttributes(r.queue, fifo, given, norm);
  return { QueueUrl: urlOf(ctx, q) };
};
