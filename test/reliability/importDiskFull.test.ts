/**
 * `ferry import` into SQLite on a disk too small for it, while `ferry serve` serves the same data
 * directory (a real 32 MiB tmpfs; needs root). The import runs in its own process: the serving
 * Ferry's disk guard cannot hear of its SQLITE_FULL, and the import's pages stay in the WAL file after
 * its rollback — SQLite keeps that file at its largest — so before, the disk stayed full for the
 * serving Ferry (its guard only saw the space low; measured: WAL 29 MB, 0 bytes free after the failed
 * import). Now the import fails with a message that says so, the store holds nothing of it, the WAL is
 * checkpointed and truncated (in the space of the serving Ferry's reserve, made again afterwards), and
 * the serving Ferry goes on with its disk as before.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { makeClient } from '../helpers/clients.js';
import { MAIN, startFerryProcess, type FerryProcess } from '../helpers/process.js';
import { peekAll } from './campaigns/crashLoop.js';
import { cannotMount, unmountTmpfs } from './campaigns/diskFull.js';

const A = '000000000000';
const RESERVE = 4 << 20;
const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An export file (format 1): queue `name` with `n` visible messages of about 2 KB. */
function exportFile(path: string, name: string, n: number): void {
  const now = Date.now();
  const lines = [
    JSON.stringify({ ferry: 'export', format: 1, version: 'test', at: now, exportedAt: new Date(now).toISOString(), storage: 'sqlite' }),
  ];
  lines.push(
    JSON.stringify({
      type: 'queue',
      account: A,
      name,
      fifo: false,
      attributes: { VisibilityTimeout: '30' },
      tags: {},
      createdAt: now,
      lastModifiedAt: now,
      dedupScope: 'queue',
    }),
  );
  for (let i = 0; i < n; i++) {
    const body = `${name} ${i} `.padEnd(2000, 'y');
    lines.push(
      JSON.stringify({
        type: 'message',
        account: A,
        queue: name,
        messageId: `${name}-${i}`,
        body,
        md5OfBody: md5(body),
        messageAttributes: {},
        systemAttributes: {},
        senderId: 'AIDIMPORT',
        sentAt: now,
        state: 'visible',
        visibleAt: now,
        receiveCount: 0,
      }),
    );
  }
  lines.push(JSON.stringify({ type: 'end', queues: 1, messages: n, dedup: 0 }));
  writeFileSync(path, lines.join('\n') + '\n');
}

function ferry(...args: string[]): Promise<{ code: number; err: string }> {
  return new Promise((res) => {
    execFile(process.execPath, [MAIN, ...args], { timeout: 120_000, maxBuffer: 64 << 20 }, (err, _out, stderr) =>
      res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, err: stderr }),
    );
  });
}

it(
  'an import that fills the disk fails cleanly, leaves the store as it was and gives the space back',
  { skip: cannotMount(), timeout: 180_000 },
  async () => {
    const mnt = mkdtempSync(join(tmpdir(), 'ferry-importfull-'));
    const files = mkdtempSync(join(tmpdir(), 'ferry-importfull-files-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=32m', 'tmpfs', mnt]);
    const free = () => {
      const s = statfsSync(mnt);
      return Number(s.bavail) * Number(s.bsize);
    };
    let f: FerryProcess | undefined;
    try {
      f = await startFerryProcess({
        storage: 'sqlite',
        dataDir: mnt,
        args: ['--disk-reserve-bytes', String(RESERVE), '--disk-low-bytes', String(8 << 20), '--metrics', 'off'],
      });
      const c = makeClient('json', f.url);
      const { QueueUrl } = await c.call<{ QueueUrl: string }>('CreateQueue', { QueueName: 'keep' });
      for (let i = 0; i < 20; i++) await c.call('SendMessage', { QueueUrl, MessageBody: `k${i}` });
      const freeBefore = free();

      // ~40 MB of messages for ~28 MiB free: the import fills the disk.
      const big = join(files, 'big.jsonl');
      exportFile(big, 'big', 20_000);
      const r = await ferry('import', big, '--data-dir', mnt);
      process.stderr.write(`# import: exit ${r.code}; ${r.err.trim().split('\n').join(' | ')}\n`);
      const wal = statSync(join(mnt, 'ferry.db-wal')).size;
      process.stderr.write(`# after: ${free()} bytes free (${freeBefore} before the import), WAL ${wal} bytes\n`);
      assert.notEqual(r.code, 0);
      assert.match(r.err, /disk full: the import does not fit on the file system of the data directory/);
      assert.match(r.err, /nothing of it was imported, and the space it took was given back/);

      // Nothing of it in the store; the serving Ferry's queue as it was.
      const queues = (await c.call<{ QueueUrls?: string[] }>('ListQueues', {})).QueueUrls ?? [];
      assert.deepEqual(
        queues.map((u) => u.slice(u.lastIndexOf('/') + 1)),
        ['keep'],
      );
      assert.equal((await peekAll(f.url, 'keep')).length, 20);
      // The space is back (the WAL truncated), and the serving Ferry's reserve is there again.
      assert.ok(wal < 1 << 20, `WAL still ${wal} bytes`);
      assert.ok(free() > freeBefore - (2 << 20), `${free()} bytes free, ${freeBefore} before the import`);
      assert.ok(existsSync(join(mnt, 'ferry.reserve')) && statSync(join(mnt, 'ferry.reserve')).size === RESERVE, 'the reserve is gone');

      // The serving Ferry goes on: sends and receives, and its disk guard does not say full.
      await c.call('SendMessage', { QueueUrl, MessageBody: 'after' });
      const got = await c.call<{ Messages?: unknown[] }>('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10 });
      assert.equal(got.Messages?.length, 10);
      await sleep(1200); // one free-space check of the guard
      const h = (await (await fetch(`${f.url}/health`)).json()) as { storage?: { disk?: { state: string } } };
      assert.notEqual(h.storage?.disk?.state, 'full');

      // An import that fits goes through.
      const small = join(files, 'small.jsonl');
      exportFile(small, 'small', 1000);
      const ok = await ferry('import', small, '--data-dir', mnt);
      assert.equal(ok.code, 0, ok.err);
      assert.equal((await peekAll(f.url, 'small')).length, 1000);
      c.destroy();
    } finally {
      await f?.stop().catch(() => undefined);
      f?.cleanup();
      await unmountTmpfs(mnt, 50);
      rmSync(files, { recursive: true, force: true });
    }
  },
);
