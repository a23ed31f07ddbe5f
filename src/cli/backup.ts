/**
 * `ferry backup <file>`: a consistent copy of the SQLite store, taken while Ferry serves.
 *
 * How the CLI reaches a running server's database: it does not talk to the server at all. It opens
 * `<data-dir>/ferry.db` with a second, read-only SQLite connection and runs SQLite's online backup
 * (better-sqlite3 `.backup()`), which copies the pages of one read snapshot — in WAL mode a reader
 * never blocks the writer nor is blocked by it, so the server keeps committing meanwhile, and the copy
 * holds exactly the transactions committed when the backup started: every send acknowledged before it.
 * The copy is written to `<file>.tmp`, checked with `quick_check`, fsynced and renamed into place.
 *
 * Restore (`ferry restore <file>`, restore.ts): with Ferry stopped, the backup is checked, a running
 * Ferry is detected by its lock on the file and refused, the backup is copied in (fsynced, renamed) and
 * the store it replaces is kept aside; `keyring.json` stays (encrypted bodies need its keys).
 */
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError } from '../config/schema.js';
import { parseCommandArgs } from './args.js';

export const BACKUP_USAGE = [
  'Usage: ferry backup <file> [--data-dir <dir>]',
  '  A consistent copy of <data-dir>/ferry.db, taken while Ferry runs (SQLite online backup).',
  '  Keep <data-dir>/keyring.json with it: encrypted message bodies need its keys.',
].join('\n');

/** Run `ferry backup <args>`. Throws ConfigError for usage problems. */
export async function backupCommand(
  args: string[],
  out: (line: string) => void = (l) => process.stdout.write(l + '\n'),
  env = process.env,
): Promise<void> {
  const cli = parseCommandArgs(args, BACKUP_USAGE);
  const { positionals } = cli;
  const config = cli.config(env);
  if (config.storage !== 'sqlite') {
    throw new ConfigError(
      `ferry backup copies a SQLite store; with --storage ${config.storage} use the database's own tools (pg_dump, pg_basebackup)`,
    );
  }
  if (positionals.length !== 1) throw new ConfigError(`ferry backup needs one file name\n\n${BACKUP_USAGE}`);
  const target = resolve(positionals[0]!);
  const source = join(resolve(config.dataDir), 'ferry.db');
  if (!existsSync(source)) throw new ConfigError(`no store at ${source}`);
  if (existsSync(target)) throw new ConfigError(`${target} exists: Ferry does not overwrite a backup`);
  const tmp = `${target}.tmp`;
  rmSync(tmp, { force: true });
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    const started = Date.now();
    const r = await db.backup(tmp);
    const copy = new Database(tmp, { readonly: true });
    try {
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`the copy failed quick_check: ${String(check)}`);
    } finally {
      copy.close();
    }
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, target);
    out(
      `backed up ${source} to ${target} (${r.totalPages} pages, ${Date.now() - started} ms); keep ${join(resolve(config.dataDir), 'keyring.json')} with it`,
    );
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  } finally {
    db.close();
  }
}
