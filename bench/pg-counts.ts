/**
 * Probe: PostgreSQL queue counts (GetQueueAttributes' ApproximateNumberOf*) on a deep queue, before and
 * after schema migration 6 (issue 12). Usage: `node dist/bench/pg-counts.js [messages=1000000]`.
 *
 * On a private cluster (bench/pg.ts): a schema at version 5 with one deep standard queue (`messages` rows
 * inserted by SQL: 90% visible, 9% in flight, 1% delayed) and one empty queue, VACUUM ANALYZE, then the
 * median of 15 runs of schema 5's count statement (an index-only scan of `messages_age_cover`, with the
 * engine's session settings) on each queue; then a PostgresEngine opens the schema, which runs migration 6
 * (its time — writes wait for that long — is printed), VACUUM, and the median of 15 `engine.queueStats`
 * calls on each queue. Also prints the EXPLAIN (ANALYZE, BUFFERS) of the count before and after.
 */
import pg from 'pg';

import { ManualClock } from '../src/core/clock.js';
import { SeededRandom } from '../src/core/random.js';
import { PostgresEngine } from '../src/storage/postgres/index.js';
import { MIGRATIONS, migrate } from '../src/storage/postgres/migrations.js';
import { Q_QUEUE_STATS } from '../src/storage/postgres/sql/queues.js';
import { benchDatabase } from './pg.js';

/** Schema 5's count statement (migration 5), for the "before". */
const Q_STATS_V5 = `SELECT count(*) FILTER (WHERE visible_at <= $2) AS visible,
              count(*) FILTER (WHERE visible_at > $2 AND received) AS inflight,
              count(*) FILTER (WHERE visible_at > $2 AND NOT received) AS delayed
         FROM messages WHERE queue_id = $1 AND sent_at > $3`;

const N = Number(process.argv[2] ?? 1_000_000);
const SCHEMA = 'ferry_counts_probe';
const SESSION = `-c search_path=${SCHEMA} -c enable_seqscan=off -c enable_bitmapscan=off -c jit=off`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timed(runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    t.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(t);
}

const db = await benchDatabase();
try {
  const clock = new ManualClock();
  const now = clock.now();
  const c = new pg.Client({ connectionString: db.url, options: SESSION });
  await c.connect();
  await migrate(c, SCHEMA, now, { defaultAccountId: '000000000000' }, MIGRATIONS.slice(0, 5));
  for (const [id, name] of [
    ['qdeep', 'deep'],
    ['qempty', 'empty'],
  ]) {
    await c.query(
      `INSERT INTO queues (id, account_id, name, fifo, attributes, tags, created_at, last_modified_at) VALUES ($1, '000000000000', $2, false, '{}', '{}', $3, $3)`,
      [id, name, now],
    );
  }
  let t0 = Date.now();
  await c.query(
    `INSERT INTO messages (queue_id, message_id, body, md5_body, sender_id, sent_at, visible_at, received)
     SELECT 'qdeep', md5(i::text), repeat('x', 100), md5(i::text), 'AIDA', $2::bigint - 1000000 + (i % 1000000),
            CASE WHEN i % 100 < 90 THEN $2::bigint - 1 ELSE $2::bigint + 60000 END, i % 100 BETWEEN 90 AND 98
       FROM generate_series(1, $1::int) i`,
    [N, now],
  );
  console.log(`inserted ${N} messages in ${Date.now() - t0} ms`);
  await c.query('VACUUM ANALYZE messages');
  const cutoff = now - 345_600_000;
  const explain = async (sql: string): Promise<void> => {
    const r = await c.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, ['qdeep', now, cutoff]);
    console.log(r.rows.map((x) => '    ' + x['QUERY PLAN']).join('\n'));
  };
  console.log('schema 5 (count by index-only scan of messages_age_cover), after VACUUM ANALYZE:');
  await explain(Q_STATS_V5);
  const before = await timed(15, () => c.query(Q_STATS_V5, ['qdeep', now, cutoff]));
  const beforeEmpty = await timed(15, () => c.query(Q_STATS_V5, ['qempty', now, cutoff]));
  console.log(`  count statement: deep ${before.toFixed(2)} ms, empty ${beforeEmpty.toFixed(2)} ms (median of 15)`);

  const e = new PostgresEngine({ url: db.url, schema: SCHEMA, poolSize: 2, timeSource: { clock }, clock, random: new SeededRandom('probe') });
  t0 = Date.now();
  await e.init();
  console.log(`migration 6 (lock, triggers, backfill of ${N} rows) and the first compaction: ${Date.now() - t0} ms; schema ${e.schemaVersion}`);
  const t1 = process.hrtime.bigint();
  await e.queueStats('qdeep');
  const once = Number(process.hrtime.bigint() - t1) / 1e6;
  console.log(`  queueStats right after the migration, before any VACUUM: ${once.toFixed(2)} ms`);
  await c.query('VACUUM messages');
  console.log('schema 6 (counts from message_counts), after VACUUM:');
  await explain(Q_QUEUE_STATS);
  const after = await timed(15, () => e.queueStats('qdeep'));
  const afterEmpty = await timed(15, () => e.queueStats('qempty'));
  console.log(`  engine.queueStats: deep ${after.toFixed(2)} ms, empty ${afterEmpty.toFixed(2)} ms (median of 15)`);
  console.log(`  counts: ${JSON.stringify(await e.queueStats('qdeep'))}`);
  await e.close();
  await c.end();
} finally {
  db.stop();
}
