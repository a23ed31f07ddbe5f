/**
 * Chaos as a process harness uses it: rules from the config file and from `PUT /_ferry/chaos`, each
 * fault at its configured rate (seeded; the same seed repeats the same faults), a `"*"` rule leaving FIFO
 * queues intact, and every injected fault both logged and counted in `ferry_chaos_faults_total` — the
 * three counts (log lines, /metrics, `GET /_ferry/chaos`) must agree exactly. clock-chaos.test.ts covers
 * the other rates in process (throttle, batch entries, duplicates, reorder, early visibility).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';

import { FAULTS } from '../../src/chaos/rules.js';
import { startFerryProcess, type FerryProcess } from '../helpers/process.js';
import { scrape } from '../helpers/prometheus.js';

/** Within 5 standard deviations of the binomial mean: fails for a wrong rate, not by bad luck. */
function near(hits: number, n: number, p: number, what: string): void {
  const sd = Math.sqrt(n * p * (1 - p));
  assert.ok(Math.abs(hits - n * p) <= 5 * sd, `${what}: ${hits} of ${n}, expected about ${n * p}`);
}

describe('chaos in a ferry serve process (config file, admin API, logs, /metrics)', () => {
  let ferry: FerryProcess;
  let sqs: SQSClient;
  const chaos = async (method: 'GET' | 'PUT', body?: unknown): Promise<{ seed: string; injected: Record<string, number> }> => {
    const r = await fetch(`${ferry.url}/_ferry/chaos`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    assert.equal(r.status, 200, await r.clone().text());
    return (await r.json()) as { seed: string; injected: Record<string, number> };
  };
  /** Calls of `send` that fail, by index, with the error names seen. */
  const failures = async (n: number, send: () => Promise<unknown>): Promise<{ failed: number[]; names: Set<string>; statuses: Set<number> }> => {
    const failed: number[] = [];
    const names = new Set<string>();
    const statuses = new Set<number>();
    for (let i = 0; i < n; i++) {
      try {
        await send();
      } catch (e) {
        failed.push(i);
        names.add((e as Error).name);
        statuses.add((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0);
      }
    }
    return { failed, names, statuses };
  };

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-chaos-'));
    const config = join(dir, 'ferry.yaml');
    writeFileSync(config, ['chaosFaults:', "  '*':", '    latency: { rate: 0.3, ms: 1, actions: [ListQueues] }', ''].join('\n'));
    ferry = await startFerryProcess({
      storage: 'memory',
      dataDir: dir,
      args: ['--config', config, '--chaos', '--chaos-seed', 'process-1', '--skip-cooldowns'],
    });
    sqs = new SQSClient({ endpoint: ferry.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
  });
  after(async () => {
    sqs?.destroy();
    await ferry?.stop();
    ferry?.cleanup();
  });

  it('latency from the config file: injected at its rate, only on the named action', async () => {
    for (let i = 0; i < 300; i++) await sqs.send(new ListQueuesCommand({}));
    await sqs.send(new CreateQueueCommand({ QueueName: 'lat' }));
    const s = await chaos('GET');
    assert.equal(s.seed, 'process-1');
    near(s.injected['latency '] ?? 0, 300, 0.3, 'latency');
    assert.equal(s.injected['latency lat'], undefined, 'CreateQueue is not named');
  });

  it('throttle with ServiceUnavailable through PUT /_ferry/chaos, at its rate, a 503 the SDK knows', async () => {
    await sqs.send(new CreateQueueCommand({ QueueName: 'thr' }));
    await chaos('PUT', { faults: { '*': { throttle: { rate: 0.2, error: 'ServiceUnavailable', actions: ['GetQueueUrl'] } } }, seed: 'su' });
    const r = await failures(300, () => sqs.send(new GetQueueUrlCommand({ QueueName: 'thr' })));
    assert.deepEqual([...r.names], ['ServiceUnavailable']);
    assert.deepEqual([...r.statuses], [503]);
    near(r.failed.length, 300, 0.2, 'ServiceUnavailable');
    assert.equal((await chaos('GET')).injected['throttle thr'], r.failed.length);
  });

  it('the same seed injects the same faults on the same calls', async () => {
    const rules = { faults: { '*': { throttle: { rate: 0.5, actions: ['ListQueues'] } } }, seed: 'again' };
    await chaos('PUT', rules);
    const a = await failures(60, () => sqs.send(new ListQueuesCommand({})));
    await chaos('PUT', rules);
    const b = await failures(60, () => sqs.send(new ListQueuesCommand({})));
    assert.deepEqual([...a.names], ['RequestThrottled']);
    assert.ok(a.failed.length > 10 && a.failed.length < 50, `${a.failed.length}`);
    assert.deepEqual(b.failed, a.failed);
    await chaos('PUT', { faults: { ...rules.faults }, seed: 'other' });
    const c = await failures(60, () => sqs.send(new ListQueuesCommand({})));
    assert.notDeepEqual(c.failed, a.failed, 'another seed, other calls');
  });

  it('a "*" rule of every delivery fault at rate 1 leaves a FIFO queue exactly once and in order', async () => {
    const q = (
      await sqs.send(new CreateQueueCommand({ QueueName: 'kept.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }))
    ).QueueUrl!;
    await chaos('PUT', { faults: { '*': { duplicate: 1, reorder: 1, visibilityEarly: 1 } }, seed: 'fifo' });
    const sent = Array.from({ length: 40 }, (_, i) => `m${String(i).padStart(2, '0')}`);
    for (const b of sent) await sqs.send(new SendMessageCommand({ QueueUrl: q, MessageBody: b, MessageGroupId: 'g' }));
    const got: string[] = [];
    const receive = async () =>
      (await sqs.send(new ReceiveMessageCommand({ QueueUrl: q, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }))).Messages ?? [];
    for (;;) {
      const m = await receive();
      if (m.length === 0) break;
      got.push(...m.map((x) => x.Body!));
      // Before the batch is deleted: a duplicated message would be visible again and come back now.
      assert.deepEqual(await receive(), [], 'nothing delivered twice');
      for (const x of m) await sqs.send(new DeleteMessageCommand({ QueueUrl: q, ReceiptHandle: x.ReceiptHandle }));
    }
    assert.deepEqual(got, sent);
    const injected = (await chaos('GET')).injected;
    for (const f of ['duplicate', 'reorder', 'visibilityEarly']) assert.equal(injected[`${f} kept.fifo`], undefined, f);
  });

  it('every injected fault, of each of the six kinds, is one log line and one count in /metrics', async () => {
    const q = (await sqs.send(new CreateQueueCommand({ QueueName: 'all' }))).QueueUrl!;
    await chaos('PUT', {
      faults: { all: { duplicate: 0.3, reorder: 0.5, visibilityEarly: 0.3, batchEntryFailure: 0.3, latency: { rate: 0.2, ms: 1 } } },
      seed: 'all',
    });
    for (let i = 0; i < 10; i++)
      await sqs.send(
        new SendMessageBatchCommand({ QueueUrl: q, Entries: Array.from({ length: 10 }, (_, j) => ({ Id: `e${j}`, MessageBody: `${i}-${j}` })) }),
      );
    for (let i = 0; i < 10; i++) await sqs.send(new ReceiveMessageCommand({ QueueUrl: q, MaxNumberOfMessages: 10, VisibilityTimeout: 30 }));
    const injected = (await chaos('GET')).injected;
    const metrics = await scrape(`${ferry.url}/metrics`);
    const series = metrics.series('ferry_chaos_faults_total');
    const fromMetrics: Record<string, number> = {};
    for (const s of series) fromMetrics[`${s.labels.fault} ${s.labels.queue}`] = s.value;
    assert.deepEqual(fromMetrics, injected, '/metrics counts every fault GET /_ferry/chaos reports');
    assert.deepEqual([...new Set(series.map((s) => s.labels.fault))].sort(), [...FAULTS].sort(), 'all six kinds were injected');
    // Log lines are written as they happen; the scrape above came after every call.
    const logged: Record<string, number> = {};
    for (const line of ferry.output().split('\n')) {
      if (!line.includes('"msg":"chaos: fault injected"')) continue;
      const j = JSON.parse(line) as { chaos: string; queue: string };
      logged[`${j.chaos} ${j.queue}`] = (logged[`${j.chaos} ${j.queue}`] ?? 0) + 1;
    }
    assert.deepEqual(logged, injected, 'each injected fault is logged once');
  });
});
