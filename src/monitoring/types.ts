/**
 * What the console (and anything else in-process) reads about queue activity, as the monitoring
 * module serves it: live per-queue figures and a short history for charts. The Prometheus exposition
 * (/metrics) is built from the same sources, so the console and Grafana never disagree.
 */

/** One queue now. Counts mirror GetQueueAttributes' ApproximateNumberOf* trio. */
export interface QueueSnapshot {
  queueId: string;
  /** The owning account. */
  accountId: string;
  name: string;
  fifo: boolean;
  visible: number;
  inflight: number;
  delayed: number;
  /** ApproximateAgeOfOldestMessage in seconds; null when the queue holds no message. */
  oldestAgeSeconds: number | null;
  /** ApproximateNumberOfGroupsWithInflightMessages (FIFO and fair queues); null for other queues. */
  groupsWithInflight: number | null;
  /** Rates over the last sampling interval, from this process's counters (messages per second). */
  sentPerSecond: number;
  receivedPerSecond: number;
  deletedPerSecond: number;
  /** Epoch ms when these figures were read (they may be cached for a short time). */
  at: number;
}

/** One sample of a queue's history: gauges at `at`, counters as increments since the previous sample. */
export interface HistoryPoint {
  at: number;
  visible: number;
  inflight: number;
  delayed: number;
  oldestAgeSeconds: number | null;
  sent: number;
  received: number;
  deleted: number;
  emptyReceives: number;
  movedToDlq: number;
}

export interface QueueHistory {
  /** Spacing of the points in ms. */
  intervalMs: number;
  points: HistoryPoint[];
}

/** Implemented by src/monitoring; consumed by the console API. */
export interface QueueMonitor {
  /**
   * Every queue of `accountId` (every account's when undefined; optionally those whose name starts
   * with `prefix`), sorted by account, then name.
   */
  overview(accountId?: string, prefix?: string): Promise<QueueSnapshot[]>;
  /** Up to `windowMs` of history for a queue by account and name (empty points when unknown). */
  history(accountId: string, queueName: string, windowMs: number): Promise<QueueHistory>;
}
