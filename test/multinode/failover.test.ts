/**
 * Durability across machines: PostgreSQL as a primary and a synchronous streaming standby (two private
 * clusters, test/helpers/pgReplication.ts), three Ferry processes connected through a libpq multi-host
 * URL (`target_session_attrs=read-write`), mixed load through the AWS SDK (v3, its standard retries):
 * sends, receives and deletes on a standard and a FIFO queue from every node. Then the primary is
 * killed with -9 and, a second later (an HA manager's detection time, here fixed), the standby is
 * promoted (`pg_ctl promote`).
 *
 * Oracles
 *  - clients see only retryable errors: every failed *attempt* (recorded by a middleware inside the
 *    SDK's retry loop) is a 503 ServiceUnavailable, and no call fails after the SDK's retries;
 *  - the processes reconnect by themselves: each serves requests again after the promotion, logs its
 *    switch to the other host, and its LISTEN connection is back (on the new primary; a cross-node
 *    long-poll wake-up is immediate again);
 *  - nothing acknowledged is lost: every acknowledged send is received (during the load or in the
 *    final drain);
 *  - nothing acknowledged is resurrected: no message whose DeleteMessage was acknowledged comes back
 *    in the drain.
 * It prints the failover timeline (kill → promote → each node serving again) and the errors seen;
 * the README's high-availability section quotes it.
 *
 * Run alone: `node scripts/test.mjs dist/test/multinode/failover.test.js` (after `npm run build`).
 * Needs PostgreSQL's server binaries (FERRY_PG_BINDIR or /usr/lib/postgresql/<v>/bin), not
 * FERRY_TEST_DATABASE_URL: it runs its own two clusters.
 */
import * as sqs from '@aws-sdk/client-sqs';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { TEST_CREDENTIALS } from '../helpers/clients.js';
import { findPgBin, startReplicatedPair, type ReplicatedPair } from '../helpers/pgReplication.js';
import { startFerryProcess, type FerryProcess } from '../helpers/process.js';

/** Visibility timeout of the load's receives: messages a stopped consumer held come back this soon. */
const VIS_S = 5;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const bin = findPgBin();
const skip = bin ? undefined : 'PostgreSQL server binaries not found (apt-get install postgresql, or set FERRY_PG_BINDIR)';

interface Attempt {
  at: number;
  node: number;
  action: string;
  ok: boolean;
  name?: string;
  status?: number;
  /** DeleteMessage: the receipt handle (to tell a retry whose first attempt was cut from a real error). */
  handle?: string;
}

describe(
  'failover: three Ferry processes, a PostgreSQL primary killed -9 and its synchronous standby promoted',
  {
    skip: skip && process.env.CI !== 'true' ? skip : undefined,
    timeout: 150_000,
  },
  () => {
    let pair: ReplicatedPair | undefined;
    const nodes: FerryProcess[] = [];
    const keyDir = mkdtempSync(join(tmpdir(), 'ferry-keys-'));
    const attempts: Attempt[] = [];
    const clients: sqs.SQSClient[] = [];

    /** An SDK client on node `i` with the SDK's standard retries, recording every attempt's outcome. */
    function client(i: number): sqs.SQSClient {
      const c = new sqs.SQSClient({ endpoint: nodes[i]!.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 10 });
      c.middlewareStack.add(
        (next, context) => async (args) => {
          const handle = (args.input as { ReceiptHandle?: string }).ReceiptHandle;
          try {
            const r = await next(args);
            attempts.push({ at: performance.now(), node: i, action: String(context.commandName), ok: true, handle });
            return r;
          } catch (e) {
            const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
            attempts.push({
              at: performance.now(),
              node: i,
              action: String(context.commandName),
              ok: false,
              name: err.name,
              status: err.$metadata?.httpStatusCode,
              handle,
            });
            throw e;
          }
        },
        // The deserialize step runs inside the retry loop: once per attempt.
        { step: 'deserialize', name: 'recordAttempts', priority: 'high' },
      );
      clients.push(c);
      return c;
    }

    before(async () => {
      assert.ok(bin, skip);
      pair = await startReplicatedPair(bin);
      const url = pair.multiHostUrl('target_session_attrs=read-write&connect_timeout=2');
      const args = ['--skip-cooldowns', '--kms-key-ring', join(keyDir, 'keyring.json')];
      const start = () => startFerryProcess({ storage: 'postgres', databaseUrl: url, databaseSchema: 'ferry_failover', args });
      // One first: it creates the shared key ring file and the store's managed key (three starting
      // at once on a fresh key ring file were seen to write different keys under load).
      nodes.push(await start());
      // Each kept as soon as it is up, so `after` stops it even if the other fails to start.
      await Promise.all([start(), start()].map((p) => p.then((n) => void nodes.push(n))));
    });
    after(async () => {
      for (const c of clients) c.destroy();
      for (const n of nodes) {
        await n.stop();
        n.cleanup();
      }
      pair?.destroy();
      rmSync(keyDir, { recursive: true, force: true });
    });

    it('clients see only retryable errors, the processes reconnect by themselves, nothing acknowledged is lost or resurrected', async () => {
      const p = pair!;
      const admin = client(0);
      const std = (await admin.send(new sqs.CreateQueueCommand({ QueueName: 'fo-std' }))).QueueUrl!;
      const fifo = (await admin.send(new sqs.CreateQueueCommand({ QueueName: 'fo-q.fifo', Attributes: { FifoQueue: 'true' } }))).QueueUrl!;
      const path = (u: string) => new URL(u).pathname;
      const qurl = (i: number, u: string) => `${nodes[i]!.url}${path(u)}`;

      const ackedSends = new Map<string, string>(); // body → queue
      const seenBodies = new Set<string>();
      const ackedDeletes = new Set<string>(); // MessageId
      const finalErrors: string[] = [];
      let cutDeletes = 0; // FIFO deletes answered "expired" on a retry after a cut attempt (see below)
      let producing = true;
      let consuming = true;
      const callLatency: number[] = [];

      const producer = async (i: number, queue: string, isFifo: boolean) => {
        const c = client(i);
        for (let n = 0; producing; n++) {
          const body = `${isFifo ? 'f' : 's'}-${i}-${n}`;
          const t0 = performance.now();
          try {
            await c.send(
              new sqs.SendMessageCommand({
                QueueUrl: qurl(i, queue),
                MessageBody: body,
                ...(isFifo ? { MessageGroupId: `g${i}`, MessageDeduplicationId: body } : {}),
              }),
            );
            ackedSends.set(body, queue);
          } catch (e) {
            finalErrors.push(`SendMessage on node ${i}: ${(e as Error).name}: ${(e as Error).message}`);
          }
          callLatency.push(performance.now() - t0);
          await sleep(15);
        }
      };
      const consumer = async (i: number, queue: string) => {
        const c = client(i);
        while (consuming) {
          try {
            const r = await c.send(
              new sqs.ReceiveMessageCommand({ QueueUrl: qurl(i, queue), MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: VIS_S }),
            );
            for (const m of r.Messages ?? []) {
              seenBodies.add(m.Body!);
              try {
                await c.send(new sqs.DeleteMessageCommand({ QueueUrl: qurl(i, queue), ReceiptHandle: m.ReceiptHandle! }));
                ackedDeletes.add(m.MessageId!);
              } catch (e) {
                const cut = attempts.some((a) => a.handle === m.ReceiptHandle && a.status === 503);
                if (cut && (e as Error).name === 'InvalidParameterValue' && /receipt handle has expired/.test((e as Error).message)) cutDeletes++;
                else finalErrors.push(`DeleteMessage on node ${i}: ${(e as Error).name}: ${(e as Error).message}`);
              }
            }
          } catch (e) {
            finalErrors.push(`ReceiveMessage on node ${i}: ${(e as Error).name}: ${(e as Error).message}`);
          }
        }
      };
      const workers: Array<Promise<void>> = [];
      for (let i = 0; i < 3; i++) {
        workers.push(producer(i, std, false), producer(i, fifo, true));
      }
      const consumers = [0, 1, 2].flatMap((i) => [consumer(i, std), consumer(i, fifo)]);
      // Probes: one SendMessage every 50 ms per node, without retries, over plain HTTP — when each
      // node stops and starts serving writes again, unblurred by the SDK's backoff.
      const probes: Array<{ at: number; node: number; status: number; type?: string }> = [];
      const prober = async (i: number) => {
        for (let n = 0; producing; n++) {
          const body = `p-${i}-${n}`;
          let status = 0;
          let type: string | undefined;
          try {
            const res = await fetch(`${nodes[i]!.url}/`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' },
              body: JSON.stringify({ QueueUrl: qurl(i, std), MessageBody: body }),
              signal: AbortSignal.timeout(10_000),
            });
            status = res.status;
            type = ((await res.json()) as { __type?: string }).__type;
          } catch (e) {
            type = String(e);
          }
          probes.push({ at: performance.now(), node: i, status, type });
          if (status === 200) ackedSends.set(body, std);
          await sleep(50);
        }
      };
      workers.push(prober(0), prober(1), prober(2));

      await sleep(3_000);
      const sentBeforeKill = ackedSends.size;
      const tKill = performance.now();
      await p.killPrimary();
      await sleep(1_000); // the HA manager noticing
      const tPromote = performance.now();
      await p.promoteStandby();
      const tPromoted = performance.now();
      // Load goes on over the new primary.
      await sleep(5_000);
      producing = false;
      await Promise.all(workers);
      consuming = false;
      await Promise.all(consumers);

      // The timeline, from the attempts.
      const failed = attempts.filter((a) => !a.ok);
      const badProbes = probes.filter((x) => x.status !== 200);
      const back = [0, 1, 2].map((i) => probes.find((x) => x.node === i && x.status === 200 && x.at > tPromoted)?.at);
      const lastFailure = badProbes.length ? Math.max(...badProbes.map((x) => x.at)) : undefined;
      const probeKinds = new Map<string, number>();
      for (const x of badProbes) probeKinds.set(`${x.status} ${x.type}`, (probeKinds.get(`${x.status} ${x.type}`) ?? 0) + 1);
      const byKind = new Map<string, number>();
      for (const a of failed) byKind.set(`${a.status} ${a.name}`, (byKind.get(`${a.status} ${a.name}`) ?? 0) + 1);
      const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
      console.log(
        `# failover: primary killed at 0; standby promoted at ${s(tPromote - tKill)} (pg_ctl promote took ${s(tPromoted - tPromote)}); ` +
          `nodes serving writes again at ${back.map((b) => (b === undefined ? 'never' : s(b - tKill))).join(', ')} ` +
          `(${back.map((b) => (b === undefined ? 'never' : s(b - tPromoted))).join(', ')} after the promotion); ` +
          `last failed probe at ${lastFailure === undefined ? '-' : s(lastFailure - tKill)}; ` +
          `failed probes: ${badProbes.length} of ${probes.length} (${[...probeKinds].map(([k, n]) => `${n}× ${k}`).join(', ') || 'none'}); ` +
          `failed SDK attempts: ${failed.length} of ${attempts.length} (${[...byKind].map(([k, n]) => `${n}× ${k}`).join(', ') || 'none'}); ` +
          `calls failing after SDK retries: ${finalErrors.length}; FIFO deletes retried after a cut answer: ${cutDeletes}; slowest call ${s(Math.max(...callLatency))}; ` +
          `sends acknowledged ${ackedSends.size} (${sentBeforeKill} before the kill), deletes acknowledged ${ackedDeletes.size}`,
      );

      // Only retryable errors, and none left over after the SDK's retries — except the one answer SQS
      // gives too when a FIFO delete is retried after an attempt that did delete but whose answer the
      // kill cut (503): "The receipt handle has expired." (a FIFO delete of a message already gone).
      const cutHandles = new Set(failed.filter((a) => a.status === 503 && a.handle !== undefined).map((a) => a.handle));
      const retriedAfterCut = (a: Attempt) =>
        a.action === 'DeleteMessageCommand' && a.status === 400 && a.name === 'InvalidParameterValue' && cutHandles.has(a.handle);
      for (const a of failed)
        assert.ok((a.status === 503 && a.name === 'ServiceUnavailable') || retriedAfterCut(a), `non-retryable error seen: ${JSON.stringify(a)}`);
      for (const x of badProbes)
        assert.ok(
          x.status === 503 && x.type === 'com.amazon.coral.service#ServiceUnavailableException',
          `non-retryable error seen: ${JSON.stringify(x)}`,
        );
      assert.deepEqual(finalErrors, []);
      assert.ok(ackedSends.size > sentBeforeKill, 'sends were acknowledged after the failover');
      // Every node reconnected to the new primary by itself, pool and LISTEN connection.
      for (let i = 0; i < 3; i++) {
        assert.ok(back[i] !== undefined, `node ${i} never served a write after the promotion`);
        assert.match(nodes[i]!.output(), /switching to another host/, `node ${i} did not log its switch to the standby`);
      }
      const listeners = await p.query<{ n: string }>(
        p.standby,
        "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'ferry' AND query LIKE 'LISTEN %'",
      );
      assert.equal(Number(listeners[0]!.n), 3, 'each node has its LISTEN connection on the new primary');
      // A queue of its own: the load's queue may still hold messages.
      const wq = (await admin.send(new sqs.CreateQueueCommand({ QueueName: 'fo-wake' }))).QueueUrl!;
      const wake: number[] = [];
      for (let k = 0; k < 5; k++) {
        const waiter = admin.send(new sqs.ReceiveMessageCommand({ QueueUrl: qurl(0, wq), WaitTimeSeconds: 5, VisibilityTimeout: 60 }));
        await sleep(150);
        const t0 = performance.now();
        await client(1 + (k % 2)).send(new sqs.SendMessageCommand({ QueueUrl: qurl(1 + (k % 2), wq), MessageBody: `wake-${k}` }));
        const got = await waiter;
        wake.push(performance.now() - t0);
        assert.equal(got.Messages?.[0]?.Body, `wake-${k}`);
        await admin.send(new sqs.DeleteMessageCommand({ QueueUrl: qurl(0, wq), ReceiptHandle: got.Messages[0]!.ReceiptHandle! }));
      }
      wake.sort((a, b) => a - b);
      console.log(`# failover: cross-node long-poll wake-ups after the failover: ${wake.map((w) => `${w.toFixed(0)} ms`).join(', ')}`);
      // Without NOTIFY a long poll would only notice at its next 1 s re-check.
      assert.ok(wake[2]! < 400, `wake-ups after the failover are not immediate (median ${wake[2]!.toFixed(0)} ms): LISTEN did not reconnect`);

      // Drain: everything left, including what the stopped consumers held (back after VIS_S).
      const drainedIds: string[] = [];
      for (const q of [std, fifo]) {
        const deadline = performance.now() + 30_000;
        for (;;) {
          const r = await admin.send(
            new sqs.ReceiveMessageCommand({ QueueUrl: qurl(0, q), MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 60 }),
          );
          for (const m of r.Messages ?? []) {
            seenBodies.add(m.Body!);
            drainedIds.push(m.MessageId!);
            await admin.send(new sqs.DeleteMessageCommand({ QueueUrl: qurl(0, q), ReceiptHandle: m.ReceiptHandle! }));
          }
          if ((r.Messages ?? []).length > 0) continue;
          const at = await admin.send(
            new sqs.GetQueueAttributesCommand({
              QueueUrl: qurl(0, q),
              AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
            }),
          );
          const left = Object.values(at.Attributes ?? {}).reduce((sum, v) => sum + Number(v), 0);
          if (left === 0) break;
          assert.ok(performance.now() < deadline, `queue ${q} did not drain: ${JSON.stringify(at.Attributes)}`);
        }
      }
      const lost = [...ackedSends.keys()].filter((b) => !seenBodies.has(b));
      const resurrected = drainedIds.filter((id) => ackedDeletes.has(id));
      console.log(`# failover: drained ${drainedIds.length}; lost ${lost.length}; resurrected ${resurrected.length}`);
      assert.deepEqual(lost, [], 'acknowledged sends lost');
      assert.deepEqual(resurrected, [], 'acknowledged deletes resurrected');
    });

    it('a primary turned read-only (25006): 503 ServiceUnavailable while it is, served again by itself once it is writable', async () => {
      const p = pair!;
      // The new primary refuses writes without dropping its connections (what some switchover
      // procedures do first): pooled sessions pick the setting up at their next statement.
      await client(0).send(new sqs.CreateQueueCommand({ QueueName: 'fo-ro' }));
      await p.query(p.standby, 'ALTER SYSTEM SET default_transaction_read_only = on');
      await p.query(p.standby, 'SELECT pg_reload_conf()');
      const once = nodes.map((n) => new sqs.SQSClient({ endpoint: n.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 }));
      clients.push(...once);
      const url = (i: number) => `${nodes[i]!.url}/000000000000/fo-ro`;
      let refused = 0;
      for (let i = 0; i < 3; i++) {
        // A few writes per node: each refused one discards its connection; every answer must be a 503.
        for (let k = 0; k < 5; k++) {
          const e = await once[i]!.send(new sqs.SendMessageCommand({ QueueUrl: url(i), MessageBody: `ro-${i}-${k}` })).then(
            () => undefined,
            (x: unknown) => x as { name?: string; $metadata?: { httpStatusCode?: number } },
          );
          if (e === undefined) {
            // The reload reached that session a moment later: not yet read-only.
            assert.ok(k < 4, `node ${i} kept accepting writes on a read-only server`);
            await sleep(100);
            continue;
          }
          refused++;
          assert.equal(e.$metadata?.httpStatusCode, 503, `node ${i}: ${String(e.name)}`);
          assert.equal(e.name, 'ServiceUnavailable');
        }
      }
      await p.query(p.standby, 'ALTER SYSTEM RESET default_transaction_read_only');
      await p.query(p.standby, 'SELECT pg_reload_conf()');
      const t0 = performance.now();
      for (let i = 0; i < 3; i++) {
        // The SDK's retries carry the calls over the moment it takes to become writable again.
        const r = await client(i).send(new sqs.SendMessageCommand({ QueueUrl: url(i), MessageBody: `rw-${i}` }));
        assert.ok(r.MessageId);
      }
      console.log(
        `# failover: read-only primary: ${refused} writes refused with 503; writable again → all three nodes served a send within ${(performance.now() - t0).toFixed(0)} ms`,
      );
      const got = new Set<string>();
      for (let k = 0; k < 10 && got.size < 3; k++) {
        const r = await client(0).send(new sqs.ReceiveMessageCommand({ QueueUrl: url(0), MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
        for (const m of r.Messages ?? []) got.add(m.Body!);
      }
      assert.deepEqual([...got].filter((b) => b.startsWith('rw-')).sort(), ['rw-0', 'rw-1', 'rw-2']);
    });
  },
);
