/** The metrics settings: on/off switches, the token, the separate port, and the rule with auth sigv4. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/config/schema.js';
import { startupBanner } from '../../../src/banner.js';

const SIGV4 = { auth: 'sigv4', accessKeyId: 'AKID', secretAccessKey: 's' };

describe('metrics config', () => {
  it('defaults: on, queue gauges on, 5 s gauge cache, slow requests over 1 s', () => {
    const c = loadConfig();
    assert.deepEqual(
      [c.metrics, c.metricsQueueGauges, c.metricsGaugeCacheMs, c.slowRequestMs, c.metricsPort, c.metricsToken],
      [true, true, 5000, 1000, undefined, undefined],
    );
  });

  it('switches take on/off (and true/false) from flags, environment and file values', () => {
    assert.equal(loadConfig({ flags: { metrics: 'off' } }).metrics, false);
    assert.equal(loadConfig({ env: { FERRY_METRICS: 'on' } }).metrics, true);
    assert.equal(loadConfig({ env: { FERRY_METRICS_QUEUE_GAUGES: 'off' } }).metricsQueueGauges, false);
    assert.equal(loadConfig({ overrides: { metrics: false } }).metrics, false);
    assert.throws(() => loadConfig({ flags: { metrics: 'maybe' } }), /metrics must be on or off, got "maybe"/);
  });

  it('with auth sigv4, metrics default to off unless guarded; on and unguarded stops the start', () => {
    assert.equal(loadConfig({ flags: SIGV4 }).metrics, false);
    assert.equal(loadConfig({ flags: { ...SIGV4, metricsToken: 'tok' } }).metrics, true);
    assert.equal(loadConfig({ flags: { ...SIGV4, metricsPort: '9325' } }).metrics, true);
    assert.equal(loadConfig({ flags: { ...SIGV4, metrics: 'off', metricsToken: 'tok' } }).metrics, false);
    assert.throws(
      () => loadConfig({ flags: { ...SIGV4, metrics: 'on' } }),
      (e: Error) =>
        e instanceof ConfigError && /would be open to anyone who can reach the API port: require a bearer token with --metrics-token/.test(e.message),
    );
  });

  it('refuses a token with spaces, the API port as metrics port, and an hour-long cache', () => {
    assert.throws(() => loadConfig({ flags: { metricsToken: 'two words' } }), /metricsToken must be non-empty printable ASCII/);
    assert.throws(() => loadConfig({ flags: { port: '9324', metricsPort: '9324' } }), /metricsPort 9324 is the API port/);
    assert.equal(loadConfig({ flags: { port: '9324', metricsPort: '9324', metricsHost: '10.0.0.1' } }).metricsPort, 9324);
    assert.throws(() => loadConfig({ flags: { metricsGaugeCacheMs: '3600001' } }), /at most 3600000/);
  });
});

describe('startup banner', () => {
  it('one line of fields and a readable block: API, auth, storage, metrics access, console', () => {
    const config = loadConfig({ overrides: { storage: 'postgres', databaseUrl: 'postgres://ferry:hunter2@db:5432/ferry', metricsToken: 't' } });
    const b = startupBanner({ version: '1.2.3', url: 'http://127.0.0.1:9324', config, metricsUrl: 'http://127.0.0.1:9324/metrics' });
    assert.deepEqual(b.fields.metrics, { url: 'http://127.0.0.1:9324/metrics', access: 'bearer token', queueGauges: true });
    assert.equal(b.fields.database, 'postgres://ferry:***@db:5432/ferry (schema ferry)');
    assert.equal(b.fields.console, 'off');
    assert.doesNotMatch(JSON.stringify(b), /hunter2|"t"/);
    assert.equal(
      b.text,
      [
        'Ferry 1.2.3 is ready',
        '  API       http://127.0.0.1:9324',
        '  Auth      off — any credentials are accepted',
        '  Storage   PostgreSQL postgres://ferry:***@db:5432/ferry (schema ferry)',
        '  Metrics   http://127.0.0.1:9324/metrics  (needs the bearer token)',
        '  Console   off',
        '  Try       AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x aws --endpoint-url http://127.0.0.1:9324 --region us-east-1 sqs create-queue --queue-name hello',
      ].join('\n'),
    );
    const guarded = startupBanner({ version: '1', url: 'u', config: loadConfig({ flags: SIGV4 }) });
    assert.match(guarded.text, /Metrics {3}off — with auth sigv4 it needs --metrics-token or --metrics-port/);
  });
});
