/**
 * Three Ferry processes on one PostgreSQL schema, driven over HTTP (AWS JSON protocol) by clients
 * spread over all three, with mixed standard and FIFO load while one node is killed with -9 and
 * restarted and PostgreSQL itself is restarted (`pg_ctl restart -m fast`). Then PostgreSQL is stopped
 * outright: requests must fail fast with an SQS-style 5xx and recover by themselves once it is back.
 *
 * Oracles
 *  - lost: every acknowledged send (2xx) is eventually received;
 *  - double delivery: no message is delivered twice inside one visibility window (judged
 *    conservatively from client-side times: second response − first request < visibility);
 *  - FIFO order: each group's producer sends n = 0, 1, 2… one at a time (retrying with the same dedup
 *    id until acknowledged), so the stored order is n; a receive of n before every m < n was received
 *    is a violation (redeliveries of already-seen messages are allowed);
 *  - cross-node long-poll wake-up: a waiter long-polls on node A, a send goes to node B; the time from
 *    the send's start to the waiter's answer is measured and printed (p50/p99/max);
 *  - one dedup id sent through all three nodes at once is delivered once.
 *
 * Needs FERRY_TEST_DATABASE_URL; the PostgreSQL restart/stop parts need FERRY_TEST_PG_CTL (both set by
 * scripts/test.mjs when it runs its private cluster).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { freshSchema, startFerryProcess, type FerryProcess } from '../helpers/process.js';

const run = promisify(execFile);
const DB = process.env.FERRY_TEST_DATABASE_URL;
const CTL = process.env.FERRY_TEST_PG_CTL
  ? (JSON.parse(process.env.FERRY_TEST_PG_CTL) as { pgCtl: string; dataDir: string; runAs: string | null; logFile: string; opts: string })
  : undefined;
const ACCOUNT = '000000000000';
/** Consumers' visibility timeout: short, so messages of a killed node's consumers come back quickly. */
const VIS_S = 5;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Reply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** One JSON-protocol call; network failures and timeouts come back as status 0. */
async function call(base: string, action: string, input: Record<string, unknown>, timeoutMs = 8_000): Promise<Reply> {
  try {
    const res = await fetch(`${base}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${action}` },
      body: JSON.stringify(input),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : {} };
  } catch (e) {
    return { status: 0, body: { error: String(e) } };
  }
}

async function pgCtl(...args: string[]): Promise<void> {
  const c = CTL!;
  const cmd = c.runAs ? 'runuser' : c.pgCtl;
  const full = [...(c.runAs ? ['-u', c.runAs, '--', c.pgCtl] : []), '-D', c.dataDir, ...args];
  await run(cmd, full, { timeout: 60_000 });
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

const skip = !DB ? 'FERRY_TEST_DATABASE_URL is not set (npm test starts PostgreSQL; apt-get install postgresql)' : undefined;

describe(
  'multi-node: three Ferry processes on one PostgreSQL',
  { skip: skip && process.env.CI !== 'true' ? skip : undefined, timeout: 120_000 },
  () => {
    const schema = freshSchema();
    const nodes: FerryProcess[] = [];
    // One key ring for the nodes of one store (encryption at rest): each node's own would be refused.
    const keyDir = mkdtempSync(join(tmpdir(), 'ferry-keys-'));
    const args = ['--skip-cooldowns', '--kms-key-ring', join(keyDir, 'keyring.json')];
    const base = (i: number) => nodes[i]!.url;
    const qurl = (i: number, name: string) => `${base(i)}/${ACCOUNT}/${name}`;

    before(async () => {
      assert.ok(DB, skip);
      // Started together: the migration runs once under the advisory lock.
      nodes.push(...(await Promise.all([0, 1, 2].map(() => startFerryProcess({ storage: 'postgres', databaseSchema: schema, args })))));
    });
    after(async () => {
      for (const n of nodes) {
        await n.stop();
        n.cleanup();
      }
      rmSync(keyDir, { recursive: true, force: true });
    });

    it('cross-node long-poll wake-up (send on B, waiter on A)', async () => {
      const name = 'mn-wake';
      assert.equal((await call(base(0), 'CreateQueue', { QueueName: name })).status, 200);
      const lat: number[] = [];
      for (let i = 0; i < 30; i++) {
        const waiter = call(base(0), 'ReceiveMessage', { QueueUrl: qurl(0, name), WaitTimeSeconds: 10, MaxNumberOfMessages: 1 });
        await sleep(120); // the waiter is parked in its long poll
        const t0 = performance.now();
        const sent = await call(base(1), 'SendMessage', { QueueUrl: qurl(1, name), MessageBody: `w${i}` });
        assert.equal(sent.status, 200);
        const got = await waiter;
        const t1 = performance.now();
        assert.equal(got.status, 200);
        assert.equal(got.body.Messages?.[0]?.Body, `w${i}`);
        lat.push(t1 - t0);
        await call(base(0), 'DeleteMessage', { QueueUrl: qurl(0, name), ReceiptHandle: got.body.Messages[0].ReceiptHandle });
      }
      const p50 = percentile(lat, 50);
      const p99 = percentile(lat, 99);
      console.log(
        `# multinode wake-up latency (send on B → long poll answered on A), n=${lat.length}: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...lat).toFixed(1)} ms`,
      );
      // Far below the 1 s fallback: the wake came by NOTIFY, not by the periodic re-check.
      assert.ok(p50 < 250, `p50 ${p50} ms`);
    });

    it('a deduplication id sent through different nodes is delivered once', async () => {
      const name = 'mn-dedup.fifo';
      assert.equal((await call(base(0), 'CreateQueue', { QueueName: name, Attributes: { FifoQueue: 'true' } })).status, 200);
      const rs = await Promise.all(
        [0, 1, 2].map((i) =>
          call(base(i), 'SendMessage', { QueueUrl: qurl(i, name), MessageBody: `from-${i}`, MessageGroupId: 'g', MessageDeduplicationId: 'once' }),
        ),
      );
      for (const r of rs) assert.equal(r.status, 200);
      assert.equal(new Set(rs.map((r) => r.body.MessageId)).size, 1);
      const got = await call(base(2), 'ReceiveMessage', { QueueUrl: qurl(2, name), MaxNumberOfMessages: 10, WaitTimeSeconds: 1 });
      assert.equal(got.body.Messages?.length, 1);
      await call(base(2), 'DeleteMessage', { QueueUrl: qurl(2, name), ReceiptHandle: got.body.Messages[0].ReceiptHandle });
      // Again through another node, still inside the window: accepted and not delivered again.
      const again = await call(base(1), 'SendMessage', {
        QueueUrl: qurl(1, name),
        MessageBody: 'again',
        MessageGroupId: 'g',
        MessageDeduplicationId: 'once',
      });
      assert.equal(again.body.MessageId, rs[0]!.body.MessageId);
      const none = await call(base(0), 'ReceiveMessage', { QueueUrl: qurl(0, name), MaxNumberOfMessages: 10, WaitTimeSeconds: 1 });
      assert.equal(none.body.Messages?.length ?? 0, 0);
    });

    it('mixed load survives kill -9 of a node and a PostgreSQL restart: nothing lost, no double delivery, FIFO order', async () => {
      const STD = 'mn-std';
      const FIFO = 'mn-load.fifo';
      assert.equal((await call(base(0), 'CreateQueue', { QueueName: STD, Attributes: { VisibilityTimeout: String(VIS_S) } })).status, 200);
      assert.equal(
        (await call(base(1), 'CreateQueue', { QueueName: FIFO, Attributes: { FifoQueue: 'true', VisibilityTimeout: String(VIS_S) } })).status,
        200,
      );

      const acked = new Set<string>();
      const received = new Set<string>();
      /** messageId → deliveries [request start, response] (ms, performance.now()). */
      const deliveries = new Map<string, Array<[number, number]>>();
      const orderViolations: string[] = [];
      const maxSeen = new Map<string, number>(); // FIFO group → highest n received
      let stopProducers = false;
      let stopConsumers = false;
      const errors = { send: 0, receive: 0, delete: 0 };

      const producerStd = async (p: number) => {
        for (let k = 0, turn = p; !stopProducers; k++, turn++) {
          const node = turn % 3;
          const bodies = Array.from({ length: 5 }, (_, j) => `s-${p}-${k}-${j}`);
          const r = await call(base(node), 'SendMessageBatch', {
            QueueUrl: qurl(node, STD),
            Entries: bodies.map((b, j) => ({ Id: `e${j}`, MessageBody: b })),
          });
          if (r.status === 200) for (const ok of r.body.Successful ?? []) acked.add(bodies[Number(String(ok.Id).slice(1))]!);
          else {
            errors.send++;
            await sleep(50);
          }
        }
      };
      const GROUPS = ['g0', 'g1', 'g2', 'g3', 'g4', 'g5'];
      const producerFifo = async (gi: number) => {
        const g = GROUPS[gi]!;
        for (let n = 0, turn = gi; !stopProducers; turn++) {
          const node = turn % 3;
          const body = `f-${g}-${n}`;
          const r = await call(base(node), 'SendMessage', {
            QueueUrl: qurl(node, FIFO),
            MessageBody: body,
            MessageGroupId: g,
            MessageDeduplicationId: body,
          });
          if (r.status === 200) {
            acked.add(body);
            n++; // only once acknowledged: the next message never overtakes this one
          } else {
            errors.send++;
            await sleep(50);
          }
        }
      };
      const consumer = async (node: number, queue: string) => {
        while (!stopConsumers) {
          const t0 = performance.now();
          const r = await call(base(node), 'ReceiveMessage', {
            QueueUrl: qurl(node, queue),
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            AttributeNames: ['All'],
          });
          const t1 = performance.now();
          if (r.status !== 200) {
            errors.receive++;
            await sleep(100);
            continue;
          }
          const ms = (r.body.Messages ?? []) as Array<{
            MessageId: string;
            Body: string;
            ReceiptHandle: string;
            Attributes?: Record<string, string>;
          }>;
          for (const m of ms) {
            received.add(m.Body);
            let d = deliveries.get(m.MessageId);
            if (!d) deliveries.set(m.MessageId, (d = []));
            d.push([t0, t1]);
            if (m.Body.startsWith('f-')) {
              const [, g, nText] = m.Body.split('-');
              const n = Number(nText);
              const top = maxSeen.get(g!) ?? -1;
              if (n > top + 1) orderViolations.push(`${g}: got ${n} after ${top}`);
              if (n > top) maxSeen.set(g!, n);
            }
          }
          if (ms.length) {
            const del = await call(base(node), 'DeleteMessageBatch', {
              QueueUrl: qurl(node, queue),
              Entries: ms.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
            });
            if (del.status !== 200) errors.delete++;
          }
        }
      };

      const producers = [0, 1, 2].map(producerStd).concat(GROUPS.map((_, i) => producerFifo(i)));
      const consumers = [0, 1, 2].flatMap((i) => [consumer(i, STD), consumer(i, FIFO), consumer(i, STD)]);

      // Chaos: kill -9 one node and bring it back on the same port; restart PostgreSQL.
      await sleep(3_000);
      const victim = nodes[2]!;
      await victim.kill9();
      await sleep(1_500);
      nodes[2] = await startFerryProcess({ storage: 'postgres', databaseSchema: schema, port: victim.port, args });
      victim.cleanup();
      await sleep(2_500);
      if (CTL) {
        const t = performance.now();
        // -l: the new postmaster must not inherit this process's pipes.
        await pgCtl('-l', CTL.logFile, '-m', 'fast', '-w', 'restart');
        console.log(`# PostgreSQL restarted mid-load in ${(performance.now() - t).toFixed(0)} ms`);
      }
      await sleep(4_000);
      stopProducers = true;
      await Promise.all(producers);

      // Drain: everything acknowledged must come out (in-flight messages of the killed node return
      // after their visibility timeout).
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && [...acked].some((b) => !received.has(b))) await sleep(250);
      stopConsumers = true;
      await Promise.all(consumers);

      const lost = [...acked].filter((b) => !received.has(b));
      let doubles = 0;
      for (const [id, ds] of deliveries) {
        for (let i = 1; i < ds.length; i++) {
          // Both claims happened inside their request windows; if even the latest possible second
          // claim is less than VIS after the earliest possible first claim, the window was violated.
          if (ds[i]![1] - ds[i - 1]![0] < VIS_S * 1000) {
            doubles++;
            console.log(`# double delivery of ${id}: ${JSON.stringify(ds)}`);
          }
        }
      }
      const stdAcked = [...acked].filter((b) => b.startsWith('s-')).length;
      console.log(
        `# multinode load: acknowledged ${acked.size} (standard ${stdAcked}, FIFO ${acked.size - stdAcked}), received ${received.size}, ` +
          `lost ${lost.length}, double deliveries in window ${doubles}, FIFO order violations ${orderViolations.length}, ` +
          `transient errors send/receive/delete ${errors.send}/${errors.receive}/${errors.delete}`,
      );
      if (lost.length || doubles || orderViolations.length) {
        for (const [i, n] of nodes.entries()) console.log(`# node ${i} output (tail):\n${n.output().split('\n').slice(-15).join('\n')}`);
      }
      assert.ok(acked.size > 200, `too little load to mean anything: ${acked.size}`);
      assert.deepEqual(lost.slice(0, 10), [], `${lost.length} acknowledged messages lost`);
      assert.equal(doubles, 0);
      assert.deepEqual(orderViolations, []);
    });

    it(
      'PostgreSQL down: requests fail fast with an SQS 5xx; service recovers by itself',
      { skip: CTL ? undefined : 'needs the private cluster (FERRY_TEST_PG_CTL)' },
      async () => {
        const name = 'mn-down';
        assert.equal((await call(base(0), 'CreateQueue', { QueueName: name })).status, 200);
        await pgCtl('-m', 'fast', '-w', 'stop');
        try {
          for (let i = 0; i < 3; i++) {
            for (const [action, input] of [
              ['SendMessage', { QueueUrl: qurl(i, name), MessageBody: 'x' }],
              ['ReceiveMessage', { QueueUrl: qurl(i, name), WaitTimeSeconds: 5 }],
              ['GetQueueAttributes', { QueueUrl: qurl(i, name), AttributeNames: ['All'] }],
            ] as const) {
              const t0 = performance.now();
              const r = await call(base(i), action, input, 15_000);
              const ms = performance.now() - t0;
              assert.ok(r.status >= 500 && r.status < 600, `${action} on node ${i}: status ${r.status} ${JSON.stringify(r.body)}`);
              assert.match(String(r.body.__type), /ServiceUnavailable|InternalFailure/);
              assert.ok(ms < 5_000, `${action} on node ${i} took ${ms.toFixed(0)} ms to fail`);
            }
          }
        } finally {
          await pgCtl('-l', CTL!.logFile, '-o', CTL!.opts, '-w', 'start');
        }
        const t0 = performance.now();
        const ok = [false, false, false];
        while (!ok.every(Boolean) && performance.now() - t0 < 15_000) {
          await Promise.all(
            [0, 1, 2].map(async (i) => {
              if (!ok[i]) ok[i] = (await call(base(i), 'SendMessage', { QueueUrl: qurl(i, name), MessageBody: `back-${i}` }, 3_000)).status === 200;
            }),
          );
          if (!ok.every(Boolean)) await sleep(100);
        }
        const recovery = performance.now() - t0;
        console.log(`# PostgreSQL back: all nodes serving again after ${recovery.toFixed(0)} ms`);
        assert.deepEqual(ok, [true, true, true]);
        // Long polls work again across nodes (the LISTEN connections reconnected).
        const waiter = call(base(0), 'ReceiveMessage', { QueueUrl: qurl(0, name), WaitTimeSeconds: 5, MaxNumberOfMessages: 10 });
        const got = await waiter;
        assert.ok((got.body.Messages?.length ?? 0) >= 1);
      },
    );
  },
);
