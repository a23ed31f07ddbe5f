#!/usr/bin/env node
/**
 * `npm test`: compile, make a PostgreSQL available, run every test, clean up.
 *
 *  1. `tsc -p tsconfig.json` (→ dist/; stale output of renamed or deleted files is removed first, so a
 *     test that no longer exists cannot run from an old build), the bundle of the `ferry` command
 *     (scripts/bundle.mjs → dist/bin/ferry.cjs, which the black-box tests spawn), then the web console: type-checked
 *     (console/tsconfig.json) and built by Vite into dist/console (what the browser tests drive).
 *  1b. The checks, each failing `npm test` with a message naming it and the command that shows or fixes
 *     the problems: `prettier --check .` (npm run format), ESLint (`eslint.config.js`) and the layer
 *     and cycle rules of dependency-cruiser (`.dependency-cruiser.cjs`) — together `npm run lint`.
 *     They run only for the whole suite: with test targets as arguments (`node scripts/test.mjs
 *     dist/test/unit/`) they are skipped, and FERRY_TEST_SKIP_CHECKS=1 skips them too.
 *  2. PostgreSQL for the postgres storage contract, the conformance tests on the postgres engine and
 *     the multi-node test:
 *       - FERRY_TEST_DATABASE_URL set → that database is used as is (tests create and drop their own
 *         schemas `ferry_c*` / `ferry_t*`; the ones left by killed processes are dropped at the end);
 *       - else, when PostgreSQL's server binaries are installed (FERRY_PG_BINDIR, the newest
 *         /usr/lib/postgresql/<v>/bin, `pg_config --bindir`, or initdb on PATH) → a private throwaway
 *         cluster: initdb into a temp dir, started on a free port with its socket in that dir,
 *         stopped and deleted afterwards (also on failure, Ctrl-C and SIGTERM). PostgreSQL refuses to
 *         run as root, so under root it runs as the `postgres` user (runuser);
 *       - else → under CI=true this is an error; otherwise the PostgreSQL tests skip with a message
 *         naming what to install.
 *     FERRY_TEST_PG_CTL (JSON: pg_ctl path, data dir, user) lets the multi-node test restart the
 *     private cluster; with an external database that part of the test is skipped.
 *  3. `node --test dist/test/multinode/` alone (it restarts PostgreSQL), then
 *     `node --test --test-concurrency=2` over the other test folders (extra arguments replace both).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const inCI = process.env.CI === 'true';
const log = (m) => process.stderr.write(`[test] ${m}\n`);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

/** Directory of initdb/pg_ctl/postgres, or undefined. (Also used by the benchmark harness, bench/pg.ts.) */
export function findPgBin() {
  const has = (d) => d && existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl')) && existsSync(join(d, 'postgres'));
  if (process.env.FERRY_PG_BINDIR) return has(process.env.FERRY_PG_BINDIR) ? process.env.FERRY_PG_BINDIR : undefined;
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (has(join(base, v, 'bin'))) return join(base, v, 'bin');
  }
  const cfg = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (cfg.status === 0 && has(cfg.stdout.trim())) return cfg.stdout.trim();
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return dirname(which.stdout.trim());
  return undefined;
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/**
 * Start a private cluster; returns { url, ctl, stop } (`stop` is synchronous, so it can run in an 'exit'
 * handler). Also used by the benchmark harness (bench/pg.ts).
 */
export async function startCluster(bin) {
  const isRoot = process.getuid?.() === 0;
  let runAs = null;
  let uid;
  let gid;
  if (isRoot) {
    const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    if (id.status !== 0) throw new Error('running as root, and there is no `postgres` user to run PostgreSQL as');
    runAs = 'postgres';
    uid = Number(id.stdout.trim());
    gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  }
  const dir = mkdtempSync(join(tmpdir(), 'ferry-pg-'));
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  if (isRoot) chownSync(dir, uid, gid);
  const as = (cmd, args) => (runAs ? ['runuser', ['-u', runAs, '--', cmd, ...args]] : [cmd, args]);
  const exec = (cmd, args) => {
    const [c, a] = as(cmd, args);
    return execFileSync(c, a, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  };
  const port = await freePort();
  let started = false;
  const stop = () => {
    if (started) {
      try {
        exec(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        /* already stopped */
      }
      started = false;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    exec(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions']);
    // Settings: a spare port, the socket in our temp dir (no /var/run needed), enough connections for
    // several Ferry processes with their pools, fsync kept on (the multi-node test restarts the server).
    const opts = [`-p ${port}`, `-k ${dir}`, `-c listen_addresses=127.0.0.1`, `-c max_connections=300`, `-c shared_buffers=64MB`].join(' ');
    writeFileSync(join(dir, 'opts'), opts);
    exec(join(bin, 'pg_ctl'), ['-D', data, '-l', logFile, '-o', opts, '-w', '-t', '60', 'start']);
    started = true;
  } catch (e) {
    const detail = e.stderr ? String(e.stderr) : String(e);
    stop();
    throw new Error(`could not start PostgreSQL from ${bin}: ${detail}`, { cause: e });
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    ctl: JSON.stringify({ pgCtl: join(bin, 'pg_ctl'), dataDir: data, runAs, logFile, opts: readFileSync(join(dir, 'opts'), 'utf8') }),
    stop,
  };
}

/**
 * Formatting, lint and layer checks. All run (so one run shows every kind of problem), then any failure
 * stops `npm test` before the tests, naming the check and how to see or fix what it found.
 */
function runChecks() {
  const checks = [
    {
      name: 'formatting (prettier --check .)',
      fix: 'run `npm run format`',
      args: ['node_modules/prettier/bin/prettier.cjs', '--check', '--log-level', 'warn', '.'],
    },
    { name: 'lint (eslint .)', fix: 'see `npx eslint .`', args: ['node_modules/eslint/bin/eslint.js', '.'] },
    {
      name: 'layers and import cycles (dependency-cruiser)',
      fix: 'see `npm run lint:deps`; the rules are in .dependency-cruiser.cjs',
      args: [
        'node_modules/dependency-cruiser/bin/dependency-cruise.mjs',
        'src',
        'test',
        'bench',
        'scripts',
        'console/src',
        '--config',
        '.dependency-cruiser.cjs',
      ],
    },
  ];
  const failed = [];
  for (const c of checks) {
    const t0 = Date.now();
    log(`check: ${c.name}`);
    const r = spawnSync(process.execPath, c.args, { stdio: 'inherit', cwd: root });
    if (r.status !== 0) failed.push(c);
    else log(`check: ${c.name} passed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  if (failed.length > 0) {
    throw new Error(`check failed, tests not run:\n${failed.map((c) => `  - ${c.name}: ${c.fix}`).join('\n')}`);
  }
}

async function main() {
  // FERRY_TEST_OUTDIR: compile elsewhere than dist/ (several people testing in one checkout).
  const outDir = process.env.FERRY_TEST_OUTDIR ?? 'dist';
  for (const d of ['src', 'test', 'bench']) rmSync(join(root, outDir, d), { recursive: true, force: true });
  run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--outDir', outDir]);
  // The `ferry` command bundled (<outDir>/bin/ferry.cjs, what package.json's `bin` runs and the
  // black-box tests spawn: test/helpers/process.ts).
  run(process.execPath, [join(root, 'scripts/bundle.mjs'), outDir]);
  // The web console (console/ → <outDir>/console, which the server serves and test/browser drives).
  run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'console/tsconfig.json']);
  run(process.execPath, [
    join(root, 'node_modules/vite/bin/vite.js'),
    'build',
    '--config',
    'console/vite.config.ts',
    '--logLevel',
    'warn',
    '--outDir',
    join(root, outDir, 'console'),
  ]);
  const targets = process.argv.slice(2);
  if (targets.length === 0 && process.env.FERRY_TEST_SKIP_CHECKS !== '1') runChecks();

  const env = { ...process.env };
  let cluster;
  if (env.FERRY_TEST_DATABASE_URL) {
    log(`PostgreSQL: using FERRY_TEST_DATABASE_URL`);
  } else {
    const bin = findPgBin();
    if (bin) {
      cluster = await startCluster(bin);
      env.FERRY_TEST_DATABASE_URL = cluster.url;
      env.FERRY_TEST_PG_CTL = cluster.ctl;
      log(`PostgreSQL: private cluster from ${bin} at ${cluster.url}`);
    } else if (inCI) {
      throw new Error('CI=true but no PostgreSQL server binaries were found (apt-get install postgresql, or set FERRY_TEST_DATABASE_URL)');
    } else {
      log('PostgreSQL: not found — the PostgreSQL tests will be skipped (apt-get install postgresql, or set FERRY_TEST_DATABASE_URL)');
    }
  }

  let stopping = false;
  const cleanup = () => {
    if (stopping) return;
    stopping = true;
    cluster?.stop();
  };
  // Backstop: whatever happens below, the private cluster does not outlive this script.
  process.on('exit', cleanup);
  // The multi-node test restarts and stops PostgreSQL on purpose; sharing the cluster with the other
  // PostgreSQL tests running in parallel would break them. So it runs first and alone, then the rest
  // in parallel (the closing summary is the main suite's).
  const phases = targets.length
    ? [targets]
    : [
        [`${outDir}/test/multinode/`],
        readdirSync(join(root, outDir, 'test'), { withFileTypes: true })
          .filter((d) => d.isDirectory() && d.name !== 'multinode')
          .map((d) => `${outDir}/test/${d.name}/`),
      ];
  let child;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      child?.kill(sig);
    });
  }
  let code = 0;
  for (const files of phases) {
    if (stopping) break;
    // The tests run with the open-files limit raised as far as allowed (ulimit -n): the long-poll test
    // holds 10,000 connections from one process.
    const raise = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"';
    child = spawn('sh', ['-c', raise, process.execPath, '--test', '--test-concurrency=2', ...files], { cwd: root, env, stdio: 'inherit' });
    const c = await new Promise((res) => child.on('exit', (x, s) => res(x ?? (s ? 1 : 0))));
    code = code || c;
  }
  if (!cluster && env.FERRY_TEST_DATABASE_URL) {
    // An external database: drop schemas that killed test processes may have left behind.
    try {
      const { dropSchema, listSchemas } = await import(join(root, outDir, 'test/helpers/postgres.js'));
      for (const prefix of ['ferry_c', 'ferry_t'])
        for (const s of await listSchemas(env.FERRY_TEST_DATABASE_URL, prefix)) await dropSchema(env.FERRY_TEST_DATABASE_URL, s);
    } catch (e) {
      log(`could not drop leftover test schemas: ${e.message}`);
    }
  }
  cleanup();
  process.exitCode = code;
}

// Run only as a script (`node scripts/test.mjs`), not when the benchmark harness imports the helpers above.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    log(e.message);
    process.exitCode = 1;
  });
}
