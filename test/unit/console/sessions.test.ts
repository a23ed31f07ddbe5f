/** Console sessions, credential checks and login throttling: expiry, bounds, constant-time comparisons. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ManualClock } from '../../../src/core/clock.js';
import { SeededRandom } from '../../../src/core/random.js';
import { LoginThrottle, SessionStore, checkCredentials, tokensEqual } from '../../../src/console/sessions.js';

describe('console sessions', () => {
  it('issue random ids and CSRF tokens, and find live sessions by id', () => {
    const store = new SessionStore(new ManualClock(), new SeededRandom('s'));
    const a = store.create('AKIDA');
    const b = store.create(undefined);
    assert.match(a.id, /^[A-Za-z0-9_-]{43}$/);
    assert.match(a.csrfToken, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(new Set([a.id, a.csrfToken, b.id, b.csrfToken]).size, 4);
    assert.equal(store.get(a.id), a);
    assert.equal(store.get(a.id)?.accessKeyId, 'AKIDA');
    assert.equal(store.get(b.id)?.accessKeyId, undefined);
    assert.equal(store.get('nope'), undefined);
    assert.equal(store.get(undefined), undefined);
    store.delete(a.id);
    assert.equal(store.get(a.id), undefined);
  });

  it('expire after the idle timeout (use keeps them alive) and after the absolute lifetime', () => {
    const clock = new ManualClock();
    const store = new SessionStore(clock, new SeededRandom('s'), { idleMs: 1_000, lifetimeMs: 5_000 });
    const s = store.create('K');
    clock.advance(999);
    assert.ok(store.get(s.id));
    clock.advance(999);
    assert.ok(store.get(s.id), 'used 999 ms ago: still alive');
    clock.advance(1_000);
    assert.equal(store.get(s.id), undefined, 'idle for exactly the timeout: gone');

    const t = store.create('K');
    for (let i = 0; i < 5; i++) {
      clock.advance(900);
      assert.ok(store.get(t.id));
    }
    clock.advance(500);
    assert.equal(store.get(t.id), undefined, 'past the lifetime however busy');
  });

  it('hold at most maxSessions, dropping the least recently used', () => {
    const clock = new ManualClock();
    const store = new SessionStore(clock, new SeededRandom('s'), { maxSessions: 3 });
    const [a, b, c] = [store.create('a'), store.create('b'), store.create('c')];
    store.get(a.id); // a is now the most recently used
    const d = store.create('d');
    assert.equal(store.size, 3);
    assert.equal(store.get(b.id), undefined);
    for (const s of [a, c, d]) assert.ok(store.get(s.id));
    // Expired sessions are dropped as new ones arrive, so the store does not fill with the dead.
    clock.advance(DEFAULT_IDLE);
    store.create('e');
    assert.equal(store.size, 1);
  });

  it('compare CSRF tokens and secrets in constant time, whatever their lengths', () => {
    assert.equal(tokensEqual('abc', 'abc'), true);
    assert.equal(tokensEqual('abc', 'abd'), false);
    assert.equal(tokensEqual('abc', 'abcd'), false);
    assert.equal(tokensEqual('abc', ''), false);
    const keys = [
      { accessKeyId: 'AKID1', secretAccessKey: 's3cret' },
      { accessKeyId: 'AKID2', secretAccessKey: 'other' },
    ];
    assert.equal(checkCredentials(keys, 'AKID1', 's3cret'), true);
    assert.equal(checkCredentials(keys, 'AKID2', 'other'), true);
    assert.equal(checkCredentials(keys, 'AKID1', 'other'), false);
    assert.equal(checkCredentials(keys, 'AKID1', 's3cret '), false);
    assert.equal(checkCredentials(keys, 'AKID3', 's3cret'), false);
    assert.equal(checkCredentials(keys, 'AKID3', '\u0000ferry-no-such-key'), false, 'the dummy secret opens nothing');
    assert.equal(checkCredentials([], 'AKID1', 's3cret'), false);
  });
});

const DEFAULT_IDLE = 30 * 60_000;

describe('login throttling', () => {
  it('lets the first failures through, then backs off exponentially from the last failure', () => {
    const clock = new ManualClock();
    const t = new LoginThrottle(clock, { freeFailures: 3, baseDelayMs: 1_000, maxDelayMs: 8_000 });
    const who = ['ip:1.2.3.4', 'key:AKID'];
    for (let i = 0; i < 3; i++) {
      assert.equal(t.retryAfterMs(who), 0);
      t.fail(who);
    }
    assert.equal(t.retryAfterMs(who), 1_000);
    clock.advance(1_000);
    assert.equal(t.retryAfterMs(who), 0);
    t.fail(who);
    assert.equal(t.retryAfterMs(who), 2_000);
    clock.advance(2_000);
    t.fail(who);
    assert.equal(t.retryAfterMs(who), 4_000);
    clock.advance(4_000);
    t.fail(who);
    t.fail(who);
    assert.equal(t.retryAfterMs(who), 8_000, 'capped at maxDelayMs');
    // Either subject alone is enough to hold a login back: the same key from another address…
    assert.equal(t.retryAfterMs(['ip:5.6.7.8', 'key:AKID']), 8_000);
    // …but another key from another address goes ahead.
    assert.equal(t.retryAfterMs(['ip:5.6.7.8', 'key:OTHER']), 0);
    t.succeed(who);
    assert.equal(t.retryAfterMs(who), 0);
  });

  it('forgets a subject after a quiet period, and remembers at most maxEntries', () => {
    const clock = new ManualClock();
    const t = new LoginThrottle(clock, { freeFailures: 1, forgetAfterMs: 60_000, maxEntries: 100 });
    t.fail(['ip:a']);
    t.fail(['ip:a']);
    assert.ok(t.retryAfterMs(['ip:a']) > 0);
    clock.advance(60_000);
    assert.equal(t.retryAfterMs(['ip:a']), 0);
    for (let i = 0; i < 1_000; i++) t.fail([`ip:${i}`]);
    assert.equal(t.size, 100);
    assert.ok(t.retryAfterMs(['ip:999']) >= 0);
    assert.equal(t.retryAfterMs(['ip:0']), 0, 'the oldest were forgotten');
  });
});
