/** `ferry keys`: create, list (never material), rotate, disable/enable, and its refusals. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { keysCommand } from '../../../src/cli/keys.js';
import { ConfigError } from '../../../src/config/schema.js';
import { readKeyRingFile } from '../../../src/crypto/keyringFile.js';

const dir = mkdtempSync(join(tmpdir(), 'ferry-keys-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: NodeJS.ProcessEnv = {}): string[] {
  const lines: string[] = [];
  keysCommand(args, (l) => lines.push(l), env);
  return lines;
}

describe('ferry keys', () => {
  const dataDir = join(dir, 'data');
  const ring = join(dataDir, 'keyring.json');

  it('create → list → rotate → disable → enable, on <data-dir>/keyring.json', () => {
    const created = run(['create', 'orders', '--description', 'orders queue', '--data-dir', dataDir]);
    assert.match(
      created[0]!,
      /^created key [0-9a-f-]{36} \(alias\/orders\): use KmsMasterKeyId alias\/orders or arn:aws:kms:us-east-1:000000000000:key\//,
    );
    const id = readKeyRingFile(ring)!.keys[0]!.id;

    const listed = run(['list', '--data-dir', dataDir]).join('\n');
    assert.match(listed, new RegExp(`${id}  alias/orders`));
    assert.match(listed, /v1 \(current\) {2}created .* {2}check [0-9a-f]{16}/);
    assert.ok(!listed.includes(readKeyRingFile(ring)!.keys[0]!.versions[0]!.material.toString('base64')));

    assert.match(run(['rotate', 'alias/orders', '--data-dir', dataDir])[0]!, /version 2 now wraps new data keys; version 1 still decrypts/);
    assert.match(run(['rotate', `arn:aws:kms:us-east-1:000000000000:key/${id}`, '--data-dir', dataDir])[0]!, /version 3/);
    const json = JSON.parse(run(['list', '--json', '--data-dir', dataDir]).join('\n')) as {
      keys: Array<{ currentVersion: number; versions: unknown[] }>;
    };
    assert.equal(json.keys[0]!.currentVersion, 3);
    assert.equal(json.keys[0]!.versions.length, 3);

    run(['disable', 'alias/orders', '--data-dir', dataDir]);
    assert.equal(readKeyRingFile(ring)!.keys[0]!.enabled, false);
    assert.match(run(['list', '--data-dir', dataDir]).join('\n'), /DISABLED/);
    run(['enable', id, '--data-dir', dataDir]);
    assert.equal(readKeyRingFile(ring)!.keys[0]!.enabled, true);
    assert.equal(JSON.parse(readFileSync(ring, 'utf8')).keys[0].description, 'orders queue');
  });

  it('--kms-key-ring and FERRY_KMS_KEY_RING name another file; env keys are listed and read-only', () => {
    const other = join(dir, 'elsewhere', 'ring.json');
    run(['create', 'alias/billing', '--kms-key-ring', other]);
    assert.equal(readKeyRingFile(other)!.keys[0]!.aliases[0], 'alias/billing');
    const env = { FERRY_KMS_KEY_RING: other, FERRY_KMS_KEYS: `envkey+alias/env=${Buffer.alloc(32, 4).toString('base64')}` };
    assert.match(run(['list'], env).join('\n'), /envkey {2}alias\/env {2}\[from FERRY_KMS_KEYS\]/);
    assert.throws(
      () => run(['rotate', 'alias/env'], env),
      (e: unknown) => e instanceof ConfigError && /read-only/.test(e.message),
    );
  });

  it('refuses unknown commands and keys, reserved aliases, and --storage memory without a file', () => {
    assert.throws(() => run(['frobnicate', '--data-dir', dataDir]), /unknown keys command "frobnicate"/);
    assert.throws(() => run([]), /a keys command is needed/);
    assert.throws(() => run(['rotate', '--data-dir', dataDir]), /needs a key/);
    assert.throws(() => run(['rotate', 'alias/nope', '--data-dir', dataDir]), /no key alias\/nope in the key ring/);
    assert.throws(() => run(['create', 'aws/sqs', '--data-dir', dataDir]), /reserved/);
    assert.throws(() => run(['rotate', 'x', '--storage', 'memory']), /storage memory keeps its keys in memory/);
    assert.throws(
      () => run(['list', '--bogus']),
      (e: unknown) => e instanceof ConfigError && /Usage: ferry keys/.test(e.message),
    );
  });
});
