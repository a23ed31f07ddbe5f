/**
 * Test helpers for the PostgreSQL engine that need raw SQL (kept here so no SQL lives outside
 * src/storage/postgres/). Not used by the server.
 */

import { createHash } from 'node:crypto';

import pg from 'pg';

import { MIGRATIONS, SCHEMA_NAME, migrate } from '../../src/storage/postgres/migrations.js';

/** Run `fn` with a short-lived client (no pool). */
async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  c.on('error', () => undefined);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

/**
 * A database whose default collation is ICU en-US (as on a server initialised in an en_US locale: `B`
 * sorts after `a`, `-` is ignored at first level), for tests that must not depend on the database's
 * collation. Returns its URL, a query of `name` columns, and a function that drops it.
 */
export async function icuDatabase(
  url: string,
  name: string,
): Promise<{ url: string; names: (sql: string) => Promise<string[]>; drop: () => Promise<void> }> {
  await withClient(url, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'`));
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    names: (sql: string) => withClient(u.toString(), async (c) => (await c.query<{ name: string }>(sql)).rows.map((r) => r.name)),
    drop: () => withClient(url, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** Drop a schema and everything in it (per-test isolation). */
export async function dropSchema(url: string, schema: string): Promise<void> {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`bad schema name ${schema}`);
  await withClient(url, (c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
}

/** Every row of every table of a schema, as text (encryption-at-rest tests search it for plaintext). */
export async function schemaText(url: string, schema: string): Promise<string> {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`bad schema name ${schema}`);
  return withClient(url, async (c) => {
    const tables = await c.query<{ tablename: string }>('SELECT tablename FROM pg_tables WHERE schemaname = $1', [schema]);
    const parts: string[] = [];
    for (const { tablename } of tables.rows) {
      const r = await c.query<{ t: string }>(`SELECT t::text AS t FROM ${schema}."${tablename.replace(/"/g, '""')}" t`);
      parts.push(...r.rows.map((x) => x.t));
    }
    return parts.join('\n');
  });
}

/** Schemas whose name starts with `prefix` (to clean up after a test run). */
export async function listSchemas(url: string, prefix: string): Promise<string[]> {
  return withClient(url, async (c) => {
    const r = await c.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1) ORDER BY 1', [prefix]);
    return r.rows.map((x) => x.nspname);
  });
}

/** Rows of a migration schema's bookkeeping table: [version, name]. */
export async function appliedMigrations(url: string, schema: string): Promise<Array<[number, string]>> {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`bad schema name ${schema}`);
  return withClient(url, async (c) => {
    const r = await c.query<{ version: number; name: string }>(`SELECT version, name FROM ${schema}.schema_migrations ORDER BY version`);
    return r.rows.map((x) => [x.version, x.name]);
  });
}

/** The database server's clock, epoch ms. */
export async function databaseNow(url: string): Promise<number> {
  return withClient(url, async (c) =>
    Number((await c.query<{ t: string }>('SELECT (extract(epoch from clock_timestamp()) * 1000)::bigint AS t')).rows[0]!.t),
  );
}

/**
 * Terminate every session of this database that runs under `application_name` (what a server restart or
 * a network cut does to Ferry's connections), leaving the caller's session alone. Give the engines under
 * test a name of their own (PostgresEngineOptions.applicationName): other test files' Ferry servers share
 * the cluster and must not be cut.
 */
export async function terminateFerrySessions(url: string, applicationName: string): Promise<number> {
  return withClient(url, async (c) => {
    const r = await c.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = $1 AND pid <> pg_backend_pid() AND datname = current_database()`,
      [applicationName],
    );
    return r.rowCount ?? 0;
  });
}

/** How often `messages` of `schema` was vacuumed by a client (not by autovacuum): `pg_stat_user_tables.vacuum_count`. */
export async function manualVacuumCount(url: string, schema: string): Promise<number> {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`bad schema name ${schema}`);
  return withClient(url, async (c) => {
    const r = await c.query<{ n: string }>(`SELECT vacuum_count AS n FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = 'messages'`, [
      schema,
    ]);
    return Number(r.rows[0]?.n ?? 0);
  });
}

/** What {@link writeSchemaV1} put into the schema, for the test to check after migrating. */
export interface SchemaV1Fixture {
  /** Queue ids by name: `std` (standard), `grp.fifo` (DeduplicationScope messageGroup), `q.fifo` (queue). */
  queueIds: Record<'std' | 'grp.fifo' | 'q.fifo', string>;
  /** The in-flight standard message: its row ref and the receipt token its receive handed out. */
  inflight: { ref: string; receiptToken: string; messageId: string };
  /** The FIFO message of `grp.fifo` (group `A`, dedup id `d1`) and of `q.fifo` (group `Z`, dedup id `d1`). */
  fifo: Record<'grp.fifo' | 'q.fifo', { messageId: string; seq: number }>;
  /** The `hmac` metadata value. */
  hmac: string;
}

/**
 * A schema at version 1 with data in it, as a Ferry build of schema 1 left it (the PostgreSQL twin of
 * test/helpers/sqlite.ts writeSchemaV1Store): the schema-1 migration only (MIGRATIONS[0]), then rows
 * with that schema's columns — a standard queue with one visible and one in-flight message, two FIFO
 * queues (scope messageGroup and queue) with one message, its group row and its dedup entry each, a
 * `hmac` metadata row. `now`: epoch ms the rows are written at.
 */
export async function writeSchemaV1(url: string, schema: string, now: number): Promise<SchemaV1Fixture> {
  return withClient(url, async (c) => {
    const version = await migrate(c, schema, now, { defaultAccountId: '000000000000' }, MIGRATIONS.slice(0, 1));
    if (version !== 1) throw new Error(`expected schema 1, got ${version}`);
    const fx: SchemaV1Fixture = {
      queueIds: { std: 'qid-std', 'grp.fifo': 'qid-grp', 'q.fifo': 'qid-q' },
      inflight: { ref: '', receiptToken: 'a1'.repeat(16), messageId: 'mid-inflight' },
      fifo: { 'grp.fifo': { messageId: 'mid-grp', seq: 7 }, 'q.fifo': { messageId: 'mid-q', seq: 3 } },
      hmac: 'hmac-secret-v1',
    };
    const fifoAttrs = (scope: string) =>
      JSON.stringify({ ContentBasedDeduplication: 'false', DeduplicationScope: scope, FifoQueue: 'true', FifoThroughputLimit: 'perQueue' });
    const queue = (id: string, name: string, fifo: boolean, attributes: string, tags: string, seq: number) =>
      c.query(
        `INSERT INTO ${schema}.queues (id, name, fifo, attributes, tags, created_at, last_modified_at, seq_counter) VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`,
        [id, name, fifo, attributes, tags, now, seq],
      );
    await queue(fx.queueIds.std, 'std', false, JSON.stringify({ VisibilityTimeout: '30' }), JSON.stringify({ team: 'core' }), 0);
    await queue(fx.queueIds['grp.fifo'], 'grp.fifo', true, fifoAttrs('messageGroup'), '{}', fx.fifo['grp.fifo'].seq);
    await queue(fx.queueIds['q.fifo'], 'q.fifo', true, fifoAttrs('queue'), '{}', fx.fifo['q.fifo'].seq);
    const put = async (
      queueId: string,
      body: string,
      messageId: string,
      o: { seq?: number; group?: string; dedup?: string; token?: string } = {},
    ) => {
      const received = o.token !== undefined;
      const r = await c.query<{ id: string }>(
        `INSERT INTO ${schema}.messages (queue_id, message_id, seq, group_id, dedup_id, body, md5_body, sender_id, sent_at, visible_at, received,
                                       receipt_token, received_at, receive_count, first_received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'AIDV1', $8, $9, $10, $11, $12, $13, $12) RETURNING id`,
        [
          queueId,
          messageId,
          o.seq ?? null,
          o.group ?? null,
          o.dedup ?? null,
          body,
          createHash('md5').update(body).digest('hex'),
          now,
          received ? now + 30_000 : now,
          received,
          o.token ?? null,
          received ? now : null,
          received ? 1 : 0,
        ],
      );
      return r.rows[0]!.id;
    };
    await put(fx.queueIds.std, 'visible-v1', 'mid-visible');
    fx.inflight.ref = String(await put(fx.queueIds.std, 'inflight-v1', fx.inflight.messageId, { token: fx.inflight.receiptToken }));
    for (const [name, g, key] of [
      ['grp.fifo', 'A', 'g1:Ad1'],
      ['q.fifo', 'Z', 'q:d1'],
    ] as const) {
      const f = fx.fifo[name];
      await put(fx.queueIds[name], `${name}-v1`, f.messageId, { seq: f.seq, group: g, dedup: 'd1' });
      await c.query(`INSERT INTO ${schema}.fifo_groups (queue_id, group_id, head_seq, ready_at) VALUES ($1, $2, $3, $4)`, [
        fx.queueIds[name],
        g,
        f.seq,
        now,
      ]);
      await c.query(`INSERT INTO ${schema}.dedup (queue_id, key, message_id, seq, expires_at) VALUES ($1, $2, $3, $4, $5)`, [
        fx.queueIds[name],
        key,
        f.messageId,
        f.seq,
        now + 300_000,
      ]);
    }
    await c.query(`INSERT INTO ${schema}.meta (key, value) VALUES ('hmac', $1)`, [fx.hmac]);
    return fx;
  });
}

/**
 * Apply the first `upTo` migrations to `schema` (created if missing) as a server with `--account-id
 * defaultAccountId` would, then run `sql` (with `params`) in it: a store written by an older release.
 */
export async function migrateTo(
  url: string,
  schema: string,
  now: number,
  defaultAccountId: string,
  upTo: number,
  sql = '',
  params: unknown[] = [],
): Promise<number> {
  return withClient(url, async (c) => {
    const v = await migrate(c, schema, now, { defaultAccountId }, MIGRATIONS.slice(0, upTo));
    if (sql) await c.query(sql, params);
    return v;
  });
}

/** The names of the indexes of the tables in `schema`, sorted. */
export async function indexNames(url: string, schema: string): Promise<string[]> {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`bad schema name ${schema}`);
  return withClient(url, async (c) => {
    const r = await c.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE schemaname = $1 ORDER BY 1', [schema]);
    return r.rows.map((x) => x.indexname);
  });
}
