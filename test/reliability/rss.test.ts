/**
 * Memory after a burst of large messages (a real SQLite process): 120 messages of ~1 MiB are sent by
 * eight producers and then received and deleted, three times in a row. What is checked, with tolerant
 * thresholds (nothing forces a GC, so what is measured includes garbage V8 has not collected yet, and
 * how much depends on the machine's load):
 *  - the process does not keep what went through it: from the first burst to the third, RSS grows less
 *    than 160 MiB (keeping the bodies of two bursts would be 240 MiB);
 *  - RSS stays within 300 MiB above the warmed-up baseline after 360 MiB of messages.
 * Measured (RELIABILITY.md): alone, ~115 MiB baseline and ~230–350 MiB after each burst, no growth;
 * inside the full `npm test`, 145 MiB and 232 / 305 / 380 MiB.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { makeClient } from '../helpers/clients.js';
import { startFerryProcess } from '../helpers/process.js';
import { rssOf } from './slowClients.js';

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

it('RSS comes back after bursts of large messages and does not grow with each burst', { timeout: 180_000 }, async () => {
  const f = await startFerryProcess({ storage: 'sqlite' });
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
      await sleep(3000);
      return { peak, after: rssOf(f.proc.pid!) };
    };
    await burst(40, 200_000); // warm-up: code paths compiled, caches filled
    await sleep(2000);
    const base = rssOf(f.proc.pid!);
    const rounds = [];
    for (let i = 0; i < 3; i++) rounds.push(await burst(120, 1_048_000));
    const line = rounds.map((r, i) => `burst ${i + 1}: peak ${Math.round(r.peak / MiB)} MiB, after ${Math.round(r.after / MiB)} MiB`).join('; ');
    process.stderr.write(`# baseline ${Math.round(base / MiB)} MiB; ${line}\n`);
    assert.ok(rounds[2]!.after - rounds[0]!.after < 160 * MiB, `RSS grows with each burst: ${line}`);
    assert.ok(rounds[2]!.after - base < 300 * MiB, `RSS stays ${Math.round((rounds[2]!.after - base) / MiB)} MiB above the baseline: ${line}`);
    c.destroy();
  } finally {
    await f.stop();
    f.cleanup();
  }
});
