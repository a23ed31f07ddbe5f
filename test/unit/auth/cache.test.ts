/**
 * The decision cache and the compiled-policy cache: cacheable decisions are reused per (principal,
 * resource, action) until invalidate(); context-dependent ones never are; both caches are bounded.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  DecisionCache,
  PolicyError,
  QueuePolicyCache,
  authorizeCached,
  compileIdentityPolicy,
  compileQueuePolicy,
  type AuthorizationRequest,
} from '../../../src/auth/policy/index.js';
import { T0, user } from './helpers.js';

const Q = 'arn:aws:sqs:us-east-1:111122223333:q';
const alice = user('111122223333', 'alice');
const sendOnly = compileIdentityPolicy({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: Q } }, 'send');
const tlsOnly = compileIdentityPolicy(
  {
    Version: '2012-10-17',
    Statement: { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: Q, Condition: { Bool: { 'aws:SecureTransport': 'true' } } },
  },
  'tls',
);
const req = (over: Partial<AuthorizationRequest> = {}): AuthorizationRequest => ({
  principal: alice,
  action: 'SendMessage',
  resource: Q,
  identityPolicies: [sendOnly],
  context: { now: T0 },
  ...over,
});

test('a cacheable decision is computed once per (principal, resource, action)', () => {
  const cache = new DecisionCache();
  const first = authorizeCached(cache, req());
  assert.equal(first.allowed, true);
  assert.equal(cache.size, 1);
  assert.equal(authorizeCached(cache, req()), first, 'the same object comes back');
  // Other action, other resource, other principal: separate entries.
  assert.equal(authorizeCached(cache, req({ action: 'ReceiveMessage' })).allowed, false);
  assert.equal(authorizeCached(cache, req({ resource: `${Q}2` })).allowed, false);
  assert.equal(authorizeCached(cache, req({ principal: user('111122223333', 'bob') })).allowed, true);
  assert.equal(cache.size, 4);
});

test('invalidate(): a policy change is seen at once', () => {
  const cache = new DecisionCache();
  assert.equal(authorizeCached(cache, req()).allowed, true);
  const v = cache.version;
  // The caller's policies changed (a reload): without invalidate the stale allow would be served.
  const deny = compileIdentityPolicy({ Version: '2012-10-17', Statement: { Effect: 'Deny', Action: 'sqs:*', Resource: '*' } }, 'deny');
  assert.equal(authorizeCached(cache, req({ identityPolicies: [sendOnly, deny] })).allowed, true, 'stale until invalidated');
  cache.invalidate();
  assert.equal(cache.version, v + 1);
  assert.equal(cache.size, 0);
  assert.equal(authorizeCached(cache, req({ identityPolicies: [sendOnly, deny] })).allowed, false);
});

test('a decision that read the request context is never cached', () => {
  const cache = new DecisionCache();
  const over = { identityPolicies: [tlsOnly] };
  assert.equal(authorizeCached(cache, req({ ...over, context: { now: T0, secureTransport: true } })).allowed, true);
  assert.equal(cache.size, 0);
  assert.equal(authorizeCached(cache, req({ ...over, context: { now: T0, secureTransport: false } })).allowed, false);
  assert.equal(cache.size, 0);
});

test('bounded: the oldest entries go first', () => {
  const cache = new DecisionCache(3);
  for (const name of ['a', 'b', 'c', 'd']) authorizeCached(cache, req({ principal: user('111122223333', name) }));
  assert.equal(cache.size, 3);
  assert.equal(cache.get('arn:aws:iam::111122223333:user/a', Q, 'SendMessage'), undefined);
  assert.ok(cache.get('arn:aws:iam::111122223333:user/d', Q, 'SendMessage'));
});

test('the principal key defaults to the ARN and can be the access key', () => {
  const cache = new DecisionCache();
  authorizeCached(cache, req(), 'AKIAALICE');
  assert.ok(cache.get('AKIAALICE', Q, 'SendMessage'));
  assert.equal(cache.get(alice.arn, Q, 'SendMessage'), undefined);
});

test('QueuePolicyCache compiles a stored policy once per text and reports a broken one', () => {
  const cache = new QueuePolicyCache(2);
  const text = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: Q } });
  const a = cache.get('q1', text);
  assert.ok(!(a instanceof PolicyError));
  assert.equal(cache.get('q1', text), a, 'same text: same compiled policy');
  assert.equal(a.name, 'q1');
  const changed = text.replace('SendMessage', 'ReceiveMessage');
  assert.notEqual(cache.get('q1', changed), a, 'changed text: recompiled');
  // A stored policy that no longer compiles comes back as its error (the caller fails closed).
  const broken = cache.get('q2', '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*"}]}');
  assert.ok(broken instanceof PolicyError);
  cache.get('q3', text);
  assert.equal(cache.size, 2);
  cache.delete('q3');
  assert.equal(cache.size, 1);
  assert.deepEqual(compileQueuePolicy(text, 'x').name, 'x');
});
