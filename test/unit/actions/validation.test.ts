import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SqsError } from '../../../src/errors/catalog.js';
import { DomainError } from '../../../src/errors/domain.js';
import { toSqsError } from '../../../src/errors/map.js';
import { validateMessage, validateMessageAttributes, firstInvalidCodePoint, fifoIdError } from '../../../src/actions/validation/message.js';
import { validateQueueName, isValidBatchEntryId } from '../../../src/actions/validation/names.js';
import { filterMessageAttributes, validateReceiveParams } from '../../../src/actions/validation/receive.js';

/** Assert `fn` throws an SqsError with this code (and message, when given). */
export function throwsSqs(fn: () => unknown, code: string, message?: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof SqsError, `expected SqsError, got ${String(e)}`);
    assert.equal(e.code, code);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return true;
  });
}

test('queue names', () => {
  validateQueueName('a', false);
  validateQueueName('A-b_9'.padEnd(80, 'x'), false);
  validateQueueName('q.fifo', true);
  validateQueueName('x'.repeat(75) + '.fifo', true);
  throwsSqs(() => validateQueueName('x'.repeat(81), false), 'InvalidParameterValue', /1 to 80 in length/);
  throwsSqs(() => validateQueueName('a.b', false), 'InvalidParameterValue');
  throwsSqs(() => validateQueueName('q.fifo', false), 'InvalidParameterValue');
  throwsSqs(() => validateQueueName('q', true), 'InvalidParameterValue', /must end with .fifo suffix/);
  throwsSqs(() => validateQueueName('x'.repeat(76) + '.fifo', true), 'InvalidParameterValue');
  throwsSqs(() => validateQueueName('', false), 'MissingParameter');
});

test('batch entry ids', () => {
  assert.ok(isValidBatchEntryId('a-B_1'));
  assert.ok(!isValidBatchEntryId(''));
  assert.ok(!isValidBatchEntryId('invalid:id'));
  assert.ok(!isValidBatchEntryId('x'.repeat(81)));
});

test('message bodies', () => {
  assert.equal(firstInvalidCodePoint('ok\t\r\n 𝄞'), undefined);
  assert.equal(firstInvalidCodePoint('a\u0001'), 1);
  assert.equal(firstInvalidCodePoint('\ud800'), 0xd800);
  assert.equal(firstInvalidCodePoint('\uffff'), 0xffff);
  // The regexp fast path agrees with the per-unit scan on every boundary of the allowed set.
  const edges = [0x0, 0x8, 0x9, 0xa, 0xb, 0xd, 0x1f, 0x20, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xfffd, 0xfffe, 0xffff];
  for (const c of edges) {
    const s = `ok${String.fromCharCode(c)}ok`;
    const allowed = c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd);
    assert.equal(firstInvalidCodePoint(s), allowed ? undefined : c, `U+${c.toString(16)}`);
  }
  assert.equal(firstInvalidCodePoint('\ud800\udc00\udbff\udfff'), undefined); // U+10000 and U+10FFFF
  assert.equal(firstInvalidCodePoint('\udc00\ud800'), 0xdc00); // reversed pair: both lone
  throwsSqs(() => validateMessage({ MessageBody: '' }, false, 1024), 'MissingParameter', 'The request must contain the parameter MessageBody.');
  throwsSqs(() => validateMessage({ MessageBody: 'a\u0000' }, false, 1024), 'InvalidMessageContents');
  throwsSqs(
    () => validateMessage({ MessageBody: 'x'.repeat(1025) }, false, 1024),
    'InvalidParameterValue',
    'One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.',
  );
  // Attribute name + type + value count toward the size.
  throwsSqs(
    () =>
      validateMessage(
        { MessageBody: 'x'.repeat(1000), MessageAttributes: { abcdefghij: { DataType: 'String', StringValue: 'y'.repeat(10) } } },
        false,
        1024,
      ),
    'InvalidParameterValue',
  );
  assert.equal(
    validateMessage({ MessageBody: 'ab', MessageAttributes: { n: { DataType: 'Number', StringValue: '1' } } }, false, 1024),
    2 + 1 + 6 + 1,
  );
});

test('delay and FIFO parameters', () => {
  throwsSqs(() => validateMessage({ MessageBody: 'a', DelaySeconds: 901 }, false, 1024), 'InvalidParameterValue');
  throwsSqs(
    () => validateMessage({ MessageBody: 'a', DelaySeconds: 2, MessageGroupId: 'g', MessageDeduplicationId: 'd' }, true, 1024),
    'InvalidParameterValue',
    'Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.',
  );
  validateMessage({ MessageBody: 'a', DelaySeconds: 0, MessageGroupId: 'g', MessageDeduplicationId: 'd' }, true, 1024);
  assert.equal(fifoIdError({ MessageBody: 'a' }, false, false)?.code, 'MissingParameter');
  assert.equal(fifoIdError({ MessageBody: 'a' }, false, true)?.code, 'InvalidParameterValue');
  assert.equal(
    fifoIdError({ MessageBody: 'a', MessageGroupId: 'g' }, false, false)?.message,
    'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
  );
  assert.equal(fifoIdError({ MessageBody: 'a', MessageGroupId: 'g' }, true, false), undefined);
  throwsSqs(() => validateMessage({ MessageBody: 'a', MessageGroupId: 'x'.repeat(129) }, true, 1024), 'InvalidParameterValue');
  throwsSqs(() => validateMessage({ MessageBody: 'a', MessageDeduplicationId: 'd' }, false, 1024), 'InvalidParameterValue');
});

test('message attributes', () => {
  const str = (v: string) => ({ DataType: 'String', StringValue: v });
  const many = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, str('v')]));
  throwsSqs(
    () => validateMessageAttributes(many, 'user'),
    'InvalidParameterValue',
    'Number of message attributes [11] exceeds the allowed maximum [10].',
  );
  throwsSqs(() => validateMessageAttributes({ 'AWS.x': str('v') }, 'user'), 'InvalidParameterValue');
  throwsSqs(() => validateMessageAttributes({ 'amazon.x': str('v') }, 'user'), 'InvalidParameterValue');
  throwsSqs(() => validateMessageAttributes({ '.x': str('v') }, 'user'), 'InvalidParameterValue');
  throwsSqs(() => validateMessageAttributes({ 'x.': str('v') }, 'user'), 'InvalidParameterValue');
  throwsSqs(() => validateMessageAttributes({ 'a..b': str('v') }, 'user'), 'InvalidParameterValue');
  throwsSqs(() => validateMessageAttributes({ 'a b': str('v') }, 'user'), 'InvalidParameterValue');
  throwsSqs(() => validateMessageAttributes({ ['x'.repeat(257)]: str('v') }, 'user'), 'InvalidParameterValue');
  throwsSqs(
    () => validateMessageAttributes({ ErrorDetails: str('') }, 'user'),
    'InvalidParameterValue',
    "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'.",
  );
  throwsSqs(() => validateMessageAttributes({ a: { DataType: 'Strin', StringValue: 'v' } }, 'user'), 'InvalidParameterValue');
  throwsSqs(() => validateMessageAttributes({ a: { DataType: 'Number', StringValue: 'abc' } }, 'user'), 'InvalidParameterValue');
  throwsSqs(() => validateMessageAttributes({ a: { DataType: 'Number', StringValue: '1'.repeat(39) } }, 'user'), 'InvalidParameterValue');
  throwsSqs(() => validateMessageAttributes({ a: { DataType: 'Binary' } }, 'user'), 'InvalidParameterValue');
  validateMessageAttributes(
    { a: { DataType: 'Number.int', StringValue: '-1.5e3' }, 'b.c-d_e': { DataType: 'Binary.png', BinaryValue: Buffer.from([0]) } },
    'user',
  );
  validateMessageAttributes({ a: { DataType: 'Number', StringValue: '1'.repeat(38) + '000' } }, 'user');
  throwsSqs(() => validateMessageAttributes({ Foo: str('x') }, 'system'), 'InvalidParameterValue');
  validateMessageAttributes({ AWSTraceHeader: str('Root=1-5759e988-bd862e3fe1be46a994272793') }, 'system');
});

test('receive parameters', () => {
  throwsSqs(
    () => validateReceiveParams({ MaxNumberOfMessages: 11 }),
    'InvalidParameterValue',
    'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.',
  );
  throwsSqs(() => validateReceiveParams({ MaxNumberOfMessages: 0 }), 'InvalidParameterValue');
  throwsSqs(
    () => validateReceiveParams({ WaitTimeSeconds: 21 }),
    'InvalidParameterValue',
    'Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.',
  );
  throwsSqs(() => validateReceiveParams({ VisibilityTimeout: 43201 }), 'InvalidParameterValue');
  validateReceiveParams({ MaxNumberOfMessages: 10, WaitTimeSeconds: 20, VisibilityTimeout: 0 });
});

test('message attribute filters (AWS-recorded semantics)', () => {
  const s = (v: string) => ({ DataType: 'String', StringValue: v });
  const attrs = { General: s('Kenobi'), Hello: s('There'), 'Help.Me': s('Me') };
  for (const all of [['All'], ['*'], ['.*']]) assert.deepEqual(Object.keys(filterMessageAttributes(attrs, all)!), Object.keys(attrs));
  assert.equal(filterMessageAttributes(attrs, ['Foo', 'Help']), undefined);
  assert.deepEqual(Object.keys(filterMessageAttributes(attrs, ['Foo', 'Hello'])!), ['Hello']);
  assert.deepEqual(Object.keys(filterMessageAttributes(attrs, ['Hel.*'])!), ['Hello', 'Help.Me']);
  assert.equal(filterMessageAttributes(attrs, ['AWS.']), undefined);
  assert.equal(filterMessageAttributes(attrs, undefined), undefined);
});

test('toSqsError maps domain errors', () => {
  assert.equal(toSqsError(new DomainError('QueueNotFound')).code, 'QueueDoesNotExist');
  assert.equal(toSqsError(new DomainError('QueueNotFound')).spec.queryCode, 'AWS.SimpleQueueService.NonExistentQueue');
  const v = toSqsError(new DomainError('VisibilityLimitExceeded'));
  assert.equal(v.code, 'InvalidParameterValue');
  assert.match(v.message, /beyond the limit \[43200 seconds\]/);
  assert.equal(toSqsError(new DomainError('MoveTaskNotFound')).code, 'ResourceNotFoundException');
  assert.equal(toSqsError(new DomainError('Unavailable')).code, 'ServiceUnavailable');
  assert.equal(toSqsError(new DomainError('OverLimit')).code, 'OverLimit');
  assert.equal(toSqsError(new Error('boom')).code, 'InternalFailure');
  assert.equal(toSqsError('weird').code, 'InternalFailure');
});

test('AWS-recorded message rules (docs/aws-differential.md)', () => {
  // Names: letters of any script are fine; `§` and `!` are not.
  validateMessageAttributes({ 'attr.1øßä': { DataType: 'String', StringValue: 'Valida' } }, 'user');
  for (const bad of ['Invalid-§-attr', 'Invalid-!-attr', 'Invalid-?-attr']) {
    throwsSqs(() => validateMessageAttributes({ [bad]: { DataType: 'String', StringValue: 'v' } }, 'user'), 'InvalidParameterValue', /invalid/);
  }
  // A control character in a String value is InvalidParameterValue (not InvalidMessageContents).
  throwsSqs(() => validateMessageAttributes({ a: { DataType: 'String', StringValue: 'x\u0008' } }, 'user'), 'InvalidParameterValue', /#x8/);
  // FIFO ids: a given-but-empty dedup id is its format error, before the missing-id rules.
  const fmt = fifoIdError({ MessageBody: 'b', MessageGroupId: 'g', MessageDeduplicationId: '' }, false, false);
  assert.equal(
    fmt?.message,
    'Value  for parameter MessageDeduplicationId is invalid. Reason: MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.',
  );
  assert.equal(fifoIdError({ MessageBody: 'b', MessageGroupId: 'g' }, false, false)?.code, 'InvalidParameterValue');
  assert.equal(fifoIdError({ MessageBody: 'b', MessageDeduplicationId: 'd' }, false, false)?.code, 'MissingParameter');
  // Batch: an empty id still fails the whole batch as missing.
  assert.equal(fifoIdError({ MessageBody: 'b', MessageGroupId: '' }, true, true)?.message, 'The request must contain the parameter MessageGroupId.');
  // Batch entries over MaximumMessageSize have their own wording.
  throwsSqs(
    () => validateMessage({ MessageBody: 'x'.repeat(1025) }, false, 1024, true),
    'InvalidParameterValue',
    'One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.',
  );
  throwsSqs(
    () => validateMessage({ MessageBody: 'x'.repeat(1025) }, false, 1024),
    'InvalidParameterValue',
    'One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.',
  );
});
