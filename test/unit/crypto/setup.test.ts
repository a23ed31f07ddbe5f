/**
 * Start-up: the managed key is created in the key ring on first start (with the loud line), reused
 * afterwards, and the store remembers it — a start without that key ring, or with a different key under
 * the same id, is refused with a clear message and changes nothing.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { ManualClock } from '../../../src/core/clock.js';
import { SeededRandom } from '../../../src/core/random.js';
import { keyCheck, KeyRing, KeyRingError, MANAGED_ALIAS, type KeyScope } from '../../../src/crypto/keyring.js';
import { toDocument } from '../../../src/crypto/keyringDocument.js';
import { readKeyRingFile, updateKeyRingFile, writeKeyRingFile } from '../../../src/crypto/keyringFile.js';
import { MANAGED_KEY_RECORD, messageCryptoFor, openKeyRing, type KeyRingLog, type MetaStore } from '../../../src/crypto/setup.js';

const dir = mkdtempSync(join(tmpdir(), 'ferry-keysetup-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const scope: KeyScope = { region: 'us-east-1', accountId: '000000000000' };

/** A store's metadata as the engines keep it (get-or-create), counting writes. */
class FakeStore implements MetaStore {
  readonly meta = new Map<string, string>();
  writes = 0;
  async metaGetOrCreate(key: string, create: () => string): Promise<string> {
    const v = this.meta.get(key);
    if (v !== undefined) return v;
    const n = create();
    this.meta.set(key, n);
    this.writes++;
    return n;
  }
}

function capture(): KeyRingLog & { lines: Array<{ level: string; msg: string; detail: Record<string, unknown> }> } {
  const lines: Array<{ level: string; msg: string; detail: Record<string, unknown> }> = [];
  return {
    lines,
    warn: (detail, msg) => lines.push({ level: 'warn', msg, detail }),
    info: (detail, msg) => lines.push({ level: 'info', msg, detail }),
  };
}

const base = (seed: string) => ({ clock: new ManualClock(), random: new SeededRandom(seed), scope });

describe('first start', () => {
  it('creates the managed key in the file (0600), logs where it is and what losing it means, records it in the store', async () => {
    const file = join(dir, 'first', 'keyring.json');
    const store = new FakeStore();
    const log = capture();
    const opened = await openKeyRing({ ...base('first'), file, store, log });
    const k = opened.managedKey;
    assert.ok(k.managed);
    assert.deepEqual(k.aliases, [MANAGED_ALIAS, 'alias/aws/sqs']);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(readKeyRingFile(file)!.keys[0]!.id, k.id);
    const loud = log.lines.filter((l) => l.level === 'warn');
    assert.equal(loud.length, 1);
    assert.ok(loud[0]!.msg.includes(file), 'names the file');
    assert.match(loud[0]!.msg, /LOSING THIS FILE LOSES EVERY ENCRYPTED MESSAGE/);
    assert.equal(loud[0]!.detail.keyRing, file);
    assert.ok(!JSON.stringify(log.lines).includes(k.versions[0]!.material.toString('base64')), 'the key itself is never logged');
    assert.deepEqual(JSON.parse(store.meta.get(MANAGED_KEY_RECORD)!), { id: k.id, check: keyCheck(k.versions[0]!.material) });

    // Second start: same key, no new line, nothing written.
    const log2 = capture();
    const again = await openKeyRing({ ...base('second'), file, store, log: log2 });
    assert.equal(again.managedKey.id, k.id);
    assert.deepEqual(log2.lines, []);
    assert.equal(store.writes, 1);

    // And it works end to end: encrypt with one, decrypt with the other.
    const c1 = messageCryptoFor(opened, base('c1'));
    const c2 = messageCryptoFor(again, base('c2'));
    assert.equal(c2.decryptBody(c1.encryptBody({ id: 'q', attributes: { SqsManagedSseEnabled: 'true' } }, 'hi')), 'hi');
  });

  it('a process that read the key ring just before another created the key and recorded it reads the file again', async () => {
    // Two processes starting together on a new store and a new shared key ring, interleaved at the
    // worst moment: this one has read the (empty) file; the other creates the key and records it;
    // this one then finds the record. Before: "the key ring does not hold that key", and it exited.
    const file = join(dir, 'race', 'keyring.json');
    const shared = new FakeStore();
    let other: Awaited<ReturnType<typeof openKeyRing>> | undefined;
    const racing: MetaStore = {
      async metaGetOrCreate(key, create) {
        other ??= await openKeyRing({ ...base('other'), file, store: shared, log: capture() });
        return shared.metaGetOrCreate(key, create);
      },
    };
    const opened = await openKeyRing({ ...base('late'), file, store: racing, log: capture() });
    assert.ok(other);
    assert.equal(opened.managedKey.id, other.managedKey.id);
    assert.equal(readKeyRingFile(file)!.keys.length, 1);
  });

  it('uses a managed key the ring already has (e.g. from FERRY_KMS_KEYS) without writing any file', async () => {
    const file = join(dir, 'envmanaged', 'keyring.json');
    const material = Buffer.alloc(32, 5).toString('base64');
    const store = new FakeStore();
    const opened = await openKeyRing({ ...base('em'), file, envKeys: `m1+alias/ferry-managed=${material}`, store, log: capture() });
    assert.equal(opened.managedKey.id, 'm1');
    assert.equal(existsSync(file), false);
  });

  it('storage memory: an in-memory key, an info line, no file', async () => {
    const log = capture();
    const opened = await openKeyRing({ ...base('mem'), store: new FakeStore(), log });
    assert.equal(opened.managedKey.source, 'memory');
    assert.equal(log.lines.length, 1);
    assert.equal(log.lines[0]!.level, 'info');
    assert.equal(opened.refresh(), false);
  });
});

describe('a store bound to its key', () => {
  async function boundStore(name: string) {
    const file = join(dir, name, 'keyring.json');
    const store = new FakeStore();
    const opened = await openKeyRing({ ...base(name), file, store, log: capture() });
    return { file, store, opened };
  }

  it('started without the key ring: refused, naming the key and what to do; no file created, nothing recorded', async () => {
    const { store, opened } = await boundStore('without');
    const elsewhere = join(dir, 'without-elsewhere', 'keyring.json');
    await assert.rejects(
      openKeyRing({ ...base('x'), file: elsewhere, store, log: capture() }),
      (e: unknown) =>
        e instanceof KeyRingError &&
        e.message.includes(opened.managedKey.id) &&
        e.message.includes(elsewhere) &&
        /--kms-key-ring/.test(e.message) &&
        /Nothing was changed/.test(e.message),
    );
    assert.equal(existsSync(elsewhere), false, 'no key ring was created');
    assert.equal(store.writes, 1, 'the store was not written');
  });

  it('started with a different key under the same id: refused, nothing changed', async () => {
    const { file, store, opened } = await boundStore('impostor');
    const other = join(dir, 'impostor-other', 'keyring.json');
    const forged = new KeyRing([{ ...opened.managedKey, versions: [{ version: 1, material: Buffer.alloc(32, 9), createdAt: 0 }] }]);
    writeKeyRingFile(other, forged.keys());
    const before = readFileSync(other, 'utf8');
    await assert.rejects(
      openKeyRing({ ...base('y'), file: other, store, log: capture() }),
      (e: unknown) => e instanceof KeyRingError && /holds a different key under that id/.test(e.message),
    );
    assert.equal(readFileSync(other, 'utf8'), before);
    assert.ok(existsSync(file));
  });

  it('a bad key-ring file stops the start with its problem', async () => {
    const file = join(dir, 'bad', 'keyring.json');
    mkdirSync(join(dir, 'bad'));
    writeFileSync(file, JSON.stringify({ ...toDocument([]), version: 9 }), { mode: 0o600 });
    await assert.rejects(openKeyRing({ ...base('b'), file, store: new FakeStore(), log: capture() }), /"version" must be 1/);
  });

  it('env keys clashing with file keys are refused', async () => {
    const { file, store } = await boundStore('clash');
    const id = readKeyRingFile(file)!.keys[0]!.id;
    await assert.rejects(
      openKeyRing({ ...base('c'), file, envKeys: `${id}=${Buffer.alloc(32, 1).toString('base64')}`, store, log: capture() }),
      /FERRY_KMS_KEYS: key .* is defined twice/,
    );
  });
});

describe('refresh', () => {
  it('takes in a rotation made in the file by another command; unchanged file: nothing read', async () => {
    const file = join(dir, 'refresh', 'keyring.json');
    const opened = await openKeyRing({ ...base('r'), file, store: new FakeStore(), log: capture() });
    assert.equal(opened.refresh(), false);
    const random = new SeededRandom('rotator');
    updateKeyRingFile(file, (keys) => {
      const r = new KeyRing(keys);
      r.rotate(MANAGED_ALIAS, (n) => random.bytes(n), 1);
      return { keys: r.keys(), result: 0 };
    });
    assert.equal(opened.refresh(), true);
    assert.equal(opened.ring.get(opened.managedKey.id)!.versions.length, 2);
    assert.equal(opened.refresh(), false);
  });
});
