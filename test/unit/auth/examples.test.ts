/**
 * Every example policy of the Amazon SQS developer guide, as written there, × requests × the decision
 * SQS makes (and the statement that makes it):
 *
 *  - "Basic examples of Amazon SQS policies" (sqs-basic-examples-of-sqs-policies; examples 1–8; the
 *    current text, with the 192.0.2.0/24 and 12.148.72.0/23 ranges);
 *  - "Custom Amazon SQS Access Policy Language examples" (sqs-creating-custom-policies-access-policy-
 *    examples, under "Using custom policies with the Amazon SQS access policy language"; UseCase1–5);
 *  - "Basic examples of IAM policies for Amazon SQS" (identity policies, examples 1–4);
 *  - the IAM user guide's SQS examples: `${aws:username}-queue` (policy variables) and the SNS-topic
 *    queue policy with ArnEquals aws:SourceArn;
 *  - AWS knowledge center "sqs-queue-access-permissions": the same-account and cross-account tables of
 *    identity policy × queue policy (Allow / neither / Deny) → result.
 */
import { test } from 'node:test';

import { ALLOW_ALL_SQS, T0, admin, check, decide, root, user, type Case, type Expect } from './helpers.js';

type Row = [label: string, c: Omit<Case, 'queuePolicy'>, e: Expect];

function table(name: string, queuePolicy: unknown, rows: readonly Row[]): void {
  for (const [label, c, e] of rows) {
    test(`${name}: ${label}`, () => check(decide({ ...c, ...(queuePolicy !== undefined && { queuePolicy }) }), e, label));
  }
}

const ID = [ALLOW_ALL_SQS];

// ---- Basic examples of Amazon SQS policies --------------------------------------------------------

const Q1 = 'arn:aws:sqs:us-east-2:444455556666:queue1';

table(
  'SQS example 1 (one permission to one account)',
  {
    Version: '2012-10-17',
    Id: 'Queue1_Policy_UUID',
    Statement: [
      {
        Sid: 'Queue1_SendMessage',
        Effect: 'Allow',
        Principal: { AWS: ['111122223333'] },
        Action: 'sqs:SendMessage',
        Resource: 'arn:aws:sqs:us-east-2:444455556666:queue1',
      },
    ],
  },
  [
    [
      'granted account, identity allows: SendMessage',
      { principal: user('111122223333', 'a'), identity: ID, action: 'SendMessage', resource: Q1 },
      { allowed: true, reason: 'cross-account-allow', by: ['Queue1_SendMessage', 'AllSqs'] },
    ],
    [
      'batch is checked as SendMessage',
      { principal: user('111122223333', 'a'), identity: ID, action: 'SendMessageBatch', resource: Q1 },
      { allowed: true, reason: 'cross-account-allow' },
    ],
    [
      'granted account, no identity policy',
      { principal: user('111122223333', 'a'), action: 'SendMessage', resource: Q1 },
      { allowed: false, reason: 'no-identity-allow' },
    ],
    [
      'granted account administrator (its identity side allows)',
      { principal: admin('111122223333'), action: 'SendMessage', resource: Q1 },
      { allowed: true, reason: 'cross-account-allow', by: ['Queue1_SendMessage'] },
    ],
    [
      'granted account: ReceiveMessage is not granted',
      { principal: user('111122223333', 'a'), identity: ID, action: 'ReceiveMessage', resource: Q1 },
      { allowed: false, reason: 'no-resource-allow' },
    ],
    ['another account', { principal: admin('999988887777'), action: 'SendMessage', resource: Q1 }, { allowed: false, reason: 'no-resource-allow' }],
    [
      'owner account user without identity policy',
      { principal: user('444455556666', 'u'), action: 'SendMessage', resource: Q1 },
      { allowed: false, reason: 'no-identity-allow' },
    ],
    ['owner account administrator', { principal: admin('444455556666'), action: 'DeleteQueue', resource: Q1 }, { allowed: true, reason: 'admin' }],
    [
      'same name in another region is another queue',
      { principal: user('111122223333', 'a'), identity: ID, action: 'SendMessage', resource: 'arn:aws:sqs:us-west-1:444455556666:queue1' },
      { allowed: false, reason: 'no-resource-allow' },
    ],
  ],
);

table(
  'SQS example 2 (two permissions to one account)',
  {
    Version: '2012-10-17',
    Id: 'Queue1_Policy_UUID',
    Statement: [
      {
        Sid: 'Queue1_Send_Receive',
        Effect: 'Allow',
        Principal: { AWS: ['111122223333'] },
        Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'],
        Resource: 'arn:aws:sqs:*:444455556666:queue1',
      },
    ],
  },
  [
    [
      'ReceiveMessage',
      { principal: user('111122223333', 'a'), identity: ID, action: 'ReceiveMessage', resource: Q1 },
      { allowed: true, by: ['Queue1_Send_Receive', 'AllSqs'] },
    ],
    [
      'SendMessage, region wildcard',
      { principal: user('111122223333', 'a'), identity: ID, action: 'SendMessage', resource: 'arn:aws:sqs:eu-west-1:444455556666:queue1' },
      { allowed: true },
    ],
    [
      'DeleteMessage is not granted',
      { principal: user('111122223333', 'a'), identity: ID, action: 'DeleteMessageBatch', resource: Q1 },
      { allowed: false, reason: 'no-resource-allow' },
    ],
    [
      'another queue',
      { principal: user('111122223333', 'a'), identity: ID, action: 'SendMessage', resource: 'arn:aws:sqs:us-east-2:444455556666:queue2' },
      { allowed: false },
    ],
  ],
);

const Q3 = 'arn:aws:sqs:us-east-2:123456789012:queue1';
table(
  'SQS example 3 (all permissions to two accounts)',
  {
    Version: '2012-10-17',
    Id: 'Queue1_Policy_UUID',
    Statement: [
      {
        Sid: 'Queue1_AllActions',
        Effect: 'Allow',
        Principal: { AWS: ['111122223333', '444455556666'] },
        Action: 'sqs:*',
        Resource: 'arn:aws:sqs:us-east-2:123456789012:queue1',
      },
    ],
  },
  [
    [
      'first account: PurgeQueue',
      { principal: admin('111122223333'), action: 'PurgeQueue', resource: Q3 },
      { allowed: true, by: ['Queue1_AllActions'] },
    ],
    [
      'second account: ChangeMessageVisibilityBatch',
      { principal: user('444455556666', 'w'), identity: ID, action: 'ChangeMessageVisibilityBatch', resource: Q3 },
      { allowed: true },
    ],
    [
      'GetQueueUrl and ListDeadLetterSourceQueues are shared',
      { principal: admin('111122223333'), action: 'ListDeadLetterSourceQueues', resource: Q3 },
      { allowed: true },
    ],
    ...(
      [
        'DeleteQueue',
        'SetQueueAttributes',
        'AddPermission',
        'RemovePermission',
        'TagQueue',
        'UntagQueue',
        'ListQueueTags',
        'StartMessageMoveTask',
        'CancelMessageMoveTask',
        'ListMessageMoveTasks',
      ] as const
    ).map((action): Row => [
      `${action} never works across accounts`,
      { principal: admin('111122223333'), identity: ID, action, resource: Q3 },
      { allowed: false, reason: 'cross-account-action' },
    ]),
    ['a third account', { principal: admin('777788889999'), action: 'SendMessage', resource: Q3 }, { allowed: false, reason: 'no-resource-allow' }],
  ],
);

table(
  'SQS example 4 (cross-account permissions to a role and a user name)',
  {
    Version: '2012-10-17',
    Id: 'Queue1_Policy_UUID',
    Statement: [
      {
        Sid: 'Queue1_AllActions',
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam::111122223333:role/role1', 'arn:aws:iam::111122223333:user/username1'] },
        Action: 'sqs:*',
        Resource: 'arn:aws:sqs:us-east-2:123456789012:queue1',
      },
    ],
  },
  [
    [
      'username1 with an identity allow',
      { principal: user('111122223333', 'username1'), identity: ID, action: 'ReceiveMessage', resource: Q3 },
      { allowed: true, by: ['Queue1_AllActions', 'AllSqs'] },
    ],
    [
      'username1 without an identity allow',
      { principal: user('111122223333', 'username1'), action: 'ReceiveMessage', resource: Q3 },
      { allowed: false, reason: 'no-identity-allow' },
    ],
    [
      'another user of that account',
      { principal: user('111122223333', 'username2'), identity: ID, action: 'ReceiveMessage', resource: Q3 },
      { allowed: false, reason: 'no-resource-allow' },
    ],
    [
      "that account's administrator is not named",
      { principal: admin('111122223333'), action: 'ReceiveMessage', resource: Q3 },
      { allowed: false, reason: 'no-resource-allow' },
    ],
    [
      'username1: DeleteQueue never works across accounts',
      { principal: user('111122223333', 'username1'), identity: ID, action: 'DeleteQueue', resource: Q3 },
      { allowed: false, reason: 'cross-account-action' },
    ],
  ],
);

const Q5 = 'arn:aws:sqs:us-east-2:111122223333:queue1';
table(
  'SQS example 5 (a permission to all users)',
  {
    Version: '2012-10-17',
    Id: 'Queue1_Policy_UUID',
    Statement: [
      {
        Sid: 'Queue1_AnonymousAccess_ReceiveMessage',
        Effect: 'Allow',
        Principal: '*',
        Action: 'sqs:ReceiveMessage',
        Resource: 'arn:aws:sqs:*:111122223333:queue1',
      },
    ],
  },
  [
    [
      'same-account user without identity policy',
      { principal: user('111122223333', 'x'), action: 'ReceiveMessage', resource: Q5 },
      { allowed: true, reason: 'resource-allow', by: ['Queue1_AnonymousAccess_ReceiveMessage'] },
    ],
    [
      'another account with an identity allow',
      { principal: user('222233334444', 'x'), identity: ID, action: 'ReceiveMessage', resource: Q5 },
      { allowed: true, reason: 'cross-account-allow' },
    ],
    [
      'another account without one',
      { principal: user('222233334444', 'x'), action: 'ReceiveMessage', resource: Q5 },
      { allowed: false, reason: 'no-identity-allow' },
    ],
    [
      'SendMessage is not granted',
      { principal: user('111122223333', 'x'), action: 'SendMessage', resource: Q5 },
      { allowed: false, reason: 'no-identity-allow' },
    ],
  ],
);

table(
  'SQS example 6 (time-limited permission to all users)',
  {
    Version: '2012-10-17',
    Id: 'Queue1_Policy_UUID',
    Statement: [
      {
        Sid: 'Queue1_AnonymousAccess_ReceiveMessage_TimeLimit',
        Effect: 'Allow',
        Principal: '*',
        Action: 'sqs:ReceiveMessage',
        Resource: 'arn:aws:sqs:*:111122223333:queue1',
        Condition: { DateGreaterThan: { 'aws:CurrentTime': '2009-01-31T12:00Z' }, DateLessThan: { 'aws:CurrentTime': '2009-01-31T15:00Z' } },
      },
    ],
  },
  [
    ['13:00 on the day', { principal: user('111122223333', 'x'), action: 'ReceiveMessage', resource: Q5 }, { allowed: true, cacheable: false }],
    [
      '11:59 on the day',
      { principal: user('111122223333', 'x'), action: 'ReceiveMessage', resource: Q5, context: { now: Date.UTC(2009, 0, 31, 11, 59) } },
      { allowed: false, cacheable: false },
    ],
    [
      '15:00 exactly (DateLessThan is strict)',
      { principal: user('111122223333', 'x'), action: 'ReceiveMessage', resource: Q5, context: { now: Date.UTC(2009, 0, 31, 15, 0) } },
      { allowed: false },
    ],
    [
      'a year later',
      { principal: user('111122223333', 'x'), action: 'ReceiveMessage', resource: Q5, context: { now: Date.UTC(2010, 0, 31, 13, 0) } },
      { allowed: false },
    ],
  ],
);

table(
  'SQS example 7 (all permissions to all users in a CIDR range)',
  {
    Version: '2012-10-17',
    Id: 'Queue1_Policy_UUID',
    Statement: [
      {
        Sid: 'Queue1_AnonymousAccess_AllActions_AllowlistIP',
        Effect: 'Allow',
        Principal: '*',
        Action: 'sqs:*',
        Resource: 'arn:aws:sqs:*:111122223333:queue1',
        Condition: { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } },
      },
    ],
  },
  [
    [
      'from 192.0.2.10',
      { principal: user('111122223333', 'x'), action: 'SendMessage', resource: Q5, context: { sourceIp: '192.0.2.10' } },
      { allowed: true, cacheable: false },
    ],
    [
      'from ::ffff:192.0.2.10 (a dual-stack socket)',
      { principal: user('111122223333', 'x'), action: 'SendMessage', resource: Q5, context: { sourceIp: '::ffff:192.0.2.10' } },
      { allowed: true },
    ],
    [
      'from 198.51.100.1',
      { principal: user('111122223333', 'x'), action: 'SendMessage', resource: Q5, context: { sourceIp: '198.51.100.1' } },
      { allowed: false },
    ],
    ['no source address', { principal: user('111122223333', 'x'), action: 'SendMessage', resource: Q5 }, { allowed: false }],
  ],
);

table(
  'SQS example 8 (allowlist and blocklist by CIDR)',
  {
    Version: '2012-10-17',
    Id: 'Queue1_Policy_UUID',
    Statement: [
      {
        Sid: 'Queue1_AnonymousAccess_SendMessage_IPLimit',
        Effect: 'Allow',
        Principal: '*',
        Action: 'sqs:SendMessage',
        Resource: 'arn:aws:sqs:*:111122223333:queue1',
        Condition: { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' }, NotIpAddress: { 'aws:SourceIp': '192.0.2.188/32' } },
      },
      {
        Sid: 'Queue1_AnonymousAccess_AllActions_IPLimit_Deny',
        Effect: 'Deny',
        Principal: '*',
        Action: 'sqs:*',
        Resource: 'arn:aws:sqs:*:111122223333:queue1',
        Condition: { IpAddress: { 'aws:SourceIp': '12.148.72.0/23' } },
      },
    ],
  },
  [
    [
      'SendMessage from 192.0.2.5',
      { principal: user('111122223333', 'x'), action: 'SendMessage', resource: Q5, context: { sourceIp: '192.0.2.5' } },
      { allowed: true, by: ['Queue1_AnonymousAccess_SendMessage_IPLimit'] },
    ],
    [
      'SendMessage from the excluded 192.0.2.188',
      { principal: user('111122223333', 'x'), action: 'SendMessage', resource: Q5, context: { sourceIp: '192.0.2.188' } },
      { allowed: false, explicit: false },
    ],
    [
      'anything from 12.148.73.9 is denied, administrators included',
      { principal: admin('111122223333'), action: 'GetQueueAttributes', resource: Q5, context: { sourceIp: '12.148.73.9' } },
      { allowed: false, explicit: true, by: ['Queue1_AnonymousAccess_AllActions_IPLimit_Deny'] },
    ],
    [
      '12.148.74.1 is outside the /23',
      { principal: admin('111122223333'), action: 'GetQueueAttributes', resource: Q5, context: { sourceIp: '12.148.74.1' } },
      { allowed: true, reason: 'admin' },
    ],
  ],
);

// ---- Custom Amazon SQS Access Policy Language examples ----------------------------------------------

const QU = 'arn:aws:sqs:us-east-2:444455556666:queue2';
const useCase = (id: string, statement: Record<string, unknown> | Record<string, unknown>[]) => ({
  Version: '2012-10-17',
  Id: id,
  Statement: Array.isArray(statement) ? statement : [statement],
});

table(
  'UseCase1 (permission to one account)',
  useCase('UseCase1', {
    Sid: '1',
    Effect: 'Allow',
    Principal: { AWS: ['111122223333'] },
    Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'],
    Resource: QU,
  }),
  [
    ['send', { principal: admin('111122223333'), action: 'SendMessage', resource: QU }, { allowed: true, by: ['1'] }],
    [
      'receive',
      { principal: user('111122223333', 'a'), identity: ID, action: 'ReceiveMessage', resource: QU },
      { allowed: true, by: ['1', 'AllSqs'] },
    ],
    ['delete', { principal: admin('111122223333'), action: 'DeleteMessage', resource: QU }, { allowed: false }],
  ],
);

const useCase2 = useCase('UseCase2', {
  Sid: '1',
  Effect: 'Allow',
  Principal: { AWS: ['111122223333', '444455556666'] },
  Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'],
  Resource: QU,
  Condition: { DateLessThan: { 'AWS:CurrentTime': '2009-06-30T12:00Z' } },
});
const JUNE = { now: Date.UTC(2009, 5, 1) };
const JULY = { now: Date.UTC(2009, 6, 1) };
table('UseCase2 (one or more accounts, for a time)', useCase2, [
  [
    'other account before the date (key name in any case)',
    { principal: admin('111122223333'), action: 'SendMessage', resource: QU, context: JUNE },
    { allowed: true, cacheable: false },
  ],
  [
    'other account after the date',
    { principal: admin('111122223333'), action: 'SendMessage', resource: QU, context: JULY },
    { allowed: false, reason: 'no-resource-allow' },
  ],
  [
    'owner account user: an account principal delegates to identity policies',
    { principal: user('444455556666', 'u'), action: 'SendMessage', resource: QU, context: JUNE },
    { allowed: false, reason: 'no-identity-allow' },
  ],
  ['owner account root', { principal: root('444455556666'), action: 'SendMessage', resource: QU, context: JUNE }, { allowed: true, reason: 'admin' }],
]);

table(
  'UseCase3 (requests from a range, for a time)',
  useCase('UseCase3', {
    Sid: '1',
    Effect: 'Allow',
    Principal: { AWS: ['111122223333'] },
    Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'],
    Resource: QU,
    Condition: { DateLessThan: { 'AWS:CurrentTime': '2009-06-30T12:00Z' }, IpAddress: { 'AWS:SourceIp': '203.0.113.0/24' } },
  }),
  [
    [
      'in range, in time',
      { principal: admin('111122223333'), action: 'ReceiveMessage', resource: QU, context: { ...JUNE, sourceIp: '203.0.113.77' } },
      { allowed: true },
    ],
    [
      'in range, too late',
      { principal: admin('111122223333'), action: 'ReceiveMessage', resource: QU, context: { ...JULY, sourceIp: '203.0.113.77' } },
      { allowed: false },
    ],
    [
      'out of range, in time',
      { principal: admin('111122223333'), action: 'ReceiveMessage', resource: QU, context: { ...JUNE, sourceIp: '203.0.114.1' } },
      { allowed: false },
    ],
  ],
);

table(
  'UseCase4 (deny one account)',
  useCase('UseCase4', {
    Sid: '1',
    Effect: 'Deny',
    Principal: { AWS: ['111122223333'] },
    Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'],
    Resource: QU,
  }),
  [
    [
      'its administrator',
      { principal: admin('111122223333'), identity: ID, action: 'SendMessage', resource: QU },
      { allowed: false, explicit: true, by: ['1'] },
    ],
    [
      'any of its users',
      { principal: user('111122223333', 'a'), identity: ID, action: 'ReceiveMessage', resource: QU },
      { allowed: false, explicit: true },
    ],
    [
      'another action: only not granted',
      { principal: admin('111122223333'), action: 'DeleteMessage', resource: QU },
      { allowed: false, explicit: false },
    ],
  ],
);

const QV = 'arn:aws:sqs:us-east-2:111122223333:queue1';
const VPCE = { extra: { 'aws:sourceVpce': 'vpce-1a2b3c4d' } };
table(
  'UseCase5 (deny unless from a VPC endpoint)',
  {
    Version: '2012-10-17',
    Id: 'UseCase5',
    Statement: [
      { Sid: '1', Effect: 'Allow', Principal: { AWS: ['111122223333'] }, Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'], Resource: QV },
      {
        Sid: '2',
        Effect: 'Deny',
        Principal: '*',
        Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'],
        Resource: QV,
        Condition: { StringNotEquals: { 'aws:sourceVpce': 'vpce-1a2b3c4d' } },
      },
    ],
  },
  [
    [
      'no endpoint key (Ferry never sets one): the negated condition holds, everyone is denied',
      { principal: admin('111122223333'), action: 'SendMessage', resource: QV },
      { allowed: false, explicit: true, by: ['2'] },
    ],
    [
      'through the endpoint: administrator',
      { principal: admin('111122223333'), action: 'SendMessage', resource: QV, context: VPCE },
      { allowed: true, reason: 'admin' },
    ],
    [
      'through the endpoint: user with an identity allow',
      { principal: user('111122223333', 'u'), identity: ID, action: 'ReceiveMessage', resource: QV, context: VPCE },
      { allowed: true, reason: 'identity-allow' },
    ],
    [
      'through the endpoint: user named only through its account',
      { principal: user('111122223333', 'u'), action: 'ReceiveMessage', resource: QV, context: VPCE },
      { allowed: false, reason: 'no-identity-allow' },
    ],
    [
      'another endpoint',
      { principal: admin('111122223333'), action: 'SendMessage', resource: QV, context: { extra: { 'aws:SourceVpce': 'vpce-other' } } },
      { allowed: false, explicit: true },
    ],
    [
      'actions the Deny does not name',
      { principal: admin('111122223333'), action: 'GetQueueAttributes', resource: QV },
      { allowed: true, reason: 'admin' },
    ],
  ],
);

// ---- Basic examples of IAM policies for Amazon SQS (identity policies) -----------------------------

const A = '123456789012';
const qa = (name: string) => `arn:aws:sqs:us-east-1:${A}:${name}`;
const iam = (statement: Record<string, unknown>) => ({ Version: '2012-10-17', Statement: [statement] });

table('IAM example 1 (queues prefixed alice_queue_)', undefined, [
  [
    'CreateQueue alice_queue_1',
    {
      principal: user(A, 'Bob'),
      identity: [iam({ Effect: 'Allow', Action: 'sqs:*', Resource: `arn:aws:sqs:*:${A}:alice_queue_*` })],
      action: 'CreateQueue',
      resource: qa('alice_queue_1'),
    },
    { allowed: true, reason: 'identity-allow', by: ['#0'] },
  ],
  [
    'SendMessage alice_queue_x',
    {
      principal: user(A, 'Bob'),
      identity: [iam({ Effect: 'Allow', Action: 'sqs:*', Resource: `arn:aws:sqs:*:${A}:alice_queue_*` })],
      action: 'SendMessage',
      resource: qa('alice_queue_x'),
    },
    { allowed: true },
  ],
  [
    'CreateQueue bob_queue',
    {
      principal: user(A, 'Bob'),
      identity: [iam({ Effect: 'Allow', Action: 'sqs:*', Resource: `arn:aws:sqs:*:${A}:alice_queue_*` })],
      action: 'CreateQueue',
      resource: qa('bob_queue'),
    },
    { allowed: false, reason: 'no-identity-allow' },
  ],
]);

table('IAM example 2 (developers write to a shared queue)', undefined, [
  [
    'SendMessage MyCompanyQueue',
    {
      principal: user(A, 'dev'),
      identity: [iam({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:*:${A}:MyCompanyQueue` })],
      action: 'SendMessage',
      resource: qa('MyCompanyQueue'),
    },
    { allowed: true },
  ],
  [
    'ReceiveMessage MyCompanyQueue',
    {
      principal: user(A, 'dev'),
      identity: [iam({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:*:${A}:MyCompanyQueue` })],
      action: 'ReceiveMessage',
      resource: qa('MyCompanyQueue'),
    },
    { allowed: false },
  ],
  [
    'queue names are case-sensitive',
    {
      principal: user(A, 'dev'),
      identity: [iam({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:*:${A}:MyCompanyQueue` })],
      action: 'SendMessage',
      resource: qa('mycompanyqueue'),
    },
    { allowed: false },
  ],
]);

const managers = [iam({ Effect: 'Allow', Action: 'sqs:GetQueueAttributes', Resource: '*' })];
table('IAM example 3 (managers get the size of queues)', undefined, [
  [
    'any queue of the account',
    { principal: user(A, 'm'), identity: managers, action: 'GetQueueAttributes', resource: qa('anything') },
    { allowed: true },
  ],
  [
    "another account's queue without a queue policy",
    { principal: user(A, 'm'), identity: managers, action: 'GetQueueAttributes', resource: 'arn:aws:sqs:us-east-1:999988887777:q' },
    { allowed: false, reason: 'no-resource-allow' },
  ],
  ['PurgeQueue', { principal: user(A, 'm'), identity: managers, action: 'PurgeQueue', resource: qa('anything') }, { allowed: false }],
]);

table('IAM example 4 (a partner sends to one queue)', undefined, [
  [
    'WidgetPartnerQueue',
    {
      principal: user(A, 'widgetco'),
      identity: [iam({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:*:${A}:WidgetPartnerQueue` })],
      action: 'SendMessageBatch',
      resource: qa('WidgetPartnerQueue'),
    },
    { allowed: true },
  ],
  [
    'another queue',
    {
      principal: user(A, 'widgetco'),
      identity: [iam({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:*:${A}:WidgetPartnerQueue` })],
      action: 'SendMessage',
      resource: qa('Other'),
    },
    { allowed: false },
  ],
]);

// ---- IAM user guide: SQS examples -------------------------------------------------------------------

const perUser = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'ListForConsole', Effect: 'Allow', Action: 'sqs:ListQueues', Resource: '*' },
    { Sid: 'AllQueueActions', Effect: 'Allow', Action: 'sqs:*', Resource: 'arn:aws:sqs:us-east-2:*:${aws:username}-queue' },
  ],
};
const qe = (name: string) => `arn:aws:sqs:us-east-2:${A}:${name}`;
table('IAM variables example (${aws:username}-queue)', undefined, [
  [
    'alice on alice-queue',
    { principal: user(A, 'alice'), identity: [perUser], action: 'DeleteQueue', resource: qe('alice-queue') },
    { allowed: true, by: ['AllQueueActions'], cacheable: true },
  ],
  ['alice on bob-queue', { principal: user(A, 'alice'), identity: [perUser], action: 'SendMessage', resource: qe('bob-queue') }, { allowed: false }],
  [
    'ListQueues',
    { principal: user(A, 'alice'), identity: [perUser], action: 'ListQueues', resource: `arn:aws:sqs:us-east-2:${A}:` },
    { allowed: true, by: ['ListForConsole'] },
  ],
  [
    'no aws:username: the variable has no value, the statement does not apply',
    { principal: { ...user(A, 'alice'), userName: undefined }, identity: [perUser], action: 'SendMessage', resource: qe('-queue') },
    { allowed: false, reason: 'no-identity-allow' },
  ],
  [
    'a 2008-10-17 policy reads ${aws:username} literally',
    { principal: user(A, 'alice'), identity: [{ ...perUser, Version: '2008-10-17' }], action: 'SendMessage', resource: qe('alice-queue') },
    { allowed: false },
  ],
]);

const sns = {
  Version: '2012-10-17',
  Statement: {
    Effect: 'Allow',
    Principal: { AWS: '123456789012' },
    Action: 'SQS:SendMessage',
    Resource: 'arn:aws:sqs:us-east-1:123456789012:QUEUE-ID',
    Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:TOPIC-ID' } },
  },
};
const QS = 'arn:aws:sqs:us-east-1:123456789012:QUEUE-ID';
table('IAM ArnEquals example (SNS topic to queue)', sns, [
  [
    'a user of the account on behalf of the topic, with an identity allow',
    {
      principal: user(A, 'svc'),
      identity: ID,
      action: 'SendMessage',
      resource: QS,
      context: { sourceArn: 'arn:aws:sns:us-east-1:123456789012:TOPIC-ID' },
    },
    { allowed: true, reason: 'identity-allow' },
  ],
  [
    'the account principal alone does not let a user of the same account in',
    { principal: user(A, 'svc'), action: 'SendMessage', resource: QS, context: { sourceArn: 'arn:aws:sns:us-east-1:123456789012:TOPIC-ID' } },
    { allowed: false, reason: 'no-identity-allow' },
  ],
  [
    'another account, any source: not granted',
    { principal: admin('999988887777'), action: 'SendMessage', resource: QS, context: { sourceArn: 'arn:aws:sns:us-east-1:123456789012:TOPIC-ID' } },
    { allowed: false },
  ],
]);

// ---- Knowledge center: identity policy × queue policy ---------------------------------------------

const OWNER = '444455556666';
const KQ = `arn:aws:sqs:us-east-1:${OWNER}:kc`;
type Side = 'Allow' | 'Neither' | 'Deny';
const identityOf = (s: Side) => (s === 'Neither' ? [] : [iam({ Sid: `id${s}`, Effect: s, Action: 'sqs:SendMessage', Resource: KQ })]);
const queueOf = (s: Side, principalArn: string) =>
  s === 'Neither'
    ? {
        Version: '2012-10-17',
        Statement: [{ Sid: 'other', Effect: 'Allow', Principal: { AWS: principalArn }, Action: 'sqs:GetQueueUrl', Resource: KQ }],
      }
    : { Version: '2012-10-17', Statement: [{ Sid: `q${s}`, Effect: s, Principal: { AWS: principalArn }, Action: 'sqs:SendMessage', Resource: KQ }] };

// Rows of both tables: identity side, queue side, result (Allow / Implicit Deny / Deny).
const SAME: ReadonlyArray<[Side, Side, 'Allow' | 'Implicit' | 'Deny']> = [
  ['Allow', 'Allow', 'Allow'],
  ['Allow', 'Neither', 'Allow'],
  ['Allow', 'Deny', 'Deny'],
  ['Neither', 'Allow', 'Allow'],
  ['Neither', 'Neither', 'Implicit'],
  ['Neither', 'Deny', 'Deny'],
  ['Deny', 'Allow', 'Deny'],
  ['Deny', 'Neither', 'Deny'],
  ['Deny', 'Deny', 'Deny'],
];
const CROSS: ReadonlyArray<[Side, Side, 'Allow' | 'Implicit' | 'Deny']> = [
  ['Allow', 'Allow', 'Allow'],
  ['Allow', 'Neither', 'Implicit'],
  ['Allow', 'Deny', 'Deny'],
  ['Neither', 'Allow', 'Implicit'],
  ['Neither', 'Neither', 'Implicit'],
  ['Neither', 'Deny', 'Deny'],
  ['Deny', 'Allow', 'Deny'],
  ['Deny', 'Neither', 'Deny'],
  ['Deny', 'Deny', 'Deny'],
];
for (const [tableName, rows, caller] of [
  ['same account', SAME, user(OWNER, 'kc')],
  ['different account', CROSS, user('111122223333', 'kc')],
] as const) {
  for (const [idSide, qSide, result] of rows) {
    test(`knowledge center, ${tableName}: identity ${idSide} × queue policy ${qSide} → ${result}`, () => {
      const d = decide({
        principal: caller,
        identity: identityOf(idSide),
        queuePolicy: queueOf(qSide, caller.arn),
        action: 'SendMessage',
        resource: KQ,
      });
      check(d, { allowed: result === 'Allow', explicit: result === 'Deny' }, `${idSide}/${qSide}`);
      if (result === 'Deny') {
        // The Deny named is the identity one when both deny (one policy type per message, as AWS does).
        const want = idSide === 'Deny' ? 'idDeny' : 'qDeny';
        check(d, { allowed: false, explicit: true, by: [want] }, 'deciding statement');
      }
    });
  }
}

test('helpers: the fixed time is inside example 6 window', () => {
  check(decide({ principal: admin(OWNER), action: 'SendMessage', resource: KQ, context: { now: T0 } }), { allowed: true, reason: 'admin' }, 'admin');
});
