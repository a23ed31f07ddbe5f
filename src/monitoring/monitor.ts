/**
 * The QueueMonitor the console reads (types.ts): every queue's gauges from storage (through the gauge
 * cache) with rates from this process's counters, and each queue's history, sampled every
 * `intervalMs` by {@link QueueMonitorImpl.sample} (history.ts: rings of bounded size).
 */
import type { Clock } from '../core/clock.js';
import type { GaugeSnapshot, QueueGauges, QueueRecord } from '../storage/engine.js';
import { queueKey } from '../storage/semantics/queues.js';
import type { CounterSet, QueueCounters } from './counters.js';
import type { GaugeCache } from './gaugeCache.js';
import { DEFAULT_HISTORY, increments, QueueSeries, type CounterTotals, type HistoryShape } from './history.js';
import type { QueueHistory, QueueMonitor, QueueSnapshot } from './types.js';

/** ApproximateAgeOfOldestMessage in seconds at the snapshot's instant, or null when no message counts. */
export function oldestAgeSeconds(g: QueueGauges, at: number): number | null {
  return g.oldestSentAt === undefined ? null : Math.max(0, at - g.oldestSentAt) / 1000;
}

/** The counter totals of a queue (zeros when this process has seen no event for it). */
function totals(c: QueueCounters | undefined): CounterTotals {
  return c === undefined
    ? { sent: 0, received: 0, deleted: 0, emptyReceives: 0, movedToDlq: 0 }
    : { sent: c.sent, received: c.received, deleted: c.deleted, emptyReceives: c.emptyReceives, movedToDlq: c.movedToDlq };
}

/** Totals at a sampler tick, kept to compute rates over the last one or two intervals. */
interface Mark {
  at: number;
  queueId: string;
  sent: number;
  received: number;
  deleted: number;
}

export class QueueMonitorImpl implements QueueMonitor {
  private readonly series = new Map<string, QueueSeries>();
  /** Per queue (semantics.queueKey of account and name): the totals at the two latest samples (older first). */
  private readonly marks = new Map<string, [Mark | undefined, Mark]>();
  private sampling: Promise<void> | undefined;
  private readonly startedAt: number;

  constructor(
    private readonly gauges: GaugeCache,
    private readonly counters: CounterSet,
    private readonly clock: Clock,
    readonly shape: HistoryShape = DEFAULT_HISTORY,
    /** The queues that exist now (StorageEngine.queueList); absent: the gauge snapshot's list is taken as current. */
    private readonly listQueues?: (accountId?: string, prefix?: string) => Promise<QueueRecord[]>,
  ) {
    this.startedAt = clock.now();
  }

  /**
   * Every queue that exists now — the list is read fresh, so a queue just created or deleted shows at
   * once — with gauges up to the cache's age old: when the cached snapshot lacks a listed queue, a fresh
   * one is read (one at a time, shared, as every gauge read).
   */
  async overview(accountId?: string, prefix?: string): Promise<QueueSnapshot[]> {
    let snap = await this.gauges.get();
    let existing: Set<string> | undefined;
    if (this.listQueues !== undefined) {
      const list = await this.listQueues(accountId, prefix);
      existing = new Set(list.map((q) => q.id));
      const known = new Set(snap.queues.map((g) => g.queueId));
      if (list.some((q) => !known.has(q.id))) snap = await this.gauges.get(0);
    }
    const now = this.clock.now();
    const out: QueueSnapshot[] = [];
    for (const g of snap.queues) {
      if (accountId !== undefined && g.accountId !== accountId) continue;
      if (prefix !== undefined && !g.name.startsWith(prefix)) continue;
      if (existing !== undefined && !existing.has(g.queueId)) continue;
      const c = this.counters.get(queueKey(g.accountId, g.name));
      const rate = this.rates(g, c !== undefined && c.queueId === g.queueId ? c : undefined, now);
      out.push({
        queueId: g.queueId,
        accountId: g.accountId,
        name: g.name,
        fifo: g.fifo,
        visible: g.visible,
        inflight: g.inflight,
        delayed: g.delayed,
        oldestAgeSeconds: oldestAgeSeconds(g, snap.at),
        groupsWithInflight: g.fifo || g.groupsWithInflight > 0 ? g.groupsWithInflight : null,
        sentPerSecond: rate.sent,
        receivedPerSecond: rate.received,
        deletedPerSecond: rate.deleted,
        at: this.gauges.readAt ?? now,
      });
    }
    return out;
  }

  async history(accountId: string, queueName: string, windowMs: number): Promise<QueueHistory> {
    const s = this.series.get(queueKey(accountId, queueName));
    if (s === undefined) return { intervalMs: this.shape.intervalMs, points: [] };
    return s.history(this.clock.now(), Math.max(0, windowMs));
  }

  /**
   * Messages per second over the window from the older of the two latest samples to now (10–20 s with
   * the default interval), so a rate moves with every refresh yet is not one short slice's noise.
   * Before any sample: since the counters started.
   */
  private rates(g: QueueGauges, c: QueueCounters | undefined, now: number): { sent: number; received: number; deleted: number } {
    const zero = { sent: 0, received: 0, deleted: 0 };
    if (c === undefined) return zero;
    const m = this.marks.get(queueKey(g.accountId, g.name));
    const from = m === undefined ? undefined : (m[0] ?? m[1]);
    const base: Mark =
      from !== undefined && from.queueId === c.queueId
        ? from
        : { at: Math.max(c.since, this.startedAt), queueId: c.queueId, sent: 0, received: 0, deleted: 0 };
    const secs = (now - base.at) / 1000;
    if (secs <= 0) return zero;
    const r = (x: number): number => Math.round((x / secs) * 1000) / 1000;
    return { sent: r(c.sent - base.sent), received: r(c.received - base.received), deleted: r(c.deleted - base.deleted) };
  }

  /**
   * Take one sample of every queue (the sampler calls this every `intervalMs`; tests call it directly).
   * Samples never overlap: a call during a sample waits for it. Queues that no longer exist lose their
   * history and their counters.
   */
  sample(): Promise<void> {
    return (this.sampling ??= this.takeSample().finally(() => {
      this.sampling = undefined;
    }));
  }

  private async takeSample(): Promise<void> {
    const snap: GaugeSnapshot = await this.gauges.get();
    /** When the queue list was read (the cache may hand out a snapshot a few seconds old). */
    const listedAt = this.gauges.readAt ?? this.clock.now();
    const at = this.clock.now();
    const names = new Set<string>();
    for (const g of snap.queues) {
      const key = queueKey(g.accountId, g.name);
      names.add(key);
      let s = this.series.get(key);
      if (s === undefined || s.queueId !== g.queueId) {
        s = new QueueSeries(g.queueId, this.shape);
        this.series.set(key, s);
      }
      const c = this.counters.get(key);
      const now = totals(c !== undefined && c.queueId === g.queueId ? c : undefined);
      s.add(at, {
        visible: g.visible,
        inflight: g.inflight,
        delayed: g.delayed,
        oldestAgeSeconds: oldestAgeSeconds(g, snap.at),
        delta: increments(now, s.last),
      });
      s.last = now;
      const mark: Mark = { at, queueId: g.queueId, sent: now.sent, received: now.received, deleted: now.deleted };
      const prev = this.marks.get(key);
      this.marks.set(key, [prev !== undefined && prev[1].queueId === g.queueId ? prev[1] : undefined, mark]);
    }
    for (const name of this.series.keys()) if (!names.has(name)) this.series.delete(name);
    for (const name of this.marks.keys()) if (!names.has(name)) this.marks.delete(name);
    this.counters.prune(names, listedAt);
  }

  /** Queues with a history (tests, diagnostics). */
  get seriesCount(): number {
    return this.series.size;
  }
}
