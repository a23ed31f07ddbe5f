/**
 * The composition root end to end on the memory engine: an unexpected error below the action layer
 * (here a failing engine method) reaches the client as InternalFailure with HTTP 500 in both protocols,
 * and is logged exactly once — with the request id the client saw and the original error's stack.
 * Ordinary SQS errors are answered without an error log line.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';

import { createServer, type FerryServer } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/core/log.js';
import { sqsError } from '../../src/errors/catalog.js';
import { DomainError } from '../../src/errors/domain.js';
import { toSqsError, unexpectedCause } from '../../src/errors/map.js';

interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  action?: string;
  error?: string;
  err?: { type?: string; message?: string; stack?: string };
}

describe('unexpected errors: InternalFailure for the client, cause and stack in the log once', () => {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l) as LogLine);
      done();
    },
  });
  let server: FerryServer;
  let url: string;

  before(async () => {
    const config = loadConfig({ overrides: { storage: 'memory', port: 0, host: '127.0.0.1' } });
    server = await createServer(config, { logger: createLogger('info', { pretty: false, destination: sink }) });
    ({ url } = await server.listen());
    // The injected fault: a bug in the engine (not a DomainError), thrown on ListQueues.
    server.engine.queueList = async function failingQueueList() {
      throw new TypeError('engine bug: cannot read properties of undefined');
    };
  });
  after(() => server.close());

  /** The error-level lines (pino level 50) naming a request id. */
  const errorLinesFor = (reqId: string) => lines.filter((l) => l.level >= 50 && l.reqId === reqId);

  it('JSON: 500 InternalFailure without internals; one error line with the request id and the stack', async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AmazonSQS.ListQueues' },
      body: '{}',
    });
    const body = await res.text();
    assert.equal(res.status, 500);
    assert.match(JSON.parse(body).__type, /InternalFailure$/);
    assert.equal(res.headers.get('x-amzn-query-error'), 'InternalFailure;Receiver');
    assert.ok(!body.includes('engine bug'), 'the cause does not reach the client');
    const reqId = res.headers.get('x-amzn-requestid');
    assert.ok(reqId);
    const errs = errorLinesFor(reqId);
    assert.equal(errs.length, 1, `exactly one error line for the request, got ${JSON.stringify(errs)}`);
    const [e] = errs;
    assert.equal(e!.action, 'ListQueues');
    assert.equal(e!.err?.type, 'TypeError');
    assert.equal(e!.err?.message, 'engine bug: cannot read properties of undefined');
    assert.match(e!.err?.stack ?? '', /failingQueueList/);
    // Stack traces appear in that line only; the request line names the code.
    const withStack = lines.filter((l) => l.reqId === reqId && l.err?.stack !== undefined);
    assert.equal(withStack.length, 1);
    const requestLine = lines.find((l) => l.reqId === reqId && l.msg === 'request');
    assert.equal(requestLine?.error, 'InternalFailure');
  });

  it('Query: the same, as XML', async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'Action=ListQueues&Version=2012-11-05',
    });
    const body = await res.text();
    assert.equal(res.status, 500);
    assert.match(body, /<Code>InternalFailure<\/Code>/);
    assert.ok(!body.includes('engine bug'));
    const reqId = res.headers.get('x-amzn-requestid');
    assert.ok(reqId);
    const errs = errorLinesFor(reqId);
    assert.equal(errs.length, 1);
    assert.match(errs[0]!.err?.stack ?? '', /TypeError: engine bug[\s\S]*failingQueueList/);
  });

  it('an ordinary SQS error (QueueDoesNotExist) is answered without an error line', async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AmazonSQS.GetQueueUrl' },
      body: '{"QueueName":"nope"}',
    });
    await res.text();
    assert.equal(res.status, 400);
    const reqId = res.headers.get('x-amzn-requestid');
    assert.ok(reqId);
    assert.equal(errorLinesFor(reqId).length, 0);
  });
});

describe('errors/map: the cause rides along', () => {
  it('toSqsError keeps an unexpected error as the InternalFailure cause; unexpectedCause finds it', () => {
    const bug = new RangeError('bug');
    const mapped = toSqsError(bug);
    assert.equal(mapped.code, 'InternalFailure');
    assert.equal(mapped.cause, bug);
    assert.equal(mapped.message, sqsError('InternalFailure').message, 'the wire message stays the catalog one');
    assert.deepEqual(unexpectedCause(mapped), { cause: bug });
    assert.deepEqual(unexpectedCause(bug), { cause: bug });
  });

  it('SQS and domain errors are not unexpected', () => {
    assert.equal(unexpectedCause(sqsError('QueueDoesNotExist')), undefined);
    assert.equal(unexpectedCause(toSqsError(new DomainError('QueueNotFound'))), undefined);
    assert.equal(unexpectedCause(sqsError('InternalFailure')), undefined);
  });
});
