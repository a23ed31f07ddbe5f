/** `ferry export` / `ferry import` (storeExport, messageImport). */
import { DBNOW, QUEUE_COLS } from './common.js';

/** The export's snapshot: REPEATABLE READ (one snapshot for every statement), read only, never timed out while the sink writes. */
export const Q_EXPORT_BEGIN = `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
  SET LOCAL idle_in_transaction_session_timeout = 0; SET LOCAL statement_timeout = 0`;
/** The snapshot's instant: the test clock `$1`, else the database clock. */
export const Q_EXPORT_NOW = `SELECT COALESCE($1::bigint, ${DBNOW}) AS now`;
export const Q_EXPORT_QUEUES = `SELECT ${QUEUE_COLS} FROM queues`;
/** One page of a queue's messages in send order after `$3` (keyset), past retention (`sent_at <= $2`) left out. */
export const Q_EXPORT_MESSAGES_BY_ID = `SELECT * FROM messages WHERE queue_id = $1 AND sent_at > $2 AND id > $3 ORDER BY id LIMIT $4`;
export const Q_EXPORT_MESSAGES_BY_SEQ = `SELECT * FROM messages WHERE queue_id = $1 AND sent_at > $2 AND seq > $3 ORDER BY seq LIMIT $4`;
export const Q_EXPORT_DEDUP = `SELECT key, message_id, seq, expires_at FROM dedup WHERE queue_id = $1 AND expires_at > $2 ORDER BY key COLLATE "C"`;

/** Lock queue `$1` (as a FIFO send does) and read its last sequence counter. */
export const Q_IMPORT_LOCK = `SELECT ${QUEUE_COLS}, seq_counter FROM queues WHERE id = $1 FOR NO KEY UPDATE`;
/** Imported messages of queue `$1`, stored in array order (ids increase with it). */
export const Q_IMPORT_MESSAGES = `INSERT INTO messages (queue_id, message_id, seq, group_id, dedup_id, body, md5_body, attrs, md5_attrs, sys_attrs,
                          md5_sys, sender_id, sent_at, visible_at, received, receive_count, first_received_at, dl_source_arn)
  SELECT $1, mid, s, g, d, b, mb, a, ma, sa, ms, snd, st, v, false, rc, fr, dl
    FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                $11::text[], $12::text[], $13::bigint[], $14::bigint[], $15::integer[], $16::bigint[], $17::text[])
         WITH ORDINALITY AS x(mid, s, g, d, b, mb, a, ma, sa, ms, snd, st, v, rc, fr, dl, n)
   ORDER BY n`;
export const Q_IMPORT_RAISE_SEQ = 'UPDATE queues SET seq_counter = GREATEST(seq_counter, $2) WHERE id = $1';
export const Q_IMPORT_DEDUP = `INSERT INTO dedup (queue_id, key, message_id, seq, expires_at)
  SELECT $1, k, mid, s, e FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS d(k, mid, s, e)
  ON CONFLICT (queue_id, key) DO UPDATE SET message_id = excluded.message_id, seq = excluded.seq, expires_at = excluded.expires_at`;

/** One savepoint per call of an atomic import (engine.ts storeImport): a refused call is undone alone. */
export const Q_IMPORT_SAVEPOINT = 'SAVEPOINT import_call';
export const Q_IMPORT_RELEASE = 'RELEASE SAVEPOINT import_call';
export const Q_IMPORT_ROLLBACK_TO = 'ROLLBACK TO SAVEPOINT import_call';
