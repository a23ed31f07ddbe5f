/**
 * Monitoring: the Prometheus exposition (`GET /metrics`) and the QueueMonitor the console reads, from
 * the same sources so the two never disagree:
 *  - per-queue counters from this process's message events (counters.ts: CloudWatch's counting rules);
 *  - per-queue gauges from storage (StorageEngine.queueGauges) through a short cache (gaugeCache.ts);
 *  - request and storage figures reported by the HTTP listener and the engine (StorageMetrics);
 *  - a sampled history per queue (history.ts, monitor.ts).
 *
 * `createMonitoring` wires them for one server; the composition root (app.ts) mounts `route` on the API
 * listener (or `start()` opens the metrics listener of its own), reports each request to
 * `recordRequest`, and hands `monitor` to the console.
 */
import type { Registry } from 'prom-client';

import type { Clock } from '../core/clock.js';
import type { EventHub } from '../core/events.js';
import type { StorageEngine } from '../storage/engine.js';
import { CounterSet, RequestCounters } from './counters.js';
import { createExposition } from './exposition.js';
import { GaugeCache } from './gaugeCache.js';
import { REQUEST_BUCKETS } from './histogram.js';
import { DEFAULT_HISTORY, type HistoryShape } from './history.js';
import { metricsRoute, routeListener, type ListenerTls, type Route, type RouteListener } from './http.js';
import { QueueMonitorImpl } from './monitor.js';
import { StorageMetrics } from './storageMetrics.js';

export { StorageMetrics } from './storageMetrics.js';
export type { Route } from './http.js';
export { METRICS_PATH } from './http.js';
export type { QueueHistory, QueueMonitor, QueueSnapshot, HistoryPoint } from './types.js';

/** The `/metrics` endpoint's settings (absent: no endpoint; the monitor still works for the console). */
export interface MetricsEndpoint {
  /** Required bearer token, if any. */
  token?: string;
  /** Serve /metrics on a listener of its own at this port (0: a free one) instead of the API port. */
  port?: number;
  /** Address of that listener. */
  host: string;
  /** Expose the per-queue storage gauges (off on all but one of several processes sharing a database). */
  queueGauges: boolean;
  /** The API's TLS certificate: the metrics listener of its own serves HTTPS with it (reloads included). */
  tls?: ListenerTls;
}

export interface MonitoringOptions {
  engine: StorageEngine;
  events: EventHub;
  /** Timestamps, cache ages and rates (the server's clock; tests inject a ManualClock). */
  clock: Clock;
  /** The engine's observer, when the engine was made with one. */
  storage?: StorageMetrics;
  /** Long polls waiting now (runtime's waiters). */
  longPollsWaiting?: () => number;
  /** Chaos faults injected so far (only with --chaos). */
  chaosFaults?: () => Iterable<readonly [fault: string, queue: string, count: number]>;
  endpoint?: MetricsEndpoint;
  /** Reuse the gauges read from storage for this long (ms; 0: read on every request, one at a time). */
  gaugeMaxAgeMs: number;
  build: { version: string; storage: string };
  /** History resolutions (default: 10 s for an hour, 5 min for a day). */
  history?: HistoryShape;
  /** Sample the history on a timer (default true; tests call `monitor.sample()` themselves). */
  sampler?: boolean;
  warn?: (detail: object, message: string) => void;
}

export interface Monitoring {
  /** The server's prom-client registry (build info, default process and Node.js metrics); loads prom-client on first use. */
  registry(): Promise<Registry>;
  /** The whole /metrics text: Ferry's families, then the registry's. */
  metrics(): Promise<string>;
  /** The console's view; `sample()` takes a history sample now. */
  readonly monitor: QueueMonitorImpl;
  readonly storage: StorageMetrics;
  /** Count one SQS request: its action (undefined: not decoded), `OK` or its error code, and its duration. */
  recordRequest(action: string | undefined, code: string, ms: number): void;
  /** The /metrics route for the API listener: undefined when the endpoint is off or on its own port. */
  readonly route: Route | undefined;
  /** Open the metrics listener (when configured) and start sampling. Resolves with where /metrics is served. */
  start(): Promise<{ metricsPort?: number }>;
  close(): Promise<void>;
}

/** Success code in `ferry_requests_total{code}`. */
export const OK_CODE = 'OK';

/**
 * prom-client is loaded this long after `start()` (or at the first scrape, if sooner): a process start,
 * which a test harness waits for, does not pay for it, nor do the harness's first requests.
 */
const REGISTRY_AFTER_START_MS = 1_000;

/** A warning that may repeat on every scrape is logged at most this often. */
const WARN_EVERY_MS = 60_000;

export function createMonitoring(o: MonitoringOptions): Monitoring {
  const clock = o.clock;
  let lastWarn = -Infinity;
  const warnSometimes = (err: unknown, message: string): void => {
    const now = Date.now();
    if (now - lastWarn < WARN_EVERY_MS) return;
    lastWarn = now;
    o.warn?.({ err }, message);
  };
  const counters = new CounterSet(() => clock.now());
  const unsubscribe = o.events.subscribe(counters.onEvent);
  const requests = new RequestCounters(REQUEST_BUCKETS);
  const storage = o.storage ?? new StorageMetrics();
  const gauges = new GaugeCache(
    () => o.engine.queueGauges(),
    clock,
    o.gaugeMaxAgeMs,
    (err) => warnSometimes(err, 'reading queue gauges failed'),
  );
  const monitor = new QueueMonitorImpl(gauges, counters, clock, o.history ?? DEFAULT_HISTORY, (accountId, prefix) =>
    o.engine.queueList({ accountId, prefix }),
  );
  const exposition = createExposition({
    counters,
    requests,
    storage,
    gauges,
    queueGauges: o.endpoint?.queueGauges ?? false,
    longPollsWaiting: o.longPollsWaiting ?? (() => 0),
    disk: () => o.engine.diskStatus?.(),
    chaosFaults: o.chaosFaults,
    build: o.build,
  });
  const endpoint = o.endpoint;
  const route =
    endpoint === undefined
      ? undefined
      : metricsRoute(
          () => exposition.text(),
          endpoint.token,
          (err) => warnSometimes(err, 'metrics scrape failed'),
        );
  let own: RouteListener | undefined;
  let timer: NodeJS.Timeout | undefined;
  let prepareTimer: NodeJS.Timeout | undefined;
  let closed = false;

  return {
    registry: exposition.registry,
    metrics: () => exposition.text(),
    monitor,
    storage,
    recordRequest(action, code, ms) {
      requests.record(action ?? 'unknown', code, ms / 1000);
    },
    route: endpoint?.port === undefined ? route : undefined,
    async start() {
      if (prepareTimer === undefined && !closed) {
        prepareTimer = setTimeout(() => exposition.prepare(), REGISTRY_AFTER_START_MS);
        prepareTimer.unref();
      }
      if (o.sampler !== false && timer === undefined && !closed) {
        const tick = (): void => {
          monitor.sample().catch((err: unknown) => warnSometimes(err, 'sampling queue history failed'));
        };
        tick();
        timer = setInterval(tick, monitor.shape.intervalMs);
        timer.unref();
      }
      if (endpoint?.port !== undefined && route !== undefined && own === undefined) {
        own = routeListener(route, endpoint.tls);
        const { port } = await own.listen(endpoint.port, endpoint.host);
        return { metricsPort: port };
      }
      return {};
    },
    async close() {
      closed = true;
      if (timer !== undefined) clearInterval(timer);
      if (prepareTimer !== undefined) clearTimeout(prepareTimer);
      unsubscribe();
      await own?.close();
    },
  };
}
