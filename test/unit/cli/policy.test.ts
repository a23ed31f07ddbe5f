/** `ferry policy check`: the simulator over the config's identities and a queue policy file. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeEngine } from '../../../src/app.js';
import { policyCommand } from '../../../src/cli/policy.js';
import { systemClock } from '../../../src/core/clock.js';
import { systemRandom } from '../../../src/core/random.js';

const dir = mkdtempSync(join(tmpdir(), 'ferry-policy-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const config = join(dir, 'ferry.yaml');
writeFileSync(
  config,
  `accounts:
  "000000000000":
    users:
      orders-app:
        accessKeys: [ { accessKeyId: AKIAORDERS, secretAccessKey: x } ]
        policies: [send-orders]
      auditor:
        accessKeys: [ { accessKeyId: AKIAAUDIT, secretAccessKey: y } ]
policies:
  send-orders: { Version: "2012-10-17", Statement: [ { Sid: SendOrders, Effect: Allow, Action: "sqs:SendMessage", Resource: "arn:aws:sqs:*:000000000000:orders*" } ] }
`,
);
const queuePolicy = join(dir, 'policy.json');
writeFileSync(
  queuePolicy,
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AuditRead',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::000000000000:user/auditor' },
        Action: 'sqs:GetQueueAttributes',
        Resource: '*',
      },
      {
        Sid: 'NoOutside',
        Effect: 'Deny',
        Principal: '*',
        Action: 'sqs:*',
        Resource: '*',
        Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
      },
    ],
  }),
);
const run = (...args: string[]) =>
  policyCommand(['check', '--config', config, '--storage', 'memory', ...args], {}, (c) => makeEngine(c, systemClock, systemRandom));
const Q = 'arn:aws:sqs:us-east-1:000000000000:orders-eu';

describe('ferry policy check', () => {
  it('allows through an identity policy and names the statement', async () => {
    const r = await run('--as', 'orders-app', '--action', 'sqs:SendMessage', '--queue', 'http://h:1/000000000000/orders-eu');
    assert.equal(r.allowed, true);
    assert.match(r.lines[0]!, /^ALLOWED {2}sqs:sendmessage on arn:aws:sqs:us-east-1:000000000000:orders-eu$/);
    assert.ok(r.lines.includes('deciding statement: identity policy "send-orders" Statement[0] (Sid "SendOrders")'));
  });

  it('denies by default, with the AWS message', async () => {
    const r = await run('--as', 'AKIAORDERS', '--action', 'ReceiveMessage', '--queue', Q);
    assert.equal(r.allowed, false);
    assert.ok(r.lines.includes('deciding statement: none (default deny)'));
    assert.ok(r.lines.some((l) => l.includes('because no identity-based policy allows the sqs:receivemessage action')));
  });

  it('reads a queue policy file: a grant to a user, and a deny conditioned on the source address', async () => {
    const inside = await run(
      '--as',
      'auditor',
      '--action',
      'sqs:GetQueueAttributes',
      '--queue',
      Q,
      '--queue-policy',
      queuePolicy,
      '--source-ip',
      '10.1.2.3',
    );
    assert.equal(inside.allowed, true);
    assert.ok(inside.lines.some((l) => l.includes('Sid "AuditRead"')));
    const outside = await run(
      '--as',
      'auditor',
      '--action',
      'sqs:GetQueueAttributes',
      '--queue',
      Q,
      '--queue-policy',
      queuePolicy,
      '--source-ip',
      '192.0.2.1',
    );
    assert.equal(outside.allowed, false);
    assert.ok(outside.lines.some((l) => l.includes('Sid "NoOutside"')));
  });

  it('prints JSON with --json and refuses unknown users and actions', async () => {
    const r = await run('--as', 'orders-app', '--action', 'sqs:SendMessage', '--queue', Q, '--json');
    const j = JSON.parse(r.lines.join('\n')) as { allowed: boolean; reason: string };
    assert.deepEqual([j.allowed, j.reason], [true, 'identity-allow']);
    await assert.rejects(run('--as', 'nobody', '--action', 'sqs:SendMessage', '--queue', Q), /no access key or user "nobody"/);
    await assert.rejects(run('--as', 'orders-app', '--action', 'sqs:Publish', '--queue', Q), /unknown SQS action/);
  });
});
