import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SqsError } from '../../../src/errors/catalog.js';
import { RequestDecodeError, decodeRequest, detectProtocol, encodeError, encodeOutput } from '../../../src/protocol/index.js';

test('JSON errors: __type, message, x-amzn-query-error and the spec status', () => {
  const r = encodeError('json', new SqsError('QueueDoesNotExist'), 'rid');
  assert.equal(r.status, 400);
  assert.equal(r.headers['Content-Type'], 'application/x-amz-json-1.0');
  assert.equal(r.headers['x-amzn-query-error'], 'AWS.SimpleQueueService.NonExistentQueue;Sender');
  assert.equal(r.headers['x-amzn-RequestId'], 'rid');
  assert.deepEqual(JSON.parse(r.body), { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' });
  const p = encodeError('json', new SqsError('PurgeQueueInProgress'), 'rid');
  assert.equal(p.status, 403);
  assert.equal(p.headers['x-amzn-query-error'], 'AWS.SimpleQueueService.PurgeQueueInProgress;Sender');
  assert.equal(encodeError('json', new SqsError('OverLimit'), 'r').status, 403);
  const rh = encodeError('json', new SqsError('ReceiptHandleIsInvalid', 'The input receipt handle "x" is not a valid receipt handle.'), 'r');
  assert.equal(rh.status, 404);
  assert.equal(JSON.parse(rh.body).message, 'The input receipt handle "x" is not a valid receipt handle.');
  const ip = encodeError('json', new SqsError('InvalidParameterValue', 'x'), 'r');
  assert.equal(ip.headers['x-amzn-query-error'], 'InvalidParameterValue;Sender');
  assert.equal(JSON.parse(ip.body).__type, 'com.amazon.coral.service#InvalidParameterValueException');
});

test('Query errors: ErrorResponse with Type, Code, Query wording, Detail, RequestId', () => {
  const r = encodeError('query', new SqsError('QueueDoesNotExist'), 'rid');
  assert.equal(r.status, 400);
  assert.equal(r.headers['Content-Type'], 'text/xml');
  assert.equal(
    r.body,
    '<?xml version="1.0"?><ErrorResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><Error><Type>Sender</Type>' +
      '<Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>The specified queue does not exist for this wsdl version.</Message>' +
      '<Detail/></Error><RequestId>rid</RequestId></ErrorResponse>',
  );
  assert.equal(encodeError('query', new SqsError('PurgeQueueInProgress'), 'r').status, 403);
  assert.equal(encodeError('query', new SqsError('OverLimit'), 'r').status, 403);
  assert.equal(encodeError('query', new SqsError('ReceiptHandleIsInvalid'), 'r').status, 404);
  assert.equal(encodeError('query', new SqsError('ResourceNotFoundException'), 'r').status, 404);
  const esc = encodeError('query', new SqsError('InvalidParameterValue', 'Value <a&b> "c"'), 'r');
  assert.ok(esc.body.includes('<Message>Value &lt;a&amp;b&gt; &quot;c&quot;</Message>'));
});

test('non-SqsErrors become InternalFailure 500 without leaking internals', () => {
  for (const proto of ['json', 'query'] as const) {
    const r = encodeError(proto, new Error('SQLITE_BUSY: secret path /var/db'), 'r');
    assert.equal(r.status, 500);
    assert.ok(!r.body.includes('SQLITE'));
    assert.ok(!r.body.includes('/var/db'));
    assert.ok(r.body.includes('InternalFailure'));
  }
  assert.equal(encodeError('json', 'a string', 'r').headers['x-amzn-query-error'], 'InternalFailure;Receiver');
});

test('decode errors carry their protocol', () => {
  assert.throws(
    () =>
      decodeRequest({
        method: 'POST',
        path: '/',
        headers: { 'x-amz-target': 'AmazonSQS.Nope', 'content-type': 'application/x-amz-json-1.0' },
        body: Buffer.from('{}'),
        query: '',
      }),
    (e: unknown) => e instanceof RequestDecodeError && e.protocol === 'json' && e.code === 'InvalidAction',
  );
  const inv = encodeError('json', new RequestDecodeError('json', 'InvalidAction'), 'r');
  assert.equal(JSON.parse(inv.body).__type, 'com.amazon.coral.service#UnknownOperationException');
  assert.equal(inv.headers['x-amzn-query-error'], 'InvalidAction;Sender');
});

test('protocol detection and JSON output rendering', () => {
  assert.equal(detectProtocol({ 'x-amz-target': 'AmazonSQS.ListQueues' }), 'json');
  assert.equal(detectProtocol({ 'content-type': 'application/x-amz-json-1.0' }), 'json');
  assert.equal(detectProtocol({ 'content-type': 'application/x-www-form-urlencoded' }), 'query');
  assert.equal(detectProtocol({}), 'query');
  const ok = encodeOutput('json', 'GetQueueUrl', { QueueUrl: 'u' }, 'r');
  assert.equal(ok.status, 200);
  assert.equal(ok.body, '{"QueueUrl":"u"}');
  const x = encodeOutput('query', 'GetQueueUrl', { QueueUrl: 'u' }, 'r');
  assert.ok(x.body.includes('<GetQueueUrlResult><QueueUrl>u</QueueUrl></GetQueueUrlResult>'));
});
