/**
 * MD5 digests against values recorded from real Amazon SQS. Sources:
 *  - LocalStack's AWS-validated snapshots, tests/aws/services/sqs/test_sqs.snapshot.json
 *    (test_receive_message_message_attribute_names_filters, test_receive_message_attribute_names_filters,
 *    test_send_message_with_binary_attributes; recorded 14-11-2023 against AWS)
 *  - LocalStack unit test test_sqs_message_attrs_md5 (Number attribute `timestamp`)
 *  - wcharczuk/sqslite internal/sqslite/md5_test.go (String + Number attributes)
 * Body digests are cross-checked against aws-sdk v2's own checksum function.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';

import { md5Hex, md5OfAttributes } from '../../../src/core/md5.js';

const s = (v: string) => ({ DataType: 'String', StringValue: v });

test('MD5OfMessageBody matches AWS and aws-sdk v2', () => {
  assert.equal(md5Hex('msg'), '6e2baaf3b97dbeef01c0043275f9a0e7');
  assert.equal(md5Hex('test'), '098f6bcd4621d373cade4e832627b4f6');
  assert.equal(md5Hex('message-body-1'), '19c9e282d65f9733bc6b35d50062c7ee');
  const require = createRequire(import.meta.url);
  const AWS = require('aws-sdk') as { SQS: new (o: object) => { calculateChecksum(d: string): string } };
  const sqs = new AWS.SQS({ region: 'us-east-1' });
  for (const body of ['msg', 'héllo wörld ✓ 𝄞', '{"a":1}\r\n', 'x'.repeat(10000)]) {
    assert.equal(md5Hex(body), sqs.calculateChecksum(body));
  }
});

test('MD5OfMessageAttributes: String attributes recorded from AWS', () => {
  const all = { General: s('Kenobi'), Hello: s('There'), 'Help.Me': s('Me') };
  assert.equal(md5OfAttributes(all), '4c360f3fdafd970e05fae2f149d997f5');
  assert.equal(md5OfAttributes({ Hello: s('There'), General: s('Kenobi') }), 'fca026605781cb4126a1e9044df24232');
  assert.equal(md5OfAttributes({ Hello: s('There') }), 'a311262e065454b75da111d535b8dacd');
  assert.equal(md5OfAttributes({ 'Help.Me': s('Me'), Hello: s('There') }), '83fee93c1bcd8b9a5a923ffacdc636c7');
  assert.equal(md5OfAttributes({ Foo: s('Bar') }), 'ae7155c6026991b6d54b11589678bf9c');
});

test('MD5OfMessageAttributes: Number and Binary', () => {
  assert.equal(md5OfAttributes({ timestamp: { DataType: 'Number', StringValue: '1493147359900' } }), '235c5c510d26fb653d073faed50ae77c');
  assert.equal(md5OfAttributes({ ordinal: { DataType: 'Number', StringValue: '1' }, category: s('test') }), 'd21ae90c49061e927f57df5f5d72be1f');
  const bin = Buffer.from('traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01', 'latin1');
  assert.equal(md5OfAttributes({ attr1: { DataType: 'Binary', BinaryValue: bin } }), '8cbe4db156db8a94db8b801b7addb984');
});

test('MD5OfMessageAttributes is omitted without attributes', () => {
  assert.equal(md5OfAttributes({}), undefined);
  assert.equal(md5OfAttributes(undefined), undefined);
});
