/**
 * The key ring as a pure model: KMS's four KeyId forms (the SQS API reference's KmsMasterKeyId points
 * to KMS DescribeKey's KeyId: key id, key ARN, alias name, alias ARN), rotation, read-only environment
 * keys, the documents' strict validation and the compact FERRY_KMS_KEYS form.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { SeededRandom } from '../../../src/core/random.js';
import {
  AWS_SQS_ALIAS,
  currentVersion,
  keyCheck,
  KeyRing,
  KeyRingError,
  MANAGED_ALIAS,
  parseKeyRef,
  type KeyScope,
  type RingKey,
} from '../../../src/crypto/keyring.js';
import { fromDocument, parseEnvKeys, toDocument } from '../../../src/crypto/keyringDocument.js';

const scope: KeyScope = { region: 'us-east-1', accountId: '000000000000' };
const T0 = Date.UTC(2026, 0, 1);

function ring(seed = 'ring'): { ring: KeyRing; random: SeededRandom; orders: RingKey; managed: RingKey } {
  const random = new SeededRandom(seed);
  const r = new KeyRing();
  const bytes = (n: number) => random.bytes(n);
  const uuid = () => random.uuid();
  const managed = r.create({ aliases: [MANAGED_ALIAS, AWS_SQS_ALIAS], managed: true, source: 'file' }, bytes, T0, uuid);
  const orders = r.create({ id: 'orders-key', aliases: ['alias/orders'], source: 'file', description: 'orders' }, bytes, T0, uuid);
  return { ring: r, random, orders, managed };
}

describe('lookups: id, alias, key ARN, alias ARN', () => {
  const { ring: r, orders, managed } = ring();

  it('finds a key by each of KMS KeyId forms', () => {
    assert.equal(r.resolve('orders-key'), orders);
    assert.equal(r.resolve('alias/orders'), orders);
    assert.equal(r.resolve('arn:aws:kms:us-east-1:000000000000:key/orders-key', scope), orders);
    assert.equal(r.resolve('arn:aws:kms:us-east-1:000000000000:alias/orders', scope), orders);
    assert.equal(r.resolve(managed.id), managed);
    assert.equal(r.resolve('alias/aws/sqs'), managed, "alias/aws/sqs names Ferry's managed key");
    assert.equal(r.resolve(MANAGED_ALIAS), managed);
    assert.equal(r.managedKey(), managed);
  });

  it('an ARN of another region or account is not found; unknown ids and aliases are not found', () => {
    assert.equal(r.resolve('arn:aws:kms:eu-west-1:000000000000:key/orders-key', scope), undefined);
    assert.equal(r.resolve('arn:aws:kms:us-east-1:111111111111:alias/orders', scope), undefined);
    assert.equal(r.resolve('alias/nope'), undefined);
    assert.equal(r.resolve('nope'), undefined);
    assert.equal(r.resolve('testKeyId'), undefined, 'what LocalStack sets against AWS: accepted there, unknown here');
  });

  it('parseKeyRef takes ARNs apart', () => {
    assert.deepEqual(parseKeyRef('arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'), {
      kind: 'id',
      id: '1234abcd-12ab-34cd-56ef-1234567890ab',
      region: 'us-east-2',
      accountId: '111122223333',
    });
    assert.deepEqual(parseKeyRef('arn:aws-cn:kms:cn-north-1:111122223333:alias/ExampleAlias'), {
      kind: 'alias',
      alias: 'alias/ExampleAlias',
      region: 'cn-north-1',
      accountId: '111122223333',
    });
    assert.deepEqual(parseKeyRef('alias/x'), { kind: 'alias', alias: 'alias/x' });
    assert.deepEqual(parseKeyRef('k'), { kind: 'id', id: 'k' });
  });
});

describe('rotation', () => {
  it('adds a version that becomes current; the old ones stay', () => {
    const { ring: r, random } = ring();
    const before = r.resolve('alias/orders')!;
    const v2 = r.rotate('alias/orders', (n) => random.bytes(n), T0 + 1000);
    const after = r.resolve('alias/orders')!;
    assert.equal(v2.version, 2);
    assert.equal(currentVersion(after).version, 2);
    assert.equal(after.versions.length, 2);
    assert.ok(after.versions[0]!.material.equals(before.versions[0]!.material), 'version 1 unchanged');
    assert.ok(!v2.material.equals(before.versions[0]!.material));
    assert.equal(r.rotate('orders-key', (n) => random.bytes(n), T0).version, 3);
  });

  it('keys from the environment are read-only; unknown keys are named', () => {
    const r = new KeyRing(parseEnvKeys(`envkey+alias/env=${Buffer.alloc(32, 7).toString('base64')}`, T0));
    assert.throws(() => r.rotate('alias/env', (n) => Buffer.alloc(n), T0), /read-only/);
    assert.throws(
      () => r.rotate('alias/other', (n) => Buffer.alloc(n), T0),
      (e: unknown) => e instanceof KeyRingError && /no key alias\/other.*envkey/.test(e.message),
    );
  });

  it('setEnabled replaces the record; the managed key cannot be disabled', () => {
    const { ring: r } = ring();
    assert.throws(() => r.setEnabled(MANAGED_ALIAS, false), /managed key, which cannot be disabled/);
    assert.equal(r.setEnabled('alias/orders', false).enabled, false);
    assert.equal(r.resolve('orders-key')!.enabled, false);
  });
});

describe('invariants', () => {
  const mk = (over: Partial<RingKey>): RingKey => ({
    id: 'k1',
    aliases: [],
    versions: [{ version: 1, material: Buffer.alloc(32, 1), createdAt: 0 }],
    enabled: true,
    managed: false,
    createdAt: 0,
    source: 'file',
    ...over,
  });

  it('refuses duplicate ids and aliases, bad ids, bad aliases, reserved aliases, bad material', () => {
    const r = new KeyRing([mk({ aliases: ['alias/a'] })]);
    assert.throws(() => r.add(mk({})), /defined twice/);
    assert.throws(() => r.add(mk({ id: 'k2', aliases: ['alias/a'] })), /alias alias\/a names two keys/);
    assert.throws(() => r.add(mk({ id: 'bad id' })), /key id/);
    assert.throws(() => r.add(mk({ id: 'k3', aliases: ['orders'] })), /alias/);
    assert.throws(() => r.add(mk({ id: 'k4', aliases: ['alias/aws/sqs'] })), /reserved/);
    assert.throws(() => r.add(mk({ id: 'k5', versions: [{ version: 1, material: Buffer.alloc(16), createdAt: 0 }] })), /32 bytes/);
    assert.throws(() => r.add(mk({ id: 'k6', versions: [] })), /no versions/);
    assert.throws(
      () =>
        r.add(
          mk({
            id: 'k7',
            versions: [
              { version: 1, material: Buffer.alloc(32), createdAt: 0 },
              { version: 1, material: Buffer.alloc(32), createdAt: 0 },
            ],
          }),
        ),
      /twice/,
    );
    r.add(mk({ id: 'm1', managed: true }));
    assert.throws(() => r.add(mk({ id: 'm2', managed: true })), /two keys are marked managed/);
  });

  it('keyCheck identifies material without revealing it', () => {
    const a = keyCheck(Buffer.alloc(32, 1));
    assert.match(a, /^[0-9a-f]{16}$/);
    assert.equal(a, keyCheck(Buffer.alloc(32, 1)));
    assert.notEqual(a, keyCheck(Buffer.alloc(32, 2)));
  });

  it('info lists keys without material', () => {
    const { ring: r, orders } = ring();
    const info = r.info(scope).find((k) => k.id === 'orders-key')!;
    assert.equal(info.arn, 'arn:aws:kms:us-east-1:000000000000:key/orders-key');
    assert.equal(info.currentVersion, 1);
    assert.equal(info.versions[0]!.check, keyCheck(orders.versions[0]!.material));
    assert.ok(!JSON.stringify(info).includes(orders.versions[0]!.material.toString('base64')));
  });
});

describe('merge (a reload of the same sources)', () => {
  it('takes in new keys and versions, never replaces material', () => {
    const { ring: r, random } = ring('m');
    const copy = new KeyRing(fromDocument(JSON.parse(JSON.stringify(toDocument(r.keys()))), 'file', 'copy'));
    copy.rotate('alias/orders', (n) => random.bytes(n), T0);
    copy.create(
      { id: 'new-key', source: 'file' },
      (n) => random.bytes(n),
      T0,
      () => 'x',
    );
    const res = r.merge(copy);
    assert.deepEqual(res.added.sort(), ['new-key', 'orders-key v2']);
    assert.deepEqual(res.conflicts, []);
    assert.equal(currentVersion(r.resolve('alias/orders')!).version, 2);

    const swapped = new KeyRing(
      r.keys().map((k) => (k.id === 'orders-key' ? { ...k, versions: k.versions.map((v) => ({ ...v, material: Buffer.alloc(32, 9) })) } : k)),
    );
    const before = r.get('orders-key')!.versions[0]!.material;
    const res2 = r.merge(swapped);
    assert.equal(res2.conflicts.length, 2);
    assert.ok(r.get('orders-key')!.versions[0]!.material.equals(before), 'material in memory kept');
  });
});

describe('documents', () => {
  it('file document round trip', () => {
    const { ring: r } = ring('doc');
    const doc = toDocument(r.keys());
    const back = fromDocument(JSON.parse(JSON.stringify(doc)), 'file', 'x');
    assert.equal(back.length, 2);
    for (const k of back) {
      const orig = r.get(k.id)!;
      assert.deepEqual(k.aliases, orig.aliases);
      assert.equal(k.managed, orig.managed);
      assert.equal(k.createdAt, orig.createdAt);
      assert.ok(k.versions[0]!.material.equals(orig.versions[0]!.material));
    }
  });

  it('strict: unknown fields, wrong format, bad base64 and short keys are refused with the place named', () => {
    const good = toDocument(ring('s').ring.keys());
    const bad = (mutate: (d: Record<string, unknown>) => void, re: RegExp) => {
      const d = JSON.parse(JSON.stringify(good)) as Record<string, unknown>;
      mutate(d);
      assert.throws(
        () => fromDocument(d, 'file', 'key ring f.json'),
        (e: unknown) => e instanceof KeyRingError && re.test(e.message),
        re.source,
      );
    };
    type Doc = { keys: Array<Record<string, unknown> & { versions: Array<Record<string, unknown>> }> };
    bad((d) => (d.format = 'other'), /format/);
    bad((d) => (d.version = 2), /version/);
    bad((d) => (d.extra = 1), /unknown field "extra"/);
    bad((d) => ((d as unknown as Doc).keys[0]!.alias = ['alias/x']), /keys\[0\]: unknown field "alias"/);
    bad((d) => ((d as unknown as Doc).keys[1]!.versions[0]!.key = 'not base64!'), /keys\[1\]\.versions\[0\].*base64/);
    bad((d) => ((d as unknown as Doc).keys[1]!.versions[0]!.key = Buffer.alloc(16).toString('base64')), /32 bytes/);
    bad((d) => ((d as unknown as Doc).keys[1]!.enabled = 'yes'), /enabled/);
    bad((d) => ((d as unknown as Doc).keys[1]!.createdAt = 'yesterday'), /createdAt/);
  });
});

describe('FERRY_KMS_KEYS', () => {
  const k1 = Buffer.alloc(32, 1).toString('base64');
  const k2 = Buffer.alloc(32, 2).toString('base64');

  it('compact form: id, aliases, versions in order (last is current)', () => {
    const keys = parseEnvKeys(` orders+alias/orders+alias/legacy=${k1},${k2} ;\n payments=${k2}\n`, T0);
    assert.equal(keys.length, 2);
    assert.equal(keys[0]!.id, 'orders');
    assert.deepEqual(keys[0]!.aliases, ['alias/orders', 'alias/legacy']);
    assert.deepEqual(
      keys[0]!.versions.map((v) => v.version),
      [1, 2],
    );
    assert.ok(currentVersion(keys[0]!).material.equals(Buffer.alloc(32, 2)));
    assert.equal(keys[0]!.source, 'env');
    assert.equal(keys[1]!.id, 'payments');
    assert.deepEqual(parseEnvKeys('  ', T0), []);
  });

  it('the managed key may come from the environment (alias/ferry-managed)', () => {
    const [k] = parseEnvKeys(`m+alias/ferry-managed+alias/aws/sqs=${k1}`, T0);
    assert.equal(k!.managed, true);
    assert.equal(new KeyRing([k!]).managedKey()?.id, 'm');
  });

  it('JSON form: the key-ring document', () => {
    const doc = toDocument(ring('env').ring.keys());
    const keys = parseEnvKeys(JSON.stringify(doc), T0);
    assert.equal(keys.length, 2);
    assert.ok(keys.every((k) => k.source === 'env'));
  });

  it('mistakes are refused, naming the entry', () => {
    assert.throws(() => parseEnvKeys(`orders:${k1}`, T0), /entry 1: empty/);
    assert.throws(() => parseEnvKeys('orders', T0), /entry 1: expected/);
    assert.throws(() => parseEnvKeys(`a=${k1};b=${k1.slice(0, -4)}`, T0), /entry 2.*32 bytes|entry 2.*base64/);
    assert.throws(() => parseEnvKeys(`a=${k1}x`, T0), /base64/);
    assert.throws(() => parseEnvKeys(`a=`, T0), /empty/);
    assert.throws(() => parseEnvKeys(`{not json`, T0), /not valid JSON/);
    // A syntax error never quotes the text (V8's messages do): the key material must not reach a log.
    assert.throws(
      () => parseEnvKeys(`{"keys": [${k1}`, T0),
      (e: unknown) => e instanceof KeyRingError && !e.message.includes(k1.slice(0, 8)),
    );
  });
});
