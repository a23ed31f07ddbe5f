/**
 * The memory engine's message move tasks (StartMessageMoveTask & co.). States, transitions, the step
 * budget, why a message cannot move and the FailureReason texts are storage/semantics/moveTasks.ts;
 * this file finds the messages and moves them.
 */

import { DomainError } from '../../errors/domain.js';
import type { MoveTaskRecord, MoveTaskStartParams, MoveTaskStepResult } from '../engine.js';
import {
  cancelMoveTask,
  checkNoActiveMoveTask,
  MOVE_FAILURE,
  moveProblem,
  moveStepBudget,
  moveStepStart,
  moveStepStatus,
  moveTaskActive,
  newMoveTask,
  sequenceNumber,
} from '../semantics/index.js';
import { Msg, type QueueState } from './model.js';
import type { Store, TaskState } from './store.js';

export function startTask(s: Store, p: MoveTaskStartParams): MoveTaskRecord {
  const q = s.queue(p.sourceQueueId);
  let active = false;
  for (const t of s.tasks.values()) if (t.rec.sourceQueueId === p.sourceQueueId && moveTaskActive(t.rec.status)) active = true;
  checkNoActiveMoveTask(q.rec.name, active);
  const now = s.clock.now();
  s.settle(q, now);
  const rec = newMoveTask(s.random.uuid(), p, q.nReady, now);
  s.tasks.set(rec.id, { rec, ordinal: ++s.taskOrdinal });
  return { ...rec };
}

export function cancelTask(s: Store, taskId: string): MoveTaskRecord {
  s.ensureOpen();
  const t = s.tasks.get(taskId);
  const status = cancelMoveTask(t?.rec, taskId);
  t!.rec.status = status;
  return { ...t!.rec };
}

/** Tasks of a source, newest first (then most recently created first), at most `max`. */
export function listTasks(s: Store, sourceArn: string, max: number): MoveTaskRecord[] {
  s.ensureOpen();
  const list: TaskState[] = [];
  for (const t of s.tasks.values()) if (t.rec.sourceArn === sourceArn) list.push(t);
  list.sort((a, b) => b.rec.startedAt - a.rec.startedAt || b.ordinal - a.ordinal);
  return list.slice(0, Math.max(0, max)).map((t) => ({ ...t.rec }));
}

export function activeTasks(s: Store): MoveTaskRecord[] {
  s.ensureOpen();
  const out: MoveTaskRecord[] = [];
  for (const t of s.tasks.values()) if (moveTaskActive(t.rec.status)) out.push({ ...t.rec });
  return out;
}

export function stepTask(s: Store, taskId: string, maxMessages: number): MoveTaskStepResult {
  s.ensureOpen();
  const t = s.tasks.get(taskId);
  if (t === undefined) throw new DomainError('MoveTaskNotFound', `no move task ${taskId}`);
  const task = t.rec;
  switch (moveStepStart(task.status)) {
    case 'cancel':
      task.status = 'CANCELLED';
      return { moved: 0, task: { ...task } };
    case 'idle':
      return { moved: 0, task: { ...task } };
    case 'run':
      break;
  }

  // (Unreachable today: deleting a queue deletes its tasks. Kept so the rule holds if that changes.)
  const q = s.byId.get(task.sourceQueueId);
  if (q === undefined) return fail(task, MOVE_FAILURE.sourceGone, 0);
  const fixedDestination = task.destinationArn !== undefined;
  let fixed: QueueState | undefined;
  if (fixedDestination) {
    fixed = s.queueByArn(task.destinationArn!);
    if (fixed === undefined) return fail(task, moveProblem(undefined, true, undefined)!, 0);
  }
  const now = s.clock.now();
  s.settle(q, now);

  const budget = moveStepBudget(task, maxMessages);
  let moved = 0;
  const woken = new Set<string>();
  while (moved < budget) {
    const m = s.peekMovable(q);
    if (m === undefined) break;
    const dest = fixed ?? (m.deadLetterSourceArn === undefined ? undefined : s.queueByArn(m.deadLetterSourceArn));
    const problem = moveProblem(dest?.rec, fixedDestination, m.groupId);
    if (problem !== undefined) {
      // Messages moved before the failure stay moved.
      task.moved += moved;
      s.emitAll(woken);
      return fail(task, problem, moved);
    }
    moveOne(s, q, m, dest!, now);
    woken.add(dest!.id);
    moved++;
  }
  task.status = moveStepStatus(task, moved, s.peekMovable(q) !== undefined);
  task.moved += moved;
  s.emitAll(woken);
  return { moved, task: { ...task } };
}

/** A moved message is a new message in its destination: new id and sequence, count 0, sent now. */
function moveOne(s: Store, q: QueueState, m: Msg, dest: QueueState, now: number): void {
  s.dropMessage(q, m);
  const seq = ++s.seq;
  const copy = new Msg(
    ++s.refCounter,
    seq,
    s.random.uuid(),
    m.body,
    m.md5OfBody,
    m.messageAttributes,
    m.md5OfMessageAttributes,
    m.systemAttributes,
    m.md5OfMessageSystemAttributes,
    m.senderId,
    now,
    0,
    0,
    m.groupId,
    dest.fifo ? m.dedupId : undefined,
    dest.fifo ? sequenceNumber(seq) : undefined,
    undefined,
  );
  s.insert(dest, copy, now, 0);
}

function fail(task: MoveTaskRecord, reason: string, moved: number): MoveTaskStepResult {
  task.status = 'FAILED';
  task.failureReason = reason;
  return { moved, task: { ...task } };
}
