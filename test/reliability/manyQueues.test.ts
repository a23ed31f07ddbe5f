/**
 * 50,000 queues on one server (issue 13 §5), black-box on every engine: a real `ferry serve` process,
 * queues created through the API, then ListQueues paged with MaxResults through the AWS SDK (every name
 * exactly once, in order, NextToken only while more remain), the unpaged form (the first 1,000, no
 * NextToken), a prefix paged, GetQueueUrl of names picked at random — and the server's RSS. Each page is
 * one index range read in the engine, not a read of every queue (src/storage: queueList's after/limit);
 * the timings printed are for reading, not asserted (the benchmark is where speed is judged).
 *
 * FERRY_MANY_QUEUES overrides the count (default 50,000).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';

import { makeClient, type SqsCaller } from '../helpers/clients.js';
import { ENGINES } from '../helpers/matrix.js';
import { gcProbeEnv, memoryAfterGc } from '../helpers/memory.js';
import { startFerryProcess, type FerryProcess } from '../helpers/process.js';
import { rssOf } from './slowClients.js';

const N = Number(process.env.FERRY_MANY_QUEUES ?? 50_000);
const ACCOUNT = '000000000000';
const name = (i: number) => `q-${String(i).padStart(5, '0')}`;

/** Create `n` queues through the JSON protocol, `concurrency` keep-alive connections at a time. */
async function createQueues(base: string, n: number, concurrency: number): Promise<void> {
  const u = new URL(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const create = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(
        {
          host: u.hostname,
          port: u.port,
          method: 'POST',
          path: '/',
          agent,
          headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AmazonSQS.CreateQueue' },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`CreateQueue ${name(i)}: ${res.statusCode} ${text}`))));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ QueueName: name(i) }));
    });
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < n; i = next++) {
          // A 503 is retried, as every SQS SDK retries it (CI saw one on PostgreSQL under a loaded
          // machine); any other answer, or a 503 five times running, fails the test.
          for (let attempt = 1; ; attempt++) {
            try {
              await create(i);
              break;
            } catch (e) {
              if (attempt >= 5 || !String((e as Error).message).includes(': 503 ')) throw e;
              await new Promise((r) => setTimeout(r, 100 * attempt));
            }
          }
        }
      }),
    );
  } finally {
    agent.destroy();
  }
}

for (const engine of ENGINES) {
  describe(`${N} queues [${engine}]`, { timeout: 600_000 }, () => {
    let f: FerryProcess;
    let sqs: SqsCaller;
    let createdAt = 0;
    before(async () => {
      f = await startFerryProcess({ storage: engine, args: ['--skip-cooldowns'], env: gcProbeEnv() });
      sqs = makeClient('json', f.url);
      const t0 = performance.now();
      await createQueues(f.url, N, 32);
      createdAt = performance.now();
      console.log(`# ${engine}: ${N} queues created through the API in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    });
    after(async () => {
      sqs?.destroy();
      await f?.stop();
      f?.cleanup();
    });

    it('ListQueues with MaxResults pages through every queue once, in order', async () => {
      const seen: string[] = [];
      const times: number[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const t0 = performance.now();
        const r = await sqs.call<{ QueueUrls?: string[]; NextToken?: string }>('ListQueues', { MaxResults: 1000, NextToken: token });
        times.push(performance.now() - t0);
        pages++;
        assert.ok((r.QueueUrls ?? []).length <= 1000);
        seen.push(...(r.QueueUrls ?? []));
        token = r.NextToken;
        assert.ok(pages <= Math.ceil(N / 1000) + 1, 'more pages than queues allow');
      } while (token !== undefined);
      assert.equal(pages, Math.ceil(N / 1000));
      assert.equal(seen.length, N);
      for (let i = 0; i < N; i++) assert.equal(seen[i], `${f.url}/${ACCOUNT}/${name(i)}`);
      times.sort((a, b) => a - b);
      console.log(
        `# ${engine}: ListQueues ${pages} pages of 1000: median ${times[times.length >> 1]!.toFixed(1)} ms, ` +
          `max ${times[times.length - 1]!.toFixed(1)} ms; server RSS ${(rssOf(f.proc.pid!) / 1048576).toFixed(0)} MiB`,
      );
    });

    it('ListQueues without MaxResults: the first 1,000 and no NextToken; a prefix pages within its range', async () => {
      const all = await sqs.call<{ QueueUrls?: string[]; NextToken?: string }>('ListQueues', {});
      assert.equal(all.QueueUrls?.length, Math.min(1000, N));
      assert.equal(all.NextToken, undefined);
      assert.equal(all.QueueUrls?.[0], `${f.url}/${ACCOUNT}/${name(0)}`);
      // "q-1" + four digits: 10,000 names when N = 50,000 (q-10000 … q-19999), paged 777 at a time.
      const prefix = 'q-1';
      const expected = Array.from({ length: N }, (_, i) => name(i)).filter((n) => n.startsWith(prefix));
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const r = await sqs.call<{ QueueUrls?: string[]; NextToken?: string }>('ListQueues', {
          QueueNamePrefix: prefix,
          MaxResults: 777,
          NextToken: token,
        });
        seen.push(...(r.QueueUrls ?? []).map((u) => u.slice(u.lastIndexOf('/') + 1)));
        token = r.NextToken;
      } while (token !== undefined);
      assert.deepEqual(seen, expected);
    });

    it('GetQueueUrl finds names picked at random; the server stays within its memory', async () => {
      let seed = 12345;
      const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      for (let k = 0; k < 200; k++) {
        const i = Math.floor(rand() * N);
        const r = await sqs.call<{ QueueUrl: string }>('GetQueueUrl', { QueueName: name(i) });
        assert.equal(r.QueueUrl, `${f.url}/${ACCOUNT}/${name(i)}`);
      }
      // The console's monitor samples every queue every 10 s: measure after at least one sample.
      await new Promise((r) => setTimeout(r, Math.max(0, createdAt + 11_000 - performance.now())));
      // Sampled after a forced full GC (helpers/memory.ts): what the server keeps, not how far behind the
      // collector is. Without it the clean-clone CI of ff22237 read 1,257 MiB on PostgreSQL (the driver's
      // transient buffers, kept as heap until collected), against 620–705 MiB measured before. Generous:
      // it catches a per-queue cost gone wrong — before the monitor stopped preallocating 26 KB of
      // history per queue, 50,000 queues took 1.5 GiB after one sample.
      const { rss } = await memoryAfterGc(f);
      process.stdout.write(`# ${engine}: server RSS after a forced GC ${(rss / 1048576).toFixed(0)} MiB\n`);
      assert.ok(rss < 1024 * 1048576, `RSS ${(rss / 1048576).toFixed(0)} MiB with ${N} queues`);
    });
  });
}
