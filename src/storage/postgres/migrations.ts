/**
 * Numbered, forward-only schema migrations of the PostgreSQL engine. The numbers match the SQLite
 * engine's (001 = the full schema), so "schema version N" means the same thing on both engines.
 *
 * Rules (shared with src/storage/sqlite/migrations.ts):
 *  - A migration is never edited once released; changes are new, higher-numbered entries.
 *  - Each migration runs in its own transaction together with the row that records it in
 *    `schema_migrations`, so a crash leaves the schema either before or after it, never half-way —
 *    except `online` steps (indexes built CONCURRENTLY on a live table), which are written to be
 *    idempotent instead and recorded once they have all run.
 *  - A schema whose recorded version is newer than this build knows is refused: an older Ferry must
 *    not write into tables it does not understand.
 *  - The whole run holds a session-level advisory lock keyed by the schema name, so several Ferry
 *    processes starting together migrate exactly once: the first one applies, the others wait for the
 *    lock and then find nothing left to do.
 *
 * All tables live in one schema (`--database-schema`, default `ferry`), created when missing; the
 * engine's sessions put it first on their `search_path`, which is why the SQL here is unqualified.
 */

import { setTimeout as sleep } from 'node:timers/promises';

import type pg from 'pg';

/** What a migration may need to know about the server that runs it (as SQLite's). */
export interface MigrationEnv {
  /** `--account-id`: the account that owned every queue before several accounts per server (migration 003). */
  readonly defaultAccountId: string;
}

/**
 * One schema step. `sql` may hold several statements; a function builds them from the environment; it
 * runs in one transaction with the row that records the step. `online` steps instead run outside any
 * transaction (CREATE/DROP INDEX CONCURRENTLY cannot run inside one), statement by statement, before the
 * step is recorded: each must be idempotent, because a crash half-way re-runs the whole step.
 */
export type Migration =
  | { readonly version: number; readonly name: string; readonly sql: string | ((env: MigrationEnv) => string) }
  | { readonly version: number; readonly name: string; readonly online: (client: pg.ClientBase) => Promise<void> };

/** An account id as a SQL literal: checked to be 12 digits first, so it never needs escaping. */
function accountLiteral(accountId: string): string {
  if (!/^\d{12}$/.test(accountId)) throw new Error(`invalid default account id ${JSON.stringify(accountId)} (12 digits)`);
  return `'${accountId}'`;
}

/**
 * Migration 001: the full schema.
 *
 * Differences from the SQLite schema, and why:
 *  - One `messages` table holds body and attributes (SQLite splits them into `payloads`). PostgreSQL
 *    stores values over ~2 kB out of line (TOAST) and an UPDATE that does not touch them reuses the
 *    TOAST pointer, so a claim already rewrites only the small inline part of the row.
 *  - Booleans and bigints instead of INTEGER; times are epoch ms (bigint) from the database clock.
 *  - `move_tasks_one_active` is a partial unique index: two nodes starting a task on the same queue at
 *    the same moment cannot both succeed (the loser gets a unique violation → MoveTaskActive).
 *  - `messages_group_lock` served the former FIFO group-lock check ("does this group have a message
 *    in flight?"); since a group is blocked only by its head (semantics/fifo.ts) no statement reads
 *    it any more. Migration 002 drops it.
 *
 * `fifo_groups` has the same role as in SQLite: one row per non-empty FIFO group (since migration 7,
 * also rows of groups that became empty, until the sweep drops them) with
 * `ready_at = head.visible_at` (semantics.groupReadyAt). Here it is also
 * the *lock object* of a group: a receive locks the group rows it drains (`FOR UPDATE SKIP LOCKED`), so
 * two nodes never drain one group at the same time; see engine.ts for the locking protocol.
 */
const M001_SCHEMA = `
CREATE TABLE meta (
  key   text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE queues (
  id               text PRIMARY KEY,
  name             text NOT NULL UNIQUE,
  fifo             boolean NOT NULL,
  attributes       text NOT NULL,
  tags             text NOT NULL,
  created_at       bigint NOT NULL,
  last_modified_at bigint NOT NULL,
  seq_counter      bigint NOT NULL DEFAULT 0,
  last_purge_at    bigint
);

CREATE TABLE queue_tombstones (
  name       text PRIMARY KEY,
  deleted_at bigint NOT NULL
);

CREATE TABLE messages (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  queue_id          text NOT NULL,
  message_id        text NOT NULL,
  seq               bigint,
  group_id          text,
  dedup_id          text,
  body              text NOT NULL,
  md5_body          text NOT NULL,
  attrs             text,
  md5_attrs         text,
  sys_attrs         text,
  md5_sys           text,
  sender_id         text NOT NULL,
  sent_at           bigint NOT NULL,
  visible_at        bigint NOT NULL,
  received          boolean NOT NULL DEFAULT false,
  receipt_token     text,
  received_at       bigint,
  receive_count     integer NOT NULL DEFAULT 0,
  first_received_at bigint,
  dl_source_arn     text
);
CREATE INDEX messages_ready ON messages (queue_id, visible_at, id);
CREATE INDEX messages_age ON messages (queue_id, sent_at);
CREATE INDEX messages_group ON messages (queue_id, group_id, seq) WHERE group_id IS NOT NULL;
CREATE INDEX messages_group_lock ON messages (queue_id, group_id, visible_at) WHERE received AND group_id IS NOT NULL;

CREATE TABLE fifo_groups (
  queue_id text NOT NULL,
  group_id text NOT NULL,
  head_seq bigint NOT NULL,
  ready_at bigint NOT NULL,
  PRIMARY KEY (queue_id, group_id)
);
CREATE INDEX fifo_groups_ready ON fifo_groups (queue_id, ready_at, head_seq);

CREATE TABLE dedup (
  queue_id   text NOT NULL,
  key        text NOT NULL,
  message_id text NOT NULL,
  seq        bigint,
  expires_at bigint NOT NULL,
  PRIMARY KEY (queue_id, key)
);
CREATE INDEX dedup_expiry ON dedup (expires_at);

CREATE TABLE receive_attempts (
  queue_id   text NOT NULL,
  attempt_id text NOT NULL,
  expires_at bigint NOT NULL,
  -- JSON array of {id, token}: the messages and receipt tokens the attempt delivered
  receipts   text NOT NULL,
  PRIMARY KEY (queue_id, attempt_id)
);
CREATE INDEX receive_attempts_expiry ON receive_attempts (expires_at);

CREATE TABLE move_tasks (
  n               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id              text NOT NULL UNIQUE,
  source_arn      text NOT NULL,
  source_queue_id text NOT NULL,
  destination_arn text,
  max_per_second  integer,
  status          text NOT NULL,
  to_move         integer NOT NULL,
  moved           integer NOT NULL DEFAULT 0,
  failure_reason  text,
  started_at      bigint NOT NULL
);
CREATE INDEX move_tasks_source ON move_tasks (source_arn, n);
CREATE INDEX move_tasks_queue ON move_tasks (source_queue_id);
CREATE INDEX move_tasks_status ON move_tasks (status) WHERE status IN ('RUNNING', 'CANCELLING');
CREATE UNIQUE INDEX move_tasks_one_active ON move_tasks (source_queue_id) WHERE status IN ('RUNNING', 'CANCELLING');
`;

/**
 * Migration 002 (as SQLite's 2): the creation-time deduplication scope of each queue
 * (`queues.dedup_scope`), and the unused index `messages_group_lock` dropped.
 *
 * AWS keeps deduplicating a FIFO queue with the DeduplicationScope it was created with, whatever
 * SetQueueAttributes sets later (semantics/dedup.ts), so the scope is stored once, at create
 * (semantics.creationDedupScope), and never updated. Schema 1 kept only the current attribute, so
 * existing queues are backfilled from it: the best that is known about them (a queue whose scope was
 * changed before this migration keeps the changed one). Safe on a schema with data and quick: ADD
 * COLUMN with a constant default only changes the catalog (PostgreSQL 11+), and the UPDATE touches only
 * FIFO queue rows. A node of an older build still running on the schema inserts queues without the
 * column, which then get `queue`; upgrade every node.
 *
 * `messages_group_lock` (see migration 001) has had no reader since a FIFO group is blocked only by its
 * head, but every FIFO claim (received = true) still inserted an entry into it. Before dropping it,
 * EXPLAIN of the generic plan of every statement in sql/ (71, with the engine's session settings, on a
 * schema with 2 000 FIFO messages in 200 groups and 2 000 standard ones, some in flight, analyzed),
 * and auto_explain of every statement the storage contract, the hot-path and differential tests and
 * `bench/layers.js engine postgres std|fifo` ran (20 238 plans), showed none using it. DROP INDEX takes
 * the `messages` table's lock for the length of this transaction (waiting for transactions already
 * on it), as the ALTER TABLE does for `queues`: a short pause of the other nodes at upgrade time.
 */
const M002_DEDUP_SCOPE = `
ALTER TABLE queues ADD COLUMN dedup_scope text NOT NULL DEFAULT 'queue'
  CHECK (dedup_scope IN ('queue', 'messageGroup'));
UPDATE queues SET dedup_scope = 'messageGroup'
 WHERE fifo AND (attributes::jsonb ->> 'DeduplicationScope') = 'messageGroup';
DROP INDEX IF EXISTS messages_group_lock;
`;

/**
 * Migration 003 (as SQLite's 3): several accounts per server. A queue is identified by (account,
 * name) — the same name in two accounts is two queues, as on AWS — so `queues` gains `account_id`
 * with UNIQUE (account_id, name) in place of UNIQUE (name), and the deleted-name tombstones
 * (QueueDeletedRecently) are keyed the same way. Every existing queue and tombstone belongs to the
 * default account (`--account-id` of the server that runs the migration): until now it was the only
 * one, and its queue URLs and ARNs already named it.
 *
 * ADD COLUMN without a default and one UPDATE of the queue rows (a few per queue, never the messages);
 * the new unique index is built on those rows. The ALTER TABLEs hold `queues` exclusively for this
 * transaction: a short pause of the other nodes at upgrade time. A node of an older build still
 * running on the schema can no longer create queues (its INSERT names no account, and its
 * ON CONFLICT (name) has no matching index): upgrade every node.
 */
const M003_ACCOUNTS = (env: MigrationEnv): string => `
ALTER TABLE queues ADD COLUMN account_id text;
UPDATE queues SET account_id = ${accountLiteral(env.defaultAccountId)};
ALTER TABLE queues ALTER COLUMN account_id SET NOT NULL;
ALTER TABLE queues DROP CONSTRAINT queues_name_key;
ALTER TABLE queues ADD CONSTRAINT queues_account_name_key UNIQUE (account_id, name);

ALTER TABLE queue_tombstones ADD COLUMN account_id text;
UPDATE queue_tombstones SET account_id = ${accountLiteral(env.defaultAccountId)};
ALTER TABLE queue_tombstones ALTER COLUMN account_id SET NOT NULL;
ALTER TABLE queue_tombstones DROP CONSTRAINT queue_tombstones_pkey;
ALTER TABLE queue_tombstones ADD PRIMARY KEY (account_id, name);
`;

/**
 * 004: ListQueues pages one account's queues by name, in code-unit order (byte order for the ASCII
 * queue names) — `COLLATE "C"`, whatever the database's default collation (en_US orders `B` after `a`
 * and ignores `-`). The unique (account_id, name) index is in the default collation, so a page in "C"
 * order gets an index of its own: one range scan per page instead of reading every queue.
 */
const M004_QUEUE_NAME_ORDER = `
CREATE INDEX queues_account_name_c ON queues (account_id, name COLLATE "C");
`;

/** Migration 005's index (exported for the tests). */
export const COUNTS_INDEX = 'messages_age_cover';

/**
 * 005: queue counts (ApproximateNumberOf*) by index-only scan. queueStats and queueGauges count a
 * queue's messages by state (`visible_at` against now, `received`) over the retention range of
 * `messages_age (queue_id, sent_at)`; the index held neither column, so each counted row was a heap
 * fetch (0.6–1.1 s for a 1,000,000-message queue). `messages_age_cover` has the same key and carries
 * both columns (INCLUDE), so the count reads only the index — plus the heap pages not yet marked
 * all-visible by (auto)vacuum, i.e. the recently written ones. It replaces `messages_age` for its other
 * readers too (browse, retention sweep: same key). No write gets more expensive in kind: a claim already
 * changes `visible_at`, which `messages_ready` indexes, so no update of a message was HOT before either.
 *
 * Maintained counters were the alternative and were not chosen: the three counts move with time alone
 * (a delayed message becomes visible, an expired claim visible again, a message past retention
 * uncounted, all without any write), so counters could keep only the total, and a per-queue counter row
 * updated by every send, receive and delete of every process would serialize them all on one row lock.
 * (Migration 6 does maintain them after all, in a shape that avoids both problems: deltas by deadline
 * second, appended, never updated in place.)
 *
 * Built online on a live table: CREATE INDEX CONCURRENTLY (no lock that blocks sends, receives or
 * deletes while it builds), then DROP INDEX CONCURRENTLY of the old one. A build interrupted by a crash
 * or a cancel leaves an INVALID index of the same name, which IF NOT EXISTS would keep as it is: such a
 * leftover is dropped first and built again. Re-running after a crash at any point converges.
 */
async function m005CountsIndex(c: pg.ClientBase): Promise<void> {
  const r = await c.query<{ valid: boolean }>(
    `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid
      WHERE x.relname = $1 AND x.relnamespace = current_schema()::regnamespace`,
    [COUNTS_INDEX],
  );
  if (r.rows[0] && !r.rows[0].valid) await c.query(`DROP INDEX CONCURRENTLY IF EXISTS ${COUNTS_INDEX}`);
  await c.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${COUNTS_INDEX} ON messages (queue_id, sent_at) INCLUDE (visible_at, received)`);
  await c.query('DROP INDEX CONCURRENTLY IF EXISTS messages_age');
}

/**
 * Width of a `message_counts` bucket in ms: a message counts in bucket `visible_at / COUNT_BUCKET_MS`
 * (exported for sql/queues.ts and the tests; changing it needs a new migration that rebuilds the table).
 */
export const COUNT_BUCKET_MS = 1000;

/** How long migration 6 waits for its table lock per attempt, and how many attempts it makes. */
const M006_LOCK_TIMEOUT = '2s';
const M006_LOCK_ATTEMPTS = 30;

/**
 * 006: queue counts from maintained counters (`message_counts`), so that GetQueueAttributes does not
 * grow with the backlog (migration 5's index-only scan still read one index entry per message: ~100 ms
 * for 1,000,000). Migration 5's note explains why plain counters cannot give the three counts — they
 * move with time alone — and this table is shaped around that:
 *
 *  - It holds *deltas*, `(queue_id, bucket, received, n)`, where `bucket = visible_at / COUNT_BUCKET_MS`:
 *    the number of messages of a queue by visibility deadline (to the second) and by `received`. A
 *    message whose deadline passes moves from "in flight"/"delayed" to "visible" with no write, and the
 *    reader accounts for it: buckets after now's are not visible yet; now's own bucket is split by an
 *    exact range count of `messages_ready` (deadlines in (now, end of the second)); everything else is
 *    visible. See sql/queues.countsOf.
 *  - Statement-level AFTER triggers with transition tables on `messages` (INSERT, UPDATE, DELETE)
 *    append one delta row per (queue, bucket, received) a statement changed, in the statement's own
 *    transaction: whatever writes messages — any Ferry process, any build of schema ≥ 6, a migration,
 *    an operator's SQL — keeps the counts exact, and a crash loses the deltas with the change. TRUNCATE
 *    (which fires no row triggers) empties the table. An UPDATE adds the new rows' keys and subtracts
 *    the old ones', so updates that change neither `visible_at` nor `received` net to nothing.
 *  - Append-only, never updated in place: concurrent writers never wait for each other on a counter
 *    row (no hot row, no lock order to get wrong). The sweep (and every engine at start) compacts the
 *    table (sql/queues.Q_COMPACT_COUNTS): one row per key, buckets well in the past merged into bucket
 *    0, zero sums dropped — which also removes what a deleted queue left.
 *
 * Messages past retention that the sweep has not removed yet are subtracted by the reader from the
 * (normally empty) `sent_at <= cutoff` range of `messages_age_cover` (migration 5).
 *
 * Safe on a live table: one transaction takes `messages` in SHARE ROW EXCLUSIVE mode (reads go on;
 * writes wait), creates the table, function and triggers and backfills the deltas from the rows that are
 * there — exact, because no write can come between the backfill and the triggers. Writes pause for the
 * backfill (an aggregate over `messages_age_cover`; measured in BENCHMARKS.md). The lock is asked for with
 * a `lock_timeout` of M006_LOCK_TIMEOUT and retried: waiting behind a long transaction would otherwise
 * queue every writer behind the migration. All or nothing; a re-run after a crash between the commit and
 * the schema_migrations row finds the trigger and does nothing.
 */
async function m006Counters(c: pg.ClientBase): Promise<void> {
  const s = (await c.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]!.s;
  if (!SCHEMA_NAME.test(s)) throw new Error(`invalid schema name ${JSON.stringify(s)}`);
  const done = await c.query(`SELECT 1 FROM pg_trigger WHERE tgrelid = '${s}.messages'::regclass AND tgname = 'message_counts_insert'`);
  if (done.rowCount) return;
  const B = COUNT_BUCKET_MS;
  await withLockRetries(c, M006_LOCK_TIMEOUT, M006_LOCK_ATTEMPTS, async () => {
    await c.query(`LOCK TABLE ${s}.messages IN SHARE ROW EXCLUSIVE MODE`);
    await c.query(`
CREATE TABLE ${s}.message_counts (
  queue_id text NOT NULL,
  bucket   bigint NOT NULL,
  received boolean NOT NULL,
  n        bigint NOT NULL
);
CREATE INDEX message_counts_queue ON ${s}.message_counts (queue_id, bucket);
CREATE FUNCTION ${s}.message_counts_track() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO ${s}.message_counts (queue_id, bucket, received, n)
    SELECT queue_id, visible_at / ${B}, received, count(*) FROM new_rows GROUP BY 1, 2, 3;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO ${s}.message_counts (queue_id, bucket, received, n)
    SELECT queue_id, visible_at / ${B}, received, -count(*) FROM old_rows GROUP BY 1, 2, 3;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO ${s}.message_counts (queue_id, bucket, received, n)
    SELECT queue_id, b, received, sum(d) FROM (
      SELECT queue_id, visible_at / ${B} AS b, received, 1 AS d FROM new_rows
      UNION ALL SELECT queue_id, visible_at / ${B}, received, -1 FROM old_rows) x
     GROUP BY 1, 2, 3 HAVING sum(d) <> 0;
  ELSE
    DELETE FROM ${s}.message_counts;
  END IF;
  RETURN NULL;
END $f$;
CREATE TRIGGER message_counts_insert AFTER INSERT ON ${s}.messages
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${s}.message_counts_track();
CREATE TRIGGER message_counts_update AFTER UPDATE ON ${s}.messages
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${s}.message_counts_track();
CREATE TRIGGER message_counts_delete AFTER DELETE ON ${s}.messages
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${s}.message_counts_track();
CREATE TRIGGER message_counts_truncate AFTER TRUNCATE ON ${s}.messages
  FOR EACH STATEMENT EXECUTE FUNCTION ${s}.message_counts_track();
INSERT INTO ${s}.message_counts (queue_id, bucket, received, n)
SELECT queue_id, visible_at / ${B}, received, count(*) FROM ${s}.messages GROUP BY 1, 2, 3;
`);
  });
}

/**
 * Run `body` in a transaction whose lock waits are bounded by `lockTimeout` (SET LOCAL lock_timeout),
 * retried up to `attempts` times, 250 ms apart, when a lock was not granted in time (55P03): a
 * migration that must lock a live table never keeps every writer queued behind it for long.
 */
async function withLockRetries(c: pg.ClientBase, lockTimeout: string, attempts: number, body: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await c.query('BEGIN');
    try {
      await c.query(`SET LOCAL lock_timeout = '${lockTimeout}'`);
      await body();
      await c.query('COMMIT');
      return;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      if ((e as { code?: string }).code !== '55P03' || attempt >= attempts) throw e;
      await sleep(250);
    }
  }
}

/** How long migration 7 waits for its table lock per attempt, and how many attempts it makes. */
const M007_LOCK_TIMEOUT = '2s';
const M007_LOCK_ATTEMPTS = 30;

/**
 * 007: empty FIFO group rows. A group whose last message goes keeps its `fifo_groups` row, marked
 * empty (head_seq and ready_at NULL), and the sweep drops such rows later: a send can then append to a
 * non-empty group under a shared lock that deletes and receives do not wait for (see the locking
 * protocol in groups.ts). So both columns lose NOT NULL.
 *
 * Safe on a live table: dropping NOT NULL changes only the catalog (no scan, no rewrite), but ALTER
 * TABLE takes `fifo_groups` in ACCESS EXCLUSIVE mode for its transaction; the lock is asked for with a
 * `lock_timeout` of M007_LOCK_TIMEOUT and retried (as migration 6), so the FIFO traffic queued behind it
 * waits at most that long. Idempotent: dropping NOT NULL from a nullable column is a no-op, so a re-run
 * after a crash between the commit and the schema_migrations row changes nothing. A node of an older
 * build still running on the schema appends to an empty row without making it non-empty again: its
 * messages wait for the next sweep of a node of this build, which recomputes empty rows whose group has
 * messages; upgrade every node.
 */
async function m007EmptyGroups(c: pg.ClientBase): Promise<void> {
  await withLockRetries(c, M007_LOCK_TIMEOUT, M007_LOCK_ATTEMPTS, async () => {
    await c.query('ALTER TABLE fifo_groups ALTER COLUMN head_seq DROP NOT NULL, ALTER COLUMN ready_at DROP NOT NULL');
  });
}

/**
 * 008: long-poll interest (`wake_interest`): which Ferry processes long-poll which queues, so that only
 * those queues are NOTIFYed (sql/notify.ts: a NOTIFY serialises commits on the whole instance). A new,
 * small table: no lock on any existing one. A process of an older build (running during a rolling
 * upgrade) registers no interest; its long polls then find new messages by their once-a-second
 * re-check instead of by NOTIFY until it is replaced.
 */
const M008_WAKE_INTEREST = `
CREATE TABLE IF NOT EXISTS wake_interest (
  queue_id   text NOT NULL,
  instance   text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (queue_id, instance)
);
`;

/** All migrations, in order. Append only. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'schema', sql: M001_SCHEMA },
  { version: 2, name: 'queue dedup scope, drop messages_group_lock', sql: M002_DEDUP_SCOPE },
  { version: 3, name: 'queues keyed by (account, name)', sql: M003_ACCOUNTS },
  { version: 4, name: 'queue names in byte order (ListQueues pages)', sql: M004_QUEUE_NAME_ORDER },
  { version: 5, name: 'queue counts by index-only scan (messages_age_cover)', online: m005CountsIndex },
  { version: 6, name: 'queue counts from maintained counters (message_counts)', online: m006Counters },
  { version: 7, name: 'empty FIFO group rows (fifo_groups head_seq, ready_at nullable)', online: m007EmptyGroups },
  { version: 8, name: 'long-poll interest (wake_interest: NOTIFY only queues another process waits on)', sql: M008_WAKE_INTEREST },
];

/** A schema name Ferry accepts: a plain lower-case SQL identifier, so it never needs quoting. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Bring `schema` up to the newest migration, creating the schema when missing. `now` is recorded per
 * step (epoch ms); `env` is what migrations may need (the default account). Returns the schema version after the run. Runs on one dedicated client and holds a
 * session advisory lock for the whole run (released on every exit path; a crashed process's lock dies
 * with its session).
 */
export async function migrate(
  client: pg.ClientBase,
  schema: string,
  now: number,
  env: MigrationEnv,
  migrations: readonly Migration[] = MIGRATIONS,
  lockPollMs = 100,
): Promise<number> {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}`);
  // Polled, not waited for: a session blocked in pg_advisory_lock holds a snapshot, and CREATE INDEX
  // CONCURRENTLY (migration 5) waits for every older snapshot to end — the holder would wait for the
  // waiters while they wait for it. Between polls a waiter has no transaction and no snapshot.
  while (!(await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [`ferry:migrate:${schema}`])).rows[0]!.ok) {
    await sleep(lockPollMs);
  }
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`SET search_path TO ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      applied_at bigint NOT NULL
    )`);
    const current = async (): Promise<number> =>
      Number((await client.query<{ v: number }>('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations')).rows[0]!.v);
    const newest = migrations.length ? migrations[migrations.length - 1]!.version : 0;
    const found = await current();
    if (found > newest) {
      throw new Error(`PostgreSQL schema ${schema} is at version ${found}, newer than this Ferry build knows (${newest})`);
    }
    for (const m of migrations) {
      if (m.version <= found) continue;
      if ('online' in m) {
        await m.online(client);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, now]);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(typeof m.sql === 'string' ? m.sql : m.sql(env));
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, now]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    }
    return await current();
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`ferry:migrate:${schema}`]).catch(() => undefined);
  }
}
