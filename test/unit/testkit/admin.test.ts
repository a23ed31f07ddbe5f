/**
 * The test admin API's failures (src/testkit/admin.ts): an unexpected error is logged at error with the
 * request id and the error itself, and answered as the SQS API answers one — InternalFailure, 500, the
 * catalog's message and nothing of the cause; engine errors are answered as their catalog errors and
 * not logged; the API's own refusals are unchanged.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { ERRORS } from '../../../src/errors/catalog.js';
import { DomainError } from '../../../src/errors/domain.js';
import { adminRoute } from '../../../src/testkit/admin.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const errors: Array<{ detail: Record<string, unknown>; msg: string }> = [];
let failure: unknown;
let server: http.Server;
let port: number;

before(async () => {
  const route = adminRoute({
    now: () => 0,
    reset: () => Promise.reject(failure),
    isAdmin: () => true,
    log: () => undefined,
    logError: (detail, msg) => errors.push({ detail: detail as Record<string, unknown>, msg }),
  });
  server = http.createServer((req, res) => {
    if (!route(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((r) => server.close(() => r())));

function call(method: string, path: string, body = ''): Promise<{ status: number; reqId: string; body: unknown }> {
  return new Promise((resolve, reject) => {
    const r = http.request({ host: '127.0.0.1', port, method, path, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, reqId: String(res.headers['x-amzn-requestid']), body: JSON.parse(text) }));
    });
    r.on('error', reject);
    r.end(body);
  });
}

test('an unexpected error: logged once at error with its request id, answered InternalFailure 500 without internals', async () => {
  errors.length = 0;
  const boom = new Error('boom: /secret/path is on fire');
  failure = boom;
  const r = await call('POST', '/_ferry/reset', '{}');
  assert.equal(r.status, 500);
  assert.match(r.reqId, UUID);
  assert.deepEqual(r.body, { error: { code: 'InternalFailure', message: ERRORS.InternalFailure.message } });
  assert.ok(!JSON.stringify(r.body).includes('boom'));
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.msg, 'admin request failed');
  assert.equal(errors[0]!.detail.reqId, r.reqId);
  assert.equal(errors[0]!.detail.admin, 'POST /_ferry/reset');
  assert.equal(errors[0]!.detail.err, boom);
});

test('an engine error is answered as its catalog error (ServiceUnavailable, 503) and not logged', async () => {
  errors.length = 0;
  failure = new DomainError('Unavailable');
  const r = await call('POST', '/_ferry/reset', '{}');
  assert.equal(r.status, 503);
  assert.deepEqual(r.body, { error: { code: 'ServiceUnavailable', message: ERRORS.ServiceUnavailable.message } });
  assert.equal(errors.length, 0);
});

test("the API's own refusals are unchanged and not logged", async () => {
  errors.length = 0;
  const r = await call('GET', '/_ferry/nope');
  assert.equal(r.status, 404);
  assert.equal((r.body as { error: { code: string } }).error.code, 'NotFound');
  const bad = await call('POST', '/_ferry/reset', '[1]');
  assert.equal(bad.status, 400);
  assert.equal(errors.length, 0);
});
