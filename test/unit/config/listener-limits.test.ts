/**
 * The listener's limits come from the config alone (`listenerLimits`): its defaults are the values the
 * listener had as its own before they were declared once (pinned here), and a loaded config's values
 * reach it unchanged.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../../src/config/load.js';
import { defaults, listenerLimits, type ListenerLimits } from '../../../src/config/schema.js';
import type { HttpLimits } from '../../../src/http/listener.js';

test('listenerLimits(): the defaults, unchanged', () => {
  assert.deepEqual(listenerLimits(), {
    maxBodyBytes: 2 * 1024 * 1024,
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    maxHeaderBytes: 16 * 1024,
    maxHeaderCount: 100,
    maxConnections: 20_000,
    maxBufferedBodyBytes: 256 * 1024 * 1024,
  });
  assert.deepEqual(listenerLimits(defaults()), listenerLimits());
});

test('listenerLimits(config): every limit from the loaded config', () => {
  const c = loadConfig({
    flags: {
      maxBodyBytes: '2000000',
      headersTimeoutMs: '1000',
      requestTimeoutMs: '2000',
      maxHeaderBytes: '4096',
      maxHeaderCount: '17',
      maxConnections: '0',
      maxBufferedBodyBytes: '3000000',
    },
    env: {},
  });
  // Typed as the listener takes them: the compiler checks that the config and the listener name the same limits.
  const limits: HttpLimits = listenerLimits(c);
  const back: ListenerLimits = limits;
  assert.deepEqual(back, {
    maxBodyBytes: 2_000_000,
    headersTimeoutMs: 1000,
    requestTimeoutMs: 2000,
    maxHeaderBytes: 4096,
    maxHeaderCount: 17,
    maxConnections: 0,
    maxBufferedBodyBytes: 3_000_000,
  });
});
