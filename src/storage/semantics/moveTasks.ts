/**
 * Message move tasks (StartMessageMoveTask & co.): their states, transitions and failure reasons, the
 * same in every engine.
 *
 *   RUNNING ──cancel──▶ CANCELLING ──next step──▶ CANCELLED
 *   RUNNING ──step: moved toMove, or the source has no visible message left──▶ COMPLETED
 *   RUNNING ──step: a destination cannot take a message──▶ FAILED (with FailureReason)
 *
 * A task moves only *visible* messages (the next ones a receive would take). A moved message is a new
 * message in its destination: a new message id and sequence number, receive count 0, sent now; body,
 * attributes, group and deduplication id are kept. Messages moved before a failure stay moved.
 */
import { DomainError } from '../../errors/domain.js';
import type { MoveTaskRecord, MoveTaskStartParams, MoveTaskStatus, QueueRecord } from '../engine.js';

/**
 * FailureReason texts. One table, so every engine reports a failure the same way. A destination that
 * no longer exists is reported as AWS does, with the error code its send got (LocalStack's AWS-validated
 * snapshot test_move_task_delete_destination_queue_while_running, recorded 2024-04-30:
 * `AWS.SimpleQueueService.NonExistentQueue`); a message's original source, when it is the destination,
 * fails the same way. The other reasons have no AWS recording.
 */
export const MOVE_FAILURE = {
  sourceGone: 'The source queue does not exist.',
  destinationGone: 'AWS.SimpleQueueService.NonExistentQueue',
  originalSourceGone: 'AWS.SimpleQueueService.NonExistentQueue',
  fifoNeedsGroup: 'A message without MessageGroupId cannot move to a FIFO queue.',
} as const;

/** RUNNING and CANCELLING tasks are active: a source may have one at a time, and the runner steps them. */
export function moveTaskActive(status: MoveTaskStatus): boolean {
  return status === 'RUNNING' || status === 'CANCELLING';
}

/** StartMessageMoveTask on a source that already has an active task: MoveTaskActive. */
export function checkNoActiveMoveTask(sourceName: string, activeExists: boolean): void {
  if (activeExists) throw new DomainError('MoveTaskActive', `queue ${sourceName} already has an active move task`);
}

/** The record of a new task: RUNNING, with `toMove` = the source's visible messages at start. */
export function newMoveTask(id: string, p: MoveTaskStartParams, toMove: number, now: number): MoveTaskRecord {
  const rec: MoveTaskRecord = { id, sourceArn: p.sourceArn, sourceQueueId: p.sourceQueueId, status: 'RUNNING', toMove, moved: 0, startedAt: now };
  if (p.destinationArn !== undefined) rec.destinationArn = p.destinationArn;
  if (p.maxPerSecond !== undefined) rec.maxPerSecond = p.maxPerSecond;
  return rec;
}

/** CancelMessageMoveTask: only a RUNNING task can be cancelled; it becomes CANCELLING. Throws MoveTaskNotFound otherwise. */
export function cancelMoveTask(task: MoveTaskRecord | undefined, taskId: string): MoveTaskStatus {
  if (task === undefined || task.status !== 'RUNNING') throw new DomainError('MoveTaskNotFound', `no running move task ${taskId}`);
  return 'CANCELLING';
}

/**
 * What a step does before moving anything: a CANCELLING task ends CANCELLED; a task that is not
 * RUNNING is left alone; a RUNNING task proceeds.
 */
export function moveStepStart(status: MoveTaskStatus): 'cancel' | 'idle' | 'run' {
  return status === 'CANCELLING' ? 'cancel' : status === 'RUNNING' ? 'run' : 'idle';
}

/** How many messages one step may move: its budget, but never beyond the task's `toMove`. */
export function moveStepBudget(task: MoveTaskRecord, maxMessages: number): number {
  return Math.max(0, Math.min(maxMessages, task.toMove - task.moved));
}

/**
 * Why a message cannot move to `dest` (undefined: it can). `dest` undefined means the destination
 * could not be found: the task's DestinationArn when it has one, else the message's own source queue.
 */
export function moveProblem(dest: QueueRecord | undefined, fixedDestination: boolean, groupId: string | null | undefined): string | undefined {
  if (dest === undefined) return fixedDestination ? MOVE_FAILURE.destinationGone : MOVE_FAILURE.originalSourceGone;
  if (dest.fifo && (groupId === null || groupId === undefined)) return MOVE_FAILURE.fifoNeedsGroup;
  return undefined;
}

/** The status after a step that moved `moved` messages without failing. */
export function moveStepStatus(task: MoveTaskRecord, moved: number, sourceHasMore: boolean): MoveTaskStatus {
  return task.moved + moved >= task.toMove || !sourceHasMore ? 'COMPLETED' : 'RUNNING';
}
