/**
 * SigV4 verification: the official AWS Signature Version 4 test suite (signed requests from
 * docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html, service "service"), requests
 * signed by @smithy/signature-v4 (the signer of the v3 SDK) for service "sqs", every error with its
 * wording, clock skew and presign expiry on an injected clock, and the signing-key cache.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { SignatureV4 } from '@smithy/signature-v4';
import { ManualClock } from '../../../src/core/clock.js';
import { SqsError } from '../../../src/errors/catalog.js';
import { canonicalUri, createSigV4Verifier, isoBasic, type SigV4Request } from '../../../src/http/sigv4.js';

// ---- helpers -------------------------------------------------------------------------------------

/** Build a SigV4Request the way node:http would present it: lower-cased merged headers + rawHeaders. */
function request(method: string, target: string, headerList: Array<[string, string]>, body = ''): SigV4Request {
  const q = target.indexOf('?');
  const headers: Record<string, string> = {};
  const rawHeaders: string[] = [];
  for (const [name, value] of headerList) {
    rawHeaders.push(name, value);
    const lower = name.toLowerCase();
    const v = value.trim(); // node trims optional whitespace around a header value
    headers[lower] = headers[lower] === undefined ? v : `${headers[lower]}, ${v}`;
  }
  return {
    method,
    path: q === -1 ? target : target.slice(0, q),
    query: q === -1 ? '' : target.slice(q + 1),
    headers,
    rawHeaders,
    body: Buffer.from(body),
  };
}

function expectSqsError(fn: () => unknown, code: string, message?: string | RegExp): SqsError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof SqsError, `expected an SqsError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return e;
  }
  assert.fail(`expected ${code}, the request verified`);
}

/** The sha256 constructor @smithy/signature-v4 wants, on node:crypto. */
class Sha256 {
  private readonly h;
  constructor(secret?: string | Uint8Array) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  update(data: string | Uint8Array): void {
    this.h.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
  reset(): void {}
}

// ---- the official AWS SigV4 test suite -----------------------------------------------------------

const SUITE_KEY = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SUITE_TIME = Date.UTC(2015, 7, 30, 12, 36, 0);
const SCOPE = 'Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request';
const HOST: [string, string] = ['Host', 'example.amazonaws.com'];
const DATE: [string, string] = ['X-Amz-Date', '20150830T123600Z'];
const STS_TOKEN =
  'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==';

interface Vector {
  name: string;
  method: string;
  target: string;
  headers: Array<[string, string]>;
  signed: string;
  signature: string;
  body?: string;
}

/**
 * The suite's `.sreq` files (the signed requests). Paths are written decoded there ("/example space/",
 * "/ሴ"); a client puts that on the wire percent-encoded once, and AWS encodes the wire path again for
 * non-S3 services — passing the decoded form as the "wire" path yields exactly the suite's canonical URI.
 */
const SUITE: Vector[] = [
  {
    name: 'get-vanilla',
    method: 'GET',
    target: '/',
    headers: [HOST, DATE],
    signed: 'host;x-amz-date',
    signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
  },
  {
    name: 'get-vanilla-empty-query-key',
    method: 'GET',
    target: '/?Param1=value1',
    headers: [HOST, DATE],
    signed: 'host;x-amz-date',
    signature: 'a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb',
  },
  {
    name: 'get-vanilla-query-order-key-case',
    method: 'GET',
    target: '/?Param2=value2&Param1=value1',
    headers: [HOST, DATE],
    signed: 'host;x-amz-date',
    signature: 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
  },
  {
    name: 'get-vanilla-query-unreserved',
    method: 'GET',
    target: '/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
    headers: [HOST, DATE],
    signed: 'host;x-amz-date',
    signature: '9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197',
  },
  {
    name: 'get-vanilla-utf8-query',
    method: 'GET',
    target: '/?ሴ=bar',
    headers: [HOST, DATE],
    signed: 'host;x-amz-date',
    signature: '2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04',
  },
  {
    name: 'get-utf8',
    method: 'GET',
    target: '/ሴ',
    headers: [HOST, DATE],
    signed: 'host;x-amz-date',
    signature: '8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85',
  },
  {
    name: 'get-unreserved',
    method: 'GET',
    target: '/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
    headers: [HOST, DATE],
    signed: 'host;x-amz-date',
    signature: '07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f',
  },
  {
    name: 'get-header-key-duplicate',
    method: 'GET',
    target: '/',
    headers: [HOST, ['My-Header1', 'value2'], ['My-Header1', 'value2'], ['My-Header1', 'value1'], DATE],
    signed: 'host;my-header1;x-amz-date',
    signature: 'c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea',
  },
  {
    name: 'get-header-value-order',
    method: 'GET',
    target: '/',
    headers: [HOST, ['My-Header1', 'value4'], ['My-Header1', 'value1'], ['My-Header1', 'value3'], ['My-Header1', 'value2'], DATE],
    signed: 'host;my-header1;x-amz-date',
    signature: '08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01',
  },
  {
    name: 'get-header-value-trim',
    method: 'GET',
    target: '/',
    headers: [HOST, ['My-Header1', ' value1'], ['My-Header2', ' "a   b   c"'], DATE],
    signed: 'host;my-header1;my-header2;x-amz-date',
    signature: 'acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736',
  },
  {
    name: 'normalize-path/get-relative',
    method: 'GET',
    target: '/example/..',
    headers: [HOST, DATE],
    signed: 'host;x-amz-date',
    signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
  },
  {
    name: 'normalize-path/get-relative-relative',
    method: 'GET',
    target: '/example1/example2/../..',
    headers: [HOST, DATE],
    signed: 'host;x-amz-date',
    signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
  },
  {
    name: 'normalize-path/get-slash-dot-slash',
    method: 'GET',
    target: '/./',
    headers: [HOST, DATE],
    signed: 'host;x-amz-date',
    signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
  },
  {
    name: 'normalize-path/get-slash-pointless-dot',
    method: 'GET',
    target: '/./example',
    headers: [HOST, DATE],
    signed: 'host;x-amz-date',
    signature: 'ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5',
  },
  {
    name: 'normalize-path/get-slashes',
    method: 'GET',
    target: '//example//',
    headers: [HOST, DATE],
    signed: 'host;x-amz-date',
    signature: '9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84',
  },
  {
    name: 'normalize-path/get-space',
    method: 'GET',
    target: '/example space/',
    headers: [HOST, DATE],
    signed: 'host;x-amz-date',
    signature: '652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741',
  },
  {
    name: 'post-vanilla',
    method: 'POST',
    target: '/',
    headers: [HOST, DATE],
    signed: 'host;x-amz-date',
    signature: '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b',
  },
  {
    name: 'post-vanilla-empty-query-value',
    method: 'POST',
    target: '/?Param1=value1',
    headers: [HOST, DATE],
    signed: 'host;x-amz-date',
    signature: '28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11',
  },
  {
    name: 'post-header-key-sort',
    method: 'POST',
    target: '/',
    headers: [HOST, ['My-Header1', 'value1'], DATE],
    signed: 'host;my-header1;x-amz-date',
    signature: 'c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c',
  },
  {
    name: 'post-header-value-case',
    method: 'POST',
    target: '/',
    headers: [HOST, ['My-Header1', 'VALUE1'], DATE],
    signed: 'host;my-header1;x-amz-date',
    signature: 'cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d',
  },
  {
    name: 'post-x-www-form-urlencoded',
    method: 'POST',
    target: '/',
    headers: [['Content-Type', 'application/x-www-form-urlencoded'], HOST, DATE],
    signed: 'content-type;host;x-amz-date',
    signature: 'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a',
    body: 'Param1=value1',
  },
  {
    name: 'post-x-www-form-urlencoded-parameters',
    method: 'POST',
    target: '/',
    headers: [['Content-Type', 'application/x-www-form-urlencoded; charset=utf8'], HOST, DATE],
    signed: 'content-type;host;x-amz-date',
    signature: '1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe',
    body: 'Param1=value1',
  },
  {
    name: 'post-sts-token/post-sts-header-before',
    method: 'POST',
    target: '/',
    headers: [HOST, DATE, ['X-Amz-Security-Token', STS_TOKEN]],
    signed: 'host;x-amz-date;x-amz-security-token',
    signature: '85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead',
  },
];

function suiteRequest(v: Vector, signature = v.signature): SigV4Request {
  const authz: [string, string] = ['Authorization', `AWS4-HMAC-SHA256 ${SCOPE}, SignedHeaders=${v.signed}, Signature=${signature}`];
  return request(v.method, v.target, [...v.headers, authz], v.body ?? '');
}

describe('official AWS SigV4 test suite', () => {
  const verifier = createSigV4Verifier({ region: 'us-east-1', service: 'service', credentials: [SUITE_KEY], clock: new ManualClock(SUITE_TIME) });
  for (const v of SUITE) {
    it(`${v.name} verifies`, () => {
      const id = verifier.verify(suiteRequest(v));
      assert.equal(id.accessKeyId, 'AKIDEXAMPLE');
      assert.equal(id.presigned, false);
    });
  }
  it('every vector fails with one flipped signature digit', () => {
    for (const v of SUITE) {
      const bad = (v.signature[0] === '0' ? '1' : '0') + v.signature.slice(1);
      expectSqsError(() => verifier.verify(suiteRequest(v, bad)), 'SignatureDoesNotMatch');
    }
  });
  it('post-sts-header-before reports the session token', () => {
    const id = verifier.verify(suiteRequest(SUITE.find((v) => v.name.endsWith('post-sts-header-before'))!));
    assert.equal(id.sessionToken, STS_TOKEN);
  });
  it('the same vectors fail with the wrong secret', () => {
    const wrong = createSigV4Verifier({
      region: 'us-east-1',
      service: 'service',
      credentials: [{ ...SUITE_KEY, secretAccessKey: 'not-the-secret' }],
      clock: new ManualClock(SUITE_TIME),
    });
    for (const v of SUITE) expectSqsError(() => wrong.verify(suiteRequest(v)), 'SignatureDoesNotMatch');
  });
});

describe('canonical URI (non-S3 rules)', () => {
  it('normalises and encodes like AWS', () => {
    assert.equal(canonicalUri('/'), '/');
    assert.equal(canonicalUri(''), '/');
    assert.equal(canonicalUri('/000000000000/orders'), '/000000000000/orders');
    assert.equal(canonicalUri('/000000000000/events.fifo'), '/000000000000/events.fifo');
    assert.equal(canonicalUri('/a/./b/../c/'), '/a/c/');
    assert.equal(canonicalUri('//a//b'), '/a/b');
    assert.equal(canonicalUri('/a/..'), '/');
    // A percent-encoded wire path is encoded again ("double encoding" for every service but S3).
    assert.equal(canonicalUri('/q%20x'), '/q%2520x');
    assert.equal(canonicalUri("/a!'()*"), '/a%21%27%28%29%2A');
  });
});

// ---- real-signer requests for service sqs --------------------------------------------------------

const KEY = { accessKeyId: 'AKIDFERRYTEST', secretAccessKey: 'ferry-test-secret' };
const NOW = Date.UTC(2026, 2, 14, 9, 26, 53);

function smithy(secret = KEY.secretAccessKey, region = 'us-east-1', service = 'sqs'): SignatureV4 {
  return new SignatureV4({ credentials: { accessKeyId: KEY.accessKeyId, secretAccessKey: secret }, region, service, sha256: Sha256 as never });
}

interface Plain {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: string;
}

function jsonRequest(body = '{"QueueNamePrefix":"a"}'): Plain {
  return {
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 9324,
    path: '/',
    query: {},
    headers: {
      host: '127.0.0.1:9324',
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'AmazonSQS.ListQueues',
      'content-length': String(Buffer.byteLength(body)),
    },
    body,
  };
}

/** A signed smithy request → what node:http would hand the verifier. */
function toWire(r: Plain): SigV4Request {
  const qs = Object.entries(r.query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return request(r.method, qs ? `${r.path}?${qs}` : r.path, Object.entries(r.headers), r.body ?? '');
}

async function signed(r: Plain, signer = smithy(), at = NOW): Promise<SigV4Request> {
  return toWire((await signer.sign(r as never, { signingDate: new Date(at) })) as unknown as Plain);
}

function verifierAt(t = NOW, extra: Partial<Parameters<typeof createSigV4Verifier>[0]> = {}) {
  const clock = new ManualClock(t);
  return { clock, verifier: createSigV4Verifier({ region: 'us-east-1', credentials: [KEY], clock, ...extra }) };
}

describe('requests signed by @smithy/signature-v4 (service sqs)', () => {
  it('a JSON request verifies; the identity names the key', async () => {
    const { verifier } = verifierAt();
    assert.deepEqual(verifier.verify(await signed(jsonRequest())), { accessKeyId: KEY.accessKeyId, sessionToken: undefined, presigned: false });
  });

  it('a Query POST to a queue URL verifies', async () => {
    const body = 'Action=SendMessage&Version=2012-11-05&MessageBody=hello%20world%21';
    const r: Plain = {
      method: 'POST',
      protocol: 'http:',
      hostname: 'localhost',
      port: 9324,
      path: '/000000000000/orders',
      query: {},
      headers: { host: 'localhost:9324', 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
    };
    const { verifier } = verifierAt();
    assert.equal(verifier.verify(await signed(r)).accessKeyId, KEY.accessKeyId);
  });

  it('a session token is accepted and reported', async () => {
    const signer = new SignatureV4({
      credentials: { ...KEY, sessionToken: 'FQoGZXIvYXdzEXAMPLE' },
      region: 'us-east-1',
      service: 'sqs',
      sha256: Sha256 as never,
    });
    const { verifier } = verifierAt();
    assert.equal(verifier.verify(await signed(jsonRequest(), signer)).sessionToken, 'FQoGZXIvYXdzEXAMPLE');
  });

  it('the wrong secret → SignatureDoesNotMatch explaining the canonical request, without the secret', async () => {
    const { verifier } = verifierAt();
    const wrongSecretRequest = await signed(jsonRequest(), smithy('wrong-secret'));
    const e = expectSqsError(
      () => verifier.verify(wrongSecretRequest),
      'SignatureDoesNotMatch',
      /^The request signature we calculated does not match/,
    );
    assert.match(
      e.message,
      /The Canonical String for this request should have been\n'POST\n\/\n\ncontent-length:23\ncontent-type:application\/x-amz-json-1.0\nhost:127.0.0.1:9324\n/,
    );
    assert.match(
      e.message,
      /The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20260314T092653Z\n20260314\/us-east-1\/sqs\/aws4_request\n[0-9a-f]{64}'\n$/,
    );
    assert.ok(!e.message.includes(KEY.secretAccessKey) && !e.message.includes('wrong-secret'));
    assert.equal(e.statusFor('json'), 403);
  });

  it('a changed body, path, query or signed header fails', async () => {
    const { verifier } = verifierAt();
    const good = await signed(jsonRequest());
    expectSqsError(() => verifier.verify({ ...good, body: Buffer.from('{"QueueNamePrefix":"b"}') }), 'SignatureDoesNotMatch');
    expectSqsError(() => verifier.verify({ ...good, path: '/000000000000/q' }), 'SignatureDoesNotMatch');
    expectSqsError(() => verifier.verify({ ...good, query: 'Action=DeleteQueue' }), 'SignatureDoesNotMatch');
    expectSqsError(
      () => verifier.verify({ ...good, headers: { ...good.headers, 'x-amz-target': 'AmazonSQS.DeleteQueue' } }),
      'SignatureDoesNotMatch',
    );
    expectSqsError(() => verifier.verify({ ...good, method: 'PUT' }), 'SignatureDoesNotMatch');
  });

  it('x-amz-content-sha256 is used when present and must match the body', async () => {
    const { verifier } = verifierAt();
    const body = '{"QueueNamePrefix":"a"}';
    const r = jsonRequest(body);
    r.headers['x-amz-content-sha256'] = createHash('sha256').update(body).digest('hex');
    assert.equal(verifier.verify(await signed(r)).accessKeyId, KEY.accessKeyId);
    const lying = jsonRequest(body);
    lying.headers['x-amz-content-sha256'] = createHash('sha256').update('other').digest('hex');
    const lyingSigned = await signed(lying);
    const unsigned = jsonRequest(body);
    unsigned.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    const unsignedSigned = await signed(unsigned);
    expectSqsError(
      () => verifier.verify(lyingSigned),
      'SignatureDoesNotMatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
    // UNSIGNED-PAYLOAD is S3's: for SQS the body must be covered.
    expectSqsError(
      () => verifier.verify(unsignedSigned),
      'SignatureDoesNotMatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  });
});

describe('errors', () => {
  it('no Authorization header and no X-Amz-* parameters → MissingAuthenticationToken (403)', () => {
    const { verifier } = verifierAt();
    const e = expectSqsError(() => verifier.verify(request('POST', '/', [['Host', 'x']], 'Action=ListQueues')), 'MissingAuthenticationToken');
    assert.equal(e.statusFor('query'), 403);
    expectSqsError(() => verifier.verify(request('GET', '/?Action=ListQueues&Version=2012-11-05', [['Host', 'x']])), 'MissingAuthenticationToken');
    // SigV2 query signatures are no longer accepted by SQS either.
    expectSqsError(
      () => verifier.verify(request('GET', '/?Action=ListQueues&AWSAccessKeyId=A&SignatureVersion=2&Signature=x', [['Host', 'x']])),
      'MissingAuthenticationToken',
    );
  });

  it('a malformed Authorization header → IncompleteSignature naming what is missing', () => {
    const { verifier } = verifierAt();
    const h = 'AWS4-HMAC-SHA256 Credential=AKIDFERRYTEST/20260314/us-east-1/sqs/aws4_request';
    const e = expectSqsError(
      () =>
        verifier.verify(
          request('POST', '/', [
            ['Host', 'x'],
            ['Authorization', h],
          ]),
        ),
      'IncompleteSignature',
      `Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${h}`,
    );
    assert.equal(e.statusFor('json'), 400);
    expectSqsError(
      () =>
        verifier.verify(
          request('POST', '/', [
            ['Host', 'x'],
            ['X-Amz-Date', '20260314T092653Z'],
            ['Authorization', 'Basic dXNlcjpwYXNz'],
          ]),
        ),
      'IncompleteSignature',
      /^Authorization header requires 'Credential' parameter\./,
    );
    expectSqsError(
      () =>
        verifier.verify(
          request('POST', '/', [
            ['Host', 'x'],
            ['X-Amz-Date', '20260314T092653Z'],
            ['Authorization', 'AWS4-HMAC-SHA256 Credential AKID, SignedHeaders=host, Signature=00'],
          ]),
        ),
      'IncompleteSignature',
      "'Credential AKID' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential AKID, SignedHeaders=host, Signature=00'.",
    );
    expectSqsError(
      () =>
        verifier.verify(
          request('POST', '/', [
            ['Host', 'x'],
            ['X-Amz-Date', '20260314T092653Z'],
            ['Authorization', 'AWS4-HMAC-SHA256 Credential=AKIDFERRYTEST/20260314/us-east-1, SignedHeaders=host, Signature=00'],
          ]),
        ),
      'IncompleteSignature',
      /^Credential must have exactly 5 slash-delimited elements/,
    );
    expectSqsError(
      () =>
        verifier.verify(
          request('POST', '/', [
            ['Host', 'x'],
            ['X-Amz-Date', '2026-03-14T09:26:53Z'],
            ['Authorization', 'AWS4-HMAC-SHA256 Credential=AKIDFERRYTEST/20260314/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=00'],
          ]),
        ),
      'IncompleteSignature',
      /^Date must be in ISO-8601 'basic format'/,
    );
  });

  it('an unknown access key → InvalidClientTokenId (403)', async () => {
    const { verifier } = verifierAt();
    const other = new SignatureV4({
      credentials: { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'x' },
      region: 'us-east-1',
      service: 'sqs',
      sha256: Sha256 as never,
    });
    const req = await signed(jsonRequest(), other);
    const e = expectSqsError(() => verifier.verify(req), 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    assert.equal(e.statusFor('query'), 403);
  });

  it('a credential scoped to another region, service or terminator → SignatureDoesNotMatch', async () => {
    const { verifier } = verifierAt();
    const west = await signed(jsonRequest(), smithy(KEY.secretAccessKey, 'us-west-2'));
    const sns = await signed(jsonRequest(), smithy(KEY.secretAccessKey, 'us-east-1', 'sns'));
    expectSqsError(() => verifier.verify(west), 'SignatureDoesNotMatch', "Credential should be scoped to a valid region, not 'us-west-2'. ");
    expectSqsError(() => verifier.verify(sns), 'SignatureDoesNotMatch', "Credential should be scoped to correct service: 'sqs'. ");
    const t = await signed(jsonRequest());
    const auth = (t.headers.authorization as string).replace('/aws4_request', '/aws5_request');
    expectSqsError(
      () => verifier.verify({ ...t, headers: { ...t.headers, authorization: auth } }),
      'SignatureDoesNotMatch',
      "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. ",
    );
  });

  it('a scope date that is not the request day → SignatureDoesNotMatch', async () => {
    const { verifier } = verifierAt();
    const t = await signed(jsonRequest());
    const auth = (t.headers.authorization as string).replace('/20260314/', '/20260313/');
    expectSqsError(
      () => verifier.verify({ ...t, headers: { ...t.headers, authorization: auth } }),
      'SignatureDoesNotMatch',
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20260313' != '20260314', from '20260314T092653Z'.",
    );
  });

  it('a signature that does not cover Host → IncompleteSignature', async () => {
    const { verifier } = verifierAt();
    const t = await signed(jsonRequest());
    const auth = (t.headers.authorization as string).replace(/SignedHeaders=[^,]+/, 'SignedHeaders=content-type;x-amz-date');
    expectSqsError(
      () => verifier.verify({ ...t, headers: { ...t.headers, authorization: auth } }),
      'IncompleteSignature',
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  });

  it('a signature of the wrong shape is a mismatch, not a crash', async () => {
    const { verifier } = verifierAt();
    const t = await signed(jsonRequest());
    for (const sig of ['abc', 'Z'.repeat(64), (t.headers.authorization as string).slice(-64).toUpperCase()]) {
      const auth = (t.headers.authorization as string).replace(/Signature=[0-9a-f]+/, `Signature=${sig}`);
      expectSqsError(() => verifier.verify({ ...t, headers: { ...t.headers, authorization: auth } }), 'SignatureDoesNotMatch');
    }
  });
});

describe('clock skew (header auth, 15 minutes either way)', () => {
  it('accepts up to 15 minutes off, refuses beyond with AWS wording', async () => {
    const req = await signed(jsonRequest(), smithy(), NOW);
    const { clock, verifier } = verifierAt(NOW);
    clock.set(NOW + 15 * 60_000);
    verifier.verify(req);
    clock.set(NOW - 15 * 60_000);
    verifier.verify(req);

    clock.set(NOW + 15 * 60_000 + 1000);
    expectSqsError(
      () => verifier.verify(req),
      'SignatureDoesNotMatch',
      'Signature expired: 20260314T092653Z is now earlier than 20260314T092654Z (20260314T094154Z - 15 min.)',
    );
    clock.set(NOW - 16 * 60_000);
    expectSqsError(
      () => verifier.verify(req),
      'SignatureDoesNotMatch',
      'Signature not yet current: 20260314T092653Z is still later than 20260314T092553Z (20260314T091053Z + 15 min.)',
    );
  });

  it('the Date header stands in for X-Amz-Date', () => {
    const { verifier } = verifierAt();
    // Signed by hand: the string to sign carries the Date header's ISO-8601 basic form.
    const date = new Date(NOW).toUTCString();
    const amz = isoBasic(NOW);
    const canonical = `POST\n/\n\ndate:${date}\nhost:h\n\ndate;host\n${createHash('sha256').update('').digest('hex')}`;
    const sts = `AWS4-HMAC-SHA256\n${amz}\n${amz.slice(0, 8)}/us-east-1/sqs/aws4_request\n${createHash('sha256').update(canonical).digest('hex')}`;
    let k: Buffer = createHmac('sha256', 'AWS4' + KEY.secretAccessKey)
      .update(amz.slice(0, 8))
      .digest();
    for (const part of ['us-east-1', 'sqs', 'aws4_request']) k = createHmac('sha256', k).update(part).digest();
    const sig = createHmac('sha256', k).update(sts).digest('hex');
    const auth = `AWS4-HMAC-SHA256 Credential=${KEY.accessKeyId}/${amz.slice(0, 8)}/us-east-1/sqs/aws4_request, SignedHeaders=date;host, Signature=${sig}`;
    assert.equal(
      verifier.verify(
        request('POST', '/', [
          ['Date', date],
          ['Host', 'h'],
          ['Authorization', auth],
        ]),
      ).accessKeyId,
      KEY.accessKeyId,
    );
  });
});

describe('presigned (query-string) requests', () => {
  const getQuery = (): Plain => ({
    method: 'GET',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 9324,
    path: '/',
    query: { Action: 'ListQueues', Version: '2012-11-05', QueueNamePrefix: 'a b' },
    headers: { host: '127.0.0.1:9324' },
  });
  async function presigned(expiresIn: number, signer = smithy()): Promise<SigV4Request> {
    return toWire((await signer.presign(getQuery() as never, { signingDate: new Date(NOW), expiresIn })) as unknown as Plain);
  }

  it('verifies until X-Amz-Expires, then RequestExpired', async () => {
    const req = await presigned(60);
    assert.match(req.query, /X-Amz-Expires=60/);
    const { clock, verifier } = verifierAt(NOW);
    assert.equal(verifier.verify(req).presigned, true);
    clock.set(NOW + 60_000);
    verifier.verify(req);
    clock.set(NOW + 61_000);
    const e = expectSqsError(() => verifier.verify(req), 'RequestExpired', 'Request has expired.');
    assert.equal(e.statusFor('query'), 400);
  });

  it('a long-lived presign outlives the 15-minute header window', async () => {
    const req = await presigned(3600);
    const { clock, verifier } = verifierAt(NOW);
    clock.set(NOW + 59 * 60_000);
    verifier.verify(req);
  });

  it('the wrong secret, a tampered parameter, and X-Amz-Expires out of range fail', async () => {
    const { verifier } = verifierAt(NOW);
    const wrong = await presigned(60, smithy('wrong'));
    expectSqsError(() => verifier.verify(wrong), 'SignatureDoesNotMatch');
    const good = await presigned(60);
    expectSqsError(
      () => verifier.verify({ ...good, query: good.query.replace('QueueNamePrefix=a%20b', 'QueueNamePrefix=c') }),
      'SignatureDoesNotMatch',
    );
    expectSqsError(
      () => verifier.verify({ ...good, query: good.query.replace('X-Amz-Expires=60', 'X-Amz-Expires=604801') }),
      'IncompleteSignature',
      'X-Amz-Expires must be less than a week (in seconds) that is 604800',
    );
    expectSqsError(
      () => verifier.verify({ ...good, query: good.query.replace('X-Amz-Expires=60', 'X-Amz-Expires=soon') }),
      'IncompleteSignature',
      'X-Amz-Expires should be a number',
    );
  });

  it('missing presign parameters → IncompleteSignature', () => {
    const { verifier } = verifierAt(NOW);
    expectSqsError(
      () => verifier.verify(request('GET', '/?Action=ListQueues&X-Amz-Signature=00', [['Host', 'h']])),
      'IncompleteSignature',
      "AWS query-string parameters must include 'X-Amz-Algorithm'. AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters.",
    );
  });

  it('`+` in the query means a space, as the Query decoder reads it', async () => {
    const req = await presigned(60);
    const { verifier } = verifierAt(NOW);
    verifier.verify({ ...req, query: req.query.replace('a%20b', 'a+b') });
  });
});

describe('signing-key cache', () => {
  it('derives a key once per credential and day, keeps two days', async () => {
    const { clock, verifier } = verifierAt(NOW);
    const day1 = await signed(jsonRequest(), smithy(), NOW);
    for (let i = 0; i < 5; i++) verifier.verify(day1);
    assert.equal(verifier.stats.keyDerivations, 1);

    // Just after midnight UTC: clients on either side of it alternate between two days.
    const midnight = Date.UTC(2026, 2, 15, 0, 0, 0);
    clock.set(midnight);
    const before = await signed(jsonRequest(), smithy(), midnight - 60_000);
    const after = await signed(jsonRequest(), smithy(), midnight + 60_000);
    for (let i = 0; i < 3; i++) {
      verifier.verify(before);
      verifier.verify(after);
    }
    assert.equal(verifier.stats.keyDerivations, 2); // day 1 reused for `before`, day 2 derived once

    // A wrong secret never poisons the cache (the cache is per configured credential, not per request).
    const wrongSecretLater = await signed(jsonRequest(), smithy('nope'), midnight + 60_000);
    expectSqsError(() => verifier.verify(wrongSecretLater), 'SignatureDoesNotMatch');
    verifier.verify(after);
    assert.equal(verifier.stats.keyDerivations, 2);
  });

  it('several credentials each verify with their own key', async () => {
    const second = { accessKeyId: 'AKIDSECOND', secretAccessKey: 'second-secret' };
    const { verifier } = verifierAt(NOW, { credentials: [KEY, second] });
    const s2 = new SignatureV4({ credentials: second, region: 'us-east-1', service: 'sqs', sha256: Sha256 as never });
    assert.equal(verifier.verify(await signed(jsonRequest(), s2)).accessKeyId, 'AKIDSECOND');
    assert.equal(verifier.verify(await signed(jsonRequest())).accessKeyId, KEY.accessKeyId);
    assert.equal(verifier.stats.keyDerivations, 2);
  });
});

describe('headers that select or shape a request must be signed (issue 13)', () => {
  const signedWithout = async (r: Plain, unsigned: string[]): Promise<SigV4Request> =>
    toWire((await smithy().sign(r as never, { signingDate: new Date(NOW), unsignableHeaders: new Set(unsigned) })) as unknown as Plain);

  it('X-Amz-Target left out of SignedHeaders → AccessDenied (no replay as another action)', async () => {
    const { verifier } = verifierAt();
    const req = await signedWithout(jsonRequest(), ['x-amz-target']);
    assert.ok(!String(req.headers.authorization).includes('x-amz-target'));
    expectSqsError(() => verifier.verify(req), 'AccessDenied', /headers present in the request which were not signed: x-amz-target/);
  });

  it("a JSON request's Content-Type left unsigned → AccessDenied", async () => {
    const { verifier } = verifierAt();
    const req = await signedWithout(jsonRequest(), ['content-type']);
    expectSqsError(() => verifier.verify(req), 'AccessDenied', /content-type/);
  });

  it('any other x-amz-* header present but unsigned → AccessDenied', async () => {
    const { verifier } = verifierAt();
    const r = jsonRequest();
    r.headers['x-amz-extra'] = 'x';
    const req = await signedWithout(r, ['x-amz-extra']);
    expectSqsError(() => verifier.verify(req), 'AccessDenied', /x-amz-extra/);
  });

  it("a Query request's Content-Type may stay unsigned (aws-sdk v2 never signs it)", async () => {
    const { verifier } = verifierAt();
    const body = 'Action=ListQueues&Version=2012-11-05';
    const r: Plain = {
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 9324,
      path: '/',
      query: {},
      headers: { host: '127.0.0.1:9324', 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
    };
    assert.equal(verifier.verify(await signedWithout(r, ['content-type'])).accessKeyId, KEY.accessKeyId);
  });
});
