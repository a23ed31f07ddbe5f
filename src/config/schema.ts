/**
 * The one configuration schema. Every setting has exactly one definition here: its type, default,
 * environment variable, command-line flag and config-file key. Sources are layered
 * defaults → config file → environment → flags (later wins). Unknown keys and bad values stop the
 * start with a message naming the source and the key.
 */
import type { ChaosRules } from '../chaos/rules.js';

export type StorageKind = 'sqlite' | 'memory' | 'postgres';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
/** Request authentication: none, or AWS Signature Version 4 against the configured credentials. */
export type AuthMode = 'off' | 'sigv4';
/** Ferry's time: the system clock, or a test clock that only moves when told (`--clock manual`). */
export type ClockMode = 'system' | 'manual';
/** The web console: served, not served, or served without the power to change anything. */
export type ConsoleMode = 'on' | 'off' | 'read-only';

/** An access key accepted when `auth` is `sigv4`. */
export interface CredentialDeclaration {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * One access key of a user in `accounts:`. The secret is resolved at load from the file
 * (`secretAccessKey`), an environment variable (`secretAccessKeyEnv`) or a file (`secretAccessKeyFile`,
 * for container secrets; one trailing newline is dropped). Never logged.
 */
export interface AccessKeyDeclaration {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A user of an account (`accounts.<id>.users.<name>`): its keys and identity policies. */
export interface UserDeclaration {
  accessKeys: AccessKeyDeclaration[];
  /** Names from the top-level `policies:` map. */
  policies: string[];
  /** Policies written in place, by name. */
  inlinePolicies: Record<string, unknown>;
  /** Allowed everything in its account, as the account root is (explicit denies still apply). */
  admin: boolean;
}

/** An account (`accounts.<12 digits>`). */
export interface AccountDeclaration {
  users: Record<string, UserDeclaration>;
}

/** A queue declared in the config file, created (or updated) at start. */
export interface QueueDeclaration {
  /** Queue attributes as SetQueueAttributes takes them (numbers and booleans are accepted). */
  attributes?: Record<string, string>;
  tags?: Record<string, string>;
  /** Dead-letter wiring: the name of another queue (declared or existing) and maxReceiveCount. */
  deadLetterQueue?: string;
  maxReceiveCount?: number;
}

/**
 * Limits under abuse, enforced by the HTTP listener (src/http/listener.ts takes them as they are,
 * through `listenerLimits`; README "Limits under abuse"). 0 turns a timeout or cap off. Their defaults
 * are in SETTINGS.
 */
export interface ListenerLimits {
  /**
   * Largest accepted request body, enforced while streaming (413 beyond). Default 2 MiB: a 1 MiB message
   * (the SQS maximum, also the batch total) plus Query percent-encoding or JSON escaping overhead.
   */
  maxBodyBytes: number;
  /**
   * The request line and every header must have arrived within this many ms of the first byte (node's
   * `headersTimeout`); a client trickling its headers is answered 408 and cut. Measured on main before
   * this limit: a client sending a header byte every 3 s held its connection ~85 s.
   */
  headersTimeoutMs: number;
  /**
   * The whole request (headers and body) must have arrived within this many ms (node's
   * `requestTimeout`); answered 408 and cut otherwise. Before: a declared 1 MB body sent a byte a second
   * held its connection ~325 s. The response's wait (a long poll) is not part of it.
   */
  requestTimeoutMs: number;
  /** Largest request line + headers in bytes (node's `maxHeaderSize`); larger: 431 and closed. */
  maxHeaderBytes: number;
  /** Most request headers; more: 431 and closed (node alone would silently drop the extra ones). */
  maxHeaderCount: number;
  /** Most open connections; more are closed as soon as they are accepted (node's `maxConnections`). */
  maxConnections: number;
  /**
   * Most bytes of request bodies held in memory at once, over all connections. A body that would not
   * fit (its declared Content-Length, or its chunks as they come) is refused with a retryable 503
   * ServiceUnavailable and its connection closed, so a crowd of slow uploads cannot grow the process
   * without bound (before: 500 connections each sending 2 MB of a declared 2 MiB body and stalling
   * took RSS from 68 MiB to 1 GiB).
   */
  maxBufferedBodyBytes: number;
}

export interface FerryConfig extends ListenerLimits {
  host: string;
  port: number;
  dataDir: string;
  storage: StorageKind;
  /** PostgreSQL connection string (storage postgres). */
  databaseUrl?: string;
  /** PostgreSQL schema holding Ferry's tables; several Ferry processes share one by naming the same. */
  databaseSchema: string;
  /** Maximum PostgreSQL connections per Ferry process (plus one for LISTEN). */
  databasePoolSize: number;
  configFile?: string;
  logLevel: LogLevel;
  region: string;
  accountId: string;
  publicBaseUrl?: string;
  /** Key-ring file of the SSE master keys (crypto/); default `<dataDir>/keyring.json`, none for memory. */
  kmsKeyRing?: string;
  /** Read-only SSE master keys as text (crypto/keyringDocument.ts `parseEnvKeys`). */
  kmsKeys?: string;
  /** Turn off AWS's 60-second PurgeQueue and queue-name-reuse cool-downs (for test suites). */
  skipCooldowns: boolean;
  /** Most ReceiveMessage long polls waiting at once, in total and on one queue (RequestThrottled beyond). */
  maxLongPolls: number;
  maxLongPollsPerQueue: number;
  /** Queues to create or update at start (config file only). */
  queues: Record<string, QueueDeclaration>;
  /** `sigv4`: every SQS request must carry a valid AWS Signature Version 4 of a known key. */
  auth: AuthMode;
  /** One accepted access key (flag/env friendly); `credentials` adds more. */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Accepted access keys (config file only). */
  credentials: CredentialDeclaration[];
  /**
   * `GET /metrics` (Prometheus text format). Unset in the sources: on, except with `auth: sigv4` and
   * neither `metricsToken` nor `metricsPort` (load.ts resolves it).
   */
  metrics: boolean;
  /** Serve /metrics on a listener of its own at this port (and no longer on the API port). */
  metricsPort?: number;
  /** Address of the metrics listener (default: `host`). */
  metricsHost?: string;
  /** Bearer token /metrics requires. */
  metricsToken?: string;
  /** Expose the per-queue gauges read from storage (off on all but one process sharing a database). */
  metricsQueueGauges: boolean;
  /** How long queue gauges read from storage are reused (ms). */
  metricsGaugeCacheMs: number;
  /** Requests slower than this (ms, a long poll's wait not counted) are logged at warn; 0: never. */
  slowRequestMs: number;
  /** Accounts, their users, keys and identity policies (config file only; re-read on SIGHUP). */
  accounts: Record<string, AccountDeclaration>;
  /** Named identity policies users refer to (config file only; re-read on SIGHUP). */
  policies: Record<string, unknown>;
  /** The web console at /console: on, off (404), or read-only (shows, changes nothing). */
  console: ConsoleMode;
  /** Trust X-Forwarded-Proto/-For of a TLS-terminating proxy (console cookie Secure flag, login throttling). */
  consoleTrustProxy: boolean;
  /** PEM certificate (chain) file: with `tlsKey`, the listener serves HTTPS (reloaded on SIGHUP). */
  tlsCert?: string;
  /** PEM private key file of `tlsCert`. */
  tlsKey?: string;
  /** Serve HTTPS with a self-signed certificate generated at start (kept in `<dataDir>/tls/`). */
  tlsSelfSigned: boolean;
  /** How long (seconds) the console keeps a message's journey after its last event. */
  journeyWindow: number;
  /** Most message journeys the console keeps (the stalest are dropped first). */
  journeyMaxMessages: number;
  /** SQLite: size of the preallocated reserve file that lets consumers drain a full disk (0: none). */
  diskReserveBytes: number;
  /** SQLite: warn (log, /health, metric) when the data directory's free space falls under this. */
  diskLowBytes: number;
  /** `manual`: time stands still until advanced (ferry.clock, POST /_ferry/clock); for test suites. */
  clock: ClockMode;
  /** Allow fault injection (chaosFaults, /_ferry/chaos); refused otherwise. */
  chaos: boolean;
  /** Seed of the chaos decisions (the same seed and calls give the same faults). */
  chaosSeed: string;
  /** Fault rules by queue name or "*" (config file only; chaos/index.ts FaultSpec). Needs `chaos`. */
  chaosFaults: ChaosRules;
  /** The test admin API under /_ferry/ (on by itself with the manual clock or chaos). */
  adminApi: boolean;
  /** Write the server's URL to this file once it listens (removed at shutdown), for test harnesses. */
  readyFile?: string;
}

/** `bool`: a flag without value (`--skip-cooldowns`); `switch`: a boolean given as a value (`--metrics off`). */
type Kind = 'string' | 'port' | 'int' | 'bool' | 'switch' | 'enum';

export interface SettingSpec {
  key: Exclude<keyof FerryConfig, 'queues' | 'credentials' | 'accounts' | 'policies' | 'chaosFaults'>;
  kind: Kind;
  values?: readonly string[];
  env: string;
  flag: string;
  help: string;
  default?: string | number | boolean;
}

/** Every scalar setting. The README's configuration table is generated from this list. */
export const SETTINGS: readonly SettingSpec[] = [
  { key: 'host', kind: 'string', env: 'FERRY_HOST', flag: 'host', default: '127.0.0.1', help: 'Address to listen on.' },
  { key: 'port', kind: 'port', env: 'FERRY_PORT', flag: 'port', default: 9324, help: 'TCP port to listen on (0 picks a free one).' },
  {
    key: 'dataDir',
    kind: 'string',
    env: 'FERRY_DATA_DIR',
    flag: 'data-dir',
    default: './data',
    help: 'Directory of the SQLite database (ferry.db).',
  },
  {
    key: 'storage',
    kind: 'enum',
    values: ['sqlite', 'memory', 'postgres'],
    env: 'FERRY_STORAGE',
    flag: 'storage',
    default: 'sqlite',
    help: 'Storage engine: sqlite (durable, default), memory (lost on exit) or postgres (several Ferry processes on one database).',
  },
  {
    key: 'databaseUrl',
    kind: 'string',
    env: 'FERRY_DATABASE_URL',
    flag: 'database-url',
    help: 'PostgreSQL connection string for --storage postgres, e.g. postgres://ferry:secret@db:5432/ferry; several hosts as libpq takes them (postgres://u@db1:5432,db2:5432/ferry?target_session_attrs=read-write, or host=db1,db2 …).',
  },
  {
    key: 'databaseSchema',
    kind: 'string',
    env: 'FERRY_DATABASE_SCHEMA',
    flag: 'database-schema',
    default: 'ferry',
    help: "PostgreSQL schema of Ferry's tables (created when missing); processes naming the same schema serve the same queues.",
  },
  {
    key: 'databasePoolSize',
    kind: 'int',
    env: 'FERRY_DATABASE_POOL_SIZE',
    flag: 'database-pool-size',
    default: 10,
    help: 'Maximum PostgreSQL connections per Ferry process (one more is used for LISTEN).',
  },
  { key: 'configFile', kind: 'string', env: 'FERRY_CONFIG', flag: 'config', help: 'YAML or JSON config file (settings and queues to declare).' },
  {
    key: 'logLevel',
    kind: 'enum',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    env: 'FERRY_LOG_LEVEL',
    flag: 'log-level',
    default: 'info',
    help: 'Log level.',
  },
  { key: 'region', kind: 'string', env: 'FERRY_REGION', flag: 'region', default: 'us-east-1', help: 'Region used in queue ARNs.' },
  {
    key: 'accountId',
    kind: 'string',
    env: 'FERRY_ACCOUNT_ID',
    flag: 'account-id',
    default: '000000000000',
    help: 'Account id used in queue URLs and ARNs (12 digits).',
  },
  {
    key: 'publicBaseUrl',
    kind: 'string',
    env: 'FERRY_PUBLIC_BASE_URL',
    flag: 'public-base-url',
    help: 'Base of the queue URLs Ferry hands out (e.g. http://sqs.internal:9324). Default: http://<Host header of the request>.',
  },
  {
    key: 'skipCooldowns',
    kind: 'bool',
    env: 'FERRY_SKIP_COOLDOWNS',
    flag: 'skip-cooldowns',
    default: false,
    help: "Relax AWS's 60 s waits between PurgeQueue calls and before a deleted queue's name can be reused (for test suites).",
  },
  {
    key: 'kmsKeyRing',
    kind: 'string',
    env: 'FERRY_KMS_KEY_RING',
    flag: 'kms-key-ring',
    help: "Key-ring file of the master keys that encrypt message bodies at rest (Ferry's managed key is created in it on first start). Default: <data-dir>/keyring.json; in memory with --storage memory.",
  },
  {
    key: 'kmsKeys',
    kind: 'string',
    env: 'FERRY_KMS_KEYS',
    flag: 'kms-keys',
    help: 'More master keys, read-only: <key id>[+<alias>...]=<base64 of 32 bytes>[,<next version>...] separated by ";", or a key-ring JSON document. Prefer the environment variable (flags show in process lists).',
  },
  {
    key: 'auth',
    kind: 'enum',
    values: ['off', 'sigv4'],
    env: 'FERRY_AUTH',
    flag: 'auth',
    default: 'off',
    help: 'Request authentication and authorization: off (no checks: every request acts as an administrator of --account-id) or sigv4 (AWS Signature Version 4 against the configured keys, then their policies).',
  },
  {
    key: 'accessKeyId',
    kind: 'string',
    env: 'FERRY_ACCESS_KEY_ID',
    flag: 'access-key-id',
    help: 'Access key id accepted with --auth sigv4 (more keys: config-file credentials).',
  },
  {
    key: 'secretAccessKey',
    kind: 'string',
    env: 'FERRY_SECRET_ACCESS_KEY',
    flag: 'secret-access-key',
    help: 'Secret access key of --access-key-id.',
  },
  {
    key: 'maxBodyBytes',
    kind: 'int',
    env: 'FERRY_MAX_BODY_BYTES',
    flag: 'max-body-bytes',
    default: 2 * 1024 * 1024,
    help: 'Largest HTTP request body accepted; larger bodies are refused while streaming.',
  },
  {
    key: 'headersTimeoutMs',
    kind: 'int',
    env: 'FERRY_HEADERS_TIMEOUT_MS',
    flag: 'headers-timeout-ms',
    default: 10_000,
    help: 'A request line and its headers must arrive within this many ms (at most --request-timeout-ms), else 408 and the connection is closed.',
  },
  {
    key: 'requestTimeoutMs',
    kind: 'int',
    env: 'FERRY_REQUEST_TIMEOUT_MS',
    flag: 'request-timeout-ms',
    default: 30_000,
    help: "A whole request (headers and body) must arrive within this many ms, else 408 and the connection is closed; a long poll's wait for messages is not counted. 0: no limit.",
  },
  {
    key: 'maxHeaderBytes',
    kind: 'int',
    env: 'FERRY_MAX_HEADER_BYTES',
    flag: 'max-header-bytes',
    default: 16 * 1024,
    help: 'Largest request line plus headers in bytes; larger: 431 and the connection is closed.',
  },
  {
    key: 'maxHeaderCount',
    kind: 'int',
    env: 'FERRY_MAX_HEADER_COUNT',
    flag: 'max-header-count',
    default: 100,
    help: 'Most headers in a request; more: 431 and the connection is closed.',
  },
  {
    key: 'maxConnections',
    kind: 'int',
    env: 'FERRY_MAX_CONNECTIONS',
    flag: 'max-connections',
    default: 20_000,
    help: 'Most open client connections (also bounded by the open-files limit, ulimit -n); more are closed on accept. 0: no cap.',
  },
  {
    key: 'maxBufferedBodyBytes',
    kind: 'int',
    env: 'FERRY_MAX_BUFFERED_BODY_BYTES',
    flag: 'max-buffered-body-bytes',
    default: 256 * 1024 * 1024,
    help: 'Most bytes of request bodies held in memory at once over all connections; a body that does not fit is refused with a retryable 503 ServiceUnavailable.',
  },
  {
    key: 'maxLongPolls',
    kind: 'int',
    env: 'FERRY_MAX_LONG_POLLS',
    flag: 'max-long-polls',
    default: 20_000,
    help: 'Most ReceiveMessage long polls waiting at once in this process; beyond it a poll that found nothing is answered RequestThrottled (the SDKs back off and retry).',
  },
  {
    key: 'maxLongPollsPerQueue',
    kind: 'int',
    env: 'FERRY_MAX_LONG_POLLS_PER_QUEUE',
    flag: 'max-long-polls-per-queue',
    default: 10_000,
    help: 'Most long polls waiting at once on one queue; beyond it as --max-long-polls.',
  },
  {
    key: 'metrics',
    kind: 'switch',
    env: 'FERRY_METRICS',
    flag: 'metrics',
    help:
      'GET /metrics in the Prometheus text format: on or off. Default on — but with --auth sigv4 off unless --metrics-token or ' +
      '--metrics-port is set (on is then refused: /metrics would be open to anyone reaching the API port).',
  },
  {
    key: 'metricsPort',
    kind: 'port',
    env: 'FERRY_METRICS_PORT',
    flag: 'metrics-port',
    help: 'Serve /metrics on this port only, on a listener of its own (bind it where only the scraper reaches it). Default: the API port.',
  },
  {
    key: 'metricsHost',
    kind: 'string',
    env: 'FERRY_METRICS_HOST',
    flag: 'metrics-host',
    help: 'Address of the --metrics-port listener. Default: --host.',
  },
  {
    key: 'metricsToken',
    kind: 'string',
    env: 'FERRY_METRICS_TOKEN',
    flag: 'metrics-token',
    help: 'Bearer token /metrics requires (Prometheus: authorization.credentials).',
  },
  {
    key: 'metricsQueueGauges',
    kind: 'switch',
    env: 'FERRY_METRICS_QUEUE_GAUGES',
    flag: 'metrics-queue-gauges',
    default: true,
    help: 'Include the per-queue gauges read from storage in /metrics: on or off (off on all but one of several processes sharing a PostgreSQL database).',
  },
  {
    key: 'metricsGaugeCacheMs',
    kind: 'int',
    env: 'FERRY_METRICS_GAUGE_CACHE_MS',
    flag: 'metrics-gauge-cache-ms',
    default: 5000,
    help: 'Reuse the queue gauges read from storage for this many ms (scrapes, console); 0 reads on every request, never two at once.',
  },
  {
    key: 'slowRequestMs',
    kind: 'int',
    env: 'FERRY_SLOW_REQUEST_MS',
    flag: 'slow-request-ms',
    default: 1000,
    help: "Log requests slower than this many ms at warn ('slow request'; a long poll's wait does not count); 0 turns it off.",
  },
  {
    key: 'console',
    kind: 'enum',
    values: ['on', 'off', 'read-only'],
    env: 'FERRY_CONSOLE',
    flag: 'console',
    default: 'on',
    help: 'The web console at /console: on, off (404), or read-only (shows everything, changes nothing).',
  },
  {
    key: 'consoleTrustProxy',
    kind: 'bool',
    env: 'FERRY_CONSOLE_TRUST_PROXY',
    flag: 'console-trust-proxy',
    default: false,
    help: "Trust a TLS-terminating proxy's X-Forwarded-Proto and X-Forwarded-For (console cookie Secure flag, login throttling by address).",
  },
  {
    key: 'tlsCert',
    kind: 'string',
    env: 'FERRY_TLS_CERT',
    flag: 'tls-cert',
    help: 'PEM certificate file (leaf first, then any intermediates): with --tls-key, serve HTTPS on the same port. Reloaded on SIGHUP.',
  },
  { key: 'tlsKey', kind: 'string', env: 'FERRY_TLS_KEY', flag: 'tls-key', help: 'PEM private key file of --tls-cert.' },
  {
    key: 'tlsSelfSigned',
    kind: 'bool',
    env: 'FERRY_TLS_SELF_SIGNED',
    flag: 'tls-self-signed',
    default: false,
    help: 'Serve HTTPS with a self-signed certificate for localhost, 127.0.0.1, ::1 and --host, generated at start and kept in <data-dir>/tls/ (local use).',
  },
  {
    key: 'journeyWindow',
    kind: 'int',
    env: 'FERRY_JOURNEY_WINDOW',
    flag: 'journey-window',
    default: 3600,
    help: "Seconds the console keeps a message's journey (its timeline of events) after its last event; in memory, per process.",
  },
  {
    key: 'journeyMaxMessages',
    kind: 'int',
    env: 'FERRY_JOURNEY_MAX_MESSAGES',
    flag: 'journey-max-messages',
    default: 10000,
    help: 'Most message journeys the console keeps; the stalest are dropped first.',
  },
  {
    key: 'diskReserveBytes',
    kind: 'int',
    env: 'FERRY_DISK_RESERVE_BYTES',
    flag: 'disk-reserve-bytes',
    default: 64 * 1024 * 1024,
    help:
      'SQLite: size of the reserve file (<data-dir>/ferry.reserve) released when the disk fills, so receives and deletes keep ' +
      'working while sends are refused; made again when space returns. 0: no reserve.',
  },
  {
    key: 'diskLowBytes',
    kind: 'int',
    env: 'FERRY_DISK_LOW_BYTES',
    flag: 'disk-low-bytes',
    default: 1024 * 1024 * 1024,
    help: 'SQLite: warn (log line, /health, ferry_storage_disk_state) when free space on the data directory falls under this many bytes.',
  },
  {
    key: 'clock',
    kind: 'enum',
    values: ['system', 'manual'],
    env: 'FERRY_CLOCK',
    flag: 'clock',
    default: 'system',
    help: "Ferry's time: system, or manual — it stands still until a test advances it (ferry.clock.advance(ms), POST /_ferry/clock); visibility, delays, retention, dedup windows, cool-downs and move-task rates follow it. Turns on the admin API.",
  },
  {
    key: 'chaos',
    kind: 'bool',
    env: 'FERRY_CHAOS',
    flag: 'chaos',
    default: false,
    help: 'Allow fault injection for tests (config key chaosFaults, PUT /_ferry/chaos): throttling, latency, failed batch entries, duplicate and reordered deliveries, early visibility ends. Refused without this flag. Turns on the admin API.',
  },
  {
    key: 'chaosSeed',
    kind: 'string',
    env: 'FERRY_CHAOS_SEED',
    flag: 'chaos-seed',
    default: 'ferry',
    help: 'Seed of the chaos decisions: the same seed and the same calls give the same faults.',
  },
  {
    key: 'adminApi',
    kind: 'bool',
    env: 'FERRY_ADMIN_API',
    flag: 'admin-api',
    default: false,
    help: 'Serve the test admin API under /_ferry/ (reset, wait, clock, chaos) even without --clock manual or --chaos. With --auth sigv4 it needs an administrator identity.',
  },
  {
    key: 'readyFile',
    kind: 'string',
    env: 'FERRY_READY_FILE',
    flag: 'ready-file',
    help: "Once listening, write the server's URL (one line) to this file, for test harnesses; removed at shutdown.",
  },
];

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parse one raw value (from a file, env or flag) into the setting's type, or throw ConfigError. */
export function coerceSetting(spec: SettingSpec, raw: unknown, source: string): string | number | boolean {
  const where = `${source}: ${spec.key}`;
  switch (spec.kind) {
    case 'string':
      if (typeof raw !== 'string' && typeof raw !== 'number') throw new ConfigError(`${where} must be a string`);
      return String(raw);
    case 'bool':
    case 'switch': {
      if (typeof raw === 'boolean') return raw;
      const s = String(raw).toLowerCase();
      if (['true', '1', 'yes', 'on', ''].includes(s)) return true;
      if (['false', '0', 'no', 'off'].includes(s)) return false;
      throw new ConfigError(`${where} must be ${spec.kind === 'switch' ? 'on or off' : 'true or false'}, got ${JSON.stringify(raw)}`);
    }
    case 'int':
    case 'port': {
      const n = typeof raw === 'number' ? raw : /^\s*\d+\s*$/.test(String(raw)) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(n) || n < 0) throw new ConfigError(`${where} must be a non-negative integer, got ${JSON.stringify(raw)}`);
      if (spec.kind === 'port' && n > 65535) throw new ConfigError(`${where} must be a port number (0-65535), got ${n}`);
      return n;
    }
    case 'enum': {
      const s = String(raw);
      if (!spec.values!.includes(s)) throw new ConfigError(`${where} must be one of ${spec.values!.join(', ')}, got ${JSON.stringify(raw)}`);
      return s;
    }
  }
}

export function defaults(): FerryConfig {
  const c: Record<string, unknown> = { queues: {}, credentials: [], accounts: {}, policies: {}, chaosFaults: {} };
  for (const s of SETTINGS) if (s.default !== undefined) c[s.key] = s.default;
  return c as unknown as FerryConfig;
}

/**
 * The listener's limits out of a config: the server passes its loaded config; tests that build a
 * listener take the defaults (no argument). The values live only in SETTINGS above.
 */
export function listenerLimits(c: ListenerLimits = defaults()): ListenerLimits {
  return {
    maxBodyBytes: c.maxBodyBytes,
    headersTimeoutMs: c.headersTimeoutMs,
    requestTimeoutMs: c.requestTimeoutMs,
    maxHeaderBytes: c.maxHeaderBytes,
    maxHeaderCount: c.maxHeaderCount,
    maxConnections: c.maxConnections,
    maxBufferedBodyBytes: c.maxBufferedBodyBytes,
  };
}
