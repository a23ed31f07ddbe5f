/**
 * The building blocks: glob and ARN matching, policy-variable templates, IP/CIDR parsing and
 * containment, dates and numbers.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseDate, parseNumber, parseOperator } from '../../../src/auth/policy/conditions.js';
import { cidrContains, parseCidr, parseIp } from '../../../src/auth/policy/ip.js';
import { compileGlob, parseTemplate, resolveTemplate } from '../../../src/auth/policy/wildcard.js';

test('glob: exact, *, ?, prefix, suffix, middle; regex characters are literal', () => {
  const m = (p: string, s: string) => compileGlob(p, 'glob')(s);
  assert.ok(m('abc', 'abc'));
  assert.ok(!m('abc', 'abcd'));
  assert.ok(m('*', ''));
  assert.ok(m('*', 'anything:at/all'));
  assert.ok(m('ab*', 'ab'));
  assert.ok(m('ab*', 'abxyz'));
  assert.ok(!m('ab*', 'xab'));
  assert.ok(m('*yz', 'xyz'));
  assert.ok(m('a*c*e', 'abcde'));
  assert.ok(!m('a*c*e', 'abcdef'));
  assert.ok(m('a?c', 'abc'));
  assert.ok(!m('a?c', 'ac'));
  assert.ok(m('a.c', 'a.c'));
  assert.ok(!m('a.c', 'abc'));
  assert.ok(m('(x)[y]{z}+^$|\\', '(x)[y]{z}+^$|\\'));
  assert.ok(m('line*', 'line\nbreak'));
});

test('ARN: wildcards stay in their component except in the resource part or at the end', () => {
  const m = (p: string, s: string) => compileGlob(p, 'arn')(s);
  const q = 'arn:aws:sqs:us-east-1:111122223333:orders';
  assert.ok(m(q, q));
  assert.ok(m('arn:aws:sqs:*:111122223333:orders', q));
  assert.ok(m('arn:aws:sqs:us-east-?:111122223333:orders', q));
  assert.ok(m('arn:aws:sqs:*:*:*', q));
  assert.ok(m('arn:aws:sqs:*', q));
  assert.ok(m('arn:aws:*', q));
  assert.ok(m('*', q));
  assert.ok(!m('arn:aws:sqs:*:orders', q), 'a mid-pattern * does not swallow the account');
  assert.ok(!m('arn:aws:sqs:us-east-1:111122223333:Orders', q));
  assert.ok(m('arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a:b/c'), 'the resource part may hold colons');
  assert.ok(m('arn:aws:s3:::*/x', 'arn:aws:s3:::bucket/x'));
});

test('templates: variables, defaults, escapes, unterminated text', () => {
  assert.equal(parseTemplate('no variables'), undefined);
  const t = parseTemplate("arn:aws:sqs:*:*:${aws:username}-${aws:userid, 'anon'}-${*}${?}${$}")!;
  assert.deepEqual(t.keys, ['aws:username', 'aws:userid']);
  const r = resolveTemplate(t, (k) => (k === 'aws:username' ? 'al*ce' : undefined))!;
  assert.equal(r.text, 'arn:aws:sqs:*:*:al*ce-anon-*?$');
  // Only the pattern's own wildcards are wildcards.
  assert.ok(compileGlob(r.text, 'arn', r.wild)('arn:aws:sqs:us-east-1:1:al*ce-anon-*?$'));
  assert.ok(!compileGlob(r.text, 'arn', r.wild)('arn:aws:sqs:us-east-1:1:alice-anon-xy$'));
  assert.equal(
    resolveTemplate(parseTemplate('${aws:username}')!, () => undefined),
    undefined,
  );
  assert.deepEqual(parseTemplate('${not closed')!.parts, [{ kind: 'text', text: '${not closed' }]);
  assert.deepEqual(parseTemplate('a${}b')!.parts, [{ kind: 'text', text: 'a${}b' }]);
  assert.deepEqual(parseTemplate('${AWS:UserName}')!.keys, ['aws:username']);
});

test('IP: IPv4, IPv6, IPv4-mapped, CIDR parsing and containment', () => {
  assert.deepEqual(parseIp('192.0.2.1'), { v6: false, words: [0xc0000201] });
  assert.deepEqual(parseIp('::ffff:192.0.2.1'), { v6: false, words: [0xc0000201] });
  assert.deepEqual(parseIp('::ffff:c000:201'), { v6: false, words: [0xc0000201] });
  assert.deepEqual(parseIp('2001:db8::1'), { v6: true, words: [0x20010db8, 0, 0, 1] });
  assert.deepEqual(parseIp('fe80::1%eth0'), { v6: true, words: [0xfe800000, 0, 0, 1] });
  assert.deepEqual(parseIp('1:2:3:4:5:6:7:8'), { v6: true, words: [0x10002, 0x30004, 0x50006, 0x70008] });
  for (const bad of ['256.0.0.1', '1.2.3', '1.2.3.4.5', '01234.1.1.1', 'x', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', '', '::ffff:1.2.3.999']) {
    assert.equal(parseIp(bad), undefined, bad);
  }
  assert.deepEqual(parseCidr('10.0.0.0/8'), { v6: false, words: [0x0a000000], prefix: 8 });
  assert.deepEqual(parseCidr('2001:DB8:1234:5678::/64'), { v6: true, words: [0x20010db8, 0x12345678, 0, 0], prefix: 64 });
  assert.equal(parseCidr('10.0.0.0/33'), undefined);
  assert.equal(parseCidr('::/129'), undefined);
  assert.equal(parseCidr('10.0.0.0/x'), undefined);
  const inside = (c: string, a: string) => cidrContains(parseCidr(c)!, parseIp(a)!);
  assert.ok(inside('10.0.0.0/8', '10.255.255.255'));
  assert.ok(!inside('10.0.0.0/8', '11.0.0.0'));
  assert.ok(inside('0.0.0.0/0', '255.255.255.255'));
  assert.ok(inside('192.0.2.188/32', '192.0.2.188'));
  assert.ok(!inside('192.0.2.188/32', '192.0.2.189'));
  assert.ok(inside('2001:db8::/32', '2001:db8:ffff::1'));
  assert.ok(!inside('2001:db8::/33', '2001:db8:8000::1'));
  assert.ok(inside('2001:db8::/33', '2001:db8:7fff::1'));
  assert.ok(inside('::/0', '::1'));
  assert.ok(inside('2001:db8::1/128', '2001:db8::1'));
  assert.ok(!inside('::/0', '127.0.0.1'), 'families do not mix');
});

test('dates and numbers', () => {
  assert.equal(parseDate('2009-01-31T12:00Z'), Date.UTC(2009, 0, 31, 12));
  assert.equal(parseDate('2009-01-31T12:00'), Date.UTC(2009, 0, 31, 12));
  assert.equal(parseDate('2009-01-31'), Date.UTC(2009, 0, 31));
  assert.equal(parseDate('2009-01'), Date.UTC(2009, 0, 1));
  assert.equal(parseDate('2009'), 2009 * 1000, 'all digits: epoch seconds, not a year');
  assert.equal(parseDate('2009-01-31T12:00:00.500+02:00'), Date.UTC(2009, 0, 31, 10, 0, 0, 500));
  assert.equal(parseDate('1233403200'), Date.UTC(2009, 0, 31, 12));
  assert.ok(Number.isNaN(parseDate('31/01/2009')));
  assert.ok(Number.isNaN(parseDate('2009-01-31 12:00')));
  assert.equal(parseNumber(' 1.5 '), 1.5);
  assert.equal(parseNumber('1e3'), 1000);
  assert.ok(Number.isNaN(parseNumber('')));
  assert.ok(Number.isNaN(parseNumber('ten')));
});

test('operator names', () => {
  assert.deepEqual(parseOperator('StringNotLikeIfExists'), { family: 'stringLike', negated: true, cmp: 'eq', ifExists: true });
  assert.deepEqual(parseOperator('ForAllValues:NumericLessThanEquals'), {
    family: 'numeric',
    negated: false,
    cmp: 'lte',
    ifExists: false,
    set: 'all',
  });
  assert.deepEqual(parseOperator('foranyvalue:arnlike'), { family: 'arn', negated: false, cmp: 'eq', ifExists: false, set: 'any' });
  assert.equal(parseOperator('Null')?.family, 'null');
  for (const bad of ['NullIfExists', 'ForAllValues:Null', 'StringEqual', 'IfExists', 'ForAnyValue:', 'StringEqualsIfExistsIfExists']) {
    assert.equal(parseOperator(bad), undefined, bad);
  }
});
