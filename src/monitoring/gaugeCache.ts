/**
 * The queue gauges as metrics and the console read them: from storage (StorageEngine.queueGauges), at
 * most once per `maxAgeMs`, and never two reads at once — callers during a read share it (or, when it
 * began more than `maxAgeMs` before they asked, queue one fresh read behind it). A scrape, the console's
 * overview and the history sampler therefore cost one storage read per interval together, however many
 * of them ask.
 *
 * A failed read answers with the last snapshot when there is one (and reports the error), so a storage
 * hiccup leaves gauges a little stale rather than missing; with no snapshot yet it rejects.
 */
import type { Clock } from '../core/clock.js';
import type { GaugeSnapshot } from '../storage/engine.js';

export class GaugeCache {
  private last: { snapshot: GaugeSnapshot; readAt: number } | undefined;
  private reading: Promise<GaugeSnapshot> | undefined;
  /** When the read in progress started. */
  private readingSince = 0;
  /** Storage reads done (tests, diagnostics). */
  reads = 0;

  constructor(
    private readonly read: () => Promise<GaugeSnapshot>,
    private readonly clock: Clock,
    /** Reuse a snapshot read less than this long ago (0: read every time, still one read at a time). */
    private readonly maxAgeMs: number,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /**
   * The current snapshot: cached, the read in progress (when it started recently enough), or a new read
   * — started after the one in progress, if that one began too long ago to count as current.
   * `maxAgeMs` overrides the cache's age for this call (0: a read that starts now or later).
   */
  get(maxAgeMs: number = this.maxAgeMs): Promise<GaugeSnapshot> {
    const now = this.clock.now();
    const last = this.last;
    if (last !== undefined && now - last.readAt < maxAgeMs) return Promise.resolve(last.snapshot);
    if (this.reading !== undefined) {
      if (this.readingSince >= now - maxAgeMs) return this.reading;
      return this.reading.then(
        () => this.get(maxAgeMs),
        () => this.get(maxAgeMs),
      );
    }
    this.readingSince = now;
    return (this.reading = this.refresh());
  }

  /** When the current snapshot was read (epoch ms, this cache's clock), if any. */
  get readAt(): number | undefined {
    return this.last?.readAt;
  }

  private async refresh(): Promise<GaugeSnapshot> {
    const startedAt = this.readingSince;
    try {
      this.reads++;
      const snapshot = await this.read();
      // Its age counts from the start of the read: the data is at least that old.
      this.last = { snapshot, readAt: startedAt };
      return snapshot;
    } catch (e) {
      this.onError(e);
      if (this.last !== undefined) return this.last.snapshot;
      throw e;
    } finally {
      this.reading = undefined;
    }
  }
}
