/**
 * Memory after a burst of large messages (a real SQLite process): 120 messages of ~1 MiB are sent by
 * eight producers and then received and deleted, three times in a row. Memory is sampled after a forced
 * full GC in the server (test/helpers/memory.ts: node's --expose-gc and a SIGUSR2 hook preloaded by the
 * test, nothing in Ferry), so what is measured is what the process keeps, not how far behind the
 * collector is on a loaded machine. Checked:
 *  - the V8 heap and the memory outside it (Buffers) come back to the warmed-up baseline after each
 *    burst, within 16 MiB (a burst's bodies are 120 MiB: keeping a seventh of one would show);
 *  - RSS does not grow with each burst: less than 64 MiB from the first burst to the third, and less
 *    than 200 MiB above the baseline (freed malloc pages glibc keeps and SQLite's page caches — 32 MiB
 *    for the engine's connection, 16 MiB for the gauge worker's — are counted in RSS).
 * Measured (RELIABILITY.md): baseline 102 MiB; after each of five bursts 179–189 MiB, heap used 11 MiB
 * every time; without the forced GC the same samples were 197–402 MiB.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { makeClient } from '../helpers/clients.js';
import { gcProbeEnv, memoryAfterGc } from '../helpers/memory.js';
import { startFerryProcess } from '../helpers/process.js';
import { rssOf } from './slowClients.js';

const MiB = 1024 * 1024;

it('RSS comes back after bursts of large messages and does not grow with each burst', { timeout: 180_000 }, async () => {
  const f = await startFerryProcess({ storage: 'sqlite', env: gcProbeEnv() });
  try {
    // A fresh client per burst: a connection idle for the server's keep-alive timeout (5 s) may be
    // closed just as the client reuses it (EPIPE), and these calls are not retried.
    let c = makeClient('json', f.url);
    const url = (await c.call('CreateQueue', { QueueName: 'big' })).QueueUrl as string;
    const drain = async () => {
      let n = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (;;) {
            const r = await c.call('ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 10 });
            const msgs = (r.Messages as Array<{ ReceiptHandle: string }> | undefined) ?? [];
            if (msgs.length === 0) return;
            n += msgs.length;
            await c.call('DeleteMessageBatch', { QueueUrl: url, Entries: msgs.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) });
          }
        }),
      );
      return n;
    };
    const burst = async (count: number, size: number) => {
      c.destroy();
      c = makeClient('json', f.url);
      const body = 'y'.repeat(size);
      let peak = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let i = 0; i < count / 8; i++) {
            await c.call('SendMessage', { QueueUrl: url, MessageBody: body });
            peak = Math.max(peak, rssOf(f.proc.pid!));
          }
        }),
      );
      const got = await drain();
      assert.equal(got, count, 'every message of the burst was received');
      return { peak, gc: await memoryAfterGc(f) };
    };
    await burst(40, 200_000); // warm-up: code paths compiled, caches filled
    const base = await memoryAfterGc(f);
    const rounds = [];
    for (let i = 0; i < 3; i++) rounds.push(await burst(120, 1_048_000));
    const mib = (n: number) => Math.round(n / MiB);
    const show = (m: { rss: number; heapUsed: number; external: number }) =>
      `RSS ${mib(m.rss)} MiB, heap used ${mib(m.heapUsed)} MiB, external ${mib(m.external)} MiB`;
    const line = `baseline ${show(base)}; ${rounds.map((r, i) => `burst ${i + 1}: peak RSS ${mib(r.peak)} MiB, after GC ${show(r.gc)}`).join('; ')}`;
    process.stderr.write(`# ${line}\n`);
    for (const r of rounds) {
      assert.ok(r.gc.heapUsed - base.heapUsed < 16 * MiB, `the V8 heap keeps part of a burst: ${line}`);
      assert.ok(r.gc.external - base.external < 16 * MiB, `memory outside the heap keeps part of a burst: ${line}`);
    }
    assert.ok(rounds[2]!.gc.rss - rounds[0]!.gc.rss < 64 * MiB, `RSS grows with each burst: ${line}`);
    assert.ok(rounds[2]!.gc.rss - base.rss < 200 * MiB, `RSS stays ${mib(rounds[2]!.gc.rss - base.rss)} MiB above the baseline: ${line}`);
    c.destroy();
  } finally {
    await f.stop();
    f.cleanup();
  }
});
