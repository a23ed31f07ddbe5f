/** LISTEN/NOTIFY statements (see notify.ts). Channel names are generated identifiers, payloads are escaped literals. */

export function listenSql(channel: string): string {
  return `LISTEN ${channel}`;
}

/**
 * The COMMIT round trip of a transaction that woke queues: one `pg_notify` per queue (PostgreSQL
 * delivers them at commit, never for a rollback), then COMMIT. `calls` are `pg_notify(…)` expressions
 * with escaped literals (Notifier.notifyCall).
 */
export function notifyAndCommitSql(calls: readonly string[]): string {
  return `SELECT ${calls.join(', ')}; COMMIT`;
}
