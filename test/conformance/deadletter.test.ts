/**
 * Dead-letter queues through real clients: redrive on receive, RedriveAllowPolicy,
 * ListDeadLetterSourceQueues, and message move tasks back to the source.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { expectError } from '../helpers/clients.js';
import { forEachTarget } from '../helpers/matrix.js';

const arn = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;

forEachTarget('dead-letter queues', (t) => {
  it('moves a message on the receive that exceeds maxReceiveCount, keeping id and count', async () => {
    const dlqName = t.name('dlq');
    const dlq = (await t.client.call('CreateQueue', { QueueName: dlqName })).QueueUrl;
    const srcName = t.name('src');
    const src = (
      await t.client.call('CreateQueue', {
        QueueName: srcName,
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn(dlqName), maxReceiveCount: 1 }) },
      })
    ).QueueUrl;
    const sent = await t.client.call('SendMessage', {
      QueueUrl: src,
      MessageBody: 'poison',
      MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } },
    });
    const r1 = await t.client.call('ReceiveMessage', { QueueUrl: src });
    assert.equal(r1.Messages.length, 1);
    await t.client.call('ChangeMessageVisibility', { QueueUrl: src, ReceiptHandle: r1.Messages[0].ReceiptHandle, VisibilityTimeout: 0 });
    const r2 = await t.client.call('ReceiveMessage', { QueueUrl: src });
    assert.equal((r2.Messages ?? []).length, 0, 'second receive moves it to the DLQ instead');
    const d = await t.client.call('ReceiveMessage', { QueueUrl: dlq, AttributeNames: ['All'], MessageAttributeNames: ['All'] });
    assert.equal(d.Messages.length, 1);
    const m = d.Messages[0];
    assert.equal(m.MessageId, sent.MessageId);
    assert.equal(m.Body, 'poison');
    assert.equal(m.MessageAttributes.k.StringValue, 'v');
    assert.equal(m.Attributes.ApproximateReceiveCount, '2');
    assert.equal(m.Attributes.DeadLetterQueueSourceArn, arn(srcName));

    const sources = await t.client.call('ListDeadLetterSourceQueues', { QueueUrl: dlq });
    assert.deepEqual(sources.queueUrls, [src]);
  });

  it('enforces RedriveAllowPolicy and validates RedrivePolicy', async () => {
    const dlqName = t.name('deny');
    await t.client.call('CreateQueue', { QueueName: dlqName, Attributes: { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'denyAll' }) } });
    let e = await expectError(
      t.client.call('CreateQueue', {
        QueueName: t.name('src'),
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn(dlqName), maxReceiveCount: 3 }) },
      }),
    );
    assert.equal(e.queryCode, 'InvalidParameterValue');
    e = await expectError(
      t.client.call('CreateQueue', {
        QueueName: t.name('src'),
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn(dlqName), maxReceiveCount: 1001 }) },
      }),
    );
    assert.ok(['InvalidParameterValue', 'InvalidAttributeValue'].includes(e.queryCode), e.queryCode);
    const fifoSrc = await expectError(
      t.client.call('CreateQueue', {
        QueueName: t.name('src.fifo'),
        Attributes: { FifoQueue: 'true', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn(dlqName), maxReceiveCount: 3 }) },
      }),
    );
    assert.ok(['InvalidParameterValue', 'InvalidAttributeValue'].includes(fifoSrc.queryCode), fifoSrc.queryCode);
  });

  it('runs a message move task back to the source queue', async () => {
    const dlqName = t.name('mdlq');
    const dlq = (await t.client.call('CreateQueue', { QueueName: dlqName })).QueueUrl;
    const srcName = t.name('msrc');
    const src = (
      await t.client.call('CreateQueue', {
        QueueName: srcName,
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn(dlqName), maxReceiveCount: 1 }) },
      })
    ).QueueUrl;
    for (let i = 0; i < 3; i++) await t.client.call('SendMessage', { QueueUrl: src, MessageBody: `m${i}` });
    for (let round = 0; round < 2; round++) {
      const r = await t.client.call('ReceiveMessage', { QueueUrl: src, MaxNumberOfMessages: 10 });
      for (const m of r.Messages ?? [])
        await t.client.call('ChangeMessageVisibility', { QueueUrl: src, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 });
    }
    const counts = await t.client.call('GetQueueAttributes', { QueueUrl: dlq, AttributeNames: ['ApproximateNumberOfMessages'] });
    assert.equal(counts.Attributes.ApproximateNumberOfMessages, '3');

    const e = await expectError(t.client.call('StartMessageMoveTask', { SourceArn: arn(srcName) }));
    assert.equal(e.queryCode, 'InvalidParameterValue');

    const { TaskHandle } = await t.client.call('StartMessageMoveTask', { SourceArn: arn(dlqName), MaxNumberOfMessagesPerSecond: 100 });
    assert.ok(TaskHandle);
    let status = '';
    for (let i = 0; i < 100 && status !== 'COMPLETED'; i++) {
      const list = await t.client.call('ListMessageMoveTasks', { SourceArn: arn(dlqName) });
      status = list.Results[0].Status;
      if (status !== 'COMPLETED') await new Promise((r) => setTimeout(r, 50));
      else {
        assert.equal(list.Results[0].ApproximateNumberOfMessagesMoved, 3);
        assert.equal(list.Results[0].TaskHandle, undefined, 'TaskHandle only while RUNNING');
      }
    }
    assert.equal(status, 'COMPLETED');
    const back = await t.client.call('ReceiveMessage', { QueueUrl: src, MaxNumberOfMessages: 10 });
    assert.deepEqual(back.Messages.map((m: { Body: string }) => m.Body).sort(), ['m0', 'm1', 'm2']);
  });
});
