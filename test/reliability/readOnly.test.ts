/**
 * A read-only data directory, for real: a store written on a tmpfs of its own, the tmpfs remounted
 * read-only (`mount -o remount,ro`; Linux refuses that while a file on it is open for writing, so Ferry
 * is stopped — or killed — first), and Ferry started on it:
 *  - it starts, says so (log line, `/health` storage.disk.state `read-only`);
 *  - every change is refused with ServiceUnavailable (HTTP 503, which the SDKs retry; AWS's message for
 *    it), on both protocols;
 *  - reads keep serving: ListQueues, GetQueueUrl, GetQueueAttributes (with the right counts) and the
 *    console's peek, which shows every message;
 *  - the files are left as they were.
 * Twice: after a clean stop (no -wal/-shm left: the database is read into memory) and after kill -9
 * (the -wal with committed transactions left: opened in place, read-only).
 * Needs root (mount). The clean-stop case found that a WAL-mode file could not be read into memory
 * (SQLITE_CANTOPEN: Ferry refused to start); check.ts openReadOnly now marks the copy as a
 * rollback-journal file.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { createHash } from 'node:crypto';
import { expectError, makeClient } from '../helpers/clients.js';
import { startFerryProcess } from '../helpers/process.js';
import { cannotMount } from './campaigns/diskFull.js';

const digest = (dir: string) =>
  readdirSync(dir)
    .sort()
    .map(
      (f) =>
        `${f}:${createHash('sha256')
          .update(readFileSync(join(dir, f)))
          .digest('hex')}`,
    );

for (const how of ['stopped cleanly', 'killed -9'] as const) {
  it(
    `read-only data directory (Ferry ${how} before the remount): writes refused with a retryable 503, reads served`,
    { skip: cannotMount(), timeout: 90_000 },
    async () => {
      const mnt = mkdtempSync(join(tmpdir(), 'ferry-ro-'));
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', mnt]);
      let f: Awaited<ReturnType<typeof startFerryProcess>> | undefined;
      try {
        f = await startFerryProcess({ storage: 'sqlite', dataDir: mnt, args: ['--disk-reserve-bytes', '0'] });
        const c = makeClient('json', f.url);
        const url = (await c.call('CreateQueue', { QueueName: 'ro', Attributes: { VisibilityTimeout: '30' } })).QueueUrl as string;
        for (let i = 0; i < 5; i++) await c.call('SendMessage', { QueueUrl: url, MessageBody: `m${i}` });
        await c.call('ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 1 }); // one in flight
        c.destroy();
        if (how === 'stopped cleanly') await f.stop();
        else await f.kill9();
        const files = readdirSync(mnt);
        if (how === 'killed -9') assert.ok(files.includes('ferry.db-wal'), `no -wal after kill -9: ${files.join(', ')}`);
        else assert.ok(!files.includes('ferry.db-wal'), `a -wal after a clean stop: ${files.join(', ')}`);
        execFileSync('mount', ['-o', 'remount,ro', mnt]);
        const before = digest(mnt);

        f = await startFerryProcess({ storage: 'sqlite', dataDir: mnt, args: ['--disk-reserve-bytes', '0'] });
        assert.match(f.output(), /data directory is read-only: serving reads only/);
        const h = (await (await fetch(`${f.url}/health`)).json()) as { storage?: { disk?: { state: string } } };
        assert.equal(h.storage?.disk?.state, 'read-only');
        for (const protocol of ['json', 'query'] as const) {
          const k = makeClient(protocol, f.url);
          const q: string = `${f.url}/000000000000/ro`;
          // Reads.
          const list = (await k.call('ListQueues', {})) as { QueueUrls?: string[] };
          assert.deepEqual(list.QueueUrls, [q]);
          assert.equal((await k.call('GetQueueUrl', { QueueName: 'ro' })).QueueUrl, q);
          const attrs = (await k.call('GetQueueAttributes', { QueueUrl: q, AttributeNames: ['All'] })).Attributes as Record<string, string>;
          assert.equal(attrs.ApproximateNumberOfMessages, '4');
          assert.equal(attrs.ApproximateNumberOfMessagesNotVisible, '1');
          // Changes: a retryable 503 each.
          for (const [action, input] of [
            ['SendMessage', { QueueUrl: q, MessageBody: 'x' }],
            ['ReceiveMessage', { QueueUrl: q }],
            ['CreateQueue', { QueueName: 'other' }],
            ['PurgeQueue', { QueueUrl: q }],
            ['SetQueueAttributes', { QueueUrl: q, Attributes: { DelaySeconds: '1' } }],
          ] as const) {
            const e = await expectError(k.call(action, input));
            assert.equal(e.status, 503, `${protocol} ${action}: ${JSON.stringify(e)}`);
            assert.equal(e.queryCode, 'ServiceUnavailable', `${protocol} ${action}: ${JSON.stringify(e)}`);
          }
          k.destroy();
        }
        const peek = (await (await fetch(`${f.url}/console/api/queues/ro/messages?limit=100`)).json()) as { messages: Array<{ body: string }> };
        assert.deepEqual(peek.messages.map((m) => m.body).sort(), ['m0', 'm1', 'm2', 'm3', 'm4']);
        assert.equal((await f.stop()) ?? 0, 0);
        f = undefined;
        assert.deepEqual(digest(mnt), before, 'the read-only store changed');
      } finally {
        if (f) await f.kill9();
        execFileSync('umount', [mnt]);
        rmSync(mnt, { recursive: true, force: true });
      }
    },
  );
}
