/**
 * QueueUrl parsing, and its shared cache: the cached parse answers exactly what the parser does (for
 * valid and invalid values alike), keeps one frozen result per URL, and does not keep huge values.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseQueueUrl, parseQueueUrlCached } from '../../../src/core/queue-url.js';

const SAMPLES = [
  'http://127.0.0.1:4566/000000000000/orders',
  'https://sqs.us-east-1.amazonaws.com/123456789012/orders.fifo',
  '/000000000000/orders',
  '/orders',
  '/queue/orders/',
  'http://localhost:9324/000000000000/a%20b',
  'http://localhost:9324/000000000000/bad%E0%A4%A',
  'orders',
  'http://',
  '/',
  '',
];

describe('parseQueueUrlCached', () => {
  it('answers what parseQueueUrl answers, the first time and from the cache', () => {
    for (let round = 0; round < 2; round++) {
      for (const u of SAMPLES) assert.deepEqual(parseQueueUrlCached(u), parseQueueUrl(u), `${JSON.stringify(u)} (round ${round})`);
    }
  });

  it('keeps one frozen result per URL', () => {
    const u = 'http://127.0.0.1:4566/000000000000/cached-one';
    const a = parseQueueUrlCached(u);
    assert.equal(parseQueueUrlCached(u), a);
    assert.ok(Object.isFrozen(a));
    assert.deepEqual(a, { accountId: '000000000000', name: 'cached-one' });
  });

  it('parses a huge value without keeping it', () => {
    const u = `http://127.0.0.1:4566/000000000000/${'x'.repeat(10_000)}`;
    const a = parseQueueUrlCached(u);
    assert.deepEqual(a, parseQueueUrl(u));
    assert.notEqual(parseQueueUrlCached(u), a, 'not cached: a fresh parse each time');
  });
});
