/**
 * Message move tasks (StartMessageMoveTask & co.). States, transitions and failure reasons are
 * semantics' (semantics/moveTasks.ts); this file locks, reads and writes them. Exactly one node steps
 * a task at a time: a step locks the task row `FOR UPDATE SKIP LOCKED`, and a node that finds it
 * locked returns the task unchanged with `moved: 0`. A step locks source messages first, so it
 * recomputes the source's FIFO groups in a transaction of its own afterwards (groups.ts).
 */
import type pg from 'pg';

import { parseQueueArn } from '../../core/arn.js';
import { DomainError } from '../../errors/domain.js';
import type { MoveTaskRecord, MoveTaskStartParams, MoveTaskStatus, MoveTaskStepResult, QueueRecord } from '../engine.js';
import {
  cancelMoveTask,
  checkNoActiveMoveTask,
  MOVE_FAILURE,
  moveProblem,
  moveStepBudget,
  moveStepStart,
  moveStepStatus,
  newMoveTask,
  retentionCutoff,
} from '../semantics/index.js';
import type { PgContext } from './context.js';
import { insertedHeads, refreshGroupsLater, touchGroups } from './groups.js';
import { statsOf } from './queues.js';
import { taskRecord, type MessageRow, type MoveTaskRow } from './rows.js';
import {
  Q_MOVE_CANDIDATES,
  Q_MOVE_MESSAGES,
  Q_SOURCE_HAS_MORE,
  Q_TASK_FINISH_STEP,
  Q_TASK_GET,
  Q_TASK_INSERT,
  Q_TASK_LOCK,
  Q_TASK_LOCK_SKIP,
  Q_TASK_SET_STATUS,
  Q_TASKS_ACTIVE,
  Q_TASKS_OF_SOURCE,
} from './sql/moveTasks.js';

/** @see StorageEngine.moveTaskStart */
export function moveTaskStart(ctx: PgContext, p: MoveTaskStartParams): Promise<MoveTaskRecord> {
  return ctx.tx(async (t) => {
    const q = await ctx.queues.mustInTx(t.client, p.sourceQueueId);
    const toMove = (await statsOf(t.client, q, t.now)).visible;
    const rec = newMoveTask(ctx.random.uuid(), { ...p, sourceQueueId: q.id }, toMove, t.now);
    // The partial unique index move_tasks_one_active makes "one active task per queue" hold across
    // nodes: a concurrent second start inserts nothing.
    const r = await t.client.query<MoveTaskRow>(Q_TASK_INSERT, [
      rec.id,
      rec.sourceArn,
      rec.sourceQueueId,
      rec.destinationArn ?? null,
      rec.maxPerSecond ?? null,
      rec.status,
      rec.toMove,
      rec.moved,
      rec.startedAt,
    ]);
    checkNoActiveMoveTask(q.name, !r.rows[0]);
    return taskRecord(r.rows[0]!);
  });
}

/** @see StorageEngine.moveTaskCancel */
export function moveTaskCancel(ctx: PgContext, taskId: string): Promise<MoveTaskRecord> {
  return ctx.tx(async (t) => {
    const row = (await t.client.query<MoveTaskRow>(Q_TASK_LOCK, [taskId])).rows[0];
    const status = cancelMoveTask(row && taskRecord(row), taskId);
    return taskRecord((await t.client.query<MoveTaskRow>(Q_TASK_SET_STATUS, [taskId, status])).rows[0]!);
  });
}

/** @see StorageEngine.moveTaskList */
export async function moveTaskList(ctx: PgContext, sourceArn: string, max: number): Promise<MoveTaskRecord[]> {
  const r = await ctx.one<MoveTaskRow>(Q_TASKS_OF_SOURCE, [sourceArn, Math.max(0, max)]);
  return r.rows.map(taskRecord);
}

/** @see StorageEngine.moveTaskActive */
export async function moveTasksActive(ctx: PgContext): Promise<MoveTaskRecord[]> {
  const r = await ctx.one<MoveTaskRow>(Q_TASKS_ACTIVE);
  return r.rows.map(taskRecord);
}

/** The queue an ARN names in this store, as of now (undefined: not a queue ARN, or no such queue). */
async function queueOfArn(ctx: PgContext, c: pg.ClientBase, arn: string): Promise<QueueRecord | undefined> {
  const a = parseQueueArn(arn);
  return a === undefined ? undefined : ctx.queues.byNameInTx(c, a.accountId, a.name);
}

/** @see StorageEngine.moveTaskStep */
export async function moveTaskStep(ctx: PgContext, taskId: string, maxMessages: number): Promise<MoveTaskStepResult> {
  const srcGroups = new Set<string>();
  let srcId: string | undefined;
  const res = await ctx.tx(async (t) => {
    const c = t.client;
    const locked = await c.query<MoveTaskRow>(Q_TASK_LOCK_SKIP, [taskId]);
    if (!locked.rows[0]) {
      const r = await c.query<MoveTaskRow>(Q_TASK_GET, [taskId]);
      if (!r.rows[0]) throw new DomainError('MoveTaskNotFound', `no move task ${taskId}`);
      return { moved: 0, task: taskRecord(r.rows[0]) };
    }
    const task = taskRecord(locked.rows[0]);
    const finish = async (status: MoveTaskStatus, moved: number, reason?: string): Promise<MoveTaskStepResult> => {
      const r = await c.query<MoveTaskRow>(Q_TASK_FINISH_STEP, [taskId, status, moved, reason ?? null]);
      return { moved, task: taskRecord(r.rows[0]!) };
    };
    const start = moveStepStart(task.status);
    if (start === 'cancel') return finish('CANCELLED', 0);
    if (start === 'idle') return { moved: 0, task };
    const src = await ctx.queues.inTx(c, task.sourceQueueId);
    if (!src) return finish('FAILED', 0, MOVE_FAILURE.sourceGone);
    srcId = src.id;
    const cutoff = retentionCutoff(src, t.now);
    const fixed = task.destinationArn !== undefined;
    const fixedDest = fixed ? await queueOfArn(ctx, c, task.destinationArn!) : undefined;
    if (fixed && !fixedDest) return finish('FAILED', 0, MOVE_FAILURE.destinationGone);
    const rows = (await c.query<MessageRow>(Q_MOVE_CANDIDATES, [src.id, t.now, cutoff, moveStepBudget(task, maxMessages)])).rows;
    // Resolve destinations first so a failure moves nothing past it.
    const plan: Array<{ row: MessageRow; dest: QueueRecord }> = [];
    const destCache = new Map<string, QueueRecord | undefined>();
    let failure: string | undefined;
    for (const row of rows) {
      let dest = fixedDest;
      if (!fixed && row.dl_source_arn !== null) {
        if (!destCache.has(row.dl_source_arn)) destCache.set(row.dl_source_arn, await queueOfArn(ctx, c, row.dl_source_arn));
        dest = destCache.get(row.dl_source_arn);
      }
      failure = moveProblem(dest, fixed, row.group_id);
      if (failure !== undefined) break;
      plan.push({ row, dest: dest! });
    }
    const byDest = new Map<string, { dest: QueueRecord; ids: number[] }>();
    for (const { row, dest } of plan) {
      let e = byDest.get(dest.id);
      if (!e) byDest.set(dest.id, (e = { dest, ids: [] }));
      e.ids.push(row.id);
      if (src.fifo && row.group_id !== null) srcGroups.add(row.group_id);
    }
    for (const { dest, ids } of byDest.values()) {
      // A new message in its destination: new id and sequence number, counters reset, sent now.
      const base = dest.fifo ? await ctx.queues.reserveSeq(c, dest.id, ids.length) : null;
      const ins = await c.query<{ group_id: string | null; seq: number | null }>(Q_MOVE_MESSAGES, [
        ids,
        dest.id,
        base,
        t.now,
        ids.map(() => ctx.random.uuid()),
      ]);
      if (dest.fifo) await touchGroups(c, dest.id, insertedHeads(ins.rows, t.now));
      t.wakes.add(dest.id);
    }
    const moved = plan.length;
    if (failure !== undefined) return finish('FAILED', moved, failure);
    const more = await c.query(Q_SOURCE_HAS_MORE, [src.id, t.now, cutoff]);
    return finish(moveStepStatus(task, moved, more.rows.length > 0), moved);
  });
  if (srcId !== undefined) await refreshGroupsLater(ctx, srcId, srcGroups);
  return res;
}
