#!/usr/bin/env node
/**
 * How fast Ferry starts and stops, as a test harness sees it:
 *
 *   node dist/bench/startup.js [runs per case] [--json] [--baseline <another build's dist/src/main.js>]
 *
 * Cases, run interleaved (one run of each case, then the next round), each on a fresh data directory:
 *  - `node (baseline)`: spawn `node -e ''` until it exits: the cost of starting any Node process here;
 *    `node (first line)`: spawn `node -e` of a script writing one line and waiting, until that line (its
 *    CPU time read as Ferry's, below), then kill it;
 *  - `process memory` / `process sqlite (new dir)` / `process sqlite (restart)`: spawn the `ferry`
 *    command (dist/bin/ferry.cjs, the bundle package.json's `bin` runs) with `serve --port 0` until its
 *    first stdout line (the `{"ferry":"listening"}` line, written once the port is bound, i.e. ready for
 *    requests — checked with GET /health), then SIGTERM until exit 0; "restart" reopens the store the
 *    previous run of the case created; `process memory (unbundled)` runs dist/src/main.js instead;
 *  - `in process memory` / `in process sqlite`: `startFerry({ port: 0 })` until it resolves, then
 *    `close()` (modules already loaded: what an embedding test suite pays per server after the first).
 * Prints the median, 90th percentile and min/max of each, in ms; for processes also the CPU time (median
 * and min) the process had used when its ready line arrived (the run time of its threads from
 * /proc/<pid>/task/<tid>/schedstat, to 0.1 ms, or user + system from /proc/<pid>/stat in 10 ms ticks where
 * the kernel has no schedstats; Linux only): on a busy machine the wall time counts waiting for a core,
 * the CPU time does not.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FERRY_BIN, FERRY_MAIN } from './targets.js';
import { startFerry } from '../src/index.js';

interface Sample {
  ready: number;
  stop?: number;
  /** CPU ms the process had used at its ready line (processes on Linux). */
  cpu?: number;
}

/**
 * CPU ms a live process has used: the run time of each of its threads, in ns, from
 * /proc/<pid>/task/<tid>/schedstat (kernels with schedstats), else user + system from /proc/<pid>/stat
 * (fields 14 and 15, in clock ticks of 10 ms). A thread that already ended is not counted by the first.
 */
function cpuMs(pid: number): number | undefined {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    if (Number.isFinite(ns) && ns > 0) return Math.round(ns / 1e5) / 10;
  } catch {
    /* no schedstat: ticks below */
  }
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return undefined;
  }
}

const dirs: string[] = [];
function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ferry-startup-'));
  dirs.push(d);
  return d;
}

async function nodeBaseline(): Promise<Sample> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  return { ready: performance.now() - t0 };
}

/** `node -e` of a script that writes a line and waits: time and CPU to that line, like a Ferry's ready line. */
async function nodeFirstLine(): Promise<Sample> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', 'process.stdout.write("up\\n"); setTimeout(() => {}, 60000)'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  await once(child.stdout, 'data');
  const ready = performance.now() - t0;
  const cpu = cpuMs(child.pid!);
  child.kill('SIGKILL');
  await exited;
  return { ready, cpu };
}

async function processRun(storage: 'memory' | 'sqlite', dataDir: string, main = FERRY_BIN): Promise<Sample> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [main, 'serve', '--storage', storage, '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  let buf = '';
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      buf += c.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`ferry exited with ${code} before listening`)));
  });
  const ready = performance.now() - t0;
  const cpu = cpuMs(child.pid!);
  const { url } = JSON.parse(line) as { url: string };
  const health = await fetch(`${url}/health`);
  if (health.status !== 200) throw new Error(`/health answered ${health.status} right after the listening line`);
  child.stdout.resume();
  const t1 = performance.now();
  child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  if (code !== 0) throw new Error(`ferry exited with ${code} on SIGTERM`);
  return { ready, stop: performance.now() - t1, cpu };
}

async function inProcess(storage: 'memory' | 'sqlite'): Promise<Sample> {
  const dataDir = freshDir();
  const t0 = performance.now();
  const ferry = await startFerry({ storage, port: 0, dataDir, logLevel: 'silent' });
  const ready = performance.now() - t0;
  const t1 = performance.now();
  await ferry.close();
  return { ready, stop: performance.now() - t1 };
}

const runs = Number(process.argv.slice(2).find((a, i, all) => /^\d+$/.test(a) && all[i - 1] !== '--baseline') ?? 15);
const json = process.argv.includes('--json');
// `--baseline <path to another build's dist/src/main.js>`: also start that build (memory), interleaved
// with this one, to compare two builds under the same machine load.
const bi = process.argv.indexOf('--baseline');
const baselineMain = bi >= 0 ? process.argv[bi + 1] : undefined;
if (bi >= 0 && !baselineMain) throw new Error('--baseline needs the path of a main.js');
const restartDir = freshDir();
const cases: [string, () => Promise<Sample>][] = [
  ['node (baseline: node -e "")', nodeBaseline],
  ['node (baseline: first stdout line of node -e)', nodeFirstLine],
  ['process, memory', () => processRun('memory', freshDir())],
  ['process, memory (unbundled: dist/src/main.js)', () => processRun('memory', freshDir(), FERRY_MAIN)],
  ...(baselineMain
    ? [[`process, memory (baseline ${baselineMain})`, () => processRun('memory', freshDir(), baselineMain)] as [string, () => Promise<Sample>]]
    : []),
  ['process, sqlite (new data dir)', () => processRun('sqlite', freshDir())],
  ['process, sqlite (restart on existing data)', () => processRun('sqlite', restartDir)],
  ['in process (startFerry), memory', () => inProcess('memory')],
  ['in process (startFerry), sqlite (new data dir)', () => inProcess('sqlite')],
];

const results = new Map<string, Sample[]>(cases.map(([name]) => [name, []]));
try {
  // One warm-up round (file system caches, the first in-process start's lazy work), not counted.
  for (const [, f] of cases) await f();
  for (let r = 0; r < runs; r++) for (const [name, f] of cases) results.get(name)!.push(await f());
} finally {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
};
const fmt = (n: number) => n.toFixed(1);
const rows = [...results].map(([name, samples]) => {
  const ready = samples.map((s) => s.ready);
  const stops = samples.flatMap((s) => (s.stop === undefined ? [] : [s.stop]));
  const cpus = samples.flatMap((s) => (s.cpu === undefined ? [] : [s.cpu]));
  return {
    name,
    runs: samples.length,
    readyMedian: q(ready, 0.5),
    readyP90: q(ready, 0.9),
    readyMin: Math.min(...ready),
    readyMax: Math.max(...ready),
    stopMedian: stops.length ? q(stops, 0.5) : undefined,
    cpuMedian: cpus.length ? q(cpus, 0.5) : undefined,
    cpuMin: cpus.length ? Math.min(...cpus) : undefined,
  };
});
if (json) for (const r of rows) process.stdout.write(JSON.stringify(r) + '\n');
else {
  process.stdout.write(
    '| case | runs | to ready, median ms | p90 | min–max | CPU at ready, median ms | CPU min | stop (SIGTERM / close), median ms |\n| --- | --: | --: | --: | --: | --: | --: | --: |\n',
  );
  for (const r of rows)
    process.stdout.write(
      `| ${r.name} | ${r.runs} | ${fmt(r.readyMedian)} | ${fmt(r.readyP90)} | ${fmt(r.readyMin)}–${fmt(r.readyMax)} | ${r.cpuMedian === undefined ? '–' : r.cpuMedian} | ${r.cpuMin === undefined ? '–' : r.cpuMin} | ${r.stopMedian === undefined ? '–' : fmt(r.stopMedian)} |\n`,
    );
}
