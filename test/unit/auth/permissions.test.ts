/**
 * AddPermission / RemovePermission as pure edits of the Policy text: the document SQS writes
 * (LocalStack's AWS-validated snapshot test_sqs_permission_lifecycle, 2024-04-30), SQS's checks and
 * wordings, and the grants being enforced by the evaluator.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { addPermission, permissionStatement, removePermission } from '../../../src/auth/permissions.js';
import { PolicyError, compileQueuePolicy } from '../../../src/auth/policy/index.js';
import { admin, check, decide, user } from './helpers.js';

const ARN = 'arn:aws:sqs:us-east-1:111111111111:perm';
const grant = (label: string, accountIds: string[], actions: string[]) => ({ label, accountIds, actions, queueArn: ARN });

function fails(f: () => unknown, code: string, message: string): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof PolicyError);
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    return true;
  });
}

test('the lifecycle recorded from AWS', () => {
  // add-permission with two accounts → one statement, Principal.AWS an array, Action a string.
  let policy: string | undefined = addPermission(undefined, grant('crossaccountpermission', ['111111111111', '668614515564'], ['ReceiveMessage']));
  assert.deepEqual(JSON.parse(policy), {
    Version: '2008-10-17',
    Id: `${ARN}/SQSDefaultPolicy`,
    Statement: [
      {
        Sid: 'crossaccountpermission',
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam::111111111111:root', 'arn:aws:iam::668614515564:root'] },
        Action: 'SQS:ReceiveMessage',
        Resource: ARN,
      },
    ],
  });
  // The exact key order AWS writes.
  assert.equal(policy.slice(0, 60), `{"Version":"2008-10-17","Id":"${ARN}/SQSDefaultPolicy"`.slice(0, 60));
  assert.match(
    policy,
    /^\{"Version":"2008-10-17","Id":"[^"]+","Statement":\[\{"Sid":"crossaccountpermission","Effect":"Allow","Principal":\{"AWS":\[/,
  );
  // remove-permission of the only statement removes the Policy.
  policy = removePermission(policy, 'crossaccountpermission');
  assert.equal(policy, undefined);
  // one account → Principal.AWS a string.
  policy = addPermission(undefined, grant('crossaccountpermission', ['111111111111'], ['ReceiveMessage']));
  assert.deepEqual(JSON.parse(policy).Statement[0].Principal, { AWS: 'arn:aws:iam::111111111111:root' });
  // the same label again (another account) → Already exists.
  const before = policy;
  fails(
    () => addPermission(before, grant('crossaccountpermission', ['668614515564'], ['ReceiveMessage'])),
    'InvalidParameterValue',
    'Value crossaccountpermission for parameter Label is invalid. Reason: Already exists.',
  );
  // a second label appends.
  policy = addPermission(policy, grant('crossaccountpermission2', ['111111111111'], ['ReceiveMessage']));
  assert.deepEqual(
    JSON.parse(policy).Statement.map((s: { Sid: string }) => s.Sid),
    ['crossaccountpermission', 'crossaccountpermission2'],
  );
  policy = removePermission(policy, 'crossaccountpermission');
  assert.deepEqual(JSON.parse(policy!).Statement, [
    {
      Sid: 'crossaccountpermission2',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111111111111:root' },
      Action: 'SQS:ReceiveMessage',
      Resource: ARN,
    },
  ]);
  policy = removePermission(policy, 'crossaccountpermission2');
  assert.equal(policy, undefined);
  fails(
    () => removePermission(undefined, 'crossaccountpermission2'),
    'InvalidParameterValue',
    "Value crossaccountpermission2 for parameter Label is invalid. Reason: can't find label.",
  );
});

test('several actions are an array of SQS:<name>; * is SQS:*', () => {
  const p = JSON.parse(addPermission(undefined, grant('p', ['111111111111'], ['SendMessage', 'DeleteMessage'])));
  assert.deepEqual(p.Statement[0].Action, ['SQS:SendMessage', 'SQS:DeleteMessage']);
  assert.equal(JSON.parse(addPermission(undefined, grant('all', ['111111111111'], ['*']))).Statement[0].Action, 'SQS:*');
  assert.deepEqual(permissionStatement('x', ['222222222222'], ['GetQueueUrl'], ARN), {
    Sid: 'x',
    Effect: 'Allow',
    Principal: { AWS: 'arn:aws:iam::222222222222:root' },
    Action: 'SQS:GetQueueUrl',
    Resource: ARN,
  });
});

test('an existing policy keeps its Version, Id and statements; a single Statement object becomes a list', () => {
  const custom = JSON.stringify({
    Version: '2012-10-17',
    Id: 'mine',
    Statement: { Sid: 'own', Effect: 'Deny', Principal: '*', Action: 'sqs:PurgeQueue', Resource: ARN },
  });
  const p = JSON.parse(addPermission(custom, grant('g', ['222222222222'], ['SendMessage'])));
  assert.equal(p.Version, '2012-10-17');
  assert.equal(p.Id, 'mine');
  assert.deepEqual(
    p.Statement.map((s: { Sid: string }) => s.Sid),
    ['own', 'g'],
  );
  // An unparsable stored policy (written before validation) is replaced by the default document.
  assert.equal(JSON.parse(addPermission('not json', grant('g', ['222222222222'], ['SendMessage']))).Id, `${ARN}/SQSDefaultPolicy`);
});

test('checks and their wordings, in order', () => {
  fails(
    () => addPermission(undefined, grant('', ['111111111111'], ['SendMessage'])),
    'MissingParameter',
    'The request must contain the parameter Label.',
  );
  fails(() => addPermission(undefined, grant('p', ['111111111111'], [])), 'MissingParameter', 'The request must contain the parameter Actions.');
  fails(
    () => addPermission(undefined, grant('p', [], ['SendMessage'])),
    'InvalidParameterValue',
    'Value [] for parameter PrincipalId is invalid. Reason: Unable to verify.',
  );
  const eight = [
    'ChangeMessageVisibility',
    'DeleteMessage',
    'GetQueueAttributes',
    'GetQueueUrl',
    'ListDeadLetterSourceQueues',
    'PurgeQueue',
    'ReceiveMessage',
    'SendMessage',
  ];
  fails(() => addPermission(undefined, grant('p', ['111111111111'], eight)), 'OverLimit', '8 Actions were found, maximum allowed is 7.');
  for (const a of [
    'RemovePermission',
    'AddPermission',
    'CreateQueue',
    'DeleteQueue',
    'ListQueues',
    'SetQueueAttributes',
    'TagQueue',
    'UntagQueue',
    'ListQueueTags',
    'StartMessageMoveTask',
    'CancelMessageMoveTask',
    'ListMessageMoveTasks',
  ]) {
    fails(
      () => addPermission(undefined, grant('p', ['111111111111'], [a])),
      'InvalidParameterValue',
      `Value SQS:${a} for parameter ActionName is invalid. Reason: Only the queue owner is allowed to invoke this action.`,
    );
  }
  for (const a of ['SendMessageBatch', 'Foo', 'sendmessage', 'sqs:SendMessage']) {
    fails(
      () => addPermission(undefined, grant('p', ['111111111111'], [a])),
      'InvalidParameterValue',
      `Value SQS:${a} for parameter ActionName is invalid. Reason: Please refer to the appropriate WSDL for a list of valid actions.`,
    );
  }
  fails(
    () => addPermission(undefined, grant('p', ['1234', '111111111111'], ['SendMessage'])),
    'InvalidParameterValue',
    'Value [1234] for parameter PrincipalId is invalid. Reason: Unable to verify.',
  );
  fails(
    () =>
      addPermission(undefined, { ...grant('p', ['111111111111', '222222222222'], ['SendMessage']), accountExists: (id) => id === '111111111111' }),
    'InvalidParameterValue',
    'Value [222222222222] for parameter PrincipalId is invalid. Reason: Unable to verify.',
  );
  for (const label of ['has space', 'x'.repeat(81), 'dots.no']) {
    fails(
      () => addPermission(undefined, grant(label, ['111111111111'], ['SendMessage'])),
      'InvalidParameterValue',
      `Value ${label} for parameter Label is invalid. Reason: Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length`,
    );
  }
  addPermission(undefined, grant('x'.repeat(80), ['111111111111'], ['SendMessage']));
  fails(
    () => removePermission('{"Statement":[]}', 'p'),
    'InvalidParameterValue',
    "Value p for parameter Label is invalid. Reason: can't find label.",
  );
  fails(() => removePermission(undefined, ''), 'MissingParameter', 'The request must contain the parameter Label.');
});

test('the policy AddPermission writes stays within the queue policy quotas', () => {
  let policy: string | undefined;
  for (let i = 0; i < 20; i++) policy = addPermission(policy, grant(`p${i}`, ['111111111111'], ['SendMessage']));
  fails(
    () => addPermission(policy, grant('p20', ['111111111111'], ['SendMessage'])),
    'OverLimit',
    '21 statements were found in the submitted policy, max allowed is 20',
  );
  compileQueuePolicy(policy!);
});

test('grants are enforced: AddPermission then RemovePermission', () => {
  const OTHER = '222222222222';
  let policy: string | undefined = addPermission(undefined, grant('partner', [OTHER], ['SendMessage']));
  const req = (action: string) => ({ principal: admin(OTHER), action, resource: ARN, queuePolicy: policy });
  check(decide(req('SendMessage')), { allowed: true, reason: 'cross-account-allow', by: ['partner'] }, 'send');
  check(decide(req('SendMessageBatch')), { allowed: true }, 'batch form granted too');
  check(decide(req('ReceiveMessage')), { allowed: false, reason: 'no-resource-allow' }, 'receive not granted');
  // Users of the granted account still need their own identity allow.
  check(
    decide({ principal: user(OTHER, 'u'), action: 'SendMessage', resource: ARN, queuePolicy: policy }),
    { allowed: false, reason: 'no-identity-allow' },
    'user',
  );
  policy = removePermission(policy, 'partner');
  assert.equal(policy, undefined);
  check(decide({ principal: admin(OTHER), action: 'SendMessage', resource: ARN }), { allowed: false, reason: 'no-resource-allow' }, 'after removal');
});
