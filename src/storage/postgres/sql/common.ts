/**
 * SQL fragments every statement file shares: the clocks, the column lists, the queue test of
 * statements that look messages up by id, and what a claim does to a row. Fragments only — each
 * statement itself lives in the file of the operation family it belongs to (see sql/index.ts).
 */
import { NO_REDRIVE } from '../../semantics/index.js';

/** The database clock in epoch milliseconds. */
export const DBNOW = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

/**
 * The statement clock in epoch milliseconds: the database clock when the statement began. Unlike
 * `clock_timestamp()` it is *stable* (one value for the whole statement), so the planner can use it in
 * index conditions and estimate it against the column statistics, in custom and in generic plans alike.
 */
export const STMT_NOW = '(extract(epoch from statement_timestamp()) * 1000)::bigint';

/** Columns of `queues` that make a QueueRecord. */
export const QUEUE_COLS = 'id, account_id, name, fifo, attributes, tags, created_at, last_modified_at, dedup_scope';

/** Columns of `messages` a delivery needs (see rows.toReceived). */
export const DELIVERY_COLS =
  'id, message_id, seq, group_id, dedup_id, body, md5_body, attrs, md5_attrs, sys_attrs, md5_sys, sender_id, sent_at, receipt_token, received_at, receive_count, first_received_at, dl_source_arn';

/** DELIVERY_COLS of the alias `m` (RETURNING of the claims). */
export const M_DELIVERY_COLS = DELIVERY_COLS.split(', ')
  .map((c) => `m.${c}`)
  .join(', ');

/**
 * "The message belongs to queue `$1`" for statements that look messages up by id (`id = ANY($2)`).
 * Written as a boolean test so the planner cannot use it as an index condition: the row ids make
 * the primary key the one right access path, but with missing or stale statistics (a young table,
 * the churn of a queue) it would otherwise AND in, or switch to, the queue_id index and read every
 * message of the queue.
 */
export const IN_QUEUE = '(queue_id = $1) IS TRUE';

/** The receive-count bound of a queue without a usable dead-letter queue (semantics.NO_REDRIVE), as SQL text. */
export const NO_REDRIVE_SQL = String(NO_REDRIVE);

/**
 * What a receive does to a message row `m` it claims, at instant `now` with visibility timeout `vis`
 * and receipt token `token` (SQL expressions): the new receipt token, receive count + 1, first-receive
 * time, the new deadline (`now + vis`: semantics.visibilityDeadline, `vis` already rounded and clamped
 * by it in JS). Shared by every claim statement.
 *
 * The token is always an element of a `text[]` parameter of tokens made in JS from the engine's
 * injected randomness (semantics.ReceiptTokens, as on the other engines), indexed by the row's place
 * in the claim order (`row_number()`); the statement is given as many tokens as it may claim rows.
 * It used to be `gen_random_uuid()` in SQL, which a seeded Random could not reproduce.
 */
export function claimSet(now: string, vis: string, token: string): string {
  return `received = true, receipt_token = ${token}, received_at = ${now},
             receive_count = m.receive_count + 1, first_received_at = COALESCE(m.first_received_at, ${now}),
             visible_at = ${now} + ${vis}`;
}
