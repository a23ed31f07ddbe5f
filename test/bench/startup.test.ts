/**
 * The start-up measurement (bench/startup.ts, figures in BENCHMARKS.md) keeps working: one run of every
 * case, each reporting a time to ready and a clean stop. Only sanity bounds, never a performance
 * threshold: the machine running the tests is shared.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '../../bench/startup.js');

test('bench/startup.js measures every case (one run each)', { timeout: 120_000 }, async () => {
  const child = spawn(process.execPath, [SCRIPT, '1', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0, out);
  const rows = out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { name: string; runs: number; readyMedian: number; stopMedian?: number; cpuMedian?: number });
  assert.deepEqual(
    rows.map((r) => r.name),
    [
      'node (baseline: node -e "")',
      'node (baseline: first stdout line of node -e)',
      'process, memory',
      'process, memory (unbundled: dist/src/main.js)',
      'process, sqlite (new data dir)',
      'process, sqlite (restart on existing data)',
      'in process (startFerry), memory',
      'in process (startFerry), sqlite (new data dir)',
    ],
  );
  for (const r of rows) {
    assert.equal(r.runs, 1);
    assert.ok(r.readyMedian > 0 && r.readyMedian < 60_000, `${r.name}: ${r.readyMedian} ms`);
    const baseline = r.name.startsWith('node (baseline');
    if (!baseline) assert.ok(r.stopMedian !== undefined && r.stopMedian >= 0, r.name);
    // The CPU a process had used at its ready line (Linux /proc): at least Node's own start.
    if (r.name.startsWith('process,') || r.name === 'node (baseline: first stdout line of node -e)')
      assert.ok(r.cpuMedian !== undefined && r.cpuMedian > 0 && r.cpuMedian < 60_000, `${r.name}: cpu ${r.cpuMedian}`);
    else assert.equal(r.cpuMedian, undefined, r.name);
  }
});
