/**
 * fastUuid (src/core/random.ts): the request and message ids of `systemRandom`. It must be exactly what
 * `crypto.randomUUID()` produces — a version-4, RFC 4122-variant UUID in lower-case hex — drawn from its
 * random pool without ever handing out the same bytes twice, across the pool's refills.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { fastUuid, systemRandom, UUID_POOL } from '../../../src/core/random.js';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('fastUuid', () => {
  it('makes version-4 UUIDs with the RFC 4122 variant, in lower-case hex, as crypto.randomUUID does', () => {
    for (let i = 0; i < 5 * UUID_POOL; i++) {
      const u = fastUuid();
      assert.match(u, V4);
    }
    assert.match(systemRandom.uuid(), V4);
  });

  it('never repeats, across several refills of its pool (and the ids are not a counter)', () => {
    const n = 10 * UUID_POOL + 7;
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) seen.add(fastUuid());
    assert.equal(seen.size, n);
    // Every hex digit outside the fixed version/variant positions takes many values: the bytes are random.
    const digits = [...seen].map((u) => u.replaceAll('-', ''));
    for (const pos of [0, 11, 31]) {
      const values = new Set(digits.map((d) => d[pos]));
      assert.ok(values.size >= 12, `position ${pos}: ${values.size} distinct digits`);
    }
  });

  it('returns an independent string each time (the scratch buffer behind it is reused)', () => {
    const a = fastUuid();
    const copy = `${a}`;
    fastUuid();
    assert.equal(a, copy);
    assert.equal(a.length, 36);
  });
});
