/** The key-ring file: atomic durable writes with mode 0600, strict reads, the lock, reload stamps. */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { SeededRandom } from '../../../src/core/random.js';
import { KeyRing, KeyRingError } from '../../../src/crypto/keyring.js';
import { parseEnvKeys } from '../../../src/crypto/keyringDocument.js';
import { keyRingFileStamp, readKeyRingFile, sameStamp, updateKeyRingFile, writeKeyRingFile } from '../../../src/crypto/keyringFile.js';

const dir = mkdtempSync(join(tmpdir(), 'ferry-keyring-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const T0 = Date.UTC(2026, 0, 1);

function sampleKeys(seed: string) {
  const random = new SeededRandom(seed);
  const r = new KeyRing();
  r.create(
    { id: 'k1', aliases: ['alias/orders'], source: 'file' },
    (n) => random.bytes(n),
    T0,
    () => random.uuid(),
  );
  r.rotate('k1', (n) => random.bytes(n), T0 + 1);
  return { ring: r, random };
}

describe('writeKeyRingFile / readKeyRingFile', () => {
  it('writes mode 0600 in a 0700 directory it creates, leaves no temporary file, and reads back the same keys', () => {
    const path = join(dir, 'a', 'nested', 'keyring.json');
    const { ring } = sampleKeys('w');
    writeKeyRingFile(path, ring.keys());
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'a', 'nested')).mode & 0o777, 0o700);
    assert.deepEqual(readdirSync(join(dir, 'a', 'nested')), ['keyring.json']);
    const back = readKeyRingFile(path)!;
    assert.deepEqual(back.warnings, []);
    const k = back.keys[0]!;
    assert.equal(k.source, 'file');
    assert.deepEqual(
      k.versions.map((v) => v.version),
      [1, 2],
    );
    assert.ok(k.versions[1]!.material.equals(ring.get('k1')!.versions[1]!.material));
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { format: string };
    assert.equal(doc.format, 'ferry-keyring');
  });

  it('replaces an existing file atomically (the old inode is not rewritten in place)', () => {
    const path = join(dir, 'replace.json');
    writeKeyRingFile(path, sampleKeys('r1').ring.keys());
    const before = statSync(path).ino;
    writeKeyRingFile(path, sampleKeys('r2').ring.keys());
    assert.notEqual(statSync(path).ino, before);
  });

  it('environment keys are never written to the file', () => {
    const path = join(dir, 'noenv.json');
    const keys = [...sampleKeys('e').ring.keys(), ...parseEnvKeys(`envk=${Buffer.alloc(32, 3).toString('base64')}`, T0)];
    writeKeyRingFile(path, keys);
    assert.deepEqual(
      readKeyRingFile(path)!.keys.map((k) => k.id),
      ['k1'],
    );
    assert.ok(!readFileSync(path, 'utf8').includes(Buffer.alloc(32, 3).toString('base64')));
  });

  it('a missing file reads as undefined; a bad one is a KeyRingError naming the file', () => {
    assert.equal(readKeyRingFile(join(dir, 'none.json')), undefined);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ nope', { mode: 0o600 });
    assert.throws(
      () => readKeyRingFile(bad),
      (e: unknown) => e instanceof KeyRingError && e.message.includes(bad) && /not valid JSON/.test(e.message),
    );
    writeFileSync(bad, JSON.stringify({ format: 'ferry-keyring', version: 1, keys: [{ id: 'x', versions: [{ version: 1, key: 'AAAA' }] }] }));
    assert.throws(() => readKeyRingFile(bad), /32 bytes/);
  });

  it('warns when the file is readable by others', () => {
    const path = join(dir, 'loose.json');
    writeKeyRingFile(path, sampleKeys('l').ring.keys());
    chmodSync(path, 0o644);
    const r = readKeyRingFile(path)!;
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0]!, /readable by other users \(mode 644\): chmod 600/);
  });

  it('stamps tell a changed file from an unchanged one', () => {
    const path = join(dir, 'stamp.json');
    const s1 = writeKeyRingFile(path, sampleKeys('s').ring.keys());
    assert.ok(sameStamp(s1, keyRingFileStamp(path)));
    const s2 = writeKeyRingFile(path, sampleKeys('s2').ring.keys());
    assert.ok(!sameStamp(s1, s2));
    assert.equal(keyRingFileStamp(join(dir, 'absent.json')), undefined);
  });
});

describe('updateKeyRingFile', () => {
  it('read-modify-write under a lock file that it removes; no write when nothing changes', () => {
    const path = join(dir, 'update.json');
    const { random } = sampleKeys('u');
    const r1 = updateKeyRingFile(path, (keys) => {
      assert.deepEqual(keys, []);
      assert.ok(existsSync(`${path}.lock`), 'locked while changing');
      const ring = new KeyRing(keys);
      const k = ring.create(
        { id: 'fresh', source: 'file' },
        (n) => random.bytes(n),
        T0,
        () => 'u',
      );
      return { keys: ring.keys(), result: k.id };
    });
    assert.equal(r1.result, 'fresh');
    assert.ok(!existsSync(`${path}.lock`));
    const ino = statSync(path).ino;
    const r2 = updateKeyRingFile(path, (keys) => ({ result: keys.length }));
    assert.equal(r2.result, 1);
    assert.equal(statSync(path).ino, ino, 'not rewritten');
  });

  it('a held lock makes a second writer wait, then fail with a clear message', () => {
    const path = join(dir, 'locked.json');
    writeFileSync(`${path}.lock`, '');
    const t = Date.now();
    assert.throws(
      () => updateKeyRingFile(path, () => ({ result: 0 }), { lockTimeoutMs: 300 }),
      (e: unknown) => e instanceof KeyRingError && /is locked/.test(e.message),
    );
    assert.ok(Date.now() - t >= 290, 'waited for the holder');
    // A lock older than 30 s belongs to a dead process: it is taken over.
    const old = (Date.now() - 60_000) / 1000;
    utimesSync(`${path}.lock`, old, old);
    assert.equal(updateKeyRingFile(path, () => ({ result: 1 }), { lockTimeoutMs: 300 }).result, 1);
    assert.ok(!existsSync(`${path}.lock`));
  });

  it('the lock is released when the change throws', () => {
    const path = join(dir, 'throws.json');
    assert.throws(() =>
      updateKeyRingFile(path, () => {
        throw new Error('boom');
      }),
    );
    assert.ok(!existsSync(`${path}.lock`));
  });
});
