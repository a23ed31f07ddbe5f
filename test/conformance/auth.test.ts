/**
 * SigV4 verification, black-box: real `ferry serve --auth sigv4` processes driven by real clients —
 * @aws-sdk/client-sqs (JSON), aws-sdk v2 (Query), raw unsigned and presigned HTTP, and the Python
 * clients (boto3 and the AWS CLI, JSON and Query versions) when present. Every client must work with
 * the right key and be refused with the wrong one, with AWS's error codes and statuses.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SignatureV4 } from '@smithy/signature-v4';
import { TEST_CREDENTIALS, expectError, makeClient, type Protocol } from '../helpers/clients.js';
import { startFerryProcess, type FerryProcess } from '../helpers/process.js';

const KEY = TEST_CREDENTIALS;
const AUTH_ARGS = ['--auth', 'sigv4', '--access-key-id', KEY.accessKeyId, '--secret-access-key', KEY.secretAccessKey, '--skip-cooldowns'];
const inCI = process.env.CI === 'true';

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

const signer = (secretAccessKey = KEY.secretAccessKey) =>
  new SignatureV4({ credentials: { accessKeyId: KEY.accessKeyId, secretAccessKey }, region: 'us-east-1', service: 'sqs', sha256: Sha256 as never });

/** A presigned `GET /?Action=ListQueues…` URL for the server, signed at `at`. */
async function presignedUrl(base: string, at: Date, expiresIn: number, secret?: string): Promise<string> {
  const u = new URL(base);
  const signed = (await signer(secret).presign(
    {
      method: 'GET',
      protocol: 'http:',
      hostname: u.hostname,
      port: Number(u.port),
      path: '/',
      query: { Action: 'ListQueues', Version: '2012-11-05' },
      headers: { host: u.host },
    } as never,
    { signingDate: at, expiresIn },
  )) as unknown as { query: Record<string, string> };
  return `${base}/?${new URLSearchParams(signed.query).toString().replace(/\+/g, '%20')}`;
}

/** A JSON ListQueues signed at `at` with smithy, sent with fetch (no SDK clock correction). */
async function signedJsonAt(base: string, at: Date): Promise<Response> {
  const u = new URL(base);
  const body = '{}';
  const req = (await signer().sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: u.hostname,
      port: Number(u.port),
      path: '/',
      query: {},
      headers: { host: u.host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' },
      body,
    } as never,
    { signingDate: at },
  )) as unknown as { headers: Record<string, string> };
  const { host: _h, ...headers } = req.headers;
  return fetch(`${base}/`, { method: 'POST', headers, body });
}

describe('auth sigv4 [black-box]', () => {
  let ferry: FerryProcess;
  before(async () => {
    ferry = await startFerryProcess({ storage: 'memory', args: AUTH_ARGS });
  });
  after(async () => {
    await ferry?.stop();
    ferry?.cleanup();
  });

  it('logs that auth is on', () => {
    assert.match(ferry.output(), /"auth":"sigv4"/);
    assert.ok(!ferry.output().includes(KEY.secretAccessKey), 'the secret never reaches the log');
  });

  for (const protocol of ['json', 'query'] as Protocol[]) {
    describe(`${protocol === 'json' ? '@aws-sdk/client-sqs (JSON)' : 'aws-sdk v2 (Query)'}`, () => {
      it('the right key: a whole workflow', async () => {
        const c = makeClient(protocol, ferry.url);
        try {
          const { QueueUrl } = await c.call('CreateQueue', { QueueName: `auth-${protocol}` });
          await c.call('SendMessage', { QueueUrl, MessageBody: 'signed' });
          const got = await c.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 1 });
          assert.equal(got.Messages[0].Body, 'signed');
          await c.call('DeleteMessage', { QueueUrl, ReceiptHandle: got.Messages[0].ReceiptHandle });
          await c.call('DeleteQueue', { QueueUrl });
        } finally {
          c.destroy();
        }
      });

      it('the wrong secret → SignatureDoesNotMatch 403', async () => {
        const c = makeClient(protocol, ferry.url, 'us-east-1', { accessKeyId: KEY.accessKeyId, secretAccessKey: 'wrong' });
        const e = await expectError(c.call('ListQueues', {}));
        c.destroy();
        assert.equal(e.queryCode, 'SignatureDoesNotMatch');
        assert.equal(e.status, 403);
        assert.match(e.message, /^The request signature we calculated does not match the signature you provided/);
        assert.ok(!e.message.includes(KEY.secretAccessKey));
      });

      it('an unknown access key → InvalidClientTokenId 403', async () => {
        const c = makeClient(protocol, ferry.url, 'us-east-1', { accessKeyId: 'AKIDNOBODY', secretAccessKey: KEY.secretAccessKey });
        const e = await expectError(c.call('ListQueues', {}));
        c.destroy();
        assert.equal(e.queryCode, 'InvalidClientTokenId');
        assert.equal(e.status, 403);
      });

      it('a credential scoped to another region → SignatureDoesNotMatch', async () => {
        const c = makeClient(protocol, ferry.url, 'eu-west-1');
        const e = await expectError(c.call('ListQueues', {}));
        c.destroy();
        assert.equal(e.queryCode, 'SignatureDoesNotMatch');
        assert.match(e.message, /Credential should be scoped to a valid region, not 'eu-west-1'/);
      });

      it('a session token is accepted with a known key', async () => {
        const c = makeClient(protocol, ferry.url, 'us-east-1', { ...KEY, sessionToken: 'FQoGZXIvYXdzEXAMPLETOKEN' });
        try {
          await c.call('ListQueues', {});
        } finally {
          c.destroy();
        }
      });
    });
  }

  describe('raw HTTP', () => {
    it('/health needs no signature', async () => {
      assert.equal((await fetch(`${ferry.url}/health`)).status, 200);
    });

    it('unsigned JSON → 403 MissingAuthenticationToken with the x-amzn-query-error header', async () => {
      const r = await fetch(`${ferry.url}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' },
        body: '{}',
      });
      assert.equal(r.status, 403);
      assert.equal(r.headers.get('x-amzn-query-error'), 'MissingAuthenticationToken;Sender');
      const j = (await r.json()) as { __type: string; message: string };
      assert.equal(j.__type, 'com.amazon.coral.service#MissingAuthenticationTokenException');
    });

    it('unsigned Query POST and GET → 403 MissingAuthenticationToken in XML', async () => {
      const post = await fetch(`${ferry.url}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=ListQueues&Version=2012-11-05',
      });
      assert.equal(post.status, 403);
      assert.match(await post.text(), /<Code>MissingAuthenticationToken<\/Code>/);
      const get = await fetch(`${ferry.url}/?Action=ListQueues&Version=2012-11-05`);
      assert.equal(get.status, 403);
      assert.match(await get.text(), /<Code>MissingAuthenticationToken<\/Code>/);
    });

    it('a malformed Authorization header → 400 IncompleteSignature', async () => {
      const r = await fetch(`${ferry.url}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: 'AWS4-HMAC-SHA256 Credential=AKIDFERRYTEST/20260101/us-east-1/sqs/aws4_request',
        },
        body: 'Action=ListQueues',
      });
      assert.equal(r.status, 400);
      assert.match(
        await r.text(),
        /<Code>IncompleteSignature<\/Code>[\s\S]*Authorization header requires &apos;Signature&apos; parameter|<Code>IncompleteSignature<\/Code>[\s\S]*Authorization header requires 'Signature' parameter/,
      );
    });

    it('a request signed 20 minutes ago → 403 SignatureDoesNotMatch "Signature expired"', async () => {
      const r = await signedJsonAt(ferry.url, new Date(Date.now() - 20 * 60_000));
      assert.equal(r.status, 403);
      const j = (await r.json()) as { message: string };
      assert.match(j.message, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
      assert.equal((await signedJsonAt(ferry.url, new Date())).status, 200);
    });

    it('a presigned GET URL works until it expires (RequestExpired), and not with the wrong secret', async () => {
      const ok = await fetch(await presignedUrl(ferry.url, new Date(), 300));
      assert.equal(ok.status, 200, await ok.clone().text());
      assert.match(await ok.text(), /<ListQueuesResponse/);
      const old = await fetch(await presignedUrl(ferry.url, new Date(Date.now() - 2 * 3600_000), 60));
      assert.equal(old.status, 400);
      assert.match(await old.text(), /<Code>RequestExpired<\/Code>/);
      const wrong = await fetch(await presignedUrl(ferry.url, new Date(), 300, 'wrong'));
      assert.equal(wrong.status, 403);
      assert.match(await wrong.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
    });
  });

  // ---- the Python clients (see python-clients.test.ts for how they are located) -------------------

  interface PyClient {
    label: string;
    bin: string;
    python: boolean;
  }
  const which = (cmd: string): string | undefined => {
    const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };
  const PY: PyClient[] = [
    { label: 'boto3 (JSON, PATH python3)', bin: which('python3') ?? 'python3', python: true },
    { label: 'boto3 (Query, Debian python3-boto3)', bin: '/usr/bin/python3', python: true },
    { label: 'AWS CLI (JSON, PATH aws)', bin: which('aws') ?? 'aws', python: false },
    { label: 'AWS CLI (Query, Debian awscli)', bin: '/usr/bin/aws', python: false },
  ];
  const missing = (c: PyClient): string | undefined => {
    if (!existsSync(c.bin)) return `${c.bin} not found (apt-get install python3-boto3 awscli)`;
    if (c.python && spawnSync(c.bin, ['-c', 'import boto3'], { encoding: 'utf8' }).status !== 0) return `boto3 missing for ${c.bin}`;
    return undefined;
  };
  /** create a queue, list it, and (Query boto3 only) fetch a presigned ListQueues URL; prints OK or the error code. */
  const SCRIPT = `
import sys, urllib.request, boto3, botocore
endpoint, key, secret, name = sys.argv[1:5]
sqs = boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret)
try:
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    assert url in sqs.list_queues(QueueNamePrefix=name)["QueueUrls"]
    sqs.send_message(QueueUrl=url, MessageBody="py")
    if sqs.meta.service_model.protocol == "query":
        signed = sqs.generate_presigned_url("list_queues", Params={"QueueNamePrefix": name}, ExpiresIn=300, HttpMethod="GET")
        body = urllib.request.urlopen(signed).read().decode()
        assert url in body, body
    print("OK")
except botocore.exceptions.ClientError as e:
    print("ERR " + e.response["Error"]["Code"] + " " + str(e.response["ResponseMetadata"]["HTTPStatusCode"]))
`;
  for (const [i, c] of PY.entries()) {
    const why = missing(c);
    it(`${c.label}: signs correctly, and is refused with the wrong key`, { ...(why && !inCI ? { skip: why } : {}), timeout: 60_000 }, () => {
      assert.equal(why, undefined, why);
      const env = { ...process.env, AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' };
      const run = (key: string, secret: string): string => {
        if (c.python) {
          const r = spawnSync(c.bin, ['-c', SCRIPT, ferry.url, key, secret, `authpy${i}`], { encoding: 'utf8', env, timeout: 50_000 });
          assert.equal(r.status, 0, r.stderr);
          return r.stdout.trim();
        }
        const r = spawnSync(c.bin, ['--endpoint-url', ferry.url, '--output', 'json', 'sqs', 'create-queue', '--queue-name', `authcli${i}`], {
          encoding: 'utf8',
          env: { ...env, AWS_ACCESS_KEY_ID: key, AWS_SECRET_ACCESS_KEY: secret },
          timeout: 30_000,
        });
        return r.status === 0 ? 'OK' : `ERR ${r.stderr}`;
      };
      assert.equal(run(KEY.accessKeyId, KEY.secretAccessKey), 'OK');
      assert.match(run(KEY.accessKeyId, 'wrong-secret'), /^ERR .*SignatureDoesNotMatch/s);
      assert.match(run('AKIDNOBODY', KEY.secretAccessKey), /^ERR .*InvalidClientTokenId/s);
    });
  }
});

describe('auth configuration [black-box]', () => {
  it('--auth sigv4 without credentials stops the start with a clear message (exit 2)', async () => {
    await assert.rejects(startFerryProcess({ storage: 'memory', args: ['--auth', 'sigv4'], timeoutMs: 10_000 }), (e: Error) => {
      assert.match(e.message, /exited with 2/);
      assert.match(e.message, /auth is sigv4 but no credentials are configured/);
      return true;
    });
  });

  it('a config-file credentials list: every listed key works, others do not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-auth-'));
    const file = join(dir, 'ferry.yaml');
    writeFileSync(
      file,
      [
        'auth: sigv4',
        'credentials:',
        '  - accessKeyId: AKIDONE',
        '    secretAccessKey: one-secret',
        '  - accessKeyId: AKIDTWO',
        '    secretAccessKey: two-secret',
        '',
      ].join('\n'),
    );
    const f = await startFerryProcess({ storage: 'memory', args: ['--config', file] });
    try {
      for (const [accessKeyId, secretAccessKey] of [
        ['AKIDONE', 'one-secret'],
        ['AKIDTWO', 'two-secret'],
      ] as const) {
        for (const protocol of ['json', 'query'] as Protocol[]) {
          const c = makeClient(protocol, f.url, 'us-east-1', { accessKeyId, secretAccessKey });
          await c.call('ListQueues', {});
          c.destroy();
        }
      }
      const c = makeClient('json', f.url, 'us-east-1', { accessKeyId: 'AKIDONE', secretAccessKey: 'two-secret' });
      assert.equal((await expectError(c.call('ListQueues', {}))).queryCode, 'SignatureDoesNotMatch');
      c.destroy();
    } finally {
      await f.stop();
      f.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('auth off (the default) still accepts any credentials', async () => {
    const f = await startFerryProcess({ storage: 'memory' });
    try {
      const c = makeClient('query', f.url, 'us-east-1', { accessKeyId: 'anything', secretAccessKey: 'at-all' });
      await c.call('ListQueues', {});
      c.destroy();
      assert.equal((await fetch(`${f.url}/?Action=ListQueues&Version=2012-11-05`)).status, 200);
    } finally {
      await f.stop();
      f.cleanup();
    }
  });
});
