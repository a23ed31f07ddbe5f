/**
 * Condition operators × present/absent keys, as IAM documents them ("IAM JSON policy elements:
 * Condition operators"; "Single-valued vs. multivalued context keys"; "Conditions with multiple
 * context keys or values"): every family, the negated forms, `…IfExists`, Null, `ForAnyValue:` /
 * `ForAllValues:`, policy variables, and case rules. Each row is one Allow statement (Principal "*")
 * with the condition; the row's result is whether it allows a same-account user.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { RequestContext } from '../../../src/auth/policy/index.js';
import { T0, decide, user } from './helpers.js';

const Q = 'arn:aws:sqs:us-east-1:111122223333:q';
const ALICE = user('111122223333', 'alice', { userId: 'AIDAALICE' });

function holds(condition: Record<string, unknown>, context: Partial<RequestContext> = {}, version = '2012-10-17'): boolean {
  const policy = { Version: version, Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: Q, Condition: condition }] };
  return decide({ principal: ALICE, action: 'SendMessage', resource: Q, queuePolicy: policy, context }).allowed;
}

type Row = [label: string, condition: Record<string, unknown>, context: Partial<RequestContext>, expected: boolean];

function rows(name: string, list: readonly Row[]): void {
  for (const [label, condition, context, expected] of list) {
    test(`${name}: ${label}`, () => assert.equal(holds(condition, context), expected, JSON.stringify(condition)));
  }
}

const UA = { userAgent: 'aws-cli/2.15.0 Python/3.11' };

rows('String', [
  ['StringEquals match', { StringEquals: { 'aws:UserAgent': 'aws-cli/2.15.0 Python/3.11' } }, UA, true],
  ['StringEquals is case-sensitive', { StringEquals: { 'aws:UserAgent': 'AWS-CLI/2.15.0 Python/3.11' } }, UA, false],
  ['StringEquals values are ORed', { StringEquals: { 'aws:UserAgent': ['x', 'aws-cli/2.15.0 Python/3.11'] } }, UA, true],
  ['StringEquals absent key', { StringEquals: { 'aws:UserAgent': 'x' } }, {}, false],
  ['StringEqualsIfExists absent key', { StringEqualsIfExists: { 'aws:UserAgent': 'x' } }, {}, true],
  ['StringEqualsIfExists present, no match', { StringEqualsIfExists: { 'aws:UserAgent': 'x' } }, UA, false],
  ['StringNotEquals no match', { StringNotEquals: { 'aws:UserAgent': 'x' } }, UA, true],
  ['StringNotEquals values are NORed', { StringNotEquals: { 'aws:UserAgent': ['x', 'aws-cli/2.15.0 Python/3.11'] } }, UA, false],
  ['StringNotEquals absent key is true', { StringNotEquals: { 'aws:UserAgent': 'x' } }, {}, true],
  ['StringNotEqualsIfExists absent key', { StringNotEqualsIfExists: { 'aws:UserAgent': 'x' } }, {}, true],
  ['StringEqualsIgnoreCase', { StringEqualsIgnoreCase: { 'aws:UserAgent': 'AWS-CLI/2.15.0 PYTHON/3.11' } }, UA, true],
  ['StringNotEqualsIgnoreCase', { StringNotEqualsIgnoreCase: { 'aws:UserAgent': 'AWS-CLI/2.15.0 PYTHON/3.11' } }, UA, false],
  ['StringNotEqualsIgnoreCase absent key', { StringNotEqualsIgnoreCase: { 'aws:UserAgent': 'x' } }, {}, true],
  ['StringLike *', { StringLike: { 'aws:UserAgent': 'aws-cli/*' } }, UA, true],
  ['StringLike ?', { StringLike: { 'aws:UserAgent': 'aws-cli/2.1?.0*' } }, UA, true],
  ['StringLike is case-sensitive', { StringLike: { 'aws:UserAgent': 'AWS-CLI/*' } }, UA, false],
  ['StringLike must match the whole value', { StringLike: { 'aws:UserAgent': 'cli/*' } }, UA, false],
  ['StringLike * crosses colons and slashes', { StringLike: { 'aws:SourceArn': 'arn:aws:sns:*' } }, { sourceArn: 'arn:aws:sns:us-east-1:1:t' }, true],
  ['StringLike absent key', { StringLike: { 'aws:UserAgent': '*' } }, {}, false],
  ['StringNotLike', { StringNotLike: { 'aws:UserAgent': 'boto3/*' } }, UA, true],
  ['StringNotLike matching value', { StringNotLike: { 'aws:UserAgent': 'aws-cli/*' } }, UA, false],
  ['StringNotLike absent key', { StringNotLike: { 'aws:UserAgent': 'x*' } }, {}, true],
  ['StringLikeIfExists absent key', { StringLikeIfExists: { 'aws:UserAgent': 'x*' } }, {}, true],
]);

const AT = (iso: string) => ({ now: Date.parse(iso) });
rows('Numeric (aws:EpochTime)', [
  ['NumericEquals', { NumericEquals: { 'aws:EpochTime': String(T0 / 1000) } }, {}, true],
  ['NumericEquals other', { NumericEquals: { 'aws:EpochTime': '1' } }, {}, false],
  ['NumericNotEquals', { NumericNotEquals: { 'aws:EpochTime': '1' } }, {}, true],
  ['NumericLessThan', { NumericLessThan: { 'aws:EpochTime': String(T0 / 1000 + 1) } }, {}, true],
  ['NumericLessThan equal is false', { NumericLessThan: { 'aws:EpochTime': String(T0 / 1000) } }, {}, false],
  ['NumericLessThanEquals equal', { NumericLessThanEquals: { 'aws:EpochTime': String(T0 / 1000) } }, {}, true],
  ['NumericGreaterThan', { NumericGreaterThan: { 'aws:EpochTime': '1233403199' } }, {}, true],
  ['NumericGreaterThanEquals', { NumericGreaterThanEquals: { 'aws:EpochTime': String(T0 / 1000 + 1) } }, {}, false],
  ['a JSON number value', { NumericGreaterThan: { 'aws:EpochTime': 1 } }, {}, true],
  ['a decimal value', { NumericLessThan: { 'aws:EpochTime': '1233406800.5' } }, {}, true],
  ['absent key', { NumericEquals: { 'sqs:Depth': '1' } }, {}, false],
  ['NumericNotEquals absent key', { NumericNotEquals: { 'sqs:Depth': '1' } }, {}, true],
  ['NumericEqualsIfExists absent key', { NumericEqualsIfExists: { 'sqs:Depth': '1' } }, {}, true],
  ['a non-numeric request value never matches', { NumericLessThan: { 'sqs:Depth': '10' } }, { extra: { 'sqs:Depth': 'many' } }, false],
  ['a service key from the context', { NumericLessThan: { 'sqs:Depth': '10' } }, { extra: { 'sqs:Depth': '3' } }, true],
]);

rows('Date', [
  ['DateEquals', { DateEquals: { 'aws:CurrentTime': '2009-01-31T13:00:00Z' } }, {}, true],
  ['DateEquals epoch seconds', { DateEquals: { 'aws:CurrentTime': String(T0 / 1000) } }, {}, true],
  ['DateNotEquals', { DateNotEquals: { 'aws:CurrentTime': '2009-01-31' } }, {}, true],
  ['DateGreaterThan a day (midnight UTC)', { DateGreaterThan: { 'aws:CurrentTime': '2009-01-31' } }, {}, true],
  ['DateLessThan with an offset', { DateLessThan: { 'aws:CurrentTime': '2009-01-31T14:30:00+01:00' } }, {}, true],
  ['DateLessThanEquals with an offset, equal', { DateLessThanEquals: { 'aws:CurrentTime': '2009-01-31T14:00:00+01:00' } }, {}, true],
  ['DateGreaterThanEquals, later', { DateGreaterThanEquals: { 'aws:CurrentTime': '2009-02' } }, {}, false],
  ['a time without a zone is UTC', { DateEquals: { 'aws:CurrentTime': '2009-01-31T13:00' } }, {}, true],
  ['aws:EpochTime with a date operator', { DateGreaterThan: { 'aws:EpochTime': '2009-01-31T12:59:59Z' } }, {}, true],
  ['moving time', { DateLessThan: { 'aws:CurrentTime': '2010-01-01T00:00Z' } }, AT('2010-01-01T00:00:01Z'), false],
  ['absent key (aws:TokenIssueTime: never set by Ferry)', { DateGreaterThan: { 'aws:TokenIssueTime': '2000-01-01' } }, {}, false],
  ['DateNotEquals absent key', { DateNotEquals: { 'aws:TokenIssueTime': '2000-01-01' } }, {}, true],
  ['DateGreaterThanIfExists absent key', { DateGreaterThanIfExists: { 'aws:TokenIssueTime': '2000-01-01' } }, {}, true],
]);

rows('Bool', [
  ['true', { Bool: { 'aws:SecureTransport': 'true' } }, { secureTransport: true }, true],
  ['JSON true', { Bool: { 'aws:SecureTransport': true } }, { secureTransport: true }, true],
  ['false value', { Bool: { 'aws:SecureTransport': 'false' } }, { secureTransport: true }, false],
  ['plain HTTP', { Bool: { 'aws:SecureTransport': 'false' } }, { secureTransport: false }, true],
  ['case of the value', { Bool: { 'aws:SecureTransport': 'TRUE' } }, { secureTransport: true }, true],
  ['absent key', { Bool: { 'aws:SecureTransport': 'false' } }, {}, false],
  ['BoolIfExists absent key', { BoolIfExists: { 'aws:SecureTransport': 'false' } }, {}, true],
]);

const FROM = (ip: string) => ({ sourceIp: ip });
rows('IpAddress', [
  ['in a /24', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, FROM('203.0.113.255'), true],
  ['outside a /24', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, FROM('203.0.112.255'), false],
  ['a bare address is /32', { IpAddress: { 'aws:SourceIp': '203.0.113.7' } }, FROM('203.0.113.7'), true],
  ['a bare address, another one', { IpAddress: { 'aws:SourceIp': '203.0.113.7' } }, FROM('203.0.113.8'), false],
  ['/0 matches every IPv4 address', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, FROM('8.8.8.8'), true],
  ['an odd prefix', { IpAddress: { 'aws:SourceIp': '10.0.0.0/9' } }, FROM('10.127.255.255'), true],
  ['an odd prefix, outside', { IpAddress: { 'aws:SourceIp': '10.0.0.0/9' } }, FROM('10.128.0.0'), false],
  [
    'IPv4 and IPv6 ranges together (IAM example)',
    { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:DB8:1234:5678::/64'] } },
    FROM('2001:db8:1234:5678:abcd::1'),
    true,
  ],
  ['IPv6 outside the /64', { IpAddress: { 'aws:SourceIp': '2001:DB8:1234:5678::/64' } }, FROM('2001:db8:1234:5679::1'), false],
  ['IPv6 loopback', { IpAddress: { 'aws:SourceIp': '::1/128' } }, FROM('::1'), true],
  ['IPv4-mapped request address counts as IPv4', { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } }, FROM('::ffff:127.0.0.1'), true],
  ['an IPv4 address is not in an IPv6 range', { IpAddress: { 'aws:SourceIp': '::/0' } }, FROM('127.0.0.1'), false],
  ['an unparsable request address matches nothing', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, FROM('localhost'), false],
  ['absent key', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, {}, false],
  ['NotIpAddress outside', { NotIpAddress: { 'aws:SourceIp': '192.0.2.0/24' } }, FROM('198.51.100.1'), true],
  ['NotIpAddress inside', { NotIpAddress: { 'aws:SourceIp': '192.0.2.0/24' } }, FROM('192.0.2.1'), false],
  ['NotIpAddress absent key', { NotIpAddress: { 'aws:SourceIp': '192.0.2.0/24' } }, {}, true],
  ['IpAddressIfExists absent key', { IpAddressIfExists: { 'aws:SourceIp': '192.0.2.0/24' } }, {}, true],
]);

const SRC = { sourceArn: 'arn:aws:sns:us-east-1:123456789012:orders' };
rows('Arn', [
  ['ArnEquals', { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:orders' } }, SRC, true],
  ['ArnLike wildcard region', { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:123456789012:orders' } }, SRC, true],
  ['ArnEquals takes wildcards too', { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:*:123456789012:ord*' } }, SRC, true],
  ['ArnLike is case-sensitive', { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:123456789012:Orders' } }, SRC, false],
  [
    'ArnLike compares component by component (IAM example: StringLike matches, ArnLike does not)',
    { ArnLike: { 'aws:SourceArn': 'arn:aws:someservice:*:111122223333:finance/*' } },
    { sourceArn: 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt' },
    false,
  ],
  [
    '… and StringLike matches the same pair',
    { StringLike: { 'aws:SourceArn': 'arn:aws:someservice:*:111122223333:finance/*' } },
    { sourceArn: 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt' },
    true,
  ],
  ['ArnLike absent key (a direct call has no aws:SourceArn)', { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*' } }, {}, false],
  ['ArnNotEquals', { ArnNotEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:other' } }, SRC, true],
  ['ArnNotLike matching', { ArnNotLike: { 'aws:SourceArn': 'arn:aws:sns:*:*:*' } }, SRC, false],
  ['ArnNotLike absent key', { ArnNotLike: { 'aws:SourceArn': 'arn:aws:sns:*:*:*' } }, {}, true],
  ['ArnLikeIfExists absent key', { ArnLikeIfExists: { 'aws:SourceArn': 'arn:aws:sns:*:*:*' } }, {}, true],
  ['aws:PrincipalArn', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:user/*' } }, {}, true],
]);

rows('Null', [
  ['true: key absent', { Null: { 'aws:SourceArn': 'true' } }, {}, true],
  ['true: key present', { Null: { 'aws:SourceArn': 'true' } }, SRC, false],
  ['false: key present', { Null: { 'aws:SourceArn': 'false' } }, SRC, true],
  ['false: key absent', { Null: { 'aws:SourceArn': 'false' } }, {}, false],
  ['JSON boolean value', { Null: { 'aws:SourceIp': false } }, FROM('1.2.3.4'), true],
  ['an empty multivalued key counts as absent', { Null: { 'aws:TagKeys': 'true' } }, { tagKeys: [] }, true],
]);

const TAGS = { requestTags: { team: 'orders', env: 'prod' } };
rows('multivalued keys and set operators (aws:TagKeys)', [
  ['ForAllValues: every key allowed', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env', 'owner'] } }, TAGS, true],
  ['ForAllValues: one key not allowed', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } }, TAGS, false],
  ['ForAllValues: absent key is true', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } }, {}, true],
  ['ForAllValues: empty key is true', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } }, { tagKeys: [] }, true],
  ['ForAllValues:StringLike', { 'ForAllValues:StringLike': { 'aws:TagKeys': ['t*', 'e*'] } }, TAGS, true],
  [
    'ForAllValues:StringNotLike (IAM: key2:audit only)',
    { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'key1*' } },
    { tagKeys: ['key2:audit'] },
    true,
  ],
  ['ForAllValues:StringNotLike (IAM: key1:legal)', { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'key1*' } }, { tagKeys: ['key1:legal'] }, false],
  ['ForAllValues:StringNotLike (IAM: no aws:TagKeys)', { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'key1*' } }, {}, true],
  ['ForAnyValue: one key matches', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env'] } }, TAGS, true],
  ['ForAnyValue: none matches', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['owner'] } }, TAGS, false],
  ['ForAnyValue: absent key is false', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env'] } }, {}, false],
  ['ForAnyValue: empty key is false', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env'] } }, { tagKeys: [] }, false],
  ['ForAnyValue…IfExists: absent key is true', { 'ForAnyValue:StringEqualsIfExists': { 'aws:TagKeys': ['env'] } }, {}, true],
  ['ForAnyValue:StringNotEquals: some key outside the list', { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['team'] } }, TAGS, true],
  ['ForAnyValue:StringNotEquals: every key in the list', { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['team', 'env'] } }, TAGS, false],
  ['set operator names ignore case', { 'forallvalues:stringequals': { 'aws:TagKeys': ['team', 'env'] } }, TAGS, true],
  ['a multivalued key without a set operator: any value matching', { StringEquals: { 'aws:TagKeys': 'env' } }, TAGS, true],
  ['… negated: no value may match', { StringNotEquals: { 'aws:TagKeys': 'env' } }, TAGS, false],
  ['UntagQueue keys given explicitly', { 'ForAllValues:StringLike': { 'aws:TagKeys': 'tmp-*' } }, { tagKeys: ['tmp-1', 'tmp-2'] }, true],
  ['a single-valued key with ForAnyValue', { 'ForAnyValue:StringLike': { 'aws:UserAgent': ['boto3*', 'aws-cli*'] } }, UA, true],
]);

rows('tags and principal keys', [
  ['aws:RequestTag/<key>', { StringEquals: { 'aws:RequestTag/team': 'orders' } }, TAGS, true],
  ['aws:RequestTag: tag key case is ignored', { StringEquals: { 'aws:RequestTag/TEAM': 'orders' } }, TAGS, true],
  ['aws:RequestTag: value case is not', { StringEquals: { 'aws:RequestTag/team': 'Orders' } }, TAGS, false],
  ['aws:RequestTag absent', { StringEquals: { 'aws:RequestTag/owner': 'x' } }, TAGS, false],
  ['aws:ResourceTag/<key>', { StringEquals: { 'aws:ResourceTag/env': 'dev' } }, { resourceTags: { env: 'dev' } }, true],
  ['aws:ResourceTag absent', { StringEquals: { 'aws:ResourceTag/env': 'dev' } }, {}, false],
  ['aws:PrincipalAccount', { StringEquals: { 'aws:PrincipalAccount': '111122223333' } }, {}, true],
  ['aws:PrincipalArn', { StringEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:user/alice' } }, {}, true],
  ['aws:username', { StringEquals: { 'aws:username': 'alice' } }, {}, true],
  ['aws:userid', { StringEquals: { 'aws:userid': 'AIDAALICE' } }, {}, true],
  ['aws:PrincipalType', { StringEquals: { 'aws:PrincipalType': 'User' } }, {}, true],
  ['aws:SourceAccount', { StringEquals: { 'aws:SourceAccount': '123456789012' } }, { sourceAccount: '123456789012' }, true],
  ['aws:SourceAccount absent', { StringEquals: { 'aws:SourceAccount': '123456789012' } }, {}, false],
  ['an unknown key does not match', { StringEquals: { 'aws:NoSuchKey': 'x' } }, {}, false],
  ['an unknown key under a negated operator holds', { StringNotEquals: { 'aws:NoSuchKey': 'x' } }, {}, true],
  ['key names ignore case', { StringEquals: { 'AWS:USERNAME': 'alice' } }, {}, true],
  ['operator names ignore case', { stringequals: { 'aws:username': 'alice' } }, {}, true],
]);

rows('logic', [
  [
    'two operators: AND (both true)',
    { StringEquals: { 'aws:username': 'alice' }, Bool: { 'aws:SecureTransport': 'true' } },
    { secureTransport: true },
    true,
  ],
  [
    'two operators: AND (one false)',
    { StringEquals: { 'aws:username': 'alice' }, Bool: { 'aws:SecureTransport': 'true' } },
    { secureTransport: false },
    false,
  ],
  ['two keys under one operator: AND', { StringEquals: { 'aws:username': 'alice', 'aws:PrincipalAccount': '999999999999' } }, {}, false],
]);

rows('policy variables in condition values', [
  ['StringEquals ${aws:username}', { StringEquals: { 'aws:RequestTag/owner': '${aws:username}' } }, { requestTags: { owner: 'alice' } }, true],
  ['StringLike with a variable and a wildcard', { StringLike: { 'aws:UserAgent': '*${aws:username}*' } }, { userAgent: 'app/alice/1' }, true],
  [
    'a variable value is literal, not a wildcard',
    { StringLike: { 'aws:RequestTag/owner': '${aws:RequestTag/pattern}' } },
    { requestTags: { owner: 'abc', pattern: 'a*' } },
    false,
  ],
  ['${*} is a literal asterisk', { StringLike: { 'aws:RequestTag/owner': 'a${*}' } }, { requestTags: { owner: 'a*' } }, true],
  ['${*} is not a wildcard', { StringLike: { 'aws:RequestTag/owner': 'a${*}' } }, { requestTags: { owner: 'abc' } }, false],
  ['a default value', { StringEquals: { 'aws:RequestTag/owner': "${aws:SourceAccount, 'nobody'}" } }, { requestTags: { owner: 'nobody' } }, true],
  [
    'an unresolvable variable: the statement does not apply',
    { StringNotEquals: { 'aws:RequestTag/owner': '${aws:SourceAccount}' } },
    { requestTags: { owner: 'x' } },
    false,
  ],
  [
    'ArnLike with ${aws:PrincipalAccount}',
    { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:${aws:PrincipalAccount}:*' } },
    { sourceArn: 'arn:aws:sns:us-east-1:111122223333:t' },
    true,
  ],
]);

test('policy variables: a 2008-10-17 policy reads them literally', () => {
  assert.equal(holds({ StringEquals: { 'aws:RequestTag/owner': '${aws:username}' } }, { requestTags: { owner: 'alice' } }, '2008-10-17'), false);
  assert.equal(
    holds({ StringEquals: { 'aws:RequestTag/owner': '${aws:username}' } }, { requestTags: { owner: '${aws:username}' } }, '2008-10-17'),
    true,
  );
});

test('cacheability follows what the conditions read', () => {
  const policy = (condition: Record<string, unknown>) => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: Q, Condition: condition }],
  });
  const d = (condition: Record<string, unknown>) => decide({ principal: ALICE, action: 'SendMessage', resource: Q, queuePolicy: policy(condition) });
  assert.equal(d({ StringEquals: { 'aws:username': 'alice' } }).cacheable, true, 'principal keys only');
  assert.equal(d({ StringEquals: { 'aws:RequestTag/o': '${aws:username}' } }).cacheable, false, 'a request key');
  assert.equal(d({ StringEquals: { 'aws:PrincipalArn': '${aws:SourceArn}' } }).cacheable, false, 'a variable of a request key');
  assert.equal(d({ Bool: { 'aws:SecureTransport': 'true' } }).cacheable, false);
  // A statement whose action does not match is never consulted.
  const other = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:PurgeQueue', Resource: Q, Condition: { Bool: { 'aws:SecureTransport': 'true' } } }],
  };
  assert.equal(decide({ principal: ALICE, action: 'SendMessage', resource: Q, queuePolicy: other }).cacheable, true);
});
