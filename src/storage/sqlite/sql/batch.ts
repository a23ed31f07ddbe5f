/**
 * Transaction control of the group commit (groupCommit.ts) and of an atomic import, and what diagnostics() reads. Plain
 * statements, prepared once and cached like every other.
 */

export const BEGIN_IMMEDIATE = 'BEGIN IMMEDIATE';
export const COMMIT = 'COMMIT';
export const ROLLBACK = 'ROLLBACK';
/** One savepoint per batch item on the slow path (a throwing item is undone alone). */
export const SAVEPOINT_ITEM = 'SAVEPOINT item';
export const RELEASE_ITEM = 'RELEASE item';
export const ROLLBACK_TO_ITEM = 'ROLLBACK TO item';
/** One savepoint per call of an atomic import (engine.ts storeImport): a refused call is undone alone. */
export const SAVEPOINT_IMPORT = 'SAVEPOINT import_call';
export const RELEASE_IMPORT = 'RELEASE import_call';
export const ROLLBACK_TO_IMPORT = 'ROLLBACK TO import_call';

/** Rows changed by INSERT/UPDATE/DELETE on this connection since it opened (read with pluck). */
export const TOTAL_CHANGES = 'SELECT total_changes() AS n';

/**
 * Changes when another connection commits to the database (never for this connection's own commits):
 * inflight.ts drops its in-flight bounds then.
 */
export const DATA_VERSION = 'PRAGMA data_version';

/** The schema version migrations.ts recorded. */
export const SCHEMA_VERSION = 'SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations';

/** The query plan of `sql` (diagnostics). */
export function explain(sql: string): string {
  return `EXPLAIN QUERY PLAN ${sql}`;
}
