#!/usr/bin/env node
/**
 * What authorization costs per request, in process (the budget: under 5% of a SendMessage, which
 * costs ~100 µs of server CPU in `npm run bench`, so under ~5 µs):
 *
 *   npm run build && node dist/bench/policy.js [iterations]
 *
 * Scenarios, each a SendMessage decision on one queue with "a few statements per queue":
 *  - same-account: a user with two identity policies (3 statements) and a queue policy of 4
 *    statements (a Deny with a condition on another action, an AddPermission-style grant, a
 *    Principal "*" statement with an IpAddress condition, an account-level grant);
 *  - cross-account: a user of another account allowed by the queue policy and its identity policy;
 *  - conditions: a decision that reads aws:SourceIp and aws:SecureTransport (never cacheable);
 *  - explicit-deny: a queue-policy Deny that matches.
 * Each runs uncached (authorize) and, where the decision is cacheable, through the DecisionCache
 * (authorizeCached, every request a hit after the first). Also: compiling the queue policy (once per
 * SetQueueAttributes, or per stored policy on first use).
 *
 * Prints one JSON line per scenario and mode: ns per decision (median of 7 rounds) and the rounds'
 * fastest and slowest (compile: ns per compilation).
 */
import {
  DecisionCache,
  authorize,
  authorizeCached,
  compileIdentityPolicy,
  compileQueuePolicy,
  type AuthorizationRequest,
  type Principal,
} from '../src/auth/policy/index.js';

const OWNER = '111122223333';
const PARTNER = '444455556666';
const QUEUE = `arn:aws:sqs:us-east-1:${OWNER}:orders`;

const queuePolicyText = JSON.stringify({
  Version: '2012-10-17',
  Id: `${QUEUE}/SQSDefaultPolicy`,
  Statement: [
    {
      Sid: 'DenyPurgeOverHttp',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sqs:PurgeQueue',
      Resource: QUEUE,
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
    {
      Sid: 'partner',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${PARTNER}:root` },
      Action: ['SQS:SendMessage', 'SQS:GetQueueUrl'],
      Resource: QUEUE,
    },
    {
      Sid: 'office',
      Effect: 'Allow',
      Principal: '*',
      Action: 'sqs:ReceiveMessage',
      Resource: QUEUE,
      Condition: { IpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '2001:db8::/32'] } },
    },
    { Sid: 'account', Effect: 'Allow', Principal: { AWS: OWNER }, Action: 'sqs:Get*', Resource: QUEUE },
  ],
});
const queuePolicy = compileQueuePolicy(queuePolicyText, QUEUE);

const ownerIdentity = [
  compileIdentityPolicy(
    {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ReadAll', Effect: 'Allow', Action: ['sqs:Get*', 'sqs:List*'], Resource: '*' },
        {
          Sid: 'Orders',
          Effect: 'Allow',
          Action: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage'],
          Resource: `arn:aws:sqs:*:${OWNER}:orders*`,
        },
      ],
    },
    'orders-app',
  ),
  compileIdentityPolicy({ Version: '2012-10-17', Statement: { Sid: 'NoDelete', Effect: 'Deny', Action: 'sqs:DeleteQueue', Resource: '*' } }, 'guard'),
];
const partnerIdentity = [
  compileIdentityPolicy(
    { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:*:${OWNER}:*` } },
    'partner-send',
  ),
];

const user = (accountId: string, name: string): Principal => ({
  accountId,
  arn: `arn:aws:iam::${accountId}:user/${name}`,
  userName: name,
  admin: false,
});
const context = { now: Date.UTC(2026, 0, 1), sourceIp: '192.0.2.10', secureTransport: true, userAgent: 'aws-sdk-js/3' };

const scenarios: Array<{ name: string; req: AuthorizationRequest; expect: boolean }> = [
  {
    name: 'same-account',
    req: {
      principal: user(OWNER, 'orders-app'),
      action: 'SendMessage',
      resource: QUEUE,
      identityPolicies: ownerIdentity,
      resourcePolicy: queuePolicy,
      context,
    },
    expect: true,
  },
  {
    name: 'cross-account',
    req: {
      principal: user(PARTNER, 'sender'),
      action: 'SendMessageBatch',
      resource: QUEUE,
      identityPolicies: partnerIdentity,
      resourcePolicy: queuePolicy,
      context,
    },
    expect: true,
  },
  {
    name: 'conditions',
    req: {
      principal: user(PARTNER, 'sender'),
      action: 'ReceiveMessage',
      resource: QUEUE,
      identityPolicies: [compileIdentityPolicy({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'sqs:*', Resource: '*' } }, 'all')],
      resourcePolicy: queuePolicy,
      context,
    },
    expect: true,
  },
  {
    name: 'explicit-deny',
    req: {
      principal: user(OWNER, 'orders-app'),
      action: 'PurgeQueue',
      resource: QUEUE,
      identityPolicies: ownerIdentity,
      resourcePolicy: queuePolicy,
      context: { ...context, secureTransport: false },
    },
    expect: false,
  },
];

const ROUNDS = 7;
const iterations = Number(process.argv[2] ?? 200_000);

function measure(fn: () => unknown, n: number): number[] {
  for (let i = 0; i < Math.min(n, 20_000); i++) fn();
  const perRound: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    perRound.push(Number(process.hrtime.bigint() - t0) / n);
  }
  return perRound.sort((a, b) => a - b);
}

const report = (scenario: string, mode: string, ns: number[], n = iterations) =>
  console.log(
    JSON.stringify({
      scenario,
      mode,
      nsPerDecision: Math.round(ns[ROUNDS >> 1]!),
      min: Math.round(ns[0]!),
      max: Math.round(ns[ROUNDS - 1]!),
      iterations: n,
    }),
  );

for (const s of scenarios) {
  const d = authorize(s.req);
  if (d.allowed !== s.expect) throw new Error(`${s.name}: expected allowed=${s.expect}, got ${JSON.stringify(d)}`);
  report(
    s.name,
    'uncached',
    measure(() => authorize(s.req), iterations),
  );
  if (d.cacheable) {
    const cache = new DecisionCache();
    report(
      s.name,
      'cached',
      measure(() => authorizeCached(cache, s.req), iterations),
    );
  }
}
const compiles = Math.max(1000, Math.round(iterations / 50));
report(
  'queue-policy',
  'compile',
  measure(() => compileQueuePolicy(queuePolicyText, QUEUE), compiles),
  compiles,
);
