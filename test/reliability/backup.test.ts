/**
 * `ferry backup` while a producer and a consumer run, and `ferry restore` (real processes, SQLite):
 *  - the backup opens, passes SQLite's full integrity_check, and holds every message whose send was
 *    acknowledged before the backup began (unless a delete of it was attempted meanwhile);
 *  - `ferry restore` refuses while Ferry serves the data directory, and refuses a damaged backup —
 *    changing nothing either time;
 *  - with Ferry stopped it puts the backup in place (the replaced store kept aside), and Ferry started
 *    on it serves exactly the backup's messages: those sent after the backup are gone.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import Database from 'better-sqlite3';
import { makeClient } from '../helpers/clients.js';
import { MAIN, startFerryProcess } from '../helpers/process.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function ferry(...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((res) => {
    execFile(process.execPath, [MAIN, ...args], { timeout: 60_000 }, (err, stdout, stderr) =>
      res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

async function peekBodies(url: string, queue: string): Promise<Set<string>> {
  const bodies = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const u = new URL(`${url}/console/api/queues/${queue}/messages`);
    u.searchParams.set('limit', '100');
    if (cursor !== undefined) u.searchParams.set('cursor', cursor);
    const j = (await (await fetch(u)).json()) as { messages: Array<{ body: string }>; nextCursor?: string };
    for (const m of j.messages) bodies.add(m.body);
    if (j.nextCursor === undefined) return bodies;
    cursor = j.nextCursor;
  }
}

it('ferry backup under load holds every message acknowledged before it began; ferry restore round-trips it', { timeout: 120_000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'ferry-backup-test-'));
  let f = await startFerryProcess({ storage: 'sqlite' });
  const dataDir = f.dataDir;
  try {
    const c = makeClient('json', f.url);
    const url = (await c.call('CreateQueue', { QueueName: 'bk' })).QueueUrl as string;
    const acked = new Set<string>();
    const attemptedDeletes = new Set<string>();
    let stop = false;
    let n = 0;
    const producer = (async () => {
      while (!stop) {
        const ids = Array.from({ length: 10 }, () => `m${n++}-${'x'.repeat(2000)}`);
        await c.call('SendMessageBatch', { QueueUrl: url, Entries: ids.map((b, i) => ({ Id: `e${i}`, MessageBody: b })) });
        for (const b of ids) acked.add(b);
      }
    })();
    const consumer = (async () => {
      while (!stop) {
        const r = await c.call('ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 });
        const msgs = (r.Messages as Array<{ Body: string; ReceiptHandle: string }> | undefined) ?? [];
        // Delete one in three: the queue keeps growing, so the backup has plenty to copy.
        const del = msgs.filter((_, i) => i % 3 === 0);
        for (const m of del) attemptedDeletes.add(m.Body);
        if (del.length)
          await c.call('DeleteMessageBatch', { QueueUrl: url, Entries: del.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) });
      }
    })();
    await sleep(1500);
    const before = new Set(acked);
    const file = join(work, 'ferry-backup.db');
    const b = await ferry('backup', file, '--data-dir', dataDir);
    const duringBackup = acked.size - before.size;
    stop = true;
    await Promise.all([producer, consumer]);
    assert.equal(b.code, 0, b.out);
    assert.match(b.out, /backed up .* pages/);
    assert.ok(before.size > 100, `load too small: ${before.size} sends before the backup`);

    // The backup: full integrity check, and every message acknowledged before it began.
    const db = new Database(file, { readonly: true });
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    db.close();

    // A message sent after the backup: a restore must take it away.
    await c.call('SendMessage', { QueueUrl: url, MessageBody: 'after-backup' });
    c.destroy();

    // Refused while Ferry serves the directory, and for a damaged file; nothing changes.
    const busy = await ferry('restore', file, '--data-dir', dataDir);
    assert.equal(busy.code, 2, busy.out);
    assert.match(busy.out, /open in another process .*Stop it first/);
    const damaged = join(work, 'damaged.db');
    const bytes = readFileSync(file);
    bytes.fill(0x5a, 4096, 12288);
    writeFileSync(damaged, bytes);
    await f.stop();
    const bad = await ferry('restore', damaged, '--data-dir', dataDir);
    assert.equal(bad.code, 2, bad.out);
    assert.match(bad.out, /refusing to restore: .*damaged|refusing to restore: .*cannot be read/);
    assert.deepEqual(
      readdirSync(dataDir).filter((x) => x.includes('before-restore')),
      [],
    );

    // Stopped: the restore puts the backup in place and keeps the replaced store.
    const ok = await ferry('restore', file, '--data-dir', dataDir);
    assert.equal(ok.code, 0, ok.out);
    assert.ok(readdirSync(dataDir).some((x) => x.startsWith('ferry.db.before-restore-')));
    assert.ok(!existsSync(join(dataDir, 'ferry.db-wal')), 'the WAL of the replaced store was left next to the restored file');
    f = await startFerryProcess({ storage: 'sqlite', dataDir });
    const present = await peekBodies(f.url, 'bk');
    const missing = [...before].filter((x) => !present.has(x) && !attemptedDeletes.has(x));
    assert.deepEqual(
      missing.map((x) => x.slice(0, 12)),
      [],
      `${missing.length} of ${before.size} messages acknowledged before the backup are not in it`,
    );
    assert.ok(!present.has('after-backup'), 'the restored store still holds a message sent after the backup');
    process.stderr.write(`# ${before.size} sends acknowledged before the backup, ${duringBackup} during it; ${present.size} messages restored\n`);
  } finally {
    await f.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
});
