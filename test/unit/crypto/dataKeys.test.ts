/**
 * The LRU map under the data-key caches: recency order (a lookup of the most recent key skips the
 * move to the end, so the order must come out the same as with it), eviction and zeroing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { LruCache } from '../../../src/crypto/dataKeys.js';

describe('LruCache', () => {
  it('evicts the least recently used, whatever the mix of repeated and alternating lookups', () => {
    const evicted: string[] = [];
    const c = new LruCache<string, string>(3, (v) => evicted.push(v));
    c.set('a', 'A');
    c.set('b', 'B');
    c.set('c', 'C');
    assert.equal(c.get('a'), 'A');
    assert.equal(c.get('a'), 'A'); // the most recent again
    assert.equal(c.get('b'), 'B');
    c.set('d', 'D'); // c is the stalest now
    assert.deepEqual(evicted, ['C']);
    assert.equal(c.get('c'), undefined);
    c.delete('d'); // the most recent goes: a later lookup of another key must still move it
    assert.deepEqual(evicted, ['C', 'D']);
    assert.equal(c.get('a'), 'A'); // order now b, a
    c.set('e', 'E');
    c.set('f', 'F'); // over 3: b goes
    assert.deepEqual(evicted, ['C', 'D', 'B']);
    assert.equal(c.size, 3);
    c.get('a');
    c.set('g', 'G'); // e is the stalest (a was just used)
    assert.deepEqual(evicted, ['C', 'D', 'B', 'E']);
    c.clear();
    assert.equal(c.size, 0);
    c.set('a', 'A2');
    assert.equal(c.get('a'), 'A2');
  });
});
