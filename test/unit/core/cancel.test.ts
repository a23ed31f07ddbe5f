import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Cancellation, NEVER_CANCELLED } from '../../../src/core/cancel.js';

test('Cancellation: listeners run once on abort; removed ones do not; late ones run at once', () => {
  const c = new Cancellation();
  const calls: string[] = [];
  c.onAbort(() => calls.push('a'));
  const off = c.onAbort(() => calls.push('b'));
  off();
  off(); // idempotent
  assert.equal(c.aborted, false);
  c.abort();
  c.abort(); // second abort is a no-op
  assert.equal(c.aborted, true);
  assert.deepEqual(calls, ['a']);
  c.onAbort(() => calls.push('late'));
  assert.deepEqual(calls, ['a', 'late']);
});

test('NEVER_CANCELLED never calls back', () => {
  let called = false;
  NEVER_CANCELLED.onAbort(() => (called = true))();
  assert.equal(NEVER_CANCELLED.aborted, false);
  assert.equal(called, false);
});
