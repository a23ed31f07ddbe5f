/**
 * Operating Ferry as a process: config-file queue declarations, bad configuration stopping the start
 * with a clear message, environment variables, graceful SIGTERM with a long poll waiting, restart
 * durability of queues and messages, and receipts staying valid across a restart.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeClient } from '../helpers/clients.js';
import { MAIN, startFerryProcess } from '../helpers/process.js';

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [MAIN, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 15_000 });

describe('operating ferry', () => {
  it('declares queues from a config file, with dead-letter wiring', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-cfg-'));
    const file = join(dir, 'ferry.yaml');
    writeFileSync(
      file,
      [
        'region: eu-west-1',
        'queues:',
        '  orders-dlq: {}',
        '  orders:',
        '    attributes:',
        '      VisibilityTimeout: 60',
        '    tags:',
        '      team: core',
        '    deadLetterQueue: orders-dlq',
        '    maxReceiveCount: 5',
        '  events.fifo:',
        '    attributes:',
        '      ContentBasedDeduplication: true',
      ].join('\n'),
    );
    const f = await startFerryProcess({ storage: 'sqlite', args: ['--config', file] });
    try {
      const c = makeClient('json', f.url, 'eu-west-1');
      const url = (await c.call('GetQueueUrl', { QueueName: 'orders' })).QueueUrl;
      const at = (await c.call('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['All'] })).Attributes;
      assert.equal(at.VisibilityTimeout, '60');
      assert.deepEqual(JSON.parse(at.RedrivePolicy), { deadLetterTargetArn: 'arn:aws:sqs:eu-west-1:000000000000:orders-dlq', maxReceiveCount: 5 });
      assert.deepEqual((await c.call('ListQueueTags', { QueueUrl: url })).Tags, { team: 'core' });
      const fifo = (await c.call('GetQueueUrl', { QueueName: 'events.fifo' })).QueueUrl;
      const fa = (await c.call('GetQueueAttributes', { QueueUrl: fifo, AttributeNames: ['FifoQueue', 'ContentBasedDeduplication'] })).Attributes;
      assert.deepEqual(fa, { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
      c.destroy();
    } finally {
      await f.stop();
      f.cleanup();
    }
    // Restart with a changed declaration: the existing queue is updated.
    writeFileSync(file, 'queues:\n  orders:\n    attributes:\n      VisibilityTimeout: 90\n');
    const g = await startFerryProcess({ storage: 'sqlite', dataDir: f.dataDir, args: ['--config', file] });
    try {
      const c = makeClient('json', g.url);
      const url = (await c.call('GetQueueUrl', { QueueName: 'orders' })).QueueUrl;
      assert.equal((await c.call('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['VisibilityTimeout'] })).Attributes.VisibilityTimeout, '90');
      c.destroy();
    } finally {
      await g.stop();
      rmSync(f.dataDir, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start on a bad config key, flag or value, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-cfg-'));
    try {
      writeFileSync(join(dir, 'bad.yaml'), 'prot: 9000\n');
      let r = run(['serve', '--config', join(dir, 'bad.yaml'), '--port', '0']);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /unknown key "prot"/);
      writeFileSync(join(dir, 'badq.yaml'), 'queues:\n  q:\n    attributes:\n      VisibilityTimeout: 99999\n');
      r = run(['serve', '--config', join(dir, 'badq.yaml'), '--port', '0', '--storage', 'memory']);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /VisibilityTimeout/);
      r = run(['serve', '--storage', 'mongo']);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /storage must be one of sqlite, memory/);
      r = run(['serve', '--bogus-flag']);
      assert.equal(r.status, 2);
      r = run(['serve', '--port', '0'], { FERRY_ACCOUNT_ID: 'abc' });
      assert.equal(r.status, 2);
      assert.match(r.stderr, /accountId must be 12 digits/);
      r = run(['--help']);
      assert.equal(r.status, 0);
      for (const flag of [
        '--host',
        '--port',
        '--data-dir',
        '--storage',
        '--config',
        '--log-level',
        '--region',
        '--account-id',
        '--public-base-url',
        '--skip-cooldowns',
      ]) {
        assert.ok(r.stdout.includes(flag), `help lists ${flag}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('SIGTERM answers a waiting long poll with no messages and exits 0', async () => {
    const f = await startFerryProcess({ storage: 'memory' });
    try {
      const c = makeClient('json', f.url);
      const { QueueUrl } = await c.call('CreateQueue', { QueueName: 'bye' });
      const t0 = Date.now();
      const waiting = c.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 20 });
      await new Promise((r) => setTimeout(r, 300));
      const code = f.stop();
      const r = await waiting;
      assert.equal((r.Messages ?? []).length, 0);
      assert.ok(Date.now() - t0 < 5000);
      assert.equal(await code, 0);
      c.destroy();
    } finally {
      f.cleanup();
    }
  });

  it('keeps queues, messages, in-flight state and receipts across a restart; honours env and public base URL', async () => {
    const f = await startFerryProcess({ storage: 'sqlite', env: { FERRY_PUBLIC_BASE_URL: 'http://queues.example:9999' } });
    const c = makeClient('json', f.url);
    const { QueueUrl } = await c.call('CreateQueue', { QueueName: 'persist' });
    assert.equal(QueueUrl, 'http://queues.example:9999/000000000000/persist');
    // The URL names another host, which Ferry accepts (only the path matters).
    const local = `${f.url}/000000000000/persist`;
    await c.call('SendMessage', { QueueUrl: local, MessageBody: 'one' });
    await c.call('SendMessage', { QueueUrl: local, MessageBody: 'two' });
    const got = await c.call('ReceiveMessage', { QueueUrl: local, VisibilityTimeout: 600 });
    c.destroy();
    await f.stop();
    const g = await startFerryProcess({ storage: 'sqlite', dataDir: f.dataDir });
    try {
      const c2 = makeClient('json', g.url);
      const url = `${g.url}/000000000000/persist`;
      const at = (
        await c2.call('GetQueueAttributes', {
          QueueUrl: url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        })
      ).Attributes;
      assert.deepEqual(at, { ApproximateNumberOfMessages: '1', ApproximateNumberOfMessagesNotVisible: '1' });
      // The receipt handed out before the restart still works.
      await c2.call('DeleteMessage', { QueueUrl: url, ReceiptHandle: got.Messages[0].ReceiptHandle });
      const at2 = (await c2.call('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] })).Attributes;
      assert.equal(at2.ApproximateNumberOfMessagesNotVisible, '0');
      c2.destroy();
    } finally {
      await g.stop();
      rmSync(f.dataDir, { recursive: true, force: true });
    }
  });
});
