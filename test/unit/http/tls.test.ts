/**
 * TLS pieces: the self-signed certificate generator (parsed back with node's X509Certificate: signature,
 * SANs, extensions, validity; and used in a real handshake), the file and self-signed sources, the
 * reloadable context, the listener's HTTPS mode and `secureTransport`, and the config rules.
 */
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/config/schema.js';
import { listenerLimits } from '../../../src/config/schema.js';
import { createHttpServer, type RequestMeta } from '../../../src/http/listener.js';
import { generateSelfSigned } from '../../../src/http/selfSigned.js';
import { TlsError, checkPair, createTlsContext, fileSource, selfSignedNames, selfSignedSource } from '../../../src/http/tls.js';

const dir = mkdtempSync(join(tmpdir(), 'ferry-tls-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('generateSelfSigned', () => {
  const names = ['localhost', '127.0.0.1', '::1', 'ferry.internal', '10.1.2.3', 'fe80::1:2', '::ffff:192.0.2.7'];
  const { cert, key } = generateSelfSigned({ names, notBefore: new Date('2026-01-01T00:00:00Z'), days: 10 });
  const x = new X509Certificate(cert);

  it('is a self-signed X.509 v3 certificate whose signature verifies with its own key', () => {
    assert.ok(x.verify(x.publicKey), 'signature');
    assert.ok(x.checkIssued(x), 'issuer = subject');
    assert.ok(x.checkPrivateKey(createPrivateKey(key)), 'the key is the certificate key');
    assert.equal(x.publicKey.asymmetricKeyType, 'ec');
    assert.equal(x.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.equal(x.subject, 'CN=Ferry self-signed (localhost)');
    assert.equal(x.issuer, x.subject);
    assert.ok(!x.ca, 'an end-entity certificate (CA:FALSE)');
    assert.match(x.serialNumber, /^[0-9A-F]{32}$/);
  });

  it('names every DNS name and IP address in subjectAltName', () => {
    assert.equal(
      x.subjectAltName,
      'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:ferry.internal, IP Address:10.1.2.3, IP Address:FE80:0:0:0:0:0:1:2, IP Address:0:0:0:0:0:FFFF:C000:207',
    );
    for (const n of ['localhost', 'ferry.internal']) assert.equal(x.checkHost(n), n);
    for (const ip of ['127.0.0.1', '::1', '10.1.2.3', 'fe80::1:2']) assert.ok(x.checkIP(ip), ip);
    assert.equal(x.checkHost('example.com'), undefined);
    assert.equal(x.checkIP('10.1.2.4'), undefined);
  });

  it('is valid from notBefore for the given days, with serverAuth usage', () => {
    assert.equal(new Date(x.validFrom).toISOString(), '2026-01-01T00:00:00.000Z');
    assert.equal(new Date(x.validTo).toISOString(), '2026-01-11T00:00:00.000Z');
    assert.deepEqual(x.keyUsage, ['1.3.6.1.5.5.7.3.1']);
    // GeneralizedTime after 2049 (RFC 5280).
    const late = new X509Certificate(generateSelfSigned({ names: ['a'], notBefore: new Date('2049-12-01T00:00:00Z'), days: 60 }).cert);
    assert.equal(new Date(late.validTo).toISOString(), '2050-01-30T00:00:00.000Z');
  });

  it('serial numbers and keys differ each time; bad names are refused', () => {
    const other = new X509Certificate(generateSelfSigned({ names: ['localhost'] }).cert);
    assert.notEqual(other.serialNumber, x.serialNumber);
    assert.notEqual(other.fingerprint256, x.fingerprint256);
    assert.throws(() => generateSelfSigned({ names: [] }));
    assert.throws(() => generateSelfSigned({ names: ['bad name'] }), /not a DNS name/);
  });

  it('completes a verified TLS handshake with a client that trusts it', async () => {
    const fresh = generateSelfSigned({ names: ['localhost', '127.0.0.1'] });
    const server = https.createServer({ cert: fresh.cert, key: fresh.key }, (_req, res) => res.end('hello'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      for (const host of ['127.0.0.1', 'localhost']) {
        const body = await new Promise<string>((resolve, reject) => {
          https
            .get({ host, port, ca: fresh.cert, agent: false }, (res) => res.on('data', (b: Buffer) => resolve(b.toString())))
            .once('error', reject);
        });
        assert.equal(body, 'hello');
      }
    } finally {
      server.close();
    }
  });
});

describe('TLS sources and context', () => {
  const a = generateSelfSigned({ names: ['localhost'] });
  const b = generateSelfSigned({ names: ['localhost'] });

  it('checkPair refuses a non-certificate, a bad key and a key of another certificate', () => {
    assert.throws(
      () => checkPair('hello', a.key, 'c.pem', 'k.pem'),
      (e: Error) => e instanceof TlsError && /c\.pem holds no PEM certificate/.test(e.message),
    );
    assert.throws(() => checkPair(a.cert, 'nope', 'c.pem', 'k.pem'), /k\.pem is not a valid PEM private key/);
    assert.throws(() => checkPair(a.cert, b.key, 'c.pem', 'k.pem'), /k\.pem is not the private key of the certificate in c\.pem/);
    assert.equal(checkPair(a.cert, a.key).fingerprint256, new X509Certificate(a.cert).fingerprint256);
  });

  it('a context reloads valid files into attached servers and keeps the current pair on an error', () => {
    const cert = join(dir, 'ctx.crt');
    const key = join(dir, 'ctx.key');
    writeFileSync(cert, a.cert);
    writeFileSync(key, a.key);
    const ctx = createTlsContext(fileSource(cert, key));
    const applied: unknown[] = [];
    ctx.attach({ setSecureContext: (o: unknown) => applied.push(o), once: () => undefined } as never);
    assert.equal(ctx.current.fingerprint256, new X509Certificate(a.cert).fingerprint256);
    assert.deepEqual(ctx.reload(), { ok: true, material: ctx.current, changed: false });
    writeFileSync(cert, b.cert);
    const bad = ctx.reload();
    assert.equal(bad.ok, false);
    assert.match((bad as { error: string }).error, /is not the private key/);
    assert.equal(ctx.current.fingerprint256, new X509Certificate(a.cert).fingerprint256);
    assert.equal(applied.length, 1, 'nothing applied on error');
    writeFileSync(key, b.key);
    const good = ctx.reload();
    assert.equal(good.ok && good.changed, true);
    assert.equal(ctx.current.fingerprint256, new X509Certificate(b.cert).fingerprint256);
    assert.deepEqual(applied.at(-1), { cert: b.cert, key: b.key });
    assert.throws(() => fileSource(join(dir, 'missing.crt'), key).load(), /cannot read the TLS certificate file/);
  });

  it('a self-signed source persists its pair, reuses it, and replaces it when a name is missing or it nears expiry', () => {
    const tlsDir = join(dir, 'ss');
    const first = selfSignedSource(['localhost', '127.0.0.1'], tlsDir).load();
    assert.equal(first.certFile, join(tlsDir, 'self-signed-cert.pem'));
    assert.equal(statSync(join(tlsDir, 'self-signed-key.pem')).mode & 0o777, 0o600);
    assert.equal(readFileSync(first.certFile!, 'utf8'), first.cert);
    assert.equal(selfSignedSource(['localhost', '127.0.0.1'], tlsDir).load().fingerprint256, first.fingerprint256, 'reused');
    const widened = selfSignedSource(['localhost', '127.0.0.1', 'ferry.test'], tlsDir).load();
    assert.notEqual(widened.fingerprint256, first.fingerprint256, 'a new name: a new certificate');
    const nearExpiry = selfSignedSource(['localhost'], tlsDir, () => Date.now() + 380 * 86_400_000).load();
    assert.notEqual(nearExpiry.fingerprint256, widened.fingerprint256, 'renewed within 30 days of expiry');
    writeFileSync(join(tlsDir, 'self-signed-key.pem'), b.key);
    assert.notEqual(selfSignedSource(['localhost'], tlsDir).load().fingerprint256, nearExpiry.fingerprint256, 'a mismatched pair is replaced');
    const mem = selfSignedSource(['localhost'], undefined);
    assert.equal(mem.load().certFile, undefined);
    assert.equal(mem.load().fingerprint256, mem.load().fingerprint256, 'in memory: one per process');
  });

  it('selfSignedNames: loopback names, the listen host (the host name for a wildcard) and the public host', () => {
    assert.deepEqual(selfSignedNames('127.0.0.1'), ['localhost', '127.0.0.1', '::1']);
    assert.deepEqual(selfSignedNames('ferry.local', 'https://SQS.example.com:9443'), [
      'localhost',
      '127.0.0.1',
      '::1',
      'ferry.local',
      'sqs.example.com',
    ]);
    assert.equal(selfSignedNames('0.0.0.0').length, 4);
  });
});

describe('listener over TLS', () => {
  it('serves the same routes over HTTPS with secureTransport true (false over plain HTTP)', async () => {
    const pair = generateSelfSigned({ names: ['127.0.0.1'] });
    const metas: RequestMeta[] = [];
    const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const dispatch = (_a: unknown, _i: unknown, meta: RequestMeta) => {
      metas.push(meta);
      return Promise.resolve({ QueueUrls: [] });
    };
    const secure = createHttpServer({
      dispatch,
      logger,
      limits: listenerLimits(),
      tls: createTlsContext({ load: () => ({ ...checkPair(pair.cert, pair.key) }) }),
    });
    const plain = createHttpServer({ dispatch, logger, limits: listenerLimits() });
    const { port: sp } = await secure.listen(0, '127.0.0.1');
    const { port: pp } = await plain.listen(0, '127.0.0.1');
    try {
      const body = JSON.stringify({});
      const headers = {
        'Content-Type': 'application/x-amz-json-1.0',
        'X-Amz-Target': 'AmazonSQS.ListQueues',
        'Content-Length': Buffer.byteLength(body),
      };
      const call = (mod: typeof http | typeof https, port: number) =>
        new Promise<number>((resolve, reject) => {
          const r = (mod as typeof https).request(
            { host: '127.0.0.1', port, method: 'POST', path: '/', headers, ca: pair.cert, agent: false },
            (res) => {
              res.resume();
              res.on('end', () => resolve(res.statusCode!));
            },
          );
          r.once('error', reject);
          r.end(body);
        });
      assert.equal(await call(https, sp), 200);
      assert.equal(await call(http, pp), 200);
      assert.deepEqual(
        metas.map((m) => m.secureTransport),
        [true, false],
      );
      // A plain-HTTP client on the HTTPS port is dropped, and the server goes on.
      await assert.rejects(call(http, sp));
      assert.equal(await call(https, sp), 200);
      const fp = await new Promise<string>((resolve, reject) => {
        const s = connect({ host: '127.0.0.1', port: sp, ca: pair.cert, servername: undefined, checkServerIdentity: () => undefined }, () => {
          resolve(s.getPeerX509Certificate()!.fingerprint256);
          s.end();
        });
        s.once('error', reject);
      });
      assert.equal(fp, new X509Certificate(pair.cert).fingerprint256);
    } finally {
      await secure.close();
      await plain.close();
    }
  });
});

describe('TLS config', () => {
  it('takes the certificate and key from flags, environment or the config file', () => {
    const f = loadConfig({ flags: { tlsCert: 'c.pem', tlsKey: 'k.pem' } });
    assert.deepEqual([f.tlsCert, f.tlsKey, f.tlsSelfSigned], ['c.pem', 'k.pem', false]);
    const e = loadConfig({ env: { FERRY_TLS_CERT: 'c.pem', FERRY_TLS_KEY: 'k.pem' } });
    assert.deepEqual([e.tlsCert, e.tlsKey], ['c.pem', 'k.pem']);
    const file = join(dir, 'ferry.yaml');
    writeFileSync(file, 'tlsSelfSigned: true\n');
    assert.equal(loadConfig({ flags: { configFile: file } }).tlsSelfSigned, true);
    assert.equal(loadConfig({ env: { FERRY_TLS_SELF_SIGNED: 'true' } }).tlsSelfSigned, true);
    const none = loadConfig();
    assert.deepEqual([none.tlsCert, none.tlsKey, none.tlsSelfSigned], [undefined, undefined, false]);
  });

  it('needs both the certificate and the key, and not with --tls-self-signed', () => {
    assert.throws(
      () => loadConfig({ flags: { tlsCert: 'c.pem' } }),
      (e: Error) => e instanceof ConfigError && /only the certificate/.test(e.message),
    );
    assert.throws(() => loadConfig({ env: { FERRY_TLS_KEY: 'k.pem' } }), /only the key/);
    assert.throws(() => loadConfig({ flags: { tlsCert: 'c.pem', tlsKey: 'k.pem', tlsSelfSigned: true } }), /not both/);
  });
});
