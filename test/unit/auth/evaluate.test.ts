/**
 * The evaluator beyond the guide's examples: explicit-deny precedence, administrators, the root, the
 * account-principal delegation, cross-account refusals, NotPrincipal / NotAction / NotResource,
 * wildcards and case rules, policy variables in Resource, the deciding statement, and AWS's exact
 * AccessDenied texts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  GRANTABLE_ACTIONS,
  OWNER_ONLY_ACTIONS,
  SQS_ACTIONS,
  describeStatement,
  iamActionOf,
  listQueuesResource,
  worksAcrossAccounts,
} from '../../../src/auth/policy/index.js';
import { ALLOW_ALL_SQS, admin, check, decide, root, user, type Case } from './helpers.js';

const OWNER = '111122223333';
const OTHER = '444455556666';
const Q = `arn:aws:sqs:us-east-1:${OWNER}:orders`;
const iam = (...statements: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement: statements });
const qp = (...statements: Record<string, unknown>[]) => ({ Version: '2012-10-17', Id: 'qp', Statement: statements });

type Row = [label: string, c: Case, e: Parameters<typeof check>[1]];
function rows(name: string, list: readonly Row[]): void {
  for (const [label, c, e] of list) test(`${name}: ${label}`, () => check(decide(c), e, label));
}

rows('explicit deny wins', [
  [
    'identity Deny beats identity Allow',
    {
      principal: user(OWNER, 'u'),
      identity: [ALLOW_ALL_SQS, iam({ Sid: 'NoPurge', Effect: 'Deny', Action: 'sqs:PurgeQueue', Resource: '*' })],
      action: 'PurgeQueue',
      resource: Q,
    },
    { allowed: false, explicit: true, reason: 'explicit-deny', by: ['NoPurge'] },
  ],
  [
    'queue-policy Deny beats identity Allow',
    {
      principal: user(OWNER, 'u'),
      identity: [ALLOW_ALL_SQS],
      queuePolicy: qp({ Sid: 'NoOne', Effect: 'Deny', Principal: '*', Action: 'sqs:PurgeQueue', Resource: Q }),
      action: 'PurgeQueue',
      resource: Q,
    },
    { allowed: false, explicit: true, by: ['NoOne'] },
  ],
  [
    'identity Deny beats queue-policy Allow',
    {
      principal: user(OWNER, 'u'),
      identity: [iam({ Sid: 'NoSend', Effect: 'Deny', Action: 'sqs:Send*', Resource: '*' })],
      queuePolicy: qp({ Sid: 'All', Effect: 'Allow', Principal: '*', Action: 'sqs:*', Resource: Q }),
      action: 'SendMessageBatch',
      resource: Q,
    },
    { allowed: false, explicit: true, by: ['NoSend'] },
  ],
  [
    'a Deny for the account applies to every user of it',
    {
      principal: user(OWNER, 'u'),
      identity: [ALLOW_ALL_SQS],
      queuePolicy: qp({ Sid: 'Acct', Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${OWNER}:root` }, Action: 'sqs:*', Resource: Q }),
      action: 'SendMessage',
      resource: Q,
    },
    { allowed: false, explicit: true, by: ['Acct'] },
  ],
  [
    'administrators are subject to a queue-policy Deny',
    {
      principal: admin(OWNER),
      queuePolicy: qp({ Sid: 'Lock', Effect: 'Deny', Principal: '*', Action: 'sqs:DeleteQueue', Resource: Q }),
      action: 'DeleteQueue',
      resource: Q,
    },
    { allowed: false, explicit: true, by: ['Lock'] },
  ],
  [
    "… and to their own identity policies' Deny",
    {
      principal: admin(OWNER),
      identity: [iam({ Sid: 'NoDelete', Effect: 'Deny', Action: 'sqs:DeleteQueue', Resource: '*' })],
      action: 'DeleteQueue',
      resource: Q,
    },
    { allowed: false, explicit: true, by: ['NoDelete'] },
  ],
  [
    'the root too',
    {
      principal: root(OWNER),
      queuePolicy: qp({ Sid: 'Lock', Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: Q }),
      action: 'SendMessage',
      resource: Q,
    },
    { allowed: false, explicit: true },
  ],
  [
    'a Deny whose condition does not hold does not deny',
    {
      principal: admin(OWNER),
      queuePolicy: qp({
        Sid: 'TLS',
        Effect: 'Deny',
        Principal: '*',
        Action: 'sqs:*',
        Resource: Q,
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
      action: 'SendMessage',
      resource: Q,
      context: { secureTransport: true },
    },
    { allowed: true, reason: 'admin', cacheable: false },
  ],
  [
    '… and does when it holds',
    {
      principal: admin(OWNER),
      queuePolicy: qp({
        Sid: 'TLS',
        Effect: 'Deny',
        Principal: '*',
        Action: 'sqs:*',
        Resource: Q,
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
      action: 'SendMessage',
      resource: Q,
      context: { secureTransport: false },
    },
    { allowed: false, explicit: true, by: ['TLS'] },
  ],
  [
    'a Deny in the second identity policy',
    {
      principal: user(OWNER, 'u'),
      identity: [ALLOW_ALL_SQS, iam({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: Q }), iam({ Effect: 'Deny', Action: '*', Resource: Q })],
      action: 'SendMessage',
      resource: Q,
    },
    { allowed: false, explicit: true, by: ['#0'] },
  ],
]);

rows('administrators and the root', [
  [
    'administrator: everything in its account',
    { principal: admin(OWNER), action: 'SetQueueAttributes', resource: Q },
    { allowed: true, reason: 'admin', by: [], cacheable: true },
  ],
  [
    'administrator: CreateQueue in its account',
    { principal: admin(OWNER), action: 'CreateQueue', resource: `arn:aws:sqs:us-east-1:${OWNER}:new` },
    { allowed: true, reason: 'admin' },
  ],
  [
    'administrator: ListQueues',
    { principal: admin(OWNER), action: 'ListQueues', resource: listQueuesResource('us-east-1', OWNER) },
    { allowed: true, reason: 'admin' },
  ],
  [
    'administrator: nothing in another account without a queue policy',
    { principal: admin(OTHER), action: 'SendMessage', resource: Q },
    { allowed: false, reason: 'no-resource-allow' },
  ],
  [
    'administrator: CreateQueue in another account',
    { principal: admin(OTHER), action: 'CreateQueue', resource: `arn:aws:sqs:us-east-1:${OWNER}:new` },
    { allowed: false, reason: 'cross-account-action' },
  ],
  [
    'root of another account named by its account id',
    {
      principal: root(OTHER),
      queuePolicy: qp({ Sid: 'Grant', Effect: 'Allow', Principal: { AWS: OTHER }, Action: 'sqs:SendMessage', Resource: Q }),
      action: 'SendMessage',
      resource: Q,
    },
    { allowed: true, reason: 'cross-account-allow', by: ['Grant'] },
  ],
  [
    'the account root is matched exactly by its account in its own account',
    {
      principal: { ...root(OWNER), admin: false },
      queuePolicy: qp({ Sid: 'Self', Effect: 'Allow', Principal: { AWS: OWNER }, Action: 'sqs:SendMessage', Resource: Q }),
      action: 'SendMessage',
      resource: Q,
    },
    { allowed: true, reason: 'resource-allow', by: ['Self'] },
  ],
]);

rows('same account: who the queue policy lets in by itself', [
  [
    'Principal "*"',
    {
      principal: user(OWNER, 'u'),
      queuePolicy: qp({ Sid: 'S', Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: Q }),
      action: 'SendMessage',
      resource: Q,
    },
    { allowed: true, reason: 'resource-allow', by: ['S'] },
  ],
  [
    '{"AWS": "*"}',
    {
      principal: user(OWNER, 'u'),
      queuePolicy: qp({ Sid: 'S', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sqs:SendMessage', Resource: Q }),
      action: 'SendMessage',
      resource: Q,
    },
    { allowed: true, reason: 'resource-allow' },
  ],
  [
    'the user ARN',
    {
      principal: user(OWNER, 'u'),
      queuePolicy: qp({ Sid: 'S', Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${OWNER}:user/u`] }, Action: 'sqs:SendMessage', Resource: Q }),
      action: 'SendMessage',
      resource: Q,
    },
    { allowed: true, reason: 'resource-allow' },
  ],
  [
    'the account id only: delegated to identity policies',
    {
      principal: user(OWNER, 'u'),
      queuePolicy: qp({ Sid: 'S', Effect: 'Allow', Principal: { AWS: OWNER }, Action: 'sqs:SendMessage', Resource: Q }),
      action: 'SendMessage',
      resource: Q,
    },
    { allowed: false, reason: 'no-identity-allow' },
  ],
  [
    'account-level and exact statements: the exact one decides',
    {
      principal: user(OWNER, 'u'),
      queuePolicy: qp(
        { Sid: 'Acct', Effect: 'Allow', Principal: { AWS: OWNER }, Action: 'sqs:SendMessage', Resource: Q },
        { Sid: 'User', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OWNER}:user/u` }, Action: 'sqs:SendMessage', Resource: Q },
      ),
      action: 'SendMessage',
      resource: Q,
    },
    { allowed: true, by: ['User'] },
  ],
  [
    'identity Allow decides before the queue policy is read',
    {
      principal: user(OWNER, 'u'),
      identity: [ALLOW_ALL_SQS],
      queuePolicy: qp({ Sid: 'S', Effect: 'Allow', Principal: '*', Action: 'sqs:*', Resource: Q }),
      action: 'SendMessage',
      resource: Q,
    },
    { allowed: true, reason: 'identity-allow', by: ['AllSqs'] },
  ],
  [
    'a Service principal is never a Ferry caller',
    {
      principal: user(OWNER, 'u'),
      queuePolicy: qp({ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: Q }),
      action: 'SendMessage',
      resource: Q,
    },
    { allowed: false },
  ],
]);

rows('cross account', [
  [
    'the account named: its users need an identity allow',
    {
      principal: user(OTHER, 'u'),
      identity: [iam({ Sid: 'Mine', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:*:${OWNER}:*` })],
      queuePolicy: qp({ Sid: 'Grant', Effect: 'Allow', Principal: { AWS: OTHER }, Action: 'sqs:SendMessage', Resource: Q }),
      action: 'SendMessage',
      resource: Q,
    },
    { allowed: true, reason: 'cross-account-allow', by: ['Grant', 'Mine'] },
  ],
  [
    "the identity allow must cover the other account's queue",
    {
      principal: user(OTHER, 'u'),
      identity: [iam({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:*:${OTHER}:*` })],
      queuePolicy: qp({ Effect: 'Allow', Principal: { AWS: OTHER }, Action: 'sqs:SendMessage', Resource: Q }),
      action: 'SendMessage',
      resource: Q,
    },
    { allowed: false, reason: 'no-identity-allow' },
  ],
  [
    'send granted, receive refused',
    {
      principal: admin(OTHER),
      queuePolicy: qp({ Effect: 'Allow', Principal: { AWS: OTHER }, Action: 'sqs:SendMessage', Resource: Q }),
      action: 'ReceiveMessage',
      resource: Q,
    },
    { allowed: false, reason: 'no-resource-allow' },
  ],
  ...(
    [
      'AddPermission',
      'RemovePermission',
      'SetQueueAttributes',
      'DeleteQueue',
      'ListQueueTags',
      'TagQueue',
      'UntagQueue',
      'StartMessageMoveTask',
      'CancelMessageMoveTask',
      'ListMessageMoveTasks',
    ] as const
  ).map((action): Row => [
    `${action}: refused across accounts even with sqs:* granted`,
    {
      principal: admin(OTHER),
      identity: [ALLOW_ALL_SQS],
      queuePolicy: qp({ Effect: 'Allow', Principal: '*', Action: 'sqs:*', Resource: Q }),
      action,
      resource: Q,
    },
    { allowed: false, reason: 'cross-account-action' },
  ]),
  ...(
    [
      'SendMessage',
      'ReceiveMessage',
      'DeleteMessage',
      'ChangeMessageVisibility',
      'GetQueueAttributes',
      'GetQueueUrl',
      'ListDeadLetterSourceQueues',
      'PurgeQueue',
    ] as const
  ).map((action): Row => [
    `${action}: shared when granted`,
    { principal: admin(OTHER), queuePolicy: qp({ Effect: 'Allow', Principal: '*', Action: 'sqs:*', Resource: Q }), action, resource: Q },
    { allowed: true, reason: 'cross-account-allow' },
  ]),
]);

/** Denies everyone but bob of OTHER (named with his account, as IAM asks), and grants OTHER. */
const ALL_BUT_BOB = qp(
  { Sid: 'D', Effect: 'Deny', NotPrincipal: { AWS: [`arn:aws:iam::${OTHER}:user/bob`, `arn:aws:iam::${OTHER}:root`] }, Action: 'sqs:*', Resource: Q },
  { Sid: 'A', Effect: 'Allow', Principal: { AWS: OTHER }, Action: 'sqs:*', Resource: Q },
);

rows('NotPrincipal / NotAction / NotResource', [
  [
    'Deny NotPrincipal: everyone but the named user and its account',
    {
      principal: user(OTHER, 'mallory'),
      identity: [ALLOW_ALL_SQS],
      queuePolicy: ALL_BUT_BOB,
      action: 'SendMessage',
      resource: Q,
    },
    { allowed: false, explicit: true, by: ['D'] },
  ],
  [
    '… the named user is not denied (and is allowed by the other statement)',
    {
      principal: user(OTHER, 'bob'),
      identity: [ALLOW_ALL_SQS],
      queuePolicy: ALL_BUT_BOB,
      action: 'SendMessage',
      resource: Q,
    },
    { allowed: true, by: ['A', 'AllSqs'] },
  ],
  [
    '… naming the user without its account denies it (IAM evaluates the account too)',
    {
      principal: user(OTHER, 'bob'),
      identity: [ALLOW_ALL_SQS],
      queuePolicy: qp(
        { Sid: 'D', Effect: 'Deny', NotPrincipal: { AWS: `arn:aws:iam::${OTHER}:user/bob` }, Action: 'sqs:*', Resource: Q },
        { Sid: 'A', Effect: 'Allow', Principal: '*', Action: 'sqs:*', Resource: Q },
      ),
      action: 'SendMessage',
      resource: Q,
    },
    { allowed: false, explicit: true, by: ['D'] },
  ],
  [
    '… the root of a named account is not denied',
    {
      principal: root(OTHER),
      queuePolicy: qp(
        { Sid: 'D', Effect: 'Deny', NotPrincipal: { AWS: OTHER }, Action: 'sqs:*', Resource: Q },
        { Sid: 'A', Effect: 'Allow', Principal: '*', Action: 'sqs:*', Resource: Q },
      ),
      action: 'SendMessage',
      resource: Q,
    },
    { allowed: true, by: ['A'] },
  ],
  [
    'Allow NotPrincipal: everyone else',
    {
      principal: user(OWNER, 'u'),
      queuePolicy: qp({ Sid: 'A', Effect: 'Allow', NotPrincipal: { AWS: OTHER }, Action: 'sqs:SendMessage', Resource: Q }),
      action: 'SendMessage',
      resource: Q,
    },
    { allowed: true, reason: 'resource-allow', by: ['A'] },
  ],
  [
    'NotAction: everything but DeleteQueue',
    {
      principal: user(OWNER, 'u'),
      identity: [iam({ Sid: 'N', Effect: 'Allow', NotAction: ['sqs:DeleteQueue'], Resource: '*' })],
      action: 'PurgeQueue',
      resource: Q,
    },
    { allowed: true, by: ['N'] },
  ],
  [
    'NotAction: DeleteQueue itself',
    {
      principal: user(OWNER, 'u'),
      identity: [iam({ Effect: 'Allow', NotAction: 'sqs:DeleteQueue', Resource: '*' })],
      action: 'DeleteQueue',
      resource: Q,
    },
    { allowed: false },
  ],
  [
    'Deny NotAction: deny all but reads',
    {
      principal: user(OWNER, 'u'),
      identity: [ALLOW_ALL_SQS, iam({ Sid: 'ReadOnly', Effect: 'Deny', NotAction: ['sqs:Get*', 'sqs:List*', 'sqs:ReceiveMessage'], Resource: '*' })],
      action: 'SendMessage',
      resource: Q,
    },
    { allowed: false, explicit: true, by: ['ReadOnly'] },
  ],
  [
    '… reads pass',
    {
      principal: user(OWNER, 'u'),
      identity: [ALLOW_ALL_SQS, iam({ Sid: 'ReadOnly', Effect: 'Deny', NotAction: ['sqs:Get*', 'sqs:List*', 'sqs:ReceiveMessage'], Resource: '*' })],
      action: 'GetQueueUrl',
      resource: Q,
    },
    { allowed: true },
  ],
  [
    'NotResource: every queue but one',
    {
      principal: user(OWNER, 'u'),
      identity: [iam({ Effect: 'Allow', Action: 'sqs:*', NotResource: `arn:aws:sqs:*:${OWNER}:secret*` })],
      action: 'SendMessage',
      resource: Q,
    },
    { allowed: true },
  ],
  [
    'NotResource: the excluded queue',
    {
      principal: user(OWNER, 'u'),
      identity: [iam({ Effect: 'Allow', Action: 'sqs:*', NotResource: `arn:aws:sqs:*:${OWNER}:secret*` })],
      action: 'SendMessage',
      resource: `arn:aws:sqs:us-east-1:${OWNER}:secret-1`,
    },
    { allowed: false },
  ],
]);

const allowing = (action: unknown, resource: unknown = '*'): Case => ({
  principal: user(OWNER, 'u'),
  identity: [iam({ Effect: 'Allow', Action: action, Resource: resource })],
  action: 'SendMessage',
  resource: Q,
});
rows('actions: case-insensitive, wildcards', [
  ['sqs:SendMessage', allowing('sqs:SendMessage'), { allowed: true }],
  ['SQS:SENDMESSAGE', allowing('SQS:SENDMESSAGE'), { allowed: true }],
  ['sqs:sendmessage', allowing('sqs:sendmessage'), { allowed: true }],
  ['SQS:Send*', allowing('SQS:Send*'), { allowed: true }],
  ['sqs:*Message', allowing('sqs:*Message'), { allowed: true }],
  ['sqs:S?ndMessage', allowing('sqs:S?ndMessage'), { allowed: true }],
  ['*', allowing('*'), { allowed: true }],
  ['sqs:*', allowing('sqs:*'), { allowed: true }],
  ['sqs:Receive*', allowing('sqs:Receive*'), { allowed: false }],
  ['sns:* is another service', allowing('sns:*'), { allowed: false }],
  [
    'sqs:SendMessageBatch is not an IAM action (identity policies may name it; it never matches)',
    { ...allowing('sqs:SendMessageBatch'), action: 'SendMessageBatch' },
    { allowed: false },
  ],
  ['the request may name the IAM action', { ...allowing('sqs:SendMessage'), action: 'sqs:SendMessage' }, { allowed: true }],
  ['… or the batch action', { ...allowing('sqs:SendMessage'), action: 'SendMessageBatch' }, { allowed: true }],
]);

rows('resources: ARN wildcards per component', [
  ['exact', allowing('sqs:*', Q), { allowed: true }],
  ['all queues of the account', allowing('sqs:*', `arn:aws:sqs:*:${OWNER}:*`), { allowed: true }],
  ['prefix', allowing('sqs:*', `arn:aws:sqs:us-east-1:${OWNER}:ord*`), { allowed: true }],
  ['?', allowing('sqs:*', `arn:aws:sqs:us-east-1:${OWNER}:orde?s`), { allowed: true }],
  ['a trailing * matches the rest ("arn:aws:sqs:*")', allowing('sqs:*', 'arn:aws:sqs:*'), { allowed: true }],
  ['another account', allowing('sqs:*', `arn:aws:sqs:*:${OTHER}:*`), { allowed: false }],
  ['queue names are case-sensitive', allowing('sqs:*', `arn:aws:sqs:us-east-1:${OWNER}:Orders`), { allowed: false }],
  ['a list of resources', allowing('sqs:*', ['arn:aws:sqs:us-east-1:1:x', Q]), { allowed: true }],
  ['a wildcard does not cross components', allowing('sqs:*', `arn:aws:sqs:us-east-1*:orders`), { allowed: false }],
  [
    '${aws:PrincipalAccount} in Resource',
    {
      principal: user(OWNER, 'u'),
      identity: [iam({ Effect: 'Allow', Action: 'sqs:*', Resource: 'arn:aws:sqs:*:${aws:PrincipalAccount}:*' })],
      action: 'SendMessage',
      resource: Q,
    },
    { allowed: true, cacheable: true },
  ],
  [
    '${aws:username} with a default',
    {
      principal: { ...user(OWNER, 'u'), userName: undefined },
      identity: [iam({ Effect: 'Allow', Action: 'sqs:*', Resource: "arn:aws:sqs:*:*:${aws:username, 'orders'}" })],
      action: 'SendMessage',
      resource: Q,
    },
    { allowed: true },
  ],
  [
    'a request-context variable makes the decision uncacheable',
    {
      principal: user(OWNER, 'u'),
      identity: [iam({ Effect: 'Allow', Action: 'sqs:*', Resource: 'arn:aws:sqs:*:*:${aws:RequestTag/queue}' })],
      action: 'CreateQueue',
      resource: Q,
      context: { requestTags: { queue: 'orders' } },
    },
    { allowed: true, cacheable: false },
  ],
]);

// The older queue-path form of a queue policy's Resource, `/<account>/<queue>` (the SQS Developer Guide
// of API 2009-02-01; generated by the SDK for Java 1.x's SQSQueueResource and the SDK for Ruby 1.x's
// AWS::SQS::Policy from a Queue object): it names the queue in the queue's own region.
const pathPolicy = (resource: string | string[], effect = 'Allow') =>
  qp({ Sid: 'Path', Effect: effect, Principal: { AWS: [OTHER] }, Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'], Resource: resource });
rows('resources: the /<account>/<queue> form in queue policies', [
  [
    'the queue itself',
    { principal: user(OTHER, 'u'), identity: [ALLOW_ALL_SQS], queuePolicy: pathPolicy(`/${OWNER}/orders`), action: 'SendMessage', resource: Q },
    { allowed: true, by: ['Path', 'AllSqs'] },
  ],
  [
    'another queue',
    { principal: user(OTHER, 'u'), identity: [ALLOW_ALL_SQS], queuePolicy: pathPolicy(`/${OWNER}/other`), action: 'SendMessage', resource: Q },
    { allowed: false },
  ],
  [
    'another account',
    { principal: user(OTHER, 'u'), identity: [ALLOW_ALL_SQS], queuePolicy: pathPolicy(`/${OTHER}/orders`), action: 'SendMessage', resource: Q },
    { allowed: false },
  ],
  [
    'a wildcard in the name',
    { principal: user(OTHER, 'u'), identity: [ALLOW_ALL_SQS], queuePolicy: pathPolicy(`/${OWNER}/ord*`), action: 'ReceiveMessage', resource: Q },
    { allowed: true },
  ],
  [
    'a Deny naming the queue so',
    {
      principal: user(OWNER, 'u'),
      identity: [ALLOW_ALL_SQS],
      queuePolicy: qp({ Sid: 'No', Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: `/${OWNER}/orders` }),
      action: 'PurgeQueue',
      resource: Q,
    },
    { allowed: false, explicit: true, by: ['No'] },
  ],
]);

test('AccessDenied texts are AWS’s', () => {
  const cases: Array<[Case, string]> = [
    [
      { principal: user(OWNER, 'test'), action: 'SendMessageBatch', resource: Q },
      `User: arn:aws:iam::${OWNER}:user/test is not authorized to perform: sqs:sendmessage on resource: ${Q} because no identity-based policy allows the sqs:sendmessage action`,
    ],
    [
      { principal: user(OTHER, 'DUB.SQS'), identity: [ALLOW_ALL_SQS], action: 'SendMessage', resource: Q },
      `User: arn:aws:iam::${OTHER}:user/DUB.SQS is not authorized to perform: sqs:sendmessage on resource: ${Q} because no resource-based policy allows the sqs:sendmessage action`,
    ],
    [
      { principal: user(OWNER, 'john'), action: 'ListQueues', resource: listQueuesResource('eu-north-1', OWNER) },
      `User: arn:aws:iam::${OWNER}:user/john is not authorized to perform: sqs:listqueues on resource: arn:aws:sqs:eu-north-1:${OWNER}: because no identity-based policy allows the sqs:listqueues action`,
    ],
    [
      { principal: user(OWNER, 'u'), identity: [iam({ Effect: 'Deny', Action: 'sqs:*', Resource: '*' })], action: 'DeleteQueue', resource: Q },
      `User: arn:aws:iam::${OWNER}:user/u is not authorized to perform: sqs:deletequeue on resource: ${Q} with an explicit deny in an identity-based policy`,
    ],
    [
      {
        principal: admin(OWNER),
        queuePolicy: qp({ Effect: 'Deny', Principal: '*', Action: 'sqs:ReceiveMessage', Resource: Q }),
        action: 'ReceiveMessage',
        resource: Q,
      },
      `User: arn:aws:iam::${OWNER}:user/ops is not authorized to perform: sqs:receivemessage on resource: ${Q} with an explicit deny in a resource-based policy`,
    ],
    [
      { principal: root(OTHER), action: 'DeleteQueue', resource: Q },
      `User: arn:aws:iam::${OTHER}:root is not authorized to perform: sqs:deletequeue on resource: ${Q} because no resource-based policy allows the sqs:deletequeue action`,
    ],
  ];
  for (const [c, message] of cases) {
    const d = decide(c);
    assert.equal(d.allowed, false);
    assert.equal(d.message, message);
  }
});

test('the decision names the action, the resource and the account relation', () => {
  const d = decide({ principal: admin(OTHER), action: 'ChangeMessageVisibilityBatch', resource: Q });
  assert.equal(d.action, 'sqs:changemessagevisibility');
  assert.equal(d.resource, Q);
  assert.equal(d.sameAccount, false);
  assert.equal(d.policyType, 'resource-based');
  const allowed = decide({ principal: admin(OWNER), action: 'SendMessage', resource: Q });
  assert.equal(allowed.sameAccount, true);
  assert.equal(allowed.policyType, undefined);
});

test('describeStatement', () => {
  const d = decide({
    principal: user(OWNER, 'u'),
    queuePolicy: qp({ Sid: 'AllowSend', Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: Q }),
    action: 'SendMessage',
    resource: Q,
  });
  assert.equal(describeStatement(d.statements[0]!), 'queue policy "queue" Statement[0] (Sid "AllowSend")');
  const e = decide({
    principal: user(OWNER, 'u'),
    identity: [iam({ Effect: 'Allow', Action: '*', Resource: '*' })],
    action: 'SendMessage',
    resource: Q,
  });
  assert.equal(describeStatement(e.statements[0]!), 'identity policy "identity-0" Statement[0]');
});

test('the action table: batch → base, owner-only, grantable', () => {
  assert.equal(iamActionOf('SendMessageBatch'), 'SendMessage');
  assert.equal(iamActionOf('DeleteMessageBatch'), 'DeleteMessage');
  assert.equal(iamActionOf('ChangeMessageVisibilityBatch'), 'ChangeMessageVisibility');
  assert.equal(iamActionOf('sqs:ReceiveMessage'), 'ReceiveMessage');
  assert.equal(iamActionOf('SQS:SendMessageBatch'), 'SendMessage');
  assert.equal(iamActionOf('Nope'), 'Nope');
  assert.equal(Object.keys(SQS_ACTIONS).length, 23);
  assert.deepEqual([...OWNER_ONLY_ACTIONS].sort(), [
    'AddPermission',
    'CancelMessageMoveTask',
    'CreateQueue',
    'DeleteQueue',
    'ListMessageMoveTasks',
    'ListQueueTags',
    'ListQueues',
    'RemovePermission',
    'SetQueueAttributes',
    'StartMessageMoveTask',
    'TagQueue',
    'UntagQueue',
  ]);
  assert.deepEqual([...GRANTABLE_ACTIONS].sort(), [
    '*',
    'ChangeMessageVisibility',
    'DeleteMessage',
    'GetQueueAttributes',
    'GetQueueUrl',
    'ListDeadLetterSourceQueues',
    'PurgeQueue',
    'ReceiveMessage',
    'SendMessage',
  ]);
  assert.equal(worksAcrossAccounts('sendmessage'), true);
  assert.equal(worksAcrossAccounts('TagQueue'), false);
  assert.equal(listQueuesResource('us-east-1', OWNER), `arn:aws:sqs:us-east-1:${OWNER}:`);
});
