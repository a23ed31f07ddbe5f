/**
 * The console acts as the logged-in identity: its SQS calls and its own read routes (overview, history,
 * peek, journey) go through the same authorization as the SQS API. Black-box on a real `ferry serve`
 * (SQLite; the decision does not depend on the engine).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeClient, type SqsCaller } from '../helpers/clients.js';
import { ConsoleClient } from '../helpers/console.js';
import { startFerryProcess, type FerryProcess } from '../helpers/process.js';

const ACCT = '000000000000';
const OPS = { accessKeyId: 'AKCOPS', secretAccessKey: 'ops-secret' };
const VIEWER = { accessKeyId: 'AKCVIEW', secretAccessKey: 'view-secret' };
const TEAM = { accessKeyId: 'AKCTEAM', secretAccessKey: 'team-secret' };
const NOCREATE = { accessKeyId: 'AKCNOCREATE', secretAccessKey: 'nocreate-secret' };

describe('console authorization', () => {
  let ferry: FerryProcess;
  let dir: string;
  let ops: SqsCaller;
  let visible: string;
  let hidden: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-console-authz-'));
    const file = join(dir, 'ferry.json');
    writeFileSync(
      file,
      JSON.stringify({
        accounts: {
          [ACCT]: {
            users: {
              ops: { admin: true, accessKeys: [OPS] },
              viewer: {
                accessKeys: [VIEWER],
                inlinePolicies: {
                  view: {
                    Version: '2012-10-17',
                    Statement: [
                      { Effect: 'Allow', Action: 'sqs:ListQueues', Resource: '*' },
                      { Effect: 'Allow', Action: ['sqs:GetQueueAttributes', 'sqs:ReceiveMessage'], Resource: `arn:aws:sqs:*:${ACCT}:visible-*` },
                    ],
                  },
                },
              },
              // May create (and then use) only queues named team-*.
              team: {
                accessKeys: [TEAM],
                inlinePolicies: {
                  team: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: `arn:aws:sqs:*:${ACCT}:team-*` }] },
                },
              },
              // Everything, but an unconditional Deny of CreateQueue on every queue.
              nocreate: {
                accessKeys: [NOCREATE],
                inlinePolicies: {
                  most: {
                    Version: '2012-10-17',
                    Statement: [
                      { Effect: 'Allow', Action: 'sqs:*', Resource: '*' },
                      { Effect: 'Deny', Action: 'sqs:CreateQueue', Resource: '*' },
                    ],
                  },
                },
              },
            },
          },
        },
      }),
    );
    ferry = await startFerryProcess({ args: ['--auth', 'sigv4', '--config', file] });
    ops = makeClient('json', ferry.url, 'us-east-1', { ...OPS });
    visible = `visible-${process.pid}`;
    hidden = `hidden-${process.pid}`;
    for (const q of [visible, hidden]) {
      const { QueueUrl } = await ops.call('CreateQueue', { QueueName: q });
      await ops.call('SendMessage', { QueueUrl: QueueUrl!, MessageBody: `in ${q}` });
    }
  });
  after(async () => {
    ops?.destroy();
    await ferry?.stop();
    ferry?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the overview lists only the queues the identity may read; an administrator sees all', async () => {
    const viewer = new ConsoleClient(ferry.url);
    assert.equal((await viewer.login(VIEWER.accessKeyId, VIEWER.secretAccessKey)).status, 200);
    const names = ((await viewer.get('/console/api/overview')).json.queues as Array<{ name: string }>).map((q) => q.name);
    assert.ok(names.includes(visible));
    assert.ok(!names.includes(hidden));
    const admin = new ConsoleClient(ferry.url);
    await admin.login(OPS.accessKeyId, OPS.secretAccessKey);
    const all = ((await admin.get('/console/api/overview')).json.queues as Array<{ name: string }>).map((q) => q.name);
    assert.ok(all.includes(visible) && all.includes(hidden));
  });

  it('peek and history need ReceiveMessage / GetQueueAttributes on the queue (403 AccessDenied otherwise)', async () => {
    const viewer = new ConsoleClient(ferry.url);
    await viewer.login(VIEWER.accessKeyId, VIEWER.secretAccessKey);
    const ok = await viewer.get(`/console/api/queues/${visible}/messages`);
    assert.equal(ok.status, 200);
    assert.equal(ok.json.messages[0].body, `in ${visible}`);
    const peek = await viewer.get(`/console/api/queues/${hidden}/messages`);
    assert.equal(peek.status, 403);
    assert.equal(peek.json.error.code, 'AccessDenied');
    assert.match(
      peek.json.error.message,
      /user\/viewer is not authorized to perform: sqs:receivemessage on resource: arn:aws:sqs:us-east-1:000000000000:hidden-/,
    );
    assert.equal((await viewer.get(`/console/api/queues/${hidden}/history`)).status, 403);
    assert.equal((await viewer.get(`/console/api/queues/${hidden}/messages/some-id/journey`)).status, 403);
  });

  it('GET /permissions: what the key may do in its account and on a queue, decided as the requests would be', async () => {
    const as = async (key: { accessKeyId: string; secretAccessKey: string }) => {
      const c = new ConsoleClient(ferry.url);
      assert.equal((await c.login(key.accessKeyId, key.secretAccessKey)).status, 200);
      return c;
    };
    const viewer = await as(VIEWER);
    const account = await viewer.get('/console/api/permissions');
    assert.equal(account.status, 200);
    assert.deepEqual(account.json, { account: { CreateQueue: false, ListQueues: true } });
    const onVisible = (await viewer.get(`/console/api/permissions?queue=${visible}`)).json;
    assert.equal(onVisible.queue.name, visible);
    const allowed = Object.entries(onVisible.queue.actions as Record<string, boolean>)
      .filter(([, v]) => v)
      .map(([k]) => k)
      .sort();
    assert.deepEqual(allowed, ['GetQueueAttributes', 'ReceiveMessage']);
    const onHidden = (await viewer.get(`/console/api/permissions?queue=${hidden}`)).json;
    assert.ok(Object.values(onHidden.queue.actions as Record<string, boolean>).every((v) => v === false));
    assert.equal(Object.keys(onHidden.queue.actions as object).length, 15);
    assert.equal((await viewer.get('/console/api/permissions?queue=')).status, 400);

    // CreateQueue is decided per queue name: a key allowed team-* may create some queue; an unconditional
    // Deny on every queue may create none; an administrator may create any.
    assert.equal((await (await as(TEAM)).get('/console/api/permissions')).json.account.CreateQueue, true);
    const nocreate = (await (await as(NOCREATE)).get(`/console/api/permissions?queue=${visible}`)).json;
    assert.deepEqual(nocreate.account, { CreateQueue: false, ListQueues: true });
    assert.ok(Object.values(nocreate.queue.actions as Record<string, boolean>).every((v) => v === true));
    const admin = (await (await as(OPS)).get(`/console/api/permissions?queue=${hidden}`)).json;
    assert.deepEqual(admin.account, { CreateQueue: true, ListQueues: true });
    assert.ok(Object.values(admin.queue.actions as Record<string, boolean>).every((v) => v === true));
  });

  it("GET /queues/<name>/encryption: the SSE mode, and an SSE-KMS key's state in Ferry's key ring", async () => {
    const missing = `kms-missing-${process.pid}`;
    const managed = `kms-aws-${process.pid}`;
    await ops.call('CreateQueue', { QueueName: missing, Attributes: { KmsMasterKeyId: 'alias/payments-key' } });
    await ops.call('CreateQueue', { QueueName: managed, Attributes: { KmsMasterKeyId: 'alias/aws/sqs' } });
    const admin = new ConsoleClient(ferry.url);
    await admin.login(OPS.accessKeyId, OPS.secretAccessKey);
    const m = await admin.get(`/console/api/queues/${missing}/encryption`);
    assert.equal(m.status, 200);
    assert.deepEqual(m.json, { mode: 'kms', kmsMasterKeyId: 'alias/payments-key', key: { state: 'missing', creatable: 'alias/payments-key' } });
    const k = (await admin.get(`/console/api/queues/${managed}/encryption`)).json;
    assert.equal(k.key.state, 'enabled');
    assert.ok((k.key.aliases as string[]).includes('alias/aws/sqs'));
    assert.match(k.key.arn as string, /^arn:aws:kms:us-east-1:000000000000:key\//);
    assert.deepEqual((await admin.get(`/console/api/queues/${visible}/encryption`)).json, { mode: 'sqs' });
    // As the other attribute views: GetQueueAttributes on the queue.
    const viewer = new ConsoleClient(ferry.url);
    await viewer.login(VIEWER.accessKeyId, VIEWER.secretAccessKey);
    assert.equal((await viewer.get(`/console/api/queues/${hidden}/encryption`)).status, 403);
    assert.equal((await admin.get(`/console/api/queues/no-such-${process.pid}/encryption`)).status, 404);
  });

  it("the console's SQS calls act as the session's identity", async () => {
    const viewer = new ConsoleClient(ferry.url);
    await viewer.login(VIEWER.accessKeyId, VIEWER.secretAccessKey);
    const url = `${ferry.url}/${ACCT}/${visible}`;
    assert.equal((await viewer.sqs('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['All'] })).status, 200);
    const send = await viewer.sqs('SendMessage', { QueueUrl: url, MessageBody: 'x' });
    assert.equal(send.status, 403);
    assert.match(send.text, /AccessDenied/);
  });
});

/**
 * Several accounts on one server (queues keyed by account and name): a session works in its key's
 * account — it sees that account's queues with URLs and ARNs that carry it, a same-named queue of
 * another account is another queue, and reaching into another account takes what the API takes (the
 * queue's policy must allow it).
 */
describe('console with two accounts', () => {
  const A = '111111111111';
  const B = '222222222222';
  const ALICE = { accessKeyId: 'AKCALICE', secretAccessKey: 'alice-secret' };
  const BOB = { accessKeyId: 'AKCBOB', secretAccessKey: 'bob-secret' };
  let ferry: FerryProcess;
  let dir: string;
  let alice: SqsCaller;
  let bob: SqsCaller;
  const shared = `shared-${process.pid}`;
  const onlyA = `only-a-${process.pid}`;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-console-accounts-'));
    const file = join(dir, 'ferry.json');
    writeFileSync(
      file,
      JSON.stringify({
        accounts: {
          [A]: { users: { alice: { admin: true, accessKeys: [ALICE] } } },
          [B]: { users: { bob: { admin: true, accessKeys: [BOB] } } },
        },
      }),
    );
    ferry = await startFerryProcess({ args: ['--auth', 'sigv4', '--config', file] });
    alice = makeClient('json', ferry.url, 'us-east-1', { ...ALICE });
    bob = makeClient('json', ferry.url, 'us-east-1', { ...BOB });
    for (const [c, who] of [
      [alice, 'A'],
      [bob, 'B'],
    ] as const) {
      const { QueueUrl } = await c.call('CreateQueue', { QueueName: shared });
      await c.call('SendMessage', { QueueUrl: QueueUrl!, MessageBody: `from ${who}` });
    }
    await alice.call('CreateQueue', { QueueName: onlyA });
  });
  after(async () => {
    alice?.destroy();
    bob?.destroy();
    await ferry?.stop();
    ferry?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  async function session(key: { accessKeyId: string; secretAccessKey: string }): Promise<ConsoleClient> {
    const c = new ConsoleClient(ferry.url);
    assert.equal((await c.login(key.accessKeyId, key.secretAccessKey)).status, 200);
    return c;
  }

  it("each session shows its key's account and only that account's queues, with URLs and ARNs that carry it", async () => {
    for (const [key, account, names] of [
      [ALICE, A, [onlyA, shared]],
      [BOB, B, [shared]],
    ] as const) {
      const c = await session(key);
      assert.equal((await c.session()).json.accountId, account);
      const queues = (await c.get('/console/api/overview')).json.queues as Array<{ name: string; url: string; arn: string }>;
      assert.deepEqual(queues.map((q) => q.name).sort(), [...names].sort());
      for (const q of queues) {
        assert.equal(new URL(q.url).pathname, `/${account}/${q.name}`);
        assert.equal(q.arn, `arn:aws:sqs:us-east-1:${account}:${q.name}`);
      }
    }
  });

  it("the same name in two accounts is two queues: peek shows the session's own; another account's queue is not there", async () => {
    const a = await session(ALICE);
    const b = await session(BOB);
    assert.deepEqual(
      ((await a.get(`/console/api/queues/${shared}/messages`)).json.messages as Array<{ body: string }>).map((m) => m.body),
      ['from A'],
    );
    assert.deepEqual(
      ((await b.get(`/console/api/queues/${shared}/messages`)).json.messages as Array<{ body: string }>).map((m) => m.body),
      ['from B'],
    );
    const other = await b.get(`/console/api/queues/${onlyA}/messages`);
    assert.equal(other.status, 404);
    assert.equal(other.json.error.code, 'QueueDoesNotExist');
  });

  it("across accounts the console's SQS calls need the queue's policy, as the API does", async () => {
    const b = await session(BOB);
    const url = `${ferry.url}/${A}/${onlyA}`;
    const denied = await b.sqs('SendMessage', { QueueUrl: url, MessageBody: 'from B' });
    assert.equal(denied.status, 403);
    assert.match(denied.text, /AccessDenied/);
    await alice.call('SetQueueAttributes', {
      QueueUrl: url,
      Attributes: {
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${B}:root` },
              Action: 'sqs:SendMessage',
              Resource: `arn:aws:sqs:us-east-1:${A}:${onlyA}`,
            },
          ],
        }),
      },
    });
    assert.equal((await b.sqs('SendMessage', { QueueUrl: url, MessageBody: 'from B' })).status, 200);
    // Still only SendMessage: the policy grants nothing else, and the console's own views stay in B.
    assert.equal((await b.sqs('PurgeQueue', { QueueUrl: url })).status, 403);
    const a = await session(ALICE);
    assert.deepEqual(
      ((await a.get(`/console/api/queues/${onlyA}/messages`)).json.messages as Array<{ body: string }>).map((m) => m.body),
      ['from B'],
    );
  });
});
