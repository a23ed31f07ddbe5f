/**
 * Several accounts on one server, black-box: a real `ferry serve --auth sigv4 --config …` process per
 * engine with two accounts (two teams), driven by @aws-sdk/client-sqs (JSON) and aws-sdk v2 (Query), and
 * by boto3 and the AWS CLI. Each team's queues live in its own account (the same name twice is two
 * queues, with their own URLs and ARNs); ListQueues shows a caller its own account only; GetQueueUrl
 * looks in the caller's account unless QueueOwnerAWSAccountId names another. Across accounts a request
 * needs both the queue's policy and the caller's identity policies (an administrator of the other
 * account is its root: allowed whatever its policies say, once the queue policy allows its account);
 * an explicit Deny in the queue policy wins; the owner-only actions are refused across accounts whatever
 * the policy says; AddPermission grants another account and RemovePermission takes the grant back.
 * Per-queue metrics carry the account.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';

import { clientsByIdentity, expectError, makeClient, type Protocol, type SqsCaller } from '../helpers/clients.js';
import { ENGINES, PROTOCOLS } from '../helpers/matrix.js';
import { startFerryProcess, type FerryProcess } from '../helpers/process.js';
import { scrape } from '../helpers/prometheus.js';

const run = promisify(execFile);

const ORDERS = '111111111111';
const BILLING = '222222222222';
const ARN = (account: string, q: string) => `arn:aws:sqs:us-east-1:${account}:${q}`;
const USER = (account: string, u: string) => `arn:aws:iam::${account}:user/${u}`;
const METRICS_TOKEN = 'accounts-test-metrics-token';

const KEYS = {
  ordersAdmin: { accessKeyId: 'AKORDERSADMIN', secretAccessKey: 'orders-admin-secret' },
  ordersApp: { accessKeyId: 'AKORDERSAPP', secretAccessKey: 'orders-app-secret' },
  billingAdmin: { accessKeyId: 'AKBILLINGADMIN', secretAccessKey: 'billing-admin-secret' },
  billingApp: { accessKeyId: 'AKBILLINGAPP', secretAccessKey: 'billing-app-secret' },
  billingIntern: { accessKeyId: 'AKBILLINGINTERN', secretAccessKey: 'billing-intern-secret' },
} as const;
type Who = keyof typeof KEYS;

const doc = (...Statement: unknown[]) => ({ Version: '2012-10-17', Statement });

/**
 * Orders (111…) owns the queues; billing (222…) uses some of them. billing-app's identity policy allows
 * sending, receiving and looking up any account's queue — it still needs each queue's policy across
 * accounts. billing-intern has no policy at all. The administrators are IAM users allowed everything in
 * their own account (principal `user/<name>`).
 */
function configText(): string {
  const user = (k: Who, rest: Record<string, unknown> = {}) => ({ accessKeys: [{ ...KEYS[k] }], ...rest });
  return JSON.stringify({
    accounts: {
      [ORDERS]: {
        users: {
          'orders-admin': user('ordersAdmin', { admin: true }),
          'orders-app': user('ordersApp', {
            inlinePolicies: { own: doc({ Effect: 'Allow', Action: 'sqs:*', Resource: `arn:aws:sqs:*:${ORDERS}:*` }) },
          }),
        },
      },
      [BILLING]: {
        users: {
          'billing-admin': user('billingAdmin', { admin: true }),
          'billing-app': user('billingApp', { policies: ['use-any-queue'] }),
          'billing-intern': user('billingIntern'),
        },
      },
    },
    policies: {
      'use-any-queue': doc({
        Effect: 'Allow',
        Action: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:GetQueueAttributes', 'sqs:ListQueues'],
        Resource: 'arn:aws:sqs:*:*:*',
      }),
    },
  });
}

async function denied(p: Promise<unknown>, message?: string): Promise<void> {
  const e = await expectError(p);
  assert.equal(e.status, 403, JSON.stringify(e));
  assert.equal(e.queryCode, 'AccessDenied', JSON.stringify(e));
  if (message !== undefined) assert.equal(e.message, message);
}

/** AWS's AccessDenied text for a cross-account request no queue policy allows. */
const noResourceAllow = (account: string, user: string, action: string, owner: string, q: string) =>
  `User: ${USER(account, user)} is not authorized to perform: sqs:${action} on resource: ${ARN(owner, q)} because no resource-based policy allows the sqs:${action} action`;

let counter = 0;
const name = (base: string) => `${base}-${process.pid}-${++counter}`;

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

for (const engine of ENGINES) {
  describe(`several accounts [${engine}]`, () => {
    let ferry: FerryProcess;
    let dir: string;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'ferry-accounts-'));
      const configFile = join(dir, 'ferry.json');
      writeFileSync(configFile, configText());
      ferry = await startFerryProcess({
        storage: engine,
        args: ['--skip-cooldowns', '--auth', 'sigv4', '--config', configFile, '--metrics-token', METRICS_TOKEN, '--metrics-gauge-cache-ms', '0'],
      });
    });
    after(async () => {
      await ferry?.stop();
      ferry?.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    for (const protocol of PROTOCOLS) {
      describe(protocol, () => {
        const as = clientsByIdentity(protocol as Protocol, () => ferry.url, KEYS);
        const create = async (who: Who, q: string): Promise<string> => (await as(who).call('CreateQueue', { QueueName: q })).QueueUrl!;
        const policy = async (url: string, ...statements: unknown[]) =>
          as('ordersAdmin').call('SetQueueAttributes', { QueueUrl: url, Attributes: { Policy: JSON.stringify(doc(...statements)) } });

        it("the same name in two accounts is two queues; each caller lists and looks up its own account's", async () => {
          const q = name(`jobs-${protocol}`);
          const mine = await create('ordersAdmin', q);
          const theirs = await create('billingAdmin', q);
          assert.equal(mine, `${ferry.url}/${ORDERS}/${q}`);
          assert.equal(theirs, `${ferry.url}/${BILLING}/${q}`);
          const arnOf = async (who: Who, url: string) =>
            (await as(who).call('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['QueueArn'] })).Attributes.QueueArn;
          assert.equal(await arnOf('ordersAdmin', mine), ARN(ORDERS, q));
          assert.equal(await arnOf('billingAdmin', theirs), ARN(BILLING, q));
          // Messages stay in their queue.
          await as('ordersAdmin').call('SendMessage', { QueueUrl: mine, MessageBody: 'for orders' });
          await as('billingAdmin').call('SendMessage', { QueueUrl: theirs, MessageBody: 'for billing' });
          const got = async (who: Who, url: string) =>
            ((await as(who).call('ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 10 })).Messages ?? []).map((m: { Body: string }) => m.Body);
          assert.deepEqual(await got('ordersAdmin', mine), ['for orders']);
          assert.deepEqual(await got('billingAdmin', theirs), ['for billing']);
          // ListQueues: the caller's account only.
          assert.deepEqual((await as('ordersAdmin').call('ListQueues', { QueueNamePrefix: q })).QueueUrls, [mine]);
          assert.deepEqual((await as('billingAdmin').call('ListQueues', { QueueNamePrefix: q })).QueueUrls, [theirs]);
          assert.deepEqual((await as('ordersApp').call('ListQueues', { QueueNamePrefix: q })).QueueUrls, [mine]);
          // GetQueueUrl: the caller's account, or the one QueueOwnerAWSAccountId names.
          assert.equal((await as('billingAdmin').call('GetQueueUrl', { QueueName: q })).QueueUrl, theirs);
          assert.equal((await as('billingAdmin').call('GetQueueUrl', { QueueName: q, QueueOwnerAWSAccountId: BILLING })).QueueUrl, theirs);
          // Orders' queue is not billing's to see without a queue policy — not even for billing's
          // administrator (an IAM user allowed everything in its own account, as the account root is).
          await denied(
            as('billingAdmin').call('GetQueueUrl', { QueueName: q, QueueOwnerAWSAccountId: ORDERS }),
            `User: ${USER(BILLING, 'billing-admin')} is not authorized to perform: sqs:getqueueurl on resource: ${ARN(ORDERS, q)} because no resource-based policy allows the sqs:getqueueurl action`,
          );
          await denied(as('billingAdmin').call('SendMessage', { QueueUrl: mine, MessageBody: 'x' }));
          await denied(
            as('billingApp').call('SendMessage', { QueueUrl: mine, MessageBody: 'x' }),
            noResourceAllow(BILLING, 'billing-app', 'sendmessage', ORDERS, q),
          );
        });

        it('a queue policy grants another account: sending allowed, receiving refused; both policies needed', async () => {
          const q = name(`shared-${protocol}`);
          const url = await create('ordersAdmin', q);
          await policy(url, {
            Sid: 'billing-sends',
            Effect: 'Allow',
            Principal: { AWS: BILLING },
            Action: ['sqs:SendMessage', 'sqs:GetQueueUrl'],
            Resource: ARN(ORDERS, q),
          });
          // billing-app: its identity policy and the queue policy both allow.
          assert.equal((await as('billingApp').call('GetQueueUrl', { QueueName: q, QueueOwnerAWSAccountId: ORDERS })).QueueUrl, url);
          await as('billingApp').call('SendMessage', { QueueUrl: url, MessageBody: 'invoice-1' });
          await as('billingApp').call('SendMessageBatch', { QueueUrl: url, Entries: [{ Id: 'a', MessageBody: 'invoice-2' }] });
          await denied(
            as('billingApp').call('ReceiveMessage', { QueueUrl: url }),
            noResourceAllow(BILLING, 'billing-app', 'receivemessage', ORDERS, q),
          );
          // billing-intern: the queue policy allows its account, but no identity policy of its own does.
          await denied(
            as('billingIntern').call('SendMessage', { QueueUrl: url, MessageBody: 'x' }),
            `User: ${USER(BILLING, 'billing-intern')} is not authorized to perform: sqs:sendmessage on resource: ${ARN(ORDERS, q)} because no identity-based policy allows the sqs:sendmessage action`,
          );
          // billing's administrator: allowed everything on its side, and the queue policy allows its account.
          await as('billingAdmin').call('SendMessage', { QueueUrl: url, MessageBody: 'invoice-3' });
          const bodies = ((await as('ordersApp').call('ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 10 })).Messages ?? [])
            .map((m: { Body: string }) => m.Body)
            .sort();
          assert.deepEqual(bodies, ['invoice-1', 'invoice-2', 'invoice-3']);
        });

        it('an explicit Deny in the queue policy wins over its Allow', async () => {
          const q = name(`deny-${protocol}`);
          const url = await create('ordersAdmin', q);
          await policy(
            url,
            { Effect: 'Allow', Principal: { AWS: BILLING }, Action: 'sqs:*', Resource: ARN(ORDERS, q) },
            { Effect: 'Deny', Principal: { AWS: USER(BILLING, 'billing-app') }, Action: 'sqs:SendMessage', Resource: ARN(ORDERS, q) },
          );
          await denied(
            as('billingApp').call('SendMessage', { QueueUrl: url, MessageBody: 'x' }),
            `User: ${USER(BILLING, 'billing-app')} is not authorized to perform: sqs:sendmessage on resource: ${ARN(ORDERS, q)} with an explicit deny in a resource-based policy`,
          );
          await as('billingApp').call('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['All'] });
          await as('billingAdmin').call('SendMessage', { QueueUrl: url, MessageBody: 'root is not the denied user' });
        });

        it('the owner-only actions are refused across accounts, even with sqs:* in the queue policy', async () => {
          const q = name(`owner-${protocol}`);
          const url = await create('ordersAdmin', q);
          await policy(url, { Effect: 'Allow', Principal: '*', Action: 'sqs:*', Resource: ARN(ORDERS, q) });
          for (const [action, input] of [
            ['SetQueueAttributes', { QueueUrl: url, Attributes: { VisibilityTimeout: '5' } }],
            ['DeleteQueue', { QueueUrl: url }],
            ['TagQueue', { QueueUrl: url, Tags: { team: 'billing' } }],
            ['UntagQueue', { QueueUrl: url, TagKeys: ['team'] }],
            ['ListQueueTags', { QueueUrl: url }],
            ['AddPermission', { QueueUrl: url, Label: 'x', AWSAccountIds: [BILLING], Actions: ['SendMessage'] }],
            ['RemovePermission', { QueueUrl: url, Label: 'x' }],
          ] as const) {
            await denied(as('billingAdmin').call(action, input), undefined);
          }
          // What may cross does, with the policy: attributes, purge, send.
          await as('billingAdmin').call('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['All'] });
          await as('billingAdmin').call('SendMessage', { QueueUrl: url, MessageBody: 'x' });
          await as('billingAdmin').call('PurgeQueue', { QueueUrl: url });
          // And the queue is still there, unchanged.
          const attrs = (await as('ordersAdmin').call('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['VisibilityTimeout'] })).Attributes;
          assert.equal(attrs.VisibilityTimeout, '30');
        });

        it('AddPermission grants another account (enforced); RemovePermission takes it back', async () => {
          const q = name(`perm-${protocol}`);
          const url = await create('ordersAdmin', q);
          await as('ordersAdmin').call('SendMessage', { QueueUrl: url, MessageBody: 'for billing' });
          await denied(as('billingApp').call('ReceiveMessage', { QueueUrl: url }));
          await as('ordersAdmin').call('AddPermission', {
            QueueUrl: url,
            Label: 'billing-consumes',
            AWSAccountIds: [BILLING],
            Actions: ['ReceiveMessage', 'DeleteMessage'],
          });
          const stored = JSON.parse(
            (await as('ordersAdmin').call('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['Policy'] })).Attributes.Policy as string,
          ) as { Statement: unknown[] };
          assert.deepEqual(stored.Statement, [
            {
              Sid: 'billing-consumes',
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${BILLING}:root` },
              Action: ['SQS:ReceiveMessage', 'SQS:DeleteMessage'],
              Resource: ARN(ORDERS, q),
            },
          ]);
          const got = (await as('billingApp').call('ReceiveMessage', { QueueUrl: url, WaitTimeSeconds: 1 })).Messages ?? [];
          assert.deepEqual(
            got.map((m: { Body: string }) => m.Body),
            ['for billing'],
          );
          await as('billingApp').call('DeleteMessage', { QueueUrl: url, ReceiptHandle: got[0].ReceiptHandle });
          // Granted ReceiveMessage, not SendMessage.
          await denied(
            as('billingApp').call('SendMessage', { QueueUrl: url, MessageBody: 'x' }),
            noResourceAllow(BILLING, 'billing-app', 'sendmessage', ORDERS, q),
          );
          await as('ordersAdmin').call('RemovePermission', { QueueUrl: url, Label: 'billing-consumes' });
          await denied(
            as('billingApp').call('ReceiveMessage', { QueueUrl: url }),
            noResourceAllow(BILLING, 'billing-app', 'receivemessage', ORDERS, q),
          );
          // The last statement removed removes the Policy attribute.
          const after = (await as('ordersAdmin').call('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['Policy'] })).Attributes;
          assert.equal(after?.Policy, undefined);
        });

        it('AddPermission for an account the server does not know is refused', async () => {
          const url = await create('ordersAdmin', name(`unknown-${protocol}`));
          const e = await expectError(
            as('ordersAdmin').call('AddPermission', { QueueUrl: url, Label: 'nobody', AWSAccountIds: ['999999999999'], Actions: ['SendMessage'] }),
          );
          assert.equal(e.queryCode, 'InvalidParameterValue');
          assert.equal(e.message, 'Value [999999999999] for parameter PrincipalId is invalid. Reason: Unable to verify.');
        });
      });
    }

    it('per-queue metrics carry the account: the same name in two accounts is two series', async () => {
      const q = name('metered');
      const orders = makeClient('json', ferry.url, 'us-east-1', { ...KEYS.ordersAdmin });
      const billing = makeClient('json', ferry.url, 'us-east-1', { ...KEYS.billingAdmin });
      try {
        const a = (await orders.call('CreateQueue', { QueueName: q })).QueueUrl;
        const b = (await billing.call('CreateQueue', { QueueName: q })).QueueUrl;
        await orders.call('SendMessage', { QueueUrl: a, MessageBody: '1' });
        for (let i = 0; i < 2; i++) await billing.call('SendMessage', { QueueUrl: b, MessageBody: `${i}` });
        const m = await scrape(`${ferry.url}/metrics`, METRICS_TOKEN);
        assert.equal(m.value('ferry_queue_messages_sent_total', { account: ORDERS, queue: q }), 1);
        assert.equal(m.value('ferry_queue_messages_sent_total', { account: BILLING, queue: q }), 2);
        assert.equal(m.value('ferry_queue_messages_visible', { account: ORDERS, queue: q }), 1);
        assert.equal(m.value('ferry_queue_messages_visible', { account: BILLING, queue: q }), 2);
      } finally {
        orders.destroy();
        billing.destroy();
      }
    });

    // boto3 and the AWS CLI (both JSON-protocol here) through the same cross-account workflow.
    const env = (who: Who): NodeJS.ProcessEnv => ({
      ...process.env,
      AWS_ACCESS_KEY_ID: KEYS[who].accessKeyId,
      AWS_SECRET_ACCESS_KEY: KEYS[who].secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    });

    const BOTO = `
import sys, json, boto3, botocore
url, q, owner = sys.argv[1], sys.argv[2], sys.argv[3]
c = boto3.client('sqs', endpoint_url=url, region_name='us-east-1')
out = {}
out['own'] = c.list_queues(QueueNamePrefix=q).get('QueueUrls', [])
qu = c.get_queue_url(QueueName=q, QueueOwnerAWSAccountId=owner)['QueueUrl']
out['url'] = qu
c.send_message(QueueUrl=qu, MessageBody='from boto3')
try:
    c.receive_message(QueueUrl=qu)
    out['receive'] = 'allowed'
except botocore.exceptions.ClientError as e:
    out['receive'] = [e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode']]
print(json.dumps(out))
`;
    /** Orders creates queue `q` with a policy allowing billing's principal `Action`; its URL. */
    const createGrantingBilling = async (orders: SqsCaller, q: string, Action: string | string[]): Promise<string> => {
      const url = (await orders.call('CreateQueue', { QueueName: q })).QueueUrl!;
      const Policy = JSON.stringify(doc({ Effect: 'Allow', Principal: { AWS: BILLING }, Action, Resource: ARN(ORDERS, q) }));
      await orders.call('SetQueueAttributes', { QueueUrl: url, Attributes: { Policy } });
      return url;
    };
    const botoMissing = which('python3') && spawnSync('python3', ['-c', 'import boto3']).status === 0 ? undefined : 'python3 with boto3 not found';
    const cliMissing = which('aws') ? undefined : 'aws (AWS CLI) not found';

    it('boto3: ListQueues isolation, GetQueueUrl in another account, a granted send and a refused receive', { skip: botoMissing }, async () => {
      const q = name('boto');
      const orders = makeClient('json', ferry.url, 'us-east-1', { ...KEYS.ordersAdmin });
      try {
        const url = await createGrantingBilling(orders, q, ['sqs:SendMessage', 'sqs:GetQueueUrl']);
        const { stdout } = await run('python3', ['-c', BOTO, ferry.url, q, ORDERS], { env: env('billingApp'), timeout: 60_000 });
        const out = JSON.parse(stdout) as { own: string[]; url: string; receive: unknown };
        assert.deepEqual(out.own, [], "billing's own account has no such queue");
        assert.equal(out.url, url);
        assert.deepEqual(out.receive, ['AccessDenied', 403]);
        const got = (await orders.call('ReceiveMessage', { QueueUrl: url })).Messages ?? [];
        assert.deepEqual(
          got.map((m: { Body: string }) => m.Body),
          ['from boto3'],
        );
      } finally {
        orders.destroy();
      }
    });

    it(
      'AWS CLI: list-queues per account, get-queue-url --queue-owner-aws-account-id, a refused cross-account send',
      { skip: cliMissing },
      async () => {
        const q = name('cli');
        const orders = makeClient('json', ferry.url, 'us-east-1', { ...KEYS.ordersAdmin });
        try {
          const url = await createGrantingBilling(orders, q, 'sqs:GetQueueUrl');
          const aws = (who: Who, ...args: string[]) =>
            run('aws', ['--endpoint-url', ferry.url, '--output', 'json', 'sqs', ...args], { env: env(who), timeout: 60_000 });
          const mine = JSON.parse((await aws('ordersAdmin', 'list-queues', '--queue-name-prefix', q)).stdout) as { QueueUrls?: string[] };
          assert.deepEqual(mine.QueueUrls, [url]);
          const theirs = (await aws('billingAdmin', 'list-queues', '--queue-name-prefix', q)).stdout.trim();
          assert.equal(theirs, '', 'billing sees none of orders’ queues');
          const got = JSON.parse((await aws('billingApp', 'get-queue-url', '--queue-name', q, '--queue-owner-aws-account-id', ORDERS)).stdout) as {
            QueueUrl: string;
          };
          assert.equal(got.QueueUrl, url);
          const refused = await aws('billingApp', 'send-message', '--queue-url', url, '--message-body', 'x').then(
            () => assert.fail('the send was allowed'),
            (e: { code?: number; stderr?: string }) => e,
          );
          assert.notEqual(refused.code, 0);
          assert.match(refused.stderr ?? '', /AccessDenied/);
          assert.match(refused.stderr ?? '', /because no resource-based policy allows the sqs:sendmessage action/);
        } finally {
          orders.destroy();
        }
      },
    );
  });
}
