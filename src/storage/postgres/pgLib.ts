/**
 * The pg driver, loaded on first use (synchronously, it is CommonJS): a server on another engine never
 * pays for its import, the largest of Ferry's start-up (see BENCHMARKS.md, "Start-up and shutdown").
 * Elsewhere in this engine `pg` is imported for its types only.
 */
import { createRequire } from 'node:module';
import type pg from 'pg';

let lib: typeof pg | undefined;

export function pgLib(): typeof pg {
  return (lib ??= createRequire(import.meta.url)('pg') as typeof pg);
}
