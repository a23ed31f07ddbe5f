/**
 * CancelMessageMoveTask: only a RUNNING task can be cancelled (it becomes CANCELLING, then CANCELLED
 * by the runner; moved messages stay moved). Recorded AWS answers: a handle that does not decode is
 * InvalidParameterValue "Value for parameter TaskHandle is invalid."; an unknown source queue is
 * ResourceNotFoundException naming SourceArn; an unknown task "Task does not exist.".
 */
import { decodeTaskHandle } from '../core/task-handle.js';
import { isDomainError } from '../errors/domain.js';
import * as M from '../errors/messages.js';
import { queueByArn } from './common.js';
import type { ActionHandler } from './types.js';

export const cancelMessageMoveTask: ActionHandler<'CancelMessageMoveTask'> = async (input, ctx) => {
  if (!input.TaskHandle) throw M.missingParameter('TaskHandle');
  const parts = decodeTaskHandle(input.TaskHandle);
  if (!parts) throw M.taskHandleInvalid();
  const source = await queueByArn(ctx, parts.sourceArn);
  if (!source) throw M.arnResourceNotFound('SourceArn');
  try {
    const task = await ctx.engine.moveTaskCancel(parts.taskId);
    if (task.sourceQueueId !== source.id) throw M.taskNotFound();
    ctx.services.kickMoveTasks();
    return { ApproximateNumberOfMessagesMoved: task.moved };
  } catch (e) {
    if (isDomainError(e, 'MoveTaskNotFound')) throw M.taskNotFound();
    throw e;
  }
};
