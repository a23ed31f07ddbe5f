/**
 * `ferry import` into the SQLite store a `ferry serve` is serving, with producers and a consumer running
 * (README, "What the SQLite lock means for a serving Ferry"): the import holds the store's write lock
 * from its first write to its commit, so the server's writes wait for it (the busy timeout, 5 s) and
 * then fail. What must hold: every failure a client sees is the retryable 503 ServiceUnavailable — never
 * a 500, a hang or a dropped connection; the import completes; every send acknowledged before, during or
 * after it is in the store exactly once and no acknowledged delete comes back; and once the import has
 * committed, writes succeed again at once. An import of this size holds the lock for about a second here, so
 * the server's writes wait rather than fail; a longer one (the lock held past the 5 s busy timeout) is
 * played by this test holding the store's write lock itself for 6.5 s (`BEGIN IMMEDIATE`, as the import
 * does): then writes fail with 503 and succeed again once it is released.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';

import Database from 'better-sqlite3';

import { MAIN, startFerryProcess } from '../helpers/process.js';
import { exportFile } from './importFile.js';

const STANDARD = 60_000;
const FIFO = 10_000;

interface Failure {
  name: string;
  status: number | undefined;
}

describe('ferry import into a serving SQLite store', () => {
  it('the server answers only 503s while the import holds the lock; nothing acknowledged is lost', { timeout: 240_000 }, async () => {
    const work = mkdtempSync(join(tmpdir(), 'ferry-import-serving-'));
    const f = await startFerryProcess({ dataDir: join(work, 'data') });
    try {
      // One attempt per call, so the test sees each answer (the SDKs would retry a 503).
      const sqs = new SQSClient({
        endpoint: f.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
      });
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'live' }));
      const acked = new Set<string>();
      const deleted = new Set<string>();
      /** Received messages whose delete failed (a 503 while the lock was held): body → that receipt. */
      const undeleted = new Map<string, string>();
      const failures: Failure[] = [];
      let slowest = 0;
      let importing = false;
      let duringImport = 0;
      let stop = false;
      const call = async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
        const t0 = performance.now();
        try {
          return await fn();
        } catch (e) {
          const err = e as { name: string; $metadata?: { httpStatusCode?: number } };
          failures.push({ name: err.name, status: err.$metadata?.httpStatusCode });
          return undefined;
        } finally {
          const ms = performance.now() - t0;
          slowest = Math.max(slowest, ms);
          if (importing) duringImport++;
        }
      };
      let n = 0;
      const producer = async (): Promise<void> => {
        while (!stop) {
          const body = `m${n++}`;
          const r = await call(() => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body })));
          if (r) acked.add(body);
        }
      };
      const consumer = async (): Promise<void> => {
        while (!stop) {
          const r = await call(() => sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 })));
          for (const m of r?.Messages ?? []) {
            const d = await call(() => sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle })));
            if (d) deleted.add(m.Body!);
            else undeleted.set(m.Body!, m.ReceiptHandle!);
          }
        }
      };
      const load = Promise.all([producer(), producer(), consumer()]);
      await new Promise((r) => setTimeout(r, 1000));
      const before = acked.size;

      const file = join(work, 'big.jsonl');
      exportFile(file, [
        { name: 'big', messages: STANDARD, prefix: 's' },
        { name: 'big.fifo', messages: FIFO, prefix: 'f' },
      ]);
      importing = true;
      const imp = spawn(process.execPath, [MAIN, 'import', file, '--data-dir', f.dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      imp.stdout.on('data', (b: Buffer) => (out += b.toString()));
      imp.stderr.on('data', (b: Buffer) => (out += b.toString()));
      const [code] = (await once(imp, 'exit')) as [number | null];
      importing = false;
      assert.equal(code, 0, out);
      assert.match(out, new RegExp(`imported 2 queues, ${STANDARD + FIFO} messages`));

      // After the commit, writes go through at once: the next 1.5 s of calls all succeed.
      const settled = async (what: string): Promise<void> => {
        const failedBefore = failures.length;
        const ackedBefore = acked.size;
        await new Promise((r) => setTimeout(r, 1500));
        assert.equal(failures.length - failedBefore, 0, `failures after ${what}`);
        assert.ok(acked.size > ackedBefore, `no send acknowledged after ${what}`);
      };
      await settled('the import committed');
      const importFailures = failures.length;
      const callsDuringImport = duringImport;

      // A lock held past the busy timeout, as a longer import would: writes fail with 503 meanwhile.
      // Taking the lock waits for the server's commit in progress (the producers never stop): with no
      // timeout, BEGIN IMMEDIATE failed with SQLITE_BUSY whenever it landed inside one (a CI flake).
      const lock = new Database(join(f.dataDir, 'ferry.db'), { timeout: 5_000 });
      lock.exec('BEGIN IMMEDIATE');
      await new Promise((r) => setTimeout(r, 6500));
      lock.exec('ROLLBACK');
      lock.close();
      const lockFailures = failures.length - importFailures;
      await settled('the lock was released');
      stop = true;
      await load;

      for (const fl of failures) assert.deepEqual(fl, { name: 'ServiceUnavailable', status: 503 }, JSON.stringify(failures.slice(0, 5)));
      assert.ok(before > 0, 'no send acknowledged before the import');
      assert.ok(callsDuringImport > 0, 'no call was answered while the import ran');
      assert.ok(lockFailures > 0, 'no call failed while the write lock was held for 6.5 s');

      // A message whose delete failed is still in flight (30 s): make it visible for the count below.
      for (const [body, receipt] of undeleted) {
        if (!deleted.has(body)) await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: receipt, VisibilityTimeout: 0 }));
      }
      // Every acknowledged send is there exactly once, unless deleted; no acknowledged delete returns.
      const left = new Map<string, number>();
      for (;;) {
        const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }));
        if (!r.Messages?.length) break;
        for (const m of r.Messages) left.set(m.Body!, (left.get(m.Body!) ?? 0) + 1);
      }
      for (const body of acked) if (!deleted.has(body)) assert.equal(left.get(body), 1, `acknowledged send ${body} lost`);
      for (const body of deleted) assert.equal(left.has(body), false, `acknowledged delete of ${body} undone`);
      for (const [body, count] of left) assert.equal(count, 1, `${body} stored ${count} times`);

      const counts = async (name: string): Promise<string | undefined> => {
        const url = f.url + '/000000000000/' + name;
        const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }));
        return a.Attributes?.ApproximateNumberOfMessages;
      };
      assert.equal(await counts('big'), String(STANDARD));
      assert.equal(await counts('big.fifo'), String(FIFO));
      console.log(
        `import-serving: ${acked.size} sends acknowledged (${before} before the import), ${deleted.size} deletes; ` +
          `${callsDuringImport} calls answered while the import ran, ${importFailures} of them 503s; ` +
          `${lockFailures} 503s while the lock was held (${undeleted.size} of them deletes); slowest call ${Math.round(slowest)} ms`,
      );
      sqs.destroy();
    } finally {
      await f.stop();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
