import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { buildIdentities } from '../auth/identities.js';
import { parseConnectionString } from '../storage/postgres/connectionString.js';
import { ChaosRuleError, parseChaosRules } from '../chaos/rules.js';
import { readAccounts, readPolicies } from './identities.js';
import { ConfigError, SETTINGS, coerceSetting, defaults, type CredentialDeclaration, type FerryConfig, type QueueDeclaration } from './schema.js';

export interface ConfigSources {
  /** Flag values already parsed by the CLI, keyed by setting key (only flags the user gave). */
  flags?: Partial<Record<string, unknown>>;
  /** Usually process.env. */
  env?: NodeJS.ProcessEnv;
  /** Programmatic overrides (tests, embedding); applied last. */
  overrides?: Partial<FerryConfig>;
}

const QUEUE_KEYS = new Set(['attributes', 'tags', 'deadLetterQueue', 'maxReceiveCount']);

/**
 * Resolve the configuration: defaults → config file → environment → flags → overrides.
 * Throws ConfigError (with the source and key) on an unknown key or a bad value.
 */
export function loadConfig(src: ConfigSources = {}): FerryConfig {
  const env = src.env ?? {};
  const flags = src.flags ?? {};
  const cfg = defaults() as unknown as Record<string, unknown>;

  // The config file's own location can come from env or flag (not from the file itself).
  const configFile = (flags.configFile as string | undefined) ?? env.FERRY_CONFIG ?? src.overrides?.configFile;
  if (configFile) {
    Object.assign(cfg, readConfigFile(configFile, env));
    cfg.configFile = configFile;
  }
  for (const s of SETTINGS) {
    const v = env[s.env];
    if (v !== undefined && v !== '') cfg[s.key] = coerceSetting(s, v, `environment variable ${s.env}`);
  }
  for (const s of SETTINGS) {
    if (flags[s.key] !== undefined) cfg[s.key] = coerceSetting(s, flags[s.key], `flag --${s.flag}`);
  }
  if (src.overrides) Object.assign(cfg, src.overrides);
  return finish(cfg as unknown as FerryConfig);
}

function finish(c: FerryConfig): FerryConfig {
  if (!/^\d{12}$/.test(c.accountId)) throw new ConfigError(`accountId must be 12 digits, got ${JSON.stringify(c.accountId)}`);
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(c.region)) throw new ConfigError(`region must look like us-east-1, got ${JSON.stringify(c.region)}`);
  if (c.publicBaseUrl !== undefined) {
    let u: URL;
    try {
      u = new URL(c.publicBaseUrl);
    } catch {
      throw new ConfigError(`publicBaseUrl must be an absolute http(s) URL, got ${JSON.stringify(c.publicBaseUrl)}`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ConfigError(`publicBaseUrl must be http or https`);
    c.publicBaseUrl = c.publicBaseUrl.replace(/\/+$/, '');
  }
  checkAuth(c);
  checkDatabase(c);
  checkMetrics(c);
  checkTls(c);
  checkTesting(c);
  if (c.maxBodyBytes < 1024 * 1024 + 1024) throw new ConfigError('maxBodyBytes must be at least 1 MiB + 1 KiB (a maximum-size message must fit)');
  if (c.maxBufferedBodyBytes < c.maxBodyBytes) {
    throw new ConfigError(
      `maxBufferedBodyBytes (${c.maxBufferedBodyBytes}) must be at least maxBodyBytes (${c.maxBodyBytes}): a largest body must fit`,
    );
  }
  if (c.maxHeaderBytes < 1024) throw new ConfigError('maxHeaderBytes must be at least 1024 (a signed SDK request needs about 1 KiB)');
  if (c.maxHeaderCount < 16) throw new ConfigError('maxHeaderCount must be at least 16 (SDK requests carry about a dozen headers)');
  return c;
}

/**
 * What SIGHUP re-reads: the config file's identities and policies, combined with the settings the
 * process started with (flags and environment for the compatibility keys and the account id), then
 * validated as a whole. Throws ConfigError and changes nothing on any problem.
 */
export function reloadIdentityConfig(current: FerryConfig, env: NodeJS.ProcessEnv): Pick<FerryConfig, 'accounts' | 'policies' | 'credentials'> {
  if (current.configFile === undefined) throw new ConfigError('no config file to reload (start with --config)');
  const file = readConfigFile(current.configFile, env);
  const next = { accounts: file.accounts ?? {}, policies: file.policies ?? {}, credentials: file.credentials ?? [] };
  buildIdentities({ ...current, ...next });
  return next;
}

/** Read a YAML or JSON file (YAML is a superset of JSON) and validate its keys. */
export function readConfigFile(path: string, env: NodeJS.ProcessEnv = {}): Partial<FerryConfig> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config file ${path}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    // Loaded only when there is a config file to read: a server started from flags never pays its import.
    const yaml = createRequire(import.meta.url)('yaml') as typeof import('yaml');
    doc = yaml.parse(text);
  } catch (e) {
    throw new ConfigError(`config file ${path} is not valid YAML or JSON: ${(e as Error).message}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(`config file ${path} must hold a mapping of settings`);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    if (k === 'queues') {
      out.queues = readQueues(v, path);
      continue;
    }
    if (k === 'credentials') {
      out.credentials = readCredentials(v, path);
      continue;
    }
    if (k === 'accounts') {
      out.accounts = readAccounts(v, `config file ${path}`, env);
      continue;
    }
    if (k === 'policies') {
      out.policies = readPolicies(v, `config file ${path}`);
      continue;
    }
    if (k === 'chaosFaults') {
      try {
        out.chaosFaults = parseChaosRules(v, `config file ${path}: chaosFaults`);
      } catch (e) {
        if (e instanceof ChaosRuleError) throw new ConfigError(e.message);
        throw e;
      }
      continue;
    }
    const spec = SETTINGS.find((s) => s.key === k);
    if (!spec || k === 'configFile') {
      throw new ConfigError(
        `config file ${path}: unknown key "${k}" (known: ${SETTINGS.filter((s) => s.key !== 'configFile')
          .map((s) => s.key)
          .join(', ')}, queues, credentials, accounts, policies, chaosFaults)`,
      );
    }
    out[k] = coerceSetting(spec, v, `config file ${path}`);
  }
  return out as Partial<FerryConfig>;
}

/** The test clock and chaos: chaos rules are refused unless chaos was asked for by name. */
function checkTesting(c: FerryConfig): void {
  if (!c.chaos && Object.keys(c.chaosFaults ?? {}).length > 0) {
    throw new ConfigError(
      'chaosFaults are set but chaos is off: fault injection is opt-in — start with --chaos (FERRY_CHAOS, config key chaos: true), never in production',
    );
  }
  if (c.chaos || c.chaosFaults === undefined) {
    try {
      c.chaosFaults = parseChaosRules(c.chaosFaults ?? {}, 'chaosFaults');
    } catch (e) {
      if (e instanceof ChaosRuleError) throw new ConfigError(e.message);
      throw e;
    }
  }
  if (c.readyFile === '') throw new ConfigError('readyFile must be a file path, not empty');
}

/** PostgreSQL settings: required with storage postgres; the schema is a plain identifier. */
function checkDatabase(c: FerryConfig): void {
  if (c.storage === 'postgres' && !c.databaseUrl) {
    throw new ConfigError('storage postgres needs a database URL: --database-url (FERRY_DATABASE_URL, config key databaseUrl)');
  }
  if (c.databaseUrl !== undefined) {
    // The same parser the engine uses: a bad host list or target_session_attrs fails at start.
    try {
      parseConnectionString(c.databaseUrl);
    } catch (e) {
      throw new ConfigError(`databaseUrl: ${(e as Error).message}`);
    }
  }
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(c.databaseSchema)) {
    throw new ConfigError(`databaseSchema must be a lower-case identifier ([a-z_][a-z0-9_]*, at most 63), got ${JSON.stringify(c.databaseSchema)}`);
  }
  if (c.databasePoolSize < 1 || c.databasePoolSize > 1000) throw new ConfigError('databasePoolSize must be from 1 to 1000');
}

/** TLS: a certificate and its key go together; a self-signed certificate replaces both. */
function checkTls(c: FerryConfig): void {
  if (c.tlsCert === '' || c.tlsKey === '') throw new ConfigError('tlsCert and tlsKey must be file paths, not empty');
  if ((c.tlsCert === undefined) !== (c.tlsKey === undefined)) {
    throw new ConfigError(
      `TLS needs both a certificate and its key: --tls-cert and --tls-key (FERRY_TLS_CERT, FERRY_TLS_KEY; config keys tlsCert, tlsKey); only ${c.tlsCert !== undefined ? 'the certificate' : 'the key'} was given`,
    );
  }
  if (c.tlsSelfSigned && c.tlsCert !== undefined) {
    throw new ConfigError('--tls-self-signed generates its own certificate: give it or --tls-cert/--tls-key, not both');
  }
}

/** Authentication settings that only make sense together; a secret never appears in a message. */
function checkAuth(c: FerryConfig): void {
  if ((c.accessKeyId === undefined) !== (c.secretAccessKey === undefined)) {
    throw new ConfigError('accessKeyId and secretAccessKey go together (--access-key-id with --secret-access-key)');
  }
  if (c.accessKeyId !== undefined && (c.accessKeyId === '' || c.accessKeyId.includes('/') || c.secretAccessKey === '')) {
    throw new ConfigError('accessKeyId must be a non-empty string without "/", and secretAccessKey non-empty');
  }
  // Every identity, policy and key is validated now, so a bad one stops the start (not a request).
  const identities = buildIdentities(c);
  if (c.auth === 'sigv4' && identities.byKey.size === 0) {
    throw new ConfigError(
      'auth is sigv4 but no credentials are configured: give --access-key-id and --secret-access-key ' +
        '(FERRY_ACCESS_KEY_ID, FERRY_SECRET_ACCESS_KEY), a credentials list or accounts with users and access keys in the config file',
    );
  }
}

/**
 * Metrics settings. With `auth: sigv4`, /metrics on the API port would be open to anyone who can reach
 * that port (Prometheus cannot sign SigV4), so it is guarded: a bearer token is required, or /metrics is
 * on a port of its own (bound where only the scraper reaches it). Unguarded, metrics default to off
 * (the startup banner says why), and an explicit `metrics: on` stops the start with a message.
 */
function checkMetrics(c: FerryConfig): void {
  if (c.metricsToken !== undefined && !/^[\x21-\x7e]+$/.test(c.metricsToken)) {
    throw new ConfigError('metricsToken must be non-empty printable ASCII without spaces (it is sent as "Authorization: Bearer <token>")');
  }
  if (c.metricsPort !== undefined && c.metricsPort !== 0 && c.metricsPort === c.port && (c.metricsHost ?? c.host) === c.host) {
    throw new ConfigError(
      `metricsPort ${c.metricsPort} is the API port: give --metrics-port another port, or leave it unset to serve /metrics on the API port`,
    );
  }
  if (c.metricsGaugeCacheMs > 3_600_000) throw new ConfigError('metricsGaugeCacheMs must be at most 3600000 (an hour)');
  const unguarded = c.auth === 'sigv4' && c.metricsToken === undefined && c.metricsPort === undefined;
  if ((c.metrics as boolean | undefined) === undefined) c.metrics = !unguarded;
  else if (c.metrics && unguarded) {
    throw new ConfigError(
      'metrics is on and auth is sigv4, but /metrics would be open to anyone who can reach the API port: require a bearer ' +
        'token with --metrics-token (FERRY_METRICS_TOKEN, config key metricsToken), or serve it on its own port with ' +
        '--metrics-port (bound where only the scraper reaches it, --metrics-host), or turn it off with --metrics off',
    );
  }
}

/** `credentials: [{accessKeyId, secretAccessKey}, …]` in the config file. */
function readCredentials(v: unknown, path: string): CredentialDeclaration[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw new ConfigError(`config file ${path}: credentials must be a list of {accessKeyId, secretAccessKey}`);
  const seen = new Set<string>();
  return v.map((item: unknown, i) => {
    const where = `config file ${path}: credentials[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      throw new ConfigError(`${where} must be a mapping with accessKeyId and secretAccessKey`);
    const d = item as Record<string, unknown>;
    for (const k of Object.keys(d)) {
      if (k !== 'accessKeyId' && k !== 'secretAccessKey') throw new ConfigError(`${where}: unknown key "${k}" (known: accessKeyId, secretAccessKey)`);
    }
    if (typeof d.accessKeyId !== 'string' || d.accessKeyId === '' || d.accessKeyId.includes('/')) {
      throw new ConfigError(`${where}.accessKeyId must be a non-empty string without "/"`);
    }
    if (typeof d.secretAccessKey !== 'string' || d.secretAccessKey === '')
      throw new ConfigError(`${where}.secretAccessKey must be a non-empty string`);
    if (seen.has(d.accessKeyId)) throw new ConfigError(`${where}: access key ${d.accessKeyId} is listed twice`);
    seen.add(d.accessKeyId);
    return { accessKeyId: d.accessKeyId, secretAccessKey: d.secretAccessKey };
  });
}

function readQueues(v: unknown, path: string): Record<string, QueueDeclaration> {
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new ConfigError(`config file ${path}: queues must be a mapping of queue name to declaration`);
  const out: Record<string, QueueDeclaration> = {};
  for (const [name, decl] of Object.entries(v as Record<string, unknown>)) {
    const where = `config file ${path}: queues.${name}`;
    const d = (decl ?? {}) as Record<string, unknown>;
    if (typeof d !== 'object' || Array.isArray(d)) throw new ConfigError(`${where} must be a mapping`);
    for (const k of Object.keys(d)) {
      if (!QUEUE_KEYS.has(k)) throw new ConfigError(`${where}: unknown key "${k}" (known: ${[...QUEUE_KEYS].join(', ')})`);
    }
    const q: QueueDeclaration = {};
    if (d.attributes !== undefined) q.attributes = stringMap(d.attributes, `${where}.attributes`);
    if (d.tags !== undefined) q.tags = stringMap(d.tags, `${where}.tags`);
    if (d.deadLetterQueue !== undefined) {
      if (typeof d.deadLetterQueue !== 'string') throw new ConfigError(`${where}.deadLetterQueue must be a queue name`);
      q.deadLetterQueue = d.deadLetterQueue;
    }
    if (d.maxReceiveCount !== undefined) {
      const n = d.maxReceiveCount;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 1000)
        throw new ConfigError(`${where}.maxReceiveCount must be an integer from 1 to 1000`);
      q.maxReceiveCount = n;
    }
    if ((q.maxReceiveCount !== undefined) !== (q.deadLetterQueue !== undefined)) {
      throw new ConfigError(`${where}: deadLetterQueue and maxReceiveCount go together`);
    }
    out[name] = q;
  }
  return out;
}

function stringMap(v: unknown, where: string): Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(`${where} must be a mapping`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') out[k] = String(x);
    else if (typeof x === 'object' && x !== null)
      out[k] = JSON.stringify(x); // e.g. a Policy document
    else throw new ConfigError(`${where}.${k} must be a string, number or boolean`);
  }
  return out;
}
