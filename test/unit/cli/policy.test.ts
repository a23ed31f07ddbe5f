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
const tlsPolicy = join(dir, 'tls-policy.json');
writeFileSync(
  tlsPolicy,
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
      { Sid: 'TlsOnly', Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      {
        Sid: 'Tagged',
        Effect: 'Deny',
        Principal: '*',
        Action: 'sqs:DeleteQueue',
        Resource: '*',
        Condition: { StringEquals: { 'aws:ResourceTag/env': 'prod' } },
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

  it('names the condition keys the candidate statements read, and how to give an absent one', async () => {
    const args = ['--as', 'auditor', '--action', 'sqs:GetQueueAttributes', '--queue', Q, '--queue-policy', queuePolicy];
    // Without --source-ip the NotIpAddress condition matches (a negated operator on an absent key), so
    // the check denies: it must say that the address was missing, not leave the user to guess.
    const without = await run(...args);
    assert.equal(without.allowed, false);
    assert.ok(without.lines.includes('condition key aws:SourceIp: absent in this check: give --source-ip <address>'), without.lines.join('\n'));
    assert.ok(without.lines.some((l) => l.includes('matches only through …IfExists, Null or a negated operator')));
    const given = await run(...args, '--source-ip', '10.1.2.3');
    assert.equal(given.allowed, true);
    assert.ok(given.lines.includes('condition key aws:SourceIp: 10.1.2.3'));
    assert.ok(!given.lines.some((l) => l.includes('absent')));
    const json = JSON.parse((await run(...args, '--json')).lines.join('\n')) as { conditionKeys: unknown };
    assert.deepEqual(json.conditionKeys, [{ key: 'aws:SourceIp', values: null }]);
    // Statements whose action does not match, or whose Principal does not name the caller, are not read.
    const unrelated = await run('--as', 'orders-app', '--action', 'sqs:SendMessage', '--queue', Q);
    assert.ok(!unrelated.lines.some((l) => l.startsWith('condition key')), unrelated.lines.join('\n'));
  });

  it('--secure-transport: a request over HTTPS; without it the check says the request was plain HTTP', async () => {
    const args = ['--as', 'auditor', '--action', 'sqs:GetQueueAttributes', '--queue', Q, '--queue-policy', tlsPolicy];
    const plain = await run(...args);
    assert.equal(plain.allowed, false);
    assert.ok(plain.lines.some((l) => l.includes('Sid "TlsOnly"')));
    assert.ok(plain.lines.includes('condition key aws:SecureTransport: false (give --secure-transport for a request over HTTPS)'));
    const tls = await run(...args, '--secure-transport');
    assert.equal(tls.allowed, true);
    assert.ok(tls.lines.includes('condition key aws:SecureTransport: true'));
    // DeleteQueue also reads the queue's tags; with a policy file they are unknown, and the check says so.
    const del = await run('--as', 'auditor', '--action', 'sqs:DeleteQueue', '--queue', Q, '--queue-policy', tlsPolicy, '--secure-transport');
    assert.ok(del.lines.includes("condition key aws:ResourceTag/env: absent in this check: with --queue-policy the queue's tags are not read"));
  });
});
