/**
 * Test helpers for the SQLite engine that need raw SQL (kept here so no SQL lives outside
 * src/storage/sqlite/). Not used by the server.
 */

import Database from 'better-sqlite3';

/**
 * Take the database's write lock from a separate connection (as another process would) and keep
 * it until the returned function is called. Used to prove SQLITE_BUSY surfaces as
 * DomainError('Unavailable') and that the engine recovers once the lock is gone.
 */
export function holdWriteLock(path: string): () => void {
  const db = new Database(path, { timeout: 0 });
  db.exec('BEGIN IMMEDIATE');
  return () => {
    db.exec('ROLLBACK');
    db.close();
  };
}
