import assert from 'node:assert/strict';
import { test } from 'node:test';

import { harness } from './harness.js';

test('CreateQueue defaults, GetQueueAttributes All, idempotency', async () => {
  const h = await harness();
  const { QueueUrl } = await h.call('CreateQueue', { QueueName: 'q1' });
  assert.equal(QueueUrl, h.url('q1'));
  const { Attributes: a } = await h.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['All'] });
  assert.equal(a!.VisibilityTimeout, '30');
  assert.equal(a!.MaximumMessageSize, '1048576');
  assert.equal(a!.MessageRetentionPeriod, '345600');
  assert.equal(a!.SqsManagedSseEnabled, 'true');
  assert.equal(a!.QueueArn, h.arn('q1'));
  assert.equal(a!.ApproximateNumberOfMessages, '0');
  assert.equal(a!.CreatedTimestamp, String(Math.floor(h.clock.now() / 1000)));
  assert.equal(a!.FifoQueue, undefined);
  // Idempotent: no attributes, or the same ones.
  assert.equal((await h.call('CreateQueue', { QueueName: 'q1' })).QueueUrl, QueueUrl);
  assert.equal((await h.call('CreateQueue', { QueueName: 'q1', Attributes: { VisibilityTimeout: '30' } })).QueueUrl, QueueUrl);
  await h.fails(
    h.call('CreateQueue', { QueueName: 'q1', Attributes: { DelaySeconds: '1' } }),
    'QueueNameExists',
    'A queue already exists with the same name and a different value for attribute DelaySeconds',
  );
  await h.close();
});

test('CreateQueue validation', async () => {
  const h = await harness();
  await h.fails(
    h.call('CreateQueue', { QueueName: 'q', Attributes: { FifoQueue: 'false' } }),
    'InvalidAttributeName',
    'Unknown Attribute FifoQueue.',
  );
  await h.fails(h.call('CreateQueue', { QueueName: 'q', Attributes: { FifoQueue: 'true' } }), 'InvalidParameterValue');
  await h.fails(
    h.call('CreateQueue', { QueueName: 'q', Attributes: { VisibilityTimeout: '43201' } }),
    'InvalidAttributeValue',
    'Invalid value for the parameter VisibilityTimeout.',
  );
  await h.fails(h.call('CreateQueue', { QueueName: 'q', Attributes: { MessageRetentionPeriod: '59' } }), 'InvalidAttributeValue');
  await h.fails(h.call('CreateQueue', { QueueName: 'q', Attributes: { MaximumMessageSize: '1048577' } }), 'InvalidAttributeValue');
  await h.fails(h.call('CreateQueue', { QueueName: 'q', Attributes: { Bogus: '1' } }), 'InvalidAttributeName', 'Unknown Attribute Bogus.');
  await h.fails(h.call('CreateQueue', { QueueName: 'q', Attributes: { QueueArn: 'x' } }), 'InvalidAttributeName');
  await h.fails(h.call('CreateQueue', { QueueName: 'q', Attributes: { ContentBasedDeduplication: 'true' } }), 'InvalidAttributeName');
  await h.fails(h.call('CreateQueue', { QueueName: 'q', Attributes: { KmsMasterKeyId: 'k', SqsManagedSseEnabled: 'true' } }), 'InvalidAttributeName');
  await h.fails(
    h.call('CreateQueue', { QueueName: 'f.fifo', Attributes: { FifoQueue: 'true', FifoThroughputLimit: 'perMessageGroupId' } }),
    'InvalidAttributeValue',
  );
  await h.call('CreateQueue', {
    QueueName: 'f.fifo',
    Attributes: { FifoQueue: 'true', FifoThroughputLimit: 'perMessageGroupId', DeduplicationScope: 'messageGroup' },
  });
  const { Attributes: a } = await h.call('GetQueueAttributes', { QueueUrl: h.url('f.fifo'), AttributeNames: ['All'] });
  assert.equal(a!.FifoQueue, 'true');
  assert.equal(a!.ContentBasedDeduplication, 'false');
  assert.equal(a!.DeduplicationScope, 'messageGroup');
  await h.fails(h.call('GetQueueAttributes', { QueueUrl: h.url('f.fifo'), AttributeNames: ['Nope'] }), 'InvalidAttributeName');
  await h.close();
});

test('SetQueueAttributes: FifoQueue immutable, RedrivePolicy checks and RedriveAllowPolicy enforcement', async () => {
  const h = await harness();
  const src = (await h.call('CreateQueue', { QueueName: 'src' })).QueueUrl;
  await h.call('CreateQueue', { QueueName: 'dlq' });
  await h.call('CreateQueue', { QueueName: 'fdlq.fifo', Attributes: { FifoQueue: 'true' } });
  await h.fails(
    h.call('SetQueueAttributes', { QueueUrl: src, Attributes: { FifoQueue: 'true' } }),
    'InvalidAttributeName',
    'Unknown Attribute FifoQueue.',
  );
  await h.fails(
    h.call('SetQueueAttributes', { QueueUrl: h.url('fdlq.fifo'), Attributes: { FifoQueue: 'false' } }),
    'InvalidAttributeValue',
    'Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.',
  );
  // Recorded (test_set_unsupported_attribute_fifo): FifoQueue=true on a FIFO queue is accepted.
  await h.call('SetQueueAttributes', { QueueUrl: h.url('fdlq.fifo'), Attributes: { FifoQueue: 'true' } });
  // Recorded (test_create_standard_queue_with_fifo_attribute_raises_error): the high-throughput attributes
  // on a standard CreateQueue name the rule; ContentBasedDeduplication is an unknown name.
  for (const name of ['DeduplicationScope', 'FifoThroughputLimit']) {
    await h.fails(
      h.call('CreateQueue', { QueueName: 'std', Attributes: { [name]: name === 'DeduplicationScope' ? 'queue' : 'perQueue' } }),
      'InvalidAttributeName',
      `You can specify the ${name} only when FifoQueue is set to true.`,
    );
  }
  await h.fails(
    h.call('CreateQueue', { QueueName: 'std', Attributes: { ContentBasedDeduplication: 'false' } }),
    'InvalidAttributeName',
    'Unknown Attribute ContentBasedDeduplication.',
  );
  const bad = '{"deadLetterTargetArn": "dummy", "maxReceiveCount": 42}';
  await h.fails(
    h.call('SetQueueAttributes', { QueueUrl: src, Attributes: { RedrivePolicy: bad } }),
    'InvalidParameterValue',
    `Value ${bad} for parameter RedrivePolicy is invalid. Reason: Invalid value for deadLetterTargetArn.`,
  );
  const rp = (arn: string, n: unknown) => JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: n });
  await h.fails(h.call('SetQueueAttributes', { QueueUrl: src, Attributes: { RedrivePolicy: rp(h.arn('dlq'), 0) } }), 'InvalidParameterValue');
  await h.fails(h.call('SetQueueAttributes', { QueueUrl: src, Attributes: { RedrivePolicy: rp(h.arn('dlq'), 1001) } }), 'InvalidParameterValue');
  await h.fails(h.call('SetQueueAttributes', { QueueUrl: src, Attributes: { RedrivePolicy: rp(h.arn('nope'), 3) } }), 'InvalidParameterValue');
  await h.fails(h.call('SetQueueAttributes', { QueueUrl: src, Attributes: { RedrivePolicy: rp(h.arn('fdlq.fifo'), 3) } }), 'InvalidParameterValue');
  // denyAll on the DLQ refuses the source.
  await h.call('SetQueueAttributes', { QueueUrl: h.url('dlq'), Attributes: { RedriveAllowPolicy: '{"redrivePermission":"denyAll"}' } });
  await h.fails(h.call('SetQueueAttributes', { QueueUrl: src, Attributes: { RedrivePolicy: rp(h.arn('dlq'), 3) } }), 'InvalidParameterValue');
  await h.fails(
    h.call('SetQueueAttributes', { QueueUrl: h.url('dlq'), Attributes: { RedriveAllowPolicy: '{"redrivePermission":"byQueue"}' } }),
    'InvalidAttributeValue',
  );
  const eleven = Array.from({ length: 11 }, (_, i) => h.arn(`s${i}`));
  await h.fails(
    h.call('SetQueueAttributes', {
      QueueUrl: h.url('dlq'),
      Attributes: { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: eleven }) },
    }),
    'InvalidAttributeValue',
  );
  await h.call('SetQueueAttributes', {
    QueueUrl: h.url('dlq'),
    Attributes: { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [h.arn('src')] }) },
  });
  await h.call('SetQueueAttributes', { QueueUrl: src, Attributes: { RedrivePolicy: rp(h.arn('dlq'), '3') } });
  const { Attributes: a } = await h.call('GetQueueAttributes', { QueueUrl: src, AttributeNames: ['RedrivePolicy'] });
  assert.deepEqual(JSON.parse(a!.RedrivePolicy!), { deadLetterTargetArn: h.arn('dlq'), maxReceiveCount: 3 });
  assert.deepEqual((await h.call('ListDeadLetterSourceQueues', { QueueUrl: h.url('dlq') })).queueUrls, [src]);
  await h.call('SetQueueAttributes', { QueueUrl: src, Attributes: { RedrivePolicy: '' } });
  assert.deepEqual((await h.call('GetQueueAttributes', { QueueUrl: src, AttributeNames: ['RedrivePolicy'] })).Attributes, {});
  await h.close();
});

test('QueueUrl handling, GetQueueUrl, ListQueues paging, DeleteQueue cool-down', async () => {
  const h = await harness();
  for (const n of ['a1', 'a2', 'a3', 'b1']) await h.call('CreateQueue', { QueueName: n });
  // Any host works; a bare queue name names the caller's queue (as on AWS); anything else that is not
  // a URL is InvalidAddress; a missing queue is QueueDoesNotExist.
  await h.call('GetQueueAttributes', { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/a1', AttributeNames: ['All'] });
  assert.equal((await h.call('GetQueueAttributes', { QueueUrl: 'a1', AttributeNames: ['QueueArn'] })).Attributes!.QueueArn, h.arn('a1'));
  await h.fails(h.call('PurgeQueue', { QueueUrl: 'zz' }), 'QueueDoesNotExist');
  await h.fails(h.call('PurgeQueue', { QueueUrl: 'a 1' }), 'InvalidAddress', 'The address a 1 is not valid for this endpoint.');
  // a URL naming no queue is QueueDoesNotExist (moto's aws_verified test_get_queue_url_error_not_exists)
  await h.fails(h.call('PurgeQueue', { QueueUrl: 'http://whatever-incorrect-queue-address' }), 'QueueDoesNotExist');
  await h.fails(h.call('PurgeQueue', { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/' }), 'QueueDoesNotExist');
  await h.fails(h.call('PurgeQueue', { QueueUrl: h.url('zz') }), 'QueueDoesNotExist');
  assert.equal((await h.call('GetQueueUrl', { QueueName: 'a2' })).QueueUrl, h.url('a2'));
  await h.fails(h.call('GetQueueUrl', { QueueName: 'zz' }), 'QueueDoesNotExist');
  const all = await h.call('ListQueues', {});
  assert.equal(all.QueueUrls!.length, 4);
  assert.equal(all.NextToken, undefined);
  const p1 = await h.call('ListQueues', { QueueNamePrefix: 'a', MaxResults: 2 });
  assert.deepEqual(p1.QueueUrls, [h.url('a1'), h.url('a2')]);
  const p2 = await h.call('ListQueues', { QueueNamePrefix: 'a', MaxResults: 2, NextToken: p1.NextToken! });
  assert.deepEqual(p2.QueueUrls, [h.url('a3')]);
  assert.equal(p2.NextToken, undefined);
  await h.fails(h.call('ListQueues', { MaxResults: 1001 }), 'InvalidParameterValue');
  await h.call('DeleteQueue', { QueueUrl: h.url('b1') });
  await h.fails(h.call('CreateQueue', { QueueName: 'b1' }), 'QueueDeletedRecently');
  h.clock.advance(60_001);
  await h.call('CreateQueue', { QueueName: 'b1' });
  await h.close();
});

test('tags and permissions', async () => {
  const h = await harness();
  const { QueueUrl } = await h.call('CreateQueue', { QueueName: 'q', tags: { team: 'a' } });
  await h.call('TagQueue', { QueueUrl, Tags: { env: 'dev', x: '' } });
  assert.deepEqual((await h.call('ListQueueTags', { QueueUrl })).Tags, { team: 'a', env: 'dev', x: '' });
  await h.call('UntagQueue', { QueueUrl, TagKeys: ['team', 'missing'] });
  assert.deepEqual((await h.call('ListQueueTags', { QueueUrl })).Tags, { env: 'dev', x: '' });
  const fifty = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, 'v']));
  await h.fails(h.call('TagQueue', { QueueUrl, Tags: fifty }), 'InvalidParameterValue');
  await h.fails(h.call('TagQueue', { QueueUrl, Tags: { ['k'.repeat(129)]: 'v' } }), 'InvalidParameterValue');
  await h.fails(h.call('TagQueue', { QueueUrl, Tags: { k: 'v'.repeat(257) } }), 'InvalidParameterValue');

  await h.call('AddPermission', { QueueUrl, Label: 'p1', AWSAccountIds: ['111111111111'], Actions: ['ReceiveMessage'] });
  await h.call('AddPermission', {
    QueueUrl,
    Label: 'p2',
    AWSAccountIds: ['111111111111', '222222222222'],
    Actions: ['SendMessage', 'DeleteMessage'],
  });
  const policy = JSON.parse((await h.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['Policy'] })).Attributes!.Policy!);
  assert.equal(policy.Version, '2008-10-17');
  assert.equal(policy.Id, `${h.arn('q')}/SQSDefaultPolicy`);
  assert.deepEqual(policy.Statement[0], {
    Sid: 'p1',
    Effect: 'Allow',
    Principal: { AWS: 'arn:aws:iam::111111111111:root' },
    Action: 'SQS:ReceiveMessage',
    Resource: h.arn('q'),
  });
  assert.deepEqual(policy.Statement[1].Action, ['SQS:SendMessage', 'SQS:DeleteMessage']);
  await h.fails(
    h.call('AddPermission', { QueueUrl, Label: 'p1', AWSAccountIds: ['111111111111'], Actions: ['ReceiveMessage'] }),
    'InvalidParameterValue',
    'Value p1 for parameter Label is invalid. Reason: Already exists.',
  );
  await h.fails(
    h.call('AddPermission', { QueueUrl, Label: 'p3', AWSAccountIds: ['111111111111'], Actions: Array(8).fill('SendMessage') }),
    'OverLimit',
  );
  await h.call('RemovePermission', { QueueUrl, Label: 'p1' });
  await h.call('RemovePermission', { QueueUrl, Label: 'p2' });
  assert.deepEqual((await h.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['Policy'] })).Attributes, {});
  await h.fails(
    h.call('RemovePermission', { QueueUrl, Label: 'p2' }),
    'InvalidParameterValue',
    "Value p2 for parameter Label is invalid. Reason: can't find label.",
  );
  await h.close();
});
