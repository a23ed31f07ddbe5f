/**
 * Filling a PostgreSQL target's queue by SQL for the deep-backlog scenario (issue 12): a million
 * SendMessageBatch calls would take minutes of the run, one `INSERT … SELECT generate_series` per chunk
 * takes seconds.
 *
 * The rows are copies of one template message the harness sent through the API (so queue id, sender,
 * attributes and the columns a send leaves at their defaults are exactly what Ferry writes), each with
 * its own message id (a UUID, as Ferry's), its own body (the harness's 200-byte body format with its
 * sequence number, so the consumers track every delivery as usual) and that body's MD5, sent and visible
 * at the database clock's "now" (sql/common.ts DBNOW, as a standard send without delay). Migration 6's
 * statement-level triggers on `messages` record the inserted rows in `message_counts` in the same
 * transaction, so the queue's counts are those of a queue filled by SendMessage. Then `VACUUM ANALYZE`
 * (statistics and visibility map, as autovacuum would produce on a queue that filled over time).
 */
import pg from 'pg';

/** The database clock in epoch ms (src/storage/postgres/sql/common.ts DBNOW). */
const DBNOW = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

/** Rows per INSERT statement (one transaction each). */
const CHUNK = 100_000;

/**
 * The fill statement: rows `$2`…`$3` copied from template message row `$1`, body
 * `<seq>|0.000|0|0|0|` padded with `x` to 200 characters (bench/scenarios.ts makeBody(seq, 0)).
 */
export const Q_FILL = `INSERT INTO messages (queue_id, message_id, group_id, body, md5_body, attrs, md5_attrs, sys_attrs, md5_sys, sender_id, sent_at, visible_at)
  SELECT t.queue_id, gen_random_uuid()::text, t.group_id, b.body, md5(b.body), t.attrs, t.md5_attrs, t.sys_attrs, t.md5_sys, t.sender_id, n.now, n.now
    FROM (SELECT * FROM messages WHERE id = $1) t,
         (SELECT ${DBNOW} AS now) n,
         generate_series($2::int, $3::int) i,
         LATERAL (SELECT rpad(i::text || '|0.000|0|0|0|', 200, 'x') AS body) b
   ORDER BY i`;

export interface FillResult {
  /** Rows inserted by SQL (the template message not included). */
  inserted: number;
  /** Seconds spent inserting, and in VACUUM ANALYZE. */
  insertS: number;
  vacuumS: number;
}

/** A SQL identifier, quoted. */
function ident(x: string): string {
  return `"${x.replace(/"/g, '""')}"`;
}

/**
 * Insert copies of the queue's only message (the template, sent through the API with sequence number
 * `first - 1`) with sequence numbers `first`…`last`, in chunks, stopping early (between chunks) once
 * `deadline` (performance.now()) has passed; then VACUUM ANALYZE. `queueName` is the queue's name (the
 * last segment of its URL).
 */
export async function fillPostgresQueue(
  db: { url: string; schema: string },
  queueName: string,
  first: number,
  last: number,
  deadline: number,
): Promise<FillResult> {
  const c = new pg.Client({ connectionString: db.url, options: `-c search_path=${db.schema}` });
  await c.connect();
  try {
    const q = await c.query<{ id: string }>('SELECT id FROM queues WHERE name = $1', [queueName]);
    if (q.rows.length !== 1) throw new Error(`deep-backlog fill: ${q.rows.length} queues named ${queueName} in schema ${db.schema}`);
    const tpl = await c.query<{ id: string }>('SELECT id FROM messages WHERE queue_id = $1 ORDER BY id', [q.rows[0]!.id]);
    if (tpl.rows.length !== 1) throw new Error(`deep-backlog fill: expected the one template message, found ${tpl.rows.length}`);
    const t0 = performance.now();
    let inserted = 0;
    for (let from = first; from <= last && performance.now() < deadline; from += CHUNK) {
      const to = Math.min(last, from + CHUNK - 1);
      const r = await c.query(Q_FILL, [tpl.rows[0]!.id, from, to]);
      inserted += r.rowCount ?? 0;
    }
    const t1 = performance.now();
    await c.query(`VACUUM ANALYZE ${ident(db.schema)}.messages, ${ident(db.schema)}.message_counts`);
    return { inserted, insertS: (t1 - t0) / 1000, vacuumS: (performance.now() - t1) / 1000 };
  } finally {
    await c.end();
  }
}
