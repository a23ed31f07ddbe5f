/**
 * Message move tasks (StartMessageMoveTask & co.). States, transitions, budgets and FailureReason texts
 * are semantics' (semantics/moveTasks.ts); this file stores them and moves the rows. A moved message
 * is a new row in its destination pointing at the same payload (no body copy).
 */
import { parseQueueArn } from '../../core/arn.js';
import { DomainError } from '../../errors/domain.js';
import type { MoveTaskRecord, MoveTaskStartParams, MoveTaskStatus, MoveTaskStepResult, QueueRecord } from '../engine.js';
import {
  cancelMoveTask,
  checkNoActiveMoveTask,
  moveProblem,
  moveStepBudget,
  moveStepStart,
  moveStepStatus,
  MOVE_FAILURE,
  newMoveTask,
  retentionCutoff,
} from '../semantics/index.js';
import type { SqliteCtx } from './context.js';
import type { TxContext } from './groupCommit.js';
import { statsOf } from './queues.js';
import { type MessageRow, type MoveTaskRow, taskRecord } from './rows.js';
import {
  MESSAGE_DELETE,
  MESSAGE_INSERT,
  TASKS_ACTIVE,
  TASKS_OF_SOURCE,
  TASK_ACTIVE_FOR_SOURCE,
  TASK_BY_ID,
  TASK_FINISH_STEP,
  TASK_INSERT,
  TASK_SET_STATUS,
  TASK_SOURCE_HAS_MORE,
  TASK_SOURCE_MESSAGES,
} from './sql/index.js';
import { ensureGroup, refreshGroup, reserveSeqs } from './store.js';

function taskById(ctx: SqliteCtx, id: string): MoveTaskRecord | undefined {
  const r = ctx.q(TASK_BY_ID).get(id) as MoveTaskRow | undefined;
  return r ? taskRecord(r) : undefined;
}

/** The queue an ARN names in this store (by its account and name). */
function queueByArn(ctx: SqliteCtx, arn: string): QueueRecord | undefined {
  const a = parseQueueArn(arn);
  return a === undefined ? undefined : ctx.loadByName(a.accountId, a.name);
}

export function moveTaskStart(ctx: SqliteCtx, p: MoveTaskStartParams): MoveTaskRecord {
  const q = ctx.mustQueue(p.sourceQueueId);
  checkNoActiveMoveTask(q.name, ctx.q(TASK_ACTIVE_FOR_SOURCE).get(q.id) !== undefined);
  const now = ctx.clock.now();
  const t = newMoveTask(ctx.random.uuid(), p, statsOf(ctx, q, now).visible, now);
  ctx.q(TASK_INSERT).run(t.id, t.sourceArn, q.id, t.destinationArn ?? null, t.maxPerSecond ?? null, t.status, t.toMove, t.moved, t.startedAt);
  return t;
}

export function moveTaskCancel(ctx: SqliteCtx, taskId: string): MoveTaskRecord {
  const t = taskById(ctx, taskId);
  const status = cancelMoveTask(t, taskId);
  ctx.q(TASK_SET_STATUS).run(status, taskId);
  return { ...t!, status };
}

/** Tasks of a source, newest first, at most `max`. */
export function moveTaskList(ctx: SqliteCtx, sourceArn: string, max: number): MoveTaskRecord[] {
  return (ctx.q(TASKS_OF_SOURCE).all(sourceArn, Math.max(0, max)) as MoveTaskRow[]).map(taskRecord);
}

/** RUNNING and CANCELLING tasks, oldest first. */
export function moveTasksActive(ctx: SqliteCtx): MoveTaskRecord[] {
  return (ctx.q(TASKS_ACTIVE).all() as MoveTaskRow[]).map(taskRecord);
}

export function moveTaskStep(ctx: SqliteCtx, tx: TxContext, taskId: string, maxMessages: number): MoveTaskStepResult {
  const task = taskById(ctx, taskId);
  if (!task) throw new DomainError('MoveTaskNotFound', `no move task ${taskId}`);
  const finish = (status: MoveTaskStatus, moved: number, reason?: string): MoveTaskStepResult => {
    ctx.q(TASK_FINISH_STEP).run(status, moved, reason ?? null, taskId);
    return { moved, task: taskById(ctx, taskId)! };
  };
  const start = moveStepStart(task.status);
  if (start === 'cancel') return finish('CANCELLED', 0);
  if (start === 'idle') return { moved: 0, task };
  const src = ctx.loadById(task.sourceQueueId);
  if (!src) return finish('FAILED', 0, MOVE_FAILURE.sourceGone);
  const now = ctx.clock.now();
  const cutoff = retentionCutoff(src, now);

  let fixedDest: QueueRecord | undefined;
  if (task.destinationArn !== undefined) {
    fixedDest = queueByArn(ctx, task.destinationArn);
    if (!fixedDest) return finish('FAILED', 0, moveProblem(undefined, true, null));
  }
  const rows = ctx.q(TASK_SOURCE_MESSAGES).all(src.id, now, cutoff, moveStepBudget(task, maxMessages)) as MessageRow[];
  let moved = 0;
  const srcGroups = new Set<string>();
  for (const row of rows) {
    const dest = fixedDest ?? (row.dl_source_arn !== null ? queueByArn(ctx, row.dl_source_arn) : undefined);
    const problem = moveProblem(dest, fixedDest !== undefined, row.group_id);
    if (problem !== undefined || dest === undefined) return finish('FAILED', moved, problem);
    // A new message in its destination: new id and sequence number, counters reset, sent now.
    const seq = dest.fifo ? reserveSeqs(ctx, dest.id, 1) : null;
    ctx.q(MESSAGE_INSERT).run(dest.id, row.payload_id, ctx.random.uuid(), seq, row.group_id, now, now);
    ctx.q(MESSAGE_DELETE).run(row.id);
    if (dest.fifo) ensureGroup(ctx, dest.id, row.group_id!);
    if (src.fifo && row.group_id !== null) srcGroups.add(row.group_id);
    tx.wakes.add(dest.id);
    moved++;
  }
  for (const g of srcGroups) refreshGroup(ctx, src.id, g);
  const remaining = ctx.q(TASK_SOURCE_HAS_MORE).get(src.id, now, cutoff);
  return finish(moveStepStatus(task, moved, remaining !== undefined), moved);
}
