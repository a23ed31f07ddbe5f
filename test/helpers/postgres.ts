/**
 * Test helpers for the PostgreSQL engine that need raw SQL (kept here so no SQL lives outside
 * src/storage/postgres/). Not used by the server.
 */

import pg from 'pg';

import { SCHEMA_NAME } from '../../src/storage/postgres/migrations.js';

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
 * Terminate every session of this database that runs under `application_name = 'ferry'` (what a
 * server restart or a network cut does to Ferry's connections), leaving the caller's session alone.
 */
export async function terminateFerrySessions(url: string): Promise<number> {
  return withClient(url, async (c) => {
    const r = await c.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'ferry' AND pid <> pg_backend_pid() AND datname = current_database()`,
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
