/**
 * The PostgreSQL the `ferry-postgres` targets run on (issue 4).
 *
 * By default the harness starts its own private, throwaway cluster with the same helpers `npm test` uses
 * (`findPgBin` / `startCluster` exported by scripts/test.mjs — initdb into a temp dir, a free loopback
 * port, run as the `postgres` user under root, fsync and synchronous_commit on), once, on the first
 * postgres run, and stops and deletes it at the end of the run (also on errors, Ctrl-C and SIGTERM: `stop`
 * is synchronous and hooked to process exit). `FERRY_BENCH_DATABASE_URL` points the harness at an existing
 * database instead. Every (round, scenario) run gets a fresh schema, dropped afterwards.
 *
 * PostgreSQL's own CPU time (private cluster only) is read from /proc: the postmaster's utime + stime plus
 * cutime + cstime (the CPU of backends that have exited and been reaped), plus utime + stime of every live
 * child of the postmaster (backends, WAL writer, checkpointer, …).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dropSchema } from '../test/helpers/postgres.js';
import { CLK_TCK } from './proc.js';

/** What scripts/test.mjs exports. */
interface ClusterHelpers {
  findPgBin(): string | undefined;
  startCluster(bin: string): Promise<{ url: string; ctl: string; stop(): void }>;
}

/** A database the postgres targets use. */
export interface BenchDatabase {
  url: string;
  /** How it was obtained, for BENCHMARKS.md. */
  describe: string;
  /** PostgreSQL's CPU time so far in µs (all its processes), or NaN when not measurable (external database). */
  cpuMicros(): number;
  stop(): void;
}

/** Why no database could be had (the postgres targets are then reported n/a). */
export class NoDatabase extends Error {}

/** The repository root: the nearest parent of this file holding scripts/test.mjs (dist/bench → ../..). */
function repoRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(d, 'scripts', 'test.mjs'))) return d;
    d = resolve(d, '..');
  }
  throw new NoDatabase('scripts/test.mjs not found above bench/ (it provides the private-cluster helpers)');
}

async function clusterHelpers(): Promise<ClusterHelpers> {
  const mod = (await import(pathToFileURL(join(repoRoot(), 'scripts', 'test.mjs')).href)) as Partial<ClusterHelpers>;
  if (typeof mod.findPgBin !== 'function' || typeof mod.startCluster !== 'function')
    throw new NoDatabase('scripts/test.mjs does not export findPgBin/startCluster');
  return mod as ClusterHelpers;
}

function statFields(pid: number): string[] | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): rest[0] = field 3 (state), rest[1] = ppid.
    return s.slice(s.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** CPU µs of a cluster's processes: postmaster (with reaped children) + every live child. */
export function clusterCpuMicros(dataDir: string): number {
  let pm: number;
  try {
    pm = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return NaN;
  }
  const f = statFields(pm);
  if (!f) return NaN;
  // utime 14 → rest[11], stime 15 → rest[12], cutime 16 → rest[13], cstime 17 → rest[14].
  let ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const c = statFields(Number(name));
    if (c && Number(c[1]) === pm) ticks += Number(c[11]) + Number(c[12]);
  }
  return (ticks * 1e6) / CLK_TCK;
}

let current: Promise<BenchDatabase> | undefined;
let stopCurrent: (() => void) | undefined;

export interface DatabaseOptions {
  /** Use this database instead of a private cluster. */
  url?: string | null;
  /** Use this database when no private cluster can be started (the smoke: FERRY_TEST_DATABASE_URL). */
  fallback?: string | null;
}

function external(url: string, describe: string): BenchDatabase {
  return { url, describe, cpuMicros: () => NaN, stop: () => undefined };
}

/**
 * The run's database, started on first use. Throws NoDatabase when there are no PostgreSQL server
 * binaries (and no URL was given).
 */
export function benchDatabase(o: DatabaseOptions = {}): Promise<BenchDatabase> {
  if (!current) {
    current = (async (): Promise<BenchDatabase> => {
      if (o.url) return external(o.url, 'an existing database (FERRY_BENCH_DATABASE_URL)');
      let c: Awaited<ReturnType<ClusterHelpers['startCluster']>>;
      let bin: string | undefined;
      try {
        const h = await clusterHelpers();
        bin = h.findPgBin();
        if (!bin)
          throw new NoDatabase('no PostgreSQL server binaries (apt-get install postgresql, set FERRY_PG_BINDIR, or FERRY_BENCH_DATABASE_URL)');
        try {
          c = await h.startCluster(bin);
        } catch (e) {
          throw new NoDatabase((e as Error).message.split('\n')[0]!);
        }
      } catch (e) {
        if (o.fallback) return external(o.fallback, `FERRY_TEST_DATABASE_URL (no private cluster: ${(e as Error).message})`);
        throw e;
      }
      let stopped = false;
      const stop = (): void => {
        if (stopped) return;
        stopped = true;
        process.removeListener('exit', stop);
        c.stop();
      };
      // Backstop: the cluster never outlives the harness (targets.ts turns SIGINT/SIGTERM/SIGHUP into exit).
      process.on('exit', stop);
      stopCurrent = stop;
      const ctl = JSON.parse(c.ctl) as { dataDir: string };
      let version = bin;
      const m = /postgresql\/(\d+)\//.exec(bin + '/');
      if (m) version = `PostgreSQL ${m[1]}`;
      return {
        url: c.url,
        describe: `a private ${version} cluster the harness starts (scripts/test.mjs \`startCluster\`: initdb, loopback port, fsync and synchronous_commit on, shared_buffers=64MB, max_connections=300)`,
        cpuMicros: () => clusterCpuMicros(ctl.dataDir),
        stop,
      };
    })();
    // A failed start is remembered (every postgres target is then n/a), not retried per run.
    current.catch(() => undefined);
  }
  return current;
}

/** Stop the private cluster, if one was started (idempotent). */
export function stopBenchDatabase(): void {
  stopCurrent?.();
  stopCurrent = undefined;
  current = undefined;
}

let schemas = 0;
/** A fresh schema name; `ferry_t…` so `npm test`'s cleanup of an external database also drops leftovers. */
export function freshBenchSchema(): string {
  return `ferry_tbench${process.pid}_${++schemas}`;
}

export async function dropBenchSchema(db: BenchDatabase, schema: string): Promise<void> {
  await dropSchema(db.url, schema);
}
