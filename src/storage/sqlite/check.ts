/**
 * The start-up check of a SQLite store, before anything writes to it: the file header, SQLite's
 * `quick_check` (the b-trees and their pages, not the index-against-table cross-check of the full
 * `integrity_check`), and the schema version. A damaged file, a file that is not a SQLite database,
 * or one written by a newer Ferry is refused with a message that says what to do — and nothing is
 * changed: the check reads on a read-only connection, and the file's bytes are what they were.
 *
 * Why refuse rather than "repair": a store that fails quick_check can return wrong answers or lose
 * acknowledged messages silently; the safe moves (restore a backup, or salvage with `sqlite3 .recover`
 * into a new file) need a person who knows which data matters.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';

/** The store was refused at start; `message` says why and what to do. Nothing was changed. */
export class StoreRefusedError extends Error {
  override readonly name = 'StoreRefusedError';
}

const MAGIC = 'SQLite format 3\u0000';
const RESTORE_HINT =
  'Ferry changed nothing. Restore the database from a backup (README "Backup and restore": stop Ferry, copy the backup over ferry.db, ' +
  'remove ferry.db-wal and ferry.db-shm, start), or salvage what can be read with `sqlite3 ferry.db .recover | sqlite3 recovered.db` ' +
  'and start on the recovered file.';

/**
 * A read-only connection to `path`. On a read-only file system a WAL database without its `-wal` and
 * `-shm` files cannot be opened in place (SQLite needs the shared-memory file), so it is read into
 * memory instead (logged by the caller: it costs the database's size in RAM).
 */
export function openReadOnly(path: string, dirWritable: boolean): { db: Database.Database; inMemory: boolean } {
  if (dirWritable || existsSync(`${path}-wal`)) return { db: new Database(path, { readonly: true, fileMustExist: true }), inMemory: false };
  const image = readFileSync(path);
  // A WAL-mode file (header bytes 18 and 19 = 2) cannot be opened from memory: SQLite looks for its WAL
  // and fails with SQLITE_CANTOPEN (found on a real read-only mount). There is no -wal here, so the file
  // holds every committed transaction: the in-memory copy is marked as a rollback-journal file (1, 1).
  if (image.length >= 100 && image[18] === 2 && image[19] === 2) {
    image[18] = 1;
    image[19] = 1;
  }
  return { db: new Database(image, { readonly: true }), inMemory: true };
}

/**
 * Check the store at `path` (absent or empty: a new store, nothing to check). Throws StoreRefusedError
 * on a bad header, a failed quick_check, an unreadable file, or a schema newer than `newestVersion`.
 */
export function checkStore(path: string, newestVersion: number, dirWritable: boolean): void {
  if (!existsSync(path)) return;
  const size = statSync(path).size;
  if (size === 0) return;
  const header = Buffer.alloc(100);
  const fd = openSync(path, 'r');
  let n: number;
  try {
    n = readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (n < 100 || header.toString('latin1', 0, 16) !== MAGIC) {
    throw new StoreRefusedError(
      `${path} is not a SQLite database (${n < 100 ? `only ${size} bytes` : 'its header is wrong'}): the file is damaged, or the data directory is not Ferry's. ${RESTORE_HINT}`,
    );
  }
  const pageSize = header.readUInt16BE(16);
  if (!(pageSize === 1 || (pageSize >= 512 && pageSize <= 32768 && (pageSize & (pageSize - 1)) === 0))) {
    throw new StoreRefusedError(`${path} has a damaged header (page size ${pageSize}). ${RESTORE_HINT}`);
  }
  let db: Database.Database | undefined;
  try {
    db = openReadOnly(path, dirWritable).db;
    const problems = db.pragma('quick_check(10)', { simple: false }) as Array<{ quick_check: string }>;
    if (problems.length !== 1 || problems[0]!.quick_check !== 'ok') {
      throw new StoreRefusedError(
        `${path} is damaged (SQLite quick_check: ${problems
          .map((p) => p.quick_check)
          .slice(0, 5)
          .join('; ')}). ${RESTORE_HINT}`,
      );
    }
    const hasMigrations = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
    if (hasMigrations) {
      const v = (db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
      if (v > newestVersion) {
        throw new StoreRefusedError(
          `${path} was written by a newer Ferry (schema version ${v}; this Ferry knows up to ${newestVersion}). ` +
            'Ferry changed nothing: run the newer Ferry on it, or restore a backup taken with this version (README "Upgrades").',
        );
      }
    }
  } catch (e) {
    if (e instanceof StoreRefusedError) throw e;
    const code = (e as { code?: string }).code ?? '';
    throw new StoreRefusedError(`${path} cannot be read as a SQLite database (${code ? `${code}: ` : ''}${(e as Error).message}). ${RESTORE_HINT}`);
  } finally {
    db?.close();
  }
}
