/**
 * A damaged, foreign or newer-version database is refused at start with a message that says what to
 * do, and its bytes are left exactly as they were (storage/sqlite/check.ts), on a real process.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { closeSync, cpSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { makeClient } from '../helpers/clients.js';
import { startFerryProcess } from '../helpers/process.js';

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

/** Start Ferry on `dir`; it must exit (code 2) before listening. Returns its output. */
async function refused(dir: string): Promise<string> {
  try {
    const p = await startFerryProcess({ storage: 'sqlite', dataDir: dir, timeoutMs: 15_000 });
    await p.stop();
    assert.fail('ferry started on a store it should have refused');
  } catch (e) {
    const m = (e as Error).message;
    assert.match(m, /exited with 2 before listening/, m);
    return m;
  }
}

describe('start-up check of the SQLite store', () => {
  let good: string;
  before(async () => {
    const p = await startFerryProcess({ storage: 'sqlite' });
    const c = makeClient('json', p.url);
    const { QueueUrl } = await c.call<{ QueueUrl: string }>('CreateQueue', { QueueName: 'q' });
    for (let i = 0; i < 50; i++) await c.call('SendMessage', { QueueUrl, MessageBody: `m${i}`.padEnd(2000, 'x') });
    c.destroy();
    assert.equal(await p.stop(), 0);
    good = p.dataDir;
    assert.ok(!existsSync(join(good, 'ferry.db-wal')), 'a clean stop leaves no WAL');
  });
  after(() => rmSync(good, { recursive: true, force: true }));

  const copy = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-corrupt-'));
    cpSync(join(good, 'ferry.db'), join(dir, 'ferry.db'));
    // The key ring of the store (SSE-SQS is on by default: its bodies need their managed key).
    cpSync(join(good, 'keyring.json'), join(dir, 'keyring.json'));
    return dir;
  };

  it('a store written by a newer Ferry is refused, unchanged', async () => {
    const dir = copy();
    try {
      const db = new Database(join(dir, 'ferry.db'));
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, ?, 0)').run('from the future');
      db.close();
      const before = sha(join(dir, 'ferry.db'));
      const out = await refused(dir);
      assert.match(out, /written by a newer Ferry \(schema version 99; this Ferry knows up to \d+\)/);
      assert.match(out, /changed nothing/);
      assert.equal(sha(join(dir, 'ferry.db')), before, 'the file was changed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a damaged store (garbage over a b-tree page) is refused, unchanged', async () => {
    const dir = copy();
    try {
      const f = join(dir, 'ferry.db');
      const fd = openSync(f, 'r+');
      // Page 3 onwards (4 KiB pages): b-tree pages of the schema's tables.
      writeSync(fd, Buffer.alloc(4096 * 2, 0xa5), 0, 4096 * 2, 4096 * 2);
      closeSync(fd);
      const before = sha(f);
      const out = await refused(dir);
      assert.match(out, /is damaged \(SQLite quick_check|cannot be read as a SQLite database/);
      assert.match(out, /Restore the database from a backup/);
      assert.equal(sha(f), before, 'the file was changed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a file that is not a SQLite database is refused, unchanged', async () => {
    const dir = copy();
    try {
      const f = join(dir, 'ferry.db');
      const fd = openSync(f, 'r+');
      writeSync(fd, Buffer.from('this is not a database'), 0, 22, 0);
      closeSync(fd);
      const before = sha(f);
      const out = await refused(dir);
      assert.match(out, /is not a SQLite database \(its header is wrong\)/);
      assert.equal(sha(f), before, 'the file was changed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the intact copy starts and still holds its messages', async () => {
    const dir = copy();
    const p = await startFerryProcess({ storage: 'sqlite', dataDir: dir });
    try {
      const c = makeClient('json', p.url);
      const r = await c.call<{ Attributes: Record<string, string> }>('GetQueueAttributes', {
        QueueUrl: `${p.url}/000000000000/q`,
        AttributeNames: ['ApproximateNumberOfMessages'],
      });
      assert.equal(r.Attributes.ApproximateNumberOfMessages, '50');
      c.destroy();
    } finally {
      await p.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
