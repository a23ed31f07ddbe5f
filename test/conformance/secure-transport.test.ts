/**
 * aws:SecureTransport, black-box: the same identities and policies served over TLS (--tls-self-signed)
 * and over plain HTTP. A user whose policy allows only over TLS is allowed on the https:// server and
 * refused (AccessDenied) on the http:// one; a policy that denies requests without TLS binds even a
 * user otherwise allowed everything.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateQueueCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startFerryProcess, type FerryProcess } from '../helpers/process.js';

const ACCT = '000000000000';
const KEYS = {
  tlsOnly: { accessKeyId: 'AKTLSONLY', secretAccessKey: 'tls-only-secret' },
  denied: { accessKeyId: 'AKDENYPLAIN', secretAccessKey: 'deny-plain-secret' },
};

const config = JSON.stringify({
  accounts: {
    [ACCT]: {
      users: {
        'tls-only': {
          accessKeys: [{ ...KEYS.tlsOnly }],
          inlinePolicies: {
            p: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }],
            },
          },
        },
        'deny-plain': {
          accessKeys: [{ ...KEYS.denied }],
          inlinePolicies: {
            p: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Action: 'sqs:*', Resource: '*' },
                { Sid: 'NoPlainText', Effect: 'Deny', Action: 'sqs:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
              ],
            },
          },
        },
      },
    },
  },
});

function client(endpoint: string, who: keyof typeof KEYS, ca?: string): SQSClient {
  return new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { ...KEYS[who] },
    ...(ca ? { requestHandler: { httpsAgent: new https.Agent({ ca: readFileSync(ca) }) } } : {}),
  });
}

describe('aws:SecureTransport follows the connection', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-securetransport-'));
  const file = join(dir, 'ferry.json');
  let secure: FerryProcess;
  let plain: FerryProcess;
  let ca: string;
  before(async () => {
    writeFileSync(file, config);
    const common = ['--auth', 'sigv4', '--config', file, '--skip-cooldowns'];
    secure = await startFerryProcess({ storage: 'sqlite', dataDir: join(dir, 'secure'), args: [...common, '--tls-self-signed'] });
    plain = await startFerryProcess({ storage: 'sqlite', dataDir: join(dir, 'plain'), args: common });
    ca = join(dir, 'secure', 'tls', 'self-signed-cert.pem');
  });
  after(async () => {
    await secure?.stop();
    await plain?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a policy allowing only over TLS: allowed on https, AccessDenied on http', async () => {
    assert.match(secure.url, /^https:/);
    assert.match(plain.url, /^http:/);
    const s = client(secure.url, 'tlsOnly', ca);
    const p = client(plain.url, 'tlsOnly');
    try {
      const { QueueUrl } = await s.send(new CreateQueueCommand({ QueueName: 'over-tls' }));
      assert.equal(QueueUrl, `${secure.url}/${ACCT}/over-tls`);
      await assert.rejects(p.send(new CreateQueueCommand({ QueueName: 'over-plain' })), (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
        assert.equal(e.name, 'AccessDenied');
        assert.equal(e.$metadata?.httpStatusCode, 403);
        assert.match(e.message, /arn:aws:iam::000000000000:user\/tls-only is not authorized to perform: sqs:createqueue/);
        return true;
      });
    } finally {
      s.destroy();
      p.destroy();
    }
  });

  it('a Deny on aws:SecureTransport false binds over http only', async () => {
    const s = client(secure.url, 'denied', ca);
    const p = client(plain.url, 'denied');
    try {
      await s.send(new ListQueuesCommand({}));
      await assert.rejects(p.send(new ListQueuesCommand({})), (e: Error) => {
        assert.equal(e.name, 'AccessDenied');
        assert.match(e.message, /with an explicit deny/);
        return true;
      });
    } finally {
      s.destroy();
      p.destroy();
    }
  });
});
