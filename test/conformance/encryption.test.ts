/**
 * Encryption at rest, proved on the bytes (issue 11 §4). Real `ferry serve` processes and the real SDKs:
 *
 *  - SQLite: after unique marker bodies are sent to queues with SSE (SQS-managed by default, and a
 *    KmsMasterKeyId key made with `ferry keys create`), neither the database file nor its WAL holds a
 *    trace of them, while a queue with SqsManagedSseEnabled=false stores its marker in plain text (so
 *    the search itself is shown to work); receives decrypt, with MD5s of the plaintext.
 *  - Switching SSE off affects new messages only; a DLQ move and a move task keep messages readable.
 *  - A KmsMasterKeyId that is not in the key ring is accepted, and the send fails with KmsNotFound.
 *  - A restart with the same key ring decrypts everything; a start without it is refused with a clear
 *    message (exit code 2) and changes nothing: no key ring is created, and with the ring back every
 *    message still reads.
 *  - PostgreSQL (when a test database is available): no table of the schema holds the marker.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { expectError, makeClient, type SqsCaller } from '../helpers/clients.js';
import { schemaText } from '../helpers/postgres.js';
import { MAIN, startFerryProcess, type FerryProcess } from '../helpers/process.js';

const ACCOUNT = '000000000000';
const arn = (name: string) => `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`;
const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');
const marker = (what: string) => `FERRY-MARKER-${what}-${randomUUID()}`;

/** Every byte Ferry's SQLite store has on disk (database and WAL), as text for searching. */
function sqliteBytes(dataDir: string): string {
  return ['ferry.db', 'ferry.db-wal']
    .filter((f) => existsSync(join(dataDir, f)))
    .map((f) => readFileSync(join(dataDir, f)).toString('latin1'))
    .join('\n');
}

async function receiveBody(client: SqsCaller, url: string): Promise<{ Body: string; MD5OfBody: string }> {
  for (let i = 0; i < 50; i++) {
    const r = await client.call('ReceiveMessage', { QueueUrl: url, VisibilityTimeout: 0, WaitTimeSeconds: 1 });
    if (r.Messages?.length) return r.Messages[0];
  }
  throw new Error(`no message in ${url}`);
}

describe('encryption at rest on SQLite: the bytes on disk', { timeout: 120_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ferry-sse-'));
  const keyRing = join(dataDir, 'keyring.json');
  let ferry: FerryProcess;
  let client: SqsCaller;
  const sent = new Map<string, { url: string; body: string }>();
  const url = (name: string) => `${ferry.url}/${ACCOUNT}/${name}`;

  const start = async () => {
    ferry = await startFerryProcess({ storage: 'sqlite', dataDir, args: ['--skip-cooldowns'] });
    client = makeClient('json', ferry.url);
  };
  const stop = async () => {
    client?.destroy();
    await ferry?.stop();
  };

  before(async () => {
    // A customer key for KmsMasterKeyId, made before the first start (`ferry keys create`).
    const made = spawnSync(process.execPath, [MAIN, 'keys', 'create', 'orders', '--data-dir', dataDir], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    assert.match(made.stdout, /created key .* \(alias\/orders\)/);
    await start();
  });
  after(async () => {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('first start: the managed key is created in <data-dir>/keyring.json (mode 0600) with a loud line', () => {
    assert.match(ferry.output(), /LOSING THIS FILE LOSES EVERY ENCRYPTED MESSAGE/);
    assert.ok(ferry.output().includes(keyRing));
    assert.equal(statSync(keyRing).mode & 0o777, 0o600);
    const list = spawnSync(process.execPath, [MAIN, 'keys', 'list', '--json', '--data-dir', dataDir], { encoding: 'utf8' });
    assert.equal(list.status, 0, list.stderr);
    const keys = (JSON.parse(list.stdout) as { keys: Array<{ aliases: string[]; managed: boolean }> }).keys;
    assert.deepEqual(keys.map((k) => k.aliases[0]).sort(), ['alias/ferry-managed', 'alias/orders']);
    assert.ok(!list.stdout.includes(JSON.parse(readFileSync(keyRing, 'utf8')).keys[0].versions[0].key), 'list never shows material');
  });

  it('sent markers of SSE queues leave no trace in the database or WAL; a plain queue stores its marker as is', async () => {
    await client.call('CreateQueue', { QueueName: 'sse-default' });
    const attrs = await client.call('GetQueueAttributes', { QueueUrl: url('sse-default'), AttributeNames: ['All'] });
    assert.equal(attrs.Attributes.SqsManagedSseEnabled, 'true', 'SSE-SQS by default, as AWS');
    await client.call('CreateQueue', { QueueName: 'sse-kms', Attributes: { KmsMasterKeyId: 'alias/orders', KmsDataKeyReusePeriodSeconds: '60' } });
    await client.call('CreateQueue', { QueueName: 'plain', Attributes: { SqsManagedSseEnabled: 'false' } });
    await client.call('CreateQueue', { QueueName: 'sse-fifo.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } });

    for (const [name, q] of [
      ['default', 'sse-default'],
      ['kms', 'sse-kms'],
      ['plain', 'plain'],
    ] as const) {
      const body = marker(name);
      const r = await client.call('SendMessage', {
        QueueUrl: url(q),
        MessageBody: body,
        MessageAttributes: { a: { DataType: 'String', StringValue: 'attr' } },
      });
      assert.equal(r.MD5OfMessageBody, md5(body), 'MD5 of the plaintext');
      sent.set(name, { url: url(q), body });
    }
    const fifoBody = marker('fifo');
    await client.call('SendMessageBatch', { QueueUrl: url('sse-fifo.fifo'), Entries: [{ Id: 'a', MessageBody: fifoBody, MessageGroupId: 'g' }] });
    sent.set('fifo', { url: url('sse-fifo.fifo'), body: fifoBody });

    for (const [name, m] of sent) {
      const got = await receiveBody(client, m.url);
      assert.equal(got.Body, m.body, name);
      assert.equal(got.MD5OfBody, md5(m.body), name);
    }
    const disk = sqliteBytes(dataDir);
    for (const name of ['default', 'kms', 'fifo']) {
      const body = sent.get(name)!.body;
      assert.ok(!disk.includes(body), `${name}: marker found on disk`);
      assert.ok(!disk.includes(body.slice(-12)), `${name}: part of the marker found on disk`);
    }
    assert.ok(disk.includes(sent.get('plain')!.body), 'the plain queue stores plain text (and the search works)');
  });

  it('switching SSE off affects new messages only', async () => {
    await client.call('SetQueueAttributes', { QueueUrl: url('sse-default'), Attributes: { SqsManagedSseEnabled: 'false' } });
    const later = marker('after-switch');
    await client.call('SendMessage', { QueueUrl: url('sse-default'), MessageBody: later });
    const disk = sqliteBytes(dataDir);
    assert.ok(disk.includes(later), 'sent after the switch: plain');
    assert.ok(!disk.includes(sent.get('default')!.body), 'sent before: still encrypted');
    const r = await client.call('ReceiveMessage', { QueueUrl: url('sse-default'), MaxNumberOfMessages: 10, VisibilityTimeout: 0 });
    assert.deepEqual(r.Messages.map((m: { Body: string }) => m.Body).sort(), [sent.get('default')!.body, later].sort());
    await client.call('SetQueueAttributes', { QueueUrl: url('sse-default'), Attributes: { SqsManagedSseEnabled: 'true' } });
  });

  it('a DLQ move and a move task keep a message readable, in queues without SSE', async () => {
    await client.call('CreateQueue', { QueueName: 'dlq-plain', Attributes: { SqsManagedSseEnabled: 'false' } });
    await client.call('CreateQueue', {
      QueueName: 'src-sse',
      Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn('dlq-plain'), maxReceiveCount: 1 }) },
    });
    await client.call('CreateQueue', { QueueName: 'back-plain', Attributes: { SqsManagedSseEnabled: 'false' } });
    const body = marker('moved');
    await client.call('SendMessage', { QueueUrl: url('src-sse'), MessageBody: body });
    await client.call('ReceiveMessage', { QueueUrl: url('src-sse'), VisibilityTimeout: 0 });
    const again = await client.call('ReceiveMessage', { QueueUrl: url('src-sse') });
    assert.equal(again.Messages, undefined, 'moved to the DLQ');
    const inDlq = await client.call('ReceiveMessage', { QueueUrl: url('dlq-plain'), VisibilityTimeout: 0 });
    assert.equal(inDlq.Messages[0].Body, body);
    assert.equal(inDlq.Messages[0].MD5OfBody, md5(body));

    await client.call('StartMessageMoveTask', { SourceArn: arn('dlq-plain'), DestinationArn: arn('back-plain') });
    const moved = await receiveBody(client, url('back-plain'));
    assert.equal(moved.Body, body);
    assert.ok(!sqliteBytes(dataDir).includes(body), 'the moved copies are the encrypted envelope');
  });

  it('a KmsMasterKeyId not in the key ring is accepted; the send then fails with KmsNotFound (both wires)', async () => {
    await client.call('CreateQueue', { QueueName: 'missing-key', Attributes: { KmsMasterKeyId: 'testKeyId' } });
    const e = await expectError(client.call('SendMessage', { QueueUrl: url('missing-key'), MessageBody: 'x' }));
    assert.equal(e.code, 'KmsNotFound');
    assert.equal(e.status, 400);
    assert.match(e.message, /key\/testKeyId' does not exist/);
    const query = makeClient('query', ferry.url);
    const q = await expectError(query.call('SendMessageBatch', { QueueUrl: url('missing-key'), Entries: [{ Id: '1', MessageBody: 'x' }] }));
    assert.equal(q.queryCode, 'KMS.NotFoundException');
    query.destroy();
  });

  it('a restart with the same key ring decrypts everything', async () => {
    await stop();
    await start();
    for (const name of ['kms', 'fifo', 'plain']) assert.equal((await receiveBody(client, sent.get(name)!.url)).Body, sent.get(name)!.body, name);
  });

  it('started without its key ring: refused with a clear message (exit 2), nothing changed; with the ring back, all reads', async () => {
    await stop();
    const aside = join(dataDir, 'keyring.json.aside');
    renameSync(keyRing, aside);
    // As in a data directory restored from a backup (the reserve is not part of one).
    rmSync(join(dataDir, 'ferry.reserve'), { force: true });
    const r = spawnSync(process.execPath, [MAIN, 'serve', '--port', '0', '--storage', 'sqlite', '--data-dir', dataDir], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(r.status, 2, r.stderr + r.stdout);
    assert.match(r.stderr, /encryption at rest: this store holds messages encrypted with Ferry's managed key .* does not hold that key/);
    assert.match(r.stderr, /--kms-key-ring/);
    assert.match(r.stderr, /Nothing was changed/);
    assert.ok(!existsSync(keyRing), 'no new key ring was made');
    assert.ok(!existsSync(join(dataDir, 'ferry.reserve')), 'no disk reserve was left behind');
    renameSync(aside, keyRing);
    await start();
    for (const name of ['kms', 'fifo']) assert.equal((await receiveBody(client, sent.get(name)!.url)).Body, sent.get(name)!.body, name);
  });
});

describe(
  'encryption at rest on PostgreSQL: no table holds the marker',
  { skip: process.env.FERRY_TEST_DATABASE_URL ? undefined : 'no test database' },
  () => {
    let ferry: FerryProcess;
    let client: SqsCaller;
    before(async () => {
      ferry = await startFerryProcess({ storage: 'postgres' });
      client = makeClient('json', ferry.url);
    });
    after(async () => {
      client?.destroy();
      await ferry?.stop();
      ferry?.cleanup();
    });

    it('SSE queue: ciphertext only; plain queue: the marker, as sent', async () => {
      const enc = (await client.call('CreateQueue', { QueueName: 'pg-sse' })).QueueUrl;
      const plain = (await client.call('CreateQueue', { QueueName: 'pg-plain', Attributes: { SqsManagedSseEnabled: 'false' } })).QueueUrl;
      const secret = marker('pg');
      const open = marker('pg-plain');
      await client.call('SendMessage', { QueueUrl: enc, MessageBody: secret });
      await client.call('SendMessage', { QueueUrl: plain, MessageBody: open });
      const text = await schemaText(process.env.FERRY_TEST_DATABASE_URL!, ferry.databaseSchema!);
      assert.ok(!text.includes(secret) && !text.includes(secret.slice(-12)), 'marker found in the database');
      assert.ok(text.includes(open), 'the plain queue stores plain text (and the search works)');
      assert.equal((await receiveBody(client, enc)).Body, secret);
    });
  },
);
