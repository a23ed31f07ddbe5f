/** `ferry restore <file>`: its arguments (the shared parseCommandArgs: flags, environment, config file) and its refusals. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { restoreCommand } from '../../../src/cli/restore.js';
import { ConfigError } from '../../../src/config/schema.js';
import { SqliteEngine } from '../../../src/storage/sqlite/index.js';
import { ManualClock } from '../../../src/core/clock.js';
import { SeededRandom } from '../../../src/core/random.js';

const dir = mkdtempSync(join(tmpdir(), 'ferry-restore-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const lines: string[] = [];
  await restoreCommand(args, (l) => lines.push(l), env);
  return lines;
}

const usageError = (re: RegExp) => (e: unknown) => e instanceof ConfigError && re.test(e.message) && /Usage: ferry restore/.test(e.message);

describe('ferry restore', () => {
  it('restores a Ferry store into the data directory from --data-dir, the environment and the config file', async () => {
    const backup = join(dir, 'backup.db');
    const engine = new SqliteEngine({ path: backup, clock: new ManualClock(), random: new SeededRandom('restore-test') });
    await engine.init();
    await engine.close();
    const viaFlag = join(dir, 'a');
    const out = await run([backup, '--data-dir', viaFlag]);
    assert.match(out[0]!, /^restored .*backup\.db to .*ferry\.db\. Start Ferry with the key ring/);
    assert.ok(existsSync(join(viaFlag, 'ferry.db')));
    const viaEnv = join(dir, 'b');
    await run([backup], { FERRY_DATA_DIR: viaEnv });
    assert.ok(existsSync(join(viaEnv, 'ferry.db')));
    const file = join(dir, 'ferry.json');
    const viaFile = join(dir, 'c');
    writeFileSync(file, JSON.stringify({ dataDir: viaFile }));
    await run([backup, '--config', file]);
    assert.ok(existsSync(join(viaFile, 'ferry.db')));
    // Again over the first: the replaced store is kept aside.
    await run([backup, '--data-dir', viaFlag]);
    assert.equal(readdirSync(viaFlag).filter((f) => f.startsWith('ferry.db.before-restore-')).length, 1);
  });

  it('refuses, changing nothing: unknown flags and a missing or extra file name (with the usage), other storages, no backup, not a store', async () => {
    const target = join(dir, 'untouched');
    await assert.rejects(run([join(dir, 'backup.db'), '--nope', '--data-dir', target]), usageError(/Unknown option '--nope'/));
    await assert.rejects(run(['--data-dir', target]), usageError(/needs one file name/));
    await assert.rejects(run(['a.db', 'b.db', '--data-dir', target]), usageError(/needs one file name/));
    await assert.rejects(run([join(dir, 'backup.db'), '--storage', 'memory']), /puts back a SQLite store; with --storage memory/);
    await assert.rejects(run([join(dir, 'missing.db'), '--data-dir', target]), /^ConfigError: no backup at /);
    const junk = join(dir, 'junk.db');
    mkdirSync(dir, { recursive: true });
    writeFileSync(junk, 'not a database at all, just some text that is long enough to have a header'.repeat(20));
    await assert.rejects(run([junk, '--data-dir', target]), (e: unknown) => e instanceof ConfigError && /refusing to restore/.test(e.message));
    assert.equal(existsSync(target), false);
  });
});
