/**
 * The OverLimit in-flight check on a deep SQLite queue (BENCHMARKS.md, issue 12): fill a queue with N
 * in-flight messages (send N, receive them all with a 1 h visibility timeout), then time short-poll
 * receives (`maxInflight` = LIMITS.inflightMax, as ReceiveMessage passes with WaitTimeSeconds 0) on it,
 * in process through the engine, against the same receives without the check.
 *
 *   node dist/bench/inflight.js [distRoot] [N,N,…] [receives]
 *
 * `distRoot` (default: this build's dist) is the build whose SqliteEngine is measured, so two builds
 * can be compared with the same script (e.g. /work/main/dist). One JSON line per N and mode:
 * wall and CPU µs per receive (sequential receives, each its own group-commit batch).
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { systemClock } from '../src/core/clock.js';
import { systemRandom } from '../src/core/random.js';
import type { SendMessageParams, StorageEngine } from '../src/storage/engine.js';

const INFLIGHT_MAX = 120_000;

async function main(): Promise<void> {
  const distRoot = resolve(process.argv[2] ?? join(import.meta.dirname, '..'));
  const ns = (process.argv[3] ?? '1000,10000,100000').split(',').map(Number);
  const receives = Number(process.argv[4] ?? 2000);
  const mod = (await import(pathToFileURL(join(distRoot, 'src/storage/sqlite/index.js')).href)) as {
    SqliteEngine: new (o: object) => StorageEngine;
  };
  for (const n of ns) {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-inflight-'));
    const engine = new mod.SqliteEngine({ path: join(dir, 'ferry.db'), clock: systemClock, random: systemRandom });
    await engine.init();
    try {
      const { queue } = await engine.queueCreate({ accountId: '000000000000', name: 'deep', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
      const message = (i: number): SendMessageParams => {
        const body = JSON.stringify({ i, pad: 'x'.repeat(200) });
        return {
          messageId: randomUUID(),
          body,
          md5OfBody: createHash('md5').update(body).digest('hex'),
          messageAttributes: {},
          systemAttributes: {},
          delayMs: 0,
          senderId: '000000000000',
        };
      };
      // Fill: N messages, 100 concurrent sends of 10 per round.
      for (let sent = 0; sent < n;) {
        const round: Promise<unknown>[] = [];
        for (let k = 0; k < 100 && sent < n; k++) {
          const batch = Array.from({ length: Math.min(10, n - sent) }, (_, j) => message(sent + j));
          sent += batch.length;
          round.push(engine.messageSend({ queueId: queue.id, messages: batch, dedupWindowMs: 300_000 }));
        }
        await Promise.all(round);
      }
      // Put every message in flight for an hour.
      let inflight = 0;
      while (inflight < n) {
        const got = await Promise.all(
          Array.from({ length: 100 }, () =>
            engine.messageReceive({ queueId: queue.id, maxMessages: 10, visibilityTimeoutMs: 3_600_000, attemptWindowMs: 0 }),
          ),
        );
        const k = got.reduce((s, r) => s + r.messages.length, 0);
        if (k === 0) break;
        inflight += k;
      }
      for (const mode of ['check', 'nocheck', 'check', 'nocheck'] as const) {
        const maxInflight = mode === 'check' ? INFLIGHT_MAX : undefined;
        // Warm-up, then the timed run.
        for (let i = 0; i < 100; i++)
          await engine.messageReceive({ queueId: queue.id, maxMessages: 10, visibilityTimeoutMs: 30_000, attemptWindowMs: 0, maxInflight });
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        for (let i = 0; i < receives; i++) {
          const r = await engine.messageReceive({ queueId: queue.id, maxMessages: 10, visibilityTimeoutMs: 30_000, attemptWindowMs: 0, maxInflight });
          if (r.messages.length !== 0) throw new Error('a receive got a message: the queue was not all in flight');
        }
        const wall = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        process.stdout.write(
          JSON.stringify({
            build: distRoot,
            n,
            inflight,
            mode,
            receives,
            wallUsPerReceive: +((wall * 1000) / receives).toFixed(1),
            cpuUsPerReceive: +((cpu.user + cpu.system) / receives).toFixed(1),
          }) + '\n',
        );
      }
    } finally {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

await main();
