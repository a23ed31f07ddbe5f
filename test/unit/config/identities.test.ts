/**
 * Identities in the config file (`accounts:`, `policies:`), validated at load, and the identity store
 * built from them (src/auth/identities.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildIdentities, IdentityStore, userIdOf } from '../../../src/auth/identities.js';
import { authorize } from '../../../src/auth/policy/index.js';
import { loadConfig, reloadIdentityConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/config/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'ferry-identities-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (text: string) => {
  const p = join(dir, `c${++n}.yaml`);
  writeFileSync(p, text);
  return p;
};
const ACCT = '111111111111';
const load = (yaml: string, env: NodeJS.ProcessEnv = {}, flags: Record<string, unknown> = {}) =>
  loadConfig({ flags: { accountId: ACCT, auth: 'sigv4', configFile: file(yaml), ...flags }, env });
const refuses = (yaml: string, re: RegExp, env: NodeJS.ProcessEnv = {}) =>
  assert.throws(
    () => load(yaml, env),
    (e: unknown) => e instanceof ConfigError && re.test(e.message),
  );

const ISSUE_YAML = `
auth: sigv4
accounts:
  "${ACCT}":
    users:
      orders-app:
        accessKeys:
          - { accessKeyId: AKIAORDERS, secretAccessKey: "orders-secret" }
        policies: [send-orders]
        inlinePolicies: { extra: { Version: "2012-10-17", Statement: [ { Effect: Allow, Action: "sqs:GetQueueUrl", Resource: "*" } ] } }
      ops:
        admin: true
        accessKeys: [ { accessKeyId: AKIAOPS, secretAccessKey: "ops-secret" } ]
policies:
  send-orders: { Version: "2012-10-17", Statement: [ { Effect: Allow, Action: "sqs:SendMessage", Resource: "arn:aws:sqs:*:${ACCT}:orders*" } ] }
`;

describe('identities in the config file', () => {
  it("reads the issue's example and builds principals, policies and admins", () => {
    const c = load(ISSUE_YAML);
    const set = buildIdentities(c);
    const orders = set.byKey.get('AKIAORDERS')!;
    assert.equal(orders.secretAccessKey, 'orders-secret');
    assert.deepEqual(orders.principal, {
      accountId: ACCT,
      arn: `arn:aws:iam::${ACCT}:user/orders-app`,
      userName: 'orders-app',
      userId: userIdOf(ACCT, 'orders-app'),
      admin: false,
    });
    assert.match(orders.principal.userId!, /^AIDA[A-Z2-7]{17}$/);
    assert.equal(orders.policies.length, 2);
    assert.equal(set.byKey.get('AKIAOPS')!.principal.admin, true);
    assert.equal(set.byUser.get('ops')!.accessKeyId, 'AKIAOPS');
    const req = (action: string, q: string) => ({
      principal: orders.principal,
      action,
      resource: `arn:aws:sqs:us-east-1:${ACCT}:${q}`,
      identityPolicies: orders.policies,
      context: { now: 0 },
    });
    assert.equal(authorize(req('SendMessage', 'orders-eu')).allowed, true);
    assert.equal(authorize(req('SendMessage', 'billing')).allowed, false);
    assert.equal(authorize(req('ReceiveMessage', 'orders-eu')).allowed, false);
  });

  it('keeps --access-key-id and credentials as administrators of the default account (root)', () => {
    const c = load(
      `credentials: [{ accessKeyId: AKIDLIST, secretAccessKey: s }]\n${ISSUE_YAML}`,
      {},
      { accessKeyId: 'AKIDFLAG', secretAccessKey: 'f' },
    );
    const set = buildIdentities(c);
    for (const k of ['AKIDLIST', 'AKIDFLAG']) {
      const id = set.byKey.get(k)!;
      assert.equal(id.principal.arn, `arn:aws:iam::${ACCT}:root`);
      assert.equal(id.principal.admin, true);
    }
    assert.equal(set.anonymousAdmin.principal.admin, true);
  });

  it('resolves secrets from an environment variable and from a file, and never puts a secret in a message', () => {
    const secretFile = join(dir, 'secret.txt');
    writeFileSync(secretFile, 'from-file\n');
    const yaml = `accounts:\n  "${ACCT}":\n    users:\n      a: { accessKeys: [ { accessKeyId: AKA, secretAccessKeyEnv: A_SECRET }, { accessKeyId: AKB, secretAccessKeyFile: ${secretFile} } ] }\n`;
    const set = buildIdentities(load(yaml, { A_SECRET: 'from-env' }));
    assert.equal(set.byKey.get('AKA')!.secretAccessKey, 'from-env');
    assert.equal(set.byKey.get('AKB')!.secretAccessKey, 'from-file');
    refuses(yaml, /A_SECRET is not set/);
    refuses(
      `accounts:\n  "${ACCT}":\n    users:\n      a: { accessKeys: [ { accessKeyId: AKB, secretAccessKeyFile: ${join(dir, 'nope')} } ] }\n`,
      /cannot read secretAccessKeyFile .*ENOENT/,
    );
    refuses(
      `accounts:\n  "${ACCT}":\n    users:\n      a: { accessKeys: [ { accessKeyId: AKB, secretAccessKey: hush-hush, secretAccessKeyEnv: X } ] }\n`,
      /^(?!.*hush-hush).*exactly one of secretAccessKey, secretAccessKeyEnv, secretAccessKeyFile/,
    );
  });

  it('refuses bad declarations with messages naming the place', () => {
    refuses(`accounts:\n  "12345":\n    users: {}\n`, /accounts\.12345: an account id is 12 digits/);
    refuses(`accounts:\n  "${ACCT}":\n    users:\n      a: { accessKeys: [], admn: true }\n`, /users\.a: unknown key "admn"/);
    refuses(`accounts:\n  "${ACCT}":\n    users:\n      a: { policies: [nope] }\n`, /users\.a\.policies: no policy named "nope"/);
    refuses(`accounts:\n  "${ACCT}":\n    users:\n      a: { admin: "yes" }\n`, /users\.a\.admin must be true or false/);
    refuses(`policies:\n  bad: { Statement: [ { Effect: Allow, Action: "sqs:*" } ] }\n`, /policies\.bad: invalid identity policy/);
    refuses(
      `policies:\n  p: { Version: "2012-10-17", Statement: [ { Effect: Allow, Principal: "*", Action: "sqs:*", Resource: "*" } ] }\n`,
      /policies\.p: invalid identity policy/,
    );
    refuses(
      `policies:\n  p: { Version: "2012-10-17", Statement: [ { Effect: Allow, Action: "sqs:*", Resource: "*", Condition: { StringFoo: { "aws:username": x } } } ] }\n`,
      /policies\.p: invalid identity policy.*StringFoo/,
    );
    refuses(
      `accounts:\n  "${ACCT}":\n    users:\n      a: { inlinePolicies: { i: { Statement: 3 } } }\n`,
      /users\.a\.inlinePolicies\.i: invalid identity policy/,
    );
  });

  it('refuses an access key id used twice anywhere', () => {
    refuses(
      `accounts:\n  "${ACCT}":\n    users:\n      a: { accessKeys: [ { accessKeyId: AKX, secretAccessKey: s } ] }\n      b: { accessKeys: [ { accessKeyId: AKX, secretAccessKey: t } ] }\n`,
      /access key AKX is declared twice/,
    );
    refuses(
      `credentials: [{ accessKeyId: AKX, secretAccessKey: s }]\naccounts:\n  "${ACCT}":\n    users:\n      a: { accessKeys: [ { accessKeyId: AKX, secretAccessKey: t } ] }\n`,
      /access key AKX is declared twice \(credentials and accounts\.111111111111\.users\.a\)/,
    );
  });

  it('accepts accounts other than the default one: each user acts in its own account', () => {
    const set = buildIdentities(
      load(
        `accounts:\n  "222222222222":\n    users:\n      a: { accessKeys: [ { accessKeyId: AKZ, secretAccessKey: s } ] }\n  "${ACCT}":\n    users:\n      b: { admin: true, accessKeys: [ { accessKeyId: AKY, secretAccessKey: s } ] }\n`,
      ),
    );
    assert.equal(set.byKey.get('AKZ')!.principal.accountId, '222222222222');
    assert.equal(set.byKey.get('AKZ')!.principal.arn, 'arn:aws:iam::222222222222:user/a');
    assert.equal(set.byKey.get('AKY')!.principal.accountId, ACCT);
    assert.equal(set.defaultAccountId, ACCT);
  });

  it('needs at least one key with auth sigv4, which a user key satisfies', () => {
    assert.throws(() => loadConfig({ flags: { auth: 'sigv4', accountId: ACCT } }), /no credentials are configured/);
    assert.equal(load(`accounts:\n  "${ACCT}":\n    users:\n      a: { accessKeys: [ { accessKeyId: AKQ, secretAccessKey: s } ] }\n`).auth, 'sigv4');
  });
});

describe('identity store and reload', () => {
  it('finds identities by key and by user name, and swaps the whole set at once', () => {
    const c = load(ISSUE_YAML);
    const store = new IdentityStore(buildIdentities(c));
    assert.equal(store.find('orders-app')?.accessKeyId, 'AKIAORDERS');
    assert.equal(store.find(`${ACCT}:ops`)?.accessKeyId, 'AKIAOPS');
    assert.equal(store.get('AKIAOPS')?.principal.admin, true);
    assert.deepEqual(
      store
        .credentials()
        .map((k) => k.accessKeyId)
        .sort(),
      ['AKIAOPS', 'AKIAORDERS'],
    );
    store.replace(buildIdentities({ ...c, accounts: {}, policies: {} }));
    assert.equal(store.get('AKIAOPS'), undefined);
    assert.equal(store.version, 1);
  });

  it('reloadIdentityConfig re-reads the file and validates everything; a bad file throws', () => {
    const p = file(ISSUE_YAML);
    const c = loadConfig({ flags: { accountId: ACCT, auth: 'sigv4', configFile: p } });
    writeFileSync(p, ISSUE_YAML.replace('AKIAOPS', 'AKIAOPS2'));
    const next = reloadIdentityConfig(c, {});
    assert.ok(buildIdentities({ ...c, ...next }).byKey.has('AKIAOPS2'));
    writeFileSync(p, ISSUE_YAML.replace('policies: [send-orders]', 'policies: [missing]'));
    assert.throws(() => reloadIdentityConfig(c, {}), /no policy named "missing"/);
  });
});
