/**
 * Storage metrics: the engine's StorageObserver (storage/engine.ts). Made before the engine (which takes
 * it in its deps) and exposed by the registry (exposition.ts). Plain numbers: commits are on the hot path.
 */
import type { StorageObserver } from '../storage/engine.js';
import { COMMIT_BUCKETS, Histogram } from './histogram.js';

export class StorageMetrics implements StorageObserver {
  /** Commit durations, seconds. */
  readonly commits = new Histogram(COMMIT_BUCKETS);
  errors = 0;

  committed(ms: number): void {
    this.commits.observe(ms / 1000);
  }

  failed(): void {
    this.errors++;
  }
}
