/** The listener with SigV4 on: verification before dispatch, the signer in RequestMeta, errors per protocol. */
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { after, it } from 'node:test';
import { SignatureV4 } from '@smithy/signature-v4';
import { listenerLimits } from '../../../src/config/schema.js';
import { createHttpServer, type RequestMeta } from '../../../src/http/listener.js';
import { createSigV4Verifier } from '../../../src/http/sigv4.js';

class Sha256 {
  private readonly h;
  constructor(secret?: string | Uint8Array) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  update(d: string | Uint8Array): void {
    this.h.update(d);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
  reset(): void {}
}

const metas: RequestMeta[] = [];
/** The request lines (`logger.info(…, 'request')`). */
const lines: { action?: string; account?: string; accessKeyId?: string; status: number }[] = [];
const server = createHttpServer({
  limits: listenerLimits(),
  logger: { info: (o) => lines.push(o as (typeof lines)[number]), warn: () => undefined, error: () => undefined },
  accountOf: (key) => (key === 'AKIDHTTP' ? '123456789012' : '000000000000'),
  verifier: createSigV4Verifier({ region: 'us-east-1', credentials: [{ accessKeyId: 'AKIDHTTP', secretAccessKey: 'http-secret' }] }),
  dispatch: async (_action, _input, meta) => {
    metas.push(meta);
    return { QueueUrls: [] };
  },
});
after(() => server.close());

it('dispatches a signed request with its access key id; refuses unsigned ones before decoding', async () => {
  const { port } = await server.listen(0, '127.0.0.1');
  const body = '{}';
  const signer = new SignatureV4({
    credentials: { accessKeyId: 'AKIDHTTP', secretAccessKey: 'http-secret' },
    region: 'us-east-1',
    service: 'sqs',
    sha256: Sha256 as never,
  });
  const signed = (await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port,
    path: '/',
    query: {},
    headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' },
    body,
  } as never)) as unknown as { headers: Record<string, string> };
  const { host: _h, ...headers } = signed.headers;
  const ok = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers, body });
  assert.equal(ok.status, 200);
  assert.equal(metas.length, 1);
  assert.equal(metas[0]!.accessKeyId, 'AKIDHTTP');
  // The request line: the verified key and its account.
  assert.deepEqual(lines.at(-1), { ...lines.at(-1), action: 'ListQueues', account: '123456789012', accessKeyId: 'AKIDHTTP', status: 200 });

  // Unsigned, and even undecodable: the answer is about authentication, in the request's protocol.
  const json = await fetch(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.Nope' },
    body: 'not json',
  });
  assert.equal(json.status, 403);
  assert.equal(json.headers.get('x-amzn-query-error'), 'MissingAuthenticationToken;Sender');
  const query = await fetch(`http://127.0.0.1:${port}/?Action=Nope`);
  assert.equal(query.status, 403);
  assert.match(await query.text(), /<Code>MissingAuthenticationToken<\/Code>/);
  assert.equal(metas.length, 1);
  // Refused before a key was verified: no account (not the default one) on the line.
  assert.equal(lines.at(-1)!.status, 403);
  assert.equal(lines.at(-1)!.account, undefined);
});
