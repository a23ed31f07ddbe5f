/**
 * Durability under kill -9: producers send and a consumer receives and deletes, concurrently, against
 * a real SQLite-backed process; the process is SIGKILLed mid-load and restarted on the same data
 * directory. Every send that was acknowledged must still be there (or have been deleted by an
 * acknowledged delete), and every acknowledged delete must stay deleted.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { makeClient } from '../helpers/clients.js';
import { startFerryProcess } from '../helpers/process.js';

it('kill -9 under load loses no acknowledged send and resurrects no acknowledged delete', { timeout: 120_000 }, async () => {
  const first = await startFerryProcess({ storage: 'sqlite' });
  const dataDir = first.dataDir;
  const client = makeClient('json', first.url);
  const { QueueUrl } = await client.call('CreateQueue', { QueueName: 'crash', Attributes: { VisibilityTimeout: '2' } });
  const fifo = (await client.call('CreateQueue', { QueueName: 'crash.fifo', Attributes: { FifoQueue: 'true', VisibilityTimeout: '2' } })).QueueUrl;

  const ackedSends = new Set<string>();
  const ackedDeletes = new Set<string>();
  /** Deletes sent, acknowledged or not: one cut off by the kill may or may not have committed. */
  const attemptedDeletes = new Set<string>();
  let stop = false;
  let counter = 0;

  const producer = async (p: number) => {
    while (!stop) {
      const ids = Array.from({ length: 5 }, () => `p${p}-${counter++}`);
      try {
        if (p % 2 === 0) {
          await client.call('SendMessageBatch', { QueueUrl, Entries: ids.map((id, i) => ({ Id: `e${i}`, MessageBody: id })) });
        } else {
          await client.call('SendMessageBatch', {
            QueueUrl: fifo,
            Entries: ids.map((id, i) => ({ Id: `e${i}`, MessageBody: id, MessageGroupId: `g${i}`, MessageDeduplicationId: id })),
          });
        }
        for (const id of ids) ackedSends.add(id);
      } catch {
        return; // the process died: unacknowledged sends may or may not be stored
      }
    }
  };
  const consumer = async (url: string) => {
    while (!stop) {
      try {
        const r = await client.call('ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 });
        for (const m of r.Messages ?? []) {
          attemptedDeletes.add(m.Body);
          await client.call('DeleteMessage', { QueueUrl: url, ReceiptHandle: m.ReceiptHandle });
          ackedDeletes.add(m.Body);
        }
      } catch {
        return;
      }
    }
  };

  const work = [0, 1, 2, 3].map(producer).concat([consumer(QueueUrl), consumer(fifo)]);
  await new Promise((r) => setTimeout(r, 1500));
  await first.kill9();
  stop = true;
  await Promise.all(work);
  client.destroy();
  assert.ok(ackedSends.size > 50, `load too small to mean anything: ${ackedSends.size} sends`);
  assert.ok(ackedDeletes.size > 0, 'no deletes happened before the kill');

  const second = await startFerryProcess({ storage: 'sqlite', dataDir });
  try {
    const c2 = makeClient('json', second.url);
    const present = new Map<string, number>();
    for (const url of [`${second.url}/000000000000/crash`, `${second.url}/000000000000/crash.fifo`]) {
      let empties = 0;
      // In-flight messages at the kill become visible after their 2 s timeout: poll past that.
      while (empties < 2) {
        const r = await c2.call('ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 3, VisibilityTimeout: 600 });
        if (!r.Messages?.length) {
          empties++;
          continue;
        }
        empties = 0;
        for (const m of r.Messages) present.set(m.Body, (present.get(m.Body) ?? 0) + 1);
        // Delete what was read: on the FIFO queue an in-flight message locks the rest of its group.
        await c2.call('DeleteMessageBatch', {
          QueueUrl: url,
          Entries: r.Messages.map((m: { ReceiptHandle: string }, i: number) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
        });
      }
    }
    c2.destroy();
    const lost = [...ackedSends].filter((id) => !present.has(id) && !attemptedDeletes.has(id));
    // At most the deletes in flight at the kill are unacknowledged: the allowance cannot hide real loss.
    assert.ok(attemptedDeletes.size - ackedDeletes.size <= 2, `${attemptedDeletes.size - ackedDeletes.size} unacknowledged deletes`);
    const resurrected = [...ackedDeletes].filter((id) => present.has(id));
    const std = lost.filter((id) => Number(id.slice(1, id.indexOf('-'))) % 2 === 0).length;
    assert.deepEqual(
      lost,
      [],
      `lost ${lost.length} acknowledged sends of ${ackedSends.size} (${std} standard, ${lost.length - std} FIFO; ${ackedDeletes.size} deletes acknowledged)`,
    );
    assert.deepEqual(resurrected, [], `${resurrected.length} acknowledged deletes came back`);
  } finally {
    await second.stop();
    second.cleanup();
    (await import('node:fs')).rmSync(dataDir, { recursive: true, force: true });
  }
});
