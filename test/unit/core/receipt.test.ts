import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseQueueArn, queueArn } from '../../../src/core/arn.js';
import { parseQueueUrl, queueUrl } from '../../../src/core/queue-url.js';
import { decodeReceiptHandle, encodeReceiptHandle } from '../../../src/core/receipt.js';
import { decodeTaskHandle, encodeTaskHandle } from '../../../src/core/task-handle.js';

const key = Buffer.from('k'.repeat(32));

test('receipt handles round-trip and look like AWS handles', () => {
  const h = encodeReceiptHandle(key, { queueId: 'q1', ref: 'm-42', receiptToken: 'tok' });
  assert.match(h, /^AQEB[A-Za-z0-9_-]+$/);
  assert.deepEqual(decodeReceiptHandle(key, h), { queueId: 'q1', ref: 'm-42', receiptToken: 'tok' });
  // Standard base64 re-encoding is accepted too.
  const std = Buffer.from(h, 'base64url').toString('base64');
  assert.deepEqual(decodeReceiptHandle(key, std), { queueId: 'q1', ref: 'm-42', receiptToken: 'tok' });
});

test('forged, tampered and foreign handles decode to undefined', () => {
  const h = encodeReceiptHandle(key, { queueId: 'q1', ref: 'm', receiptToken: 't' });
  assert.equal(decodeReceiptHandle(Buffer.from('other-key'), h), undefined);
  const raw = Buffer.from(h, 'base64url');
  raw[5] = raw[5]! ^ 1;
  assert.equal(decodeReceiptHandle(key, raw.toString('base64url')), undefined);
  assert.equal(decodeReceiptHandle(key, h.slice(0, -4)), undefined);
  for (const junk of ['', 'x', 'not a handle', 'AQEB', '!!!!!!!!!!']) assert.equal(decodeReceiptHandle(key, junk), undefined);
});

test('queue URLs: any host, bare paths, invalid values', () => {
  assert.equal(queueUrl('http://localhost:9324', '000000000000', 'q'), 'http://localhost:9324/000000000000/q');
  assert.deepEqual(parseQueueUrl('https://sqs.us-east-1.amazonaws.com/123456789012/orders.fifo'), {
    accountId: '123456789012',
    name: 'orders.fifo',
  });
  assert.deepEqual(parseQueueUrl('/000000000000/q/'), { accountId: '000000000000', name: 'q' });
  assert.equal(parseQueueUrl('just-a-name'), undefined);
  assert.equal(parseQueueUrl('http://host/'), undefined);
});

test('queue ARNs', () => {
  assert.equal(queueArn('us-east-1', '000000000000', 'q'), 'arn:aws:sqs:us-east-1:000000000000:q');
  assert.deepEqual(parseQueueArn('arn:aws:sqs:eu-west-1:123456789012:a.fifo'), {
    partition: 'aws',
    region: 'eu-west-1',
    accountId: '123456789012',
    name: 'a.fifo',
  });
  assert.equal(parseQueueArn('dummy'), undefined);
  assert.equal(parseQueueArn('arn:aws:sns:us-east-1:123456789012:t'), undefined);
});

test('task handles are base64 JSON with task id and source ARN', () => {
  const h = encodeTaskHandle({ taskId: 't-1', sourceArn: 'arn:aws:sqs:us-east-1:000000000000:dlq' });
  assert.deepEqual(JSON.parse(Buffer.from(h, 'base64').toString()), { taskId: 't-1', sourceArn: 'arn:aws:sqs:us-east-1:000000000000:dlq' });
  assert.deepEqual(decodeTaskHandle(h), { taskId: 't-1', sourceArn: 'arn:aws:sqs:us-east-1:000000000000:dlq' });
  assert.equal(decodeTaskHandle('garbage'), undefined);
  assert.equal(decodeTaskHandle(Buffer.from('{"taskId":1}').toString('base64')), undefined);
});
