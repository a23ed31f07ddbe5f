/**
 * Numbered, forward-only schema migrations of the SQLite engine.
 *
 * Rules (shared with the other engines, whose migration numbers match these):
 *  - A migration is never edited once released; changes are new, higher-numbered entries.
 *  - Each migration runs in its own transaction together with the row that records it in
 *    `schema_migrations`, so a crash leaves the store either before or after it, never half-way.
 *  - Opening a store whose recorded version is higher than the newest migration known to this
 *    build fails: an older Ferry must not write into a schema it does not understand.
 */

import type Database from 'better-sqlite3';

/** What a migration may need to know about the server that runs it. */
export interface MigrationEnv {
  /** `--account-id`: the account that owned every queue before several accounts per server (migration 3). */
  readonly defaultAccountId: string;
}

/** One schema step. `sql` may hold several statements; a function builds them from the environment. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string | ((env: MigrationEnv) => string);
}

/** An account id as a SQL literal: checked to be 12 digits first, so it never needs escaping. */
export function accountLiteral(accountId: string): string {
  if (!/^\d{12}$/.test(accountId)) throw new Error(`invalid default account id ${JSON.stringify(accountId)} (12 digits)`);
  return `'${accountId}'`;
}

/**
 * Migration 1: the full schema.
 *
 * Design notes (the "why" behind the tables and indexes):
 *
 *  - `payloads` vs `messages`. SQLite rewrites a whole row (overflow pages included) on UPDATE. A
 *    receive or a visibility change touches only a few small columns, so the large immutable parts
 *    (body, attributes, MD5s, sender) live in `payloads` and the hot, frequently updated state in
 *    `messages`. A claim then rewrites ~100 bytes instead of up to 1 MiB, and the receive indexes
 *    stay dense. A dead-letter move creates a new `messages` row pointing at the *same* payload
 *    (no body copy); exactly one `messages` row references a payload at any time, and the code that
 *    deletes a message deletes its payload explicitly (no trigger, no extra index on payload_id).
 *
 *  - `messages.id` is AUTOINCREMENT so that an id is never reused: it is the message `ref` bound into
 *    receipt handles, and standard queues accept old receipts — a reused id would let an old receipt
 *    delete an unrelated newer message.
 *
 *  - `messages_ready (queue_id, visible_at, id, received)`: standard receive walks it in order
 *    (deliverable = visible_at ≤ now), O(log n) to the first candidate at any depth; also the
 *    nextVisibleAt hint (first entry > now) and the in-flight count for the OverLimit check.
 *  - `messages_age (queue_id, sent_at, visible_at, received)`: retention. Expired messages are a
 *    range on sent_at, and it covers the three counts of queueStats without touching rows. (Later
 *    also send order: browse, and the standard receive's bounded look at the head, receive.ts.)
 *  - `messages_group (queue_id, group_id, seq)`: FIFO order inside a group (head = first entry).
 *  - `messages_group_lock (queue_id, group_id, visible_at) WHERE received = 1`: served the former
 *    group lock ("max visibility deadline of the group's received messages > now"); since a group is
 *    blocked only by its head (semantics/fifo.ts) no statement reads it any more. Migration 2 drops it.
 *  - `fifo_groups`: one row per non-empty FIFO group with `ready_at` = the head's visible_at
 *    (semantics.groupReadyAt) — the time from which the group can deliver. Because it is a *time*,
 *    an in-flight head whose visibility lapses re-opens its group with no write: the row simply
 *    becomes ≤ now. Finding the heads of ready groups is a range scan on `fifo_groups_ready
 *    (queue_id, ready_at, head_seq)`, O(log g) to the first ready group whatever the number of
 *    blocked groups or queued messages. The row is recomputed (one index seek) after every change
 *    that touches its group.
 *
 *  - `dedup` and `receive_attempts` carry their own expiry times so a sweep is one range delete.
 *  - `move_tasks.n` gives a creation order that does not depend on the clock (a manual clock may
 *    start two tasks in the same millisecond) for "newest first".
 */
const M1_SCHEMA = `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE queues (
  id               TEXT PRIMARY KEY,
  name             TEXT NOT NULL UNIQUE,
  fifo             INTEGER NOT NULL,
  attributes       TEXT NOT NULL,
  tags             TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  last_modified_at INTEGER NOT NULL,
  -- last FIFO sequence counter handed out (rendered as 10^19 + counter)
  seq_counter      INTEGER NOT NULL DEFAULT 0,
  last_purge_at    INTEGER
) WITHOUT ROWID;

CREATE TABLE queue_tombstones (
  name       TEXT PRIMARY KEY,
  deleted_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE payloads (
  id        INTEGER PRIMARY KEY,
  body      TEXT NOT NULL,
  md5_body  TEXT NOT NULL,
  attrs     TEXT,
  md5_attrs TEXT,
  sys_attrs TEXT,
  md5_sys   TEXT,
  sender_id TEXT NOT NULL,
  dedup_id  TEXT
);

CREATE TABLE messages (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  queue_id          TEXT NOT NULL,
  payload_id        INTEGER NOT NULL,
  message_id        TEXT NOT NULL,
  seq               INTEGER,
  group_id          TEXT,
  sent_at           INTEGER NOT NULL,
  visible_at        INTEGER NOT NULL,
  received          INTEGER NOT NULL DEFAULT 0,
  receipt_token     TEXT,
  received_at       INTEGER,
  receive_count     INTEGER NOT NULL DEFAULT 0,
  first_received_at INTEGER,
  dl_source_arn     TEXT
);
CREATE INDEX messages_ready ON messages (queue_id, visible_at, id, received);
CREATE INDEX messages_age ON messages (queue_id, sent_at, visible_at, received);
CREATE INDEX messages_group ON messages (queue_id, group_id, seq) WHERE group_id IS NOT NULL;
CREATE INDEX messages_group_lock ON messages (queue_id, group_id, visible_at)
  WHERE received = 1 AND group_id IS NOT NULL;

CREATE TABLE fifo_groups (
  queue_id TEXT NOT NULL,
  group_id TEXT NOT NULL,
  head_seq INTEGER NOT NULL,
  ready_at INTEGER NOT NULL,
  PRIMARY KEY (queue_id, group_id)
) WITHOUT ROWID;
CREATE INDEX fifo_groups_ready ON fifo_groups (queue_id, ready_at, head_seq);

CREATE TABLE dedup (
  queue_id   TEXT NOT NULL,
  key        TEXT NOT NULL,
  message_id TEXT NOT NULL,
  seq        INTEGER,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (queue_id, key)
) WITHOUT ROWID;
CREATE INDEX dedup_expiry ON dedup (expires_at);

CREATE TABLE receive_attempts (
  queue_id   TEXT NOT NULL,
  attempt_id TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  -- JSON array of {id, token}: the messages and receipt tokens the attempt delivered
  receipts   TEXT NOT NULL,
  PRIMARY KEY (queue_id, attempt_id)
) WITHOUT ROWID;
CREATE INDEX receive_attempts_expiry ON receive_attempts (expires_at);

CREATE TABLE move_tasks (
  n               INTEGER PRIMARY KEY AUTOINCREMENT,
  id              TEXT NOT NULL UNIQUE,
  source_arn      TEXT NOT NULL,
  source_queue_id TEXT NOT NULL,
  destination_arn TEXT,
  max_per_second  INTEGER,
  status          TEXT NOT NULL,
  to_move         INTEGER NOT NULL,
  moved           INTEGER NOT NULL DEFAULT 0,
  failure_reason  TEXT,
  started_at      INTEGER NOT NULL
);
CREATE INDEX move_tasks_source ON move_tasks (source_arn, n);
CREATE INDEX move_tasks_queue ON move_tasks (source_queue_id);
CREATE INDEX move_tasks_status ON move_tasks (status);
`;

/**
 * Migration 2: the creation-time deduplication scope of each queue (`queues.dedup_scope`), and the
 * unused index `messages_group_lock` dropped.
 *
 * AWS keeps deduplicating a FIFO queue with the DeduplicationScope it was created with, whatever
 * SetQueueAttributes sets later (semantics/dedup.ts), so the scope is stored once, at create
 * (semantics.creationDedupScope), and never updated. Schema 1 kept only the current attribute, so
 * existing queues are backfilled from it: the best that is known about them (a queue whose scope was
 * changed before this migration keeps the changed one). Safe on a store with data: ADD COLUMN with a
 * constant default rewrites nothing, and the UPDATE touches only FIFO queue rows.
 *
 * `messages_group_lock` (see migration 1) has had no reader since a FIFO group is blocked only by its
 * head, but every claim of a FIFO message (received = 1) still wrote an entry into it. Before dropping
 * it, EXPLAIN QUERY PLAN of every statement in sql/ (63, on a store with 2 000 FIFO messages in 200
 * groups and 2 000 standard ones, some in flight, with and without ANALYZE statistics) showed none
 * using it.
 */
const M2_DEDUP_SCOPE = `
ALTER TABLE queues ADD COLUMN dedup_scope TEXT NOT NULL DEFAULT 'queue'
  CHECK (dedup_scope IN ('queue', 'messageGroup'));
UPDATE queues SET dedup_scope = 'messageGroup'
 WHERE fifo = 1 AND json_extract(attributes, '$.DeduplicationScope') = 'messageGroup';
DROP INDEX IF EXISTS messages_group_lock;
`;

/**
 * Migration 3: several accounts per server. A queue is identified by (account, name) — the same name
 * in two accounts is two queues, as on AWS — so `queues` gains `account_id` with UNIQUE (account_id,
 * name) in place of UNIQUE (name), and the deleted-name tombstones (QueueDeletedRecently) are keyed
 * the same way. Every existing queue and tombstone belongs to the default account (`--account-id` of
 * the server that runs the migration): until now it was the only one, and its queue URLs and ARNs
 * already named it.
 *
 * SQLite cannot drop a column's UNIQUE constraint, so both tables are rebuilt (create, copy, drop,
 * rename) inside the migration's transaction. Nothing references them by foreign key, trigger or view;
 * messages, groups, dedup entries, attempts and move tasks point at `queues.id`, which is kept. The
 * copy is one pass over the queue rows (a few per queue, never the messages). Move tasks and
 * dead-letter source ARNs already carry the account in their ARNs.
 */
const M3_ACCOUNTS = (env: MigrationEnv): string => `
CREATE TABLE queues_v3 (
  id               TEXT PRIMARY KEY,
  account_id       TEXT NOT NULL,
  name             TEXT NOT NULL,
  fifo             INTEGER NOT NULL,
  attributes       TEXT NOT NULL,
  tags             TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  last_modified_at INTEGER NOT NULL,
  seq_counter      INTEGER NOT NULL DEFAULT 0,
  last_purge_at    INTEGER,
  dedup_scope      TEXT NOT NULL DEFAULT 'queue' CHECK (dedup_scope IN ('queue', 'messageGroup')),
  UNIQUE (account_id, name)
) WITHOUT ROWID;
INSERT INTO queues_v3 (id, account_id, name, fifo, attributes, tags, created_at, last_modified_at, seq_counter, last_purge_at, dedup_scope)
  SELECT id, ${accountLiteral(env.defaultAccountId)}, name, fifo, attributes, tags, created_at, last_modified_at, seq_counter, last_purge_at, dedup_scope
    FROM queues;
DROP TABLE queues;
ALTER TABLE queues_v3 RENAME TO queues;

CREATE TABLE queue_tombstones_v3 (
  account_id TEXT NOT NULL,
  name       TEXT NOT NULL,
  deleted_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, name)
) WITHOUT ROWID;
INSERT INTO queue_tombstones_v3 (account_id, name, deleted_at)
  SELECT ${accountLiteral(env.defaultAccountId)}, name, deleted_at FROM queue_tombstones;
DROP TABLE queue_tombstones;
ALTER TABLE queue_tombstones_v3 RENAME TO queue_tombstones;
`;

/** All migrations, in order. Append only. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'schema', sql: M1_SCHEMA },
  { version: 2, name: 'queue dedup scope, drop messages_group_lock', sql: M2_DEDUP_SCOPE },
  { version: 3, name: 'queues keyed by (account, name)', sql: M3_ACCOUNTS },
];

/**
 * Bring `db` up to the newest migration (`now`: epoch ms from the engine's clock, recorded per step;
 * `env`: what migrations may need, e.g. the default account). Returns the schema version after the run.
 * Safe to call concurrently from several processes: each step runs under BEGIN IMMEDIATE and
 * re-reads the recorded version, so a step another process already applied is skipped.
 */
export function migrate(db: Database.Database, now: number, env: MigrationEnv, migrations: readonly Migration[] = MIGRATIONS): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const current = (): number => (db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
  const newest = migrations.length ? migrations[migrations.length - 1]!.version : 0;
  const found = current();
  if (found > newest) {
    throw new Error(`SQLite store is at schema version ${found}, newer than this Ferry build knows (${newest})`);
  }
  for (const m of migrations) {
    db.transaction(() => {
      if (current() >= m.version) return;
      db.exec(typeof m.sql === 'string' ? m.sql : m.sql(env));
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, now);
    }).immediate();
  }
  return current();
}
