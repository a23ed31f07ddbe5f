/**
 * The queue overview and history the console shows, from a {@link QueueMonitor} when one is given
 * (src/monitoring: live rates, oldest-message age, sampled history — the same figures /metrics
 * exposes), else from the storage engine alone.
 *
 * The engine fallback exists for as long as no monitor is wired (the monitoring module is built on
 * another branch): counts come from queueList + queueStats, which is exact, but rates are 0, the
 * oldest-message age and the in-flight group count are null (no engine operation reads them yet), and
 * history has no points. The console then still lists every queue with its depth.
 */
import { DomainError } from '../errors/domain.js';
import type { QueueHistory, QueueMonitor, QueueSnapshot } from '../monitoring/types.js';
import type { StorageEngine } from '../storage/engine.js';

/** Queues whose stats are read at the same time (bounds the load a big overview puts on PostgreSQL). */
const STATS_CONCURRENCY = 8;

export async function overviewOf(
  monitor: QueueMonitor | undefined,
  engine: StorageEngine,
  accountId: string,
  prefix: string | undefined,
  now: number,
): Promise<QueueSnapshot[]> {
  if (monitor !== undefined) return monitor.overview(accountId, prefix);
  const queues = await engine.queueList({ accountId, prefix });
  const out: Array<QueueSnapshot | undefined> = new Array(queues.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < queues.length) {
      const i = next++;
      const q = queues[i]!;
      try {
        const s = await engine.queueStats(q.id);
        out[i] = {
          queueId: q.id,
          accountId: q.accountId,
          name: q.name,
          fifo: q.fifo,
          visible: s.visible,
          inflight: s.inflight,
          delayed: s.delayed,
          oldestAgeSeconds: null,
          groupsWithInflight: null,
          sentPerSecond: 0,
          receivedPerSecond: 0,
          deletedPerSecond: 0,
          at: now,
        };
      } catch (e) {
        // Deleted between the list and its stats: simply not part of this overview.
        if (!(e instanceof DomainError && e.kind === 'QueueNotFound')) throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(STATS_CONCURRENCY, queues.length) }, worker));
  return out.filter((s): s is QueueSnapshot => s !== undefined);
}

/** Without a monitor there is no history yet: an empty series. */
export async function historyOf(monitor: QueueMonitor | undefined, accountId: string, name: string, windowMs: number): Promise<QueueHistory> {
  if (monitor !== undefined) return monitor.history(accountId, name, windowMs);
  return { intervalMs: 0, points: [] };
}
