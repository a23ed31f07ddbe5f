/**
 * Upgrades: a store written by main at schema version 2 (test/fixtures/sqlite-v2, made by its make.mjs
 * with the build of main 42b1dcb) opens, migrates and serves under this build with nothing lost: its
 * queues with their attributes, tags and redrive policy, every message with its attributes, FIFO order.
 * Later migrations (3, …) must keep this test green.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { makeClient } from '../helpers/clients.js';
import { startFerryProcess } from '../helpers/process.js';

/** dist/test/reliability → test/fixtures/sqlite-v2 (the fixture is not compiled). */
const FIXTURE = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/sqlite-v2');

type Msg = { Body: string; ReceiptHandle: string; MessageAttributes?: Record<string, { StringValue?: string }>; Attributes?: Record<string, string> };

it('a schema-version-2 store written by main opens, migrates and serves with nothing lost', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-upgrade-'));
  cpSync(join(FIXTURE, 'ferry.db'), join(dir, 'ferry.db'));
  cpSync(join(FIXTURE, 'keyring.json'), join(dir, 'keyring.json'));
  const p = await startFerryProcess({ storage: 'sqlite', dataDir: dir });
  try {
    const c = makeClient('json', p.url);
    const list = await c.call<{ QueueUrls?: string[] }>('ListQueues', {});
    assert.deepEqual((list.QueueUrls ?? []).map((u) => u.split('/').pop()).sort(), ['events.fifo', 'orders', 'orders-dlq']);
    const q = (n: string) => `${p.url}/000000000000/${n}`;

    const oa = await c.call<{ Attributes: Record<string, string> }>('GetQueueAttributes', { QueueUrl: q('orders'), AttributeNames: ['All'] });
    assert.equal(oa.Attributes.VisibilityTimeout, '45');
    assert.equal(JSON.parse(oa.Attributes.RedrivePolicy!).maxReceiveCount, 3);
    assert.match(JSON.parse(oa.Attributes.RedrivePolicy!).deadLetterTargetArn, /:orders-dlq$/);
    assert.deepEqual((await c.call<{ Tags?: Record<string, string> }>('ListQueueTags', { QueueUrl: q('orders') })).Tags, { team: 'payments' });
    const fa = await c.call<{ Attributes: Record<string, string> }>('GetQueueAttributes', { QueueUrl: q('events.fifo'), AttributeNames: ['All'] });
    assert.equal(fa.Attributes.DeduplicationScope, 'messageGroup');
    assert.equal(fa.Attributes.ContentBasedDeduplication, 'true');
    assert.deepEqual((await c.call<{ Tags?: Record<string, string> }>('ListQueueTags', { QueueUrl: q('events.fifo') })).Tags, { env: 'test' });
    const da = await c.call<{ Attributes: Record<string, string> }>('GetQueueAttributes', {
      QueueUrl: q('orders-dlq'),
      AttributeNames: ['MessageRetentionPeriod'],
    });
    assert.equal(da.Attributes.MessageRetentionPeriod, '1209600');

    // Orders: order-0 was deleted before the upgrade; 1–29 are there (two were in flight, long since visible).
    const orders = new Map<string, Msg>();
    for (let empty = 0; empty < 2;) {
      const r = await c.call<{ Messages?: Msg[] }>('ReceiveMessage', {
        QueueUrl: q('orders'),
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 600,
        MessageAttributeNames: ['All'],
        WaitTimeSeconds: 1,
      });
      if (!r.Messages?.length) empty++;
      for (const m of r.Messages ?? []) orders.set(m.Body, m);
    }
    assert.deepEqual([...orders.keys()].sort(), Array.from({ length: 29 }, (_, i) => `order-${i + 1}`).sort());
    for (const [body, m] of orders) assert.equal(m.MessageAttributes?.n?.StringValue, body.slice('order-'.length));
    for (const m of orders.values()) await c.call('DeleteMessage', { QueueUrl: q('orders'), ReceiptHandle: m.ReceiptHandle });

    // FIFO: every event, in order within its group.
    const seen: string[] = [];
    for (let empty = 0; empty < 2;) {
      const r = await c.call<{ Messages?: Msg[] }>('ReceiveMessage', { QueueUrl: q('events.fifo'), MaxNumberOfMessages: 10, WaitTimeSeconds: 1 });
      if (!r.Messages?.length) empty++;
      for (const m of r.Messages ?? []) {
        seen.push(m.Body);
        await c.call('DeleteMessage', { QueueUrl: q('events.fifo'), ReceiptHandle: m.ReceiptHandle });
      }
    }
    assert.equal(seen.length, 12);
    for (let g = 0; g < 3; g++) {
      const mine = seen.filter((b) => Number(b.slice('event-'.length)) % 3 === g);
      assert.deepEqual(
        mine,
        [...mine].sort((a, b) => Number(a.slice(6)) - Number(b.slice(6))),
        `group g${g} out of order: ${mine.join(',')}`,
      );
    }
    // And it takes new work.
    await c.call('SendMessage', { QueueUrl: q('orders'), MessageBody: 'after-upgrade' });
    c.destroy();
    assert.equal(await p.stop(), 0);
  } finally {
    if (p.proc.exitCode === null) await p.kill9();
    rmSync(dir, { recursive: true, force: true });
  }
});
