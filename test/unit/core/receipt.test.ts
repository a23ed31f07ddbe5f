import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseQueueArn, queueArn } from '../../../src/core/arn.js';
import { parseQueueUrl, queueUrl } from '../../../src/core/queue-url.js';
import { decodeReceiptHandle, encodeReceiptHandle, ReceiptCodec } from '../../../src/core/receipt.js';
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
  // A bare queue name names the caller's queue (AWS accepts it); anything else that is not a URL or path is not.
  assert.deepEqual(parseQueueUrl('just-a-name'), { name: 'just-a-name' });
  assert.deepEqual(parseQueueUrl('orders.fifo'), { name: 'orders.fifo' });
  assert.deepEqual(parseQueueUrl('x'.repeat(80)), { name: 'x'.repeat(80) });
  assert.deepEqual(parseQueueUrl('x'.repeat(75) + '.fifo'), { name: 'x'.repeat(75) + '.fifo' });
  for (const bad of ['x'.repeat(81), 'x'.repeat(76) + '.fifo', 'not a url', 'a.b', 'q?x=1', '.fifo', 'sqs.us-east-1.amazonaws.com']) {
    assert.equal(parseQueueUrl(bad), undefined, bad);
  }
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

test('ReceiptCodec: recently issued handles decode from memory, everything else takes the full check', () => {
  const key = Buffer.from('k'.repeat(32));
  const codec = new ReceiptCodec(key, 4);
  const parts = (i: number) => ({ queueId: 'q1', ref: String(i), receiptToken: `t${i}` });
  const handles = Array.from({ length: 10 }, (_, i) => codec.encode(parts(i)));
  // Same bytes as the plain encoder: a handle does not depend on how it was issued.
  assert.equal(handles[3], encodeReceiptHandle(key, parts(3)));
  for (let i = 0; i < 10; i++) assert.deepEqual(codec.decode(handles[i]!), parts(i));
  // Evicted entries (two generations of 4: handles 0 and 1 are gone) still verify in full.
  assert.deepEqual(codec.decode(handles[0]!), decodeReceiptHandle(key, handles[0]!));
  // Tampered, foreign-key and garbage handles are refused whether or not a neighbour is cached.
  const h = handles[9]!;
  const tampered = h.slice(0, 10) + (h[10] === 'A' ? 'B' : 'A') + h.slice(11);
  assert.equal(codec.decode(tampered), undefined);
  assert.equal(new ReceiptCodec(Buffer.from('x'.repeat(32))).decode(h), undefined);
  assert.equal(codec.decode('AQEBnotahandle'), undefined);
  // The standard-alphabet re-encoding of a cached handle is accepted too (full check).
  const std = Buffer.from(h, 'base64url').toString('base64');
  assert.deepEqual(codec.decode(std), parts(9));
});
