/** Small statistics helpers: percentiles of latency samples and medians across rounds. */

/** The p-th percentile (0–100) of samples by nearest rank; NaN when empty. Sorts a copy. */
export function percentile(samples: ArrayLike<number>, p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  n: number;
}

export function percentiles(samples: ArrayLike<number>): Percentiles {
  if (samples.length === 0) return { p50: NaN, p90: NaN, p99: NaN, max: NaN, n: 0 };
  const sorted = Float64Array.from(samples).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  return { p50: at(50), p90: at(90), p99: at(99), max: sorted[sorted.length - 1]!, n: sorted.length };
}

/** Median of the finite values; NaN when there are none. */
export function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** Round to a few significant decimals for JSON output. */
export function r(x: number, digits = 3): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
