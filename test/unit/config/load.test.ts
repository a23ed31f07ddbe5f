import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError, SETTINGS } from '../../../src/config/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'ferry-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('config', () => {
  it('has AWS-like defaults', () => {
    const c = loadConfig();
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.port, 9324);
    assert.equal(c.storage, 'sqlite');
    assert.equal(c.dataDir, './data');
    assert.equal(c.region, 'us-east-1');
    assert.equal(c.accountId, '000000000000');
    assert.equal(c.skipCooldowns, false);
    assert.deepEqual(c.queues, {});
  });

  it('layers file < env < flags', () => {
    const f = file('layer.yaml', 'port: 1111\nregion: eu-west-1\nlogLevel: debug\n');
    const c = loadConfig({ env: { FERRY_CONFIG: f, FERRY_PORT: '2222' }, flags: { port: '3333' } });
    assert.equal(c.port, 3333);
    assert.equal(c.region, 'eu-west-1');
    assert.equal(c.logLevel, 'debug');
    assert.equal(loadConfig({ env: { FERRY_CONFIG: f, FERRY_PORT: '2222' } }).port, 2222);
  });

  it('reads JSON config files and queue declarations', () => {
    const f = file(
      'q.json',
      JSON.stringify({
        skipCooldowns: true,
        queues: {
          a: { attributes: { DelaySeconds: 5, Policy: { Version: '2012-10-17' } }, tags: { t: 'x' } },
          b: { deadLetterQueue: 'a', maxReceiveCount: 3 },
        },
      }),
    );
    const c = loadConfig({ flags: { configFile: f } });
    assert.equal(c.skipCooldowns, true);
    assert.deepEqual(c.queues.a, { attributes: { DelaySeconds: '5', Policy: '{"Version":"2012-10-17"}' }, tags: { t: 'x' } });
    assert.deepEqual(c.queues.b, { deadLetterQueue: 'a', maxReceiveCount: 3 });
  });

  it('rejects unknown keys and bad values, naming the source', () => {
    const cases: Array<[() => unknown, RegExp]> = [
      [() => loadConfig({ flags: { configFile: file('u.yaml', 'prot: 1\n') } }), /unknown key "prot"/],
      [() => loadConfig({ flags: { configFile: file('uq.yaml', 'queues:\n  a:\n    atributes: {}\n') } }), /queues\.a: unknown key "atributes"/],
      [() => loadConfig({ flags: { configFile: file('dl.yaml', 'queues:\n  a:\n    deadLetterQueue: b\n') } }), /go together/],
      [
        () => loadConfig({ flags: { configFile: file('mr.yaml', 'queues:\n  a:\n    deadLetterQueue: b\n    maxReceiveCount: 0\n') } }),
        /maxReceiveCount/,
      ],
      [() => loadConfig({ flags: { configFile: file('bad.yaml', ': : :\n  - [') } }), /not valid YAML/],
      [() => loadConfig({ flags: { configFile: join(dir, 'missing.yaml') } }), /cannot read config file/],
      [() => loadConfig({ env: { FERRY_PORT: '70000' } }), /environment variable FERRY_PORT: port must be a port number/],
      [() => loadConfig({ flags: { port: 'abc' } }), /flag --port: port must be a non-negative integer/],
      [() => loadConfig({ flags: { storage: 'mongo' } }), /storage must be one of sqlite, memory/],
      [() => loadConfig({ env: { FERRY_SKIP_COOLDOWNS: 'maybe' } }), /must be true or false/],
      [() => loadConfig({ env: { FERRY_ACCOUNT_ID: '123' } }), /accountId must be 12 digits/],
      [() => loadConfig({ env: { FERRY_REGION: 'mars' } }), /region must look like/],
      [() => loadConfig({ env: { FERRY_PUBLIC_BASE_URL: 'not a url' } }), /publicBaseUrl/],
      [() => loadConfig({ flags: { maxBodyBytes: '1000' } }), /maxBodyBytes/],
    ];
    for (const [fn, re] of cases) assert.throws(fn, (e: unknown) => e instanceof ConfigError && re.test(e.message), String(re));
  });

  it('strips a trailing slash from the public base URL', () => {
    assert.equal(loadConfig({ env: { FERRY_PUBLIC_BASE_URL: 'http://q.example:9/' } }).publicBaseUrl, 'http://q.example:9');
  });

  it('every setting has a distinct env var and flag', () => {
    assert.equal(new Set(SETTINGS.map((s) => s.env)).size, SETTINGS.length);
    assert.equal(new Set(SETTINGS.map((s) => s.flag)).size, SETTINGS.length);
    for (const s of SETTINGS) assert.match(s.env, /^FERRY_[A-Z_]+$/);
  });
});
