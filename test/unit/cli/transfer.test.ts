/**
 * `ferry export` and message move tasks: tasks are not part of an export, so each one still running or
 * cancelling is named (source and destination) in one warning line on stderr; finished ones are not.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { exportCommand } from '../../../src/cli/transfer.js';
import { systemClock } from '../../../src/core/clock.js';
import { systemRandom } from '../../../src/core/random.js';
import { SqliteEngine } from '../../../src/storage/sqlite/index.js';

const dir = mkdtempSync(join(tmpdir(), 'ferry-export-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const ARN = 'arn:aws:sqs:us-east-1:000000000000';

async function exportTo(dataDir: string, name: string): Promise<{ out: string[]; warn: string[]; file: string }> {
  const out: string[] = [];
  const warn: string[] = [];
  const file = join(dir, name);
  await exportCommand(
    [file, '--data-dir', dataDir],
    (l) => out.push(l),
    {},
    (l) => warn.push(l),
  );
  return { out, warn, file };
}

describe('ferry export and move tasks', () => {
  it('warns once per running or cancelling move task, naming its source and destination; not for ended ones', async () => {
    const dataDir = join(dir, 'data');
    const engine = new SqliteEngine({ path: join(dataDir, 'ferry.db'), clock: systemClock, random: systemRandom });
    await engine.init();
    const mk = async (name: string) =>
      (
        await engine.queueCreate({
          accountId: '000000000000',
          name,
          fifo: false,
          attributes: { SqsManagedSseEnabled: 'false' },
          tags: {},
          reuseDelayMs: 0,
        })
      ).queue;
    const dlq1 = await mk('dlq1');
    const dlq2 = await mk('dlq2');
    const dlq3 = await mk('dlq3');
    const target = await mk('target');
    await engine.messageSend({
      queueId: dlq1.id,
      messages: [
        {
          messageId: 'm1',
          body: 'b',
          md5OfBody: '92eb5ffee6ae2fec3ad71c777531578f',
          messageAttributes: {},
          systemAttributes: {},
          delayMs: 0,
          senderId: 'S',
        },
      ],
      dedupWindowMs: 300_000,
    });
    // RUNNING, to a destination; CANCELLING, back to each message's source; COMPLETED (dlq3 is empty).
    await engine.moveTaskStart({ sourceQueueId: dlq1.id, sourceArn: `${ARN}:dlq1`, destinationArn: `${ARN}:target` });
    const cancelling = await engine.moveTaskStart({ sourceQueueId: dlq2.id, sourceArn: `${ARN}:dlq2` });
    await engine.moveTaskCancel(cancelling.id);
    const done = await engine.moveTaskStart({ sourceQueueId: dlq3.id, sourceArn: `${ARN}:dlq3`, destinationArn: `${ARN}:target` });
    assert.equal((await engine.moveTaskStep(done.id, 10)).task.status, 'COMPLETED');
    assert.ok(target.id);
    await engine.close();

    const r = await exportTo(dataDir, 'with-tasks.jsonl');
    assert.deepEqual(r.warn, [
      `ferry export: warning: the message move task from ${ARN}:dlq1 to ${ARN}:target is RUNNING (0 of 1 moved); ` +
        'move tasks are not exported: messages not moved yet are exported in the source queue, and the import does not resume the task',
      `ferry export: warning: the message move task from ${ARN}:dlq2 to each message's original source queue is CANCELLING (0 of 0 moved); ` +
        'move tasks are not exported: messages not moved yet are exported in the source queue, and the import does not resume the task',
    ]);
    assert.equal(r.out.length, 1);
    assert.match(r.out[0]!, /^exported 4 queues, 1 messages and 0 deduplication entries to /);
    // The file has no trace of the tasks: queues and the message only.
    const types = readFileSync(r.file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { type?: string }).type ?? 'header');
    assert.deepEqual(types, ['header', 'queue', 'message', 'queue', 'queue', 'queue', 'end']);
  });

  it('prints no warning when no task is running', async () => {
    const dataDir = join(dir, 'quiet');
    const engine = new SqliteEngine({ path: join(dataDir, 'ferry.db'), clock: systemClock, random: systemRandom });
    await engine.init();
    await engine.queueCreate({ accountId: '000000000000', name: 'q', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
    await engine.close();
    const r = await exportTo(dataDir, 'quiet.jsonl');
    assert.deepEqual(r.warn, []);
    assert.equal(r.out.length, 1);
  });
});
