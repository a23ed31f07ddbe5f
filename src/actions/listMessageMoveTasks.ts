/**
 * ListMessageMoveTasks: the newest tasks of a source queue (default 1, at most 10). TaskHandle is
 * shown only while RUNNING; DestinationArn and MaxNumberOfMessagesPerSecond only when set (recorded);
 * StartedTimestamp in epoch milliseconds; FailureReason for FAILED tasks.
 */
import { encodeTaskHandle } from '../core/task-handle.js';
import * as M from '../errors/messages.js';
import { queueByArn } from './common.js';
import type { ActionHandler, ListMessageMoveTasksResultEntry } from './types.js';
import { LIMITS } from './validation/limits.js';

export const listMessageMoveTasks: ActionHandler<'ListMessageMoveTasks'> = async (input, ctx) => {
  if (!input.SourceArn) throw M.missingParameter('SourceArn');
  const max = input.MaxResults ?? LIMITS.moveTaskListDefault;
  if (!Number.isInteger(max) || max < 1 || max > LIMITS.moveTaskListMax) {
    throw M.invalidParameterValue('MaxResults', max, 'Must be between 1 and 10, if provided.');
  }
  const source = await queueByArn(ctx, input.SourceArn);
  if (!source) throw M.arnResourceNotFound('SourceArn');
  const tasks = await ctx.engine.moveTaskList(input.SourceArn, max);
  const results = tasks.map((t) => {
    const r: ListMessageMoveTasksResultEntry = {
      Status: t.status,
      SourceArn: t.sourceArn,
      ApproximateNumberOfMessagesMoved: t.moved,
      ApproximateNumberOfMessagesToMove: t.toMove,
      StartedTimestamp: t.startedAt,
    };
    if (t.status === 'RUNNING') r.TaskHandle = encodeTaskHandle({ taskId: t.id, sourceArn: t.sourceArn });
    if (t.destinationArn !== undefined) r.DestinationArn = t.destinationArn;
    if (t.maxPerSecond !== undefined) r.MaxNumberOfMessagesPerSecond = t.maxPerSecond;
    if (t.failureReason !== undefined) r.FailureReason = t.failureReason;
    return r;
  });
  return { Results: results };
};
