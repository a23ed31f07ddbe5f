/**
 * `ferry restore <file>`: put a backup made by `ferry backup` in place of `<data-dir>/ferry.db`, with
 * Ferry stopped. The backup is checked first (check.ts: header, quick_check, a schema this Ferry can
 * open; and a Ferry store at all); a process holding the store open (a running Ferry) is detected by
 * SQLite's locks and the restore refused; the copy is fsynced and renamed into place, the old -wal/-shm
 * removed, and the store it replaces kept as `ferry.db.before-restore-<time>`. keyring.json is not
 * touched. Every refusal changes nothing.
 */
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError } from '../config/schema.js';
import { StoreRefusedError, checkStore } from '../storage/sqlite/check.js';
import { MIGRATIONS } from '../storage/sqlite/migrations.js';
import { parseCommandArgs } from './args.js';

export const RESTORE_USAGE = [
  'Usage: ferry restore <file> [--data-dir <dir>]',
  '  Put a backup made by `ferry backup` in place of <data-dir>/ferry.db, with Ferry stopped.',
  '  The backup is checked first (SQLite header, quick_check, a Ferry schema this Ferry can open); a',
  '  running Ferry on <data-dir> is detected and the restore refused. The store it replaces is kept',
  '  as ferry.db.before-restore-<time>. keyring.json is not touched: it must hold the keys of the backup.',
].join('\n');

/**
 * Is a SQLite connection open on `path` (a Ferry serving it, or any other process)? Every connection to a
 * WAL database holds a shared lock on it while open; an exclusive lock can be had only when none is.
 * The probe opens the file in exclusive locking mode and tries `BEGIN EXCLUSIVE` without waiting; on
 * success the probe's own close checkpoints any WAL left by a crash into the file (so the file moved
 * aside holds everything), and releases the lock.
 */
function heldByAnother(path: string): boolean {
  const probe = new Database(path, { timeout: 0, fileMustExist: true });
  try {
    probe.pragma('locking_mode = EXCLUSIVE');
    probe.exec('BEGIN EXCLUSIVE');
    probe.exec('ROLLBACK');
    return false;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'SQLITE_BUSY') return true;
    // A file that is not a database (or a damaged one) is not being served: Ferry refuses to open it.
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') return false;
    throw e;
  } finally {
    probe.close();
  }
}

/** Run `ferry restore <file>`. Throws ConfigError for usage problems and refusals (nothing changed then). */
export async function restoreCommand(
  args: string[],
  out: (line: string) => void = (l) => process.stdout.write(l + '\n'),
  env = process.env,
): Promise<void> {
  const cli = parseCommandArgs(args, RESTORE_USAGE);
  const { positionals } = cli;
  const config = cli.config(env);
  if (config.storage !== 'sqlite')
    throw new ConfigError(`ferry restore puts back a SQLite store; with --storage ${config.storage} use the database's own tools`);
  if (positionals.length !== 1) throw new ConfigError(`ferry restore needs one file name\n\n${RESTORE_USAGE}`);
  const backup = resolve(positionals[0]!);
  if (!existsSync(backup)) throw new ConfigError(`no backup at ${backup}`);
  const dir = resolve(config.dataDir);
  const target = join(dir, 'ferry.db');
  // 1. The backup: a SQLite file that passes quick_check, with a Ferry schema this Ferry can open.
  try {
    checkStore(backup, MIGRATIONS[MIGRATIONS.length - 1]!.version, true);
  } catch (e) {
    if (e instanceof StoreRefusedError)
      throw new ConfigError(`refusing to restore: ${e.message.split(' Ferry changed nothing')[0]!} Nothing was changed.`);
    throw e;
  }
  const b = new Database(backup, { readonly: true, fileMustExist: true });
  try {
    if (b.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() === undefined) {
      throw new ConfigError(`refusing to restore: ${backup} is a SQLite database but not a Ferry store (no schema_migrations). Nothing was changed.`);
    }
  } finally {
    b.close();
  }
  // 2. Nobody serves the data directory.
  mkdirSync(dir, { recursive: true });
  const aside = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  if (existsSync(target)) {
    if (heldByAnother(target)) {
      throw new ConfigError(
        `refusing to restore: ${target} is open in another process (is Ferry running on ${dir}?). Stop it first. Nothing was changed.`,
      );
    }
  }
  // 3. Copy next to the target, sync, swap in; the replaced store is kept aside.
  const tmp = `${target}.restore.tmp`;
  copyFileSync(backup, tmp);
  const fd = openSync(tmp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  if (existsSync(target)) renameSync(target, aside);
  for (const f of [`${target}-wal`, `${target}-shm`]) rmSync(f, { force: true });
  renameSync(tmp, target);
  const dfd = openSync(dir, 'r');
  fsyncSync(dfd);
  closeSync(dfd);
  out(
    `restored ${backup} to ${target}${existsSync(aside) ? `; the store it replaced is ${aside}` : ''}. ` +
      `Start Ferry with the key ring the backup was made with (${join(dir, 'keyring.json')}).`,
  );
}
