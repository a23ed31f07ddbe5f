/**
 * Authorization, black-box: a real `ferry serve --auth sigv4 --config …` process per engine with users
 * and policies in the config file, driven by @aws-sdk/client-sqs (JSON), aws-sdk v2 (Query), boto3 and
 * the AWS CLI. Own-account allows through identity policies, the default deny, explicit denies, queue
 * policy grants, AddPermission/RemovePermission, conditions (aws:SourceIp, aws:CurrentTime),
 * administrators, Policy validation, the AccessDenied wire shape, and SIGHUP reloads.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { clientsByIdentity, expectError, makeClient, type Protocol } from '../helpers/clients.js';
import { ENGINES, PROTOCOLS } from '../helpers/matrix.js';
import { ConsoleClient } from '../helpers/console.js';
import { MAIN, startFerryProcess, type FerryProcess } from '../helpers/process.js';

const ACCT = '000000000000';
const ARN = (q: string) => `arn:aws:sqs:us-east-1:${ACCT}:${q}`;
const USER = (u: string) => `arn:aws:iam::${ACCT}:user/${u}`;
const inCI = process.env.CI === 'true';

const KEYS = {
  ops: { accessKeyId: 'AKOPS', secretAccessKey: 'ops-secret' },
  sender: { accessKeyId: 'AKSENDER', secretAccessKey: 'sender-secret' },
  receiver: { accessKeyId: 'AKRECEIVER', secretAccessKey: 'receiver-secret' },
  worker: { accessKeyId: 'AKWORKER', secretAccessKey: 'worker-secret' },
  nobody: { accessKeyId: 'AKNOBODY', secretAccessKey: 'nobody-secret' },
  local: { accessKeyId: 'AKLOCAL', secretAccessKey: 'local-secret' },
  remote: { accessKeyId: 'AKREMOTE', secretAccessKey: 'remote-secret' },
  timed: { accessKeyId: 'AKTIMED', secretAccessKey: 'timed-secret' },
  late: { accessKeyId: 'AKLATE', secretAccessKey: 'late-secret' },
} as const;
type Who = keyof typeof KEYS;

const allow = (action: string | string[], resource: string, extra: Record<string, unknown> = {}) => ({
  Effect: 'Allow',
  Action: action,
  Resource: resource,
  ...extra,
});
const doc = (...Statement: unknown[]) => ({ Version: '2012-10-17', Statement });

/** The config file (JSON is YAML): two apps sharing `shared-*` queues, one sends, one receives. */
function configText(opts: { nobodyPolicy?: unknown; late?: boolean } = {}): string {
  // Copies: the SDKs tag credential objects they are given (`$source`).
  const user = (k: Who, rest: Record<string, unknown> = {}) => ({ accessKeys: [{ ...KEYS[k] }], ...rest });
  const users: Record<string, unknown> = {
    ops: user('ops', { admin: true }),
    sender: user('sender', { policies: ['send-shared'] }),
    receiver: user('receiver', { policies: ['consume-shared'] }),
    worker: user('worker', {
      inlinePolicies: { work: doc(allow('sqs:*', ARN('work-*')), { Effect: 'Deny', Action: 'sqs:PurgeQueue', Resource: '*' }) },
    }),
    nobody: user('nobody', opts.nobodyPolicy ? { inlinePolicies: { p: opts.nobodyPolicy } } : {}),
    local: user('local', {
      inlinePolicies: { ip: doc(allow('sqs:SendMessage', '*', { Condition: { IpAddress: { 'aws:SourceIp': ['127.0.0.0/8', '::1/128'] } } })) },
    }),
    remote: user('remote', {
      inlinePolicies: { ip: doc(allow('sqs:SendMessage', '*', { Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })) },
    }),
    timed: user('timed', {
      inlinePolicies: {
        t: doc(
          allow('sqs:ListQueueTags', '*', { Condition: { DateGreaterThan: { 'aws:CurrentTime': '2000-01-01T00:00:00Z' } } }),
          allow('sqs:GetQueueAttributes', '*', { Condition: { DateLessThan: { 'aws:CurrentTime': '2000-01-01T00:00:00Z' } } }),
        ),
      },
    }),
  };
  if (opts.late) users.late = user('late', { admin: true });
  return JSON.stringify(
    {
      accounts: { [ACCT]: { users } },
      policies: {
        'send-shared': doc(allow(['sqs:SendMessage', 'sqs:GetQueueUrl'], ARN('shared-*'))),
        'consume-shared': doc(allow(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueUrl'], ARN('shared-*'))),
      },
    },
    null,
    2,
  );
}

const deniedMessage = (user: string, action: string, queue: string, explicit = false) =>
  explicit
    ? `User: ${USER(user)} is not authorized to perform: sqs:${action} on resource: ${ARN(queue)} with an explicit deny in an identity-based policy`
    : `User: ${USER(user)} is not authorized to perform: sqs:${action} on resource: ${ARN(queue)} because no identity-based policy allows the sqs:${action} action`;

async function denied(p: Promise<unknown>, message?: string): Promise<void> {
  const e = await expectError(p);
  assert.equal(e.status, 403, JSON.stringify(e));
  assert.equal(e.queryCode, 'AccessDenied', JSON.stringify(e));
  if (message !== undefined) assert.equal(e.message, message);
}

async function until(check: () => Promise<boolean>, what: string, output?: () => string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}${output ? `\n${output().slice(-3000)}` : ''}`);
}

let counter = 0;

for (const engine of ENGINES) {
  describe(`authorization [${engine}]`, () => {
    let ferry: FerryProcess;
    let dir: string;
    let configFile: string;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'ferry-authz-'));
      configFile = join(dir, 'ferry.json');
      writeFileSync(configFile, configText());
      ferry = await startFerryProcess({ storage: engine, args: ['--skip-cooldowns', '--auth', 'sigv4', '--config', configFile] });
    });
    after(async () => {
      await ferry?.stop();
      ferry?.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    for (const protocol of PROTOCOLS) {
      describe(protocol, () => {
        const as = clientsByIdentity(protocol as Protocol, () => ferry.url, KEYS);
        const name = (base: string) => `${base}-${protocol}-${process.pid}-${++counter}`;
        const create = async (q: string, Attributes?: Record<string, string>) =>
          (await as('ops').call('CreateQueue', { QueueName: q, Attributes })).QueueUrl!;

        it('administrators may do everything in their account', async () => {
          const q = name('work-admin');
          const QueueUrl = await create(q);
          await as('ops').call('SendMessage', { QueueUrl, MessageBody: 'x' });
          await as('ops').call('SetQueueAttributes', { QueueUrl, Attributes: { VisibilityTimeout: '40' } });
          await as('ops').call('PurgeQueue', { QueueUrl });
          await as('ops').call('ListQueues', {});
          await as('ops').call('DeleteQueue', { QueueUrl });
        });

        it('identity policies: the sender may only send, the receiver only receive and delete (default deny otherwise)', async () => {
          const q = name('shared-orders');
          const QueueUrl = await create(q);
          await as('sender').call('SendMessage', { QueueUrl, MessageBody: 'order-1' });
          assert.equal((await as('sender').call('GetQueueUrl', { QueueName: q })).QueueUrl, QueueUrl);
          await denied(as('sender').call('ReceiveMessage', { QueueUrl }), deniedMessage('sender', 'receivemessage', q));
          const got = await as('receiver').call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 1 });
          assert.equal(got.Messages?.[0]?.Body, 'order-1');
          await as('receiver').call('DeleteMessage', { QueueUrl, ReceiptHandle: got.Messages![0]!.ReceiptHandle! });
          await denied(as('receiver').call('SendMessage', { QueueUrl, MessageBody: 'no' }), deniedMessage('receiver', 'sendmessage', q));
          await denied(as('receiver').call('DeleteQueue', { QueueUrl }), deniedMessage('receiver', 'deletequeue', q));
          await denied(as('nobody').call('GetQueueAttributes', { QueueUrl }), deniedMessage('nobody', 'getqueueattributes', q));
          await denied(
            as('nobody').call('ListQueues', {}),
            `User: ${USER('nobody')} is not authorized to perform: sqs:listqueues on resource: arn:aws:sqs:us-east-1:${ACCT}: because no identity-based policy allows the sqs:listqueues action`,
          );
          // CreateQueue is checked against the queue it would create.
          await denied(as('sender').call('CreateQueue', { QueueName: `${q}-new` }), deniedMessage('sender', 'createqueue', `${q}-new`));
        });

        it('batch actions are checked as their base action', async () => {
          const QueueUrl = await create(name('shared-batch'));
          const out = await as('sender').call('SendMessageBatch', { QueueUrl, Entries: [{ Id: 'a', MessageBody: 'b' }] });
          assert.equal(out.Successful?.length, 1);
          await denied(as('receiver').call('SendMessageBatch', { QueueUrl, Entries: [{ Id: 'a', MessageBody: 'b' }] }));
        });

        it('an explicit deny wins over an allow', async () => {
          const q = name('work-deny');
          const QueueUrl = await create(q);
          await as('worker').call('SendMessage', { QueueUrl, MessageBody: 'x' });
          await denied(as('worker').call('PurgeQueue', { QueueUrl }), deniedMessage('worker', 'purgequeue', q, true));
        });

        it('a missing queue: AccessDenied without permission, QueueDoesNotExist with it', async () => {
          const q = name('shared-missing');
          const QueueUrl = `${ferry.url}/${ACCT}/${q}`;
          const e = await expectError(as('sender').call('SendMessage', { QueueUrl, MessageBody: 'x' }));
          assert.equal(e.queryCode, 'AWS.SimpleQueueService.NonExistentQueue');
          await denied(as('nobody').call('SendMessage', { QueueUrl, MessageBody: 'x' }));
        });

        it('a queue policy grants a user of the same account; removing it takes the grant away', async () => {
          const q = name('plain');
          const QueueUrl = await create(q);
          await denied(as('nobody').call('SendMessage', { QueueUrl, MessageBody: 'x' }));
          const Policy = JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { AWS: USER('nobody') }, Action: 'sqs:SendMessage', Resource: ARN(q) }],
          });
          await as('ops').call('SetQueueAttributes', { QueueUrl, Attributes: { Policy } });
          await as('nobody').call('SendMessage', { QueueUrl, MessageBody: 'x' });
          await denied(as('nobody').call('ReceiveMessage', { QueueUrl }));
          await as('ops').call('SetQueueAttributes', { QueueUrl, Attributes: { Policy: '' } });
          await denied(as('nobody').call('SendMessage', { QueueUrl, MessageBody: 'x' }));
          // A queue-policy Deny binds administrators too.
          const deny = JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Deny', Principal: '*', Action: 'sqs:SendMessage', Resource: ARN(q) }],
          });
          await as('ops').call('SetQueueAttributes', { QueueUrl, Attributes: { Policy: deny } });
          const e = await expectError(as('ops').call('SendMessage', { QueueUrl, MessageBody: 'x' }));
          assert.equal(e.status, 403);
          assert.match(e.message, /with an explicit deny in a resource-based policy$/);
        });

        it('AddPermission writes an account grant (enforced as SQS does: users still need an identity allow) and RemovePermission takes it away', async () => {
          const q = name('perm');
          const QueueUrl = await create(q);
          await as('ops').call('AddPermission', { QueueUrl, Label: 'acct-send', AWSAccountIds: [ACCT], Actions: ['SendMessage'] });
          const policy = JSON.parse((await as('ops').call('GetQueueAttributes', { QueueUrl, AttributeNames: ['Policy'] })).Attributes!.Policy!);
          assert.equal(policy.Statement[0].Sid, 'acct-send');
          assert.deepEqual(policy.Statement[0].Principal, { AWS: `arn:aws:iam::${ACCT}:root` });
          // The knowledge-center rule: an account principal grants the account, not its IAM users.
          await denied(as('nobody').call('SendMessage', { QueueUrl, MessageBody: 'x' }));
          await as('ops').call('RemovePermission', { QueueUrl, Label: 'acct-send' });
          const left = await as('ops').call('GetQueueAttributes', { QueueUrl, AttributeNames: ['Policy'] });
          assert.equal(left.Attributes?.Policy, undefined);
          // Not an owner-only action: AddPermission itself is refused to users without permission.
          await denied(as('nobody').call('AddPermission', { QueueUrl, Label: 'x', AWSAccountIds: [ACCT], Actions: ['SendMessage'] }));
        });

        it('conditions on aws:SourceIp and aws:CurrentTime', async () => {
          const q = name('cond');
          const QueueUrl = await create(q);
          await as('local').call('SendMessage', { QueueUrl, MessageBody: 'from loopback' });
          await denied(as('remote').call('SendMessage', { QueueUrl, MessageBody: 'x' }), deniedMessage('remote', 'sendmessage', q));
          await as('timed').call('ListQueueTags', { QueueUrl });
          await denied(as('timed').call('GetQueueAttributes', { QueueUrl }), deniedMessage('timed', 'getqueueattributes', q));
        });

        it('a queue Policy is validated when set, with SQS errors', async () => {
          const q = name('badpolicy');
          const many = {
            Version: '2012-10-17',
            Statement: Array.from({ length: 21 }, (_, i) => ({
              Sid: `s${i}`,
              Effect: 'Allow',
              Principal: '*',
              Action: 'sqs:SendMessage',
              Resource: '*',
            })),
          };
          const e1 = await expectError(as('ops').call('CreateQueue', { QueueName: q, Attributes: { Policy: JSON.stringify(many) } }));
          assert.equal(e1.queryCode, 'OverLimit');
          assert.equal(e1.message, '21 statements were found in the submitted policy, max allowed is 20');
          const QueueUrl = await create(q);
          const e2 = await expectError(
            as('ops').call('SetQueueAttributes', { QueueUrl, Attributes: { Policy: '{"Statement": [{"Effect": "Allow"}]}' } }),
          );
          assert.equal(e2.queryCode, 'InvalidAttributeValue');
          assert.match(e2.message, /^Invalid value for the parameter Policy\./);
          const sns = JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sns:Publish', Resource: '*' }],
          });
          const e3 = await expectError(as('ops').call('SetQueueAttributes', { QueueUrl, Attributes: { Policy: sns } }));
          assert.equal(e3.queryCode, 'InvalidParameterValue');
          assert.match(e3.message, /^Value sns:Publish for parameter ActionName is invalid/);
          const attrs = await as('ops').call('GetQueueAttributes', { QueueUrl, AttributeNames: ['Policy'] });
          assert.equal(attrs.Attributes?.Policy, undefined);
        });
      });
    }

    it('AccessDenied on the wire: JSON __type and Query XML, HTTP 403', async () => {
      const q = name2('wire');
      const QueueUrl = (await makeClient('json', ferry.url, 'us-east-1', { ...KEYS.ops }).call('CreateQueue', { QueueName: q })).QueueUrl!;
      const json = await expectError(makeClient('json', ferry.url, 'us-east-1', { ...KEYS.nobody }).call('PurgeQueue', { QueueUrl }));
      assert.equal(json.status, 403);
      assert.equal(json.code, 'AccessDenied'); // the SDK names it by the Query code (x-amzn-query-error)
      assert.equal(json.queryCode, 'AccessDenied');
      const query = await expectError(makeClient('query', ferry.url, 'us-east-1', { ...KEYS.nobody }).call('PurgeQueue', { QueueUrl }));
      assert.equal(query.status, 403);
      assert.equal(query.code, 'AccessDenied');
      assert.equal(query.message, deniedMessage('nobody', 'purgequeue', q));
      assert.match(ferry.output(), /"msg":"access denied"/);
      assert.match(ferry.output(), /"principal":"arn:aws:iam::000000000000:user\/nobody"/);
      assert.doesNotMatch(ferry.output(), /nobody-secret/);
    });

    for (const c of pythonClients()) {
      const missing = c.missing();
      it(`${c.label}: allowed and denied calls`, missing && !inCI ? { skip: missing, timeout: 60_000 } : { timeout: 60_000 }, async () => {
        const q = name2('shared-py');
        const QueueUrl = (await makeClient('json', ferry.url, 'us-east-1', { ...KEYS.ops }).call('CreateQueue', { QueueName: q })).QueueUrl!;
        const env = (k: Who) => ({
          ...process.env,
          AWS_ACCESS_KEY_ID: KEYS[k].accessKeyId,
          AWS_SECRET_ACCESS_KEY: KEYS[k].secretAccessKey,
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_PAGER: '',
        });
        const ok = c.run(ferry.url, env('sender'), 'send', QueueUrl);
        assert.equal(ok.status, 0, ok.out);
        const no = c.run(ferry.url, env('sender'), 'receive', QueueUrl);
        assert.notEqual(no.status, 0);
        assert.match(no.out, /AccessDenied/);
        assert.match(no.out, /is not authorized to perform: sqs:receivemessage/);
      });
    }

    it(
      'ferry policy check reads the queue Policy from the store (sqlite)',
      { skip: engine !== 'sqlite' && 'the sqlite store is read directly' },
      async () => {
        const q = name2('sim');
        const ops = makeClient('json', ferry.url, 'us-east-1', { ...KEYS.ops });
        const QueueUrl = (await ops.call('CreateQueue', { QueueName: q })).QueueUrl!;
        const Policy = JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Sid: 'NobodySends', Effect: 'Allow', Principal: { AWS: USER('nobody') }, Action: 'sqs:SendMessage', Resource: ARN(q) }],
        });
        await ops.call('SetQueueAttributes', { QueueUrl, Attributes: { Policy } });
        ops.destroy();
        const check = (action: string) =>
          spawnSync(
            process.execPath,
            [MAIN, 'policy', 'check', '--config', configFile, '--data-dir', ferry.dataDir, '--as', 'nobody', '--action', action, '--queue', QueueUrl],
            {
              encoding: 'utf8',
            },
          );
        const yes = check('sqs:SendMessage');
        assert.equal(yes.status, 0, yes.stderr);
        assert.match(yes.stdout, /^ALLOWED {2}sqs:sendmessage on /);
        assert.match(yes.stdout, /deciding statement: queue policy ".*" Statement\[0\] \(Sid "NobodySends"\)/);
        const no = check('sqs:ReceiveMessage');
        assert.equal(no.status, 3, no.stderr);
        assert.match(no.stdout, /^DENIED/);
      },
    );

    it('SIGHUP reloads identities: a valid change is applied, an invalid one is refused and the old set kept', async () => {
      const ops = makeClient('json', ferry.url, 'us-east-1', { ...KEYS.ops });
      const q = name2('reload');
      const QueueUrl = (await ops.call('CreateQueue', { QueueName: q })).QueueUrl!;
      const nobody = makeClient('json', ferry.url, 'us-east-1', { ...KEYS.nobody });
      const late = makeClient('json', ferry.url, 'us-east-1', { ...KEYS.late });
      await denied(nobody.call('GetQueueAttributes', { QueueUrl }));
      const lateErr = await expectError(late.call('ListQueues', {}));
      assert.equal(lateErr.status, 403);
      assert.equal(lateErr.queryCode, 'InvalidClientTokenId');
      // Valid: nobody may read attributes now, and a new admin key exists.
      writeFileSync(configFile, configText({ nobodyPolicy: doc(allow('sqs:GetQueueAttributes', '*')), late: true }));
      ferry.proc.kill('SIGHUP');
      await until(
        async () =>
          nobody.call('GetQueueAttributes', { QueueUrl }).then(
            () => true,
            () => false,
          ),
        'the reload',
        () =>
          ferry
            .output()
            .split('\n')
            .filter((l) => !/"msg":"(request|access denied)"/.test(l))
            .join('\n'),
      );
      await late.call('ListQueues', {});
      // Invalid: an unknown condition operator. Refused, logged, the previous set stays.
      writeFileSync(configFile, configText({ nobodyPolicy: doc(allow('sqs:*', '*', { Condition: { StringSorta: { 'aws:username': 'x' } } })) }));
      ferry.proc.kill('SIGHUP');
      await until(async () => ferry.output().includes('identity reload failed'), 'the refusal to be logged');
      assert.match(ferry.output(), /StringSorta/);
      await nobody.call('GetQueueAttributes', { QueueUrl });
      await late.call('ListQueues', {});
      await denied(nobody.call('SendMessage', { QueueUrl, MessageBody: 'x' }));
      // A key removed by a reload: its console session ends (asked to log in again), its calls are refused.
      const consoleLate = new ConsoleClient(ferry.url);
      assert.equal((await consoleLate.login(KEYS.late.accessKeyId, KEYS.late.secretAccessKey)).status, 200);
      assert.equal((await consoleLate.session()).json.authenticated, true);
      writeFileSync(configFile, configText({ nobodyPolicy: doc(allow('sqs:GetQueueAttributes', '*')) }));
      ferry.proc.kill('SIGHUP');
      await until(
        async () =>
          late.call('ListQueues', {}).then(
            () => false,
            () => true,
          ),
        'the key to be removed',
      );
      const after = await consoleLate.session();
      assert.equal(after.json.authenticated, false);
      assert.equal(after.json.accessKeyId, undefined);
      for (const c of [ops, nobody, late]) c.destroy();
    });
  });
}

function name2(base: string): string {
  return `${base}-${process.pid}-${++counter}`;
}

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

interface PythonClient {
  label: string;
  missing(): string | undefined;
  run(url: string, env: NodeJS.ProcessEnv, op: 'send' | 'receive', queueUrl: string): { status: number | null; out: string };
}

const BOTO_SCRIPT = `
import sys, boto3, botocore
url, op, q = sys.argv[1], sys.argv[2], sys.argv[3]
c = boto3.client('sqs', endpoint_url=url, region_name='us-east-1')
try:
    if op == 'send':
        c.send_message(QueueUrl=q, MessageBody='hello')
    else:
        c.receive_message(QueueUrl=q)
    print('OK')
except botocore.exceptions.ClientError as e:
    print(e.response['Error']['Code'], e.response['Error']['Message'], e.response['ResponseMetadata']['HTTPStatusCode'])
    sys.exit(3)
`;

function pythonClients(): PythonClient[] {
  return [
    {
      label: 'boto3',
      missing() {
        const bin = which('python3');
        if (!bin) return 'python3 not found';
        return spawnSync(bin, ['-c', 'import boto3'], { encoding: 'utf8' }).status === 0 ? undefined : 'boto3 missing (pip install boto3)';
      },
      run(url, env, op, q) {
        const r = spawnSync(which('python3') ?? 'python3', ['-c', BOTO_SCRIPT, url, op, q], { encoding: 'utf8', env, timeout: 30_000 });
        return { status: r.status, out: `${r.stdout}${r.stderr}` };
      },
    },
    {
      label: 'AWS CLI',
      missing() {
        const bin = which('aws');
        return bin && existsSync(bin) ? undefined : 'aws not found (pip install awscli)';
      },
      run(url, env, op, q) {
        const args = op === 'send' ? ['send-message', '--queue-url', q, '--message-body', 'hello'] : ['receive-message', '--queue-url', q];
        const r = spawnSync(which('aws') ?? 'aws', ['--endpoint-url', url, '--output', 'json', 'sqs', ...args], {
          encoding: 'utf8',
          env,
          timeout: 30_000,
        });
        return { status: r.status, out: `${r.stdout}${r.stderr}` };
      },
    },
  ];
}
