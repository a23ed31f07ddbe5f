/* eslint-disable @typescript-eslint/no-explicit-any -- log records are untyped */
/** The listener's reports for metrics and logs: onRequest codes, the slow-request rule, the access key in the log line. */
import assert from 'node:assert/strict';
import http from 'node:http';
import { afterEach, test } from 'node:test';

import { SqsError } from '../../../src/errors/catalog.js';
import { listenerLimits } from '../../../src/config/schema.js';
import { claimedAccessKey, createHttpServer, type Dispatch, type FerryHttpServer } from '../../../src/http/listener.js';

const servers: FerryHttpServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

async function start(dispatch: Dispatch, extra: Partial<Parameters<typeof createHttpServer>[0]> = {}) {
  const info: any[] = [];
  const warn: any[] = [];
  const reports: Array<[string | undefined, string, number]> = [];
  const s = createHttpServer({
    dispatch,
    limits: listenerLimits(),
    logger: { info: (o, m) => info.push({ ...o, msg: m }), warn: (o, m) => warn.push({ ...o, msg: m }), error: () => undefined },
    onRequest: (a, c, ms) => reports.push([a, c, ms]),
    ...extra,
  });
  servers.push(s);
  const { port } = await s.listen(0, '127.0.0.1');
  return { port, info, warn, reports };
}

function post(port: number, action: string, body: object, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${action}`, ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      },
    );
    r.on('error', reject);
    r.end(JSON.stringify(body));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('every request is reported once: its action, OK or its error code, its duration', async () => {
  const { port, reports } = await start(async (action) => {
    if (action === 'GetQueueUrl') throw new SqsError('QueueDoesNotExist');
    if (action === 'PurgeQueue') throw new Error('bug');
    return {};
  });
  assert.equal(await post(port, 'ListQueues', {}), 200);
  assert.equal(await post(port, 'GetQueueUrl', { QueueName: 'x' }), 400);
  assert.equal(await post(port, 'PurgeQueue', { QueueUrl: 'http://h/000000000000/q' }), 500);
  assert.equal(await post(port, 'NoSuchAction', {}), 400);
  assert.deepEqual(
    reports.map(([a, c]) => [a, c]),
    [
      ['ListQueues', 'OK'],
      ['GetQueueUrl', 'QueueDoesNotExist'],
      ['PurgeQueue', 'InternalFailure'],
      [undefined, 'InvalidAction'],
    ],
  );
  for (const [, , ms] of reports) assert.ok(ms >= 0 && ms < 5_000);
});

test('slow requests are logged at warn; a long poll does not count its wait', async () => {
  const { port, info, warn } = await start(
    async (action, input: any, meta) => {
      if (action === 'ReceiveMessage') {
        // As the receive action does: report the wait, then (here) wait it and a little more.
        meta.longPollMs = input.WaitTimeSeconds * 1000;
        await sleep(input.WaitTimeSeconds * 1000 + (String(input.QueueUrl).endsWith('/late') ? 1_500 : 0));
        return {};
      }
      if (action === 'SendMessage') await sleep(1_500);
      return {};
    },
    // Margins wide enough that a loaded machine's timer lateness (hundreds of ms under a full suite)
    // cannot turn the fast requests slow.
    { slowRequestMs: 750 },
  );
  await post(port, 'SendMessage', { QueueUrl: 'http://h/000000000000/q', MessageBody: 'x' }); // 1.5 s: slow
  await post(port, 'ListQueues', {}); // fast
  await post(port, 'ReceiveMessage', { QueueUrl: 'http://h/000000000000/q', WaitTimeSeconds: 1 }); // waited 1 s: not slow
  await post(port, 'ReceiveMessage', { QueueUrl: 'http://h/000000000000/late', WaitTimeSeconds: 1 }); // 1.5 s past its wait: slow
  assert.deepEqual(
    warn.map((l) => [l.msg, l.action, l.queue]),
    [
      ['slow request', 'SendMessage', 'q'],
      ['slow request', 'ReceiveMessage', 'late'],
    ],
  );
  assert.deepEqual(
    info.map((l) => [l.msg, l.action]),
    [
      ['request', 'ListQueues'],
      ['request', 'ReceiveMessage'],
    ],
  );
  assert.ok(warn[0].ms >= 1_400);
});

test('slowRequestMs 0 (or absent) never logs slow', async () => {
  const { port, warn, info } = await start(async () => {
    await sleep(30);
    return {};
  });
  await post(port, 'ListQueues', {});
  assert.equal(warn.length, 0);
  assert.equal(info.length, 1);
});

test('the log line names the access key: the claimed one without verification', async () => {
  const { port, info } = await start(async () => ({}));
  await post(
    port,
    'ListQueues',
    {},
    { authorization: 'AWS4-HMAC-SHA256 Credential=AKIDCLAIMED/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=00' },
  );
  await post(port, 'ListQueues', {});
  assert.deepEqual(
    info.map((l) => l.accessKeyId),
    ['AKIDCLAIMED', undefined],
  );
});

test('claimedAccessKey reads the Credential of a SigV4 Authorization header only', () => {
  assert.equal(claimedAccessKey('AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=ab'), 'AKID');
  assert.equal(claimedAccessKey(undefined), undefined);
  assert.equal(claimedAccessKey('Bearer x'), undefined);
  assert.equal(claimedAccessKey('AWS4-HMAC-SHA256 Credential=/2026'), undefined);
  assert.equal(claimedAccessKey('AWS4-HMAC-SHA256 Credential=NOSLASH'), undefined);
});
