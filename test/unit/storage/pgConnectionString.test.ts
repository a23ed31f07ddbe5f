/**
 * libpq multi-host connection strings (src/storage/postgres/connectionString.ts): split into one
 * single-host string per host, each of which node-postgres' own parser (pg-connection-string) reads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';

import pg from 'pg';

import { ConnectionStringError, parseConnectionString, redactConnectionString } from '../../../src/storage/postgres/connectionString.js';

/** What node-postgres itself reads from a connection string (the client is never connected). */
function parse(s: string) {
  const c = new pg.Client({ connectionString: s });
  const cp = (c as unknown as { connectionParameters: { options?: string } }).connectionParameters;
  return { host: c.host, port: String(c.port), user: c.user, password: c.password, database: c.database, options: cp.options, ssl: c.ssl };
}
const hostsOf = (s: string) => parseConnectionString(s).targets.map((t) => parse(t.connectionString));

test('a single-host URL is passed through unchanged (only the list parameters are taken out)', () => {
  for (const s of [
    'postgres://ferry:secret@db:5432/ferry',
    'postgresql://u@%2Ftmp%2Fsock/db?sslmode=disable',
    'postgres:///db',
    'postgres://u@[::1]:5433/db',
  ]) {
    const p = parseConnectionString(s);
    assert.equal(p.targets.length, 1);
    assert.equal(p.targets[0]!.connectionString, s);
    assert.equal(p.targetSessionAttrs, 'any');
    assert.equal(p.connectTimeoutMs, undefined);
  }
  const p = parseConnectionString('postgres://u@db/x?target_session_attrs=primary&sslmode=require&connect_timeout=4');
  assert.equal(p.targets[0]!.connectionString, 'postgres://u@db/x?sslmode=require');
  assert.equal(p.targetSessionAttrs, 'primary');
  assert.equal(p.connectTimeoutMs, 4_000);
});

test('URL form with several hosts: one URL per host, in order, everything else kept as written', () => {
  const p = parseConnectionString(
    'postgres://u:p%40ss@h1:5432,h2:5433,[::1]:5434,h4/db?target_session_attrs=read-write&options=-c%20a%3Db&sslmode=disable',
  );
  assert.equal(p.targetSessionAttrs, 'read-write');
  assert.deepEqual(
    p.targets.map((t) => t.label),
    ['h1:5432', 'h2:5433', '[::1]:5434', 'h4'],
  );
  const cfgs = p.targets.map((t) => parse(t.connectionString));
  assert.deepEqual(
    cfgs.map((c) => [c.host, c.port]),
    [
      ['h1', '5432'],
      ['h2', '5433'],
      ['::1', '5434'],
      ['h4', '5432'],
    ],
  );
  for (const c of cfgs) {
    assert.equal(c.user, 'u');
    assert.equal(c.password, 'p@ss');
    assert.equal(c.database, 'db');
    assert.equal(c.options, '-c a=b');
    assert.equal(c.ssl, false);
  }
  // node-postgres alone cannot read it (why this module exists).
  assert.throws(() => parse('postgres://u@h1:5432,h2:5433/db'), /Invalid URL/);
});

test('host and port lists in the query string (libpq: they override the URL host part)', () => {
  assert.deepEqual(
    hostsOf('postgresql:///db?host=/run/a,/run/b&port=5432').map((c) => [c.host, c.port, c.database]),
    [
      ['/run/a', '5432', 'db'],
      ['/run/b', '5432', 'db'],
    ],
  );
  assert.throws(() => parseConnectionString('postgres:///db?host=a,b,c&port=1,2'), /3 hosts but 2 ports/);
});

test('keyword/value form, with quoting, one port for all or one per host', () => {
  const p = parseConnectionString(
    "host=h1,h2 port=5432,5433 dbname='my db' user=ferry password='it\\'s' target_session_attrs=read-write connect_timeout=1 sslmode=disable",
  );
  assert.equal(p.targetSessionAttrs, 'read-write');
  assert.equal(p.connectTimeoutMs, 2_000, 'libpq counts a connect_timeout below 2 s as 2 s');
  const cfgs = p.targets.map((t) => parse(t.connectionString));
  assert.deepEqual(
    cfgs.map((c) => [c.host, c.port, c.database, c.user, c.password, c.ssl]),
    [
      ['h1', '5432', 'my db', 'ferry', "it's", false],
      ['h2', '5433', 'my db', 'ferry', "it's", false],
    ],
  );
  assert.deepEqual(
    hostsOf('host = /tmp/s,db2 port=6000 dbname=x').map((c) => [c.host, c.port]),
    [
      ['/tmp/s', '6000'],
      ['db2', '6000'],
    ],
  );
  assert.throws(() => parseConnectionString('host=a,b port=1,2,3'), /2 hosts but 3 ports/);
  assert.throws(() => parseConnectionString("host=a dbname='x"), /unterminated/);
  assert.throws(() => parseConnectionString('hostaddr=10.0.0.1'), /hostaddr/);
});

test('target_session_attrs: values that cannot write are refused with a reason; unknown values listed', () => {
  for (const v of ['read-only', 'standby', 'prefer-standby']) {
    assert.throws(
      () => parseConnectionString(`postgres://u@a,b/db?target_session_attrs=${v}`),
      (e: unknown) => e instanceof ConnectionStringError && /Ferry writes on every request/.test(e.message),
    );
  }
  assert.throws(() => parseConnectionString('postgres://u@a/db?target_session_attrs=writable'), /one of any, read-write, primary/);
  assert.throws(() => parseConnectionString('postgres://u@a/db?connect_timeout=0'), /positive number of seconds/);
  assert.throws(() => parseConnectionString('postgres://u@a,,b/db'), /empty host/);
  assert.throws(() => parseConnectionString('postgres://u@a:54x2,b/db'), /bad port/);
  assert.throws(() => parseConnectionString('mysql://u@a/db'), /postgres:\/\//);
});

test('redaction hides the password in both forms and keeps the hosts', () => {
  assert.equal(redactConnectionString('postgres://u:secret@h1:5432,h2:5433/db?x=1'), 'postgres://u:***@h1:5432,h2:5433/db?x=1');
  assert.equal(redactConnectionString('postgres://u@h/db?password=secret&a=b'), 'postgres://u@h/db?password=***&a=b');
  assert.equal(redactConnectionString("host=h1,h2 password='s e' user=u"), 'host=h1,h2 password=*** user=u');
  assert.equal(redactConnectionString('postgres://u@h/db'), 'postgres://u@h/db');
});
