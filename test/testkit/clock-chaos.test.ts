/**
 * Built for tests: the manual clock drives the time-based behaviours of SQS without real waiting, the
 * chaos faults happen at their configured rates (seeded) and leave FIFO order and acknowledged data
 * intact, waitFor and reset work — all through the real AWS SDK against `startFerry`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  SQSClient,
  SendMessageCommand,
  ReceiveMessageCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  SendMessageBatchCommand,
  ListQueuesCommand,
  ChangeMessageVisibilityCommand,
} from '@aws-sdk/client-sqs';
import { startFerry, type StartedFerry } from '../../src/index.js';

const creds = { accessKeyId: 'x', secretAccessKey: 'x' };
const arn = (n: string) => `arn:aws:sqs:us-east-1:000000000000:${n}`;

for (const storage of ['memory', 'sqlite'] as const) {
  describe(`manual clock (${storage})`, () => {
    let ferry: StartedFerry<{ clock: 'manual' }>;
    let sqs: SQSClient;
    let dir: string;
    const t0 = performance.now();
    before(async () => {
      const { mkdtempSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      dir = mkdtempSync(join(tmpdir(), 'ferry-clock-'));
      ferry = await startFerry({ storage, dataDir: dir, port: 0, clock: 'manual', logLevel: 'silent' });
      sqs = new SQSClient({ endpoint: ferry.url, region: 'us-east-1', credentials: creds });
    });
    after(async () => {
      sqs.destroy();
      await ferry.close();
      const { rmSync } = await import('node:fs');
      rmSync(dir, { recursive: true, force: true });
      // Everything below moves minutes to days of Ferry time; none of it may sleep for real.
      assert.ok(performance.now() - t0 < 20_000, `took ${performance.now() - t0} ms`);
    });
    const create = async (name: string, Attributes?: Record<string, string>) =>
      (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }))).QueueUrl!;
    const receive = async (QueueUrl: string, extra: object = {}) =>
      (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, ...extra }))).Messages ?? [];

    it('visibility timeout: hidden until the clock passes it; a waiting long poll wakes on the jump', async () => {
      const q = await create('vis', { VisibilityTimeout: '30' });
      await sqs.send(new SendMessageCommand({ QueueUrl: q, MessageBody: 'a' }));
      assert.equal((await receive(q)).length, 1);
      assert.equal((await receive(q)).length, 0);
      ferry.clock.advance(29_000);
      assert.equal((await receive(q)).length, 0);
      const started = performance.now();
      const poll = receive(q, { WaitTimeSeconds: 20 });
      await new Promise((r) => setTimeout(r, 100));
      ferry.clock.advance(1_000);
      const got = await poll;
      assert.equal(got.length, 1);
      assert.equal(got[0]!.Body, 'a');
      assert.ok(performance.now() - started < 5_000, 'the jump woke the long poll');
    });

    it('a delay of 15 minutes ends when the clock is advanced 900 s; SentTimestamp follows the clock', async () => {
      const q = await create('delay');
      const at = ferry.clock.now();
      await sqs.send(new SendMessageCommand({ QueueUrl: q, MessageBody: 'later', DelaySeconds: 900 }));
      ferry.clock.advance(899_000);
      assert.equal((await receive(q)).length, 0);
      ferry.clock.advance(1_000);
      const m = await receive(q, { MessageSystemAttributeNames: ['SentTimestamp'] });
      assert.equal(m.length, 1);
      assert.equal(m[0]!.Attributes!.SentTimestamp, String(at));
    });

    it('retention drops a message after MessageRetentionPeriod', async () => {
      const q = await create('ret', { MessageRetentionPeriod: '60' });
      await sqs.send(new SendMessageCommand({ QueueUrl: q, MessageBody: 'old' }));
      ferry.clock.advance(61_000);
      assert.equal((await receive(q)).length, 0);
    });

    it('FIFO deduplication lasts 5 minutes of clock time', async () => {
      const q = await create('dedup.fifo', { FifoQueue: 'true' });
      const send = () => sqs.send(new SendMessageCommand({ QueueUrl: q, MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }));
      const a = await send();
      ferry.clock.advance(299_000);
      assert.equal((await send()).MessageId, a.MessageId, 'still a duplicate');
      ferry.clock.advance(2_000);
      assert.notEqual((await send()).MessageId, a.MessageId, 'window over: stored again');
    });

    it('dead-letter queue after maxReceiveCount visibility expiries', async () => {
      await create('dlq');
      const q = await create('work', {
        VisibilityTimeout: '30',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn('dlq'), maxReceiveCount: 2 }),
      });
      await sqs.send(new SendMessageCommand({ QueueUrl: q, MessageBody: 'poison' }));
      for (let i = 0; i < 2; i++) {
        assert.equal((await receive(q)).length, 1);
        ferry.clock.advance(30_000);
      }
      assert.equal((await receive(q)).length, 0);
      const dlq = await ferry.waitFor({ queue: 'dlq', event: 'dlq', match: { body: 'poison' }, timeout: 2000 });
      assert.equal(dlq.queue, 'work');
    });

    it('reset empties every queue; waitFor sees sends and deletes', async () => {
      const q = await create('spy');
      const sent = await sqs.send(new SendMessageCommand({ QueueUrl: q, MessageBody: 'watched' }));
      const seen = await ferry.waitFor({ queue: 'spy', event: 'sent', match: { body: 'watched' } });
      assert.equal(seen.messageId, sent.MessageId);
      const [m] = await receive(q);
      const deleted = ferry.waitFor({ queue: 'spy', event: 'deleted', match: { messageId: sent.MessageId }, onlyNew: true });
      await sqs.send(new DeleteMessageCommand({ QueueUrl: q, ReceiptHandle: m!.ReceiptHandle }));
      assert.equal((await deleted).body, 'watched');
      await sqs.send(new SendMessageCommand({ QueueUrl: q, MessageBody: 'left' }));
      const r = await ferry.reset();
      assert.ok(r.queues >= 1);
      assert.equal((await receive(q)).length, 0);
      await assert.rejects(ferry.waitFor({ queue: 'spy', event: 'sent', match: { body: 'left' }, timeout: 50 }), /WaitFor|matched/);
    });

    it('the admin API moves the clock over HTTP', async () => {
      const before = ferry.clock.now();
      const r = await fetch(`${ferry.url}/_ferry/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds: 300 }) });
      assert.equal(r.status, 200);
      const body = (await r.json()) as { epochMs: number; manual: boolean };
      assert.equal(body.epochMs, before + 300_000);
      assert.equal(ferry.clock.now(), before + 300_000);
      const bad = await fetch(`${ferry.url}/_ferry/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds: -1 }) });
      assert.equal(bad.status, 400);
    });
  });
}

describe('admin API is off by default; chaos is refused without --chaos', () => {
  it('404 on /_ferry/ and a ConfigError for chaos rules', async () => {
    const ferry = await startFerry({ storage: 'memory', port: 0, logLevel: 'silent' });
    try {
      const r = await fetch(`${ferry.url}/_ferry/clock`);
      assert.notEqual(r.status, 200);
    } finally {
      await ferry.close();
    }
    await assert.rejects(startFerry({ storage: 'memory', port: 0, logLevel: 'silent', chaosFaults: { '*': { duplicate: 0.5 } } }), /chaos is off/);
  });
});

describe('chaos (seeded, statistical)', () => {
  let ferry: StartedFerry;
  let sqs: SQSClient;
  before(async () => {
    ferry = await startFerry({ storage: 'memory', port: 0, logLevel: 'silent', chaos: true, chaosSeed: '7', skipCooldowns: true });
    sqs = new SQSClient({ endpoint: ferry.url, region: 'us-east-1', credentials: creds, maxAttempts: 1 });
  });
  after(async () => {
    sqs.destroy();
    await ferry.close();
  });
  /** Within 5 standard deviations of the binomial mean: fails for a wrong rate, not by bad luck. */
  const near = (hits: number, n: number, p: number, what: string) => {
    const sd = Math.sqrt(n * p * (1 - p));
    assert.ok(Math.abs(hits - n * p) <= 5 * sd, `${what}: ${hits} of ${n}, expected about ${n * p}`);
  };

  it('throttles the named action at its rate with an error the SDK knows', async () => {
    ferry.chaos!.configure({ '*': { throttle: { rate: 0.3, actions: ['ListQueues'] } } }, 'throttle');
    let throttled = 0;
    for (let i = 0; i < 300; i++) {
      try {
        await sqs.send(new ListQueuesCommand({}));
      } catch (e) {
        assert.equal((e as Error).name, 'RequestThrottled');
        throttled++;
      }
    }
    near(throttled, 300, 0.3, 'throttled');
    const text = await (await fetch(`${ferry.url}/metrics`)).text();
    assert.match(text, new RegExp(`ferry_chaos_faults_total\\{fault="throttle",queue=""\\} ${throttled}\\b`));
  });

  it('fails batch entries at their rate; the others (and only they) are stored; FIFO order per group holds', async () => {
    const q = (
      await sqs.send(new CreateQueueCommand({ QueueName: 'batch.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }))
    ).QueueUrl!;
    ferry.chaos!.configure({ '*': { batchEntryFailure: 0.2 } }, 'batch');
    const stored: string[] = [];
    let failed = 0;
    let seq = 0;
    // A producer that retries failed entries, as consumers of partial batch failure must.
    const pending: string[] = [];
    while (seq < 300 || pending.length > 0) {
      while (pending.length < 10 && seq < 300) pending.push(String(seq++).padStart(4, '0'));
      const batch = pending.splice(0, 10);
      const r = await sqs.send(
        new SendMessageBatchCommand({ QueueUrl: q, Entries: batch.map((b, i) => ({ Id: `e${i}`, MessageBody: b, MessageGroupId: 'g' })) }),
      );
      const bad = new Set((r.Failed ?? []).map((f) => f.Id));
      failed += bad.size;
      for (const f of r.Failed ?? []) {
        assert.equal(f.SenderFault, false);
        assert.equal(f.Code, 'InternalFailure');
      }
      const retry = batch.filter((_, i) => bad.has(`e${i}`));
      stored.push(...batch.filter((_, i) => !bad.has(`e${i}`)));
      pending.unshift(...retry);
    }
    assert.ok(failed > 20, `some entries failed (${failed})`);
    ferry.chaos!.configure({});
    const got: string[] = [];
    for (;;) {
      const m = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: q, MaxNumberOfMessages: 10 }))).Messages ?? [];
      if (m.length === 0) break;
      for (const x of m) {
        got.push(x.Body!);
        await sqs.send(new DeleteMessageCommand({ QueueUrl: q, ReceiptHandle: x.ReceiptHandle }));
      }
    }
    assert.deepEqual(got, [...got].sort(), 'FIFO order intact');
    assert.equal(new Set(got).size, 300, 'every message exactly once');
  });

  it('duplicates deliveries at the configured rate on a standard queue and never on FIFO through "*"', async () => {
    const std = (await sqs.send(new CreateQueueCommand({ QueueName: 'dups' }))).QueueUrl!;
    const fifo = (
      await sqs.send(new CreateQueueCommand({ QueueName: 'nodups.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }))
    ).QueueUrl!;
    ferry.chaos!.configure({ '*': { duplicate: 0.25 } }, 'dup');
    const n = 200;
    for (let i = 0; i < n; i++) {
      await sqs.send(new SendMessageCommand({ QueueUrl: std, MessageBody: `m${i}` }));
      await sqs.send(new SendMessageCommand({ QueueUrl: fifo, MessageBody: `m${i}`, MessageGroupId: 'g' }));
    }
    // Deletes come last: a consumer still holding a message sees its duplicate delivery.
    const drain = async (q: string, deleteAtOnce: boolean) => {
      const bodies: string[] = [];
      const handles: string[] = [];
      for (;;) {
        const m = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: q, MaxNumberOfMessages: 10 }))).Messages ?? [];
        if (m.length === 0) break;
        for (const x of m) bodies.push(x.Body!);
        if (deleteAtOnce) for (const x of m) await sqs.send(new DeleteMessageCommand({ QueueUrl: q, ReceiptHandle: x.ReceiptHandle }));
        else handles.push(...m.map((x) => x.ReceiptHandle!));
      }
      for (const h of handles) await sqs.send(new DeleteMessageCommand({ QueueUrl: q, ReceiptHandle: h }));
      return bodies;
    };
    const s = await drain(std, false);
    assert.equal(new Set(s).size, n, 'no acknowledged message lost');
    // A duplicated delivery comes back once more; the re-delivery may itself be duplicated (geometric).
    near(s.length - n, n / 0.75, 0.25, 'duplicate deliveries');
    const f = await drain(fifo, true);
    assert.deepEqual(
      f,
      Array.from({ length: n }, (_, i) => `m${i}`),
      'FIFO: every message once, in order',
    );
  });

  it('reorders receives and ends visibility early at their rates', async () => {
    const q = (await sqs.send(new CreateQueueCommand({ QueueName: 'order', Attributes: { VisibilityTimeout: '1000' } }))).QueueUrl!;
    ferry.chaos!.configure({ order: { reorder: 0.5 } }, 'reorder');
    let shuffledReceives = 0;
    for (let round = 0; round < 100; round++) {
      for (let i = 0; i < 5; i++) await sqs.send(new SendMessageCommand({ QueueUrl: q, MessageBody: String(i) }));
      const m = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: q, MaxNumberOfMessages: 10 }))).Messages ?? [];
      if (
        m.map((x) => x.Body).join() !==
        m
          .map((x) => x.Body)
          .sort()
          .join()
      )
        shuffledReceives++;
      for (const x of m) await sqs.send(new DeleteMessageCommand({ QueueUrl: q, ReceiptHandle: x.ReceiptHandle }));
    }
    const injected = ferry.chaos!.state().injected['reorder order'] ?? 0;
    near(injected, 100, 0.5, 'reorders injected');
    assert.ok(shuffledReceives > 0 && shuffledReceives <= injected);

    ferry.chaos!.configure({ order: { visibilityEarly: 0.4 } }, 'early');
    for (let i = 0; i < 200; i++) await sqs.send(new SendMessageCommand({ QueueUrl: q, MessageBody: `v${i}` }));
    let got = 0;
    for (;;) {
      const m = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: q, MaxNumberOfMessages: 10 }))).Messages ?? [];
      if (m.length === 0) break;
      got += m.length;
    }
    assert.equal(got, 200);
    near(ferry.chaos!.state().injected['visibilityEarly order'] ?? 0, 200, 0.4, 'visibility ended early');
    void ChangeMessageVisibilityCommand;
  });
});
