/**
 * A PostgreSQL primary and a synchronous streaming standby on this machine, for failover tests: two
 * private clusters (initdb; pg_basebackup -R), each on its own free port on 127.0.0.1 with its socket
 * in its own temp directory. The primary runs with `synchronous_standby_names = 'standby1'` and
 * `synchronous_commit = on`, so a COMMIT returns only once the standby has flushed it; the standby
 * (cluster_name `standby1`, which its WAL receiver reports as application_name) is a hot standby.
 * Those settings are given on the primary's command line only, so the standby, once promoted, does
 * not wait for a synchronous standby of its own (what an HA manager such as Patroni does on failover).
 *
 * Uses the server binaries scripts/test.mjs would (FERRY_PG_BINDIR, else the newest
 * /usr/lib/postgresql/<v>/bin); as root, PostgreSQL runs as the `postgres` user.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import pg from 'pg';

const run = promisify(execFile);

/** Directory of initdb/pg_ctl/pg_basebackup/postgres, or undefined. */
export function findPgBin(): string | undefined {
  const has = (d: string | undefined): d is string => !!d && ['initdb', 'pg_ctl', 'postgres', 'pg_basebackup'].every((b) => existsSync(join(d, b)));
  if (process.env.FERRY_PG_BINDIR) return has(process.env.FERRY_PG_BINDIR) ? process.env.FERRY_PG_BINDIR : undefined;
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (has(join(base, v, 'bin'))) return join(base, v, 'bin');
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => res(port));
    });
  });
}

export interface PgNode {
  port: number;
  dataDir: string;
  /** Single-host URL of this node (user postgres, trust auth). */
  url: string;
}

export interface ReplicatedPair {
  primary: PgNode;
  standby: PgNode;
  /** `postgres://postgres@127.0.0.1:<primary>,127.0.0.1:<standby>/postgres` plus `query` (e.g. target_session_attrs). */
  multiHostUrl(query?: string): string;
  /** kill -9 every process of the primary cluster (postmaster first): a crash of the primary. */
  killPrimary(): Promise<void>;
  /** `pg_ctl promote -w` on the standby; resolves when it accepts writes. */
  promoteStandby(): Promise<void>;
  /** Run one statement on a node (short-lived client). */
  query<R extends pg.QueryResultRow>(node: PgNode, sql: string): Promise<R[]>;
  /** Stop whatever still runs (immediate) and remove the directories. Synchronous; idempotent. */
  destroy(): void;
}

/** Start a primary and a synchronous standby; resolves once the standby streams as `sync`. */
export async function startReplicatedPair(bin: string): Promise<ReplicatedPair> {
  const isRoot = process.getuid?.() === 0;
  const runAs = isRoot ? 'postgres' : undefined;
  const root = mkdtempSync(join(tmpdir(), 'ferry-pgha-'));
  if (isRoot) {
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('running as root, and there is no `postgres` user to run PostgreSQL as');
    chownSync(root, uid, gid);
  }
  const as = (cmd: string, args: string[]): [string, string[]] => (runAs ? ['runuser', ['-u', runAs, '--', cmd, ...args]] : [cmd, args]);
  const execSync = (cmd: string, args: string[]): string => {
    const [c, a] = as(cmd, args);
    return execFileSync(c, a, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  };
  const exec = async (cmd: string, args: string[]): Promise<void> => {
    const [c, a] = as(cmd, args);
    await run(c, a, { timeout: 60_000 });
  };
  const [p1, p2] = [await freePort(), await freePort()];
  const node = (name: string, port: number): PgNode & { sock: string; log: string } => ({
    port,
    dataDir: join(root, name),
    sock: root,
    log: join(root, `${name}.log`),
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
  });
  const primary = node('primary', p1);
  const standby = node('standby', p2);
  const common = ['-c listen_addresses=127.0.0.1', `-k ${root}`, '-c max_connections=100', '-c shared_buffers=32MB', '-c wal_level=replica'];
  const started = new Set<PgNode>();
  const destroy = (): void => {
    for (const n of [primary, standby]) {
      if (!started.has(n)) continue;
      try {
        execSync(join(bin, 'pg_ctl'), ['-D', n.dataDir, '-m', 'immediate', '-w', 'stop']);
      } catch {
        /* not running */
      }
    }
    started.clear();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await exec(join(bin, 'initdb'), ['-D', primary.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions']);
    const primaryOpts = [`-p ${p1}`, ...common, "-c synchronous_standby_names='standby1'", '-c synchronous_commit=on'].join(' ');
    await exec(join(bin, 'pg_ctl'), ['-D', primary.dataDir, '-l', primary.log, '-o', primaryOpts, '-w', '-t', '60', 'start']);
    started.add(primary);
    // -R: standby.signal and primary_conninfo; -X stream: the WAL needed to start streams with it.
    await exec(join(bin, 'pg_basebackup'), [
      '-h',
      '127.0.0.1',
      '-p',
      String(p1),
      '-U',
      'postgres',
      '-D',
      standby.dataDir,
      '-R',
      '-X',
      'stream',
      '-c',
      'fast',
    ]);
    const standbyOpts = [`-p ${p2}`, ...common, '-c cluster_name=standby1', '-c hot_standby=on'].join(' ');
    await exec(join(bin, 'pg_ctl'), ['-D', standby.dataDir, '-l', standby.log, '-o', standbyOpts, '-w', '-t', '60', 'start']);
    started.add(standby);
  } catch (e) {
    const err = e as { stderr?: string };
    destroy();
    throw new Error(`could not start a PostgreSQL primary and standby from ${bin}: ${err.stderr ?? String(e)}`, { cause: e });
  }

  const query = async <R extends pg.QueryResultRow>(n: PgNode, sql: string): Promise<R[]> => {
    const c = new pg.Client({ connectionString: n.url, connectionTimeoutMillis: 5_000 });
    c.on('error', () => undefined);
    await c.connect();
    try {
      return (await c.query<R>(sql)).rows;
    } finally {
      await c.end().catch(() => undefined);
    }
  };
  const pair: ReplicatedPair = {
    primary,
    standby,
    multiHostUrl: (q) => `postgres://postgres@127.0.0.1:${p1},127.0.0.1:${p2}/postgres${q ? `?${q}` : ''}`,
    async killPrimary() {
      const pid = Number(readFileSync(join(primary.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      // The postmaster's children (backends, WAL sender, checkpointer…), by parent pid.
      const kids = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
        .stdout.split('\n')
        .map((s) => Number(s.trim()))
        .filter((n) => n > 0);
      process.kill(pid, 'SIGKILL');
      for (const k of kids) {
        try {
          process.kill(k, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      started.delete(primary);
    },
    async promoteStandby() {
      await exec(join(bin, 'pg_ctl'), ['-D', standby.dataDir, '-w', '-t', '60', 'promote']);
    },
    query,
    destroy,
  };
  // Wait for the standby to stream synchronously (commits on the primary then wait for it).
  const deadline = Date.now() + 30_000;
  for (;;) {
    const rows = await query<{ sync_state: string }>(primary, "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby1'");
    if (rows[0]?.sync_state === 'sync') break;
    if (Date.now() > deadline) {
      destroy();
      throw new Error(`the standby did not become a synchronous standby (pg_stat_replication: ${JSON.stringify(rows)})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return pair;
}
