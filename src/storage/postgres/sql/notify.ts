/**
 * LISTEN/NOTIFY statements (see notify.ts). Channel names are generated identifiers, payloads are
 * escaped literals.
 *
 * Wake interest: a NOTIFY is sent only for a queue on which some *other* process has registered that it
 * long-polls (`wake_interest`, migration 7; Notifier.expectWakes). A transaction with a pending NOTIFY
 * takes a lock on the whole PostgreSQL instance at commit and holds it until the commit is flushed
 * (async.c PreCommit_Notify: notifications must enter the queue in commit order), so every notifying
 * commit of every Ferry process waits for the previous one's WAL flush; and every listening process
 * receives and parses every notification. Sends to a queue nobody else waits on need neither.
 */

export function listenSql(channel: string): string {
  return `LISTEN ${channel}`;
}

/**
 * A live registration of interest in queue `queue` by a process other than `instance` (SQL
 * expressions). Expiry is on the database's clock (`clock_timestamp()`), the same for every process.
 */
export function otherInterestSql(queue: string, instance: string): string {
  return `EXISTS (SELECT 1 FROM wake_interest wi WHERE wi.queue_id = ${queue} AND wi.instance <> ${instance} AND wi.expires_at > clock_timestamp())`;
}

/**
 * The COMMIT round trip of a transaction that woke queues: one `pg_notify` per queue (literal, escaped)
 * that another process is interested in (PostgreSQL delivers them at commit, never for a rollback),
 * then COMMIT. The payload is `<instance> <queue id>` (Notifier.payload).
 */
export function notifyAndCommitSql(channel: string, instance: string, queues: readonly string[]): string {
  return `SELECT pg_notify(${channel}, ${instance} || ' ' || q.id) FROM unnest(ARRAY[${queues.join(', ')}]::text[]) AS q(id)
   WHERE ${otherInterestSql('q.id', instance)}; COMMIT`;
}

/**
 * Register (or extend) this process's interest in queue `$1` (instance `$2`) for `$3` seconds of the
 * database's clock.
 */
export const Q_INTEREST_SET = `INSERT INTO wake_interest (queue_id, instance, expires_at) VALUES ($1, $2, clock_timestamp() + make_interval(secs => $3))
  ON CONFLICT (queue_id, instance) DO UPDATE SET expires_at = excluded.expires_at`;

/** Withdraw every interest of instance `$1` (the engine closes). */
export const Q_INTEREST_DROP = 'DELETE FROM wake_interest WHERE instance = $1';

/** Housekeeping: interests past their expiry (a process that died without withdrawing them). */
export const Q_INTEREST_SWEEP = 'DELETE FROM wake_interest WHERE expires_at < clock_timestamp()';
