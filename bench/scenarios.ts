/**
 * The benchmark scenarios of issue 3. Each takes a running target and returns one result object; the
 * measured window starts after a warm-up and CPU/RSS deltas are read from /proc over exactly that window.
 */
import { Worker } from 'node:worker_threads';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqsClient, type BatchOutput, type ReceiveOutput, type SqsMessage } from './client.js';
import { cpuMicros, peakRssBytes, rssBytes } from './proc.js';
import { fillPostgresQueue } from './pg-fill.js';
import { median, percentiles, r } from './stats.js';
import { POSTGRES_TARGETS, type RunningTarget, type TargetName } from './targets.js';

export type ScenarioName = 'send' | 'sendbatch' | 'pipeline' | 'fifo' | 'longpoll-wake' | 'rate' | 'deep-backlog' | 'waiters';
export const ALL_SCENARIOS: ScenarioName[] = ['send', 'sendbatch', 'pipeline', 'fifo', 'longpoll-wake', 'rate', 'deep-backlog', 'waiters'];
/** The ceiling answers every POST with one fixed body: only the send-like scenarios mean anything there. */
export const CEILING_SCENARIOS = new Set<ScenarioName>(['send', 'sendbatch']);
/** Scenarios that take long per run: they may run in fewer rounds (`--heavy-rounds`). */
export const HEAVY_SCENARIOS = new Set<ScenarioName>(['deep-backlog', 'waiters']);

/**
 * What the PostgreSQL targets run by default: the full run stays near 15 minutes. waiters never runs
 * there, deep-backlog only on one node (`ferry-postgres`, its queue filled by SQL: bench/pg-fill.ts);
 * `rate` runs only when asked for by name (`--scenarios rate`).
 */
export const POSTGRES_SCENARIOS = new Set<ScenarioName>(['send', 'sendbatch', 'pipeline', 'fifo', 'longpoll-wake']);

/**
 * What `ferry-memory-nosig` runs: the scenarios issue 12 compares with fauxqs with signature checking off
 * on both sides.
 */
export const NOSIG_SCENARIOS = new Set<ScenarioName>(['send', 'sendbatch', 'pipeline', 'fifo']);

export interface AppliesOptions {
  /** The scenario list was given explicitly (`--scenarios`): opt-in scenarios run too. */
  explicitScenarios?: boolean;
}

/** Why `scenario` does not run on `target` (undefined: it runs). */
export function skipReason(scenario: ScenarioName, target: TargetName, o: AppliesOptions = {}): string | undefined {
  if (target === 'ceiling' && !CEILING_SCENARIOS.has(scenario)) return 'n/a (fixed-answer server)';
  if (target === 'ferry-memory-nosig' && !NOSIG_SCENARIOS.has(scenario))
    return 'n/a (signature checking off is compared with fauxqs on send, sendbatch, pipeline and fifo only)';
  if (POSTGRES_TARGETS.has(target) && !POSTGRES_SCENARIOS.has(scenario)) {
    if (scenario === 'deep-backlog') {
      if (target === 'ferry-postgres') return undefined;
      return 'n/a on three nodes: the deep backlog is measured on one PostgreSQL node';
    }
    if (scenario === 'waiters')
      return 'n/a on PostgreSQL: 10,000 parked long polls test the HTTP layer, which is the same for every engine; not measured';
    if (scenario === 'rate' && !o.explicitScenarios) return 'n/a on PostgreSQL in the default run (time budget); `--scenarios rate` runs it';
  }
  return undefined;
}

export function applies(scenario: ScenarioName, target: TargetName, o: AppliesOptions = {}): boolean {
  return skipReason(scenario, target, o) === undefined;
}

export interface ScenarioConfig {
  /** The shortest warm-up before a measured window. */
  warmupMs: number;
  /**
   * The throughput scenarios (send, sendbatch, pipeline, fifo, rate, deep-backlog) warm up until every
   * server process has answered `warmRequests` requests, for at least `warmupMs` and at most `warmMaxMs`
   * (measure). `warmMaxMs` ≤ `warmupMs`: a fixed warm-up.
   */
  warmRequests: number;
  warmMaxMs: number;
  durationMs: number;
  /** longpoll-wake measures at least this long (one message per 100 ms: 5 s → 50 samples a round). */
  wakeMinMs: number;
  /** Connections (and concurrent requests) of send and sendbatch. */
  sendConnections: number;
  producers: number;
  consumers: number;
  /** Most messages sent and not yet deleted in the pipelines. */
  backlogBound: number;
  /** Messages per second held by `rate`. */
  rate: number;
  /** Messages queued before deep-backlog's pipeline starts. */
  backlog: number;
  /** Give up filling the deep backlog after this long (the result then says how deep it got). */
  fillTimeoutMs: number;
  waiters: number;
  waiterQueues: number;
  /** WaitTimeSeconds of the waiters' long polls. */
  waiterWaitS: number;
  /** After producers stop, how long consumers may take to receive everything sent. */
  drainTimeoutMs: number;
}

export const DEFAULT_CONFIG: ScenarioConfig = {
  warmupMs: 1000,
  warmRequests: 5_000,
  warmMaxMs: 8_000,
  durationMs: 4000,
  wakeMinMs: 5000,
  sendConnections: 32,
  producers: 8,
  consumers: 8,
  backlogBound: 500,
  rate: 5000,
  backlog: 1_000_000,
  fillTimeoutMs: 150_000,
  waiters: 10_000,
  waiterQueues: 100,
  // The longest SQS allows: opening 10,000 connections takes seconds, and no poll may expire before the send.
  waiterWaitS: 20,
  drainTimeoutMs: 10_000,
};

/** One scenario run against one target: the JSON line the harness prints. */
export interface ScenarioResult {
  scenario: ScenarioName;
  target: TargetName;
  round: number;
  ok: boolean;
  error?: string;
  /** Length of the measured window, seconds. */
  windowS: number;
  /** Requests completed in the window (all actions). */
  requests: number;
  /** Messages in the window: sent (send, sendbatch) or delivered and deleted (pipelines). */
  messages: number;
  msgsPerS: number;
  reqPerS: number;
  /** What p50/p99 measure: request round trip, end-to-end (send start → received), wake, or /health RTT. */
  latencyKind: 'request' | 'e2e' | 'wake' | 'health';
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  latencySamples: number;
  /** Server CPU (utime + stime, all threads) over the window, per request and per message. */
  cpuUsPerReq: number;
  cpuUsPerMsg: number;
  /** Server CPU over the window as a share of one core, percent. */
  serverCpuPct: number;
  /**
   * The load generator's own CPU (this harness process, all threads) over the window, per message and
   * as a share of one core: on 2 cores client and server share the machine, so this bounds what any
   * server can reach (client µs/msg × msgs/s ≤ 2 cores − server CPU).
   */
  clientCpuUsPerMsg: number;
  clientCpuPct: number;
  /** Server RSS at the end of the window, and the highest sampled during it, MB. */
  rssMB: number;
  peakRssMB: number;
  /** Request errors (non-200, failed batch entries, transport errors). */
  errors: number;
  firstError?: string;
  /** Correctness, where the scenario can tell (null: not applicable). */
  sent: number | null;
  received: number | null;
  lost: number | null;
  duplicated: number | null;
  orderViolations: number | null;
  receives: number | null;
  emptyReceives: number | null;
  emptyReceivePct: number | null;
  /** Scenario-specific figures. */
  extra: Record<string, number | string | boolean | null>;
}

const now = () => performance.now();
const sleep = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));
const MB = 1024 * 1024;

/** 200-byte message body: `seq|sendTimeMs|producer|batchNo|group|` padded with x. */
const PAD = 'x'.repeat(200);
function makeBody(seq: number, ts: number, p = 0, k = 0, g = 0): string {
  const h = `${seq}|${ts.toFixed(3)}|${p}|${k}|${g}|`;
  return h + PAD.slice(h.length);
}
interface Parsed {
  seq: number;
  ts: number;
  p: number;
  k: number;
  g: number;
}
function parseBody(b: string): Parsed {
  const f = b.split('|', 5);
  return { seq: Number(f[0]), ts: Number(f[1]), p: Number(f[2]), k: Number(f[3]), g: Number(f[4]) };
}

/** Delivery counts per sequence number, growing as needed. */
class SeqCounts {
  private a = new Uint8Array(1 << 16);
  /** Increments and returns the new count for seq. */
  inc(seq: number): number {
    if (seq >= this.a.length) {
      let n = this.a.length;
      while (n <= seq) n *= 2;
      const b = new Uint8Array(n);
      b.set(this.a);
      this.a = b;
    }
    const v = this.a[seq]! < 255 ? ++this.a[seq]! : 255;
    return v;
  }
  get(seq: number): number {
    return seq < this.a.length ? this.a[seq]! : 0;
  }
}

/** Counters a scenario bumps; snapshots at the window's edges give the deltas. */
class Meter {
  measuring = false;
  requests = 0;
  messages = 0;
  errors = 0;
  firstError: string | undefined;
  error(e: unknown): void {
    this.errors++;
    if (this.firstError === undefined) this.firstError = (e as Error)?.message ?? String(e);
  }
}

interface Window {
  seconds: number;
  /** How long the warm-up before the window lasted (measure: at least the configured one). */
  warmupS: number;
  requests: number;
  messages: number;
  cpuUs: number;
  /** This process's (the load generator's) CPU over the window. */
  clientCpuUs: number;
  /** The database server's CPU over the window (PostgreSQL targets; NaN otherwise). */
  dbCpuUs: number;
  /** PostgreSQL targets: WAL syncs and committed transactions over the window (NaN otherwise). */
  walSyncs: number;
  commits: number;
  rss: number;
  peakRss: number;
}

/** This process's (the load generator's) CPU µs since `from`, all threads. */
function clientCpuSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return d.user + d.system;
}

/** Server CPU µs so far: the sum over the target's processes (3 for ferry-postgres-3). */
function serverCpu(t: RunningTarget): number {
  return t.pids.reduce((a, p) => a + cpuMicros(p), 0);
}
/** Server RSS: the sum over the target's processes. */
function serverRss(t: RunningTarget): number {
  return t.pids.reduce((a, p) => a + rssBytes(p), 0);
}
function serverPeakRss(t: RunningTarget): number {
  return t.pids.reduce((a, p) => a + peakRssBytes(p), 0);
}
function dbCpu(t: RunningTarget): number {
  return t.dbCpuMicros ? t.dbCpuMicros() : NaN;
}

/**
 * PostgreSQL's cluster-wide WAL syncs (`pg_stat_wal.wal_sync`: the fsyncs that make commits durable,
 * each covering every commit whose record it reached) and the database's committed transactions, for the
 * commit-rate bound of the scale-out model (BENCHMARKS.md). Cumulative statistics: backends report them
 * when idle or at most about once a second, so a 4 s window counts them to within about a second's worth.
 * NaN when the target has no database or the query fails.
 */
async function walStats(t: RunningTarget): Promise<{ walSyncs: number; commits: number }> {
  if (t.database === undefined) return { walSyncs: NaN, commits: NaN };
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: t.database.url });
  try {
    await c.connect();
    await c.query('SELECT pg_stat_clear_snapshot()');
    const r = await c.query<{ wal_sync: string; xact_commit: string }>(
      'SELECT (SELECT wal_sync FROM pg_stat_wal) AS wal_sync, (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()) AS xact_commit',
    );
    return { walSyncs: Number(r.rows[0]!.wal_sync), commits: Number(r.rows[0]!.xact_commit) };
  } catch {
    return { walSyncs: NaN, commits: NaN };
  } finally {
    await c.end().catch(() => undefined);
  }
}

/**
 * Sleep through the warm-up, then measure `durationMs`; `m.measuring` is true inside the window.
 *
 * The warm-up lasts `warmupMs`, then, when `warmMaxMs` is above it, goes on until every server process
 * has answered `warmRequests` requests (the harness spreads requests evenly over a target's processes),
 * up to `warmMaxMs` in all. V8 optimizes a function after enough calls, so a warm-up fixed in time is
 * less work, per process, for a target whose processes each get a third of the requests (ferry-postgres-3)
 * or that answers fewer requests a second; one in requests gives every process the same start
 * (BENCHMARKS.md, "the warm-up in requests"). The rule is the same for every target; the warm-up each run
 * took is in its result (`warmupS`).
 */
async function measure(
  target: RunningTarget,
  m: Meter,
  warmupMs: number,
  durationMs: number,
  warm: { requests: number; maxMs: number } = { requests: 0, maxMs: 0 },
): Promise<Window> {
  const w0 = now();
  const r00 = m.requests;
  await sleep(warmupMs);
  const perProcess = (): number => (m.requests - r00) / target.pids.length;
  while (perProcess() < warm.requests && now() - w0 + 100 <= warm.maxMs) await sleep(100);
  const warmupS = (now() - w0) / 1000;
  const s0 = await walStats(target);
  const r0 = m.requests;
  const m0 = m.messages;
  const c0 = serverCpu(target);
  const d0 = dbCpu(target);
  const k0 = process.cpuUsage();
  const t0 = now();
  m.measuring = true;
  let peak = serverRss(target);
  const iv = setInterval(() => (peak = Math.max(peak, serverRss(target))), 200);
  await sleep(durationMs);
  m.measuring = false;
  const t1 = now();
  const r1 = m.requests;
  const m1 = m.messages;
  const c1 = serverCpu(target);
  const d1 = dbCpu(target);
  const clientCpuUs = clientCpuSince(k0);
  clearInterval(iv);
  const s1 = await walStats(target);
  const rss = serverRss(target);
  return {
    seconds: (t1 - t0) / 1000,
    warmupS,
    requests: r1 - r0,
    messages: m1 - m0,
    cpuUs: c1 - c0,
    clientCpuUs,
    dbCpuUs: d1 - d0,
    walSyncs: s1.walSyncs - s0.walSyncs,
    commits: s1.commits - s0.commits,
    rss,
    peakRss: Math.max(peak, rss),
  };
}

function baseResult(
  target: RunningTarget,
  scenario: ScenarioName,
  round: number,
  w: Window,
  m: Meter,
  lat: number[],
  kind: ScenarioResult['latencyKind'],
): ScenarioResult {
  const p = percentiles(lat);
  return {
    scenario,
    target: target.name,
    round,
    ok: true,
    windowS: r(w.seconds),
    requests: w.requests,
    messages: w.messages,
    msgsPerS: r(w.messages / w.seconds, 1),
    reqPerS: r(w.requests / w.seconds, 1),
    latencyKind: kind,
    p50Ms: r(p.p50),
    p90Ms: r(p.p90),
    p99Ms: r(p.p99),
    maxMs: r(p.max),
    latencySamples: p.n,
    cpuUsPerReq: r(w.requests > 0 ? w.cpuUs / w.requests : NaN, 2),
    cpuUsPerMsg: r(w.messages > 0 ? w.cpuUs / w.messages : NaN, 2),
    serverCpuPct: r((w.cpuUs / 1e6 / w.seconds) * 100, 1),
    clientCpuUsPerMsg: r(w.messages > 0 ? w.clientCpuUs / w.messages : NaN, 2),
    clientCpuPct: r((w.clientCpuUs / 1e6 / w.seconds) * 100, 1),
    rssMB: r(w.rss / MB, 1),
    peakRssMB: r(w.peakRss / MB, 1),
    errors: m.errors,
    ...(m.firstError !== undefined ? { firstError: m.firstError.slice(0, 300) } : {}),
    sent: null,
    received: null,
    lost: null,
    duplicated: null,
    orderViolations: null,
    receives: null,
    emptyReceives: null,
    emptyReceivePct: null,
    extra: {
      // The warm-up this run took before its window (measure: until every process answered warmRequests).
      warmupS: r(w.warmupS, 1),
      ...(Number.isFinite(w.dbCpuUs)
        ? {
            // PostgreSQL's own CPU (all its processes) over the same window, apart from Ferry's.
            dbCpuUsPerReq: r(w.requests > 0 ? w.dbCpuUs / w.requests : NaN, 2),
            dbCpuUsPerMsg: r(w.messages > 0 ? w.dbCpuUs / w.messages : NaN, 2),
            dbCpuPct: r((w.dbCpuUs / 1e6 / w.seconds) * 100, 1),
            // Ferry (every process) + PostgreSQL per message, summed per run so the median is of the sum.
            totalCpuUsPerMsg: r(w.messages > 0 ? (w.cpuUs + w.dbCpuUs) / w.messages : NaN, 2),
            ...(Number.isFinite(w.walSyncs)
              ? {
                  walSyncsPerS: r(w.walSyncs / w.seconds, 1),
                  commitsPerS: r(w.commits / w.seconds, 1),
                  msgsPerWalSync: r(w.walSyncs > 0 ? w.messages / w.walSyncs : NaN, 2),
                }
              : {}),
          }
        : {}),
    },
  };
}

let queueCounter = 0;
async function createQueue(c: SqsClient, base: string, attributes?: Record<string, string>): Promise<string> {
  const name = `bench-${base}-${process.pid}-${++queueCounter}`.slice(0, 70);
  const fifo = attributes?.FifoQueue === 'true';
  const out = await c.call<{ QueueUrl: string }>('CreateQueue', {
    QueueName: fifo ? `${name}.fifo` : name,
    ...(attributes ? { Attributes: attributes } : {}),
  });
  if (typeof out.QueueUrl !== 'string') throw new Error(`CreateQueue answered without QueueUrl: ${JSON.stringify(out)}`);
  return out.QueueUrl;
}

/**
 * GetQueueAttributes (All) round trips on the filled queue `full` and on the empty queue `empty` of the
 * same server, alternating, one call at a time: the median of 21 calls each, after 5 warm-up calls each
 * (issue 12: on PostgreSQL the counts must not grow with the backlog). Alternating in one process at one
 * time keeps warm-up and machine noise out of the ratio.
 */
async function getQueueAttributesMs(c: SqsClient, full: string, empty: string): Promise<{ fullMs: number; emptyMs: number }> {
  const call = (q: string) => c.call('GetQueueAttributes', { QueueUrl: q, AttributeNames: ['All'] });
  const timed = async (q: string): Promise<number> => {
    const t0 = now();
    await call(q);
    return now() - t0;
  };
  for (let i = 0; i < 5; i++) {
    await call(full);
    await call(empty);
  }
  const f: number[] = [];
  const e: number[] = [];
  for (let i = 0; i < 21; i++) {
    f.push(await timed(full));
    e.push(await timed(empty));
  }
  return { fullMs: median(f), emptyMs: median(e) };
}

export interface RunContext {
  target: RunningTarget;
  round: number;
  cfg: ScenarioConfig;
}

// ─── send / sendbatch ──────────────────────────────────────────────────────────────────────────────

async function sendScenario(ctx: RunContext, batch: boolean): Promise<ScenarioResult> {
  const { target, cfg } = ctx;
  const client = new SqsClient(target.urls, { connections: cfg.sendConnections });
  try {
    const q = await createQueue(client, batch ? 'sendbatch' : 'send');
    const m = new Meter();
    const lat: number[] = [];
    let stop = false;
    let seq = 0;
    const worker = async (): Promise<void> => {
      while (!stop) {
        const t = now();
        try {
          if (batch) {
            const Entries = [];
            for (let i = 0; i < 10; i++) Entries.push({ Id: String(i), MessageBody: makeBody(seq++, t) });
            const out = await client.call<BatchOutput>('SendMessageBatch', { QueueUrl: q, Entries });
            const failed = out.Failed?.length ?? 0;
            if (failed > 0) m.error(new Error(`SendMessageBatch: ${failed} failed: ${JSON.stringify(out.Failed![0])}`));
            m.errors += Math.max(0, failed - 1);
            m.messages += 10 - failed;
          } else {
            await client.call('SendMessage', { QueueUrl: q, MessageBody: makeBody(seq++, t) });
            m.messages++;
          }
        } catch (e) {
          m.error(e);
          if (stop) break;
        }
        m.requests++;
        if (m.measuring) lat.push(now() - t);
      }
    };
    const workers = Array.from({ length: cfg.sendConnections }, worker);
    const w = await measure(target, m, cfg.warmupMs, cfg.durationMs, { requests: cfg.warmRequests, maxMs: cfg.warmMaxMs });
    stop = true;
    await Promise.all(workers);
    return baseResult(target, batch ? 'sendbatch' : 'send', ctx.round, w, m, lat, 'request');
  } finally {
    await client.close();
  }
}

// ─── pipeline / fifo / rate / deep-backlog ─────────────────────────────────────────────────────────

interface PipelineOptions {
  scenario: ScenarioName;
  fifo: boolean;
  /** Hold the producers at this many messages per second. */
  rate?: number;
  /** Messages queued before the pipeline starts. */
  prefill?: number;
}

const GROUPS = 10;

async function pipelineScenario(ctx: RunContext, o: PipelineOptions): Promise<ScenarioResult> {
  const { target, cfg } = ctx;
  const prod = new SqsClient(target.urls, { connections: cfg.producers + (o.prefill ? 32 : 0) });
  // Consumers get their own pool: parked long polls must never hold the producers' connections.
  const cons = new SqsClient(target.urls, { connections: cfg.consumers + 2 });
  const extra: ScenarioResult['extra'] = {};
  try {
    const q = await createQueue(prod, o.scenario, o.fifo ? { FifoQueue: 'true' } : undefined);
    const m = new Meter();
    const counts = new SeqCounts();
    /** Per seq: 1 = sent and acknowledged, 2 = outcome unknown (the request failed in transport). */
    const state = new SeqCounts();
    let seq = 0;

    // Deep backlog: fill the queue fast — with batches from 32 concurrent senders, or by SQL on
    // PostgreSQL (bench/pg-fill.ts) — and time GetQueueAttributes on the full queue and on an empty one.
    if (o.prefill) {
      const target_ = o.prefill;
      const emptyQ = await createQueue(prod, 'empty');
      const t0 = now();
      let fillErrors = 0;
      if (target.database) {
        // One message through the API, the template of the rows the SQL inserts (sequence numbers 1…).
        await prod.call('SendMessage', { QueueUrl: q, MessageBody: makeBody(seq++, 0) });
        const f = await fillPostgresQueue(target.database, q.slice(q.lastIndexOf('/') + 1), seq, target_ - 1, t0 + cfg.fillTimeoutMs);
        seq += f.inserted;
        extra.fillMethod = 'sql';
        extra.vacuumSeconds = r(f.vacuumS, 1);
      }
      const filler = async (): Promise<void> => {
        while (seq < target_ && now() - t0 < cfg.fillTimeoutMs) {
          const Entries = [];
          for (let i = 0; i < 10 && seq < target_; i++) Entries.push({ Id: String(i), MessageBody: makeBody(seq++, 0) });
          try {
            const out = await prod.call<BatchOutput>('SendMessageBatch', { QueueUrl: q, Entries });
            fillErrors += out.Failed?.length ?? 0;
          } catch (e) {
            fillErrors++;
            m.error(e);
          }
        }
      };
      await Promise.all(Array.from({ length: 32 }, filler));
      const fillS = (now() - t0) / 1000;
      extra.prefilled = seq - fillErrors;
      extra.fillSeconds = r(fillS, 1);
      extra.fillMsgsPerS = r((seq - fillErrors) / fillS, 0);
      extra.fillComplete = seq >= target_ && fillErrors === 0;
      extra.rssAfterFillMB = r(serverRss(target) / MB, 1);
      // The queue as Ferry sees it: its count must be what was filled (a valid state the engine serves).
      const attrs = await prod.call<{ Attributes?: Record<string, string> }>('GetQueueAttributes', {
        QueueUrl: q,
        AttributeNames: ['ApproximateNumberOfMessages'],
      });
      extra.countAfterFill = Number(attrs.Attributes?.ApproximateNumberOfMessages);
      const gqa = await getQueueAttributesMs(prod, q, emptyQ);
      extra.gqaFullMs = r(gqa.fullMs, 3);
      extra.gqaEmptyMs = r(gqa.emptyMs, 3);
    }
    const liveStart = seq;

    let stopProducers = false;
    let stopConsumers = false;
    /** Messages sent and not yet deleted (prefilled ones count as deleted-from credit). */
    let inflight = 0;
    let ackWaiters: (() => void)[] = [];
    const wakeProducers = (): void => {
      const w = ackWaiters;
      ackWaiters = [];
      for (const f of w) f();
    };
    let sentOk = 0;
    let receivedLive = 0;
    let receivedUnique = 0;
    let duplicated = 0;
    let orderViolations = 0;
    let winReceives = 0;
    let winEmpty = 0;
    const e2e: number[] = [];
    const lastK = new Int32Array(cfg.producers * GROUPS).fill(-1);
    const interval = o.rate ? (10 * cfg.producers * 1000) / o.rate : 0;

    const producer = async (p: number): Promise<void> => {
      let k = 0;
      let next = now() + (interval * p) / cfg.producers;
      while (!stopProducers) {
        if (interval) {
          const wait = next - now();
          if (wait > 0) await sleep(wait);
          next += interval;
          if (stopProducers) break;
        }
        while (inflight >= cfg.backlogBound && !stopProducers) await new Promise<void>((res) => ackWaiters.push(res));
        if (stopProducers) break;
        inflight += 10;
        const t = now();
        const first = seq;
        const Entries = [];
        for (let i = 0; i < 10; i++) {
          const s = seq++;
          Entries.push(
            o.fifo
              ? { Id: String(i), MessageBody: makeBody(s, t, p, k, i), MessageGroupId: `g${i}`, MessageDeduplicationId: String(s) }
              : { Id: String(i), MessageBody: makeBody(s, t, p, k, i) },
          );
        }
        k++;
        try {
          const out = await prod.call<BatchOutput>('SendMessageBatch', { QueueUrl: q, Entries });
          const failed = new Set((out.Failed ?? []).map((f) => Number(f.Id)));
          if (failed.size > 0) {
            m.error(new Error(`SendMessageBatch: ${failed.size} failed: ${JSON.stringify(out.Failed![0])}`));
            m.errors += failed.size - 1;
            inflight -= failed.size;
          }
          for (let i = 0; i < 10; i++) if (!failed.has(i)) state.inc(first + i);
          sentOk += 10 - failed.size;
        } catch (e) {
          m.error(e);
          for (let i = 0; i < 10; i++) {
            state.inc(first + i);
            state.inc(first + i);
          }
          inflight -= 10;
        }
        m.requests++;
      }
    };

    const consumer = async (): Promise<void> => {
      while (!stopConsumers) {
        let msgs: SqsMessage[];
        try {
          const out = await cons.call<ReceiveOutput>('ReceiveMessage', { QueueUrl: q, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 });
          msgs = out.Messages ?? [];
        } catch (e) {
          m.requests++;
          m.error(e);
          await sleep(10);
          continue;
        }
        m.requests++;
        if (m.measuring) {
          winReceives++;
          if (msgs.length === 0) winEmpty++;
        }
        if (msgs.length === 0) continue;
        const tRecv = now();
        let fresh = 0;
        for (const msg of msgs) {
          const b = parseBody(msg.Body);
          const c = counts.inc(b.seq);
          if (c > 1) {
            duplicated++;
            continue;
          }
          fresh++;
          receivedUnique++;
          if (b.seq >= liveStart) {
            receivedLive++;
            if (m.measuring) e2e.push(tRecv - b.ts);
          }
          if (o.fifo) {
            const key = b.p * GROUPS + b.g;
            if (b.k < lastK[key]!) orderViolations++;
            else lastK[key] = b.k;
          }
        }
        try {
          const out = await cons.call<BatchOutput>('DeleteMessageBatch', {
            QueueUrl: q,
            Entries: msgs.map((x, i) => ({ Id: String(i), ReceiptHandle: x.ReceiptHandle })),
          });
          const failed = out.Failed?.length ?? 0;
          if (failed > 0) {
            m.error(new Error(`DeleteMessageBatch: ${failed} failed: ${JSON.stringify(out.Failed![0])}`));
            m.errors += failed - 1;
          }
          m.messages += msgs.length - failed;
        } catch (e) {
          m.error(e);
        }
        m.requests++;
        inflight -= fresh;
        wakeProducers();
      }
    };

    const consumers = Array.from({ length: cfg.consumers }, consumer);
    const producers = Array.from({ length: cfg.producers }, (_, p) => producer(p));
    const w = await measure(target, m, cfg.warmupMs, cfg.durationMs, { requests: cfg.warmRequests, maxMs: cfg.warmMaxMs });
    stopProducers = true;
    wakeProducers();
    await Promise.all(producers);
    // Drain: everything acknowledged must come back (not for deep-backlog, whose queue stays deep).
    if (!o.prefill) {
      const deadline = now() + cfg.drainTimeoutMs;
      while (receivedLive < sentOk && now() < deadline) await sleep(20);
    }
    stopConsumers = true;
    await Promise.all(consumers);

    // Lost: acknowledged by the server and never received (a message may arrive before its send's ack).
    let lost = 0;
    let receivedAcked = 0;
    for (let s = liveStart; s < seq; s++) {
      if (state.get(s) !== 1) continue;
      if (counts.get(s) > 0) receivedAcked++;
      else lost++;
    }
    const res = baseResult(target, o.scenario, ctx.round, w, m, e2e, 'e2e');
    res.sent = sentOk;
    res.received = receivedAcked;
    res.lost = o.prefill ? null : lost;
    res.duplicated = duplicated;
    res.orderViolations = o.fifo ? orderViolations : null;
    res.receives = winReceives;
    res.emptyReceives = winEmpty;
    res.emptyReceivePct = winReceives > 0 ? r((winEmpty / winReceives) * 100, 2) : null;
    if (o.rate) {
      extra.targetRate = o.rate;
      extra.achievedSendRate = r(sentOk / (w.seconds + w.warmupS), 0);
    }
    if (o.prefill) {
      extra.deliveredUniqueTotal = receivedUnique;
      extra.peakRssMBAll = r(serverPeakRss(target) / MB, 1);
    }
    Object.assign(res.extra, extra);
    return res;
  } finally {
    await Promise.all([prod.close(), cons.close()]);
  }
}

// ─── longpoll-wake ─────────────────────────────────────────────────────────────────────────────────

/**
 * On a multi-node target (ferry-postgres-3) this is the cross-node variant: the waiter long-polls node 1
 * and the sender sends through node 2, so every wake crosses PostgreSQL (LISTEN/NOTIFY).
 */
async function longpollWake(ctx: RunContext): Promise<ScenarioResult> {
  const { target, cfg } = ctx;
  const crossNode = target.urls.length > 1;
  const cons = new SqsClient(target.urls[0]!, { connections: 1 });
  const prod = new SqsClient(target.urls[crossNode ? 1 : 0]!, { connections: 1 });
  try {
    const q = await createQueue(prod, 'wake');
    const m = new Meter();
    const counts = new SeqCounts();
    const wake: number[] = [];
    const afterAck: number[] = [];
    const ackAt = new Map<number, number>();
    let stop = false;
    let seq = 0;
    let received = 0;
    let duplicated = 0;
    let receives = 0;
    let empty = 0;
    const consumer = async (): Promise<void> => {
      while (!stop) {
        let msgs: SqsMessage[];
        try {
          const out = await cons.call<ReceiveOutput>('ReceiveMessage', { QueueUrl: q, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 });
          msgs = out.Messages ?? [];
        } catch (e) {
          if (stop) break;
          m.error(e);
          await sleep(10);
          continue;
        }
        const tRecv = now();
        m.requests++;
        receives++;
        if (msgs.length === 0) empty++;
        for (const msg of msgs) {
          const b = parseBody(msg.Body);
          if (counts.inc(b.seq) > 1) {
            duplicated++;
            continue;
          }
          received++;
          if (m.measuring) {
            wake.push(tRecv - b.ts);
            const a = ackAt.get(b.seq);
            if (a !== undefined) afterAck.push(tRecv - a);
          }
        }
        if (msgs.length > 0) {
          try {
            await cons.call('DeleteMessageBatch', { QueueUrl: q, Entries: msgs.map((x, i) => ({ Id: String(i), ReceiptHandle: x.ReceiptHandle })) });
          } catch (e) {
            m.error(e);
          }
          m.requests++;
          m.messages += msgs.length;
        }
      }
    };
    let sent = 0;
    const producer = async (): Promise<void> => {
      let next = now();
      while (!stop) {
        const t = now();
        const s = seq++;
        try {
          await prod.call('SendMessage', { QueueUrl: q, MessageBody: makeBody(s, t) });
          ackAt.set(s, now());
          sent++;
        } catch (e) {
          m.error(e);
        }
        m.requests++;
        next += 100;
        const wait = next - now();
        if (wait > 0) await sleep(wait);
      }
    };
    const c = consumer();
    await sleep(100); // let the consumer park first
    const p = producer();
    const w = await measure(target, m, cfg.warmupMs, Math.max(cfg.durationMs, cfg.wakeMinMs));
    stop = true;
    await p;
    const deadline = now() + 2000;
    while (received < sent && now() < deadline) await sleep(10);
    await cons.close(); // aborts the parked long poll
    await c;
    const res = baseResult(target, 'longpoll-wake', ctx.round, w, m, wake, 'wake');
    const aa = percentiles(afterAck);
    res.sent = sent;
    res.received = received;
    res.lost = sent - received;
    res.duplicated = duplicated;
    res.receives = receives;
    res.emptyReceives = empty;
    res.emptyReceivePct = receives > 0 ? r((empty / receives) * 100, 2) : null;
    Object.assign(res.extra, { afterSendAckP50Ms: r(aa.p50), afterSendAckP99Ms: r(aa.p99), ...(crossNode ? { crossNode: true } : {}) });
    return res;
  } finally {
    await Promise.all([cons.close(), prod.close()]);
  }
}

// ─── waiters ───────────────────────────────────────────────────────────────────────────────────────

const PROBE_WORKER = join(dirname(fileURLToPath(import.meta.url)), 'probe-worker.js');

async function waitersScenario(ctx: RunContext): Promise<ScenarioResult> {
  const { target, cfg } = ctx;
  const n = cfg.waiters;
  const nq = cfg.waiterQueues;
  const W = cfg.waiterWaitS;
  const admin = new SqsClient(target.urls, { connections: 8 });
  const pool = new SqsClient(target.urls, { connections: n });
  const m = new Meter();
  let probe: Worker | undefined;
  try {
    const queues: string[] = [];
    for (let i = 0; i < nq; i += 8) {
      const batch = await Promise.all(Array.from({ length: Math.min(8, nq - i) }, () => createQueue(admin, 'waiters')));
      queues.push(...batch);
    }
    probe = new Worker(PROBE_WORKER, { workerData: { url: target.url, intervalMs: 10 } });
    const probeDone = new Promise<{ samples: number[]; errors: number }>((res, rej) => {
      probe!.once('message', res);
      probe!.once('error', rej);
    });
    let peak = serverRss(target);
    const rssTimer = setInterval(() => (peak = Math.max(peak, serverRss(target))), 100);
    const c0 = serverCpu(target);
    const k0 = process.cpuUsage();
    const d0 = dbCpu(target);
    const t0 = now();
    m.measuring = true;

    const counts = new SeqCounts();
    const sentAt: number[] = new Array(nq).fill(NaN);
    let sendStarted = false;
    let served = 0;
    let servedBeforeSend = 0;
    let delivered = 0;
    let duplicated = 0;
    const delivery: number[] = [];
    const waiter = async (i: number): Promise<void> => {
      try {
        const out = await pool.call<ReceiveOutput>('ReceiveMessage', { QueueUrl: queues[i % nq], MaxNumberOfMessages: 1, WaitTimeSeconds: W });
        m.requests++;
        served++;
        if (!sendStarted) servedBeforeSend++;
        for (const msg of out.Messages ?? []) {
          const b = parseBody(msg.Body);
          if (counts.inc(b.seq) > 1) {
            duplicated++;
            continue;
          }
          delivered++;
          delivery.push(now() - sentAt[b.seq]!);
          m.messages++;
          admin.call('DeleteMessage', { QueueUrl: queues[b.seq], ReceiptHandle: msg.ReceiptHandle }).then(
            () => m.requests++,
            (e: unknown) => m.error(e),
          );
        }
      } catch (e) {
        m.requests++;
        m.error(e);
      }
    };
    // Open the connections in waves: a burst of 10,000 connects overflows a default listen backlog (511).
    const all: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      all.push(waiter(i));
      if (i % 250 === 249) await sleep(25);
    }
    const connectDeadline = now() + 20_000;
    while (pool.connected < n && now() < connectDeadline) await sleep(20);
    await sleep(500); // let the server read and park the last requests
    const settleS = (now() - t0) / 1000;
    const connected = pool.connected;
    const rssParked = serverRss(target);

    sendStarted = true;
    await Promise.all(
      queues.map(async (q, i) => {
        sentAt[i] = now();
        try {
          await admin.call('SendMessage', { QueueUrl: q, MessageBody: makeBody(i, sentAt[i]!) });
        } catch (e) {
          m.error(e);
        }
        m.requests++;
      }),
    );
    const deliverDeadline = now() + W * 1000;
    while (delivered < nq && now() < deliverDeadline) await sleep(10);
    await Promise.all(all);
    const t1 = now();
    m.measuring = false;
    const c1 = serverCpu(target);
    const d1 = dbCpu(target);
    clearInterval(rssTimer);
    probe.postMessage('stop');
    const probed = await probeDone;
    const rss = serverRss(target);
    const w: Window = {
      seconds: (t1 - t0) / 1000,
      warmupS: 0,
      requests: m.requests,
      messages: m.messages,
      cpuUs: c1 - c0,
      clientCpuUs: clientCpuSince(k0),
      dbCpuUs: d1 - d0,
      walSyncs: NaN,
      commits: NaN,
      rss,
      peakRss: Math.max(peak, rss),
    };
    const res = baseResult(target, 'waiters', ctx.round, w, m, probed.samples, 'health');
    const d = percentiles(delivery);
    res.sent = nq;
    res.received = delivered;
    res.lost = nq - delivered;
    res.duplicated = duplicated;
    Object.assign(res.extra, {
      waiters: n,
      queues: nq,
      waitTimeSeconds: W,
      served,
      allServed: served === n,
      servedBeforeSend,
      connected,
      settleSeconds: r(settleS, 2),
      rssParkedMB: r(rssParked / MB, 1),
      deliveryP50Ms: r(d.p50),
      deliveryP99Ms: r(d.p99),
      probeErrors: probed.errors,
    });
    return res;
  } finally {
    if (probe) await probe.terminate().catch(() => undefined);
    await Promise.all([pool.close(), admin.close()]);
  }
}

// ─── dispatch ──────────────────────────────────────────────────────────────────────────────────────

export async function runScenario(name: ScenarioName, ctx: RunContext): Promise<ScenarioResult> {
  switch (name) {
    case 'send':
      return sendScenario(ctx, false);
    case 'sendbatch':
      return sendScenario(ctx, true);
    case 'pipeline':
      return pipelineScenario(ctx, { scenario: 'pipeline', fifo: false });
    case 'fifo':
      return pipelineScenario(ctx, { scenario: 'fifo', fifo: true });
    case 'rate':
      return pipelineScenario(ctx, { scenario: 'rate', fifo: false, rate: ctx.cfg.rate });
    case 'deep-backlog':
      return pipelineScenario(ctx, { scenario: 'deep-backlog', fifo: false, prefill: ctx.cfg.backlog });
    case 'longpoll-wake':
      return longpollWake(ctx);
    case 'waiters':
      return waitersScenario(ctx);
  }
}

/** A result row for a run that threw (the target crashed, a setup call failed, …). */
export function failedResult(scenario: ScenarioName, target: TargetName, round: number, e: unknown): ScenarioResult {
  return {
    scenario,
    target,
    round,
    ok: false,
    error: ((e as Error)?.message ?? String(e)).slice(0, 500),
    windowS: NaN,
    requests: 0,
    messages: 0,
    msgsPerS: NaN,
    reqPerS: NaN,
    latencyKind: 'request',
    p50Ms: NaN,
    p90Ms: NaN,
    p99Ms: NaN,
    maxMs: NaN,
    latencySamples: 0,
    cpuUsPerReq: NaN,
    cpuUsPerMsg: NaN,
    serverCpuPct: NaN,
    clientCpuUsPerMsg: NaN,
    clientCpuPct: NaN,
    rssMB: NaN,
    peakRssMB: NaN,
    errors: 0,
    sent: null,
    received: null,
    lost: null,
    duplicated: null,
    orderViolations: null,
    receives: null,
    emptyReceives: null,
    emptyReceivePct: null,
    extra: {},
  };
}
