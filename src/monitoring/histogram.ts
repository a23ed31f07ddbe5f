/**
 * A fixed-bucket histogram kept as plain numbers: `observe` is a few comparisons and additions, no
 * allocation and no label hashing, so it can sit on the request and message paths. Exposed in the
 * Prometheus format by exposition.ts (cumulative `le` buckets, `_sum`, `_count`).
 */
export class Histogram {
  /** Observations per bucket (not cumulative); the last entry counts those above every bound (+Inf). */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  /** @param bounds upper bounds, strictly increasing (Prometheus `le`, inclusive). */
  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(v: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && v > b[i]!) i++;
    this.counts[i]!++;
    this.sum += v;
    this.count++;
  }
}

/** Message sizes (SentMessageSize), bytes: up to SQS's 1 MiB maximum. */
export const SIZE_BUCKETS: readonly number[] = [256, 1024, 4096, 16_384, 65_536, 262_144, 1_048_576];

/** Request durations, seconds: from sub-millisecond answers to 20 s long polls. */
export const REQUEST_BUCKETS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30];

/** Storage commit durations, seconds: an fsync is typically 0.1–10 ms, a slow disk or database more. */
export const COMMIT_BUCKETS: readonly number[] = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
