/**
 * libpq connection strings with several hosts, which node-postgres cannot read itself.
 *
 * libpq (and so psql, JDBC-alikes, every PostgreSQL HA guide) accepts a list of hosts, tried in
 * order until one accepts a connection and has the wanted role:
 *   `postgres://u:pw@db1:5432,db2:5433/ferry?target_session_attrs=read-write&connect_timeout=3`
 *   `host=db1,db2 port=5432,5433 dbname=ferry user=u target_session_attrs=read-write`
 * node-postgres reads one host only (its parser, pg-connection-string, fails on the first form with
 * `TypeError: Invalid URL` and does not know the second). This module only *splits* such a string
 * into one ordinary single-host URL per host — every other parameter (user, password, database, sslmode,
 * options…) is left, with its original encoding, to node-postgres' own parser — and takes out the
 * two parameters that are about the list itself: `target_session_attrs` and `connect_timeout`
 * (which node-postgres would otherwise silently ignore). engine.ts and hosts.ts do the trying.
 *
 * `target_session_attrs`: Ferry writes on every request (a receive is a write), so only the values
 * that select a writable server are accepted — `any` (the default: the first host that accepts a
 * connection), `read-write` (`transaction_read_only` is off) and `primary` (not in recovery).
 * `read-only`, `standby` and `prefer-standby` are refused with an error that says so, rather than
 * accepted and then failing every write.
 */

/** The values of target_session_attrs Ferry accepts (see the file comment). */
export type TargetSessionAttrs = 'any' | 'read-write' | 'primary';

/** One host of the list: a single-host connection string for node-postgres, and a label for messages. */
export interface PgTarget {
  /** `host:port` (or the socket directory), for logs and errors; no credentials. */
  label: string;
  /** A connection string node-postgres parses itself (only this host). */
  connectionString: string;
}

/** A parsed connection string. */
export interface PgConnectionPlan {
  /** Hosts in the order libpq tries them. */
  targets: PgTarget[];
  targetSessionAttrs: TargetSessionAttrs;
  /** `connect_timeout` (seconds, as libpq: values below 2 count as 2) in ms; undefined when not given. */
  connectTimeoutMs?: number;
}

const URL_FORM = /^(postgres(?:ql)?):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#.*)?$/;
const LIST_PARAMS = new Set(['target_session_attrs', 'connect_timeout']);
const ACCEPTED_ATTRS = ['any', 'read-write', 'primary'];
const REFUSED_ATTRS = ['read-only', 'standby', 'prefer-standby'];

/** The error for a connection string Ferry cannot use (the message never contains the password). */
export class ConnectionStringError extends Error {
  override readonly name = 'ConnectionStringError';
}

/**
 * Split a `postgres://`/`postgresql://` URL or a libpq keyword/value string into its hosts.
 * Throws {@link ConnectionStringError} for what Ferry cannot use.
 */
export function parseConnectionString(s: string): PgConnectionPlan {
  const m = URL_FORM.exec(s);
  if (m) return parseUrlForm(m[1]!, m[2]!, m[3]!, m[4]);
  if (/^[A-Za-z_]+\s*=/.test(s.trim())) return parseKeywordForm(s);
  throw new ConnectionStringError(
    'database URL must be a postgres:// or postgresql:// URL (hosts may be a list: postgres://u@db1:5432,db2:5432/ferry) or libpq keyword/value pairs (host=db1,db2 dbname=ferry …)',
  );
}

function parseUrlForm(scheme: string, authority: string, path: string, query: string | undefined): PgConnectionPlan {
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? authority.slice(0, at + 1) : '';
  const hostlist = authority.slice(at + 1);
  // The query string is kept as written (its encoding is node-postgres' business); only the list's
  // own parameters, and host/port when they hold lists, are taken out.
  const pairs = (query ?? '')
    .split('&')
    .filter((p) => p !== '')
    .map((raw) => {
      const eq = raw.indexOf('=');
      const key = decode(eq < 0 ? raw : raw.slice(0, eq));
      return { raw, key, value: eq < 0 ? '' : decode(raw.slice(eq + 1)) };
    });
  const param = (k: string): string | undefined => pairs.filter((p) => p.key === k).at(-1)?.value;
  const attrs = targetSessionAttrs(param('target_session_attrs'));
  const connectTimeoutMs = connectTimeout(param('connect_timeout'));
  const qHost = param('host');
  const qPort = param('port');
  const listInQuery = (qHost !== undefined && qHost.includes(',')) || (qPort !== undefined && qPort.includes(','));
  const rest = pairs.filter((p) => !LIST_PARAMS.has(p.key) && !(listInQuery && (p.key === 'host' || p.key === 'port'))).map((p) => p.raw);
  const suffix = path + (rest.length ? `?${rest.join('&')}` : '');

  let hostports: Array<{ host: string; port: string }>;
  if (listInQuery) {
    // ?host=a,b&port=1,2 (libpq: query parameters override the URL's host part).
    hostports = zipHostsPorts((qHost ?? '').split(','), qPort === undefined ? [''] : qPort.split(','));
  } else if (!hostlist.includes(',')) {
    // One host: the string as it was (minus the list parameters) — exactly what node-postgres reads.
    const label = qHost ?? (hostlist === '' ? 'localhost' : decode(hostlist));
    return { targets: [{ label, connectionString: `${scheme}://${userinfo}${hostlist}${suffix}` }], targetSessionAttrs: attrs, connectTimeoutMs };
  } else {
    hostports = hostlist.split(',').map((h) => splitHostPort(h));
  }
  const targets = hostports.map(({ host, port }) => {
    if (host === '') throw new ConnectionStringError('database URL: empty host in the host list');
    const h = host.startsWith('/') ? encodeURIComponent(host) : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    return {
      label: port ? `${decode(host)}:${port}` : decode(host),
      connectionString: `${scheme}://${userinfo}${h}${port ? `:${port}` : ''}${suffix}`,
    };
  });
  return { targets, targetSessionAttrs: attrs, connectTimeoutMs };
}

/** `host:port`, `[v6]:port`, `host` → parts (port '' when absent). */
function splitHostPort(h: string): { host: string; port: string } {
  let host = h;
  let port = '';
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    if (end < 0) throw new ConnectionStringError('database URL: unterminated [IPv6 address] in the host list');
    host = h.slice(0, end + 1);
    if (h[end + 1] === ':') port = h.slice(end + 2);
  } else {
    const colon = h.lastIndexOf(':');
    if (colon >= 0) {
      host = h.slice(0, colon);
      port = h.slice(colon + 1);
    }
  }
  if (port !== '' && !/^\d{1,5}$/.test(port)) throw new ConnectionStringError(`database URL: bad port ${JSON.stringify(port)} in the host list`);
  return { host, port };
}

/** libpq: one port for all hosts, or one per host. */
function zipHostsPorts(hosts: string[], ports: string[]): Array<{ host: string; port: string }> {
  if (ports.length !== 1 && ports.length !== hosts.length) {
    throw new ConnectionStringError(`database URL: ${hosts.length} hosts but ${ports.length} ports (give one port for all, or one per host)`);
  }
  return hosts.map((host, i) => {
    const port = (ports.length === 1 ? ports[0]! : ports[i]!).trim();
    if (port !== '' && !/^\d{1,5}$/.test(port)) throw new ConnectionStringError(`database URL: bad port ${JSON.stringify(port)}`);
    return { host: host.trim(), port };
  });
}

/** libpq keyword/value form (`host=a,b port=5432 dbname='my db'`), turned into one URL per host. */
function parseKeywordForm(s: string): PgConnectionPlan {
  const kv = new Map<string, string>();
  let i = 0;
  const n = s.length;
  const ws = (): void => {
    while (i < n && /\s/.test(s[i]!)) i++;
  };
  for (;;) {
    ws();
    if (i >= n) break;
    const keyStart = i;
    while (i < n && /[A-Za-z0-9_]/.test(s[i]!)) i++;
    const key = s.slice(keyStart, i);
    ws();
    if (key === '' || s[i] !== '=') throw new ConnectionStringError(`database connection string: expected "keyword = value" at position ${keyStart}`);
    i++;
    ws();
    let value = '';
    if (s[i] === "'") {
      i++;
      for (;;) {
        if (i >= n) throw new ConnectionStringError(`database connection string: unterminated quoted value of ${key}`);
        const ch = s[i++]!;
        if (ch === "'") break;
        value += ch === '\\' && i < n ? s[i++]! : ch;
      }
    } else {
      while (i < n && !/\s/.test(s[i]!)) {
        const ch = s[i++]!;
        value += ch === '\\' && i < n ? s[i++]! : ch;
      }
    }
    kv.set(key, value);
  }
  if (kv.has('hostaddr')) throw new ConnectionStringError('database connection string: hostaddr is not supported; give the addresses as host');
  const attrs = targetSessionAttrs(kv.get('target_session_attrs'));
  const connectTimeoutMs = connectTimeout(kv.get('connect_timeout'));
  const user = kv.get('user');
  const password = kv.get('password');
  const userinfo = user !== undefined || password !== undefined ? `${enc(user ?? '')}${password !== undefined ? `:${enc(password)}` : ''}@` : '';
  const path = kv.has('dbname') ? `/${enc(kv.get('dbname')!)}` : '';
  const rest = [...kv]
    .filter(([k]) => !['host', 'port', 'user', 'password', 'dbname', ...LIST_PARAMS].includes(k))
    .map(([k, v]) => `${enc(k)}=${enc(v)}`);
  const suffix = path + (rest.length ? `?${rest.join('&')}` : '');
  const hostports = zipHostsPorts((kv.get('host') ?? 'localhost').split(','), (kv.get('port') ?? '').split(','));
  const targets = hostports.map(({ host, port }) => {
    if (host === '') throw new ConnectionStringError('database connection string: empty host in the host list');
    const h = host.startsWith('/') ? enc(host) : host.includes(':') ? `[${host}]` : enc(host);
    return { label: port ? `${host}:${port}` : host, connectionString: `postgresql://${userinfo}${h}${port ? `:${port}` : ''}${suffix}` };
  });
  return { targets, targetSessionAttrs: attrs, connectTimeoutMs };
}

function targetSessionAttrs(v: string | undefined): TargetSessionAttrs {
  if (v === undefined || v === '') return 'any';
  if (ACCEPTED_ATTRS.includes(v)) return v as TargetSessionAttrs;
  if (REFUSED_ATTRS.includes(v)) {
    throw new ConnectionStringError(
      `target_session_attrs=${v} is not supported: Ferry writes on every request (a receive is a write), so it must connect to a writable server; use read-write or primary`,
    );
  }
  throw new ConnectionStringError(`target_session_attrs must be one of ${ACCEPTED_ATTRS.join(', ')}, got ${JSON.stringify(v)}`);
}

function connectTimeout(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v.trim()) || Number(v) <= 0) {
    throw new ConnectionStringError(
      `connect_timeout must be a positive number of seconds, got ${JSON.stringify(v)} (Ferry always bounds connecting; 0, "wait forever", is not supported)`,
    );
  }
  // As libpq: a timeout below 2 s counts as 2 s.
  return Math.max(2, Number(v)) * 1_000;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

/** The connection string for logs: the password replaced by `***` (either form; several hosts kept). */
export function redactConnectionString(s: string): string {
  const m = URL_FORM.exec(s);
  if (m) {
    const authority = m[2]!;
    const at = authority.lastIndexOf('@');
    let out = s;
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      const colon = userinfo.indexOf(':');
      if (colon >= 0) out = `${m[1]}://${userinfo.slice(0, colon)}:***@${authority.slice(at + 1)}${s.slice(m[1]!.length + 3 + authority.length)}`;
    }
    return out.replace(/([?&]password=)[^&#]*/g, '$1***');
  }
  return s.replace(/(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/g, '$1***');
}
