import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RequestDecodeError } from '../../../src/protocol/errors.js';
import { type DecodedRequest, decodeRequest } from '../../../src/protocol/index.js';
import { MAX_PARAMS, decodeQueryRequest, parseQueryParams } from '../../../src/protocol/query/decode.js';
import { inputOf } from '../../helpers/wire.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', host: 'localhost:9324' };

/** Decodes a form body given as parameter pairs (values are URL-encoded here). */
function q(pairs: Array<[string, string]> | string, path = '/'): DecodedRequest {
  const text = typeof pairs === 'string' ? pairs : pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return decodeRequest({ method: 'POST', path, headers: FORM, body: Buffer.from(text), query: '' });
}

function rejects(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof RequestDecodeError, `not a RequestDecodeError: ${String(e)}`);
    assert.equal(e.protocol, 'query');
    assert.equal(e.code, code);
    if (message) assert.match(e.message, message);
    return true;
  });
}

test('scalars, integers and the action', () => {
  const r = q([
    ['Action', 'ReceiveMessage'],
    ['Version', '2012-11-05'],
    ['QueueUrl', 'http://h/1/q'],
    ['MaxNumberOfMessages', '10'],
    ['VisibilityTimeout', '0'],
    ['WaitTimeSeconds', '-1'],
    ['ReceiveRequestAttemptId', 'a b+c'],
    ['AWSAccessKeyId', 'ignored'],
  ]);
  assert.equal(r.protocol, 'query');
  assert.equal(r.action, 'ReceiveMessage');
  assert.deepEqual(r.input, {
    QueueUrl: 'http://h/1/q',
    MaxNumberOfMessages: 10,
    VisibilityTimeout: 0,
    WaitTimeSeconds: -1,
    ReceiveRequestAttemptId: 'a b+c',
  });
  // `+` is a space in form encoding.
  assert.equal(inputOf(q('Action=GetQueueUrl&QueueName=a+b'), 'GetQueueUrl').QueueName, 'a b');
});

test('flattened lists follow the numeric index, sorted, gaps allowed; bare key is an empty list', () => {
  const r = inputOf(
    q([
      ['Action', 'ReceiveMessage'],
      ['QueueUrl', 'u'],
      ['AttributeName.10', 'c'],
      ['AttributeName.2', 'b'],
      ['AttributeName.1', 'a'],
      ['MessageAttributeName.1', 'All'],
      ['MessageSystemAttributeName.1', 'SentTimestamp'],
    ]),
    'ReceiveMessage',
  );
  assert.deepEqual(r.AttributeNames, ['a', 'b', 'c']);
  assert.deepEqual(r.MessageAttributeNames, ['All']);
  assert.deepEqual(r.MessageSystemAttributeNames, ['SentTimestamp']);
  // botocore sends an empty list as a bare key.
  assert.deepEqual(inputOf(q('Action=GetQueueAttributes&QueueUrl=u&AttributeName='), 'GetQueueAttributes').AttributeNames, []);
  const p = inputOf(
    q([
      ['Action', 'AddPermission'],
      ['QueueUrl', 'u'],
      ['Label', 'l'],
      ['AWSAccountId.1', '111'],
      ['AWSAccountId.2', '222'],
      ['ActionName.1', 'SendMessage'],
    ]),
    'AddPermission',
  );
  assert.deepEqual(p, { QueueUrl: 'u', Label: 'l', AWSAccountIds: ['111', '222'], Actions: ['SendMessage'] });
  assert.deepEqual(
    inputOf(
      q([
        ['Action', 'UntagQueue'],
        ['QueueUrl', 'u'],
        ['TagKey.1', 'x'],
      ]),
      'UntagQueue',
    ).TagKeys,
    ['x'],
  );
  // Required lists absent read as empty (the action answers AWS's error).
  assert.deepEqual(
    inputOf(
      q([
        ['Action', 'UntagQueue'],
        ['QueueUrl', 'u'],
      ]),
      'UntagQueue',
    ).TagKeys,
    [],
  );
});

test('maps: Attribute.N.Name/Value and Tag.N.Key/Value', () => {
  const c = inputOf(
    q([
      ['Action', 'CreateQueue'],
      ['QueueName', 'q'],
      ['Attribute.2.Name', 'VisibilityTimeout'],
      ['Attribute.2.Value', '60'],
      ['Attribute.1.Name', 'RedrivePolicy'],
      ['Attribute.1.Value', ''],
      ['Tag.1.Key', 'team'],
      ['Tag.1.Value', 'a&b'],
    ]),
    'CreateQueue',
  );
  assert.deepEqual(c, { QueueName: 'q', Attributes: { RedrivePolicy: '', VisibilityTimeout: '60' }, tags: { team: 'a&b' } });
  assert.deepEqual(Object.keys(c.Attributes), ['RedrivePolicy', 'VisibilityTimeout']);
  const t = inputOf(
    q([
      ['Action', 'TagQueue'],
      ['QueueUrl', 'u'],
      ['Tag.1.Key', 'k'],
      ['Tag.1.Value', 'v'],
    ]),
    'TagQueue',
  );
  assert.deepEqual(t, { QueueUrl: 'u', Tags: { k: 'v' } });
  assert.deepEqual(
    inputOf(
      q([
        ['Action', 'SetQueueAttributes'],
        ['QueueUrl', 'u'],
      ]),
      'SetQueueAttributes',
    ).Attributes,
    {},
  );
  rejects(
    () =>
      q([
        ['Action', 'SetQueueAttributes'],
        ['QueueUrl', 'u'],
        ['Attribute.1.Value', 'x'],
      ]),
    'MissingParameter',
    /Attribute\.1\.Name/,
  );
  rejects(
    () =>
      q([
        ['Action', 'SetQueueAttributes'],
        ['QueueUrl', 'u'],
        ['Attribute.1.Name', 'x'],
      ]),
    'MissingParameter',
    /Attribute\.1\.Value/,
  );
  const proto = inputOf(
    q([
      ['Action', 'SetQueueAttributes'],
      ['QueueUrl', 'u'],
      ['Attribute.1.Name', '__proto__'],
      ['Attribute.1.Value', 'x'],
    ]),
    'SetQueueAttributes',
  );
  assert.equal(Object.getPrototypeOf(proto.Attributes), Object.prototype);
  assert.equal(proto.Attributes['__proto__'], 'x');
});

test('message attributes with every value form, system attributes, batch entries', () => {
  const r = inputOf(
    q([
      ['Action', 'SendMessageBatch'],
      ['QueueUrl', 'u'],
      ['SendMessageBatchRequestEntry.2.Id', 'b'],
      ['SendMessageBatchRequestEntry.2.MessageBody', 'two'],
      ['SendMessageBatchRequestEntry.2.DelaySeconds', '5'],
      ['SendMessageBatchRequestEntry.1.Id', 'a'],
      ['SendMessageBatchRequestEntry.1.MessageBody', 'one'],
      ['SendMessageBatchRequestEntry.1.MessageGroupId', 'g'],
      ['SendMessageBatchRequestEntry.1.MessageDeduplicationId', 'd'],
      ['SendMessageBatchRequestEntry.1.MessageAttribute.1.Name', 's'],
      ['SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType', 'String'],
      ['SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue', 'v'],
      ['SendMessageBatchRequestEntry.1.MessageAttribute.2.Name', 'b'],
      ['SendMessageBatchRequestEntry.1.MessageAttribute.2.Value.DataType', 'Binary'],
      ['SendMessageBatchRequestEntry.1.MessageAttribute.2.Value.BinaryValue', Buffer.from([0, 255]).toString('base64')],
      ['SendMessageBatchRequestEntry.1.MessageAttribute.3.Name', 'l'],
      ['SendMessageBatchRequestEntry.1.MessageAttribute.3.Value.DataType', 'String'],
      ['SendMessageBatchRequestEntry.1.MessageAttribute.3.Value.StringListValue.2', 'y'],
      ['SendMessageBatchRequestEntry.1.MessageAttribute.3.Value.StringListValue.1', 'x'],
      ['SendMessageBatchRequestEntry.1.MessageAttribute.3.Value.BinaryListValue.1', 'AAE='],
      ['SendMessageBatchRequestEntry.1.MessageSystemAttribute.1.Name', 'AWSTraceHeader'],
      ['SendMessageBatchRequestEntry.1.MessageSystemAttribute.1.Value.DataType', 'String'],
      ['SendMessageBatchRequestEntry.1.MessageSystemAttribute.1.Value.StringValue', 'Root=1'],
    ]),
    'SendMessageBatch',
  );
  assert.equal(r.Entries.length, 2);
  const [a, b] = r.Entries;
  assert.deepEqual(b, { Id: 'b', MessageBody: 'two', DelaySeconds: 5 });
  assert.ok(a);
  assert.equal(a.Id, 'a');
  assert.equal(a.MessageGroupId, 'g');
  assert.equal(a.MessageDeduplicationId, 'd');
  const attrs = a.MessageAttributes ?? {};
  assert.deepEqual(attrs['s'], { DataType: 'String', StringValue: 'v' });
  const bin = attrs['b']?.BinaryValue;
  assert.ok(Buffer.isBuffer(bin));
  assert.deepEqual([...bin], [0, 255]);
  assert.deepEqual(attrs['l']?.StringListValues, ['x', 'y']);
  const binList = attrs['l']?.BinaryListValues?.[0];
  assert.ok(Buffer.isBuffer(binList));
  assert.deepEqual([...binList], [0, 1]);
  assert.deepEqual(a.MessageSystemAttributes, { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1' } });

  const s = inputOf(
    q([
      ['Action', 'SendMessage'],
      ['QueueUrl', 'u'],
      ['MessageBody', 'line1\r\nline2'],
      ['MessageAttribute.1.Name', 'n'],
      ['MessageAttribute.1.Value.DataType', 'Number'],
      ['MessageAttribute.1.Value.StringValue', '1.5'],
    ]),
    'SendMessage',
  );
  assert.equal(s.MessageBody, 'line1\r\nline2');
  assert.deepEqual(s.MessageAttributes, { n: { DataType: 'Number', StringValue: '1.5' } });
  rejects(
    () =>
      q([
        ['Action', 'SendMessage'],
        ['QueueUrl', 'u'],
        ['MessageBody', 'b'],
        ['MessageAttribute.1.Name', 'n'],
        ['MessageAttribute.1.Value.StringValue', 'x'],
      ]),
    'InvalidParameterValue',
    /The message attribute 'n' must contain non-empty message attribute type\./,
  );

  const d = inputOf(
    q([
      ['Action', 'DeleteMessageBatch'],
      ['QueueUrl', 'u'],
      ['DeleteMessageBatchRequestEntry.1.Id', 'a'],
      ['DeleteMessageBatchRequestEntry.1.ReceiptHandle', 'r'],
    ]),
    'DeleteMessageBatch',
  );
  assert.deepEqual(d.Entries, [{ Id: 'a', ReceiptHandle: 'r' }]);
  const c = inputOf(
    q([
      ['Action', 'ChangeMessageVisibilityBatch'],
      ['QueueUrl', 'u'],
      ['ChangeMessageVisibilityBatchRequestEntry.1.Id', 'a'],
      ['ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle', 'r'],
      ['ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout', '30'],
    ]),
    'ChangeMessageVisibilityBatch',
  );
  assert.deepEqual(c.Entries, [{ Id: 'a', ReceiptHandle: 'r', VisibilityTimeout: 30 }]);
  rejects(
    () =>
      q([
        ['Action', 'DeleteMessageBatch'],
        ['QueueUrl', 'u'],
        ['DeleteMessageBatchRequestEntry.1.Id', 'a'],
      ]),
    'MissingParameter',
    /DeleteMessageBatchRequestEntry\.1\.ReceiptHandle/,
  );
  // No entries at all: an empty list, for the action's EmptyBatchRequest.
  assert.deepEqual(
    inputOf(
      q([
        ['Action', 'SendMessageBatch'],
        ['QueueUrl', 'u'],
      ]),
      'SendMessageBatch',
    ).Entries,
    [],
  );
});

test('QueueUrl from a queue path when absent; the parameter wins when present', () => {
  const r = q([['Action', 'DeleteQueue']], '/000000000000/orders');
  assert.deepEqual(r.input, { QueueUrl: 'http://localhost:9324/000000000000/orders' });
  const s = q(
    [
      ['Action', 'DeleteQueue'],
      ['QueueUrl', 'http://x/1/other'],
    ],
    '/000000000000/orders',
  );
  assert.equal(inputOf(s, 'DeleteQueue').QueueUrl, 'http://x/1/other');
  // A queue URL does not take CreateQueue or ListQueues (AWS: InvalidAction, recorded); GetQueueUrl it
  // takes, for any queue. At the endpoint all three decode.
  rejects(() => q([['Action', 'ListQueues']], '/000000000000/orders'), 'InvalidAction', /^The action ListQueues is not valid for this endpoint\.$/);
  rejects(
    () =>
      q(
        [
          ['Action', 'CreateQueue'],
          ['QueueName', 'b'],
        ],
        '/000000000000/orders',
      ),
    'InvalidAction',
    /^The action CreateQueue is not valid for this endpoint\.$/,
  );
  assert.deepEqual(
    inputOf(
      q(
        [
          ['Action', 'GetQueueUrl'],
          ['QueueName', 'other'],
        ],
        '/000000000000/orders',
      ),
      'GetQueueUrl',
    ),
    { QueueName: 'other' },
  );
  assert.deepEqual(inputOf(q([['Action', 'ListQueues']], '/'), 'ListQueues'), {});
  assert.deepEqual(
    inputOf(
      q([
        ['Action', 'CreateQueue'],
        ['QueueName', 'b'],
      ]),
      'CreateQueue',
    ),
    { QueueName: 'b' },
  );
  rejects(() => q([['Action', 'DeleteQueue']], '/'), 'MissingParameter', /QueueUrl/);
});

test('GET query strings decode the same way', () => {
  const r = decodeRequest({
    method: 'GET',
    path: '/000000000000/q',
    headers: { host: 'h:1' },
    body: Buffer.alloc(0),
    query: 'Action=ReceiveMessage&AttributeName.1=All&MaxNumberOfMessages=2',
  });
  assert.deepEqual(r.input, { QueueUrl: 'http://h:1/000000000000/q', AttributeNames: ['All'], MaxNumberOfMessages: 2 });
});

test('missing or unknown Action', () => {
  rejects(() => q([['QueueUrl', 'u']]), 'MissingParameter', /Action/);
  rejects(() => q([['Action', 'Frobnicate']]), 'InvalidAction', /^The action Frobnicate is not valid for this endpoint\.$/);
  rejects(() => q([['Action', '__proto__']]), 'InvalidAction');
  rejects(() => q([['Action', 'toString']]), 'InvalidAction');
});

test('integers and blobs are parsed strictly', () => {
  for (const bad of ['abc', '1.5', '1e3', ' 1', '+1', '0x10', '', '2147483648', '99999999999999999999999']) {
    rejects(
      () =>
        q([
          ['Action', 'ReceiveMessage'],
          ['QueueUrl', 'u'],
          ['MaxNumberOfMessages', bad],
        ]),
      'InvalidParameterValue',
      /MaxNumberOfMessages/,
    );
  }
  assert.equal(
    inputOf(
      q([
        ['Action', 'ReceiveMessage'],
        ['QueueUrl', 'u'],
        ['MaxNumberOfMessages', '-2147483648'],
      ]),
      'ReceiveMessage',
    ).MaxNumberOfMessages,
    -2147483648,
  );
  rejects(
    () =>
      q([
        ['Action', 'SendMessage'],
        ['QueueUrl', 'u'],
        ['MessageBody', 'b'],
        ['MessageAttribute.1.Name', 'n'],
        ['MessageAttribute.1.Value.DataType', 'Binary'],
        ['MessageAttribute.1.Value.BinaryValue', '***'],
      ]),
    'InvalidParameterValue',
  );
});

test('hostile indexes are 4xx and never allocate by index', () => {
  const base: Array<[string, string]> = [
    ['Action', 'SendMessage'],
    ['QueueUrl', 'u'],
    ['MessageBody', 'b'],
  ];
  for (const idx of ['4294967295', '0', '-1', 'x', '01', '1e3', '9999999', '']) {
    rejects(() => q([...base, [`MessageAttribute.${idx}.Name`, 'n'], [`MessageAttribute.${idx}.Value.DataType`, 'String']]), 'MalformedQueryString');
  }
  rejects(
    () =>
      q([
        ['Action', 'GetQueueAttributes'],
        ['QueueUrl', 'u'],
        ['AttributeName.4294967295', 'All'],
      ]),
    'MalformedQueryString',
  );
  // `MessageAttribute.1.5.Name`: entry 1 has no Name.
  rejects(() => q([...base, ['MessageAttribute.1.5.Name', 'n']]), 'MissingParameter', /MessageAttribute\.1\.Name/);
  // The largest accepted index is only a sort key.
  const big = inputOf(
    q([
      ['Action', 'GetQueueAttributes'],
      ['QueueUrl', 'u'],
      ['AttributeName.999999', 'b'],
      ['AttributeName.1', 'a'],
    ]),
    'GetQueueAttributes',
  );
  assert.deepEqual(big.AttributeNames, ['a', 'b']);
  // A bare key with a value is a one-element list of scalars (boto 2), but never both forms at once.
  rejects(
    () =>
      q([
        ['Action', 'GetQueueAttributes'],
        ['QueueUrl', 'u'],
        ['AttributeName', 'All'],
        ['AttributeName.1', 'QueueArn'],
      ]),
    'MalformedQueryString',
  );
  rejects(
    () =>
      q([
        ['Action', 'CreateQueue'],
        ['QueueName', 'n'],
        ['Attribute', 'DelaySeconds'],
      ]),
    'MalformedQueryString',
  );
  rejects(
    () =>
      q([
        ['Action', 'GetQueueAttributes'],
        ['QueueUrl', 'u'],
        ['AttributeName.1.x.y.z.a.b.c.d', 'All'],
      ]),
    'MalformedQueryString',
  );
  rejects(
    () =>
      q([
        ['Action', 'GetQueueAttributes'],
        ['QueueUrl', 'u'],
        ['AttributeName..1', 'All'],
      ]),
    'MalformedQueryString',
  );
});

test('duplicate parameters, too many parameters', () => {
  rejects(() => q('Action=DeleteQueue&QueueUrl=a&QueueUrl=b'), 'MalformedQueryString', /more than once/);
  // The same value twice is harmless.
  assert.equal(inputOf(q('Action=DeleteQueue&QueueUrl=a&QueueUrl=a'), 'DeleteQueue').QueueUrl, 'a');
  const many = Array.from({ length: MAX_PARAMS + 1 }, (_, i) => `AWSAccountId.${i + 1}=1`).join('&');
  rejects(() => q(`Action=AddPermission&${many}`), 'MalformedQueryString', /parameters/);
  // Thousands of entries decode (bounded), leaving the limit to the action.
  const thousands = Array.from({ length: 5000 }, (_, i) => `TagKey.${i + 1}=k${i}`).join('&');
  const t0 = Date.now();
  assert.equal(inputOf(q(`Action=UntagQueue&QueueUrl=u&${thousands}`), 'UntagQueue').TagKeys.length, 5000);
  assert.ok(Date.now() - t0 < 1000);
});

test('parseQueryParams merges URL and body; decodeQueryRequest works on a map', () => {
  const p = parseQueryParams('Action=DeleteQueue', 'QueueUrl=u');
  assert.deepEqual(decodeQueryRequest(p).input, { QueueUrl: 'u' });
  assert.throws(() => parseQueryParams('Action=DeleteQueue', 'Action=PurgeQueue'), RequestDecodeError);
});

test('a hostile Host header is not echoed into the path-derived QueueUrl', () => {
  const r = decodeRequest({
    method: 'POST',
    path: '/1/q',
    headers: { ...FORM, host: 'evil"/><x' },
    body: Buffer.from('Action=DeleteQueue'),
    query: '',
  });
  assert.equal(inputOf(r, 'DeleteQueue').QueueUrl, 'http://localhost/1/q');
  const v6 = decodeRequest({
    method: 'POST',
    path: '/1/q',
    headers: { ...FORM, host: '[::1]:9324' },
    body: Buffer.from('Action=DeleteQueue'),
    query: '',
  });
  assert.equal(inputOf(v6, 'DeleteQueue').QueueUrl, 'http://[::1]:9324/1/q');
});

test('Query list forms as AWS answers them', () => {
  // boto 2's Queue.count(): an unnumbered AttributeName is a one-element list (AWS accepts it).
  assert.deepEqual(
    inputOf(
      q([
        ['Action', 'GetQueueAttributes'],
        ['QueueUrl', 'u'],
        ['AttributeName', 'ApproximateNumberOfMessages'],
      ]),
      'GetQueueAttributes',
    ),
    { QueueUrl: 'u', AttributeNames: ['ApproximateNumberOfMessages'] },
  );
  // botocore's empty list stays empty.
  assert.deepEqual(
    inputOf(
      q([
        ['Action', 'GetQueueAttributes'],
        ['QueueUrl', 'u'],
        ['AttributeName', ''],
      ]),
      'GetQueueAttributes',
    ),
    { QueueUrl: 'u', AttributeNames: [] },
  );
  // `.member.N` (rusoto/rusoto#586) and an unknown name used as a list (aws/aws-sdk-go#161): MalformedInput.
  for (const key of ['AttributeName.member.1', 'MessageAttributeNames.member.1', 'MessageAttributeName.member.1']) {
    rejects(
      () =>
        q([
          ['Action', 'ReceiveMessage'],
          ['QueueUrl', 'u'],
          [key, 'All'],
        ]),
      'SerializationException',
      /^Start of list found where not expected$/,
    );
  }
  rejects(
    () =>
      q([
        ['Action', 'SendMessageBatch'],
        ['QueueUrl', 'u'],
        ['Entries.1.Id', 'a'],
        ['Entries.1.MessageBody', 'b'],
      ]),
    'SerializationException',
    /^Top level element may not be treated as a list$/,
  );
  // Unknown scalar parameters are still ignored.
  assert.deepEqual(
    inputOf(
      q([
        ['Action', 'DeleteQueue'],
        ['QueueUrl', 'u'],
        ['Expires', 'x'],
        ['X-Amz-Date', 'y'],
      ]),
      'DeleteQueue',
    ),
    { QueueUrl: 'u' },
  );
});

test('Query map forms: one unindexed entry of a map of scalars (boto 2, the API reference samples)', () => {
  // boto 2's set_queue_attribute and the SetQueueAttributes Query samples: Attribute.Name / Attribute.Value.
  assert.deepEqual(
    inputOf(
      q([
        ['Action', 'SetQueueAttributes'],
        ['QueueUrl', 'u'],
        ['Attribute.Name', 'VisibilityTimeout'],
        ['Attribute.Value', '35'],
      ]),
      'SetQueueAttributes',
    ),
    { QueueUrl: 'u', Attributes: { VisibilityTimeout: '35' } },
  );
  // The CreateQueue Query sample: indexed attributes beside an unindexed tag.
  assert.deepEqual(
    inputOf(
      q([
        ['Action', 'CreateQueue'],
        ['QueueName', 'MyQueue'],
        ['Attribute.1.Name', 'VisibilityTimeout'],
        ['Attribute.1.Value', '40'],
        ['Tag.Key', 'QueueType'],
        ['Tag.Value', 'Production'],
      ]),
      'CreateQueue',
    ),
    { QueueName: 'MyQueue', Attributes: { VisibilityTimeout: '40' }, tags: { QueueType: 'Production' } },
  );
  // The unindexed entry keeps the map's own errors: a name without a value.
  rejects(
    () =>
      q([
        ['Action', 'SetQueueAttributes'],
        ['QueueUrl', 'u'],
        ['Attribute.Name', 'VisibilityTimeout'],
      ]),
    'MissingParameter',
    /Attribute\.Value/,
  );
  // Never both forms at once, and a map of structures (message attributes) stays indexed only.
  rejects(
    () =>
      q([
        ['Action', 'SetQueueAttributes'],
        ['QueueUrl', 'u'],
        ['Attribute.Name', 'VisibilityTimeout'],
        ['Attribute.Value', '35'],
        ['Attribute.1.Name', 'DelaySeconds'],
        ['Attribute.1.Value', '1'],
      ]),
    'MalformedQueryString',
  );
  rejects(
    () =>
      q([
        ['Action', 'SendMessage'],
        ['QueueUrl', 'u'],
        ['MessageBody', 'b'],
        ['MessageAttribute.Name', 'a'],
        ['MessageAttribute.Value.DataType', 'String'],
        ['MessageAttribute.Value.StringValue', 'v'],
      ]),
    'MalformedQueryString',
  );
});
