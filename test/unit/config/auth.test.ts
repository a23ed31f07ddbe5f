/** The auth settings: `auth`, the flag/env key pair, and the config file's `credentials` list. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/config/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'ferry-auth-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('auth config', () => {
  it('defaults to off with no credentials', () => {
    const c = loadConfig();
    assert.equal(c.auth, 'off');
    assert.equal(c.accessKeyId, undefined);
    assert.deepEqual(c.credentials, []);
  });

  it('takes the key pair from flags or environment', () => {
    const f = loadConfig({ flags: { auth: 'sigv4', accessKeyId: 'AKID1', secretAccessKey: 's1' } });
    assert.deepEqual([f.auth, f.accessKeyId, f.secretAccessKey], ['sigv4', 'AKID1', 's1']);
    const e = loadConfig({ env: { FERRY_AUTH: 'sigv4', FERRY_ACCESS_KEY_ID: 'AKID2', FERRY_SECRET_ACCESS_KEY: 's2' } });
    assert.deepEqual([e.auth, e.accessKeyId, e.secretAccessKey], ['sigv4', 'AKID2', 's2']);
  });

  it('reads a credentials list from the config file', () => {
    const p = file('creds.yaml', 'auth: sigv4\ncredentials:\n  - {accessKeyId: A1, secretAccessKey: x}\n  - {accessKeyId: A2, secretAccessKey: y}\n');
    assert.deepEqual(loadConfig({ flags: { configFile: p } }).credentials, [
      { accessKeyId: 'A1', secretAccessKey: 'x' },
      { accessKeyId: 'A2', secretAccessKey: 'y' },
    ]);
  });

  it('refuses sigv4 without any credential, half a key pair, a bad auth value and bad list entries', () => {
    assert.throws(
      () => loadConfig({ flags: { auth: 'sigv4' } }),
      (e: Error) => e instanceof ConfigError && /auth is sigv4 but no credentials are configured/.test(e.message),
    );
    assert.throws(() => loadConfig({ flags: { accessKeyId: 'A' } }), /accessKeyId and secretAccessKey go together/);
    assert.throws(() => loadConfig({ env: { FERRY_SECRET_ACCESS_KEY: 's' } }), /go together/);
    assert.throws(() => loadConfig({ flags: { auth: 'iam' } }), /auth must be one of off, sigv4/);
    assert.throws(() => loadConfig({ flags: { configFile: file('b1.yaml', 'credentials: {accessKeyId: A}\n') } }), /credentials must be a list/);
    assert.throws(
      () => loadConfig({ flags: { configFile: file('b2.yaml', 'credentials:\n  - {accessKeyId: A}\n') } }),
      /credentials\[0\]\.secretAccessKey/,
    );
    assert.throws(
      () => loadConfig({ flags: { configFile: file('b3.yaml', 'credentials:\n  - {accessKeyId: A, secretAccessKey: s, region: x}\n') } }),
      /unknown key "region"/,
    );
    assert.throws(
      () =>
        loadConfig({
          flags: {
            configFile: file('b4.yaml', 'credentials:\n  - {accessKeyId: A, secretAccessKey: s}\n  - {accessKeyId: A, secretAccessKey: t}\n'),
          },
        }),
      /listed twice/,
    );
  });

  it('never puts a secret in an error message', () => {
    try {
      loadConfig({ flags: { configFile: file('b5.yaml', 'credentials:\n  - {accessKeyId: "A/B", secretAccessKey: topsecret}\n') } });
      assert.fail('expected a ConfigError');
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      assert.ok(!e.message.includes('topsecret'));
    }
  });
});
