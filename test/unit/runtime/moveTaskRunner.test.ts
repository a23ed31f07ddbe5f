/**
 * The move-task runner's scheduling, with real timers and a stand-in engine that records when the
 * runner looks for tasks and steps them: a task started on this node is stepped at once, also on a
 * shared store, where an idle runner always has its next look-around (SHARED_IDLE_POLL_MS) pending.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createMoveTaskRunner, SHARED_IDLE_POLL_MS } from '../../../src/runtime/moveTaskRunner.js';
import type { MoveTaskRecord, StorageEngine } from '../../../src/storage/engine.js';

function standIn(shared: boolean) {
  const tasks: MoveTaskRecord[] = [];
  const steps: number[] = [];
  let looks = 0;
  const engine = {
    capabilities: { durable: true, shared },
    async moveTaskActive() {
      looks++;
      return tasks.filter((t) => t.status === 'RUNNING');
    },
    async moveTaskStep(id: string) {
      steps.push(performance.now());
      const t = tasks.find((x) => x.id === id)!;
      t.status = 'COMPLETED';
      return { moved: 1, task: t };
    },
  } as unknown as StorageEngine;
  const task: MoveTaskRecord = {
    id: 't1',
    sourceArn: 'arn:aws:sqs:us-east-1:000000000000:dlq',
    sourceQueueId: 'q',
    status: 'RUNNING',
    toMove: 1,
    moved: 0,
    startedAt: 0,
  };
  return { engine, tasks, steps, task, looks: () => looks };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function untilIdle(looks: () => number, n: number): Promise<void> {
  for (let i = 0; i < 200 && looks() < n; i++) await sleep(5);
}

for (const shared of [true, false]) {
  test(`a task started while the runner is idle is stepped at once (${shared ? 'shared' : 'single-process'} store)`, async () => {
    const s = standIn(shared);
    const runner = createMoveTaskRunner(s.engine);
    runner.start();
    // The first round finds nothing: two looks (the round, then whether anything is active).
    await untilIdle(s.looks, 2);
    await sleep(20);
    assert.equal(s.steps.length, 0);
    s.tasks.push(s.task);
    const kicked = performance.now();
    runner.kick();
    for (let i = 0; i < 100 && s.steps.length === 0; i++) await sleep(10);
    assert.equal(s.steps.length, 1, 'the task was stepped');
    assert.ok(s.steps[0]! - kicked < SHARED_IDLE_POLL_MS / 5, `stepped ${Math.round(s.steps[0]! - kicked)} ms after the kick`);
    await runner.stop();
  });
}

test('a kick does not put off a round that is due sooner, nor run one twice', async () => {
  const s = standIn(true);
  const runner = createMoveTaskRunner(s.engine);
  runner.start();
  runner.kick();
  runner.kick();
  await untilIdle(s.looks, 2);
  await sleep(50);
  // One round (a look, then the look of whether anything is active): the kicks joined the start's round.
  assert.equal(s.looks(), 2);
  await runner.stop();
});
