/** The PostgreSQL settings: reachable from flag, env and config file; validated at start. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/config/schema.js';
import { makeEngine } from '../../../src/app.js';
import { ManualClock } from '../../../src/core/clock.js';
import { SeededRandom } from '../../../src/core/random.js';

const URL_ = 'postgres://ferry:secret@db.internal:5432/ferry';

describe('config: postgres storage', () => {
  it('defaults: schema ferry, pool of 10, no URL', () => {
    const c = loadConfig();
    assert.equal(c.databaseSchema, 'ferry');
    assert.equal(c.databasePoolSize, 10);
    assert.equal(c.databaseUrl, undefined);
  });

  it('storage postgres requires a database URL', () => {
    assert.throws(
      () => loadConfig({ flags: { storage: 'postgres' } }),
      (e: unknown) => e instanceof ConfigError && /database-url/.test(e.message),
    );
  });

  it('flag, environment and config file all reach the settings; the URL is not echoed in errors', () => {
    const fromEnv = loadConfig({
      env: { FERRY_STORAGE: 'postgres', FERRY_DATABASE_URL: URL_, FERRY_DATABASE_SCHEMA: 'ferry_a', FERRY_DATABASE_POOL_SIZE: '4' },
    });
    assert.deepEqual([fromEnv.storage, fromEnv.databaseUrl, fromEnv.databaseSchema, fromEnv.databasePoolSize], ['postgres', URL_, 'ferry_a', 4]);
    const fromFlags = loadConfig({ flags: { storage: 'postgres', databaseUrl: URL_, databaseSchema: 'ferry_b', databasePoolSize: '7' } });
    assert.deepEqual([fromFlags.databaseSchema, fromFlags.databasePoolSize], ['ferry_b', 7]);
    const dir = mkdtempSync(join(tmpdir(), 'ferry-pgcfg-'));
    try {
      const f = join(dir, 'c.yaml');
      writeFileSync(f, `storage: postgres\ndatabaseUrl: ${URL_}\ndatabaseSchema: ferry_c\ndatabasePoolSize: 3\n`);
      const fromFile = loadConfig({ flags: { configFile: f } });
      assert.deepEqual([fromFile.databaseUrl, fromFile.databaseSchema, fromFile.databasePoolSize], [URL_, 'ferry_c', 3]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.throws(
      () => loadConfig({ flags: { storage: 'postgres', databaseUrl: 'mysql://u:topsecret@x/y' } }),
      (e: unknown) => e instanceof ConfigError && !e.message.includes('topsecret'),
    );
  });

  it('schema names are plain lower-case identifiers; the pool size is bounded', () => {
    for (const bad of ['Ferry', 'a-b', '1abc', 'x'.repeat(64), 'a;drop']) {
      assert.throws(() => loadConfig({ flags: { storage: 'postgres', databaseUrl: URL_, databaseSchema: bad } }), ConfigError, bad);
    }
    assert.throws(() => loadConfig({ flags: { storage: 'postgres', databaseUrl: URL_, databasePoolSize: '0' } }), ConfigError);
  });

  it('makeEngine builds the postgres engine (without connecting)', async () => {
    const c = loadConfig({ flags: { storage: 'postgres', databaseUrl: URL_ } });
    const e = await makeEngine(c, new ManualClock(), new SeededRandom());
    assert.equal(e.kind, 'postgres');
    assert.equal(e.capabilities.shared, true);
  });
});
