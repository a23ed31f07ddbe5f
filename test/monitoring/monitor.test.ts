/**
 * In-process servers on an injected clock (memory and SQLite; PostgreSQL takes its time from the
 * database): exact ages in /metrics, and the console's QueueMonitor — overview with rates, and history
 * sampled at chosen instants — over a real HTTP listener driven by the AWS SDK.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { createServer, type FerryServer } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';
import { ManualClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/core/log.js';
import { makeClient, type SqsCaller } from '../helpers/clients.js';
import { ConsoleClient } from '../helpers/console.js';
import { scrape } from '../helpers/prometheus.js';

const T0 = Date.UTC(2026, 0, 1); // on the history grids

for (const storage of ['memory', 'sqlite'] as const) {
  describe(`monitor on an injected clock [${storage}]`, () => {
    const clock = new ManualClock(T0);
    let dir: string;
    let server: FerryServer;
    let url: string;
    let sqs: SqsCaller;
    const metrics = () => scrape(`${url}/metrics`);
    const create = async (name: string, fifo = false): Promise<string> =>
      (await sqs.call<{ QueueUrl: string }>('CreateQueue', { QueueName: name, Attributes: fifo ? { FifoQueue: 'true' } : {} })).QueueUrl;
    const monitor = () => server.monitoring!.monitor;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'ferry-monitor-'));
      const config = loadConfig({ overrides: { storage, dataDir: dir, port: 0, metricsGaugeCacheMs: 0, skipCooldowns: true } });
      server = await createServer(config, { clock, logger: createLogger('silent') });
      ({ url } = await server.listen());
      sqs = makeClient('json', url);
    });
    after(async () => {
      sqs.destroy();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('ApproximateAgeOfOldestMessage exactly, and its poison-pill rule on standard queues only', async () => {
      const std = await create('age');
      const fifo = await create('age.fifo', true);
      await sqs.call('SendMessage', { QueueUrl: std, MessageBody: 'pill' });
      await sqs.call('SendMessage', { QueueUrl: fifo, MessageBody: 'pill', MessageGroupId: 'g', MessageDeduplicationId: 'd' });
      clock.advance(42_500);
      let m = await metrics();
      assert.equal(m.value('ferry_queue_oldest_message_age_seconds', { account: '000000000000', queue: 'age' }), 42.5);
      assert.equal(m.value('ferry_queue_oldest_message_age_seconds', { account: '000000000000', queue: 'age.fifo' }), 42.5);
      // Received three times and never deleted (visibility 0: back at once).
      for (let i = 0; i < 3; i++) {
        for (const q of [std, fifo])
          assert.equal((await sqs.call<{ Messages?: unknown[] }>('ReceiveMessage', { QueueUrl: q, VisibilityTimeout: 0 })).Messages?.length, 1);
      }
      m = await metrics();
      assert.equal(
        m.value('ferry_queue_oldest_message_age_seconds', { account: '000000000000', queue: 'age' }),
        0,
        'left out: the queue has no other message',
      );
      assert.equal(m.value('ferry_queue_messages_visible', { account: '000000000000', queue: 'age' }), 1);
      assert.equal(m.value('ferry_queue_oldest_message_age_seconds', { account: '000000000000', queue: 'age.fifo' }), 42.5, 'FIFO: still the oldest');
      await sqs.call('SendMessage', { QueueUrl: std, MessageBody: 'next' });
      clock.advance(1_250);
      assert.equal((await metrics()).value('ferry_queue_oldest_message_age_seconds', { account: '000000000000', queue: 'age' }), 1.25);
    });

    it('overview: every queue (or a prefix) with its counts, age, groups and rates from this process', async () => {
      const q = await create('ov-orders');
      const f = await create('ov-events.fifo', true);
      await create('other');
      await monitor().sample(); // the rates' starting point
      clock.advance(1_000);
      await sqs.call('SendMessageBatch', { QueueUrl: q, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: `m${i}` })) });
      await sqs.call('SendMessageBatch', { QueueUrl: q, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: `n${i}` })) });
      await sqs.call('SendMessage', { QueueUrl: q, MessageBody: 'delayed', DelaySeconds: 60 });
      await sqs.call('SendMessage', { QueueUrl: f, MessageBody: 'x', MessageGroupId: 'g1', MessageDeduplicationId: 'x' });
      await sqs.call('SendMessage', { QueueUrl: f, MessageBody: 'y', MessageGroupId: 'g2', MessageDeduplicationId: 'y' });
      const got = (await sqs.call<{ Messages: Array<{ ReceiptHandle: string }> }>('ReceiveMessage', { QueueUrl: q, MaxNumberOfMessages: 10 }))
        .Messages;
      await sqs.call('DeleteMessageBatch', {
        QueueUrl: q,
        Entries: got.slice(0, 5).map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
      });
      await sqs.call('ReceiveMessage', { QueueUrl: f, MaxNumberOfMessages: 1 });
      clock.advance(9_000); // 10 s since the sample

      const all = await monitor().overview('000000000000', 'ov-');
      assert.deepEqual(
        all.map((s) => s.name),
        ['ov-events.fifo', 'ov-orders'],
      );
      const [fs, os] = all;
      assert.deepEqual(
        { ...os, queueId: undefined, at: undefined },
        {
          queueId: undefined,
          accountId: '000000000000',
          name: 'ov-orders',
          fifo: false,
          visible: 10,
          inflight: 5,
          delayed: 1,
          oldestAgeSeconds: 9,
          groupsWithInflight: null,
          sentPerSecond: 2.1,
          receivedPerSecond: 1,
          deletedPerSecond: 0.5,
          at: undefined,
        },
      );
      assert.equal(os!.at, clock.now());
      assert.deepEqual(
        [fs!.fifo, fs!.visible, fs!.inflight, fs!.groupsWithInflight, fs!.sentPerSecond, fs!.receivedPerSecond],
        [true, 1, 1, 1, 0.2, 0.1],
      );
      assert.equal((await monitor().overview()).length >= 3, true);
    });

    it("the console's SQS calls count as requests; its queue views are the monitor's", async () => {
      const before = (await metrics()).value('ferry_requests_total', { action: 'ListQueues', code: 'OK' }) ?? 0;
      const c = new ConsoleClient(url);
      await c.session();
      await c.sqs('ListQueues', {});
      await c.sqs('CreateQueue', { QueueName: 'console-made' });
      const m = await metrics();
      assert.equal(m.value('ferry_requests_total', { action: 'ListQueues', code: 'OK' }), before + 1);
      assert.ok(m.value('ferry_requests_total', { action: 'CreateQueue', code: 'OK' })! >= 1);
      const o = await c.get('/console/api/overview?prefix=console-');
      assert.deepEqual(
        o.json.queues.map((q: { name: string }) => q.name),
        ['console-made'],
      );
    });

    it('history: samples on the 10 s grid with gauges and counter increments; 5-minute points beyond an hour', async () => {
      const q = await create('hist');
      clock.set(T0 + 600_000);
      await monitor().sample();
      await sqs.call('SendMessageBatch', { QueueUrl: q, Entries: Array.from({ length: 3 }, (_, i) => ({ Id: `e${i}`, MessageBody: `m${i}` })) });
      clock.advance(10_000);
      await monitor().sample();
      const got = (await sqs.call<{ Messages: Array<{ ReceiptHandle: string }> }>('ReceiveMessage', { QueueUrl: q, MaxNumberOfMessages: 2 }))
        .Messages;
      await sqs.call('DeleteMessage', { QueueUrl: q, ReceiptHandle: got[0]!.ReceiptHandle });
      await sqs.call('ReceiveMessage', { QueueUrl: q, WaitTimeSeconds: 0, MaxNumberOfMessages: 10 }); // the last one
      await sqs.call('ReceiveMessage', { QueueUrl: q }); // empty
      clock.advance(10_000);
      await monitor().sample();

      const h = await monitor().history('000000000000', 'hist', 3_600_000);
      assert.equal(h.intervalMs, 10_000);
      assert.deepEqual(
        h.points.map((p) => [
          p.at - T0,
          p.visible,
          p.inflight,
          p.delayed,
          p.oldestAgeSeconds,
          p.sent,
          p.received,
          p.deleted,
          p.emptyReceives,
          p.movedToDlq,
        ]),
        [
          [600_000, 0, 0, 0, null, 0, 0, 0, 0, 0],
          [610_000, 3, 0, 0, 10, 3, 0, 0, 0, 0],
          [620_000, 0, 2, 0, 20, 0, 3, 1, 1, 0],
        ],
      );
      const day = await monitor().history('000000000000', 'hist', 86_400_000);
      assert.equal(day.intervalMs, 300_000);
      assert.deepEqual(
        day.points.map((p) => [p.at - T0, p.sent, p.received, p.deleted, p.visible]),
        [[600_000, 3, 3, 1, 1]],
      );
      assert.deepEqual(await monitor().history('000000000000', 'no-such-queue', 60_000), { intervalMs: 10_000, points: [] });

      await sqs.call('DeleteQueue', { QueueUrl: q });
      await monitor().sample();
      assert.deepEqual((await monitor().history('000000000000', 'hist', 3_600_000)).points, [], 'a deleted queue loses its history');
    });
  });
}
