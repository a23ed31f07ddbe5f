import assert from 'node:assert/strict';
import http from 'node:http';
import { afterEach, test } from 'node:test';
import type { ActionName } from '../../../src/actions/types.js';
import { SqsError } from '../../../src/errors/catalog.js';
import { listenerLimits } from '../../../src/config/schema.js';
import { createHttpServer, type Dispatch, type FerryHttpServer, type RequestMeta } from '../../../src/http/listener.js';

interface Call {
  action: ActionName;
  /** As decoded; compared whole (deepEqual), so never read as a particular action's input. */
  input: unknown;
  meta: RequestMeta;
}

/** The access-log record the listener writes once per request (`logger.info(…, 'request')` in listener.ts). */
interface RequestLog {
  reqId: string;
  /** The action as named by the request (also when unknown). */
  action?: string;
  queue?: string;
  /** The queue's account (the one the request names, else the caller's). */
  account?: string;
  /** The caller's account, when it is not the queue's. */
  callerAccount?: string;
  accessKeyId?: string;
  status: number;
  error?: string;
  ms: number;
}

/** The record the listener writes for an unexpected error (`logger.error`). */
interface ErrorLog {
  reqId: string;
  action?: string;
  err: unknown;
}

const servers: FerryHttpServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

async function start(dispatch: Dispatch, extra: Partial<Parameters<typeof createHttpServer>[0]> = {}) {
  const logs: RequestLog[] = [];
  const errors: ErrorLog[] = [];
  const s = createHttpServer({
    dispatch,
    limits: listenerLimits(),
    logger: { info: (o) => logs.push(o as RequestLog), warn: () => undefined, error: (o) => errors.push(o as ErrorLog) },
    ...extra,
  });
  servers.push(s);
  const { port } = await s.listen(0, '127.0.0.1');
  return { s, port, logs, errors };
}

interface Res {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(
  port: number,
  opts: { method?: string; path?: string; headers?: Record<string, string | number>; body?: string | Buffer; agent?: http.Agent },
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const r = http.request(
      { host: '127.0.0.1', port, method: opts.method ?? 'POST', path: opts.path ?? '/', headers: opts.headers, agent: opts.agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    r.on('error', reject);
    r.end(opts.body);
  });
}

const JSON_H = (action: string) => ({ 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${action}` });
const FORM_H = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

test('JSON request: dispatch gets typed input and meta; response has request id, Date, content type', async () => {
  const calls: Call[] = [];
  const { port, logs } = await start(async (action, input, meta) => {
    calls.push({ action, input, meta });
    return { QueueUrl: 'http://x/1/q' };
  });
  const r = await request(port, {
    headers: { ...JSON_H('GetQueueUrl'), host: 'ferry.local:9324', 'x-amzn-trace-id': 'Root=1-abc' },
    body: JSON.stringify({ QueueName: 'q' }),
  });
  assert.equal(r.status, 200);
  assert.equal(r.body, '{"QueueUrl":"http://x/1/q"}');
  assert.equal(r.headers['content-type'], 'application/x-amz-json-1.0');
  assert.match(String(r.headers['x-amzn-requestid']), UUID);
  assert.ok(Math.abs(Date.parse(String(r.headers.date)) - Date.now()) < 5000);
  assert.equal(calls[0]!.action, 'GetQueueUrl');
  assert.deepEqual(calls[0]!.input, { QueueName: 'q' });
  assert.equal(calls[0]!.meta.protocol, 'json');
  assert.equal(calls[0]!.meta.host, 'ferry.local:9324');
  assert.equal(calls[0]!.meta.traceHeader, 'Root=1-abc');
  assert.equal(calls[0]!.meta.requestId, r.headers['x-amzn-requestid']);
  assert.equal(logs.length, 1);
  assert.equal(logs[0]!.action, 'GetQueueUrl');
  assert.equal(logs[0]!.queue, 'q');
  assert.equal(logs[0]!.status, 200);
  assert.equal(typeof logs[0]!.ms, 'number');
  assert.equal(logs[0]!.reqId, r.headers['x-amzn-requestid']);
});

test('queue-path POST (Query) gets QueueUrl from the path; XML response', async () => {
  const calls: Call[] = [];
  const { port, logs } = await start(async (action, input, meta) => {
    calls.push({ action, input, meta });
    return {};
  });
  const r = await request(port, { path: '/000000000000/orders', headers: { ...FORM_H, host: 'h:1' }, body: 'Action=PurgeQueue&Version=2012-11-05' });
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'text/xml');
  assert.match(
    r.body,
    /^<\?xml version="1.0"\?><PurgeQueueResponse xmlns="http:\/\/queue.amazonaws.com\/doc\/2012-11-05\/"><ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId>/,
  );
  assert.deepEqual(calls[0]!.input, { QueueUrl: 'http://h:1/000000000000/orders' });
  assert.equal(calls[0]!.meta.protocol, 'query');
  assert.equal(logs[0]!.queue, 'orders');
});

test('the request line names the queue, its account, the caller’s account when it differs, and the access key', async () => {
  const callers: (string | undefined)[] = [];
  const { port, logs } = await start(async () => ({}), {
    accountOf: (key) => {
      callers.push(key);
      return '111111111111';
    },
  });
  const auth = 'AWS4-HMAC-SHA256 Credential=AKIDCLAIMED/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=00';
  const send = async (action: string, input: object, headers: Record<string, string> = {}) => {
    const r = await request(port, { headers: { ...JSON_H(action), ...headers }, body: JSON.stringify(input) });
    assert.equal(r.status, 200);
    const line = logs.at(-1)!;
    return { queue: line.queue, account: line.account, callerAccount: line.callerAccount, accessKeyId: line.accessKeyId };
  };
  // Another account's queue (cross-account): both accounts, and the key the client claims (auth off).
  assert.deepEqual(await send('SendMessage', { QueueUrl: 'http://h:1/222222222222/orders', MessageBody: 'x' }, { authorization: auth }), {
    queue: 'orders',
    account: '222222222222',
    callerAccount: '111111111111',
    accessKeyId: 'AKIDCLAIMED',
  });
  // The caller's own queue, by URL (a trailing slash too), by name, and a listing: one account.
  const own = { queue: 'orders', account: '111111111111', callerAccount: undefined, accessKeyId: undefined };
  assert.deepEqual(await send('PurgeQueue', { QueueUrl: 'http://h:1/111111111111/orders/' }), own);
  assert.deepEqual(await send('GetQueueUrl', { QueueName: 'orders' }), own);
  assert.deepEqual(await send('PurgeQueue', { QueueUrl: '/orders' }), own, 'a URL without an account: the caller’s');
  assert.deepEqual(await send('ListQueues', {}), { ...own, queue: undefined });
  // Named by owner id and by ARN.
  assert.deepEqual(await send('GetQueueUrl', { QueueName: 'orders', QueueOwnerAWSAccountId: '222222222222' }), {
    ...own,
    account: '222222222222',
    callerAccount: '111111111111',
  });
  assert.deepEqual(await send('StartMessageMoveTask', { SourceArn: 'arn:aws:sqs:us-east-1:111111111111:orders-dlq' }), {
    ...own,
    queue: 'orders-dlq',
  });
  // A request about no queue names no account.
  assert.deepEqual(await send('CancelMessageMoveTask', { TaskHandle: 'x' }), { ...own, queue: undefined, account: undefined });
  // Without a verifier the caller is the default account: accountOf is asked without a key.
  assert.ok(callers.length > 0 && callers.every((k) => k === undefined));
});

test('without accountOf the request line names only the accounts the request names', async () => {
  const { port, logs } = await start(async () => ({}));
  await request(port, { headers: JSON_H('PurgeQueue'), body: JSON.stringify({ QueueUrl: 'http://h:1/222222222222/orders' }) });
  await request(port, { headers: JSON_H('PurgeQueue'), body: JSON.stringify({ QueueUrl: 'http://h:1/orders' }) });
  assert.deepEqual(
    logs.map((l) => [l.queue, l.account, l.callerAccount]),
    [
      ['orders', '222222222222', undefined],
      ['orders', undefined, undefined],
    ],
  );
});

test('GET Query at / and at a queue path; other GET paths are 404', async () => {
  const calls: Call[] = [];
  const { port } = await start(async (action, input) => {
    calls.push({ action, input } as Call);
    return { Attributes: { VisibilityTimeout: '30' } };
  });
  const r = await request(port, { method: 'GET', path: '/000000000000/q?Action=GetQueueAttributes&AttributeName.1=All', headers: { host: 'h' } });
  assert.equal(r.status, 200);
  assert.ok(r.body.includes('<Attribute><Name>VisibilityTimeout</Name><Value>30</Value></Attribute>'));
  assert.deepEqual(calls[0]!.input, { QueueUrl: 'http://h/000000000000/q', AttributeNames: ['All'] });
  const l = await request(port, { method: 'GET', path: '/?Action=ListQueues&QueueNamePrefix=a' });
  assert.equal(l.status, 200);
  assert.deepEqual(calls[1]!.input, { QueueNamePrefix: 'a' });
  assert.equal((await request(port, { method: 'GET', path: '/favicon.ico' })).status, 404);
  assert.equal((await request(port, { method: 'PUT', path: '/', body: 'x' })).status, 405);
  // A queue URL fetched without a query names no operation (AWS, recorded): 404 <UnknownOperationException/>.
  const bare = await request(port, { method: 'GET', path: '/000000000000/q' });
  assert.equal(bare.status, 404);
  assert.equal(bare.body, '<UnknownOperationException/>');
  // So is one presigned (SigV4 query auth, as the recorded test sends it): only X-Amz-* parameters.
  const presigned = await request(port, {
    method: 'GET',
    path:
      '/000000000000/q?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F20240430%2Fus-east-1%2Fsqs%2Faws4_request' +
      '&X-Amz-Date=20240430T133000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=abc',
  });
  assert.equal(presigned.status, 404);
  assert.equal(presigned.body, '<UnknownOperationException/>');
  // At the endpoint a GET without Action is still the Query error.
  const root = await request(port, { method: 'GET', path: '/' });
  assert.equal(root.status, 400);
  assert.ok(root.body.includes('<Code>MissingParameter</Code>'), root.body);
  assert.equal(calls.length, 2);
});

test('health: 200 when ready, 503 when not', async () => {
  let ready = true;
  const { port } = await start(async () => ({}), { isReady: () => ready });
  const r = await request(port, { method: 'GET', path: '/health' });
  assert.equal(r.status, 200);
  assert.deepEqual(JSON.parse(r.body), { status: 'ok' });
  ready = false;
  assert.equal((await request(port, { method: 'GET', path: '/health' })).status, 503);
});

test('extra routes are tried first', async () => {
  const { port } = await start(async () => ({}), {
    extraRoutes: (req, res) => {
      if (req.url !== '/metrics') return false;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('m 1');
      return true;
    },
  });
  const r = await request(port, { method: 'GET', path: '/metrics' });
  assert.equal(r.body, 'm 1');
});

test('errors: SqsError in each protocol, decode errors, internal errors are 500 without internals', async () => {
  const { port, errors } = await start(async (action) => {
    if (action === 'PurgeQueue') throw new SqsError('PurgeQueueInProgress');
    if (action === 'DeleteQueue') throw new SqsError('QueueDoesNotExist');
    throw new Error('boom: secret');
  });
  const j = await request(port, { headers: JSON_H('PurgeQueue'), body: '{"QueueUrl":"u"}' });
  assert.equal(j.status, 403);
  assert.equal(j.headers['x-amzn-query-error'], 'AWS.SimpleQueueService.PurgeQueueInProgress;Sender');
  const q = await request(port, { headers: FORM_H, body: 'Action=DeleteQueue&QueueUrl=u' });
  assert.equal(q.status, 400);
  assert.ok(
    q.body.includes(
      '<Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>The specified queue does not exist for this wsdl version.</Message>',
    ),
  );
  const bad = await request(port, { headers: JSON_H('SendMessage'), body: '{"QueueUrl":' });
  assert.equal(bad.status, 400);
  assert.equal(JSON.parse(bad.body).__type, 'com.amazon.coral.service#SerializationException');
  const unk = await request(port, { headers: JSON_H('Nope'), body: '{}' });
  assert.equal(unk.headers['x-amzn-query-error'], 'InvalidAction;Sender');
  const qbad = await request(port, { headers: FORM_H, body: 'Action=SendMessage&QueueUrl=u&MessageBody=b&MessageAttribute.4294967295.Name=x' });
  assert.equal(qbad.status, 400);
  assert.ok(qbad.body.includes('<Code>MalformedQueryString</Code>'));
  const internal = await request(port, { headers: JSON_H('ListQueues'), body: '{}' });
  assert.equal(internal.status, 500);
  assert.ok(!internal.body.includes('secret'));
  assert.equal(errors.length, 1);
});

test('body limit: refused while streaming (chunked) and up front (Content-Length), in the right protocol', async () => {
  let dispatched = 0;
  const { port } = await start(
    async () => {
      dispatched++;
      return {};
    },
    { limits: { ...listenerLimits(), maxBodyBytes: 64 * 1024 } },
  );
  // Chunked: no Content-Length, so the limit must trip while the body streams.
  const big = await new Promise<Res>((resolve, reject) => {
    const r = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: JSON_H('SendMessage') }, (res) => {
      let b = '';
      res.on('data', (c) => (b += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: b }));
    });
    r.on('error', reject);
    const chunk = Buffer.alloc(16 * 1024, 'a');
    let sent = 0;
    let answered = false;
    const pump = (): void => {
      while (sent < 4 * 1024 * 1024 && !answered) {
        sent += chunk.length;
        if (!r.write(chunk)) {
          r.once('drain', pump);
          return;
        }
      }
      r.end();
    };
    // Stop sending once the server has answered (as SDK clients do on an early response).
    r.once('response', () => (answered = true));
    pump();
  }).catch((e) => ({ status: -1, headers: {}, body: String(e) }) as Res);
  assert.equal(big.status, 413);
  assert.equal(JSON.parse(big.body).__type, 'com.amazon.coral.service#RequestEntityTooLargeException');
  // Answered from the header alone. (This client then sends none of the 10 MiB it announced, so its
  // connection is not one to reuse: the server would take the next request for the rest of the body.)
  const declared = await request(port, {
    headers: { ...FORM_H, 'content-length': 10 * 1024 * 1024 },
    body: Buffer.alloc(0),
    agent: new http.Agent({ keepAlive: false }),
  }).catch((e) => ({ status: -1, body: String(e) }) as Res);
  assert.equal(declared.status, 413);
  assert.ok(declared.body.includes('<Code>RequestEntityTooLarge</Code>'));
  assert.equal(dispatched, 0);
  // A body exactly at the limit is fine.
  const atLimit = 'Action=ListQueues&QueueNamePrefix=' + 'a'.repeat(64 * 1024 - 'Action=ListQueues&QueueNamePrefix='.length);
  assert.equal((await request(port, { headers: FORM_H, body: atLimit })).status, 200);
});

test('the signal aborts when the client disconnects', async () => {
  let aborted: () => void;
  const wasAborted = new Promise<void>((r) => (aborted = r));
  const { port } = await start(
    (_a, _i, meta) =>
      new Promise((resolve) => {
        meta.signal.onAbort(() => {
          aborted();
          resolve({});
        });
      }),
  );
  const r = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: JSON_H('ReceiveMessage') });
  r.on('error', () => undefined);
  r.end('{"QueueUrl":"u","WaitTimeSeconds":20}');
  await new Promise((res) => setTimeout(res, 100));
  r.destroy();
  await wasAborted;
});

test('close(): aborts waiting requests, which answer; waits for them; then resolves', async () => {
  const { s, port } = await start(
    (_a, _i, meta) =>
      new Promise((resolve) => {
        // A long poll: answers empty when aborted.
        const t = setTimeout(() => resolve({ Messages: [{ MessageId: 'late' }] }), 20_000);
        meta.signal.onAbort(() => {
          clearTimeout(t);
          setTimeout(() => resolve({}), 50);
        });
      }),
  );
  const agent = new http.Agent({ keepAlive: true });
  const pending = request(port, { headers: JSON_H('ReceiveMessage'), body: '{"QueueUrl":"u","WaitTimeSeconds":20}', agent });
  await new Promise((res) => setTimeout(res, 100));
  const t0 = Date.now();
  await s.close();
  servers.length = 0;
  const r = await pending;
  assert.equal(r.status, 200);
  assert.equal(r.body, '{}');
  assert.ok(Date.now() - t0 < 3000);
  agent.destroy();
});

test('keep-alive: several requests on one socket', async () => {
  const { port } = await start(async () => ({ QueueUrls: [] }));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set<unknown>();
  for (let i = 0; i < 3; i++) {
    const r = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: JSON_H('ListQueues'), agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res));
      });
      req.on('socket', (s) => sockets.add(s));
      req.on('error', reject);
      req.end('{}');
    });
    assert.equal(r.statusCode, 200);
  }
  assert.equal(sockets.size, 1);
  agent.destroy();
});

test('access record: not built when the logger has info off; a slow request is still logged whole at warn', async () => {
  const infos: RequestLog[] = [];
  const warns: RequestLog[] = [];
  let infoOn = false;
  const s = createHttpServer({
    dispatch: async (_action, input) => {
      if ((input as { QueueUrl?: string }).QueueUrl?.endsWith('/slow')) await new Promise((r) => setTimeout(r, 60));
      return {};
    },
    limits: listenerLimits(),
    slowRequestMs: 30,
    logger: {
      info: (o) => infos.push(o as RequestLog),
      warn: (o) => warns.push(o as RequestLog),
      error: () => undefined,
      isLevelEnabled: (level) => level !== 'info' || infoOn,
    },
  });
  servers.push(s);
  const { port } = await s.listen(0, '127.0.0.1');
  const send = (queue: string) =>
    request(port, { headers: JSON_H('PurgeQueue'), body: JSON.stringify({ QueueUrl: `http://h/123456789012/${queue}` }) });
  assert.equal((await send('fast')).status, 200);
  assert.equal(infos.length, 0, 'info is off: no access record');
  assert.equal((await send('slow')).status, 200);
  assert.equal(warns.length, 1);
  assert.equal(warns[0]!.queue, 'slow');
  assert.equal(warns[0]!.account, '123456789012');
  assert.equal(warns[0]!.action, 'PurgeQueue');
  infoOn = true;
  assert.equal((await send('fast')).status, 200);
  assert.equal(infos.length, 1, 'info on again: one record per request');
  assert.equal(infos[0]!.queue, 'fast');
  assert.equal(infos[0]!.account, '123456789012');
});
