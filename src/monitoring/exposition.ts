/**
 * The Prometheus exposition of one server: Ferry's own metric families, rendered here as text, followed
 * by a prom-client Registry of the server's own (never the global default registry: tests and embedders
 * run several servers in one process) holding `ferry_build_info` and prom-client's default process and
 * Node.js metrics.
 *
 *  - per queue (label `queue`): the CloudWatch AWS/SQS set under Ferry's names — gauges from storage
 *    (through the gauge cache; optional, `queueGauges`) and counters from this process's events;
 *  - server-wide: requests by action and code, request durations, long polls waiting, storage commit
 *    durations and failures.
 *
 * Why Ferry's families are not prom-client metrics: their figures are kept as plain numbers on the hot
 * paths (counters.ts, histogram.ts; a prom-client Counter would hash its label values on every
 * increment), and prom-client's generic text rendering — label objects, escaping and a string per label
 * per sample — took 120–280 ms for 1,000 queues (25,000 samples), all on the event loop; rendering
 * directly into strings takes a few ms (BENCHMARKS.md, "metrics scrape"). One scrape reads the gauges
 * once, and every family renders from that one snapshot.
 *
 * prom-client (with the @opentelemetry/api it requires) is the largest module a memory Ferry would load
 * at start (~40–60 ms of a ~200 ms process start, BENCHMARKS.md "startup"), so it is loaded lazily:
 * `prepare()` (the server calls it once it listens, a moment later) or the first scrape, whichever comes
 * first. Nothing is lost by the wait: Ferry's own families are plain numbers counted from the first
 * request, and the default metrics read the process's own figures (CPU time, start time, memory, handles)
 * at each scrape; only the event-loop lag and GC histograms observe from the moment the registry exists.
 */
import type { Registry } from 'prom-client';

import type { DiskStatus, GaugeSnapshot, QueueGauges } from '../storage/engine.js';
import { queueKey } from '../storage/semantics/queues.js';
import type { CounterSet, QueueCounters, RequestCounters } from './counters.js';
import type { GaugeCache } from './gaugeCache.js';
import type { Histogram } from './histogram.js';
import { oldestAgeSeconds } from './monitor.js';
import type { StorageMetrics } from './storageMetrics.js';

/** The content type of the text format (Prometheus 0.0.4; prom-client's Registry.PROMETHEUS_CONTENT_TYPE). */
export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** A label value escaped for the text format (backslash, double quote, newline). */
function esc(v: string): string {
  return /[\\"\n]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : v;
}

/** A sample value as the text format writes it. */
function num(v: number): string {
  return Number.isFinite(v) ? String(v) : v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN';
}

/**
 * The labels that name a queue, rendered inside braces without them: `account` and `queue` (a queue
 * is identified by both: the same name in two accounts is two queues). Every per-queue family has
 * them; PromQL that aggregates per queue groups `by (account, queue)`.
 */
export function queueLabels(accountId: string, name: string): string {
  return `account="${esc(accountId)}",queue="${esc(name)}"`;
}

/** Builds one exposition text. */
class Text {
  private readonly parts: string[] = [];

  family(name: string, type: 'counter' | 'gauge' | 'histogram', help: string): void {
    this.parts.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${name} ${type}\n`);
  }

  /** `labels`: rendered label pairs without braces ('' for none). */
  sample(name: string, labels: string, value: number): void {
    this.parts.push(labels === '' ? `${name} ${num(value)}\n` : `${name}{${labels}} ${num(value)}\n`);
  }

  /** A histogram's series: cumulative `le` buckets, `_sum`, `_count`. */
  histogram(name: string, labels: string, h: Histogram): void {
    const pre = labels === '' ? `${name}_bucket{le="` : `${name}_bucket{${labels},le="`;
    let cumulative = 0;
    for (let i = 0; i < h.bounds.length; i++) {
      cumulative += h.counts[i]!;
      this.parts.push(`${pre}${h.bounds[i]}"} ${cumulative}\n`);
    }
    cumulative += h.counts[h.bounds.length]!;
    this.parts.push(`${pre}+Inf"} ${cumulative}\n`);
    this.sample(`${name}_sum`, labels, h.sum);
    this.sample(`${name}_count`, labels, h.count);
  }

  toString(): string {
    return this.parts.join('');
  }
}

export interface ExpositionSources {
  counters: CounterSet;
  requests: RequestCounters;
  storage: StorageMetrics;
  gauges: GaugeCache;
  /** Expose the storage gauges (off: a process that must not repeat gauges another process reports). */
  queueGauges: boolean;
  longPollsWaiting: () => number;
  /** The disk under a local store (SQLite), read at each scrape; undefined: not applicable. */
  disk?: () => DiskStatus | undefined;
  /** Chaos faults injected so far (fault, queue, count); absent: chaos is off and the family is left out. */
  chaosFaults?: () => Iterable<readonly [fault: string, queue: string, count: number]>;
  build: { version: string; storage: string };
  /** Told when a scrape could not read the gauges (they are then left out of that scrape). */
  onGaugeError?: (err: unknown) => void;
}

export interface Exposition {
  /** The server's prom-client registry (build info and the default process and Node.js metrics), made on first call. */
  registry(): Promise<Registry>;
  /** Load prom-client and make the registry now, off the caller's path (errors surface at the next scrape). */
  prepare(): void;
  /** The whole exposition text (what GET /metrics answers). */
  text(): Promise<string>;
}

type Gauge1 = [name: string, help: string, pick: (g: QueueGauges, at: number) => number];
const GAUGES: readonly Gauge1[] = [
  ['ferry_queue_messages_visible', 'Messages available for retrieval (ApproximateNumberOfMessagesVisible).', (g) => g.visible],
  [
    'ferry_queue_messages_not_visible',
    'Messages in flight: received, not yet deleted, visibility timeout not over (ApproximateNumberOfMessagesNotVisible).',
    (g) => g.inflight,
  ],
  ['ferry_queue_messages_delayed', 'Messages delayed, not yet available (ApproximateNumberOfMessagesDelayed).', (g) => g.delayed],
  [
    'ferry_queue_oldest_message_age_seconds',
    'Age of the oldest message (ApproximateAgeOfOldestMessage; standard queues leave out messages received 3+ times); 0 when none.',
    (g, at) => oldestAgeSeconds(g, at) ?? 0,
  ],
  [
    'ferry_queue_groups_with_inflight_messages',
    'Message groups with a message in flight (ApproximateNumberOfGroupsWithInflightMessages; FIFO and fair queues, 0 otherwise).',
    (g) => g.groupsWithInflight,
  ],
];

type Counter1 = [name: string, help: string, pick: (c: QueueCounters) => number];
const COUNTERS: readonly Counter1[] = [
  [
    'ferry_queue_messages_sent_total',
    'Messages added to the queue by this process (NumberOfMessagesSent; not deduplicated sends, not dead-letter moves).',
    (c) => c.sent,
  ],
  ['ferry_queue_messages_received_total', 'Messages returned by ReceiveMessage (NumberOfMessagesReceived).', (c) => c.received],
  [
    'ferry_queue_messages_deleted_total',
    'Successful deletes with a valid receipt handle, repeated deletes included (NumberOfMessagesDeleted).',
    (c) => c.deleted,
  ],
  ['ferry_queue_empty_receives_total', 'ReceiveMessage calls that returned no message (NumberOfEmptyReceives).', (c) => c.emptyReceives],
  [
    'ferry_queue_deduplicated_sent_messages_total',
    'FIFO sends deduplicated and not added to the queue (NumberOfDeduplicatedSentMessages).',
    (c) => c.deduplicated,
  ],
  [
    'ferry_queue_messages_moved_to_dlq_total',
    'Messages a receive moved to the queue’s dead-letter queue (maxReceiveCount exceeded).',
    (c) => c.movedToDlq,
  ],
];

export function createExposition(src: ExpositionSources): Exposition {
  const { counters, requests, storage, gauges } = src;
  let registry: Promise<Registry> | undefined;
  const makeRegistry = (): Promise<Registry> =>
    (registry ??= import('prom-client').then(({ collectDefaultMetrics, Gauge, Registry }) => {
      const r = new Registry();
      new Gauge({
        name: 'ferry_build_info',
        help: 'Ferry build: version, storage engine and Node.js version (value 1).',
        labelNames: ['version', 'storage', 'node'],
        registers: [r],
      }).set({ version: src.build.version, storage: src.build.storage, node: process.version }, 1);
      collectDefaultMetrics({ register: r });
      return r;
    }));

  /** The snapshot for this scrape, or undefined (gauges off, or storage failing with nothing cached). */
  const snapshot = async (): Promise<GaugeSnapshot | undefined> => {
    if (!src.queueGauges) return undefined;
    try {
      return await gauges.get();
    } catch (e) {
      src.onGaugeError?.(e);
      return undefined;
    }
  };

  const render = (s: GaugeSnapshot | undefined): string => {
    const t = new Text();
    // Queues: every one with counters, plus (gauges on) every listed one, with zeros — rate() then sees
    // a queue's first increment.
    // Keyed by semantics.queueKey(account, name); sorted keys order by account, then name.
    const queues = new Map<string, QueueCounters | undefined>();
    const labels = new Map<string, string>();
    for (const c of counters.all()) {
      const k = queueKey(c.accountId, c.name);
      queues.set(k, c);
      labels.set(k, queueLabels(c.accountId, c.name));
    }
    if (s !== undefined)
      for (const g of s.queues) {
        const k = queueKey(g.accountId, g.name);
        if (!queues.has(k)) queues.set(k, undefined);
        if (!labels.has(k)) labels.set(k, queueLabels(g.accountId, g.name));
      }
    const names = [...queues.keys()].sort();

    if (s !== undefined) {
      for (const [name, help, pick] of GAUGES) {
        t.family(name, 'gauge', help);
        for (const g of s.queues) t.sample(name, labels.get(queueKey(g.accountId, g.name))!, pick(g, s.at));
      }
      // Which queues are dead-letter queues (alerts on messages in a DLQ select them with `> 0`). A
      // dead-letter queue is always in its source's account.
      const sources = new Map<string, number>();
      for (const g of s.queues)
        if (g.deadLetterTarget !== undefined) {
          const k = queueKey(g.accountId, g.deadLetterTarget);
          sources.set(k, (sources.get(k) ?? 0) + 1);
        }
      t.family(
        'ferry_queue_dead_letter_source_queues',
        'gauge',
        'Queues whose RedrivePolicy names this queue as their dead-letter queue (ListDeadLetterSourceQueues); 0: not a DLQ.',
      );
      for (const g of s.queues) {
        const k = queueKey(g.accountId, g.name);
        t.sample('ferry_queue_dead_letter_source_queues', labels.get(k)!, sources.get(k) ?? 0);
      }
    }
    for (const [name, help, pick] of COUNTERS) {
      t.family(name, 'counter', help);
      for (const n of names) {
        const c = queues.get(n);
        t.sample(name, labels.get(n)!, c === undefined ? 0 : pick(c));
      }
    }
    t.family('ferry_queue_sent_message_size_bytes', 'histogram', 'Size of the messages added to the queue: body and attributes (SentMessageSize).');
    for (const n of names) {
      const c = queues.get(n);
      if (c !== undefined) t.histogram('ferry_queue_sent_message_size_bytes', labels.get(n)!, c.sizes);
    }

    t.family('ferry_requests_total', 'counter', 'SQS API requests by action and result: code OK, or the SQS error code.');
    for (const [action, codes] of requests.counts)
      for (const [code, n] of codes) t.sample('ferry_requests_total', `action="${esc(action)}",code="${esc(code)}"`, n);
    t.family('ferry_request_duration_seconds', 'histogram', 'SQS API request durations by action (long polls include their wait).');
    for (const [action, h] of requests.durations) t.histogram('ferry_request_duration_seconds', `action="${esc(action)}"`, h);
    t.family('ferry_long_polls_waiting', 'gauge', 'ReceiveMessage long polls waiting for messages now.');
    t.sample('ferry_long_polls_waiting', '', src.longPollsWaiting());
    if (src.chaosFaults !== undefined) {
      t.family('ferry_chaos_faults_total', 'counter', 'Faults injected on purpose by --chaos, by fault and queue (queue "" for calls without one).');
      for (const [fault, queue, n] of src.chaosFaults()) t.sample('ferry_chaos_faults_total', `fault="${esc(fault)}",queue="${esc(queue)}"`, n);
    }
    t.family(
      'ferry_storage_commit_duration_seconds',
      'histogram',
      'Storage commits from BEGIN until durable (SQLite: a group commit and its WAL sync; PostgreSQL: a transaction or an autocommit write; memory: none).',
    );
    t.histogram('ferry_storage_commit_duration_seconds', '', storage.commits);
    t.family('ferry_storage_errors_total', 'counter', 'Storage failures (database errors, lost connections) answered as ServiceUnavailable.');
    t.sample('ferry_storage_errors_total', '', storage.errors);
    const disk = src.disk?.();
    if (disk !== undefined) {
      t.family('ferry_storage_free_bytes', 'gauge', 'Free bytes on the SQLite data directory’s file system (the reserve file not counted).');
      t.sample('ferry_storage_free_bytes', '', disk.freeBytes);
      t.family('ferry_storage_reserve_bytes', 'gauge', 'Size of the reserve file held for draining a full disk (0 once released).');
      t.sample('ferry_storage_reserve_bytes', '', disk.reserveBytes);
      t.family(
        'ferry_storage_disk_state',
        'gauge',
        'The data directory’s disk, one series per state, 1 for the current one: ok, low (under --disk-low-bytes), full (sends refused, drains served), read-only.',
      );
      for (const st of ['ok', 'low', 'full', 'read-only'] as const) t.sample('ferry_storage_disk_state', `state="${st}"`, disk.state === st ? 1 : 0);
    }
    return t.toString();
  };

  return {
    registry: makeRegistry,
    prepare() {
      makeRegistry().catch(() => {}); // a failed load fails each scrape, which reports it
    },
    async text() {
      const r = await makeRegistry();
      const own = render(await snapshot());
      return `${own}\n${await r.metrics()}`;
    },
  };
}
