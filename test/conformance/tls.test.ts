/**
 * TLS, black-box: a real `ferry serve --tls-cert … --tls-key …` process driven by real clients that
 * trust the test certificate — @aws-sdk/client-sqs (a custom https agent), boto3 (`verify=`) and the AWS
 * CLI (`--ca-bundle`); plain HTTP to the HTTPS port fails without harm; SIGHUP swaps the certificate for
 * new connections and a bad one keeps the old; `--tls-self-signed` serves; flag validation.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { CreateQueueCommand, ListQueuesCommand, ReceiveMessageCommand, SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { generateSelfSigned } from '../../src/http/selfSigned.js';
import { MAIN, startFerryProcess, type FerryProcess } from '../helpers/process.js';

const inCI = process.env.CI === 'true';
const dir = mkdtempSync(join(tmpdir(), 'ferry-tls-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * A certificate for 127.0.0.1/localhost: made by the `openssl` binary when present (RSA, independent of
 * Ferry's own generator), else by Ferry's generator.
 */
function makeCert(name: string, useOpenssl = true): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  if (useOpenssl && which('openssl')) {
    const r = spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`].concat([
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ]),
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
  } else {
    const g = generateSelfSigned({ names: ['localhost', '127.0.0.1'] });
    writeFileSync(cert, g.cert);
    writeFileSync(key, g.key);
  }
  return { cert, key };
}

/** The SHA-256 fingerprint of the certificate a new connection is served. */
function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const fp = s.getPeerX509Certificate()?.fingerprint256 ?? '';
      s.end();
      resolve(fp);
    });
    s.once('error', reject);
  });
}

function fingerprintOf(file: string): string {
  return new X509Certificate(readFileSync(file)).fingerprint256;
}

/** Resolve when the process has written `text` (after `from` characters of output). */
async function waitForOutput(ferry: FerryProcess, text: string, from: number, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!ferry.output().slice(from).includes(text)) {
    if (Date.now() > until) throw new Error(`no "${text}" in the output:\n${ferry.output().slice(from)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function sdk(endpoint: string, ca: string): SQSClient {
  return new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTLS', secretAccessKey: 'tls-secret' },
    requestHandler: { httpsAgent: new https.Agent({ ca: readFileSync(ca), keepAlive: true }) },
  });
}

const cliEnv = { ...process.env, AWS_ACCESS_KEY_ID: 'AKIDTLS', AWS_SECRET_ACCESS_KEY: 'tls-secret', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' };

describe('TLS with --tls-cert / --tls-key', () => {
  let ferry: FerryProcess;
  let first: { cert: string; key: string };
  let live: { cert: string; key: string };
  before(async () => {
    first = makeCert('first');
    // The files the server is pointed at; the SIGHUP tests replace their contents.
    live = { cert: join(dir, 'live.crt'), key: join(dir, 'live.key') };
    writeFileSync(live.cert, readFileSync(first.cert));
    writeFileSync(live.key, readFileSync(first.key));
    ferry = await startFerryProcess({ storage: 'memory', args: ['--tls-cert', live.cert, '--tls-key', live.key, '--skip-cooldowns'] });
  });
  after(async () => {
    await ferry.stop();
    ferry.cleanup();
  });

  it('serves https:// (startup log and queue URLs) to the JS SDK trusting the certificate', async () => {
    assert.match(ferry.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(ferry.output().includes(fingerprintOf(first.cert)), 'the startup log names the certificate fingerprint');
    const c = sdk(ferry.url, first.cert);
    try {
      const { QueueUrl } = await c.send(new CreateQueueCommand({ QueueName: 'tls-sdk' }));
      assert.equal(QueueUrl, `${ferry.url}/000000000000/tls-sdk`);
      await c.send(new SendMessageCommand({ QueueUrl, MessageBody: 'over TLS' }));
      const r = await c.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
      assert.equal(r.Messages?.[0]?.Body, 'over TLS');
      const listed = await c.send(new ListQueuesCommand({}));
      assert.ok(listed.QueueUrls?.includes(QueueUrl!));
    } finally {
      c.destroy();
    }
  });

  it('is refused by a client that does not trust the certificate', async () => {
    const c = new SQSClient({ endpoint: ferry.url, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
    try {
      await assert.rejects(c.send(new ListQueuesCommand({})), /self[- ]signed|certificate/i);
    } finally {
      c.destroy();
    }
  });

  const python = which('python3');
  const boto3Missing = !python ? 'python3 not found' : spawnSync(python, ['-c', 'import boto3']).status !== 0 ? 'boto3 missing' : undefined;
  it('boto3 with verify=<ca file>', { skip: !inCI && boto3Missing, timeout: 60_000 }, () => {
    const script = [
      'import sys, boto3',
      "s = boto3.client('sqs', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='a', aws_secret_access_key='b', verify=sys.argv[2])",
      "u = s.create_queue(QueueName='tls-boto3')['QueueUrl']",
      "s.send_message(QueueUrl=u, MessageBody='boto3 over TLS')",
      "print(u, s.receive_message(QueueUrl=u, WaitTimeSeconds=1)['Messages'][0]['Body'])",
    ].join('\n');
    const r = spawnSync(python!, ['-c', script, ferry.url, first.cert], { encoding: 'utf8', timeout: 50_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), `${ferry.url}/000000000000/tls-boto3 boto3 over TLS`);
  });

  const aws = which('aws');
  it('the AWS CLI with --ca-bundle', { skip: !inCI && !aws && 'aws not found', timeout: 60_000 }, () => {
    const r = spawnSync(aws!, ['--endpoint-url', ferry.url, '--ca-bundle', first.cert, '--output', 'json', 'sqs', 'list-queues'], {
      encoding: 'utf8',
      env: cliEnv,
      timeout: 50_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.ok((JSON.parse(r.stdout) as { QueueUrls: string[] }).QueueUrls.includes(`${ferry.url}/000000000000/tls-sdk`));
    // Without the bundle the CLI refuses the certificate.
    const refused = spawnSync(aws!, ['--endpoint-url', ferry.url, 'sqs', 'list-queues'], { encoding: 'utf8', env: cliEnv, timeout: 50_000 });
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /SSL|certificate/i);
  });

  it('plain HTTP to the HTTPS port fails cleanly and the server keeps serving', async () => {
    const port = ferry.port;
    const err = await new Promise<Error>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/health' }, () => resolve(new Error('answered over plain HTTP')));
      req.once('error', resolve);
    });
    assert.match((err as NodeJS.ErrnoException).code ?? err.message, /ECONNRESET|socket hang up|EPIPE/);
    assert.equal(ferry.proc.exitCode, null);
    const fp = await servedFingerprint(port);
    assert.equal(fp, fingerprintOf(first.cert));
    const health = await fetchHealth(port, first.cert);
    assert.equal(health, '{"status":"ok"}');
  });

  it('SIGHUP: a new certificate is served to new connections; a bad one keeps the current', async () => {
    const second = makeCert('second', false);
    const swap = (cert: string | Buffer, key: string | Buffer) => {
      writeFileSync(`${live.key}.new`, key);
      writeFileSync(`${live.cert}.new`, cert);
      renameSync(`${live.key}.new`, live.key);
      renameSync(`${live.cert}.new`, live.cert);
    };
    let mark = ferry.output().length;
    swap(readFileSync(second.cert), readFileSync(second.key));
    ferry.proc.kill('SIGHUP');
    await waitForOutput(ferry, 'TLS certificate reloaded', mark);
    assert.equal(await servedFingerprint(ferry.port), fingerprintOf(second.cert));
    assert.equal(await fetchHealth(ferry.port, second.cert), '{"status":"ok"}');

    // Garbage, then a key that is not the certificate's: each refused, the second certificate stays.
    for (const [cert, key, why] of [
      ['not a certificate\n', readFileSync(second.key), /no PEM certificate/],
      [readFileSync(second.cert), readFileSync(first.key), /not the private key of the certificate/],
    ] as const) {
      mark = ferry.output().length;
      swap(cert, key);
      ferry.proc.kill('SIGHUP');
      await waitForOutput(ferry, 'TLS reload failed: keeping the current certificate', mark);
      assert.match(ferry.output().slice(mark), why);
      assert.equal(ferry.proc.exitCode, null);
      assert.equal(await servedFingerprint(ferry.port), fingerprintOf(second.cert));
    }
    // Repaired files are picked up by the next SIGHUP.
    mark = ferry.output().length;
    swap(readFileSync(first.cert), readFileSync(first.key));
    ferry.proc.kill('SIGHUP');
    await waitForOutput(ferry, 'TLS certificate reloaded', mark);
    assert.equal(await servedFingerprint(ferry.port), fingerprintOf(first.cert));
  });
});

function fetchHealth(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', port, path: '/health', ca: readFileSync(ca), agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      })
      .once('error', reject);
  });
}

describe('TLS with --tls-self-signed', () => {
  it('generates a certificate in <data-dir>/tls, serves with it, and keeps it across restarts', async () => {
    const dataDir = join(dir, 'self-signed-data');
    const ferry = await startFerryProcess({ storage: 'sqlite', dataDir, args: ['--tls-self-signed'] });
    const certFile = join(dataDir, 'tls', 'self-signed-cert.pem');
    let fp: string;
    try {
      assert.match(ferry.url, /^https:/);
      fp = fingerprintOf(certFile);
      assert.match(
        ferry.output(),
        new RegExp(`TLS: self-signed certificate ${certFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, SHA-256 fingerprint ${fp}`),
      );
      assert.equal(await servedFingerprint(ferry.port), fp);
      const c = sdk(ferry.url, certFile);
      try {
        const { QueueUrl } = await c.send(new CreateQueueCommand({ QueueName: 'self-signed' }));
        assert.equal(QueueUrl, `${ferry.url}/000000000000/self-signed`);
      } finally {
        c.destroy();
      }
    } finally {
      await ferry.stop();
    }
    const again = await startFerryProcess({ storage: 'sqlite', dataDir, args: ['--tls-self-signed'] });
    try {
      assert.equal(await servedFingerprint(again.port), fp, 'the same certificate after a restart');
    } finally {
      await again.stop();
    }
  });
});

describe('TLS flag validation', () => {
  const serve = (...args: string[]) =>
    spawnSync(process.execPath, [MAIN, 'serve', '--storage', 'memory', '--port', '0', ...args], { encoding: 'utf8', timeout: 20_000 });

  it('refuses a certificate without its key, a key without its certificate, and both with --tls-self-signed', () => {
    const { cert, key } = makeCert('flags', false);
    for (const [args, message] of [
      [['--tls-cert', cert], /needs both a certificate and its key.*only the certificate/],
      [['--tls-key', key], /needs both a certificate and its key.*only the key/],
      [['--tls-self-signed', '--tls-cert', cert, '--tls-key', key], /not both/],
    ] as const) {
      const r = serve(...args);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, message);
    }
  });

  it('refuses unreadable and invalid PEM files with a message naming the file', () => {
    const { cert, key } = makeCert('flags2', false);
    const other = makeCert('flags3', false);
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
    for (const [args, message] of [
      [['--tls-cert', join(dir, 'missing.crt'), '--tls-key', key], /cannot read the TLS certificate file .*missing\.crt/],
      [['--tls-cert', cert, '--tls-key', join(dir, 'missing.key')], /cannot read the TLS private key file .*missing\.key/],
      [['--tls-cert', junk, '--tls-key', key], /junk\.pem is not a valid PEM certificate/],
      [['--tls-cert', cert, '--tls-key', cert], /is not a valid PEM private key/],
      [['--tls-cert', cert, '--tls-key', other.key], /is not the private key of the certificate/],
    ] as const) {
      const r = serve(...args);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /^ferry: tls: /);
      assert.match(r.stderr, message);
    }
  });
});
