#!/usr/bin/env node
/**
 * What a metrics scrape costs on a big store (issue 10): 1,000 queues holding 1,000,000 messages by
 * default, 10% of the queues FIFO; per queue 80% visible, 10% delayed, 10% in flight. For each engine:
 *
 *  - `queueGauges`: the storage read behind every per-queue gauge — its wall time and the event-loop
 *    stall it causes (perf_hooks.monitorEventLoopDelay at 1 ms resolution, armed only around the read:
 *    the longest delay any timer or request on this process would have seen);
 *  - the whole scrape: GET /metrics' text from a fresh monitoring registry (gauges read once, no cache),
 *    its time, stall and size;
 *  - SQLite only, for comparison: the same gauge statement run in-thread (what a read on the event loop
 *    would stall), since the engine runs it on a worker thread.
 *
 *   node dist/bench/metrics-scrape.js [--engine sqlite|postgres|memory|all] [--queues 1000] [--messages 1000000] [--reads 5]
 *
 * PostgreSQL: FERRY_BENCH_DATABASE_URL, else a private throwaway cluster (bench/pg.ts). Seeding dominates
 * the run time (SQLite ~15 s, PostgreSQL ~2 min for a million messages on a 2-core machine).
 * Prints one JSON line per measurement.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Database from 'better-sqlite3';

import { systemClock } from '../src/core/clock.js';
import { createEventHub } from '../src/core/events.js';
import { systemRandom } from '../src/core/random.js';
import { createMonitoring } from '../src/monitoring/index.js';
import type { SendMessageParams, StorageEngine } from '../src/storage/engine.js';
import { MemoryEngine } from '../src/storage/memory/index.js';
import { PostgresEngine } from '../src/storage/postgres/index.js';
import { readGauges } from '../src/storage/sqlite/gauges.js';
import { SqliteEngine } from '../src/storage/sqlite/index.js';
import { dropSchema } from '../test/helpers/postgres.js';
import { benchDatabase } from './pg.js';

interface Options {
  engines: string[];
  queues: number;
  messages: number;
  reads: number;
}

function parse(argv: string[]): Options {
  const o: Options = { engines: ['sqlite', 'postgres'], queues: 1000, messages: 1_000_000, reads: 5 };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === '--engine') o.engines = v === 'all' ? ['memory', 'sqlite', 'postgres'] : [v!];
    else if (k === '--queues') o.queues = Number(v);
    else if (k === '--messages') o.messages = Number(v);
    else if (k === '--reads') o.reads = Number(v);
    else throw new Error(`unknown option ${k}`);
  }
  return o;
}

const out = (o: Record<string, unknown>): void => void process.stdout.write(JSON.stringify(o) + '\n');
const round = (x: number): number => Math.round(x * 10) / 10;

/** Run `fn` with the event-loop delay monitor armed; wall ms and the longest / p99 stall in ms. */
async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; wallMs: number; stallMaxMs: number; stallP99Ms: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  // Let the monitor's timer run once first: a stall before its first tick would go unseen (and reset()
  // loses the next one), so the histogram is armed a little ahead instead.
  await new Promise((r) => setTimeout(r, 20));
  const t0 = performance.now();
  const value = await fn();
  const wallMs = performance.now() - t0;
  // One more turn so a stall at the very end is recorded.
  await new Promise((r) => setTimeout(r, 5));
  h.disable();
  return { value, wallMs, stallMaxMs: h.max / 1e6, stallP99Ms: h.percentile(99) / 1e6 };
}

/** Fill the store: queues × (messages / queues), a tenth delayed, a tenth in flight. */
async function seed(engine: StorageEngine, o: Options): Promise<void> {
  const per = Math.floor(o.messages / o.queues);
  const body = JSON.stringify({ order: 1234, pad: 'x'.repeat(150) });
  const md5 = createHash('md5').update(body).digest('hex');
  const t0 = performance.now();
  for (let i = 0; i < o.queues; i++) {
    const fifo = i % 10 === 0;
    const { queue } = await engine.queueCreate({
      accountId: '000000000000',
      name: `scrape-${String(i).padStart(4, '0')}${fifo ? '.fifo' : ''}`,
      fifo,
      attributes: { MessageRetentionPeriod: '345600' },
      tags: {},
      reuseDelayMs: 0,
    });
    for (let sent = 0; sent < per; sent += 1000) {
      const n = Math.min(1000, per - sent);
      const messages: SendMessageParams[] = Array.from({ length: n }, (_, k) => {
        const m: SendMessageParams = {
          messageId: randomUUID(),
          body,
          md5OfBody: md5,
          messageAttributes: {},
          systemAttributes: {},
          delayMs: (sent + k) % 10 === 9 ? 3_600_000 : 0,
          senderId: '000000000000',
        };
        if (fifo) {
          m.groupId = `g${(sent + k) % 50}`;
          m.dedupId = `${sent + k}`;
        }
        return m;
      });
      await engine.messageSend({ queueId: queue.id, messages, dedupWindowMs: 300_000 });
    }
    for (let r = 0; r < Math.ceil(per / 100); r++) {
      await engine.messageReceive({ queueId: queue.id, maxMessages: 10, visibilityTimeoutMs: 3_600_000, attemptWindowMs: 300_000 });
    }
  }
  out({ step: 'seeded', engine: engine.kind, queues: o.queues, messages: per * o.queues, seconds: round((performance.now() - t0) / 1000) });
}

async function measure(engine: StorageEngine, o: Options, inThread?: () => unknown): Promise<void> {
  const snap = await engine.queueGauges(); // warm-up (SQLite: starts the worker)
  const totals = snap.queues.reduce((a, g) => [a[0]! + g.visible, a[1]! + g.inflight, a[2]! + g.delayed], [0, 0, 0]);
  out({ step: 'gauges', engine: engine.kind, queues: snap.queues.length, visible: totals[0], inflight: totals[1], delayed: totals[2] });
  for (let i = 0; i < o.reads; i++) {
    const m = await measured(() => engine.queueGauges());
    out({ step: 'queueGauges', engine: engine.kind, wallMs: round(m.wallMs), stallMaxMs: round(m.stallMaxMs), stallP99Ms: round(m.stallP99Ms) });
  }
  const monitoring = createMonitoring({
    engine,
    events: createEventHub(),
    clock: systemClock,
    endpoint: { host: '127.0.0.1', queueGauges: true },
    gaugeMaxAgeMs: 0,
    build: { version: 'bench', storage: engine.kind },
    sampler: false,
  });
  try {
    for (let i = 0; i < o.reads; i++) {
      const m = await measured(() => monitoring.metrics());
      out({
        step: 'scrape',
        engine: engine.kind,
        wallMs: round(m.wallMs),
        stallMaxMs: round(m.stallMaxMs),
        stallP99Ms: round(m.stallP99Ms),
        bytes: Buffer.byteLength(m.value),
        lines: m.value.split('\n').length,
      });
    }
  } finally {
    await monitoring.close();
  }
  if (inThread) {
    for (let i = 0; i < o.reads; i++) {
      const m = await measured(async () => inThread());
      out({ step: 'queueGauges in-thread (not used)', engine: engine.kind, wallMs: round(m.wallMs), stallMaxMs: round(m.stallMaxMs) });
    }
  }
}

async function runEngine(kind: string, o: Options): Promise<void> {
  if (kind === 'memory') {
    const engine = new MemoryEngine({ clock: systemClock, random: systemRandom });
    await engine.init();
    await seed(engine, o);
    await measure(engine, o);
    await engine.close();
    return;
  }
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-scrape-'));
    const path = join(dir, 'ferry.db');
    const engine = new SqliteEngine({ path, clock: systemClock, random: systemRandom });
    await engine.init();
    let db: Database.Database | undefined;
    try {
      await seed(engine, o);
      db = new Database(path);
      db.pragma('cache_size = -16384');
      const stmts = new Map<string, Database.Statement>();
      const prepare = (sql: string): Database.Statement => {
        let s = stmts.get(sql);
        if (!s) stmts.set(sql, (s = db!.prepare(sql)));
        return s;
      };
      await measure(engine, o, () => readGauges(db!, prepare, Date.now()));
    } finally {
      db?.close();
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
  if (kind === 'postgres') {
    const database = await benchDatabase({ url: process.env.FERRY_BENCH_DATABASE_URL });
    const schema = `ferry_scrape_${process.pid}`;
    const engine = new PostgresEngine({ url: database.url, schema, poolSize: 4, clock: systemClock, random: systemRandom });
    try {
      await engine.init();
      await seed(engine, o);
      await measure(engine, o);
    } finally {
      await engine.close();
      await dropSchema(database.url, schema);
      database.stop();
    }
    return;
  }
  throw new Error(`unknown engine ${kind}`);
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  for (const e of o.engines) await runEngine(e, o);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
