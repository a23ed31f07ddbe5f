#!/usr/bin/env node
/**
 * In-process cost of the layers below HTTP, for engine and action work (`npm run bench` measures
 * whole servers over loopback, where the kernel, the client and machine noise blur a 10% change):
 *
 *   node dist/bench/layers.js engine <memory|sqlite|postgres> <std|fifo> [messages] [metrics] [nogroup] [inflight=N] [ab=N]
 *   node dist/bench/layers.js actions <std|fifo> [requests] [metrics] [sse] [journeys] [sendonly]
 *   node dist/bench/layers.js requests [iterations]
 *
 * `engine`: 8 concurrent loops of messageSend(10) → messageReceive(10) → messageDelete on one queue of
 * a fresh store (SQLite: a file in a temp directory, durable as in production; PostgreSQL: a fresh schema
 * in FERRY_BENCH_DATABASE_URL, dropped afterwards; without it a private cluster, whose CPU per message is
 * then reported too, as `pgCpuUsPerMsg`). The messages are built before the clock starts. PostgreSQL:
 * `nogroup` turns the group commit off (groupCommitInFlight 0: every call alone, as before it);
 * `inflight=N`: group-commit batches of one kind running at once (default 1);
 * `ab=N` runs N rounds alternating group commit on / off in one process on one database (A/B, interleaved).
 * `actions`: SendMessageBatch(10) → ReceiveMessage(10) → DeleteMessageBatch through dispatchAction on the
 * memory engine, plus the JSON encoding of each output: everything a request costs except HTTP, SigV4
 * and request decoding. With `sse`, bodies are encrypted at rest as `ferry serve` does by default (new
 * queues have SqsManagedSseEnabled=true): a MessageCrypto on a fresh in-memory key ring encrypts every
 * body sent and decrypts every body received. With `metrics`, as `ferry serve` runs by default: message events go to the
 * monitoring's counters and every request is reported to its request metrics. With `journeys`, as `ferry serve` runs
 * by default (the console on): the console's message journeys record every message event. With `sendonly`, every
 * request is a SendMessageBatch(10) and nothing is received (the queue grows, as in `npm run bench`'s sendbatch
 * scenario). `requests`: the two steps before an action runs — SigV4 verification and JSON
 * decoding — for a signed SendMessageBatch(10) and DeleteMessageBatch(10) body, µs per request.
 *
 * Prints one JSON line: CPU µs per message (process.cpuUsage: every thread of this process, so GC and
 * SQLite's off-loop fsync count), wall µs per message, and the garbage collections during the
 * measurement (minor = scavenges, major = mark-compacts, each of which walks the whole old generation).
 * Compare two builds by running the same command from each, alternately, several times.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, constants } from 'node:perf_hooks';

import { createActionServices } from '../src/runtime/index.js';
import { dispatchAction } from '../src/actions/registry.js';
import { NEVER_CANCELLED } from '../src/core/cancel.js';
import { createEventHub } from '../src/core/events.js';
import { JourneyStore } from '../src/console/journey.js';
import { createMonitoring, StorageMetrics } from '../src/monitoring/index.js';
import { systemClock } from '../src/core/clock.js';
import { systemRandom } from '../src/core/random.js';
import { AWS_SQS_ALIAS, KeyRing, MANAGED_ALIAS } from '../src/crypto/keyring.js';
import { MessageCrypto, type BodyCipher } from '../src/crypto/messageCrypto.js';
import { createSigV4Verifier } from '../src/http/sigv4.js';
import { encodeOutput } from '../src/protocol/index.js';
import { decodeJsonRequest } from '../src/protocol/json.js';
import type { SendMessageParams, StorageEngine } from '../src/storage/engine.js';
import { MemoryEngine } from '../src/storage/memory/index.js';
import { PostgresEngine } from '../src/storage/postgres/index.js';
import { dropSchema } from '../test/helpers/postgres.js';
import { SqliteEngine } from '../src/storage/sqlite/index.js';
import { BENCH_CREDENTIALS, BENCH_REGION } from './client.js';
import { benchDatabase, stopBenchDatabase } from './pg.js';
import { Signer } from './sigv4.js';

const LOOPS = 8;
let schemas = 0;
/** Group-commit batches of one kind in flight when the group commit is on (`inflight=N`; default 1). */
let groupInFlight = 1;
const PAD = 'x'.repeat(150);

/** Counts garbage collections by kind while it is observing. */
function gcCounter(): { stop(): { minor: number; major: number; gcMs: number } } {
  let minor = 0;
  let major = 0;
  let gcMs = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) major++;
      else if (kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
      gcMs += e.duration;
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      obs.disconnect();
      return { minor, major, gcMs: Math.round(gcMs) };
    },
  };
}

/**
 * Run `fn` (which handles `messages` messages) and report CPU, wall time and GCs per message; with
 * `dbCpu` (µs so far of the database's processes, from /proc), the database's CPU per message too.
 */
async function measured(label: Record<string, unknown>, messages: number, fn: () => Promise<number>, dbCpu?: () => number): Promise<void> {
  const gc = gcCounter();
  const d0 = dbCpu?.() ?? NaN;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const done = await fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const dbUs = (dbCpu?.() ?? NaN) - d0;
  // GC entries reach the observer asynchronously: let the last ones arrive before counting.
  await new Promise((r) => setTimeout(r, 100));
  const g = gc.stop();
  const r = (x: number) => Math.round(x * 100) / 100;
  process.stdout.write(
    JSON.stringify({
      ...label,
      messages: done,
      cpuUsPerMsg: r((cpu.user + cpu.system) / done),
      wallUsPerMsg: r((wallMs * 1000) / done),
      ...(Number.isFinite(dbUs) ? { pgCpuUsPerMsg: r(dbUs / done) } : {}),
      gcMinor: g.minor,
      gcMajor: g.major,
      gcMs: g.gcMs,
      asked: messages,
    }) + '\n',
  );
}

async function engineBench(kind: string, fifo: boolean, total: number, withMetrics: boolean, group = true): Promise<void> {
  // With `metrics`, the engine reports commits and failures as `ferry serve` has it do by default.
  const observer = withMetrics ? new StorageMetrics() : undefined;
  let dir: string | undefined;
  let schema: string | undefined;
  const db = kind === 'postgres' ? await benchDatabase({ url: process.env.FERRY_BENCH_DATABASE_URL || null }) : undefined;
  const url = db?.url;
  let engine: StorageEngine;
  if (kind === 'memory') engine = new MemoryEngine({ clock: systemClock, random: systemRandom, observer });
  else if (kind === 'sqlite') {
    dir = mkdtempSync(join(tmpdir(), 'ferry-layers-'));
    engine = new SqliteEngine({ path: join(dir, 'ferry.db'), clock: systemClock, random: systemRandom, observer });
  } else if (kind === 'postgres') {
    if (!url) throw new Error('engine postgres needs a database');
    schema = `ferry_layers_${process.pid}_${++schemas}`;
    engine = new PostgresEngine({
      url,
      schema,
      poolSize: LOOPS + 2,
      clock: systemClock,
      random: systemRandom,
      observer,
      groupCommitInFlight: group ? groupInFlight : 0,
    });
  } else throw new Error(`unknown engine ${kind}`);
  await engine.init();
  try {
    const { queue } = await engine.queueCreate({
      accountId: '000000000000',
      name: fifo ? 'layers.fifo' : 'layers',
      fifo,
      attributes: {},
      tags: {},
      reuseDelayMs: 0,
    });
    let seq = 0;
    const message = (): SendMessageParams => {
      const body = JSON.stringify({ seq: seq++, ts: Date.now(), pad: PAD });
      const m: SendMessageParams = {
        messageId: randomUUID(),
        body,
        md5OfBody: createHash('md5').update(body).digest('hex'),
        messageAttributes: {},
        systemAttributes: {},
        delayMs: 0,
        senderId: '000000000000',
      };
      if (fifo) {
        m.groupId = `g${seq % 10}`;
        m.dedupId = String(seq);
      }
      return m;
    };
    const run = async (batches: SendMessageParams[][]): Promise<number> => {
      let delivered = 0;
      await Promise.all(
        Array.from({ length: LOOPS }, async () => {
          for (let b = batches.pop(); b !== undefined; b = batches.pop()) {
            await engine.messageSend({ queueId: queue.id, messages: b, dedupWindowMs: 300_000 });
            const r = await engine.messageReceive({ queueId: queue.id, maxMessages: 10, visibilityTimeoutMs: 30_000, attemptWindowMs: 300_000 });
            if (r.messages.length > 0)
              await engine.messageDelete({ queueId: queue.id, receipts: r.messages.map((m) => ({ ref: m.ref, receiptToken: m.receiptToken })) });
            delivered += r.messages.length;
          }
        }),
      );
      return delivered;
    };
    const build = (n: number) => Array.from({ length: Math.ceil(n / 10) }, () => Array.from({ length: 10 }, message));
    await run(build(Math.min(2000, total))); // warm-up
    const batches = build(total);
    const label: Record<string, unknown> = { layer: 'engine', engine: kind, queue: fifo ? 'fifo' : 'standard', metrics: withMetrics };
    if (kind === 'postgres') label.groupCommit = group ? groupInFlight : 0;
    await measured(label, total, () => run(batches), db?.cpuMicros.bind(db));
  } finally {
    await engine.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (schema && url) await dropSchema(url, schema);
  }
}

/** Encryption at rest as `ferry serve` sets it up, on a fresh key ring held in memory (its managed key only). */
function benchSse(): BodyCipher {
  const ring = new KeyRing();
  const managed = ring.create(
    { aliases: [MANAGED_ALIAS, AWS_SQS_ALIAS], managed: true, source: 'file' },
    (n) => systemRandom.bytes(n),
    systemClock.now(),
    () => systemRandom.uuid(),
  );
  return new MessageCrypto({
    ring,
    managedKeyId: managed.id,
    clock: systemClock,
    random: systemRandom,
    scope: { region: BENCH_REGION, accountId: '000000000000' },
  });
}

async function actionsBench(
  fifo: boolean,
  requests: number,
  withMetrics: boolean,
  withSse: boolean,
  withJourneys = false,
  sendOnly = false,
): Promise<void> {
  const engine = new MemoryEngine({ clock: systemClock, random: systemRandom });
  await engine.init();
  const services = await createActionServices({ engine, clock: systemClock, random: systemRandom });
  const sse = withSse ? benchSse() : undefined;
  const events = createEventHub();
  const monitoring = withMetrics
    ? createMonitoring({
        engine,
        events,
        clock: systemClock,
        endpoint: { host: '127.0.0.1', queueGauges: true },
        gaugeMaxAgeMs: 5_000,
        build: { version: 'bench', storage: 'memory' },
        sampler: false,
      })
    : undefined;
  // The console's journeys, subscribed to the hub as src/console/index.ts does (default limits).
  const journeys = withJourneys ? new JourneyStore(systemClock) : undefined;
  const unsubscribeJourneys = journeys === undefined ? undefined : events.subscribe((e) => journeys.record(e));
  /** What the HTTP listener does per request with metrics on. */
  const report = (action: string, started: number): void => monitoring?.recordRequest(action, 'OK', performance.now() - started);
  const ctx = () => ({
    engine,
    clock: systemClock,
    random: systemRandom,
    settings: { region: 'us-east-1', accountId: '000000000000', purgeIntervalMs: 60_000, queueReuseDelayMs: 60_000 },
    requestId: 'layers',
    queueUrlBase: 'http://127.0.0.1:4566',
    traceHeader: undefined,
    signal: NEVER_CANCELLED,
    services,
    events: monitoring === undefined && journeys === undefined ? undefined : events,
    sse,
  });
  try {
    const { QueueUrl } = await dispatchAction(
      'CreateQueue',
      { QueueName: fifo ? 'layers.fifo' : 'layers', Attributes: fifo ? { FifoQueue: 'true' } : {} },
      ctx(),
    );
    let seq = 0;
    const round = async (): Promise<number> => {
      const Entries = Array.from({ length: 10 }, (_, i) => {
        const e: { Id: string; MessageBody: string; MessageGroupId?: string; MessageDeduplicationId?: string } = {
          Id: String(i),
          MessageBody: JSON.stringify({ seq: seq++, ts: Date.now(), pad: PAD }),
        };
        if (fifo) {
          e.MessageGroupId = `g${i}`;
          e.MessageDeduplicationId = String(seq);
        }
        return e;
      });
      let t = performance.now();
      encodeOutput('json', 'SendMessageBatch', await dispatchAction('SendMessageBatch', { QueueUrl, Entries }, ctx()), 'layers');
      report('SendMessageBatch', t);
      if (sendOnly) return Entries.length;
      t = performance.now();
      const got = await dispatchAction('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10 }, ctx());
      encodeOutput('json', 'ReceiveMessage', got, 'layers');
      report('ReceiveMessage', t);
      const ms = got.Messages ?? [];
      if (ms.length > 0) {
        t = performance.now();
        const del = await dispatchAction(
          'DeleteMessageBatch',
          { QueueUrl, Entries: ms.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) },
          ctx(),
        );
        encodeOutput('json', 'DeleteMessageBatch', del, 'layers');
        report('DeleteMessageBatch', t);
      }
      return ms.length;
    };
    for (let i = 0; i < 500; i++) await round(); // warm-up
    const rounds = sendOnly ? requests : Math.ceil(requests / 3);
    await measured(
      {
        layer: 'actions',
        engine: 'memory',
        queue: fifo ? 'fifo' : 'standard',
        metrics: withMetrics,
        sse: withSse,
        journeys: withJourneys,
        ...(sendOnly ? { sendOnly: true } : {}),
      },
      rounds * 10,
      async () => {
        let n = 0;
        for (let i = 0; i < rounds; i++) n += await round();
        return n;
      },
    );
  } finally {
    unsubscribeJourneys?.();
    await monitoring?.close();
    await services.close();
    await engine.close();
  }
}

async function requestsBench(iterations: number): Promise<void> {
  const verifier = createSigV4Verifier({ region: BENCH_REGION, credentials: [BENCH_CREDENTIALS] });
  const signer = new Signer(BENCH_CREDENTIALS, BENCH_REGION);
  const engine = new MemoryEngine({ clock: systemClock, random: systemRandom });
  await engine.init();
  const services = await createActionServices({ engine, clock: systemClock, random: systemRandom });
  const queueUrl = 'http://127.0.0.1:4566/000000000000/layers';
  const handles = Array.from({ length: 10 }, (_, i) => services.encodeReceipt(randomUUID(), (1000 + i).toString(36), randomUUID().replace(/-/g, '')));
  const bodies: Array<[string, string]> = [
    [
      'SendMessageBatch',
      JSON.stringify({
        QueueUrl: queueUrl,
        Entries: Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: JSON.stringify({ seq: i, ts: Date.now(), pad: PAD }) })),
      }),
    ],
    ['DeleteMessageBatch', JSON.stringify({ QueueUrl: queueUrl, Entries: handles.map((h, i) => ({ Id: String(i), ReceiptHandle: h })) })],
  ];
  const time = (fn: () => void): number => {
    for (let i = 0; i < 2000; i++) fn();
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) fn();
    return Math.round(((performance.now() - t0) * 1000 * 100) / iterations) / 100;
  };
  for (const [action, text] of bodies) {
    const body = Buffer.from(text);
    const headers = { ...signer.signJson('127.0.0.1:4566', `AmazonSQS.${action}`, text), 'content-length': String(body.length) };
    const verifyUs = time(() => verifier.verify({ method: 'POST', path: '/', query: '', headers, body }));
    const decodeUs = time(() => decodeJsonRequest(`AmazonSQS.${action}`, body));
    const parseUs = time(() => JSON.parse(body.toString('utf8')));
    process.stdout.write(
      JSON.stringify({
        layer: 'requests',
        action,
        bodyBytes: body.length,
        sigv4VerifyUs: verifyUs,
        jsonDecodeUs: decodeUs,
        ofWhichJsonParseUs: parseUs,
      }) + '\n',
    );
  }
  await services.close();
  await engine.close();
}

async function main(argv: string[]): Promise<number> {
  const [layer, a, b, c] = argv;
  if (layer === 'engine' && a && (b === 'std' || b === 'fifo')) {
    const flags = argv.slice(4);
    groupInFlight = Number(/^inflight=(\d+)$/.exec(flags.find((f) => f.startsWith('inflight=')) ?? '')?.[1] ?? 1);
    const ab = Number(/^ab=(\d+)$/.exec(flags.find((f) => f.startsWith('ab=')) ?? '')?.[1] ?? 0);
    try {
      if (ab > 0) {
        for (let i = 0; i < ab; i++) {
          for (const group of i % 2 ? [false, true] : [true, false])
            await engineBench(a, b === 'fifo', Number(c ?? 40_000), flags.includes('metrics'), group);
        }
      } else await engineBench(a, b === 'fifo', Number(c ?? 40_000), flags.includes('metrics'), !flags.includes('nogroup'));
    } finally {
      stopBenchDatabase();
    }
    return 0;
  }
  if (layer === 'actions' && (a === 'std' || a === 'fifo')) {
    const flags = argv.slice(3);
    await actionsBench(
      a === 'fifo',
      Number(b ?? 30_000),
      flags.includes('metrics'),
      flags.includes('sse'),
      flags.includes('journeys'),
      flags.includes('sendonly'),
    );
    return 0;
  }
  if (layer === 'requests') {
    await requestsBench(Number(a ?? 20_000));
    return 0;
  }
  process.stderr.write(
    'usage: layers.js engine <memory|sqlite|postgres> <std|fifo> [messages] [metrics] | actions <std|fifo> [requests] [metrics] [sse] [journeys] [sendonly] | requests [iterations]\n',
  );
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
