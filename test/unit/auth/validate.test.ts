/**
 * Queue policy validation (CreateQueue / SetQueueAttributes `Policy`): SQS's quotas (8,192 bytes, 20
 * statements, 50 principals, 10 conditions, 7 actions per statement) and errors, the grammar, and the
 * errors identity policies from the config file get. Wordings recorded from AWS are cited in
 * src/auth/policy/messages.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  PolicyError,
  QUEUE_POLICY_LIMITS,
  authorize,
  compileIdentityPolicy,
  compileQueuePolicy,
  parsePolicy,
} from '../../../src/auth/policy/index.js';
import * as M from '../../../src/errors/messages.js';

const Q = 'arn:aws:sqs:us-east-1:111122223333:q';
const stmt = (extra: Record<string, unknown> = {}) => ({ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: Q, ...extra });
const doc = (statements: unknown, top: Record<string, unknown> = { Version: '2012-10-17' }) => JSON.stringify({ ...top, Statement: statements });

function refused(text: string, code: string, message: string | RegExp): PolicyError {
  let err: unknown;
  try {
    compileQueuePolicy(text);
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof PolicyError, `expected a PolicyError for ${text.slice(0, 200)}`);
  assert.equal(err.code, code, err.message);
  if (typeof message === 'string') assert.equal(err.message, message);
  else assert.match(err.message, message);
  return err;
}
const INVALID = (reason: string) => `Invalid value for the parameter Policy. Reason: ${reason}`;

test('quotas: exactly at each limit is accepted', () => {
  const principals = Array.from({ length: 50 }, (_, i) => String(100000000000 + i));
  const statements = Array.from({ length: 20 }, (_, i) =>
    stmt({
      Sid: `s${i}`,
      Principal: { AWS: i === 0 ? principals.slice(0, 31) : principals.slice(31 + i - 1, 31 + i) },
      Action:
        i === 0
          ? [
              'sqs:SendMessage',
              'sqs:ReceiveMessage',
              'sqs:DeleteMessage',
              'sqs:ChangeMessageVisibility',
              'sqs:GetQueueAttributes',
              'sqs:GetQueueUrl',
              'sqs:PurgeQueue',
            ]
          : 'sqs:SendMessage',
      ...(i < 10 && { Condition: { Bool: { 'aws:SecureTransport': 'true' } } }),
    }),
  );
  const text = doc(statements);
  assert.ok(Buffer.byteLength(text) <= QUEUE_POLICY_LIMITS.bytes, `${Buffer.byteLength(text)} bytes`);
  const p = compileQueuePolicy(text);
  assert.equal(p.statements.length, 20);
});

test('quota: 8,192 bytes (UTF-8) — OverLimit "Submitted policy is over max allowed size."', () => {
  const base = doc([stmt({ Sid: '' })]);
  const pad = (n: number) => doc([stmt({ Sid: 'x'.repeat(n) })]);
  const exact = pad(QUEUE_POLICY_LIMITS.bytes - Buffer.byteLength(base));
  assert.equal(Buffer.byteLength(exact), 8192);
  compileQueuePolicy(exact);
  refused(pad(QUEUE_POLICY_LIMITS.bytes - Buffer.byteLength(base) + 1), 'OverLimit', 'Submitted policy is over max allowed size.');
  // Bytes, not characters: 3-byte characters count three times.
  const wide = doc([stmt({ Sid: '€'.repeat(Math.ceil((8192 - Buffer.byteLength(base)) / 3) + 1) })]);
  assert.ok(wide.length < 8192 && Buffer.byteLength(wide) > 8192);
  refused(wide, 'OverLimit', 'Submitted policy is over max allowed size.');
});

test('quota: 20 statements (recorded wording)', () => {
  refused(doc(Array.from({ length: 21 }, () => stmt())), 'OverLimit', '21 statements were found in the submitted policy, max allowed is 20');
});

test('quota: 7 actions per statement (recorded wording); NotAction counts too', () => {
  const ten = [
    'SendMessage',
    'ReceiveMessage',
    'DeleteMessage',
    'ChangeMessageVisibility',
    'GetQueueAttributes',
    'GetQueueUrl',
    'PurgeQueue',
    'ListDeadLetterSourceQueues',
    'ListQueueTags',
    'TagQueue',
  ];
  refused(
    doc([stmt({ Action: ten.map((a) => `sqs:${a}`) })]),
    'OverLimit',
    '10 actions were found in a statement from the submitted policy, max allowed is 7',
  );
  const eight = ten.slice(0, 8).map((a) => `sqs:${a}`);
  refused(
    doc([{ ...stmt(), Action: undefined, NotAction: eight }]),
    'OverLimit',
    '8 actions were found in a statement from the submitted policy, max allowed is 7',
  );
});

test('quota: 50 principals over the policy', () => {
  const ids = (n: number, from: number) => Array.from({ length: n }, (_, i) => String(200000000000 + from + i));
  refused(
    doc([stmt({ Principal: { AWS: ids(30, 0) } }), stmt({ Principal: { AWS: ids(20, 30), Service: 'sns.amazonaws.com' } })]),
    'OverLimit',
    '51 principals were found in the submitted policy, max allowed is 50',
  );
});

test('quota: 10 conditions over the policy (operator × key)', () => {
  const c = { Bool: { 'aws:SecureTransport': 'true' }, StringEquals: { 'aws:username': 'a', 'aws:userid': 'b' } };
  refused(
    doc([
      stmt({ Condition: c }),
      stmt({ Condition: c }),
      stmt({ Condition: c }),
      stmt({ Condition: { Null: { 'aws:SourceArn': 'true', 'aws:SourceAccount': 'true' } } }),
    ]),
    'OverLimit',
    '11 conditions were found in the submitted policy, max allowed is 10',
  );
});

test('actions: only SQS actions, echoed as written (recorded wording)', () => {
  const wsdl = (a: string) =>
    `Value ${a} for parameter ActionName is invalid. Reason: Please refer to the appropriate WSDL for a list of valid actions.`;
  for (const a of ['sqs:ChangeMessageVisibilityBatch', 'SQS:SendMessageBatch', 'sqs:DeleteMessageBatch', 'sqs:Foo', 'sns:Publish', 'SendMessage']) {
    refused(doc([stmt({ Action: a })]), 'InvalidParameterValue', wsdl(a));
  }
  for (const a of ['*', 'sqs:*', 'SQS:*', 'SQS:Send*', 'sqs:?eceiveMessage', 'sqs:sendmessage', 'Sqs:ListQueues', 'sqs:StartMessageMoveTask']) {
    compileQueuePolicy(doc([stmt({ Action: a })]));
  }
});

test('grammar: structural problems are InvalidAttributeValue naming the problem', () => {
  refused('not json', 'InvalidAttributeValue', INVALID('Policy is not a valid JSON object.'));
  refused('[]', 'InvalidAttributeValue', INVALID('Policy is not a valid JSON object.'));
  refused(JSON.stringify({ Version: '2012-10-17' }), 'InvalidAttributeValue', INVALID('the policy must have a Statement.'));
  refused(doc([]), 'InvalidAttributeValue', INVALID('Statement must not be empty.'));
  refused(doc([stmt()], { Version: '2020-01-01' }), 'InvalidAttributeValue', INVALID('Version must be "2012-10-17" or "2008-10-17".'));
  refused(doc([stmt()], { Version: '2012-10-17', Extra: 1 }), 'InvalidAttributeValue', INVALID('unknown top-level element "Extra".'));
  refused(doc([stmt()], { Version: '2012-10-17', Id: 7 }), 'InvalidAttributeValue', INVALID('Id must be a string.'));
  refused(doc(['x']), 'InvalidAttributeValue', INVALID('Statement[0] must be an object.'));
  refused(doc([stmt({ Effect: 'allow' })]), 'InvalidAttributeValue', INVALID('Statement[0].Effect must be "Allow" or "Deny".'));
  refused(doc([stmt({ Sid: 1 })]), 'InvalidAttributeValue', INVALID('Statement[0].Sid must be a string.'));
  refused(doc([stmt({ Bogus: true })]), 'InvalidAttributeValue', INVALID('Statement[0] has an unknown element "Bogus".'));
  refused(
    doc([{ Effect: 'Allow', Principal: '*', Action: 'sqs:*' }]),
    'InvalidAttributeValue',
    INVALID('Statement[0] must have Resource or NotResource.'),
  );
  refused(doc([{ Effect: 'Allow', Principal: '*', Resource: Q }]), 'InvalidAttributeValue', INVALID('Statement[0] must have Action or NotAction.'));
  refused(
    doc([{ Effect: 'Allow', Action: 'sqs:*', Resource: Q }]),
    'InvalidAttributeValue',
    INVALID('Statement[0] must have Principal or NotPrincipal.'),
  );
  refused(doc([stmt({ NotAction: 'sqs:*' })]), 'InvalidAttributeValue', INVALID('Statement[0] has both Action and NotAction.'));
  refused(doc([stmt({ NotPrincipal: '*' })]), 'InvalidAttributeValue', INVALID('Statement[0] has both Principal and NotPrincipal.'));
  refused(doc([stmt({ Action: [] })]), 'InvalidAttributeValue', INVALID('Statement[0].Action must not be an empty list.'));
  refused(doc([stmt({ Resource: [''] })]), 'InvalidAttributeValue', INVALID('Statement[0].Resource must be a non-empty string or a list of them.'));
  refused(doc([stmt({ Principal: 'everyone' })]), 'InvalidAttributeValue', /Principal must be "\*" or an object/);
  refused(doc([stmt({ Principal: {} })]), 'InvalidAttributeValue', /must name at least one principal/);
  refused(doc([stmt({ Principal: { User: 'x' } })]), 'InvalidAttributeValue', /unknown principal type "User"/);
  refused(doc([stmt({ Condition: 'x' })]), 'InvalidAttributeValue', /Condition must be an object of operators/);
  refused(doc([stmt({ Condition: { StringEquals: {} } })]), 'InvalidAttributeValue', /must be an object of condition keys and values/);
  refused(doc([stmt({ Condition: { StringEquals: { 'aws:username': [] } } })]), 'InvalidAttributeValue', /must have at least one value/);
  refused(
    doc([stmt({ Condition: { StringEquals: { 'aws:username': { a: 1 } } } })]),
    'InvalidAttributeValue',
    /values must be strings, numbers or booleans/,
  );
});

test('principals: account ids, root, user and role ARNs; no partial wildcards', () => {
  for (const p of [
    '111122223333',
    'arn:aws:iam::111122223333:root',
    'arn:aws:iam::111122223333:user/division/bob',
    'arn:aws:iam::111122223333:role/r',
    'arn:aws:sts::111122223333:assumed-role/r/s',
    'arn:aws-cn:iam::111122223333:root',
  ]) {
    compileQueuePolicy(doc([stmt({ Principal: { AWS: p } })]));
  }
  compileQueuePolicy(doc([stmt({ Principal: { AWS: '*' } })]));
  compileQueuePolicy(doc([stmt({ Principal: { Service: ['sns.amazonaws.com', 's3.amazonaws.com'] } })]));
  for (const p of ['arn:aws:iam::*:root', '1111', 'arn:aws:iam::111122223333:user/*', 'arn:aws:iam::111122223333:group/g', 'bob']) {
    refused(doc([stmt({ Principal: { AWS: p } })]), 'InvalidAttributeValue', new RegExp(`invalid principal "${p.replace(/[*/]/g, '\\$&')}"`));
  }
});

test('conditions: an unknown operator makes the policy invalid', () => {
  const cond = (operator: string, value: unknown = 'x', key = 'aws:username') => doc([stmt({ Condition: { [operator]: { [key]: value } } })]);
  refused(
    cond('StringEqualz'),
    'InvalidParameterValue',
    'Value StringEqualz for parameter Condition is invalid. Reason: Unknown condition operator StringEqualz.',
  );
  refused(cond('NullIfExists', 'true'), 'InvalidParameterValue', /Unknown condition operator NullIfExists/);
  refused(cond('ForAnyValue:Null', 'true'), 'InvalidParameterValue', /Unknown condition operator ForAnyValue:Null/);
  refused(cond('ForSomeValues:StringEquals'), 'InvalidParameterValue', /Unknown condition operator/);
  refused(
    cond('NumericEquals', 'ten', 'aws:EpochTime'),
    'InvalidParameterValue',
    'Value aws:EpochTime for parameter Condition is invalid. Reason: ten is not a number.',
  );
  refused(cond('DateLessThan', 'tomorrow', 'aws:CurrentTime'), 'InvalidParameterValue', /tomorrow is not a date/);
  refused(cond('IpAddress', '300.1.1.1/8', 'aws:SourceIp'), 'InvalidParameterValue', /300\.1\.1\.1\/8 is not an IP address or CIDR range/);
  refused(cond('IpAddress', '10.0.0.0/33', 'aws:SourceIp'), 'InvalidParameterValue', /is not an IP address/);
  refused(cond('Null', 'maybe', 'aws:SourceArn'), 'InvalidParameterValue', /Null takes "true" or "false"/);
  // Every operator the language knows compiles (with a value it accepts).
  const ok: Record<string, unknown> = {
    StringEquals: 'a',
    StringNotEquals: 'a',
    StringEqualsIgnoreCase: 'a',
    StringNotEqualsIgnoreCase: 'a',
    StringLike: 'a*',
    StringNotLike: 'a?',
    NumericEquals: '1',
    NumericNotEquals: '1',
    NumericLessThan: '1',
    NumericLessThanEquals: '1',
    NumericGreaterThan: '1',
    NumericGreaterThanEquals: '1.5',
    DateEquals: '2020-01-01',
    DateNotEquals: '2020',
    DateLessThan: '2020-01-01T00:00:00Z',
    DateLessThanEquals: '1577836800',
    DateGreaterThan: '2020-01',
    DateGreaterThanEquals: '2020-01-01T00:00+02:00',
    Bool: 'true',
    BinaryEquals: 'QmluYXJ5',
    IpAddress: '10.0.0.0/8',
    NotIpAddress: '::1',
    ArnEquals: 'arn:aws:sns:*:*:*',
    ArnLike: '*',
    ArnNotEquals: 'arn:x',
    ArnNotLike: 'arn:*',
    Null: 'false',
  };
  for (const [op, v] of Object.entries(ok)) {
    compileQueuePolicy(cond(op, v));
    if (op !== 'Null') {
      compileQueuePolicy(cond(`${op}IfExists`, v));
      compileQueuePolicy(cond(`ForAnyValue:${op}`, v));
      compileQueuePolicy(cond(`ForAllValues:${op}IfExists`, v));
    }
  }
});

test('a policy without Version is 2008-10-17; Statement may be a single object', () => {
  const p = compileQueuePolicy(JSON.stringify({ Statement: stmt() }));
  assert.equal(p.version, '2008-10-17');
  assert.equal(p.statements.length, 1);
  assert.equal(parsePolicy(JSON.stringify({ Version: '2012-10-17', Id: 'x', Statement: stmt() }), 'resource').id, 'x');
});

test('identity policies: no Principal, errors name the policy, other services are fine', () => {
  const p = compileIdentityPolicy(
    { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sqs:SendMessage', 's3:GetObject', 'sqs:SendMessageBatch'], Resource: '*' }] },
    'mixed',
  );
  assert.equal(p.kind, 'identity');
  const bad = (d: unknown, re: RegExp) =>
    assert.throws(
      () => compileIdentityPolicy(d, 'send-orders'),
      (e: unknown) => e instanceof PolicyError && re.test(e.message) && e.message.startsWith('Invalid policy send-orders: '),
    );
  bad({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:*', Resource: '*' }] }, /must not have Principal or NotPrincipal/);
  bad({ Statement: [{ Effect: 'Allow', Action: 'sqs:*' }] }, /must have Resource or NotResource/);
  bad({ Statement: [{ Effect: 'Allow', Action: 'SendMessage', Resource: '*' }] }, /"SendMessage" is not an action/);
  bad(
    { Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*', Condition: { Foo: { a: 'b' } } }] },
    /Condition Foo: Unknown condition operator Foo/,
  );
  bad('{', /not valid JSON/);
  bad([], /must be a JSON object/);
});

test('M.policyError renders a PolicyError as the SqsError both protocols send', () => {
  const err = refused(doc(Array.from({ length: 21 }, () => stmt())), 'OverLimit', /21 statements/);
  const sqs = M.policyError(err);
  assert.equal(sqs.code, 'OverLimit');
  assert.equal(sqs.statusFor('json'), 403);
  assert.equal(sqs.messageFor('query'), err.message);
  const invalid = M.policyError(refused('nope', 'InvalidAttributeValue', /JSON/));
  assert.equal(invalid.spec.queryCode, 'InvalidAttributeValue');
  assert.equal(invalid.statusFor('query'), 400);
  assert.equal(M.accessDenied('User: x').spec.queryCode, 'AccessDenied');
  assert.equal(M.accessDenied('User: x').statusFor('json'), 403);
});

test('a queue policy may name its queue as /<account>/<queue> (the older form AWS SDKs generate); an IAM policy may not', () => {
  // As the SDK for Ruby 1.x's AWS::SQS::Policy writes it for a Queue object (and the SDK for Java 1.x's SQSQueueResource).
  const text = JSON.stringify({
    Version: '2008-10-17',
    Id: '303647b22b164f9bb63f2aa3f5ae2047',
    Statement: [
      {
        Sid: 'fc2e5357cf924e6d8f0d6f83508959fd',
        Effect: 'Allow',
        Principal: { AWS: ['111122223333'] },
        Resource: ['/111122223333/q'],
        Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'],
      },
    ],
  });
  assert.equal(compileQueuePolicy(text).statements.length, 1);
  assert.throws(
    () => compileIdentityPolicy({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '/111122223333/q' }] }, 'p'),
    (e: unknown) => e instanceof PolicyError && /Resource "\/111122223333\/q" must be an ARN or "\*"/.test(e.message),
  );
});

test('a queue policy accepts any Resource string, as SQS does; one that names no queue never applies', () => {
  // LocalStack's AWS-validated test_set_queue_policy: SQS stores a policy whose Resource (and ArnEquals value)
  // is an uninterpolated template, and GetQueueAttributes returns it.
  const template = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'sqs:SendMessage',
        Resource: "'$sqs_queue_arn'",
        Condition: { ArnEquals: { 'aws:SourceArn': "'$sns_topic_arn'" } },
      },
    ],
  });
  assert.equal(compileQueuePolicy(template).statements.length, 1);
  for (const r of ['queue1', '/12345/q', '/111122223333/a/b', 'queue*']) {
    const p = compileQueuePolicy(
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:*', Resource: r }] }),
    );
    const d = authorize({
      principal: { accountId: '999999999999', arn: 'arn:aws:iam::999999999999:user/u', admin: false },
      action: 'SendMessage',
      resource: 'arn:aws:sqs:us-east-1:111122223333:queue1',
      identityPolicies: [compileIdentityPolicy({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }] }, 'all')],
      resourcePolicy: p,
      context: { now: 0 },
    });
    assert.equal(d.allowed, false, r);
    assert.equal(d.reason, 'no-resource-allow', r);
  }
  // Ferry's own IAM policies (the config) are still checked.
  assert.throws(
    () => compileIdentityPolicy({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: 'queue1' }] }, 'p'),
    (e: unknown) => e instanceof PolicyError && /Resource "queue1" must be an ARN or "\*"/.test(e.message),
  );
});
