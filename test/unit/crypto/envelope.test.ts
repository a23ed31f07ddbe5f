/**
 * The stored envelope: round trips, its exact size, and tamper detection — every single-byte change of
 * the stored text (as the database holds it, UTF-8) is either detected with an error or, never, turned
 * into different plaintext.
 */
import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import { describe, it } from 'node:test';

import { SeededRandom } from '../../../src/core/random.js';
import {
  bodyAad,
  ENVELOPE_MARK,
  envelopeLength,
  EnvelopeError,
  isEnvelope,
  openBody,
  parseEnvelope,
  sealBody,
  sealBodyWith,
  sealingHeader,
  unwrapDataKey,
  wrapDataKey,
} from '../../../src/crypto/envelope.js';

const random = new SeededRandom('envelope');
const master = random.bytes(32);
const KEY_ID = '6f1d3a52-8f0e-4c9a-9f3e-2b7d1c0a5e44';

function seal(body: string, keyId = KEY_ID, version = 1) {
  const dataKey = random.bytes(32);
  const wrapped = wrapDataKey(master, keyId, version, dataKey, random.bytes(12));
  return { stored: sealBody(body, { keyId, keyVersion: version, wrapped }, dataKey, random.bytes(12)), dataKey };
}

function open(stored: string): string {
  const env = parseEnvelope(stored);
  return openBody(env, unwrapDataKey(master, env.keyId, env.keyVersion, env.wrapped));
}

describe('round trips', () => {
  for (const [name, body] of [
    ['ascii', 'hello world'],
    ['one character', 'x'],
    ['JSON', JSON.stringify({ order: 42, items: ['a', 'b'] })],
    ['unicode (BMP, astral, CR/LF/tab)', 'Grüße 日本語 🚀 \r\n\t end'],
    ['1 MiB', 'a'.repeat(1024 * 1024)],
  ] as const) {
    it(name, () => {
      const { stored } = seal(body);
      assert.ok(stored.startsWith(ENVELOPE_MARK));
      assert.ok(isEnvelope(stored));
      assert.ok(!stored.includes(body.slice(0, 20)) || body.length < 3);
      assert.equal(open(stored), body);
    });
  }

  it('the header names the key and version; every envelope has a fresh nonce', () => {
    const a = seal('same', 'k', 7).stored;
    const env = parseEnvelope(a);
    assert.equal(env.keyId, 'k');
    assert.equal(env.keyVersion, 7);
    const dataKey = random.bytes(32);
    const wrapped = wrapDataKey(master, 'k', 1, dataKey, random.bytes(12));
    const s1 = sealBody('same', { keyId: 'k', keyVersion: 1, wrapped }, dataKey, random.bytes(12));
    const s2 = sealBody('same', { keyId: 'k', keyVersion: 1, wrapped }, dataKey, random.bytes(12));
    assert.notEqual(s1, s2, 'same body, same data key: different ciphertext');
  });

  it('sealBodyWith (header prepared once per data key) writes the same bytes as sealBody', () => {
    const dataKey = random.bytes(32);
    const wrapped = wrapDataKey(master, KEY_ID, 3, dataKey, random.bytes(12));
    const header = { keyId: KEY_ID, keyVersion: 3, wrapped };
    const prepared = sealingHeader(header);
    for (const body of ['', 'x', 'h\u00e9llo \u{1F600}', 'y'.repeat(5000)]) {
      const nonce = random.bytes(12);
      const a = sealBody(body, header, dataKey, nonce);
      assert.equal(sealBodyWith(body, prepared, dataKey, nonce), a);
      const env = parseEnvelope(a);
      assert.equal(openBody(env, dataKey, bodyAad(env)), body);
      assert.equal(openBody(env, dataKey), body);
    }
  });

  it('each envelope is exactly header ‖ nonce ‖ AES-256-GCM ciphertext ‖ tag, whatever was sealed before it', () => {
    // Checked against node's AES-256-GCM directly (not against sealBody, which shares sealBodyWith's
    // code), over bodies of very different sizes one after another: nothing of an earlier envelope may
    // reach a later one, whatever buffers an implementation reuses.
    const dataKey = random.bytes(32);
    const wrapped = wrapDataKey(master, KEY_ID, 2, dataKey, random.bytes(12));
    const prepared = sealingHeader({ keyId: KEY_ID, keyVersion: 2, wrapped });
    for (const body of ['z'.repeat(9000), 'short', '', 'w'.repeat(4100), 'é'.repeat(3000), 'x', 'z'.repeat(20_000), 'tail']) {
      const nonce = random.bytes(12);
      const c = createCipheriv('aes-256-gcm', dataKey, nonce);
      c.setAAD(Buffer.concat([Buffer.from('ferry-sse-body-v1'), prepared.head]));
      const ct = Buffer.concat([c.update(body, 'utf8'), c.final()]);
      const expected = ENVELOPE_MARK + Buffer.concat([prepared.head, nonce, ct, c.getAuthTag()]).toString('base64');
      const stored = sealBodyWith(body, prepared, dataKey, nonce);
      assert.equal(stored, expected, `body of ${body.length} characters`);
      assert.equal(open(stored), body);
    }
  });

  it('plaintext bodies are never taken for envelopes (U+0001 cannot be in an SQS body)', () => {
    for (const b of ['', 'x', 'AQE', '\t\n', 'hello \u0002']) assert.equal(isEnvelope(b), false, JSON.stringify(b));
  });
});

describe('size', () => {
  it('matches envelopeLength exactly; overhead for a UUID key id', () => {
    for (const n of [0, 1, 2, 3, 100, 1000, 262_144]) {
      const { stored } = seal('x'.repeat(n));
      assert.equal(stored.length, envelopeLength(n, KEY_ID.length), `body of ${n}`);
    }
    // The figures the docs give: fixed part and the base64 third.
    assert.equal(envelopeLength(0, 36), 178);
    assert.equal(envelopeLength(100, 36), 310);
    assert.equal(envelopeLength(1024, 36), 1542);
    assert.equal(envelopeLength(1024 * 1024, 36), 1_398_278);
  });
});

describe('tamper detection', () => {
  const body = 'the quick brown fox jumps over the lazy dog 0123456789';
  const { stored } = seal(body);

  /** Every outcome of decrypting `s`: the body, or a failure. Anything else (other text) is the bug. */
  function outcome(s: string): 'same' | 'error' | 'plain' | 'garbage' {
    if (!isEnvelope(s)) return 'plain';
    try {
      return open(s) === body ? 'same' : 'garbage';
    } catch (e) {
      assert.ok(e instanceof EnvelopeError, `an EnvelopeError, not ${String(e)}`);
      assert.match(e.message, /./);
      return 'error';
    }
  }

  it('every character replaced by every other base64 character, or removed: an error', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';
    let n = 0;
    for (let i = 0; i < stored.length; i++) {
      for (const c of [...alphabet, '-', '_', '\u0000', '\u0002', ' ', '\n']) {
        if (c === stored[i]) continue;
        const t = stored.slice(0, i) + c + stored.slice(i + 1);
        assert.equal(outcome(t), 'error', `position ${i} → ${JSON.stringify(c)}`);
        n++;
      }
      assert.equal(outcome(stored.slice(0, i) + stored.slice(i + 1)), 'error', `position ${i} removed`);
    }
    assert.ok(n > 10_000);
  });

  it('every bit of every stored UTF-8 byte flipped: an error (invalid UTF-8 reads back as U+FFFD)', () => {
    const bytes = Buffer.from(stored, 'utf8');
    for (let i = 0; i < bytes.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const b = Buffer.from(bytes);
        b[i] = b[i]! ^ (1 << bit);
        assert.equal(outcome(b.toString('utf8')), 'error', `byte ${i} bit ${bit}`);
      }
    }
  });

  it('truncation and extension: an error', () => {
    for (const cut of [1, 2, 4, 16, 24, stored.length - 3]) assert.equal(outcome(stored.slice(0, -cut)), 'error', `cut ${cut}`);
    assert.equal(outcome(stored + 'AAAA'), 'error');
  });

  it('a wrapped key unwraps only under its key id, version and material', () => {
    const env = parseEnvelope(stored);
    assert.throws(() => unwrapDataKey(master, 'other-id', env.keyVersion, env.wrapped), /does not unwrap/);
    assert.throws(() => unwrapDataKey(master, env.keyId, env.keyVersion + 1, env.wrapped), /does not unwrap/);
    assert.throws(() => unwrapDataKey(random.bytes(32), env.keyId, env.keyVersion, env.wrapped), /does not unwrap/);
  });

  it('a body sealed under one data key does not open under another', () => {
    const env = parseEnvelope(stored);
    assert.throws(
      () => openBody(env, random.bytes(32)),
      (e: unknown) => e instanceof EnvelopeError && e.reason === 'auth',
    );
  });
});
