/**
 * StartMessageMoveTask (DLQ redrive). Recorded AWS answers: a SourceArn that is not some queue's DLQ
 * is InvalidParameterValue "Source queue must be configured as a Dead Letter Queue."; a missing
 * destination is ResourceNotFoundException naming DestinationArn; a second active task is
 * InvalidParameterValue "There is already a task running…". Without DestinationArn each message goes
 * back to the queue it was dead-lettered from. The Developer Guide: the destination must be of the
 * same type as the DLQ (FIFO↔FIFO). MaxNumberOfMessagesPerSecond: 1–500. Move tasks never work across
 * accounts (authorization.ts refuses them); a DestinationArn in another account than the source's is
 * ResourceNotFoundException like a missing one — a redrive stays inside the DLQ's account, as a
 * dead-letter queue must be in its sources' account.
 */
import { parseQueueArn } from '../core/arn.js';
import { encodeTaskHandle } from '../core/task-handle.js';
import { isDomainError } from '../errors/domain.js';
import * as M from '../errors/messages.js';
import { queueByArn } from './common.js';
import { deadLetterSources } from './listDeadLetterSourceQueues.js';
import type { ActionHandler } from './types.js';
import { LIMITS } from './validation/limits.js';

export const startMessageMoveTask: ActionHandler<'StartMessageMoveTask'> = async (input, ctx) => {
  const { SourceArn: src, DestinationArn: dst, MaxNumberOfMessagesPerSecond: rate } = input;
  if (!src) throw M.missingParameter('SourceArn');
  if (!parseQueueArn(src)) throw M.arnInvalid('SourceArn', src);
  if (dst !== undefined && !parseQueueArn(dst)) throw M.arnInvalid('DestinationArn', dst);
  if (rate !== undefined && (!Number.isInteger(rate) || rate < 1 || rate > LIMITS.moveRateMax)) throw M.moveRateInvalid(rate);
  const source = await queueByArn(ctx, src);
  if (!source) throw M.arnResourceNotFound('SourceArn');
  if ((await deadLetterSources(ctx, source)).length === 0) throw M.sourceNotDeadLetterQueue();
  if (dst !== undefined) {
    const dest = await queueByArn(ctx, dst);
    if (!dest || dest.accountId !== source.accountId) throw M.arnResourceNotFound('DestinationArn');
    if (dest.fifo !== source.fifo) throw M.moveTaskFifoUnsupported();
  }
  try {
    const task = await ctx.engine.moveTaskStart({
      sourceQueueId: source.id,
      sourceArn: src,
      ...(dst !== undefined ? { destinationArn: dst } : {}),
      ...(rate !== undefined ? { maxPerSecond: rate } : {}),
    });
    ctx.services.kickMoveTasks();
    return { TaskHandle: encodeTaskHandle({ taskId: task.id, sourceArn: src }) };
  } catch (e) {
    if (isDomainError(e, 'MoveTaskActive')) throw M.taskAlreadyRunning();
    throw e;
  }
};
