/**
 * mayAllowSomeQueue: could an action (CreateQueue) be allowed on some queue of the caller's account,
 * whatever its name — the console's question before it offers "Create queue". False must be certain
 * (the button is withheld); true means "possibly" (the request is decided as always).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { authorize, compileIdentityPolicy, mayAllowSomeQueue, type Principal } from '../../../src/auth/policy/index.js';
import { admin, T0, user } from './helpers.js';

const ACCT = '111122223333';
const iam = (...statements: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement: statements });
const allow = (Action: unknown, Resource: unknown, extra: Record<string, unknown> = {}) => ({ Effect: 'Allow', Action, Resource, ...extra });
const deny = (Action: unknown, Resource: unknown, extra: Record<string, unknown> = {}) => ({ Effect: 'Deny', Action, Resource, ...extra });

function may(principal: Principal, ...policies: unknown[]): boolean {
  return mayAllowSomeQueue({
    principal,
    action: 'CreateQueue',
    region: 'us-east-1',
    identityPolicies: policies.map((p, i) => compileIdentityPolicy(p, `p${i}`)),
  });
}

const u = user(ACCT, 'dev');

test('no identity policy, or none that names CreateQueue: certainly denied', () => {
  assert.equal(may(u), false);
  assert.equal(may(u, iam(allow(['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:GetQueueAttributes'], '*'))), false);
  assert.equal(may(u, iam(allow('sqs:Get*', '*'))), false);
});

test('an Allow of CreateQueue that could match a queue of the account: possibly allowed', () => {
  assert.equal(may(u, iam(allow('sqs:CreateQueue', '*'))), true);
  assert.equal(may(u, iam(allow('sqs:*', '*'))), true);
  assert.equal(may(u, iam(allow('SQS:create*', `arn:aws:sqs:*:${ACCT}:*`))), true);
  assert.equal(may(u, iam(allow('sqs:CreateQueue', `arn:aws:sqs:us-east-1:${ACCT}:team-a-*`))), true);
  assert.equal(may(u, iam(allow('sqs:CreateQueue', `arn:aws:sqs:us-east-1:${ACCT}:*-orders.fifo`))), true);
  assert.equal(may(u, iam(allow('sqs:CreateQueue', `arn:aws:sqs:us-east-1:${ACCT}:orders`))), true);
  assert.equal(may(u, iam(allow('sqs:CreateQueue', 'arn:aws:sqs:*'))), true);
  // NotAction / NotResource and conditions are assumed satisfiable.
  assert.equal(may(u, iam({ Effect: 'Allow', NotAction: 'sqs:DeleteQueue', Resource: '*' })), true);
  assert.equal(may(u, iam({ Effect: 'Allow', Action: 'sqs:CreateQueue', NotResource: `arn:aws:sqs:*:${ACCT}:prod-*` })), true);
  assert.equal(may(u, iam(allow('sqs:CreateQueue', '*', { Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }))), true);
  // A policy variable in the resource: possibly.
  assert.equal(may(u, iam(allow('sqs:CreateQueue', `arn:aws:sqs:*:${ACCT}:\${aws:username}-*`))), true);
});

test('an Allow that can match no queue of this region and account: certainly denied', () => {
  assert.equal(may(u, iam(allow('sqs:CreateQueue', 'arn:aws:sqs:*:999988887777:*'))), false);
  assert.equal(may(u, iam(allow('sqs:CreateQueue', `arn:aws:sqs:eu-west-1:${ACCT}:*`))), false);
  assert.equal(may(u, iam(allow('sqs:CreateQueue', `arn:aws:sqs:eu-west-1:${ACCT}:orders`))), false);
  assert.equal(may(u, iam({ Effect: 'Allow', NotAction: 'sqs:CreateQueue', Resource: '*' })), false);
});

test('an unconditional Deny of every queue wins, administrators included; a narrower or conditional one does not', () => {
  assert.equal(may(admin(ACCT)), true);
  assert.equal(may(admin(ACCT), iam(deny('sqs:CreateQueue', '*'))), false);
  assert.equal(may(u, iam(allow('sqs:*', '*')), iam(deny('sqs:*', `arn:aws:sqs:*:${ACCT}:*`))), false);
  assert.equal(may(u, iam(allow('sqs:*', '*'), deny('sqs:CreateQueue', 'arn:aws:sqs:us-east-1:*'))), false);
  assert.equal(may(u, iam(allow('sqs:*', '*'), deny('sqs:CreateQueue', `arn:aws:sqs:*:${ACCT}:prod-*`))), true);
  assert.equal(may(u, iam(allow('sqs:*', '*'), deny('sqs:CreateQueue', '*', { Condition: { Bool: { 'aws:SecureTransport': 'false' } } }))), true);
  assert.equal(may(admin(ACCT), iam(deny('sqs:DeleteQueue', '*'))), true);
});

test('agrees with authorize: whenever some name is allowed, the answer is true', () => {
  const names = ['orders', 'team-a-x', 'dev-jobs', 'x-orders.fifo', 'prod-1'];
  const policies = [
    iam(allow('sqs:CreateQueue', `arn:aws:sqs:us-east-1:${ACCT}:team-a-*`)),
    iam(allow('sqs:CreateQueue', `arn:aws:sqs:*:${ACCT}:*-orders.fifo`)),
    iam(allow('sqs:CreateQueue', `arn:aws:sqs:us-?ast-1:${ACCT}:?rod-?`)),
    iam(allow('sqs:CreateQueue', `arn:aws:sqs:us-east-1:${ACCT}:orders`)),
    iam(allow('sqs:CreateQueue', `arn:aws:sqs:us-east-1:999988887777:orders`)),
  ];
  for (const p of policies) {
    const compiled = [compileIdentityPolicy(p, 'p')];
    const some = names.some(
      (n) =>
        authorize({
          principal: u,
          action: 'CreateQueue',
          resource: `arn:aws:sqs:us-east-1:${ACCT}:${n}`,
          identityPolicies: compiled,
          context: { now: T0 },
        }).allowed,
    );
    assert.equal(
      mayAllowSomeQueue({ principal: u, action: 'CreateQueue', region: 'us-east-1', identityPolicies: compiled }),
      some,
      JSON.stringify(p),
    );
  }
});
