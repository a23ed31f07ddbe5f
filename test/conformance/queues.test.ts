/**
 * Queue lifecycle through real clients, both protocols, both engines: CreateQueue, GetQueueUrl,
 * ListQueues, Get/SetQueueAttributes, tags, permissions, PurgeQueue, DeleteQueue and their errors.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { expectError } from '../helpers/clients.js';
import { forEachTarget } from '../helpers/matrix.js';

forEachTarget('queues', (t) => {
  it('creates a queue idempotently, and refuses the same name with other attributes', async () => {
    const name = t.name('orders');
    const a = await t.client.call('CreateQueue', { QueueName: name, Attributes: { VisibilityTimeout: '45' } });
    assert.equal(a.QueueUrl, `${t.ferry.url}/000000000000/${name}`);
    const b = await t.client.call('CreateQueue', { QueueName: name, Attributes: { VisibilityTimeout: '45' } });
    assert.equal(b.QueueUrl, a.QueueUrl);
    const e = await expectError(t.client.call('CreateQueue', { QueueName: name, Attributes: { VisibilityTimeout: '46' } }));
    assert.equal(e.queryCode, 'QueueAlreadyExists');
    assert.equal(e.status, 400);
    const u = await t.client.call('GetQueueUrl', { QueueName: name });
    assert.equal(u.QueueUrl, a.QueueUrl);
  });

  it('reports every attribute with AWS defaults and units', async () => {
    const name = t.name('attrs');
    const { QueueUrl } = await t.client.call('CreateQueue', { QueueName: name });
    const before = Math.floor(Date.now() / 1000);
    const { Attributes: at } = await t.client.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['All'] });
    assert.equal(at.QueueArn, `arn:aws:sqs:us-east-1:000000000000:${name}`);
    assert.equal(at.VisibilityTimeout, '30');
    assert.equal(at.MaximumMessageSize, '1048576');
    assert.equal(at.MessageRetentionPeriod, '345600');
    assert.equal(at.DelaySeconds, '0');
    assert.equal(at.ReceiveMessageWaitTimeSeconds, '0');
    assert.equal(at.SqsManagedSseEnabled, 'true');
    assert.equal(at.ApproximateNumberOfMessages, '0');
    assert.equal(at.ApproximateNumberOfMessagesNotVisible, '0');
    assert.equal(at.ApproximateNumberOfMessagesDelayed, '0');
    // Epoch seconds, not milliseconds.
    assert.ok(Math.abs(Number(at.CreatedTimestamp) - before) < 60, `CreatedTimestamp ${at.CreatedTimestamp}`);
    assert.ok(Math.abs(Number(at.LastModifiedTimestamp) - before) < 60);
    assert.equal(at.FifoQueue, undefined);
    const one = await t.client.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['VisibilityTimeout'] });
    assert.deepEqual(one.Attributes, { VisibilityTimeout: '30' });
  });

  it('creates FIFO queues with FIFO attributes and rejects bad names and FifoQueue=false', async () => {
    const name = t.name('jobs.fifo');
    const { QueueUrl } = await t.client.call('CreateQueue', {
      QueueName: name,
      Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' },
    });
    const { Attributes: at } = await t.client.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['All'] });
    assert.equal(at.FifoQueue, 'true');
    assert.equal(at.ContentBasedDeduplication, 'true');
    assert.equal(at.DeduplicationScope, 'queue');
    assert.equal(at.FifoThroughputLimit, 'perQueue');

    for (const bad of ['has space', 'x'.repeat(81), '', 'dot.name', 'no-suffix-but-fifo']) {
      const attrs = bad === 'no-suffix-but-fifo' ? { FifoQueue: 'true' } : undefined;
      const e = await expectError(t.client.call('CreateQueue', { QueueName: bad, Attributes: attrs }));
      assert.ok(['InvalidParameterValue', 'MissingParameter', 'InvalidAttributeValue'].includes(e.queryCode), `${bad}: ${e.queryCode}`);
    }
    const e = await expectError(t.client.call('CreateQueue', { QueueName: t.name('std'), Attributes: { FifoQueue: 'false' } }));
    assert.equal(e.queryCode, 'InvalidAttributeName');
  });

  it('sets attributes with range checks and unknown-name errors', async () => {
    const { QueueUrl } = await t.client.call('CreateQueue', { QueueName: t.name('set') });
    await t.client.call('SetQueueAttributes', { QueueUrl, Attributes: { VisibilityTimeout: '120', DelaySeconds: '5', MaximumMessageSize: '2048' } });
    const { Attributes: at } = await t.client.call('GetQueueAttributes', {
      QueueUrl,
      AttributeNames: ['VisibilityTimeout', 'DelaySeconds', 'MaximumMessageSize'],
    });
    assert.deepEqual(at, { VisibilityTimeout: '120', DelaySeconds: '5', MaximumMessageSize: '2048' });
    let e = await expectError(t.client.call('SetQueueAttributes', { QueueUrl, Attributes: { VisibilityTimeout: '43201' } }));
    assert.equal(e.queryCode, 'InvalidAttributeValue');
    e = await expectError(t.client.call('SetQueueAttributes', { QueueUrl, Attributes: { Bogus: '1' } }));
    assert.equal(e.queryCode, 'InvalidAttributeName');
    e = await expectError(t.client.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['Bogus'] }));
    assert.equal(e.queryCode, 'InvalidAttributeName');
  });

  it('lists queues by prefix with MaxResults pagination', async () => {
    const prefix = t.name('list');
    for (let i = 0; i < 5; i++) await t.client.call('CreateQueue', { QueueName: `${prefix}-${i}` });
    const all = await t.client.call('ListQueues', { QueueNamePrefix: prefix });
    assert.equal(all.QueueUrls.length, 5);
    assert.equal(all.NextToken, undefined);
    const seen: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await t.client.call('ListQueues', { QueueNamePrefix: prefix, MaxResults: 2, NextToken });
      assert.ok(page.QueueUrls.length <= 2);
      seen.push(...page.QueueUrls);
      NextToken = page.NextToken;
    } while (NextToken);
    assert.deepEqual([...seen].sort(), [...all.QueueUrls].sort());
    const none = await t.client.call('ListQueues', { QueueNamePrefix: `${prefix}-nothing` });
    assert.equal((none.QueueUrls ?? []).length, 0);
  });

  it('tags queues at creation and with the tag actions', async () => {
    const { QueueUrl } = await t.client.call('CreateQueue', { QueueName: t.name('tags'), tags: { team: 'core', env: 'test' } });
    assert.deepEqual((await t.client.call('ListQueueTags', { QueueUrl })).Tags, { team: 'core', env: 'test' });
    await t.client.call('TagQueue', { QueueUrl, Tags: { env: 'prod', tier: '1' } });
    await t.client.call('UntagQueue', { QueueUrl, TagKeys: ['team'] });
    assert.deepEqual((await t.client.call('ListQueueTags', { QueueUrl })).Tags, { env: 'prod', tier: '1' });
  });

  it('maintains the Policy document with Add/RemovePermission', async () => {
    const name = t.name('perm');
    const { QueueUrl } = await t.client.call('CreateQueue', { QueueName: name });
    await t.client.call('AddPermission', {
      QueueUrl,
      Label: 'allow-send',
      AWSAccountIds: ['111122223333'],
      Actions: ['SendMessage', 'ReceiveMessage'],
    });
    const policy = JSON.parse((await t.client.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['Policy'] })).Attributes.Policy);
    assert.equal(policy.Version, '2008-10-17');
    const st = policy.Statement.find((s: { Sid: string }) => s.Sid === 'allow-send');
    assert.ok(st, JSON.stringify(policy));
    assert.equal(st.Effect, 'Allow');
    assert.equal(st.Resource, `arn:aws:sqs:us-east-1:000000000000:${name}`);
    const dup = await expectError(
      t.client.call('AddPermission', { QueueUrl, Label: 'allow-send', AWSAccountIds: ['111122223333'], Actions: ['SendMessage'] }),
    );
    assert.equal(dup.queryCode, 'InvalidParameterValue');
    await t.client.call('RemovePermission', { QueueUrl, Label: 'allow-send' });
    const after = await t.client.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['Policy'] });
    const left = after.Attributes?.Policy ? JSON.parse(after.Attributes.Policy).Statement : [];
    assert.equal(left.length, 0);
  });

  it('purges and deletes; a deleted queue is QueueDoesNotExist with the AWS codes', async () => {
    const { QueueUrl } = await t.client.call('CreateQueue', { QueueName: t.name('gone') });
    await t.client.call('SendMessage', { QueueUrl, MessageBody: 'x' });
    await t.client.call('PurgeQueue', { QueueUrl });
    const { Attributes } = await t.client.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] });
    assert.equal(Attributes.ApproximateNumberOfMessages, '0');
    await t.client.call('DeleteQueue', { QueueUrl });
    const e = await expectError(t.client.call('SendMessage', { QueueUrl, MessageBody: 'x' }));
    assert.equal(e.queryCode, 'AWS.SimpleQueueService.NonExistentQueue');
    assert.equal(e.status, 400);
    if (t.protocol === 'json') assert.equal(e.code, 'QueueDoesNotExist');
    const g = await expectError(t.client.call('GetQueueUrl', { QueueName: t.name('never') }));
    assert.equal(g.queryCode, 'AWS.SimpleQueueService.NonExistentQueue');
  });
});
