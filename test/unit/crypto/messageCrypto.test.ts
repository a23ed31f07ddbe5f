/**
 * MessageCrypto: the SSE decision per queue, data keys per queue reused for the reuse period (manual
 * clock), rotation, SQS's KMS errors, the decrypt cache, and messages that moved queues (DLQ moves and
 * move tasks copy the stored body into another queue, maybe one without SSE).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ManualClock } from '../../../src/core/clock.js';
import { SeededRandom } from '../../../src/core/random.js';
import { parseEnvelope } from '../../../src/crypto/envelope.js';
import { AWS_SQS_ALIAS, KeyRing, MANAGED_ALIAS, type KeyScope } from '../../../src/crypto/keyring.js';
import { MessageCrypto } from '../../../src/crypto/messageCrypto.js';
import { sseSettingOf } from '../../../src/crypto/sse.js';
import { SqsError } from '../../../src/errors/catalog.js';

const scope: KeyScope = { region: 'us-east-1', accountId: '000000000000' };

function setup(seed = 'mc', extra: Partial<ConstructorParameters<typeof MessageCrypto>[0]> = {}) {
  const clock = new ManualClock();
  const random = new SeededRandom(seed);
  const ring = new KeyRing();
  const bytes = (n: number) => random.bytes(n);
  const managed = ring.create({ aliases: [MANAGED_ALIAS, AWS_SQS_ALIAS], managed: true, source: 'file' }, bytes, clock.now(), () => random.uuid());
  ring.create({ id: 'orders-key', aliases: ['alias/orders'], source: 'file' }, bytes, clock.now(), () => random.uuid());
  const crypto = new MessageCrypto({ ring, managedKeyId: managed.id, clock, random, scope, ...extra });
  return { clock, random, ring, managed, crypto };
}

/**
 * Two processes' view of one key ring: `file` (its own MessageCrypto, as another process or `ferry
 * keys` changing the file) and a server's MessageCrypto that takes the file in through refresh.
 */
function fileAndServer() {
  const file = setup('shared');
  const server = setup('shared');
  let looks = 0;
  const crypto = new MessageCrypto({
    ring: server.ring,
    managedKeyId: server.managed.id,
    clock: server.clock,
    random: server.random,
    scope,
    refresh: () => {
      looks++;
      return server.ring.merge(file.ring).added.length > 0;
    },
  });
  return { file, clock: server.clock, crypto, looks: () => looks };
}

const sqsQueue = (id = 'q1') => ({ id, attributes: { SqsManagedSseEnabled: 'true' } });
const kmsQueue = (ref: string, reuse?: string, id = 'q2') => ({
  id,
  attributes: { SqsManagedSseEnabled: 'false', KmsMasterKeyId: ref, ...(reuse ? { KmsDataKeyReusePeriodSeconds: reuse } : {}) },
});
const plainQueue = { id: 'q0', attributes: { SqsManagedSseEnabled: 'false' } };

/** The SqsError a call throws (asserting it throws one). */
function sqsErrorOf(fn: () => unknown): SqsError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof SqsError, `expected an SqsError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

describe('the SSE setting of a queue', () => {
  it('follows SQS: KmsMasterKeyId wins, else SqsManagedSseEnabled, else off; reuse 300 s by default', () => {
    assert.deepEqual(sseSettingOf({}), { mode: 'off' });
    assert.deepEqual(sseSettingOf({ SqsManagedSseEnabled: 'false' }), { mode: 'off' });
    assert.deepEqual(sseSettingOf({ SqsManagedSseEnabled: 'true' }), { mode: 'sqs', reusePeriodMs: 300_000 });
    assert.deepEqual(sseSettingOf({ KmsMasterKeyId: 'alias/x' }), { mode: 'kms', keyRef: 'alias/x', reusePeriodMs: 300_000 });
    assert.deepEqual(sseSettingOf({ KmsMasterKeyId: 'k', KmsDataKeyReusePeriodSeconds: '60' }), { mode: 'kms', keyRef: 'k', reusePeriodMs: 60_000 });
    assert.deepEqual(sseSettingOf({ KmsMasterKeyId: '', SqsManagedSseEnabled: 'false' }), { mode: 'off' });
  });
});

describe('encrypt and decrypt', () => {
  it('SSE off: the body is stored as sent', () => {
    const { crypto } = setup();
    assert.equal(crypto.encryptBody(plainQueue, 'hello'), 'hello');
    assert.equal(crypto.decryptBody('hello'), 'hello');
  });

  it("SqsManagedSseEnabled: Ferry's managed key; KmsMasterKeyId: the named key in any of its forms", () => {
    const { crypto, managed } = setup();
    const a = crypto.encryptBody(sqsQueue(), 'secret body');
    assert.ok(!a.includes('secret'));
    assert.equal(parseEnvelope(a).keyId, managed.id);
    assert.equal(crypto.decryptBody(a), 'secret body');
    for (const ref of [
      'orders-key',
      'alias/orders',
      'arn:aws:kms:us-east-1:000000000000:key/orders-key',
      'arn:aws:kms:us-east-1:000000000000:alias/orders',
    ]) {
      const s = crypto.encryptBody(kmsQueue(ref, undefined, ref), 'order 42');
      assert.equal(parseEnvelope(s).keyId, 'orders-key', ref);
      assert.equal(crypto.decryptBody(s), 'order 42');
    }
    assert.equal(parseEnvelope(crypto.encryptBody(kmsQueue('alias/aws/sqs'), 'x')).keyId, managed.id, 'alias/aws/sqs');
  });

  it('a moved message (DLQ, move task) decrypts without knowing its queue, even in a queue without SSE', () => {
    const { crypto } = setup();
    const stored = crypto.encryptBody(kmsQueue('alias/orders'), 'moved body');
    // The decrypt side takes only the stored text: the queue it now sits in does not matter.
    assert.equal(crypto.decryptBody(stored), 'moved body');
    const other = setup('mc').crypto; // another process with the same ring (same seed)
    assert.equal(other.decryptBody(stored), 'moved body');
  });

  it('switching SSE affects new messages only', () => {
    const { crypto } = setup();
    const q = { id: 'sw', attributes: { SqsManagedSseEnabled: 'true' } as Record<string, string> };
    const before = crypto.encryptBody(q, 'sent while SSE was on');
    q.attributes = { SqsManagedSseEnabled: 'false' };
    const after = crypto.encryptBody(q, 'sent after SSE was switched off');
    assert.equal(after, 'sent after SSE was switched off');
    assert.equal(crypto.decryptBody(before), 'sent while SSE was on');
    assert.equal(crypto.decryptBody(after), 'sent after SSE was switched off');
  });
});

describe('data keys', () => {
  it('one per queue, reused for KmsDataKeyReusePeriodSeconds on the injected clock, then replaced', () => {
    const { crypto, clock } = setup();
    const q = kmsQueue('alias/orders', '60');
    const wrappedOf = (s: string) => parseEnvelope(s).wrapped.toString('hex');
    const w1 = wrappedOf(crypto.encryptBody(q, 'a'));
    clock.advance(59_999);
    assert.equal(wrappedOf(crypto.encryptBody(q, 'b')), w1, 'reused inside the period');
    assert.notEqual(wrappedOf(crypto.encryptBody({ ...q, id: 'other' }, 'c')), w1, 'another queue: another data key');
    clock.advance(1);
    const w2 = wrappedOf(crypto.encryptBody(q, 'd'));
    assert.notEqual(w2, w1, 'a new data key once the period is over');
    assert.equal(crypto.stats().dataKeysCreated, 3);
  });

  it('the default period is 300 s; SSE-SQS queues use it too', () => {
    const { crypto, clock } = setup();
    const w = (s: string) => parseEnvelope(s).wrapped.toString('hex');
    const a = w(crypto.encryptBody(sqsQueue(), 'a'));
    clock.advance(299_000);
    assert.equal(w(crypto.encryptBody(sqsQueue(), 'b')), a);
    clock.advance(1000);
    assert.notEqual(w(crypto.encryptBody(sqsQueue(), 'c')), a);
  });

  it('every message gets its own nonce (across refills of the nonce pool)', () => {
    const { crypto } = setup();
    const nonces = new Set<string>();
    for (let i = 0; i < 600; i++) {
      const env = parseEnvelope(crypto.encryptBody(sqsQueue(), 'same body'));
      nonces.add(env.bytes.subarray(env.bodyAt, env.bodyAt + 12).toString('hex'));
    }
    assert.equal(nonces.size, 600);
  });

  it('a data key retires after maxDataKeyUses encryptions', () => {
    const { crypto } = setup('uses', { maxDataKeyUses: 3 });
    const w = (s: string) => parseEnvelope(s).wrapped.toString('hex');
    const keys = new Set<string>();
    for (let i = 0; i < 7; i++) keys.add(w(crypto.encryptBody(sqsQueue(), String(i))));
    assert.equal(keys.size, 3);
  });

  it('the decrypt cache unwraps each data key once', () => {
    const { crypto } = setup();
    const a = crypto.encryptBody(kmsQueue('alias/orders'), 'a');
    const b = crypto.encryptBody(kmsQueue('alias/orders'), 'b');
    const fresh = setup('mc').crypto; // cold caches
    assert.equal(fresh.decryptBody(a), 'a');
    assert.equal(fresh.decryptBody(b), 'b');
    assert.equal(fresh.decryptBody(a), 'a');
    assert.equal(fresh.stats().dataKeysUnwrapped, 1);
    assert.equal(fresh.stats().decrypted, 3);
    // The encrypting side never unwraps what it made itself.
    assert.equal(crypto.decryptBody(a), 'a');
    assert.equal(crypto.stats().dataKeysUnwrapped, 0);
  });
});

/** A crypto whose process is receiving (it decrypted an envelope just now): it keeps what it seals. */
function receiving(seed = 'mc', extra: Partial<ConstructorParameters<typeof MessageCrypto>[0]> = {}) {
  const s = setup(seed, extra);
  assert.equal(s.crypto.decryptBody(setup(seed).crypto.encryptBody(sqsQueue('warm'), 'warm-up')), 'warm-up');
  return s;
}

describe('the sealed cache (bodies this process sealed, until first read)', () => {
  it('keeps nothing while nothing is read (a process that only sends), and stops a second after the last read', () => {
    const { crypto, clock } = setup();
    crypto.encryptBody(sqsQueue(), 'a');
    assert.equal(crypto.sealedCacheSize().entries, 0);
    crypto.decryptBody(crypto.encryptBody(sqsQueue(), 'b'));
    crypto.encryptBody(sqsQueue(), 'c');
    assert.equal(crypto.sealedCacheSize().entries, 1);
    clock.advance(1001);
    crypto.encryptBody(sqsQueue(), 'd');
    assert.equal(crypto.sealedCacheSize().entries, 1);
  });

  it('a body read back unchanged is answered without opening its envelope, once', () => {
    const { crypto } = receiving();
    const stored = crypto.encryptBody(sqsQueue(), 'payload');
    assert.equal(crypto.decryptBody(stored), 'payload');
    assert.equal(crypto.stats().sealedHits, 1);
    // Forgotten after its first read: a redelivery opens the envelope (and still gets the body).
    assert.equal(crypto.decryptBody(stored), 'payload');
    assert.equal(crypto.stats().sealedHits, 1);
    assert.equal(crypto.stats().decrypted, 3); // with the warm-up read
    assert.deepEqual(crypto.sealedCacheSize(), { entries: 0, bytes: 0 });
  });

  it('an altered copy of a kept envelope misses and fails; the kept one still answers', () => {
    const { crypto } = receiving();
    const stored = crypto.encryptBody(sqsQueue(), 'payload');
    const at = (i: number) => stored.slice(0, i) + (stored[i] === 'A' ? 'B' : 'A') + stored.slice(i + 1);
    assert.equal(sqsErrorOf(() => crypto.decryptBody(at(stored.length - 30))).code, 'KmsInvalidState');
    assert.equal(crypto.stats().sealedHits, 0);
    assert.equal(crypto.decryptBody(stored), 'payload');
    assert.equal(crypto.stats().sealedHits, 1);
  });

  it('the key checks run on kept bodies too: disabled or gone, the full path answers with its error', () => {
    const { crypto, ring } = receiving();
    const stored = crypto.encryptBody(kmsQueue('alias/orders'), 'x');
    ring.setEnabled('alias/orders', false);
    assert.equal(sqsErrorOf(() => crypto.decryptBody(stored)).code, 'KmsDisabled');
    assert.equal(crypto.stats().sealedHits, 0);
    ring.setEnabled('alias/orders', true);
    assert.equal(crypto.decryptBody(stored), 'x');
  });

  it('is bounded by bytes and by envelope size; 0 keeps nothing', () => {
    const { crypto } = receiving('mc', { sealedCacheBytes: 4_000 });
    const stored = Array.from({ length: 40 }, (_, i) => crypto.encryptBody(sqsQueue(), `body number ${i}`));
    const size = crypto.sealedCacheSize();
    assert.ok(size.bytes <= 4_000 && size.entries > 0 && size.entries < 40, JSON.stringify(size));
    // The oldest went first: the first body is opened in full, the last one is still kept.
    assert.equal(crypto.decryptBody(stored[0]!), 'body number 0');
    assert.equal(crypto.stats().sealedHits, 0);
    assert.equal(crypto.decryptBody(stored[39]!), 'body number 39');
    assert.equal(crypto.stats().sealedHits, 1);
    // An envelope past 16,000 characters is not kept.
    const before = crypto.sealedCacheSize().entries;
    const big = receiving('mc', { sealedCacheBytes: 1 << 20 }).crypto;
    big.encryptBody(sqsQueue(), 'y'.repeat(20_000));
    assert.equal(big.sealedCacheSize().entries, 0);
    assert.ok(before > 0);
    const none = receiving('mc', { sealedCacheBytes: 0 }).crypto;
    assert.equal(none.decryptBody(none.encryptBody(sqsQueue(), 'z')), 'z');
    assert.equal(none.stats().sealedHits, 0);
    assert.deepEqual(none.sealedCacheSize(), { entries: 0, bytes: 0 });
  });
});

describe('rotation', () => {
  it('new data keys use the new version at once; messages under the old version still decrypt', () => {
    const { crypto, ring, random } = setup();
    const q = kmsQueue('alias/orders');
    const old = crypto.encryptBody(q, 'before rotation');
    assert.equal(parseEnvelope(old).keyVersion, 1);
    ring.rotate('alias/orders', (n) => random.bytes(n), 0);
    const next = crypto.encryptBody(q, 'after rotation');
    assert.equal(parseEnvelope(next).keyVersion, 2, 'inside the reuse period, yet the cached v1 data key is retired');
    assert.equal(crypto.decryptBody(old), 'before rotation');
    assert.equal(crypto.decryptBody(next), 'after rotation');
  });

  it('a version made elsewhere (another process rotated the file) is taken in through refresh', () => {
    const { file, crypto, looks } = fileAndServer();
    file.ring.rotate('alias/orders', (n) => file.random.bytes(n), 0);
    const s = file.crypto.encryptBody(kmsQueue('alias/orders'), 'v2 body');
    assert.equal(crypto.decryptBody(s), 'v2 body');
    assert.equal(looks(), 1);
  });
});

describe('key-ring changes reach a running process within a second', () => {
  it('ferry keys disable, then enable: sends and receives follow without a restart', () => {
    const { file, clock, crypto, looks } = fileAndServer();
    const q = kmsQueue('alias/orders');
    const first = crypto.encryptBody(q, 'first');
    const second = crypto.encryptBody(q, 'second');
    assert.equal(crypto.decryptBody(first), 'first');
    file.ring.setEnabled('alias/orders', false);
    clock.advance(1000);
    assert.equal(sqsErrorOf(() => crypto.encryptBody(q, 'x')).code, 'KmsDisabled', 'a send within the data key reuse period');
    assert.equal(sqsErrorOf(() => crypto.decryptBody(second)).code, 'KmsDisabled', 'a receive of a body this process sealed');
    file.ring.setEnabled('alias/orders', true);
    assert.equal(sqsErrorOf(() => crypto.encryptBody(q, 'x')).code, 'KmsDisabled', 'the file is looked at once a second at most');
    clock.advance(1000);
    assert.equal(crypto.decryptBody(second), 'second');
    assert.equal(crypto.decryptBody(crypto.encryptBody(q, 'third')), 'third');
    assert.ok(looks() <= 4, `the key ring was looked at ${looks()} times over 2 s`);
  });

  it('a rotation reaches the next send, inside the reuse period', () => {
    const { file, clock, crypto } = fileAndServer();
    const q = kmsQueue('alias/orders');
    assert.equal(parseEnvelope(crypto.encryptBody(q, 'a')).keyVersion, 1);
    file.ring.rotate('alias/orders', (n) => Buffer.alloc(n, 7), 0);
    clock.advance(1000);
    const b = crypto.encryptBody(q, 'b');
    assert.equal(parseEnvelope(b).keyVersion, 2);
    assert.equal(crypto.decryptBody(b), 'b');
  });
});

describe("SQS's KMS errors", () => {
  it('a KmsMasterKeyId not in the ring: KmsNotFound (KMS.NotFoundException, 400) with KMS wording', () => {
    const { crypto } = setup();
    let e = sqsErrorOf(() => crypto.encryptBody(kmsQueue('testKeyId'), 'x'));
    assert.equal(e.code, 'KmsNotFound');
    assert.equal(e.spec.queryCode, 'KMS.NotFoundException');
    assert.equal(e.spec.status, 400);
    assert.equal(e.message, "Key 'arn:aws:kms:us-east-1:000000000000:key/testKeyId' does not exist");
    e = sqsErrorOf(() => crypto.encryptBody(kmsQueue('alias/missing'), 'x'));
    assert.equal(e.message, 'Alias arn:aws:kms:us-east-1:000000000000:alias/missing is not found.');
    e = sqsErrorOf(() => crypto.encryptBody(kmsQueue('arn:aws:kms:eu-west-1:000000000000:alias/orders'), 'x'));
    assert.equal(e.code, 'KmsNotFound', 'an ARN of another region');
  });

  it('a disabled key: KmsDisabled on send and on receive', () => {
    const { crypto, ring } = setup();
    const stored = crypto.encryptBody(kmsQueue('alias/orders'), 'x');
    ring.setEnabled('alias/orders', false);
    assert.equal(sqsErrorOf(() => crypto.encryptBody(kmsQueue('alias/orders'), 'y')).code, 'KmsDisabled');
    const e = sqsErrorOf(() => crypto.decryptBody(stored));
    assert.equal(e.code, 'KmsDisabled');
    assert.equal(e.spec.queryCode, 'KMS.DisabledException');
    ring.setEnabled('alias/orders', true);
    assert.equal(crypto.decryptBody(stored), 'x');
  });

  it('a stored message whose key left the ring: KmsNotFound', () => {
    const { crypto } = setup();
    const stored = crypto.encryptBody(kmsQueue('alias/orders'), 'x');
    const other = new MessageCrypto({ ring: new KeyRing(), managedKeyId: 'none', clock: new ManualClock(), random: new SeededRandom('o'), scope });
    const e = sqsErrorOf(() => other.decryptBody(stored));
    assert.equal(e.code, 'KmsNotFound');
    assert.match(e.message, /key\/orders-key' does not exist/);
  });

  it('a version the ring does not hold: KmsNotFound naming the version', () => {
    const { crypto, ring, random } = setup();
    ring.rotate('alias/orders', (n) => random.bytes(n), 0);
    const stored = crypto.encryptBody(kmsQueue('alias/orders'), 'x');
    const older = setup('mc').crypto; // the ring as it was before the rotation
    const e = sqsErrorOf(() => older.decryptBody(stored));
    assert.equal(e.code, 'KmsNotFound');
    assert.match(e.message, /has no version 2/);
  });

  it('the wrong ring (a different key under the same id and alias) fails cleanly: KmsInvalidState, no garbage', () => {
    const { crypto } = setup('ring-A');
    const stored = crypto.encryptBody(kmsQueue('alias/orders'), 'confidential');
    const impostor = setup('ring-B').crypto; // same ids and aliases, other material
    const e = sqsErrorOf(() => impostor.decryptBody(stored));
    assert.equal(e.code, 'KmsInvalidState');
    assert.equal(e.spec.queryCode, 'KMS.InvalidStateException');
    assert.match(e.message, /cannot be decrypted with arn:aws:kms:us-east-1:000000000000:key\/orders-key version 1: authentication failed/);
  });

  it('a damaged header right after an intact body of the same data key still fails (the last header is not trusted blindly)', () => {
    const { crypto } = setup();
    const a = crypto.encryptBody(sqsQueue('qa'), 'first');
    const b = crypto.encryptBody(sqsQueue('qb'), 'second');
    // Interleaved queues: each decrypt meets another header than the last one.
    for (let i = 0; i < 3; i++) {
      assert.equal(crypto.decryptBody(a), 'first');
      assert.equal(crypto.decryptBody(b), 'second');
    }
    const at = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    // Byte 100 of the text lies in the wrapped data key, byte 60 in the key id / version area.
    for (const i of [60, 100]) {
      assert.equal(crypto.decryptBody(a), 'first');
      const code = sqsErrorOf(() => crypto.decryptBody(at(a, i))).code;
      assert.ok(code === 'KmsInvalidState' || code === 'KmsNotFound', `byte ${i}: ${code}`);
    }
    assert.equal(crypto.decryptBody(a), 'first');
    assert.equal(crypto.decryptBody(crypto.encryptBody(sqsQueue('qa'), 'third')), 'third');
  });

  it('a damaged stored body: KmsInvalidState, never other text', () => {
    const { crypto } = setup();
    const stored = crypto.encryptBody(sqsQueue(), 'payload');
    // A byte of the ciphertext, of the wrapped key, of the version: each fails, none yields text.
    const at = (i: number) => stored.slice(0, i) + (stored[i] === 'A' ? 'B' : 'A') + stored.slice(i + 1);
    let e = sqsErrorOf(() => crypto.decryptBody(at(stored.length - 30)));
    assert.equal(e.code, 'KmsInvalidState');
    assert.match(e.message, /authentication failed/);
    e = sqsErrorOf(() => crypto.decryptBody(at(100)));
    assert.equal(e.code, 'KmsInvalidState');
    // A changed key id names a key that does not exist (or, if it happened to exist, fails authentication).
    assert.equal(sqsErrorOf(() => crypto.decryptBody(at(20))).code, 'KmsNotFound');
    const e2 = sqsErrorOf(() => crypto.decryptBody('\u0001' + stored.slice(2)));
    assert.match(e2.message, /marker is damaged/);
  });
});
