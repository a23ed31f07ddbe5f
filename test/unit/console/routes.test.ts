/**
 * The console routes in process (createServer on the memory engine): static serving, security
 * headers, sessions and cookies, CSRF, read-only refusals, login throttling (on a manual clock), the
 * overview and history from a fake QueueMonitor and from the engine fallback, parameter checks.
 * Black-box runs on every engine are in test/console/.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { createServer, type FerryServer, type ServerDeps } from '../../../src/app.js';
import { loadConfig } from '../../../src/config/load.js';
import type { FerryConfig } from '../../../src/config/schema.js';
import { ManualClock } from '../../../src/core/clock.js';
import { createLogger } from '../../../src/core/log.js';
import type { QueueHistory, QueueMonitor, QueueSnapshot } from '../../../src/monitoring/types.js';
import { ConsoleClient } from '../../helpers/console.js';

const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

interface Running {
  server: FerryServer;
  url: string;
  port: number;
}

async function start(overrides: Partial<FerryConfig> = {}, deps: Partial<ServerDeps> = {}): Promise<Running> {
  const config = loadConfig({ overrides: { storage: 'memory', port: 0, host: '127.0.0.1', ...overrides } });
  const server = await createServer(config, { logger: createLogger('silent'), ...deps });
  const { url, port } = await server.listen();
  return { server, url, port };
}

/** A raw GET with a literal path (fetch would normalise `..`). */
function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

function assertSecurityHeaders(h: Headers): void {
  assert.equal(h.get('content-security-policy'), CSP);
  assert.equal(h.get('x-content-type-options'), 'nosniff');
  assert.equal(h.get('referrer-policy'), 'no-referrer');
}

describe('console: static files', () => {
  let root: string;
  let dir: string;
  let f: Running;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'ferry-console-'));
    dir = join(root, 'build');
    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Ferry</title><div id="app"></div>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(dir, 'favicon.svg'), '<svg/>');
    writeFileSync(join(root, 'secret.txt'), 'nope');
    f = await start({}, { consoleStaticDir: dir });
  });
  after(async () => {
    await f.server.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves index.html for the console root and every client route, revalidated on each load', async () => {
    for (const path of ['/console', '/console/', '/console/queues/orders', '/console/queues/a%20b/messages']) {
      const r = await fetch(f.url + path);
      assert.equal(r.status, 200, path);
      assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(r.headers.get('cache-control'), 'no-cache');
      assertSecurityHeaders(r.headers);
      assert.match(await r.text(), /<div id="app">/);
    }
  });

  it('serves hashed assets for a year, top-level files as they are, and 404 for missing assets', async () => {
    const a = await fetch(`${f.url}/console/assets/index-abc123.js`);
    assert.equal(a.status, 200);
    assert.equal(a.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(a.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assertSecurityHeaders(a.headers);
    assert.equal(await a.text(), 'console.log(1)');
    const icon = await fetch(`${f.url}/console/favicon.svg`);
    assert.equal(icon.headers.get('content-type'), 'image/svg+xml');
    assert.equal(await icon.text(), '<svg/>');
    const missing = await fetch(`${f.url}/console/assets/nope.js`);
    assert.equal(missing.status, 404);
    assertSecurityHeaders(missing.headers);
  });

  it('never serves a file outside the build directory', async () => {
    for (const path of [
      '/console/assets/../../secret.txt',
      '/console/assets/%2e%2e/%2e%2e/secret.txt',
      '/console/assets/..%2f..%2fsecret.txt',
      '/console/%2e%2e/secret.txt',
    ]) {
      const r = await rawGet(f.port, path);
      assert.notEqual(r.body, 'nope', path);
    }
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const h = await fetch(`${f.url}/console/queues/x`, { method: 'HEAD' });
    assert.equal(h.status, 200);
    assert.equal(await h.text(), '');
    const p = await fetch(`${f.url}/console/queues/x`, { method: 'PUT' });
    assert.equal(p.status, 405);
    assert.equal(((await p.json()) as { error: { code: string } }).error.code, 'MethodNotAllowed');
  });

  it('says so with a plain page when the console was not built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'ferry-console-empty-'));
    const g = await start({}, { consoleStaticDir: empty });
    try {
      const r = await fetch(`${g.url}/console/`);
      assert.equal(r.status, 503);
      assertSecurityHeaders(r.headers);
      assert.match(await r.text(), /console is not built/);
      // The API works all the same.
      assert.equal((await fetch(`${g.url}/console/api/session`)).status, 200);
    } finally {
      await g.server.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('console: off', () => {
  let f: Running;
  before(async () => (f = await start({ console: 'off' })));
  after(() => f.server.close());

  it('is 404 everywhere under /console, while the SQS endpoint works', async () => {
    for (const [method, path] of [
      ['GET', '/console'],
      ['GET', '/console/'],
      ['GET', '/console/queues/x'],
      ['GET', '/console/api/session'],
      ['POST', '/console/api/sqs'],
      ['POST', '/console/api/login'],
    ] as const) {
      const r = await fetch(f.url + path, {
        method,
        headers: { 'x-amz-target': 'AmazonSQS.ListQueues', 'content-type': 'application/x-amz-json-1.0' },
        body: method === 'POST' ? '{}' : undefined,
      });
      assert.equal(r.status, 404, `${method} ${path}`);
    }
    const sqs = await fetch(`${f.url}/`, {
      method: 'POST',
      headers: { 'x-amz-target': 'AmazonSQS.ListQueues', 'content-type': 'application/x-amz-json-1.0' },
      body: '{}',
    });
    assert.equal(sqs.status, 200);
  });
});

describe('console: sessions and CSRF with auth off', () => {
  let f: Running;
  before(async () => (f = await start()));
  after(() => f.server.close());

  it('issues an anonymous session with a CSRF token in an HttpOnly, SameSite=Strict cookie', async () => {
    const r = await fetch(`${f.url}/console/api/session`);
    assert.equal(r.status, 200);
    assertSecurityHeaders(r.headers);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const [cookie] = r.headers.getSetCookie();
    assert.match(cookie!, /^ferry_console=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/console$/);
    const body = (await r.json()) as Record<string, string | boolean>;
    assert.deepEqual(Object.keys(body).sort(), ['accountId', 'auth', 'authenticated', 'csrfToken', 'readOnly', 'region', 'version']);
    assert.equal(body.auth, 'off');
    assert.equal(body.authenticated, true);
    assert.equal(body.readOnly, false);
    assert.equal(body.region, 'us-east-1');
    assert.equal(body.accountId, '000000000000');
    assert.match(String(body.version), /^\d+\.\d+\.\d+/);
    // The same session is kept while its cookie is sent.
    const c = new ConsoleClient(f.url);
    const first = await c.session();
    const again = await c.session();
    assert.equal(again.json.csrfToken, first.json.csrfToken);
  });

  it('sets Secure only over TLS, or behind a proxy it was told to trust', async () => {
    const plain = await fetch(`${f.url}/console/api/session`, { headers: { 'x-forwarded-proto': 'https' } });
    assert.doesNotMatch(plain.headers.getSetCookie()[0]!, /Secure/, 'X-Forwarded-Proto is not trusted by default');
    const g = await start({ consoleTrustProxy: true });
    try {
      const r = await fetch(`${g.url}/console/api/session`, { headers: { 'x-forwarded-proto': 'https' } });
      assert.match(r.headers.getSetCookie()[0]!, /; Secure$/);
    } finally {
      await g.server.close();
    }
  });

  it('refuses changes without the session token, with a wrong one, or with another session’s', async () => {
    const a = new ConsoleClient(f.url);
    const b = new ConsoleClient(f.url);
    await a.session();
    await b.session();
    const missing = await a.sqs('ListQueues', {}, { csrf: false });
    assert.equal(missing.status, 403);
    assert.deepEqual(missing.json.error.code, 'CsrfTokenMissing');
    assertSecurityHeaders(missing.headers);
    const token = a.csrfToken;
    a.csrfToken = 'x'.repeat(43);
    assert.equal((await a.sqs('ListQueues', {})).json.error.code, 'CsrfTokenInvalid');
    a.csrfToken = b.csrfToken;
    assert.equal((await a.sqs('ListQueues', {})).json.error.code, 'CsrfTokenInvalid');
    a.csrfToken = token;
    assert.equal((await a.sqs('ListQueues', {})).status, 200);
    // No session at all: a token cannot be valid.
    const none = new ConsoleClient(f.url);
    none.csrfToken = token;
    assert.equal((await none.sqs('ListQueues', {})).json.error.code, 'CsrfTokenInvalid');
    // Logout is a change too; afterwards the old token is worthless.
    assert.equal((await a.request('POST', '/console/api/logout', { csrf: false })).status, 403);
    const out = await a.logout();
    assert.equal(out.status, 204);
    assert.match(out.headers.getSetCookie()[0]!, /^ferry_console=; HttpOnly; SameSite=Strict; Path=\/console; Max-Age=0$/);
    assert.equal(a.cookie, undefined);
    assert.equal((await a.sqs('ListQueues', {})).json.error.code, 'CsrfTokenInvalid');
  });

  it('speaks only the JSON protocol at /console/api/sqs, and answers unknown routes with 404', async () => {
    const c = new ConsoleClient(f.url);
    await c.session();
    const q = await c.request('POST', '/console/api/sqs', {
      body: 'Action=ListQueues',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(q.status, 415);
    assert.equal(q.json.error.code, 'UnsupportedProtocol');
    assert.equal((await c.get('/console/api/nope')).json.error.code, 'NotFound');
    assert.equal((await c.request('POST', '/console/api/overview')).status, 405);
  });

  it('checks the parameters of peek, history and journeys', async () => {
    const c = new ConsoleClient(f.url);
    await c.session();
    assert.equal((await c.sqs('CreateQueue', { QueueName: 'params' })).status, 200);
    const bad = async (path: string, status: number, code: string) => {
      const r = await c.get(path);
      assert.equal(r.status, status, path);
      assert.equal(r.json.error.code, code, path);
    };
    await bad('/console/api/queues/params/messages?state=sleeping', 400, 'InvalidParameterValue');
    await bad('/console/api/queues/params/messages?field=color&q=x', 400, 'InvalidParameterValue');
    await bad('/console/api/queues/params/messages?limit=0', 400, 'InvalidParameterValue');
    await bad('/console/api/queues/params/messages?limit=101', 400, 'InvalidParameterValue');
    await bad('/console/api/queues/params/messages?cursor=garbage', 400, 'InvalidParameterValue');
    await bad('/console/api/queues/nope/messages', 404, 'QueueDoesNotExist');
    await bad('/console/api/queues/params/history?windowSeconds=0', 400, 'InvalidParameterValue');
    await bad('/console/api/queues/nope/history', 404, 'QueueDoesNotExist');
    await bad('/console/api/queues/params/messages/no-such-id/journey', 404, 'JourneyNotFound');
    const ok = await c.get('/console/api/queues/params/messages?state=visible,inflight&limit=100&q=&field=body');
    assert.deepEqual(ok.json, { messages: [], scanned: 0 });
  });
});

describe('console: shutdown', () => {
  it('answers a long poll made through the console empty, at once, when the server closes', async () => {
    const f = await start();
    const c = new ConsoleClient(f.url);
    await c.session();
    const { json } = await c.sqs('CreateQueue', { QueueName: 'waiting' });
    const started = Date.now();
    const poll = c.sqs('ReceiveMessage', { QueueUrl: json.QueueUrl, WaitTimeSeconds: 20 });
    await new Promise((r) => setTimeout(r, 200));
    await f.server.close();
    const r = await poll;
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, {});
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
  });
});

describe('console: read-only', () => {
  let f: Running;
  before(async () => (f = await start({ console: 'read-only' })));
  after(() => f.server.close());

  it('reads, and refuses every change with AccessDenied in the SQS protocol', async () => {
    const c = new ConsoleClient(f.url);
    assert.equal((await c.session()).json.readOnly, true);
    assert.equal((await c.sqs('ListQueues', {})).status, 200);
    for (const [action, input] of [
      ['CreateQueue', { QueueName: 'ro' }],
      ['SendMessage', { QueueUrl: `${f.url}/000000000000/ro`, MessageBody: 'x' }],
      ['ReceiveMessage', { QueueUrl: `${f.url}/000000000000/ro` }],
      ['PurgeQueue', { QueueUrl: `${f.url}/000000000000/ro` }],
      ['TagQueue', { QueueUrl: `${f.url}/000000000000/ro`, Tags: { a: 'b' } }],
    ] as const) {
      const r = await c.sqs(action, input);
      assert.equal(r.status, 403, action);
      assert.equal(r.json.__type, 'com.amazon.coral.service#AccessDeniedException', action);
      assert.match(r.json.message, /read-only/);
      assert.equal(r.headers.get('x-amzn-query-error'), 'AccessDenied;Sender');
    }
    assert.deepEqual((await c.get('/console/api/overview')).json, { queues: [] });
  });
});

describe('console: auth sigv4 login throttling (manual clock)', () => {
  const clock = new ManualClock();
  let f: Running;
  before(async () => (f = await start({ auth: 'sigv4', accessKeyId: 'AKIDCONSOLE', secretAccessKey: 'right-secret' }, { clock })));
  after(() => f.server.close());

  it('answers 401 InvalidCredentials for a bad key or secret alike, then 429 with Retry-After, then lets the right one in', async () => {
    const c = new ConsoleClient(f.url);
    const s = await c.session();
    assert.deepEqual([s.json.auth, s.json.authenticated, s.json.csrfToken, s.headers.getSetCookie().length], ['sigv4', false, undefined, 0]);
    const badKey = await c.login('AKIDNOPE', 'right-secret');
    const badSecret = await c.login('AKIDCONSOLE', 'wrong');
    assert.equal(badKey.status, 401);
    assert.equal(badSecret.status, 401);
    assert.deepEqual(badKey.json, badSecret.json);
    assert.equal(badKey.json.error.code, 'InvalidCredentials');
    for (let i = 0; i < 3; i++) assert.equal((await c.login('AKIDCONSOLE', `wrong${i}`)).status, 401);
    const held = await c.login('AKIDCONSOLE', 'right-secret');
    assert.equal(held.status, 429, 'even the right secret waits out the back-off');
    assert.equal(held.json.error.code, 'TooManyLoginAttempts');
    assert.equal(held.headers.get('retry-after'), '1');
    clock.advance(1_000);
    const ok = await c.login('AKIDCONSOLE', 'right-secret');
    assert.equal(ok.status, 200);
    assert.equal(ok.json.authenticated, true);
    assert.equal(ok.json.accessKeyId, 'AKIDCONSOLE');
    assert.match(ok.headers.getSetCookie()[0]!, /^ferry_console=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/console$/);
    // After a success the count starts over.
    assert.equal((await new ConsoleClient(f.url).login('AKIDCONSOLE', 'wrong')).status, 401);
  });

  it('takes the login only as application/json', async () => {
    const r = await fetch(`${f.url}/console/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'accessKeyId=AKIDCONSOLE&secretAccessKey=right-secret',
    });
    assert.equal(r.status, 415);
    const big = await fetch(`${f.url}/console/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accessKeyId: 'AKIDCONSOLE', secretAccessKey: 'x'.repeat(70_000) }),
    });
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as { error: { code: string } }).error.code, 'RequestEntityTooLarge');
  });
});

describe('console: overview and history', () => {
  it('come from the QueueMonitor when one is given, with URLs from the request host', async () => {
    const calls: unknown[] = [];
    const snap = (name: string): QueueSnapshot => ({
      queueId: `id-${name}`,
      accountId: '000000000000',
      name,
      fifo: false,
      visible: 3,
      inflight: 2,
      delayed: 1,
      oldestAgeSeconds: 42,
      groupsWithInflight: null,
      sentPerSecond: 1.5,
      receivedPerSecond: 0.5,
      deletedPerSecond: 0.25,
      at: 1_000,
    });
    const history: QueueHistory = {
      intervalMs: 10_000,
      points: [
        { at: 1, visible: 1, inflight: 0, delayed: 0, oldestAgeSeconds: null, sent: 1, received: 0, deleted: 0, emptyReceives: 0, movedToDlq: 0 },
      ],
    };
    const monitor: QueueMonitor = {
      async overview(accountId, prefix) {
        calls.push(['overview', accountId, prefix]);
        return [snap('alpha')];
      },
      async history(accountId, name, windowMs) {
        calls.push(['history', accountId, name, windowMs]);
        return history;
      },
    };
    const f = await start({}, { monitor });
    try {
      const c = new ConsoleClient(f.url);
      await c.session();
      await c.sqs('CreateQueue', { QueueName: 'alpha' });
      const o = await c.get('/console/api/overview?prefix=al');
      assert.deepEqual(o.json, {
        queues: [{ ...snap('alpha'), url: `http://127.0.0.1:${f.port}/000000000000/alpha`, arn: 'arn:aws:sqs:us-east-1:000000000000:alpha' }],
      });
      const h = await c.get('/console/api/queues/alpha/history?windowSeconds=600');
      assert.deepEqual(h.json, history);
      await c.get('/console/api/queues/alpha/history');
      await c.get('/console/api/overview');
      assert.deepEqual(calls, [
        ['overview', '000000000000', 'al'],
        ['history', '000000000000', 'alpha', 600_000],
        ['history', '000000000000', 'alpha', 900_000],
        ['overview', '000000000000', undefined],
      ]);
    } finally {
      await f.server.close();
    }
  });

  it("come from the server's monitor (src/monitoring): exact counts, the oldest message's age, this process's rates", async () => {
    const f = await start({ metricsGaugeCacheMs: 0 });
    try {
      const c = new ConsoleClient(f.url);
      await c.session();
      for (const name of ['b-queue', 'a-queue', 'other']) await c.sqs('CreateQueue', { QueueName: name });
      const url = `${f.url}/000000000000/a-queue`;
      await c.sqs('SendMessage', { QueueUrl: url, MessageBody: 'x' });
      await c.sqs('SendMessage', { QueueUrl: url, MessageBody: 'y', DelaySeconds: 60 });
      await c.sqs('SendMessage', { QueueUrl: url, MessageBody: 'z' });
      await c.sqs('ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 1 });
      const o = await c.get('/console/api/overview?prefix=a-');
      assert.equal(o.json.queues.length, 1);
      const q = o.json.queues[0];
      assert.deepEqual(
        [q.name, q.fifo, q.visible, q.inflight, q.delayed, q.groupsWithInflight, q.url, q.arn],
        ['a-queue', false, 1, 1, 1, null, url, 'arn:aws:sqs:us-east-1:000000000000:a-queue'],
      );
      assert.ok(typeof q.oldestAgeSeconds === 'number' && q.oldestAgeSeconds >= 0, `oldestAgeSeconds ${q.oldestAgeSeconds}`);
      assert.ok(q.sentPerSecond > 0 && q.receivedPerSecond > 0, "rates from the console's own sends and receives");
      assert.deepEqual(
        (await c.get('/console/api/overview')).json.queues.map((x: QueueSnapshot) => x.name),
        ['a-queue', 'b-queue', 'other'],
      );
      // History is sampled every 10 s; the queue is younger than the first sample after it.
      assert.deepEqual((await c.get('/console/api/queues/a-queue/history')).json, { intervalMs: 10_000, points: [] });
    } finally {
      await f.server.close();
    }
  });
});
