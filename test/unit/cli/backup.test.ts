/** `ferry backup <file>`: its arguments (flags and environment as for serve), the copy, and its refusals. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';

import { backupCommand } from '../../../src/cli/backup.js';
import { ConfigError } from '../../../src/config/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'ferry-backup-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const lines: string[] = [];
  await backupCommand(args, (l) => lines.push(l), env);
  return lines;
}

/** A small SQLite store at <dataDir>/ferry.db (the copy is page-level: any tables will do). */
function makeStore(dataDir: string, rows: number): void {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'ferry.db'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
  const ins = db.prepare('INSERT INTO t (body) VALUES (?)');
  for (let i = 0; i < rows; i++) ins.run(`message ${i}`);
  db.close();
}

const usageError = (re: RegExp) => (e: unknown) => e instanceof ConfigError && re.test(e.message) && /Usage: ferry backup/.test(e.message);

describe('ferry backup', () => {
  const dataDir = join(dir, 'data');
  makeStore(dataDir, 50);

  it('copies <data-dir>/ferry.db (from --data-dir) into the file, checked and complete', async () => {
    const target = join(dir, 'copy1.db');
    const out = await run([target, '--data-dir', dataDir]);
    assert.equal(out.length, 1);
    assert.match(
      out[0]!,
      new RegExp(`^backed up ${join(dataDir, 'ferry.db')} to ${target} \\(\\d+ pages, \\d+ ms\\); keep ${join(dataDir, 'keyring.json')} with it$`),
    );
    const db = new Database(target, { readonly: true });
    assert.equal((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 50);
    db.close();
    assert.equal(existsSync(`${target}.tmp`), false);
  });

  it('takes the data directory from the environment and the config file too, as serve does', async () => {
    const viaEnv = join(dir, 'copy-env.db');
    await run([viaEnv], { FERRY_DATA_DIR: dataDir });
    assert.ok(existsSync(viaEnv));
    const file = join(dir, 'ferry.json');
    writeFileSync(file, JSON.stringify({ dataDir }));
    const viaFile = join(dir, 'copy-file.db');
    await run([viaFile, '--config', file]);
    assert.ok(existsSync(viaFile));
  });

  it('refuses: unknown flags and a missing or extra file name (with the usage), other storages, no store, an existing file', async () => {
    await assert.rejects(run([join(dir, 'x.db'), '--nope', '--data-dir', dataDir]), usageError(/Unknown option '--nope'/));
    await assert.rejects(run(['--data-dir', dataDir]), usageError(/needs one file name/));
    await assert.rejects(run(['a.db', 'b.db', '--data-dir', dataDir]), usageError(/needs one file name/));
    await assert.rejects(
      run([join(dir, 'x.db'), '--storage', 'memory']),
      /copies a SQLite store; with --storage memory use the database's own tools/,
    );
    await assert.rejects(run([join(dir, 'x.db'), '--data-dir', join(dir, 'empty')]), /^ConfigError: no store at /);
    const existing = join(dir, 'copy1.db');
    await assert.rejects(run([existing, '--data-dir', dataDir]), /exists: Ferry does not overwrite a backup/);
    await assert.rejects(
      run([join(dir, 'x.db'), '--port', 'many', '--data-dir', dataDir]),
      (e: unknown) => e instanceof ConfigError && /port/.test(e.message),
    );
    assert.equal(existsSync(join(dir, 'x.db')), false);
  });
});
