/**
 * The Prometheus exposition: one prom-client Registry per server (never the global default registry:
 * tests and embedders run several servers in one process), holding
 *  - per queue (label `queue`): the CloudWatch AWS/SQS set under Ferry's names — gauges from storage
 *    (through the gauge cache, optional: `queueGauges`) and counters from this process's events;
 *  - server-wide: requests by action and error code, request durations, long polls waiting, storage
 *    commit durations and failures, build info;
 *  - prom-client's default process and Node.js metrics.
 *
 * The per-queue and request figures are kept as plain numbers on the hot paths (counters.ts,
 * histogram.ts) and turned into Prometheus values only when scraped, by small metric objects that
 * implement what the Registry calls (`get`, `reset`): a prom-client Counter or Histogram would hash its
 * label values on every increment, and offers no way to expose a histogram kept elsewhere.
 */
import { collectDefaultMetrics, Registry, type Metric } from 'prom-client';

import type { GaugeSnapshot, QueueGauges } from '../storage/engine.js';
import type { CounterSet, QueueCounters, RequestCounters } from './counters.js';
import type { GaugeCache } from './gaugeCache.js';
import type { Histogram } from './histogram.js';
import { oldestAgeSeconds } from './monitor.js';
import type { StorageMetrics } from './storageMetrics.js';

type Labels = Record<string, string>;
interface Value {
  value: number;
  labels: Labels;
  metricName?: string;
}
type MetricType = 'counter' | 'gauge' | 'histogram';

/**
 * The labels that name a queue. Today one account per server, so only `queue`; were there several,
 * `account` would be added here (and to QueueGauges / EventQueue) and every per-queue metric follows.
 */
export function queueLabels(name: string): Labels {
  return { queue: name };
}

/** Register a metric whose values are computed at scrape time. */
function register(registry: Registry, name: string, help: string, type: MetricType, values: () => Value[] | Promise<Value[]>): void {
  const metric = {
    name,
    help,
    type,
    aggregator: 'sum' as const,
    async get() {
      return { name, help, type, aggregator: 'sum' as const, values: await values() };
    },
    reset() {
      // Values live in the counters; the registry has nothing of its own to reset.
    },
  };
  // The Registry only calls get() and reset() and reads name and type; its typing wants a prom-client class.
  registry.registerMetric(metric as unknown as Metric);
}

/** A histogram's Prometheus series: cumulative `le` buckets, `_sum`, `_count`. */
export function histogramValues(name: string, h: Histogram, labels: Labels): Value[] {
  const out: Value[] = [];
  let cumulative = 0;
  for (let i = 0; i < h.bounds.length; i++) {
    cumulative += h.counts[i]!;
    out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: String(h.bounds[i]) }, value: cumulative });
  }
  cumulative += h.counts[h.bounds.length]!;
  out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: cumulative });
  out.push({ metricName: `${name}_sum`, labels, value: h.sum });
  out.push({ metricName: `${name}_count`, labels, value: h.count });
  return out;
}

export interface ExpositionSources {
  counters: CounterSet;
  requests: RequestCounters;
  storage: StorageMetrics;
  gauges: GaugeCache;
  /** Expose the storage gauges (off: a process that must not repeat gauges another process reports). */
  queueGauges: boolean;
  longPollsWaiting: () => number;
  build: { version: string; storage: string };
  /** Told when a scrape could not read the gauges (they are then left out of that scrape). */
  onGaugeError?: (err: unknown) => void;
}

/** Build the registry of one server. */
export function createRegistry(src: ExpositionSources): Registry {
  const registry = new Registry();
  const { counters, requests, storage, gauges } = src;

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

  const gauge = (name: string, help: string, pick: (g: QueueGauges, at: number) => number): void =>
    register(registry, name, help, 'gauge', async () => {
      const s = await snapshot();
      return s === undefined ? [] : s.queues.map((g) => ({ labels: queueLabels(g.name), value: pick(g, s.at) }));
    });
  if (src.queueGauges) {
    gauge('ferry_queue_messages_visible', 'Messages available for retrieval (ApproximateNumberOfMessagesVisible).', (g) => g.visible);
    gauge(
      'ferry_queue_messages_not_visible',
      'Messages in flight: received, not yet deleted, visibility timeout not over (ApproximateNumberOfMessagesNotVisible).',
      (g) => g.inflight,
    );
    gauge('ferry_queue_messages_delayed', 'Messages delayed, not yet available (ApproximateNumberOfMessagesDelayed).', (g) => g.delayed);
    gauge(
      'ferry_queue_oldest_message_age_seconds',
      'Age of the oldest message (ApproximateAgeOfOldestMessage; standard queues leave out messages received 3+ times); 0 when none.',
      (g, at) => oldestAgeSeconds(g, at) ?? 0,
    );
    gauge(
      'ferry_queue_groups_with_inflight_messages',
      'Message groups with a message in flight (ApproximateNumberOfGroupsWithInflightMessages; FIFO and fair queues, 0 otherwise).',
      (g) => g.groupsWithInflight,
    );
    // Which queues are dead-letter queues (alerts on messages in a DLQ select them with `> 0`).
    register(
      registry,
      'ferry_queue_dead_letter_source_queues',
      'Queues whose RedrivePolicy names this queue as their dead-letter queue (ListDeadLetterSourceQueues); 0: not a DLQ.',
      'gauge',
      async () => {
        const s = await snapshot();
        if (s === undefined) return [];
        const sources = new Map<string, number>();
        for (const g of s.queues) if (g.deadLetterTarget !== undefined) sources.set(g.deadLetterTarget, (sources.get(g.deadLetterTarget) ?? 0) + 1);
        return s.queues.map((g) => ({ labels: queueLabels(g.name), value: sources.get(g.name) ?? 0 }));
      },
    );
  }

  /** Every queue with counters, plus (gauges on) every listed queue, with zeros: rate() sees the first increment. */
  const queues = async (): Promise<Array<{ name: string; c: QueueCounters | undefined }>> => {
    const out = new Map<string, QueueCounters | undefined>();
    for (const c of counters.all()) out.set(c.name, c);
    const s = await snapshot();
    if (s !== undefined) for (const g of s.queues) if (!out.has(g.name)) out.set(g.name, undefined);
    return [...out].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([name, c]) => ({ name, c }));
  };
  const counter = (name: string, help: string, pick: (c: QueueCounters) => number): void =>
    register(registry, name, help, 'counter', async () =>
      (await queues()).map(({ name: q, c }) => ({ labels: queueLabels(q), value: c === undefined ? 0 : pick(c) })),
    );
  counter(
    'ferry_queue_messages_sent_total',
    'Messages added to the queue by this process (NumberOfMessagesSent; not deduplicated sends, not dead-letter moves).',
    (c) => c.sent,
  );
  counter('ferry_queue_messages_received_total', 'Messages returned by ReceiveMessage (NumberOfMessagesReceived).', (c) => c.received);
  counter(
    'ferry_queue_messages_deleted_total',
    'Successful deletes with a valid receipt handle, repeated deletes included (NumberOfMessagesDeleted).',
    (c) => c.deleted,
  );
  counter('ferry_queue_empty_receives_total', 'ReceiveMessage calls that returned no message (NumberOfEmptyReceives).', (c) => c.emptyReceives);
  counter(
    'ferry_queue_deduplicated_sent_messages_total',
    'FIFO sends deduplicated and not added to the queue (NumberOfDeduplicatedSentMessages).',
    (c) => c.deduplicated,
  );
  register(
    registry,
    'ferry_queue_sent_message_size_bytes',
    'Size of the messages added to the queue: body and attributes (SentMessageSize).',
    'histogram',
    async () =>
      (await queues()).flatMap(({ name, c }) =>
        c === undefined ? [] : histogramValues('ferry_queue_sent_message_size_bytes', c.sizes, queueLabels(name)),
      ),
  );
  counter(
    'ferry_queue_messages_moved_to_dlq_total',
    'Messages a receive moved to the queue’s dead-letter queue (maxReceiveCount exceeded).',
    (c) => c.movedToDlq,
  );

  register(registry, 'ferry_requests_total', 'SQS API requests by action and result: code OK, or the SQS error code.', 'counter', () => {
    const out: Value[] = [];
    for (const [action, codes] of requests.counts) for (const [code, n] of codes) out.push({ labels: { action, code }, value: n });
    return out;
  });
  register(registry, 'ferry_request_duration_seconds', 'SQS API request durations by action (long polls include their wait).', 'histogram', () => {
    const out: Value[] = [];
    for (const [action, h] of requests.durations) out.push(...histogramValues('ferry_request_duration_seconds', h, { action }));
    return out;
  });
  register(registry, 'ferry_long_polls_waiting', 'ReceiveMessage long polls waiting for messages now.', 'gauge', () => [
    { labels: {}, value: src.longPollsWaiting() },
  ]);
  register(
    registry,
    'ferry_storage_commit_duration_seconds',
    'Storage commits from BEGIN until durable (SQLite: a group commit and its WAL sync; PostgreSQL: a transaction or an autocommit write; memory: none).',
    'histogram',
    () => histogramValues('ferry_storage_commit_duration_seconds', storage.commits, {}),
  );
  register(
    registry,
    'ferry_storage_errors_total',
    'Storage failures (database errors, lost connections) answered as ServiceUnavailable.',
    'counter',
    () => [{ labels: {}, value: storage.errors }],
  );
  register(registry, 'ferry_build_info', 'Ferry build: version, storage engine and Node.js version (value 1).', 'gauge', () => [
    { labels: { version: src.build.version, storage: src.build.storage, node: process.version }, value: 1 },
  ]);

  collectDefaultMetrics({ register: registry });
  return registry;
}
