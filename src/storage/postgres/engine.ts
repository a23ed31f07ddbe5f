/**
 * The PostgreSQL storage engine: several stateless Ferry processes, one database.
 *
 * Principles
 *  - What is committed is the truth, and it is shared: nothing about messages is cached in the process
 *    (another node may change it at any moment). Process state is the pool, the LISTEN connection, the
 *    set of queue ids seen (for wake-ups after a reconnect) and a short-lived cache of queue records
 *    (see `QUEUE_CACHE_MS`): every request resolves its QueueUrl to a record first, and reading the
 *    queues row for each one was a round trip per request. A record is reused for at most a second
 *    (AWS itself says attribute changes take up to 60 s to propagate), and every change made through
 *    this process drops it at once, so this process always sees its own writes. Statements that
 *    change messages still check in the database that the queue exists (QueueNotFound).
 *  - Time comes from the database clock (`clock_timestamp()` in epoch ms), never from a node's clock,
 *    so a node whose clock is 30 s off neither redelivers early nor keeps messages hidden too long.
 *    Every transaction reads "now" once, in the same round trip as its BEGIN, and uses that value for
 *    all its statements (the same instant semantics as the SQLite engine); a single autocommit
 *    statement reads it once too (`clock_timestamp()` in a materialized CTE, or the statement's start,
 *    `statement_timestamp()`, where the planner must be able to see it: see STMT_NOW). Tests replace
 *    the database clock with a ManualClock (`timeSource: { clock }`): its `now()` is then sent as a
 *    query parameter instead; nothing else changes.
 *  - Every acknowledged change is committed: each session runs with `synchronous_commit = on` (set in
 *    the connection's startup options) and a promise resolves only after COMMIT returned. `init()`
 *    warns when the server itself is configured with `synchronous_commit` or `fsync` off.
 *  - A receive claims with ONE statement: a CTE picks deliverable rows `FOR UPDATE SKIP LOCKED` and an
 *    UPDATE in the same statement sets visibility deadline, receipt token, receive count and first
 *    receive time. Concurrent receivers on any node skip each other's rows instead of waiting, and a
 *    row can only be claimed by one of them (the lock is held until COMMIT; a receiver whose snapshot
 *    is older re-checks `visible_at <= now` on the newest row version before locking it). On a
 *    standard queue that statement is the whole receive (one autocommit round trip: "now", the
 *    existence and in-flight checks, the claim and the next-visible time); only when it meets
 *    candidates it must not deliver (past retention, due for the dead-letter queue) does a transaction
 *    follow that re-locks and re-checks them.
 *  - The hot statements are named prepared statements (`Q_*`, and the claims): PostgreSQL parses and
 *    plans them once per connection instead of on every call. (Not those that look up a list of keys
 *    on the second column of an index, `queue_id = $1 AND key = ANY($2)`: a generic plan may read
 *    that list as a filter over the whole queue; planned per call, the list's size is known.) They name their columns (no `*`), so a
 *    later migration adding columns cannot make a cached plan fail with "cached plan must not change
 *    result type". Sessions run with sequential and bitmap scans off (see clientConfig) so that a
 *    cached plan stays an index plan whatever the table's size was when it was made, and busy
 *    stretches are followed by a VACUUM from the engine itself (see noteChurn), which keeps a
 *    receive's walk over the queue's index short on a table whose rows are rewritten all the time.
 *  - Wake-ups cross processes with LISTEN/NOTIFY: a transaction that makes messages deliverable calls
 *    `pg_notify` before COMMIT (PostgreSQL delivers it at commit, never for a rollback) and this
 *    process's own listeners are called right after COMMIT. Notifications are hints: they are lost while
 *    the LISTEN connection is down, so after every reconnect the engine re-LISTENs and wakes every queue
 *    it knows, and `capabilities.maxWaitSliceMs` (1 s) makes long polls re-check at least once a second.
 *  - Faults: connection failures, timeouts, a restarting or failing-over server become
 *    DomainError('Unavailable') (→ 503 ServiceUnavailable) at this boundary; the pool drops broken
 *    connections and reconnects by itself. Statements are bounded by `statement_timeout` on the server
 *    and `query_timeout` on the client (a hung server cannot hang a request); getting a connection is
 *    bounded by `connectionTimeoutMillis`. Serialization failures and deadlocks are retried.
 *
 * Locking protocol (why there are no deadlocks in normal operation, and why FIFO groups are exclusive)
 *  - FIFO group rows (`fifo_groups`) are the locks of message groups. The order is always
 *    queue row → group rows (ascending group id) → message rows.
 *      · receive: locks the ready group rows it drains with `FOR UPDATE SKIP LOCKED` (a group being
 *        drained by another node is skipped, not waited for), then claims their messages;
 *      · delete / visibility change on a FIFO queue: reads the messages' groups, locks those group rows
 *        (blocking, ascending), then locks and changes the messages, then recomputes the group rows;
 *      · send: locks the queue row (`UPDATE … seq_counter`, which also reserves sequence numbers and
 *        serialises FIFO sends per queue, so sequence order is commit order), checks deduplication, then
 *        inserts messages and "touches" each group row (`INSERT … ON CONFLICT DO UPDATE` no-op), which
 *        takes the group lock so a concurrent delete cannot drop the row of a group that just got a
 *        message.
 *    A group row is recomputed only by its lock holder, in a statement issued *after* the lock was
 *    acquired (READ COMMITTED gives that statement a fresh snapshot that includes everything the
 *    previous holder committed).
 *  - Receives also check the group lock from the messages themselves (no message of the group in
 *    flight), so a stale `fifo_groups` row can delay a delivery but never break ordering.
 *  - Housekeeping that deletes messages outside a receive (sweep, move tasks) locks messages first and
 *    so must not then wait for group rows; it recomputes the affected groups in a second transaction.
 *  - Standard queues need no group locks: `FOR UPDATE SKIP LOCKED` on the message rows is the claim.
 *  - Queue rows: sends take `FOR KEY SHARE` (standard) or `FOR NO KEY UPDATE` (FIFO); DeleteQueue and
 *    PurgeQueue take `FOR UPDATE` first, so they wait for running sends and a send never lands in a
 *    deleted queue.
 *  - Move tasks: a step locks its task row `FOR UPDATE SKIP LOCKED`; a step on another node at the same
 *    moment finds it locked and does nothing. Task state lives only in the table, so any node's runner
 *    continues a task when the node that was stepping it dies.
 */

import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';

import type { Clock } from '../../core/clock.js';
import type { Random } from '../../core/random.js';
import { DomainError } from '../../errors/domain.js';
import type {
  EngineCapabilities,
  EngineDeps,
  EntryResult,
  MessageDeleteParams,
  MessageSendParams,
  MoveTaskRecord,
  MoveTaskStartParams,
  MoveTaskStatus,
  MoveTaskStepResult,
  QueueCreateParams,
  QueueCreateResult,
  QueueRecord,
  QueueStats,
  QueueUpdateParams,
  ReceivedMessage,
  ReceiveParams,
  ReceiveResult,
  SendMessageResult,
  StorageEngine,
  VisibilityChangeParams,
  WakeListener,
} from '../engine.js';
import { decodeAttributes, encodeAttributes } from '../codec.js';
import { migrate, MIGRATIONS, SCHEMA_NAME } from './migrations.js';
import { arnName, dedupKey, parseRedrive, renderSeq, retentionMs } from '../shared.js';

/**
 * Where the engine takes "now" from.
 *  - `'database'` (production): `clock_timestamp()` of the PostgreSQL server, read once per
 *    transaction. All nodes share one clock, whatever their own clocks say.
 *  - `{ clock }` (tests only): the given clock's `now()`, sent as a query parameter. The storage
 *    contract suite uses a ManualClock this way so visibility, delays, retention and windows can be
 *    tested without sleeping.
 */
export type PostgresTimeSource = 'database' | { clock: Clock };

/**
 * Most messages, and body characters, one combined FIFO send transaction carries beyond its first call
 * (see PostgresEngine.fifoSends): the combined statement stays a bounded size even with 1 MiB bodies.
 */
const FIFO_COMBINE_MAX_MESSAGES = 500;
const FIFO_COMBINE_MAX_BODY_CHARS = 8 * 1024 * 1024;

/** A FIFO send call waiting to be combined into its queue's next transaction. */
interface FifoSendCall {
  p: MessageSendParams;
  resolve: (r: SendMessageResult[]) => void;
  reject: (e: unknown) => void;
}

/** Options of {@link PostgresEngine}. */
export type PostgresEngineOptions = {
  /** Connection string, e.g. `postgres://ferry:secret@db.internal:5432/ferry`. */
  url: string;
  /** Schema holding Ferry's tables (created when missing). Lower-case identifier. Default `ferry`. */
  schema?: string;
  /** Maximum pooled connections of this process (plus one for LISTEN). Default 10. */
  poolSize?: number;
  /** Default `'database'`. See {@link PostgresTimeSource}. */
  timeSource?: PostgresTimeSource;
  /**
   * Server-side `statement_timeout`; the client-side `query_timeout` is this + 2 s, so a hung server
   * fails a request after at most that long. Ferry's statements are index seeks and bounded batches
   * (milliseconds). Default 5 000.
   */
  statementTimeoutMs?: number;
  /** Bound on opening a connection or waiting for a free pooled one. Default 3 000. */
  connectTimeoutMs?: number;
  /** How long `init()` keeps retrying while the database is unreachable. Default 30 000. */
  startupTimeoutMs?: number;
  /** Operator warnings (server settings that weaken durability, lost connections). */
  warn?: (message: string, detail?: Record<string, unknown>) => void;
} & EngineDeps;

/** Deleted-name tombstones older than this are swept. */
const TOMBSTONE_TTL_MS = 86_400_000;
/** Expired messages removed per sweep statement (keeps row locks short). */
const SWEEP_CHUNK = 2_000;
/** Receive-count bound used when a queue has no (usable) redrive policy. */
const NO_REDRIVE = 2_147_483_647;
/** Long polls on this engine re-check at least this often (covers lost NOTIFYs). */
const WAIT_SLICE_MS = 1_000;
/** Transactions retried after a serialization failure or deadlock. */
const TX_RETRIES = 4;
/**
 * Engine-triggered VACUUM of `messages` (see `noteChurn`): after this many rows retired by this
 * process (claimed — a claim writes a new row version — or deleted) at least, and ×√(live rows)
 * beyond that, so that a big table is vacuumed less often (its VACUUM costs more).
 */
const VACUUM_MIN_CHURN = 4_000;
const VACUUM_CHURN_PER_SQRT_ROW = 50;

/** The database clock in epoch milliseconds. */
const DBNOW = '(extract(epoch from clock_timestamp()) * 1000)::bigint';
/**
 * How long (ms, process clock) a queue record read from the database may be reused by this process.
 * Changes made through this process drop the record at once; changes made on other nodes are seen
 * within this bound (AWS: attribute changes take up to 60 s to propagate).
 */
const QUEUE_CACHE_MS = 1_000;

/** Columns of `queues` that make a QueueRecord. */
const QUEUE_COLS = 'id, name, fifo, attributes, tags, created_at, last_modified_at';
/** A queue by name / by id (named prepared statements: every request resolves its queue). */
const Q_QUEUE_BY_NAME = `SELECT ${QUEUE_COLS} FROM queues WHERE name = $1`;
const Q_QUEUE_BY_ID = `SELECT ${QUEUE_COLS} FROM queues WHERE id = $1`;
/** Columns of `messages` a delivery needs (see toReceived). */
const DELIVERY_COLS =
  'id, message_id, seq, group_id, dedup_id, body, md5_body, attrs, md5_attrs, sys_attrs, md5_sys, sender_id, sent_at, receipt_token, received_at, receive_count, first_received_at, dl_source_arn';

/** DELIVERY_COLS of the alias `m` (RETURNING of the claims). */
const M_DELIVERY_COLS = DELIVERY_COLS.split(', ')
  .map((c) => `m.${c}`)
  .join(', ');

/**
 * SendMessage(Batch) on a standard queue, one autocommit statement: lock the queue row FOR KEY SHARE
 * (a concurrent DeleteQueue waits; a send never lands in a deleted queue), insert every message, NOTIFY
 * when `$13` (some message is deliverable now). `found` = 0: the queue does not exist.
 */
const Q_SEND_STANDARD = `WITH t AS MATERIALIZED (SELECT COALESCE($2::bigint, ${DBNOW}) AS now),
  q AS (SELECT id FROM queues WHERE id = $1 FOR KEY SHARE),
  ins AS (
    INSERT INTO messages (queue_id, message_id, group_id, body, md5_body, attrs, md5_attrs, sys_attrs, md5_sys, sender_id, sent_at, visible_at)
    SELECT q.id, x.mid, x.gid, x.body, x.md5, x.attrs, x.md5a, x.sys, x.md5s, x.sender, t.now, t.now + GREATEST(x.delay, 0)
      FROM q, t, unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[])
           WITH ORDINALITY AS x(mid, gid, body, md5, attrs, md5a, sys, md5s, sender, delay, k)
     ORDER BY x.k
    RETURNING 1)
  SELECT (SELECT count(*) FROM q) AS found, (SELECT count(*) FROM ins) AS n,
         CASE WHEN $13::boolean AND EXISTS (SELECT 1 FROM q) THEN pg_notify($14, $15) END AS notified`;

/** FIFO send, step 1: reserve `$2` sequence numbers of queue `$1` (locks its row) and read it. */
const Q_FIFO_RESERVE = `UPDATE queues SET seq_counter = seq_counter + $2 WHERE id = $1 RETURNING seq_counter, ${QUEUE_COLS}`;

/**
 * FIFO send, last step: insert the messages (`$3`…`$14`, sent at `$2`), their dedup entries (`$15`…
 * `$17`, kept `$18` ms) and take the lock of each group that gets messages (touchGroups' statement,
 * `$19`…`$21`: groups in ascending order, each with its first new sequence number and ready time).
 */
const Q_FIFO_INSERT = `WITH ins AS (
    INSERT INTO messages (queue_id, message_id, seq, group_id, dedup_id, body, md5_body, attrs, md5_attrs, sys_attrs, md5_sys, sender_id, sent_at, visible_at)
    SELECT $1, x.mid, x.seq, x.gid, x.did, x.body, x.md5, x.attrs, x.md5a, x.sys, x.md5s, x.sender, $2::bigint, $2::bigint + GREATEST(x.delay, 0)
      FROM unnest($3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::bigint[])
           AS x(mid, seq, gid, did, body, md5, attrs, md5a, sys, md5s, sender, delay)
     ORDER BY x.seq
    RETURNING 1),
  dd AS (
    INSERT INTO dedup (queue_id, key, message_id, seq, expires_at)
    SELECT $1, k, mid, s, $2::bigint + $18::bigint FROM unnest($15::text[], $16::text[], $17::bigint[]) AS d(k, mid, s)
    ON CONFLICT (queue_id, key) DO UPDATE SET message_id = excluded.message_id, seq = excluded.seq, expires_at = excluded.expires_at
    RETURNING 1),
  g AS (
    INSERT INTO fifo_groups (queue_id, group_id, head_seq, ready_at)
    SELECT $1, gid, hs, ra FROM unnest($19::text[], $20::bigint[], $21::bigint[]) AS h(gid, hs, ra) ORDER BY gid
    ON CONFLICT (queue_id, group_id) DO UPDATE SET head_seq = fifo_groups.head_seq
    RETURNING 1)
  SELECT (SELECT count(*) FROM ins) AS n, (SELECT count(*) FROM dd) AS d, (SELECT count(*) FROM g) AS g`;

/**
 * The statement clock in epoch milliseconds: the database clock when the statement began. Unlike
 * `clock_timestamp()` it is *stable* (one value for the whole statement), so the planner can use it in
 * index conditions and estimate it against the column statistics, in custom and in generic plans alike.
 */
const STMT_NOW = '(extract(epoch from statement_timestamp()) * 1000)::bigint';

/**
 * What a receive does to a message row `m` it claims, at instant `now` with visibility timeout `vis`
 * (SQL expressions): a new receipt token, receive count + 1, first-receive time, the new deadline.
 * Shared by every claim statement.
 */
function claimSet(now: string, vis: string): string {
  return `received = true, receipt_token = replace(gen_random_uuid()::text, '-', ''), received_at = ${now},
             receive_count = m.receive_count + 1, first_received_at = COALESCE(m.first_received_at, ${now}),
             visible_at = ${now} + ${vis}`;
}

/**
 * ReceiveMessage on a standard queue, the whole of it in one autocommit statement, "now" being `now`
 * (STMT_NOW; `$8` with a test clock):
 *  - `k`: whether queue `$1` exists, whether it has room (fewer than `$5` messages in flight; NULL: no
 *    check), and the receive-count bound: `$3` when the RedrivePolicy's dead-letter queue named `$4`
 *    exists (and is not the queue itself), else none;
 *  - `c`: up to `$2` deliverable candidates, oldest first, `FOR UPDATE SKIP LOCKED` (nothing when the
 *    queue is missing or full);
 *  - `u`: claims the candidates that are neither past retention (`$7` ms) nor due for the dead-letter
 *    queue: new receipt token, receive count + 1, first-receive time, deadline now + `$6`. It finds
 *    them by `ctid` (a TID scan instead of a primary-key descent per row): `c` holds their row locks,
 *    so the versions it returned are the current ones until this statement ends;
 *  - `s`: when fewer than `$2` were claimed, the next time a message may become deliverable (the
 *    statement's snapshot does not see its own claims, so their new deadline is added explicitly).
 * One row per candidate (claimed: its delivery columns; set aside: only `c_id`/`c_sent`), or one row
 * of NULLs; every row carries `s`. The caller deals with set-aside candidates in a transaction.
 *
 * The parameters are read through the one-row CTE `p`, never directly: the planner then cannot see
 * their values, so a custom plan is estimated exactly like the generic one, and PostgreSQL's plan
 * cache settles on the generic plan after its five trial executions. Used directly, `LIMIT $2`, the
 * NULL tests and the queue's own statistics make some custom plans look cheaper than the generic
 * plan, and the cache then plans this statement anew on every call — which costs several times
 * what executing it does.
 *
 * "now" is written out where it is compared (not read from a CTE) so that it stays a plan-time
 * estimable expression: the in-flight count must scan the index range `visible_at > now`, which the
 * planner only prefers over a sequential scan when it can tell from the statistics how small it is.
 */
function receiveStandardSql(now: string): string {
  return `WITH p AS MATERIALIZED (
    SELECT $1::text AS qid, $2::integer AS lim, $3::integer AS max_rc, $4::text AS dlq, $5::integer AS max_inflight,
           $6::bigint AS vis, $7::bigint AS retention),
  k AS MATERIALIZED (
    SELECT EXISTS (SELECT 1 FROM queues WHERE id = p.qid) AS found,
           (p.max_inflight IS NULL OR
             (SELECT count(*) FROM (SELECT 1 FROM messages WHERE queue_id = p.qid AND visible_at > ${now} AND received LIMIT p.max_inflight) x)
               < p.max_inflight) AS room,
           CASE WHEN p.dlq IS NOT NULL AND EXISTS (SELECT 1 FROM queues WHERE name = p.dlq AND id <> p.qid) THEN p.max_rc ELSE ${NO_REDRIVE} END AS max_rc
      FROM p),
  c AS (
    SELECT id, ctid AS row_ref, visible_at, sent_at, receive_count FROM messages
     WHERE queue_id = (SELECT qid FROM p) AND visible_at <= ${now} AND (SELECT found AND room FROM k)
     ORDER BY visible_at, id
     LIMIT (SELECT lim FROM p)
     FOR UPDATE SKIP LOCKED),
  u AS (
    UPDATE messages m
       SET ${claimSet(now, 'p.vis')}
      FROM c, k, p
     WHERE m.ctid = c.row_ref AND c.sent_at > ${now} - p.retention AND c.receive_count < k.max_rc
    RETURNING ${M_DELIVERY_COLS}),
  s AS MATERIALIZED (
    SELECT ${now} AS q_now, k.found AS q_found, k.room AS q_room,
           CASE WHEN (SELECT count(*) FROM u) < p.lim THEN
             LEAST((SELECT min(visible_at) FROM messages WHERE queue_id = p.qid AND visible_at > ${now}),
                   CASE WHEN p.vis > 0 AND EXISTS (SELECT 1 FROM u) THEN ${now} + p.vis END)
           END AS q_next
      FROM k, p)
  SELECT s.*, r.*
    FROM s LEFT JOIN (SELECT c.id AS c_id, c.sent_at AS c_sent, c.visible_at AS c_vis, u.* FROM c LEFT JOIN u ON u.id = c.id) r ON true
   ORDER BY r.c_vis, r.c_id`;
}

/**
 * "The message belongs to queue `$1`" for statements that look messages up by id (`id = ANY($2)`).
 * Written as a boolean test so the planner cannot use it as an index condition: the row ids make
 * the primary key the one right access path, but with missing or stale statistics (a young table,
 * the churn of a queue) it would otherwise AND in, or switch to, the queue_id index and read every
 * message of the queue.
 */
const IN_QUEUE = '(queue_id = $1) IS TRUE';

/**
 * DeleteMessage(Batch) on a standard queue: any receipt of a message that exists deletes it, a
 * repeated delete is a no-op. `found` = 0: the queue does not exist (its messages went with it).
 * Parameters are read through `p` for the plan cache's sake (see receiveStandardSql), and the queue
 * test is written as in IN_QUEUE.
 */
const Q_DELETE_STANDARD = `WITH p AS MATERIALIZED (SELECT $1::text AS qid, $2::bigint[] AS ids),
  q AS (SELECT id FROM queues WHERE id = (SELECT qid FROM p)),
  d AS (DELETE FROM messages WHERE id = ANY((SELECT ids FROM p)::bigint[]) AND (queue_id = (SELECT qid FROM p)) IS TRUE RETURNING 1)
  SELECT (SELECT count(*) FROM q) AS found, (SELECT count(*) FROM d) AS n`;

// ---------------------------------------------------------------------------------------------------
// Row shapes
// ---------------------------------------------------------------------------------------------------

interface QueueRow {
  id: string;
  name: string;
  fifo: boolean;
  attributes: string;
  tags: string;
  created_at: number;
  last_modified_at: number;
  seq_counter: number;
  last_purge_at: number | null;
}

interface MessageRow {
  id: number;
  queue_id: string;
  message_id: string;
  seq: number | null;
  group_id: string | null;
  dedup_id: string | null;
  body: string;
  md5_body: string;
  attrs: string | null;
  md5_attrs: string | null;
  sys_attrs: string | null;
  md5_sys: string | null;
  sender_id: string;
  sent_at: number;
  visible_at: number;
  received: boolean;
  receipt_token: string | null;
  received_at: number | null;
  receive_count: number;
  first_received_at: number | null;
  dl_source_arn: string | null;
}

/** One row of a claim statement: the candidate, and the claimed message when it was claimed. */
type ClaimRow = {
  c_id: number | null;
  c_sent: number | null;
  c_group?: string | null;
  c_groups?: string[] | null;
  c_need?: string[] | null;
} & Partial<MessageRow>;

/** One row of receiveStandardSql. */
type FastClaimRow = ClaimRow & { q_now: number; q_found: boolean; q_room: boolean; q_next: number | null };

interface MoveTaskRow {
  id: string;
  source_arn: string;
  source_queue_id: string;
  destination_arn: string | null;
  max_per_second: number | null;
  status: MoveTaskStatus;
  to_move: number;
  moved: number;
  failure_reason: string | null;
  started_at: number;
}

/** An open transaction: its connection, its instant, and the queues to wake after COMMIT. */
interface Tx {
  client: pg.PoolClient;
  now: number;
  wakes: Set<string>;
}

// ---------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------

function freezeQueue(row: QueueRow): QueueRecord {
  return Object.freeze({
    id: row.id,
    name: row.name,
    fifo: row.fifo,
    attributes: Object.freeze(JSON.parse(row.attributes) as Record<string, string>),
    tags: Object.freeze(JSON.parse(row.tags) as Record<string, string>),
    createdAt: Number(row.created_at),
    lastModifiedAt: Number(row.last_modified_at),
  });
}

function taskRecord(r: MoveTaskRow): MoveTaskRecord {
  const t: MoveTaskRecord = {
    id: r.id,
    sourceArn: r.source_arn,
    sourceQueueId: r.source_queue_id,
    status: r.status,
    toMove: r.to_move,
    moved: r.moved,
    startedAt: Number(r.started_at),
  };
  if (r.destination_arn !== null) t.destinationArn = r.destination_arn;
  if (r.max_per_second !== null) t.maxPerSecond = r.max_per_second;
  if (r.failure_reason !== null) t.failureReason = r.failure_reason;
  return t;
}

function toReceived(row: MessageRow): ReceivedMessage {
  const m: ReceivedMessage = {
    ref: String(row.id),
    receiptToken: row.receipt_token ?? '',
    messageId: row.message_id,
    body: row.body,
    md5OfBody: row.md5_body,
    messageAttributes: decodeAttributes(row.attrs),
    systemAttributes: decodeAttributes(row.sys_attrs),
    senderId: row.sender_id,
    sentAt: row.sent_at,
    receiveCount: row.receive_count,
    firstReceivedAt: row.first_received_at ?? row.received_at ?? row.sent_at,
  };
  if (row.md5_attrs !== null) m.md5OfMessageAttributes = row.md5_attrs;
  if (row.md5_sys !== null) m.md5OfMessageSystemAttributes = row.md5_sys;
  if (row.group_id !== null) m.groupId = row.group_id;
  if (row.dedup_id !== null) m.dedupId = row.dedup_id;
  const seq = renderSeq(row.seq);
  if (seq !== undefined) m.sequenceNumber = seq;
  if (row.dl_source_arn !== null) m.deadLetterSourceArn = row.dl_source_arn;
  return m;
}

/** Message refs are decimal row ids; anything else names no message. */
function refIds(refs: readonly string[]): number[] {
  return refs.filter((r) => /^[0-9]{1,15}$/.test(r)).map(Number);
}

/** SQLSTATEs after which the whole transaction is simply run again. */
const RETRYABLE = new Set(['40001', '40P01']);

/**
 * True for failures of the database *service* (as opposed to a bug in a statement): network errors,
 * timeouts, a server shutting down or starting up, too many connections, a read-only standby after a
 * failover, serialization failures that exhausted their retries.
 */
function isServiceError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && (e as { severity?: unknown }).severity !== undefined) {
    // A server-reported error: classes 08 (connection), 53 (resources), 57 (operator intervention,
    // incl. statement_timeout 57014 and admin shutdown 57P01), 58 (system), 40 (tx rollback),
    // 25006 read-only transaction (connected to a standby after failover), 55P03 lock not available.
    return /^(08|53|57|58|40)/.test(code) || code === '25006' || code === '55P03' || code === '55000';
  }
  // Client-side: ECONNREFUSED/ECONNRESET/ETIMEDOUT…, "Connection terminated", "timeout exceeded when
  // trying to connect", "Query read timeout", a pool that was ended.
  return true;
}

// ---------------------------------------------------------------------------------------------------
// The engine
// ---------------------------------------------------------------------------------------------------

/**
 * StorageEngine on PostgreSQL (node-postgres), shared by any number of Ferry processes.
 * See the file comment for the transaction and locking design.
 */
export class PostgresEngine implements StorageEngine {
  /** @inheritdoc */
  readonly kind = 'postgres' as const;
  /**
   * Durable and shared. `maxWaitSliceMs`: long polls re-check at least once a second, because a
   * NOTIFY can be lost while the LISTEN connection reconnects.
   */
  readonly capabilities: EngineCapabilities = Object.freeze({ durable: true, shared: true, maxWaitSliceMs: WAIT_SLICE_MS });

  private readonly url: string;
  readonly schema: string;
  private readonly poolSize: number;
  private readonly testClock: Clock | undefined;
  /** The process clock, only to translate nextVisibleAt into it (see messageReceive). */
  private readonly localClock: Clock;
  private readonly random: Random;
  private readonly statementTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly startupTimeoutMs: number;
  private readonly warn: (message: string, detail?: Record<string, unknown>) => void;
  /** NOTIFY channel of this schema (a hash keeps it under PostgreSQL's 63-byte identifier limit). */
  private readonly channel: string;
  /** Tags this engine's own notifications so it does not wake itself twice. */
  private readonly instance = randomUUID();

  private pool: pg.Pool | undefined;
  private listener: pg.Client | undefined;
  private listenerTimer: NodeJS.Timeout | undefined;
  private listenerEverUp = false;
  private closed = false;
  private readonly listeners = new Set<WakeListener>();
  /**
   * Queue ids this process has seen, with their FIFO flag. Woken after a LISTEN reconnect. The flag is
   * immutable for a queue incarnation (a re-created queue gets a new id), so caching it is safe on a
   * shared database; the rest of a queue record is cached for at most QUEUE_CACHE_MS (cacheById).
   */
  private readonly knownQueues = new Map<string, boolean>();
  /** Rows of `messages` this process retired since its last VACUUM of it, and the bound (see noteChurn). */
  private churn = 0;
  private churnLimit = VACUUM_MIN_CHURN;
  /** A VACUUM of `messages` is running (from this process); false forever once one failed. */
  private vacuuming = false;
  private vacuumOff = false;
  /** Queue records read from the database, by id and by name, each with its expiry (performance.now()). */
  private readonly cacheById = new Map<string, { q: QueueRecord; until: number }>();
  private readonly cacheByName = new Map<string, { q: QueueRecord; until: number }>();
  /**
   * Bumped by every invalidation. A read stores its record only when no invalidation happened while
   * it ran: otherwise a read that began before a local write committed could store the old record
   * after the write dropped it.
   */
  private cacheGen = 0;
  private version = 0;
  /** receiveStandardSql for this engine's time source. */
  private readonly receiveSql: string;

  constructor(opts: PostgresEngineOptions) {
    this.url = opts.url;
    this.schema = opts.schema ?? 'ferry';
    if (!SCHEMA_NAME.test(this.schema)) {
      throw new Error(`PostgreSQL schema name must match ${SCHEMA_NAME.source}, got ${JSON.stringify(this.schema)}`);
    }
    this.poolSize = Math.max(1, opts.poolSize ?? 10);
    const ts = opts.timeSource ?? 'database';
    this.testClock = ts === 'database' ? undefined : ts.clock;
    this.localClock = opts.clock;
    this.random = opts.random;
    this.statementTimeoutMs = opts.statementTimeoutMs ?? 5_000;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 3_000;
    this.startupTimeoutMs = opts.startupTimeoutMs ?? 30_000;
    this.warn = opts.warn ?? (() => undefined);
    this.channel = `ferry_${createHash('sha1').update(this.schema).digest('hex').slice(0, 16)}`;
    this.receiveSql = receiveStandardSql(this.testClock ? '$8::bigint' : STMT_NOW);
  }

  /** Schema version after init (for diagnostics and tests). */
  get schemaVersion(): number {
    return this.version;
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /**
   * Connection settings. bigint (int8) columns come back as JS numbers: every bigint here is an epoch
   * millisecond time, a row id or a counter, all far below 2^53.
   */
  private clientConfig(withSessionOptions: boolean): pg.ClientConfig {
    const types = {
      getTypeParser: ((oid: number, format?: string) =>
        oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
    };
    const cfg: pg.ClientConfig = {
      connectionString: this.url,
      connectionTimeoutMillis: this.connectTimeoutMs,
      query_timeout: this.statementTimeoutMs + 2_000,
      keepAlive: true,
      application_name: 'ferry',
      types,
    };
    if (withSessionOptions) {
      // search_path: every statement is unqualified; synchronous_commit: a resolved promise means the
      // commit is durable (on the primary, and on synchronous standbys when the server has any).
      // enable_seqscan=off, enable_bitmapscan=off: every statement here is meant to be an index seek
      // or an ordered index range with a LIMIT (a receive takes the oldest deliverable rows of one
      // queue), and the planner is to choose among those only. A queue table's statistics are never
      // right (its rows are inserted, rewritten and deleted all the time), and a prepared statement
      // keeps its generic plan for the life of the connection: a plan made while the table was small
      // (when a sequential scan, or a bitmap scan + sort, is cheapest) would stay as the table grows,
      // and read every message of the queue on every receive. A bitmap scan also never marks the index
      // entries of deleted messages dead, so it would visit each dead row again until VACUUM. (Where no
      // index applies, e.g. listing all queues, PostgreSQL still scans the table.)
      cfg.options = `-c search_path=${this.schema} -c synchronous_commit=on -c statement_timeout=${this.statementTimeoutMs} -c idle_in_transaction_session_timeout=${this.statementTimeoutMs * 3} -c enable_seqscan=off -c enable_bitmapscan=off`;
    }
    return cfg;
  }

  /**
   * Connect, warn about server settings that weaken durability, apply migrations (under an advisory
   * lock) and start listening for wake-ups. While the database is unreachable it retries for
   * `startupTimeoutMs`, then rejects with Unavailable.
   */
  async init(): Promise<void> {
    if (this.pool) return;
    if (this.closed) throw new DomainError('Unavailable', 'engine is closed');
    const deadline = Date.now() + this.startupTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      // A plain session (without Ferry's SET options) shows the server's own settings.
      // No query timeout: a future migration may legitimately run long.
      const admin = new pg.Client({ ...this.clientConfig(false), query_timeout: undefined });
      admin.on('error', () => undefined);
      try {
        await admin.connect();
        const settings = await admin.query<{ name: string; setting: string }>(
          `SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_commit', 'fsync', 'full_page_writes')`,
        );
        for (const s of settings.rows) {
          if (s.setting === 'off') {
            this.warn(
              `PostgreSQL server has ${s.name}=off: ${s.name === 'synchronous_commit' ? 'Ferry turns it on for its own sessions, but other settings may still lose committed messages' : 'committed messages can be lost on a crash of the database host'}`,
              { setting: s.name },
            );
          }
        }
        this.version = await migrate(admin, this.schema, this.testClock?.now() ?? Date.now());
        break;
      } catch (e) {
        if (!isServiceError(e) || Date.now() >= deadline || this.closed) throw this.toDomain(e);
        if (attempt === 0) this.warn('PostgreSQL is not reachable yet; retrying', { err: (e as Error).message });
        await new Promise((r) => setTimeout(r, 500));
      } finally {
        await admin.end().catch(() => undefined);
      }
    }
    const pool = new pg.Pool({ ...this.clientConfig(true), max: this.poolSize, idleTimeoutMillis: 30_000 });
    // An idle pooled connection that breaks (server restart, network) emits here; the pool already
    // discards it. Without a handler the process would crash.
    pool.on('error', (e) => this.warn('PostgreSQL connection lost', { err: e.message }));
    this.pool = pool;
    await this.startListener();
  }

  /** Close the pool and the LISTEN connection. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.listenerTimer) clearTimeout(this.listenerTimer);
    const l = this.listener;
    this.listener = undefined;
    await l?.end().catch(() => undefined);
    const p = this.pool;
    this.pool = undefined;
    await p?.end().catch(() => undefined);
  }

  /** @inheritdoc */
  onWake(listener: WakeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(queueIds: Iterable<string>): void {
    for (const queueId of queueIds) {
      for (const l of [...this.listeners]) {
        try {
          l(queueId);
        } catch {
          // A listener's failure must not affect storage or other listeners.
        }
      }
    }
  }

  // ---- LISTEN/NOTIFY --------------------------------------------------------------------------

  /**
   * Open the dedicated LISTEN connection (never a pooled one: a pooled session would be shared with
   * transactions). On any loss it reconnects with a short backoff, re-LISTENs, and wakes every known
   * queue because notifications sent meanwhile are gone.
   */
  private async startListener(): Promise<void> {
    if (this.closed || this.listener) return;
    const c = new pg.Client({ ...this.clientConfig(false), query_timeout: undefined });
    let lost = false;
    const onLost = (): void => {
      if (lost) return;
      lost = true;
      if (this.listener === c) this.listener = undefined;
      c.end().catch(() => undefined);
      if (!this.closed) {
        this.warn('PostgreSQL LISTEN connection lost; reconnecting');
        this.scheduleListener(500);
      }
    };
    c.on('error', onLost);
    c.on('end', onLost);
    c.on('notification', (n) => {
      if (n.channel !== this.channel || !n.payload) return;
      const sp = n.payload.indexOf(' ');
      if (sp < 0 || n.payload.slice(0, sp) === this.instance) return;
      this.emit([n.payload.slice(sp + 1)]);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${this.channel}`);
    } catch {
      onLost();
      return;
    }
    if (lost || this.closed) {
      await c.end().catch(() => undefined);
      return;
    }
    this.listener = c;
    if (this.listenerEverUp) this.emit([...this.knownQueues.keys()]);
    this.listenerEverUp = true;
  }

  private scheduleListener(ms: number): void {
    if (this.listenerTimer || this.closed) return;
    this.listenerTimer = setTimeout(() => {
      this.listenerTimer = undefined;
      void this.startListener();
    }, ms);
    this.listenerTimer.unref();
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private toDomain(e: unknown): unknown {
    if (e instanceof DomainError) return e;
    if (this.closed) return new DomainError('Unavailable', 'engine is closed');
    if (isServiceError(e)) return new DomainError('Unavailable', `postgres: ${(e as Error).message}`);
    return e;
  }

  private openPool(): pg.Pool {
    if (!this.pool) throw new DomainError('Unavailable', this.closed ? 'engine is closed' : 'engine not initialised');
    return this.pool;
  }

  /** `now` for a single autocommit statement: the test clock's value, or NULL → the database clock. */
  private nowParam(): number | null {
    return this.testClock ? this.testClock.now() : null;
  }

  /**
   * One autocommit statement (reads, and single-statement writes). With `name` it is a named prepared
   * statement: parsed and planned once per pooled connection (the text must be a constant).
   */
  private async one<R extends pg.QueryResultRow>(sql: string, params: unknown[] = [], name?: string): Promise<pg.QueryResult<R>> {
    try {
      return await this.openPool().query<R>(name ? { name, text: sql, values: params } : { text: sql, values: params });
    } catch (e) {
      throw this.toDomain(e);
    }
  }

  /**
   * Run `fn` in a transaction. "now" is read in the BEGIN round trip; queued wakes are NOTIFYed in the
   * COMMIT round trip (delivered by PostgreSQL at commit) and emitted to this process's listeners
   * after COMMIT returned. Deadlocks and serialization failures re-run `fn`; a broken connection is
   * destroyed rather than returned to the pool.
   */
  private async tx<T>(fn: (t: Tx) => Promise<T>): Promise<T> {
    const pool = this.openPool();
    for (let attempt = 0; ; attempt++) {
      let client: pg.PoolClient | undefined;
      let begun = false;
      let lost = false;
      // pg-pool guards only *idle* clients: a checked-out client whose connection breaks between two
      // queries emits 'error', which would crash the process without a listener. Mark it broken
      // instead; the pending or next query fails and the client is destroyed on release.
      const onError = (): void => {
        lost = true;
      };
      try {
        client = await pool.connect();
        client.on('error', onError);
        let now: number;
        if (this.testClock) {
          await client.query('BEGIN');
          now = this.testClock.now();
        } else {
          const rs = (await client.query(`BEGIN; SELECT ${DBNOW} AS now`)) as unknown as pg.QueryResult[];
          now = Number(rs[1]!.rows[0]!.now);
        }
        begun = true;
        const t: Tx = { client, now, wakes: new Set() };
        const value = await fn(t);
        if (t.wakes.size) {
          const calls = [...t.wakes].map(
            (q) => `pg_notify(${client!.escapeLiteral(this.channel)}, ${client!.escapeLiteral(`${this.instance} ${q}`)})`,
          );
          await client.query(`SELECT ${calls.join(', ')}; COMMIT`);
        } else {
          await client.query('COMMIT');
        }
        client.off('error', onError);
        client.release(lost ? true : undefined);
        client = undefined;
        this.emit(t.wakes);
        return value;
      } catch (e) {
        if (client) {
          let healthy = !lost && (e instanceof DomainError || !isServiceError(e));
          if (begun && healthy) await client.query('ROLLBACK').catch(() => (healthy = false));
          client.off('error', onError);
          client.release(healthy ? undefined : true);
        }
        const code = (e as { code?: unknown } | null)?.code;
        const retry =
          (typeof code === 'string' && RETRYABLE.has(code)) ||
          // A stale pooled connection failing at BEGIN: nothing was done, try a fresh one once.
          (!begun &&
            attempt === 0 &&
            !(e instanceof DomainError) &&
            isServiceError(e) &&
            !this.closed &&
            !/timeout/i.test(String((e as Error).message)));
        if (retry && attempt < TX_RETRIES) continue;
        throw this.toDomain(e);
      }
    }
  }

  private remember(q: QueueRecord): QueueRecord {
    this.knownQueues.set(q.id, q.fifo);
    return q;
  }

  // ---- queue record cache ---------------------------------------------------------------------

  /** A cached record that has not expired. */
  private cached(map: Map<string, { q: QueueRecord; until: number }>, key: string): QueueRecord | undefined {
    const e = map.get(key);
    if (!e) return undefined;
    if (e.until > performance.now()) return e.q;
    map.delete(key);
    return undefined;
  }

  /** Store a record read while the cache generation was `gen` (dropped when an invalidation came between). */
  private cacheStore(q: QueueRecord, gen: number): void {
    if (gen !== this.cacheGen) return;
    const e = { q, until: performance.now() + QUEUE_CACHE_MS };
    this.cacheById.set(q.id, e);
    this.cacheByName.set(q.name, e);
  }

  /**
   * Drop what this process knows about a queue: after a change made through this process (which must
   * see it at once), and when the database says a cached queue no longer exists.
   */
  private invalidate(queueId: string | undefined, name?: string): void {
    this.cacheGen++;
    if (queueId !== undefined) {
      const e = this.cacheById.get(queueId);
      this.cacheById.delete(queueId);
      if (e && this.cacheByName.get(e.q.name) === e) this.cacheByName.delete(e.q.name);
    }
    if (name !== undefined) {
      const e = this.cacheByName.get(name);
      this.cacheByName.delete(name);
      if (e && this.cacheById.get(e.q.id) === e) this.cacheById.delete(e.q.id);
    }
  }

  /** QueueNotFound for `queueId`, forgetting any cached record of it. */
  private notFound(queueId: string): DomainError {
    this.invalidate(queueId);
    return new DomainError('QueueNotFound', `queue ${queueId} does not exist`);
  }

  /** Whether a queue is FIFO (cached per incarnation id); QueueNotFound when it does not exist. */
  private async isFifo(queueId: string): Promise<boolean> {
    const known = this.knownQueues.get(queueId);
    if (known !== undefined) return known;
    const q = await this.queueGetById(queueId);
    if (!q) throw this.notFound(queueId);
    return q.fifo;
  }

  private async queueIn(c: pg.ClientBase, id: string, lock = ''): Promise<QueueRecord | undefined> {
    const r = await c.query<QueueRow>(
      lock
        ? { text: `SELECT ${QUEUE_COLS} FROM queues WHERE id = $1 ${lock}`, values: [id] }
        : { name: 'ferry_queue_by_id', text: Q_QUEUE_BY_ID, values: [id] },
    );
    return r.rows[0] ? this.remember(freezeQueue(r.rows[0])) : undefined;
  }

  private async queueByNameIn(c: pg.ClientBase, name: string): Promise<QueueRecord | undefined> {
    const r = await c.query<QueueRow>({ name: 'ferry_queue_by_name', text: Q_QUEUE_BY_NAME, values: [name] });
    return r.rows[0] ? this.remember(freezeQueue(r.rows[0])) : undefined;
  }

  private async mustQueue(c: pg.ClientBase, id: string, lock = ''): Promise<QueueRecord> {
    const q = await this.queueIn(c, id, lock);
    if (!q) throw this.notFound(id);
    return q;
  }

  /** Reserve `n` sequence numbers of a queue (locks its row until commit). Returns the first − 1. */
  private async reserveSeq(c: pg.ClientBase, queueId: string, n: number): Promise<number> {
    const r = await c.query<{ seq_counter: number }>('UPDATE queues SET seq_counter = seq_counter + $2 WHERE id = $1 RETURNING seq_counter', [
      queueId,
      n,
    ]);
    if (!r.rows[0]) throw new DomainError('QueueNotFound');
    return r.rows[0].seq_counter - n;
  }

  // ---- FIFO groups ----------------------------------------------------------------------------

  /** Lock group rows (blocking, ascending id — the one lock order). */
  private async lockGroups(c: pg.ClientBase, queueId: string, groups: Iterable<string>): Promise<void> {
    const list = [...new Set(groups)].sort();
    if (!list.length) return;
    await c.query('SELECT 1 FROM fifo_groups WHERE queue_id = $1 AND group_id = ANY($2::text[]) ORDER BY group_id FOR UPDATE', [queueId, list]);
  }

  /**
   * Take the lock of each group that receives new messages, creating the row when the group is new
   * (its head is then the first new message, deliverable at `readyAt`). An existing row is left as is
   * (an append changes neither head nor lock) but locked by the no-op update.
   */
  private async touchGroups(c: pg.ClientBase, queueId: string, heads: Map<string, { seq: number; readyAt: number }>): Promise<void> {
    if (!heads.size) return;
    const names = [...heads.keys()].sort();
    await c.query(
      `INSERT INTO fifo_groups (queue_id, group_id, head_seq, ready_at)
       SELECT $1, g, s, r FROM unnest($2::text[], $3::bigint[], $4::bigint[]) AS x(g, s, r) ORDER BY g
       ON CONFLICT (queue_id, group_id) DO UPDATE SET head_seq = fifo_groups.head_seq`,
      [queueId, names, names.map((g) => heads.get(g)!.seq), names.map((g) => heads.get(g)!.readyAt)],
    );
  }

  /**
   * Recompute group rows from their messages (caller holds the group locks): head = lowest sequence;
   * ready_at = max(head.visible_at, latest deadline of received messages); empty groups are deleted.
   * Returns ready_at per remaining group.
   */
  private async refreshGroups(c: pg.ClientBase, queueId: string, groups: Iterable<string>): Promise<Map<string, number>> {
    const list = [...new Set(groups)].sort();
    const out = new Map<string, number>();
    if (!list.length) return out;
    const r = await c.query<{ group_id: string; ready_at: number }>({
      text: `WITH gs AS (SELECT unnest($2::text[]) AS group_id),
       calc AS (
         SELECT gs.group_id, h.seq AS head_seq, h.visible_at AS head_vis,
                (SELECT max(l.visible_at) FROM messages l
                  WHERE l.queue_id = $1 AND l.group_id = gs.group_id AND l.received) AS lock_at
           FROM gs LEFT JOIN LATERAL (
             SELECT seq, visible_at FROM messages m WHERE m.queue_id = $1 AND m.group_id = gs.group_id ORDER BY seq LIMIT 1
           ) h ON true),
       del AS (DELETE FROM fifo_groups f USING calc
                WHERE f.queue_id = $1 AND f.group_id = calc.group_id AND calc.head_seq IS NULL),
       up AS (INSERT INTO fifo_groups (queue_id, group_id, head_seq, ready_at)
              SELECT $1, group_id, head_seq, GREATEST(head_vis, COALESCE(lock_at, head_vis)) FROM calc WHERE head_seq IS NOT NULL
              ON CONFLICT (queue_id, group_id) DO UPDATE SET head_seq = excluded.head_seq, ready_at = excluded.ready_at
              RETURNING group_id, ready_at)
       SELECT group_id, ready_at FROM up`,
      values: [queueId, list],
    });
    for (const row of r.rows) out.set(row.group_id, row.ready_at);
    this.noteChurn(list.length);
    return out;
  }

  /**
   * Recompute groups in a transaction of their own, after housekeeping that had to lock messages
   * first (see the locking protocol). Best effort: a stale row only delays deliveries (receives check
   * group locks against the messages themselves) and is recomputed by the next receive of the group.
   */
  private async refreshGroupsLater(queueId: string, groups: Set<string>): Promise<void> {
    if (!groups.size) return;
    await this.tx(async (t) => {
      await this.lockGroups(t.client, queueId, groups);
      const ready = await this.refreshGroups(t.client, queueId, groups);
      if ([...ready.values()].some((r) => r <= t.now)) t.wakes.add(queueId);
    }).catch(() => undefined);
  }

  // ---- vacuum ---------------------------------------------------------------------------------

  /**
   * Count rows of `messages` (and `fifo_groups`) retired by this process, and VACUUM the tables in
   * the background when enough have piled up. Why an application vacuums: a receive walks the queue's
   * `messages_ready` index from its oldest entry, and every claim (a non-HOT update: `visible_at` is
   * indexed) and every delete leaves a dead entry exactly there, at the front of that walk (FIFO: the
   * same in `fifo_groups_ready`, whose rows every receive and delete rewrites, and in the group
   * indexes of `messages`). A plain index scan marks them dead but still steps over them, page by
   * page, until VACUUM removes them, and autovacuum looks at a table only once a minute
   * (`autovacuum_naptime`): a busy queue's receives then read hundreds of dead index pages each.
   * Vacuuming after a few thousand retired rows keeps that walk short for a fraction of its cost.
   *
   * `SKIP_LOCKED`: when a VACUUM (autovacuum's, another node's) is already running, this one does
   * nothing; `TRUNCATE false`: never takes the lock that would block queries; `INDEX_CLEANUP ON`: the
   * index entries are the point. It has no effect on semantics, and it also refreshes the planner's
   * view of the table (cached plans are re-planned after it). It needs the table's owner (normally the
   * role that ran the migrations): otherwise, or when it runs into the statement timeout (a table that
   * big is autovacuum's job) or fails in any other way than a lost connection, this process stops
   * trying and says so once.
   */
  private noteChurn(rows: number): void {
    this.churn += rows;
    if (this.churn < this.churnLimit || this.vacuuming || this.vacuumOff || this.closed || !this.pool) return;
    this.churn = 0;
    this.vacuuming = true;
    void this.vacuumMessages().finally(() => (this.vacuuming = false));
  }

  private async vacuumMessages(): Promise<void> {
    try {
      const pool = this.openPool();
      const own = await pool.query<{ ok: boolean }>(`SELECT pg_has_role(relowner, 'MEMBER') AS ok FROM pg_class WHERE oid = 'messages'::regclass`);
      if (!own.rows[0]?.ok) {
        this.vacuumOff = true;
        this.warn('PostgreSQL: Ferry does not own its messages table, so it cannot VACUUM it after busy stretches; make sure autovacuum keeps up');
        return;
      }
      await pool.query('VACUUM (SKIP_LOCKED, TRUNCATE false, INDEX_CLEANUP ON) messages, fifo_groups');
      const live = await pool.query<{ n: number }>(`SELECT GREATEST(reltuples, 0)::bigint AS n FROM pg_class WHERE oid = 'messages'::regclass`);
      this.churnLimit = Math.max(VACUUM_MIN_CHURN, Math.round(VACUUM_CHURN_PER_SQRT_ROW * Math.sqrt(Number(live.rows[0]?.n ?? 0))));
    } catch (e) {
      // A lost connection, a restarting server, a closing engine: try again after the next stretch.
      // A statement timeout (57014) or anything else: stop.
      if (this.closed || (isServiceError(e) && (e as { code?: unknown }).code !== '57014')) return;
      this.vacuumOff = true;
      this.warn('PostgreSQL: VACUUM of the messages table failed; leaving it to autovacuum', { err: (e as Error).message });
    }
  }

  // ---- meta -----------------------------------------------------------------------------------

  /** @inheritdoc */
  async metaGetOrCreate(key: string, create: () => string): Promise<string> {
    const existing = await this.one<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]);
    if (existing.rows[0]) return existing.rows[0].value;
    // Whoever inserts first wins; everybody (on every node) then reads the winner's value.
    await this.one('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, create()]);
    return (await this.one<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key])).rows[0]!.value;
  }

  // ---- queues ---------------------------------------------------------------------------------

  /** @inheritdoc */
  queueCreate(p: QueueCreateParams): Promise<QueueCreateResult> {
    return this.tx(async (t) => {
      const existing = await this.queueByNameIn(t.client, p.name);
      if (existing) return { queue: existing, created: false };
      if (p.reuseDelayMs > 0) {
        const tomb = await t.client.query<{ deleted_at: number }>('SELECT deleted_at FROM queue_tombstones WHERE name = $1', [p.name]);
        const d = tomb.rows[0];
        if (d && t.now - d.deleted_at < p.reuseDelayMs) throw new DomainError('QueueDeletedRecently', `queue ${p.name} was deleted recently`);
      }
      // Two nodes creating the same name: the second INSERT waits on the unique index, then does nothing
      // and reads the winner's row (a fresh statement snapshot sees it).
      const ins = await t.client.query<QueueRow>(
        `INSERT INTO queues (id, name, fifo, attributes, tags, created_at, last_modified_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (name) DO NOTHING RETURNING ${QUEUE_COLS}`,
        [this.random.uuid(), p.name, p.fifo, JSON.stringify(p.attributes), JSON.stringify(p.tags), t.now],
      );
      if (!ins.rows[0]) {
        const winner = await this.queueByNameIn(t.client, p.name);
        if (!winner) throw new DomainError('Unavailable', 'concurrent create and delete of one queue name');
        return { queue: winner, created: false };
      }
      await t.client.query('DELETE FROM queue_tombstones WHERE name = $1', [p.name]);
      return { queue: this.remember(freezeQueue(ins.rows[0])), created: true };
    }).finally(() => this.invalidate(undefined, p.name));
  }

  /**
   * @inheritdoc — from the process cache when read less than `QUEUE_CACHE_MS` ago (a queue that does
   * not exist is never cached: one created on another node is found at once).
   */
  async queueGetByName(name: string): Promise<QueueRecord | undefined> {
    return this.cachedQueue(this.cacheByName, name, Q_QUEUE_BY_NAME, 'ferry_queue_by_name');
  }

  /** @inheritdoc — cached like queueGetByName. */
  async queueGetById(id: string): Promise<QueueRecord | undefined> {
    return this.cachedQueue(this.cacheById, id, Q_QUEUE_BY_ID, 'ferry_queue_by_id');
  }

  /** A queue record from `cache` when fresh, else from the database (and then cached, unless stale). */
  private async cachedQueue(
    cache: Map<string, { q: QueueRecord; until: number }>,
    key: string,
    sql: string,
    statement: string,
  ): Promise<QueueRecord | undefined> {
    const hit = this.cached(cache, key);
    if (hit) return hit;
    const gen = this.cacheGen;
    const r = await this.one<QueueRow>(sql, [key], statement);
    if (!r.rows[0]) return undefined;
    const q = this.remember(freezeQueue(r.rows[0]));
    this.cacheStore(q, gen);
    return q;
  }

  /** @inheritdoc */
  async queueList(prefix?: string): Promise<QueueRecord[]> {
    const r = await this.one<QueueRow>(`SELECT ${QUEUE_COLS} FROM queues`);
    // Filter and sort in JS: the contract is UTF-16 code-unit order, not the database collation.
    return r.rows
      .filter((row) => prefix === undefined || row.name.startsWith(prefix))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((row) => this.remember(freezeQueue(row)));
  }

  /** @inheritdoc */
  queueSetAttributes(p: QueueUpdateParams): Promise<QueueRecord> {
    return this.tx(async (t) => {
      const q = await this.mustQueue(t.client, p.queueId, 'FOR NO KEY UPDATE');
      const attrs: Record<string, string> = { ...q.attributes, ...p.set };
      for (const k of p.unset ?? []) delete attrs[k];
      const r = await t.client.query<QueueRow>(`UPDATE queues SET attributes = $2, last_modified_at = $3 WHERE id = $1 RETURNING ${QUEUE_COLS}`, [
        q.id,
        JSON.stringify(attrs),
        t.now,
      ]);
      return freezeQueue(r.rows[0]!);
    }).finally(() => this.invalidate(p.queueId));
  }

  /** @inheritdoc */
  queueTag(queueId: string, tags: Record<string, string>): Promise<void> {
    return this.tx(async (t) => {
      const q = await this.mustQueue(t.client, queueId, 'FOR NO KEY UPDATE');
      await t.client.query('UPDATE queues SET tags = $2 WHERE id = $1', [q.id, JSON.stringify({ ...q.tags, ...tags })]);
    }).finally(() => this.invalidate(queueId));
  }

  /** @inheritdoc */
  queueUntag(queueId: string, keys: string[]): Promise<void> {
    return this.tx(async (t) => {
      const q = await this.mustQueue(t.client, queueId, 'FOR NO KEY UPDATE');
      const tags: Record<string, string> = { ...q.tags };
      for (const k of keys) delete tags[k];
      await t.client.query('UPDATE queues SET tags = $2 WHERE id = $1', [q.id, JSON.stringify(tags)]);
    }).finally(() => this.invalidate(queueId));
  }

  /** @inheritdoc */
  queueDelete(queueId: string): Promise<void> {
    return this.tx(async (t) => {
      // FOR UPDATE first: waits for running sends (they hold KEY SHARE / NO KEY UPDATE), so no message
      // can land in the queue after its messages were deleted.
      const q = await this.mustQueue(t.client, queueId, 'FOR UPDATE');
      await t.client.query('DELETE FROM messages WHERE queue_id = $1', [q.id]);
      await t.client.query('DELETE FROM fifo_groups WHERE queue_id = $1', [q.id]);
      await t.client.query('DELETE FROM dedup WHERE queue_id = $1', [q.id]);
      await t.client.query('DELETE FROM receive_attempts WHERE queue_id = $1', [q.id]);
      await t.client.query('DELETE FROM move_tasks WHERE source_queue_id = $1', [q.id]);
      await t.client.query('DELETE FROM queues WHERE id = $1', [q.id]);
      await t.client.query(
        `INSERT INTO queue_tombstones (name, deleted_at) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET deleted_at = excluded.deleted_at`,
        [q.name, t.now],
      );
      this.knownQueues.delete(q.id);
    }).finally(() => this.invalidate(queueId));
  }

  /** @inheritdoc */
  queuePurge(queueId: string, minIntervalMs: number): Promise<void> {
    return this.tx(async (t) => {
      const q = await this.mustQueue(t.client, queueId, 'FOR UPDATE');
      const last = (await t.client.query<{ last_purge_at: number | null }>('SELECT last_purge_at FROM queues WHERE id = $1', [q.id])).rows[0]!
        .last_purge_at;
      if (minIntervalMs > 0 && last !== null && t.now - last < minIntervalMs) {
        throw new DomainError('PurgeInProgress', `queue ${q.name} was purged less than ${minIntervalMs} ms ago`);
      }
      // Dedup entries survive a purge (AWS: a purged message's dedup id still suppresses resends).
      await t.client.query('DELETE FROM messages WHERE queue_id = $1', [q.id]);
      await t.client.query('DELETE FROM fifo_groups WHERE queue_id = $1', [q.id]);
      await t.client.query('DELETE FROM receive_attempts WHERE queue_id = $1', [q.id]);
      await t.client.query('UPDATE queues SET last_purge_at = $2 WHERE id = $1', [q.id, t.now]);
    });
  }

  /** @inheritdoc */
  async queueStats(queueId: string): Promise<QueueStats> {
    const r = await this.one<QueueRow & { now: number }>(`SELECT q.*, COALESCE($2::bigint, ${DBNOW}) AS now FROM queues q WHERE id = $1`, [
      queueId,
      this.nowParam(),
    ]);
    const row = r.rows[0];
    if (!row) throw new DomainError('QueueNotFound', `queue ${queueId} does not exist`);
    try {
      return await this.statsOf(this.openPool(), this.remember(freezeQueue(row)), row.now);
    } catch (e) {
      throw this.toDomain(e);
    }
  }

  private async statsOf(c: pg.Pool | pg.ClientBase, q: QueueRecord, now: number): Promise<QueueStats> {
    const r = await c.query<QueueStats>(
      `SELECT count(*) FILTER (WHERE visible_at <= $2) AS visible,
              count(*) FILTER (WHERE visible_at > $2 AND received) AS inflight,
              count(*) FILTER (WHERE visible_at > $2 AND NOT received) AS delayed
         FROM messages WHERE queue_id = $1 AND sent_at > $3`,
      [q.id, now, now - retentionMs(q)],
    );
    const s = r.rows[0]!;
    return { visible: Number(s.visible), inflight: Number(s.inflight), delayed: Number(s.delayed) };
  }

  // ---- messages: send -------------------------------------------------------------------------

  /** @inheritdoc */
  async messageSend(p: MessageSendParams): Promise<SendMessageResult[]> {
    if (p.messages.length === 0) return [];
    return (await this.isFifo(p.queueId)) ? this.sendFifo(p) : this.sendStandard(p);
  }

  /**
   * Standard queues: one autocommit statement (lock the queue row FOR KEY SHARE so a concurrent
   * DeleteQueue waits, insert every message, NOTIFY when any is deliverable now). One round trip.
   */
  private async sendStandard(p: MessageSendParams): Promise<SendMessageResult[]> {
    const ms = p.messages;
    const wake = ms.some((m) => m.delayMs <= 0);
    const r = await this.one<{ found: number; n: number }>(
      Q_SEND_STANDARD,
      [
        p.queueId,
        this.nowParam(),
        ms.map((m) => m.messageId),
        ms.map((m) => m.groupId ?? null),
        ms.map((m) => m.body),
        ms.map((m) => m.md5OfBody),
        ms.map((m) => encodeAttributes(m.messageAttributes)),
        ms.map((m) => m.md5OfMessageAttributes ?? null),
        ms.map((m) => encodeAttributes(m.systemAttributes)),
        ms.map((m) => m.md5OfMessageSystemAttributes ?? null),
        ms.map((m) => m.senderId),
        ms.map((m) => Math.round(m.delayMs)),
        wake,
        this.channel,
        `${this.instance} ${p.queueId}`,
      ],
      'ferry_send_standard',
    );
    if (Number(r.rows[0]!.found) === 0) throw this.notFound(p.queueId);
    if (wake) this.emit([p.queueId]);
    return ms.map((m) => ({ messageId: m.messageId, deduplicated: false }));
  }

  /**
   * FIFO sends of this process, per queue: the calls waiting for the one in progress. Sends to a FIFO
   * queue are serialised by its row lock until COMMIT (see sendFifoTx), so concurrent calls would
   * only queue up in the database, one commit (and WAL flush) each. Instead, calls that arrive while
   * a send to the same queue is in progress are combined into the next transaction, in arrival
   * order: the outcome is exactly that of running them one after the other (sequence numbers in
   * arrival order, a dedup id sent by an earlier call deduplicates a later one), at the cost of one
   * commit for all of them. A lone call runs at once, so nothing waits to be combined.
   */
  private readonly fifoSends = new Map<string, FifoSendCall[]>();
  /** FIFO send transactions run (each may carry several calls). For tests and diagnostics. @internal */
  fifoSendTransactions = 0;

  /** FIFO send: joins the queue's combined transactions (see {@link fifoSends}). */
  private sendFifo(p: MessageSendParams): Promise<SendMessageResult[]> {
    return new Promise((resolve, reject) => {
      const waiting = this.fifoSends.get(p.queueId);
      if (waiting) {
        waiting.push({ p, resolve, reject });
        return;
      }
      this.fifoSends.set(p.queueId, []);
      void this.runFifoSends(p.queueId, [{ p, resolve, reject }]);
    });
  }

  /** Run `calls` in one transaction, then the calls that arrived meanwhile, until none are left. */
  private async runFifoSends(queueId: string, calls: FifoSendCall[]): Promise<void> {
    for (;;) {
      const messages = calls.length === 1 ? calls[0]!.p.messages : calls.flatMap((c) => c.p.messages);
      try {
        this.fifoSendTransactions++;
        const results = await this.sendFifoTx(queueId, messages, calls[0]!.p.dedupWindowMs);
        let off = 0;
        for (const c of calls) {
          c.resolve(results.slice(off, off + c.p.messages.length));
          off += c.p.messages.length;
        }
      } catch (e) {
        for (const c of calls) c.reject(e);
      }
      const waiting = this.fifoSends.get(queueId)!;
      if (waiting.length === 0) {
        this.fifoSends.delete(queueId);
        return;
      }
      // Next round: the waiting calls in arrival order, as many as fit one transaction (at least
      // one), sharing the dedup window (the same for every call in practice).
      let n = 0;
      let msgs = 0;
      let chars = 0;
      while (n < waiting.length && (n === 0 || (msgs < FIFO_COMBINE_MAX_MESSAGES && chars < FIFO_COMBINE_MAX_BODY_CHARS))) {
        const c = waiting[n]!;
        if (c.p.dedupWindowMs !== waiting[0]!.p.dedupWindowMs) break;
        msgs += c.p.messages.length;
        for (const m of c.p.messages) chars += m.body.length;
        n++;
      }
      calls = waiting.splice(0, n);
    }
  }

  /**
   * One FIFO send transaction: lock the queue row while reserving sequence numbers (serialises sends
   * per queue, so sequence order is commit order and the dedup check below cannot race another node's
   * send of the same id), check the dedup window, then insert messages, dedup entries and group rows
   * in one statement. `messages` are processed in order, as if sent one call after the other.
   */
  private sendFifoTx(queueId: string, messages: MessageSendParams['messages'], dedupWindowMs: number): Promise<SendMessageResult[]> {
    const p = { queueId, messages, dedupWindowMs };
    return this.tx(async (t) => {
      const c = t.client;
      // Reserve sequence numbers and read the queue (its DeduplicationScope) in one statement: the row
      // it returns is the locked, newest version.
      const reserved = await c.query<QueueRow>({ name: 'ferry_fifo_reserve', text: Q_FIFO_RESERVE, values: [p.queueId, p.messages.length] });
      if (!reserved.rows[0]) throw this.notFound(p.queueId);
      let seq = reserved.rows[0].seq_counter - p.messages.length;
      const q = this.remember(freezeQueue(reserved.rows[0]));
      const keys = p.messages.map((m) => (m.dedupId !== undefined ? dedupKey(q, m.groupId, m.dedupId) : undefined));
      const wanted = [...new Set(keys.filter((k): k is string => k !== undefined))];
      const seen = new Map<string, { messageId: string; seq: number | null }>();
      if (wanted.length) {
        // A statement of its own, after the queue row lock: its snapshot includes every send that held
        // the lock before (READ COMMITTED), so a dedup id sent concurrently through another node is seen.
        const r = await c.query<{ key: string; message_id: string; seq: number | null }>(
          'SELECT key, message_id, seq FROM dedup WHERE queue_id = $1 AND key = ANY($2::text[]) AND expires_at > $3',
          [q.id, wanted, t.now],
        );
        for (const row of r.rows) seen.set(row.key, { messageId: row.message_id, seq: row.seq });
      }
      const results: SendMessageResult[] = [];
      const rows: Array<{ m: (typeof p.messages)[number]; seq: number; key: string | undefined }> = [];
      const heads = new Map<string, { seq: number; readyAt: number }>();
      const dedupRows = new Map<string, { messageId: string; seq: number }>();
      p.messages.forEach((m, i) => {
        const key = keys[i];
        const dup = key !== undefined ? seen.get(key) : undefined;
        if (dup) {
          const r: SendMessageResult = { messageId: dup.messageId, deduplicated: true };
          const s = renderSeq(dup.seq);
          if (s !== undefined) r.sequenceNumber = s;
          results.push(r);
          return;
        }
        seq += 1;
        rows.push({ m, seq, key });
        if (key !== undefined) {
          seen.set(key, { messageId: m.messageId, seq });
          dedupRows.set(key, { messageId: m.messageId, seq });
        }
        if (m.groupId !== undefined && !heads.has(m.groupId)) heads.set(m.groupId, { seq, readyAt: t.now + Math.max(0, m.delayMs) });
        results.push({ messageId: m.messageId, sequenceNumber: renderSeq(seq)!, deduplicated: false });
      });
      if (rows.length) {
        const dk = [...dedupRows.keys()];
        const gs = [...heads.keys()].sort();
        await c.query({
          name: 'ferry_fifo_insert',
          text: Q_FIFO_INSERT,
          values: [
            q.id,
            t.now,
            rows.map((r) => r.m.messageId),
            rows.map((r) => r.seq),
            rows.map((r) => r.m.groupId ?? null),
            rows.map((r) => r.m.dedupId ?? null),
            rows.map((r) => r.m.body),
            rows.map((r) => r.m.md5OfBody),
            rows.map((r) => encodeAttributes(r.m.messageAttributes)),
            rows.map((r) => r.m.md5OfMessageAttributes ?? null),
            rows.map((r) => encodeAttributes(r.m.systemAttributes)),
            rows.map((r) => r.m.md5OfMessageSystemAttributes ?? null),
            rows.map((r) => r.m.senderId),
            rows.map((r) => Math.round(r.m.delayMs)),
            dk,
            dk.map((k) => dedupRows.get(k)!.messageId),
            dk.map((k) => dedupRows.get(k)!.seq),
            p.dedupWindowMs,
            gs,
            gs.map((g) => heads.get(g)!.seq),
            gs.map((g) => heads.get(g)!.readyAt),
          ],
        });
        if (rows.some((r) => r.m.delayMs <= 0)) t.wakes.add(q.id);
      }
      return results;
    });
  }

  // ---- messages: receive ----------------------------------------------------------------------

  /**
   * Standard claim, one statement: lock up to `$3` deliverable candidates (oldest first) with SKIP
   * LOCKED and claim those that are neither past retention (`sent_at <= $4`) nor due for the
   * dead-letter queue (`receive_count >= $5`); the other candidates come back unclaimed (still locked
   * by this transaction) for the caller to delete or dead-letter. `$6`: ids already handled by this
   * receive (so a visibility-0 claim is not taken twice).
   */
  private static readonly CLAIM_STANDARD = `
    WITH c AS (
      SELECT id, visible_at, sent_at, receive_count FROM messages
       WHERE queue_id = $1 AND visible_at <= $2::bigint AND id <> ALL($6::bigint[])
       ORDER BY visible_at, id
       LIMIT $3
       FOR UPDATE SKIP LOCKED),
    u AS (
      UPDATE messages m
         SET ${claimSet('$2::bigint', '$7::bigint')}
        FROM c
       WHERE m.id = c.id AND c.sent_at > $4::bigint AND c.receive_count < $5
      RETURNING ${M_DELIVERY_COLS})
    SELECT c.id AS c_id, c.sent_at AS c_sent, u.*
      FROM c LEFT JOIN u ON u.id = c.id
     ORDER BY c.visible_at, c.id`;

  /**
   * FIFO claim, one statement:
   *  1. `cand`: up to `$8` groups that look ready in this statement's snapshot (ready_at ≤ now and —
   *     checked against the messages themselves — no message in flight other than this receive's
   *     own), oldest first, skipping groups `$9` found locked by others in an earlier round;
   *  2. their deliverable prefixes in sequence order (stopping at the first message that is not
   *     deliverable; messages this receive already took, `$6`, count as passed), numbered group
   *     after group;
   *  3. `lk`: lock only the groups the first `$3` of those need, `FOR UPDATE SKIP LOCKED` (locking
   *     every candidate group would make concurrent receivers on other nodes find all groups locked
   *     while this one drains only the first); the lock re-checks ready_at on the newest row version;
   *  4. claim the first `$3` messages of the groups actually locked, as in the standard claim.
   * Returns the needed and the locked groups so the caller can retry without the skipped ones and
   * recompute the rows of the ones it holds.
   */
  private static readonly CLAIM_FIFO = `
    WITH cand AS (
      SELECT f.group_id, f.ready_at, f.head_seq FROM fifo_groups f
       WHERE f.queue_id = $1 AND f.ready_at <= $2::bigint AND f.group_id <> ALL($9::text[])
         AND NOT EXISTS (SELECT 1 FROM messages l
                          WHERE l.queue_id = $1 AND l.group_id = f.group_id AND l.received
                            AND l.visible_at > $2::bigint AND l.id <> ALL($6::bigint[]))
       ORDER BY f.ready_at, f.head_seq
       LIMIT $8),
    m AS (
      SELECT cand.ready_at AS g_ready, cand.head_seq AS g_head, x.*
        FROM cand CROSS JOIN LATERAL (
          SELECT id, group_id, seq, visible_at, sent_at, receive_count FROM messages
           WHERE queue_id = $1 AND group_id = cand.group_id ORDER BY seq LIMIT $8) x),
    p AS (
      SELECT m.*, bool_and(m.visible_at <= $2::bigint OR m.id = ANY($6::bigint[]))
                    OVER (PARTITION BY m.group_id ORDER BY m.seq) AS ok
        FROM m),
    c AS (
      SELECT p.*, row_number() OVER (ORDER BY g_ready, g_head, group_id, seq) AS rn
        FROM p WHERE ok AND id <> ALL($6::bigint[])),
    need AS (SELECT DISTINCT group_id FROM c WHERE rn <= $3),
    lk AS (
      SELECT f.group_id FROM fifo_groups f
       WHERE f.queue_id = $1 AND f.group_id IN (SELECT group_id FROM need) AND f.ready_at <= $2::bigint
       ORDER BY f.group_id
       FOR UPDATE SKIP LOCKED),
    pick AS (
      SELECT * FROM (SELECT c.*, row_number() OVER (ORDER BY c.rn) AS rn2 FROM c WHERE c.group_id IN (SELECT group_id FROM lk)) z
       WHERE rn2 <= $3),
    u AS (
      UPDATE messages m
         SET ${claimSet('$2::bigint', '$7::bigint')}
        FROM pick
       WHERE m.id = pick.id AND pick.sent_at > $4::bigint AND pick.receive_count < $5
      RETURNING ${M_DELIVERY_COLS}),
    res AS (
      SELECT pick.rn2, pick.id AS c_id, pick.sent_at AS c_sent, pick.group_id AS c_group, u.*
        FROM pick LEFT JOIN u ON u.id = pick.id)
    SELECT (SELECT array_agg(group_id) FROM lk) AS c_groups, (SELECT array_agg(group_id) FROM need) AS c_need, res.*
      FROM (SELECT 1) one LEFT JOIN res ON true
     ORDER BY res.rn2`;

  /**
   * @inheritdoc
   * Standard queues: one statement (see receiveStandardSql), with the queue's attributes from the
   * process cache. FIFO queues: a transaction (group locks, attempt ids).
   */
  async messageReceive(p: ReceiveParams): Promise<ReceiveResult> {
    const q = await this.queueGetById(p.queueId);
    if (!q) throw this.notFound(p.queueId);
    return q.fifo ? this.receiveTx(p, []) : this.receiveStandard(q, p);
  }

  /**
   * The standard-queue receive in one autocommit round trip. The claim's locks end with the statement,
   * so candidates it set aside (past retention, due for the dead-letter queue) are handed to
   * receiveTx, which locks them again and re-checks everything (queue attributes included, from the
   * database) before deleting or dead-lettering them and filling up the receive; the messages claimed
   * here are excluded there (`seen`), so a visibility-0 claim is not delivered twice.
   */
  private async receiveStandard(q: QueueRecord, p: ReceiveParams): Promise<ReceiveResult> {
    const max = Math.max(0, p.maxMessages);
    const redrive = parseRedrive(q.attributes['RedrivePolicy']);
    const params: unknown[] = [
      q.id,
      max,
      redrive ? redrive.maxReceiveCount : NO_REDRIVE,
      redrive ? arnName(redrive.targetArn) : null,
      p.maxInflight ?? null,
      Math.max(0, Math.round(p.visibilityTimeoutMs)),
      retentionMs(q),
    ];
    if (this.testClock) params.push(this.testClock.now());
    const rows = (await this.one<FastClaimRow>(this.receiveSql, params, this.testClock ? 'ferry_receive_standard_t' : 'ferry_receive_standard')).rows;
    const head = rows[0]!;
    if (!head.q_found) throw this.notFound(q.id);
    if (!head.q_room) throw new DomainError('OverLimit', `queue ${q.name} has too many messages in flight`);
    const out: ReceivedMessage[] = [];
    const claimed: number[] = [];
    let setAside = false;
    for (const r of rows) {
      if (r.c_id === null || r.c_id === undefined) continue;
      if (r.id !== null && r.id !== undefined) {
        out.push(toReceived(r as MessageRow));
        claimed.push(r.id);
      } else {
        setAside = true;
      }
    }
    this.noteChurn(claimed.length);
    if (setAside && out.length < max) {
      // Rare: expired or dead-letter candidates. The in-flight check already passed for this receive.
      // Should this second step fail, the messages claimed above are still delivered (they are in
      // flight under their new receipts either way).
      let more: ReceiveResult;
      try {
        more = await this.receiveTx({ ...p, maxMessages: max - out.length, maxInflight: undefined }, claimed);
      } catch (e) {
        if (out.length) return { messages: out };
        throw e;
      }
      const res: ReceiveResult = { messages: out.concat(more.messages) };
      if (more.nextVisibleAt !== undefined) res.nextVisibleAt = more.nextVisibleAt;
      return res;
    }
    const res: ReceiveResult = { messages: out };
    if (head.q_next !== null) res.nextVisibleAt = this.localInstant(head.q_next, head.q_now);
    return res;
  }

  /**
   * nextVisibleAt only decides how long *this process* sleeps, and the action layer measures that with
   * the process clock. Translate the database instant `at` (read when the database said `now`) into it,
   * so a node whose clock is off neither oversleeps nor spins. (With a test clock both clocks are the
   * same and this is exact.)
   */
  private localInstant(at: number, now: number): number {
    return this.testClock ? at : this.localClock.now() + (at - now);
  }

  /**
   * A receive as one transaction: every FIFO receive, and the rare standard receive whose single
   * statement set candidates aside. `seenInit`: messages this receive already claimed.
   */
  private async receiveTx(p: ReceiveParams, seenInit: number[]): Promise<ReceiveResult> {
    const result = await this.tx(async (t) => {
      const c = t.client;
      const q = await this.mustQueue(c, p.queueId);
      const now = t.now;
      const max = Math.max(0, p.maxMessages);

      if (q.fifo && p.attemptId !== undefined) {
        const replay = await this.replayAttempt(t, q, p);
        if (replay) return { messages: replay, now };
      }

      if (p.maxInflight !== undefined) {
        const n = await c.query<{ n: number }>(
          'SELECT count(*) AS n FROM (SELECT 1 FROM messages WHERE queue_id = $1 AND visible_at > $2 AND received LIMIT $3) x',
          [q.id, now, p.maxInflight],
        );
        if (Number(n.rows[0]!.n) >= p.maxInflight) throw new DomainError('OverLimit', `queue ${q.name} has too many messages in flight`);
      }

      const redrive = parseRedrive(q.attributes['RedrivePolicy']);
      let dlq: QueueRecord | undefined;
      if (redrive) {
        dlq = await this.queueByNameIn(c, arnName(redrive.targetArn));
        if (dlq?.id === q.id) dlq = undefined; // a queue redriving into itself would loop
      }
      const maxRc = dlq && redrive ? redrive.maxReceiveCount : NO_REDRIVE;
      const cutoff = now - retentionMs(q);
      const out: ReceivedMessage[] = [];
      const seen: number[] = [...seenInit];
      const groups = new Set<string>();
      /** FIFO: groups another receiver held when this one wanted them (not retried in this receive). */
      const skipped = new Set<string>();

      for (let round = 0; out.length < max && round < 8; round++) {
        const want = max - out.length;
        const rows = (
          await c.query<ClaimRow>({
            name: q.fifo ? 'ferry_claim_fifo' : 'ferry_claim_standard',
            text: q.fifo ? PostgresEngine.CLAIM_FIFO : PostgresEngine.CLAIM_STANDARD,
            values: [
              q.id,
              now,
              want,
              cutoff,
              maxRc,
              seen,
              Math.max(0, Math.round(p.visibilityTimeoutMs)),
              ...(q.fifo ? [want + seen.length, [...skipped]] : []),
            ],
          })
        ).rows;
        const expired: number[] = [];
        const dead: number[] = [];
        let newlySkipped = 0;
        if (q.fifo && rows[0]) {
          const locked = new Set(rows[0].c_groups ?? []);
          for (const g of locked) groups.add(g);
          for (const g of rows[0].c_need ?? []) {
            if (!locked.has(g) && !skipped.has(g)) {
              skipped.add(g);
              newlySkipped++;
            }
          }
        }
        for (const r of rows) {
          if (r.c_id === null || r.c_id === undefined) continue;
          seen.push(r.c_id);
          if (r.id !== null && r.id !== undefined) out.push(toReceived(r as MessageRow));
          else if ((r.c_sent ?? 0) <= cutoff) expired.push(r.c_id);
          else dead.push(r.c_id);
        }
        this.noteChurn(rows.length);
        if (expired.length) await c.query('DELETE FROM messages WHERE id = ANY($1::bigint[])', [expired]);
        if (dead.length && dlq) await this.deadLetter(t, q, dlq, dead);
        // Nothing was set aside and no wanted group was taken by someone else: nothing more to find.
        if (!expired.length && !dead.length && !newlySkipped) break;
      }
      if (q.fifo) await this.refreshGroups(c, q.id, groups);

      if (q.fifo && p.attemptId !== undefined) {
        await c.query(
          `INSERT INTO receive_attempts (queue_id, attempt_id, expires_at, receipts) VALUES ($1, $2, $3, $4)
           ON CONFLICT (queue_id, attempt_id) DO UPDATE SET expires_at = excluded.expires_at, receipts = excluded.receipts`,
          [q.id, p.attemptId, now + p.attemptWindowMs, JSON.stringify(out.map((m) => ({ id: Number(m.ref), token: m.receiptToken })))],
        );
      }

      const res: { messages: ReceivedMessage[]; now: number; next?: number } = { messages: out, now };
      if (out.length < max) {
        const next = q.fifo
          ? await c.query<{ t: number | null }>({
              name: 'ferry_next_fifo',
              text: 'SELECT min(ready_at) AS t FROM fifo_groups WHERE queue_id = $1 AND ready_at > $2',
              values: [q.id, now],
            })
          : await c.query<{ t: number | null }>({
              name: 'ferry_next_standard',
              text: 'SELECT min(visible_at) AS t FROM messages WHERE queue_id = $1 AND visible_at > $2',
              values: [q.id, now],
            });
        const v = next.rows[0]?.t;
        if (v !== null && v !== undefined) res.next = v;
      }
      return res;
    });
    const r: ReceiveResult = { messages: result.messages };
    if (result.next !== undefined) r.nextVisibleAt = this.localInstant(result.next, result.now);
    return r;
  }

  /**
   * Move the locked candidate rows `ids` (in candidate order) to the dead-letter queue: same message
   * id, body, attributes, sentAt, receive count and first-receive time; new row id (old receipts of
   * the source cannot reach it); new sequence numbers when the DLQ is FIFO; visible at once.
   */
  private async deadLetter(t: Tx, source: QueueRecord, dlq: QueueRecord, ids: number[]): Promise<void> {
    const target = parseRedrive(source.attributes['RedrivePolicy'])?.targetArn ?? '';
    const parts = target.split(':');
    const sourceArn = `arn:aws:sqs:${parts[3] ?? ''}:${parts[4] ?? ''}:${source.name}`;
    const base = dlq.fifo ? await this.reserveSeq(t.client, dlq.id, ids.length) : null;
    const moved = await t.client.query<{ group_id: string | null; seq: number | null }>(
      `WITH d AS (DELETE FROM messages WHERE id = ANY($1::bigint[]) RETURNING *),
       o AS (SELECT d.*, array_position($1::bigint[], d.id) AS k FROM d)
       INSERT INTO messages (queue_id, message_id, seq, group_id, dedup_id, body, md5_body, attrs, md5_attrs, sys_attrs, md5_sys, sender_id,
                             sent_at, visible_at, received, receive_count, first_received_at, dl_source_arn)
       SELECT $2, message_id, CASE WHEN $3::bigint IS NULL THEN NULL ELSE $3::bigint + k END, group_id, dedup_id, body, md5_body, attrs,
              md5_attrs, sys_attrs, md5_sys, sender_id, sent_at, $4::bigint, false, receive_count, first_received_at, $5
         FROM o ORDER BY k
       RETURNING group_id, seq`,
      [ids, dlq.id, base, t.now, sourceArn],
    );
    if (dlq.fifo) {
      const heads = new Map<string, { seq: number; readyAt: number }>();
      for (const r of moved.rows) {
        if (r.group_id === null || r.seq === null) continue;
        const h = heads.get(r.group_id);
        if (!h || r.seq < h.seq) heads.set(r.group_id, { seq: r.seq, readyAt: t.now });
      }
      await this.touchGroups(t.client, dlq.id, heads);
    }
    t.wakes.add(dlq.id);
  }

  /**
   * ReceiveRequestAttemptId: if every message the attempt delivered is still in flight under the same
   * receipt token, reset their deadlines and return them again; otherwise undefined (normal receive).
   */
  private async replayAttempt(t: Tx, q: QueueRecord, p: ReceiveParams): Promise<ReceivedMessage[] | undefined> {
    const c = t.client;
    const rec = (
      await c.query<{ expires_at: number; receipts: string }>(
        'SELECT expires_at, receipts FROM receive_attempts WHERE queue_id = $1 AND attempt_id = $2',
        [q.id, p.attemptId],
      )
    ).rows[0];
    if (!rec || rec.expires_at <= t.now) return undefined;
    const receipts = JSON.parse(rec.receipts) as Array<{ id: number; token: string }>;
    if (receipts.length === 0) return undefined; // an empty attempt is not replayed: retries should see new messages
    const ids = receipts.map((r) => r.id);
    const pre = await c.query<{ group_id: string | null }>(`SELECT DISTINCT group_id FROM messages WHERE id = ANY($2::bigint[]) AND ${IN_QUEUE}`, [
      q.id,
      ids,
    ]);
    const groups = pre.rows.map((r) => r.group_id).filter((g): g is string => g !== null);
    await this.lockGroups(c, q.id, groups);
    const rows = await c.query<MessageRow>(`SELECT * FROM messages WHERE id = ANY($2::bigint[]) AND ${IN_QUEUE} ORDER BY id FOR UPDATE`, [q.id, ids]);
    const byId = new Map(rows.rows.map((r) => [r.id, r]));
    for (const r of receipts) {
      const row = byId.get(r.id);
      if (!row || row.receipt_token !== r.token || !row.received || row.visible_at <= t.now) return undefined;
    }
    const upd = await c.query<MessageRow>(`UPDATE messages SET visible_at = $3 WHERE id = ANY($2::bigint[]) AND ${IN_QUEUE} RETURNING *`, [
      q.id,
      ids,
      t.now + Math.max(0, Math.round(p.visibilityTimeoutMs)),
    ]);
    const updated = new Map(upd.rows.map((r) => [r.id, r]));
    await this.refreshGroups(c, q.id, groups);
    return receipts.map((r) => toReceived(updated.get(r.id)!));
  }

  // ---- messages: delete and visibility --------------------------------------------------------

  /**
   * Lock the messages named by `refs` for a change, FIFO groups first (the lock order). Returns the
   * rows by id.
   */
  private async lockMessages(t: Tx, q: QueueRecord, refs: readonly string[]): Promise<{ rows: Map<number, MessageRow>; groups: string[] }> {
    const ids = [...new Set(refIds(refs))];
    const rows = new Map<number, MessageRow>();
    if (!ids.length) return { rows, groups: [] };
    let groups: string[] = [];
    if (q.fifo) {
      // The messages' groups, and their locks (lockGroups' order), in one statement.
      const pre = await t.client.query<{ group_id: string }>({
        text: `WITH g AS (SELECT DISTINCT group_id FROM messages WHERE id = ANY($2::bigint[]) AND ${IN_QUEUE} AND group_id IS NOT NULL),
               l AS (SELECT f.group_id FROM fifo_groups f WHERE f.queue_id = $1 AND f.group_id IN (SELECT group_id FROM g) ORDER BY f.group_id FOR UPDATE)
               SELECT g.group_id, (SELECT count(*) FROM l) AS locked FROM g`,
        values: [q.id, ids],
      });
      groups = pre.rows.map((r) => r.group_id);
    }
    const r = await t.client.query<MessageRow>({
      name: 'ferry_lock_messages',
      text: `SELECT id, group_id, receipt_token, received, received_at, visible_at FROM messages
              WHERE id = ANY($2::bigint[]) AND ${IN_QUEUE} ORDER BY id FOR UPDATE`,
      values: [q.id, ids],
    });
    for (const row of r.rows) rows.set(row.id, row);
    return { rows, groups };
  }

  /** @inheritdoc */
  async messageDelete(p: MessageDeleteParams): Promise<EntryResult[]> {
    if (!(await this.isFifo(p.queueId))) {
      // Standard queues accept any receipt of a message that exists, and a repeated delete: one
      // autocommit statement. The queue must exist (QueueNotFound otherwise).
      const r = await this.one<{ found: number; n: number }>(
        Q_DELETE_STANDARD,
        [p.queueId, refIds(p.receipts.map((x) => x.ref))],
        'ferry_delete_standard',
      );
      if (Number(r.rows[0]!.found) === 0) throw this.notFound(p.queueId);
      this.noteChurn(Number(r.rows[0]!.n));
      return p.receipts.map(() => ({ ok: true }));
    }
    return this.tx(async (t) => {
      const q = await this.mustQueue(t.client, p.queueId);
      const { rows, groups } = await this.lockMessages(
        t,
        q,
        p.receipts.map((r) => r.ref),
      );
      const gone = new Set<number>();
      const results: EntryResult[] = p.receipts.map((r) => {
        const id = /^[0-9]{1,15}$/.test(r.ref) ? Number(r.ref) : -1;
        const row = rows.get(id);
        if (!q.fifo) {
          if (row) gone.add(id);
          return { ok: true };
        }
        // FIFO: only the current receipt of a message still in flight deletes (AWS: "The receipt
        // handle has expired.").
        if (!row || gone.has(id) || row.receipt_token !== r.receiptToken || !row.received || row.visible_at <= t.now) {
          return { ok: false, error: 'ReceiptInvalid' };
        }
        gone.add(id);
        return { ok: true };
      });
      if (gone.size)
        await t.client.query({ name: 'ferry_delete_locked', text: 'DELETE FROM messages WHERE id = ANY($1::bigint[])', values: [[...gone]] });
      this.noteChurn(gone.size);
      if (q.fifo && gone.size) {
        const ready = await this.refreshGroups(t.client, q.id, groups);
        if ([...ready.values()].some((r) => r <= t.now)) t.wakes.add(q.id);
      }
      return results;
    });
  }

  /** @inheritdoc */
  visibilityChange(p: VisibilityChangeParams): Promise<EntryResult[]> {
    return this.tx(async (t) => {
      const q = await this.mustQueue(t.client, p.queueId);
      const { rows, groups } = await this.lockMessages(
        t,
        q,
        p.entries.map((e) => e.ref),
      );
      const updates = new Map<number, number>();
      const results: EntryResult[] = p.entries.map((e) => {
        const id = /^[0-9]{1,15}$/.test(e.ref) ? Number(e.ref) : -1;
        const row = rows.get(id);
        if (!row) return { ok: false, error: 'ReceiptInvalid' };
        if (q.fifo && row.receipt_token !== e.receiptToken) return { ok: false, error: 'ReceiptInvalid' };
        const current = updates.get(id) ?? row.visible_at;
        if (!row.received || current <= t.now) return { ok: false, error: 'MessageNotInflight' };
        const deadline = t.now + Math.max(0, Math.round(e.visibilityTimeoutMs));
        // AWS: the 12 h cap counts from the receive that issued the current receipt.
        if (deadline > (row.received_at ?? t.now) + p.maxTotalMs) return { ok: false, error: 'VisibilityLimitExceeded' };
        updates.set(id, deadline);
        if (deadline <= t.now) t.wakes.add(q.id);
        return { ok: true };
      });
      if (updates.size) {
        await t.client.query('UPDATE messages m SET visible_at = x.v FROM unnest($1::bigint[], $2::bigint[]) AS x(id, v) WHERE m.id = x.id', [
          [...updates.keys()],
          [...updates.values()],
        ]);
        if (q.fifo) await this.refreshGroups(t.client, q.id, groups);
      }
      return results;
    });
  }

  // ---- move tasks -----------------------------------------------------------------------------

  /** @inheritdoc */
  moveTaskStart(p: MoveTaskStartParams): Promise<MoveTaskRecord> {
    return this.tx(async (t) => {
      const q = await this.mustQueue(t.client, p.sourceQueueId);
      const toMove = (await this.statsOf(t.client, q, t.now)).visible;
      // The partial unique index move_tasks_one_active makes "one active task per queue" hold across
      // nodes: a concurrent second start inserts nothing.
      const r = await t.client.query<MoveTaskRow>(
        `INSERT INTO move_tasks (id, source_arn, source_queue_id, destination_arn, max_per_second, status, to_move, moved, started_at)
         VALUES ($1, $2, $3, $4, $5, 'RUNNING', $6, 0, $7)
         ON CONFLICT (source_queue_id) WHERE status IN ('RUNNING', 'CANCELLING') DO NOTHING
         RETURNING *`,
        [this.random.uuid(), p.sourceArn, q.id, p.destinationArn ?? null, p.maxPerSecond ?? null, toMove, t.now],
      );
      if (!r.rows[0]) throw new DomainError('MoveTaskActive', `queue ${q.name} already has an active move task`);
      return taskRecord(r.rows[0]);
    });
  }

  /** @inheritdoc */
  moveTaskCancel(taskId: string): Promise<MoveTaskRecord> {
    return this.tx(async (t) => {
      const r = await t.client.query<MoveTaskRow>(`UPDATE move_tasks SET status = 'CANCELLING' WHERE id = $1 AND status = 'RUNNING' RETURNING *`, [
        taskId,
      ]);
      if (!r.rows[0]) throw new DomainError('MoveTaskNotFound', `no running move task ${taskId}`);
      return taskRecord(r.rows[0]);
    });
  }

  /** @inheritdoc */
  async moveTaskList(sourceArn: string, max: number): Promise<MoveTaskRecord[]> {
    const r = await this.one<MoveTaskRow>('SELECT * FROM move_tasks WHERE source_arn = $1 ORDER BY n DESC LIMIT $2', [sourceArn, Math.max(0, max)]);
    return r.rows.map(taskRecord);
  }

  /** @inheritdoc */
  async moveTaskActive(): Promise<MoveTaskRecord[]> {
    const r = await this.one<MoveTaskRow>(`SELECT * FROM move_tasks WHERE status IN ('RUNNING', 'CANCELLING') ORDER BY n`);
    return r.rows.map(taskRecord);
  }

  /**
   * @inheritdoc
   * Exactly one node steps a task at a time: the task row is locked `FOR UPDATE SKIP LOCKED`; a node
   * that finds it locked returns the task unchanged with `moved: 0`.
   */
  async moveTaskStep(taskId: string, maxMessages: number): Promise<MoveTaskStepResult> {
    const srcGroups = new Set<string>();
    let srcId: string | undefined;
    const res = await this.tx(async (t) => {
      const c = t.client;
      const locked = await c.query<MoveTaskRow>('SELECT * FROM move_tasks WHERE id = $1 FOR UPDATE SKIP LOCKED', [taskId]);
      if (!locked.rows[0]) {
        const r = await c.query<MoveTaskRow>('SELECT * FROM move_tasks WHERE id = $1', [taskId]);
        if (!r.rows[0]) throw new DomainError('MoveTaskNotFound', `no move task ${taskId}`);
        return { moved: 0, task: taskRecord(r.rows[0]) };
      }
      const task = taskRecord(locked.rows[0]);
      const finish = async (status: MoveTaskStatus, moved: number, reason?: string): Promise<MoveTaskStepResult> => {
        const r = await c.query<MoveTaskRow>(
          'UPDATE move_tasks SET status = $2, moved = moved + $3, failure_reason = COALESCE($4, failure_reason) WHERE id = $1 RETURNING *',
          [taskId, status, moved, reason ?? null],
        );
        return { moved, task: taskRecord(r.rows[0]!) };
      };
      if (task.status === 'CANCELLING') return finish('CANCELLED', 0);
      if (task.status !== 'RUNNING') return { moved: 0, task };
      const src = await this.queueIn(c, task.sourceQueueId);
      if (!src) return finish('FAILED', 0, 'The source queue does not exist.');
      srcId = src.id;
      const cutoff = t.now - retentionMs(src);
      let fixedDest: QueueRecord | undefined;
      if (task.destinationArn !== undefined) {
        fixedDest = await this.queueByNameIn(c, arnName(task.destinationArn));
        if (!fixedDest) return finish('FAILED', 0, 'The destination queue does not exist.');
      }
      const budget = Math.max(0, Math.min(maxMessages, task.toMove - task.moved));
      const rows = (
        await c.query<MessageRow>(
          `SELECT id, group_id, dl_source_arn FROM messages WHERE queue_id = $1 AND visible_at <= $2 AND sent_at > $3
            ORDER BY visible_at, id LIMIT $4 FOR UPDATE SKIP LOCKED`,
          [src.id, t.now, cutoff, budget],
        )
      ).rows;
      // Resolve destinations first so a failure moves nothing past it (like the SQLite engine).
      const plan: Array<{ row: MessageRow; dest: QueueRecord }> = [];
      const destCache = new Map<string, QueueRecord | undefined>();
      let failure: string | undefined;
      for (const row of rows) {
        let dest = fixedDest;
        if (!dest && row.dl_source_arn !== null) {
          const name = arnName(row.dl_source_arn);
          if (!destCache.has(name)) destCache.set(name, await this.queueByNameIn(c, name));
          dest = destCache.get(name);
        }
        if (!dest) {
          failure = 'The source queue of a message does not exist.';
          break;
        }
        if (dest.fifo && row.group_id === null) {
          failure = 'A message without MessageGroupId cannot move to a FIFO queue.';
          break;
        }
        plan.push({ row, dest });
      }
      const byDest = new Map<string, { dest: QueueRecord; ids: number[] }>();
      for (const { row, dest } of plan) {
        let e = byDest.get(dest.id);
        if (!e) byDest.set(dest.id, (e = { dest, ids: [] }));
        e.ids.push(row.id);
        if (src.fifo && row.group_id !== null) srcGroups.add(row.group_id);
      }
      for (const { dest, ids } of byDest.values()) {
        // A new message in its destination: new id and sequence number, counters reset, sent now.
        const base = dest.fifo ? await this.reserveSeq(c, dest.id, ids.length) : null;
        const ins = await c.query<{ group_id: string | null; seq: number | null }>(
          `WITH d AS (DELETE FROM messages WHERE id = ANY($1::bigint[]) RETURNING *),
           o AS (SELECT d.*, array_position($1::bigint[], d.id) AS k FROM d)
           INSERT INTO messages (queue_id, message_id, seq, group_id, dedup_id, body, md5_body, attrs, md5_attrs, sys_attrs, md5_sys, sender_id,
                                 sent_at, visible_at)
           SELECT $2, ($5::text[])[k], CASE WHEN $3::bigint IS NULL THEN NULL ELSE $3::bigint + k END, group_id, dedup_id, body, md5_body,
                  attrs, md5_attrs, sys_attrs, md5_sys, sender_id, $4::bigint, $4::bigint
             FROM o ORDER BY k
           RETURNING group_id, seq`,
          [ids, dest.id, base, t.now, ids.map(() => this.random.uuid())],
        );
        if (dest.fifo) {
          const heads = new Map<string, { seq: number; readyAt: number }>();
          for (const r of ins.rows) {
            if (r.group_id === null || r.seq === null) continue;
            const h = heads.get(r.group_id);
            if (!h || r.seq < h.seq) heads.set(r.group_id, { seq: r.seq, readyAt: t.now });
          }
          await this.touchGroups(c, dest.id, heads);
        }
        t.wakes.add(dest.id);
      }
      const moved = plan.length;
      if (failure) return finish('FAILED', moved, failure);
      const remaining = await c.query('SELECT 1 FROM messages WHERE queue_id = $1 AND visible_at <= $2 AND sent_at > $3 LIMIT 1', [
        src.id,
        t.now,
        cutoff,
      ]);
      const done = task.moved + moved >= task.toMove || remaining.rows.length === 0;
      return finish(done ? 'COMPLETED' : 'RUNNING', moved);
    });
    if (srcId !== undefined) await this.refreshGroupsLater(srcId, srcGroups);
    return res;
  }

  // ---- housekeeping ---------------------------------------------------------------------------

  /**
   * @inheritdoc — in chunks of separate statements (SKIP LOCKED: rows a receive holds are left for
   * the next sweep), so several nodes sweeping at once neither block each other nor receivers.
   */
  async sweep(): Promise<number> {
    let removed = 0;
    const queues = (await this.one<QueueRow>('SELECT * FROM queues')).rows.map(freezeQueue);
    const nowRow = await this.one<{ now: number }>(`SELECT COALESCE($1::bigint, ${DBNOW}) AS now`, [this.nowParam()]);
    const now = nowRow.rows[0]!.now;
    for (const q of queues) {
      const groups = new Set<string>();
      for (;;) {
        const r = await this.one<{ group_id: string | null }>(
          `DELETE FROM messages WHERE id IN (
             SELECT id FROM messages WHERE queue_id = $1 AND sent_at <= $2 LIMIT $3 FOR UPDATE SKIP LOCKED)
           RETURNING group_id`,
          [q.id, now - retentionMs(q), SWEEP_CHUNK],
        );
        removed += r.rows.length;
        this.noteChurn(r.rows.length);
        if (q.fifo) for (const row of r.rows) if (row.group_id !== null) groups.add(row.group_id);
        if (r.rows.length < SWEEP_CHUNK) break;
      }
      if (q.fifo) await this.refreshGroupsLater(q.id, groups);
    }
    await this.one('DELETE FROM dedup WHERE expires_at <= $1', [now]);
    await this.one('DELETE FROM receive_attempts WHERE expires_at <= $1', [now]);
    await this.one('DELETE FROM queue_tombstones WHERE deleted_at <= $1', [now - TOMBSTONE_TTL_MS]);
    return removed;
  }
}

/** Highest schema version this build knows. */
export const POSTGRES_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
