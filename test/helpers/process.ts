/**
 * Start a real `ferry serve` process (the `ferry` command, as package.json's `bin` runs it) on a free port, for black-box and crash tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The build's output directory: dist/test/helpers → dist (or FERRY_TEST_OUTDIR's). */
const OUT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The nearest package.json above the build (the repository's). */
function packageJson(): { bin: { ferry: string } } {
  for (let d = OUT; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as { bin: { ferry: string } };
    if (dirname(d) === d) throw new Error(`no package.json above ${OUT}`);
  }
}

/**
 * The `ferry` command: package.json's `bin` (dist/bin/ferry.cjs, which runs the bundle scripts/bundle.mjs
 * makes of dist/src), in this build's output directory. Black-box tests spawn it, so they test what users
 * run; a bundle older than the compiled tree (`tsc` run without `node scripts/bundle.mjs`) is refused
 * rather than tested.
 */
export const MAIN = ((): string => {
  const bin = packageJson().bin.ferry;
  if (!bin.startsWith('dist/')) throw new Error(`package.json bin.ferry (${bin}) is not under dist/`);
  const main = join(OUT, bin.slice('dist/'.length));
  const compiled = join(OUT, 'src/main.js');
  if (!existsSync(main) || statSync(main).mtimeMs < statSync(compiled).mtimeMs) {
    throw new Error(`${main} is missing or older than ${compiled}: run \`node scripts/bundle.mjs\` (npm run build and scripts/test.mjs do)`);
  }
  return main;
})();

export interface FerryProcess {
  url: string;
  port: number;
  dataDir: string;
  /** storage postgres: the schema this process serves (pass it again to restart on the same data). */
  databaseSchema?: string;
  proc: ChildProcess;
  /** Everything the process wrote (stdout + stderr). */
  output(): string;
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit. */
  kill9(): Promise<void>;
  /** Remove the data directory (unless kept). */
  cleanup(): void;
}

export interface StartOptions {
  storage?: 'sqlite' | 'memory' | 'postgres';
  /**
   * storage postgres: the schema to serve (several processes naming the same one share their queues).
   * Default: a fresh schema per process. The database is FERRY_TEST_DATABASE_URL.
   */
  databaseSchema?: string;
  /** storage postgres: the connection string (default FERRY_TEST_DATABASE_URL). */
  databaseUrl?: string;
  /** Reuse a data directory (restart after a crash). */
  dataDir?: string;
  port?: number;
  args?: string[];
  env?: Record<string, string>;
  /** Milliseconds to wait for the "ferry listening" line. */
  timeoutMs?: number;
  /**
   * The script run as `<script> serve <flags>` (default the `ferry` command, MAIN: dist/bin/ferry.cjs); the
   * power-loss test runs its own entry that wraps the WAL syncs.
   */
  main?: string;
  /**
   * Raise the process's open-files limit (ulimit -n) to 65536 or the hard limit, for tests that hold
   * thousands of connections: the process is started through `sh -c 'ulimit -n …; exec node …'`.
   */
  openFiles?: boolean;
}

/** `sh -c` prefix that raises the soft open-files limit as far as allowed (shared with the benchmark's npm script). */
export const RAISE_OPEN_FILES = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"';

let schemas = 0;

/** Whether a process with this pid exists (signal 0). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A PostgreSQL schema name unique to this test process (scripts/test.mjs drops `ferry_t*` afterwards). */
export function freshSchema(): string {
  return `ferry_t${process.pid}_${++schemas}`;
}

export async function startFerryProcess(o: StartOptions = {}): Promise<FerryProcess> {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'ferry-test-'));
  const pgArgs: string[] = [];
  let databaseSchema: string | undefined;
  if (o.storage === 'postgres') {
    const url = o.databaseUrl ?? process.env.FERRY_TEST_DATABASE_URL;
    if (!url) throw new Error('storage postgres needs FERRY_TEST_DATABASE_URL (npm test sets it)');
    databaseSchema = o.databaseSchema ?? freshSchema();
    pgArgs.push('--database-url', url, '--database-schema', databaseSchema);
  }
  const args = [
    o.main ?? MAIN,
    'serve',
    '--port',
    String(o.port ?? 0),
    '--storage',
    o.storage ?? 'sqlite',
    '--data-dir',
    dataDir,
    '--log-level',
    'info',
    ...pgArgs,
    ...(o.args ?? []),
  ];
  const [cmd, argv] = o.openFiles ? ['sh', ['-c', RAISE_OPEN_FILES, process.execPath, ...args]] : [process.execPath, args];
  const proc = spawn(cmd, argv, { env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  // At info and below, wait for the info log line: it comes after the start-up log lines (auth, keys,
  // banner) that tests read. Above info (`--log-level warn`) only main.ts's harness line is written.
  const level = args[args.lastIndexOf('--log-level') + 1];
  const readyLine = (line: string): boolean =>
    line.includes('ferry listening') || (!['info', 'debug', 'trace'].includes(level ?? '') && line.startsWith('{"ferry":"listening"'));
  const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
  const started = new Promise<{ url: string; port: number }>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`ferry did not start in time:\n${out}`)), o.timeoutMs ?? 15_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      for (const line of out.split('\n')) {
        if (!readyLine(line)) continue;
        try {
          const j = JSON.parse(line) as { url: string };
          clearTimeout(timer);
          res({ url: j.url, port: Number(new URL(j.url).port) });
          return;
        } catch {
          /* partial line */
        }
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`ferry exited with ${code} before listening:\n${out}`));
    });
  });
  const { url, port } = await started;
  return {
    url,
    port,
    dataDir,
    databaseSchema,
    proc,
    output: () => out,
    async stop() {
      if (proc.exitCode !== null) return proc.exitCode;
      proc.kill('SIGTERM');
      return exited;
    },
    async kill9() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
    cleanup() {
      if (!o.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
