/**
 * Composition root: storage engine + action services + HTTP listener, wired from one FerryConfig.
 * `createServer(config)` is the programmatic API; `ferry serve` (cli/) is a thin wrapper around it.
 */
import { NEVER_CANCELLED } from './core/cancel.js';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dispatchAction } from './actions/registry.js';
import { createActionServices } from './runtime/index.js';
import type { ActionContext, ActionName, ActionSettings } from './actions/types.js';
import type { FerryConfig } from './config/schema.js';
import { ConfigError, listenerLimits } from './config/schema.js';
import { ManualClock, systemClock, type Clock } from './core/clock.js';
import { Chaos } from './chaos/index.js';
import { adminRoute } from './testkit/admin.js';
import { Spy, type SpiedMessage, type WaitForOptions } from './testkit/spy.js';
import { createEventHub, type EventHub } from './core/events.js';
import type { Logger } from './core/log.js';
import { systemRandom, type Random } from './core/random.js';
import { KeyRingError, messageCryptoFor, openKeyRing, type BodyCipher } from './crypto/index.js';
import { SqsError } from './errors/catalog.js';
import { createConsole, type ConsoleAction } from './console/index.js';
import { queueArn } from './core/arn.js';
import { createHttpServer, type Dispatch, type RequestMeta } from './http/listener.js';
import type { QueueMonitor } from './monitoring/types.js';
import { createMonitoring, StorageMetrics, type Monitoring, type Route } from './monitoring/index.js';
import { startupBanner } from './banner.js';
import { VERSION } from './core/version.js';
import { createSigV4Verifier } from './http/sigv4.js';
import { TlsError, createTlsContext, fileSource, selfSignedNames, selfSignedSource, type TlsContext, type TlsMaterial } from './http/tls.js';
import { buildIdentities, IdentityStore, type Identity } from './auth/identities.js';
import { DecisionCache, mayAllowSomeQueue, QueuePolicyCache } from './auth/policy/index.js';
import { authorizeAction, type Authorizer, type Caller } from './actions/authorization.js';
import { reloadIdentityConfig } from './config/load.js';
import type { StorageEngine, StorageObserver } from './storage/engine.js';
import { MemoryEngine } from './storage/memory/index.js';
import type { SqliteEngineOptions } from './storage/sqlite/index.js';

export interface ServerDeps {
  clock?: Clock;
  random?: Random;
  logger: Logger;
  /**
   * Live queue figures for the console. Absent: the server's own monitoring (src/monitoring) when
   * /metrics or the console is on; the console reads counts from the engine only when neither is.
   */
  monitor?: QueueMonitor;
  /** Also log the startup as a readable block (for pino-pretty on a terminal; JSON logs get one line). */
  humanBanner?: boolean;
  /** Where the console's built files are (tests); default dist/console. */
  consoleStaticDir?: string;
  /**
   * Called once the API port is bound, before anything is logged about it (`ferry serve` prints the
   * machine-readable URL line and writes --ready-file here).
   */
  onListening?: (url: string, port: number) => void;
  /** Keep a journal of message events for `waitFor` (on by itself with the admin API; startFerry turns it on). */
  spy?: boolean;
  /**
   * SQLite: the WAL syncs Ferry waits for before answering (default node's `fdatasync` /
   * `fdatasyncSync`). The power-loss test wraps them to record the files as each sync made them durable.
   */
  walSync?: Pick<SqliteEngineOptions, 'syncWal' | 'syncWalInline'>;
}

/** What `reset()` did. */
export interface ResetResult {
  /** Queues emptied (or deleted). */
  queues: number;
  /** How long it took. */
  ms: number;
}

export interface FerryServer {
  /** Bind and start serving. Resolves with the bound port and a base URL for clients. */
  listen(): Promise<{ port: number; url: string }>;
  /** Graceful stop: refuse new requests, answer long polls empty, finish in-flight, close storage. */
  close(): Promise<void>;
  readonly engine: StorageEngine;
  /** Message events of this process (metrics, console journey, test spies subscribe here). */
  readonly events: EventHub;
  /** Metrics and the console's QueueMonitor (undefined when neither /metrics nor the console is on). */
  readonly monitoring: Monitoring | undefined;
  /** Encryption at rest: decrypts stored bodies for anything that reads messages beside the actions (browse). */
  readonly sse: BodyCipher;
  /**
   * Re-read the TLS certificate and key (SIGHUP) and serve new connections with them; on any error keep
   * the current ones. The outcome is logged and returned. Without TLS: nothing to do (`'off'`).
   */
  reloadTls(): 'off' | 'reloaded' | 'unchanged' | 'failed';
  /** The TLS context (certificate in use; another listener, e.g. a metrics port, can attach to it). Absent: plain HTTP. */
  readonly tls?: TlsContext;
  /** The live identities (access keys → principals and policies). */
  readonly identities: IdentityStore;
  /**
   * Re-read the config file's identities and policies (SIGHUP): validated as a whole first; throws
   * ConfigError and keeps the old set on any problem; on success flushes cached decisions.
   */
  reloadIdentities(env?: NodeJS.ProcessEnv): void;
  /** Ferry's clock: a ManualClock (`advance`, `set`) with `clock: manual`, else the system clock. */
  readonly clock: Clock;
  /** The chaos layer (`chaos: true`): `configure(rules, seed)`, `state()`. Undefined otherwise. */
  readonly chaos: Chaos | undefined;
  /**
   * Empty every queue (messages, in-flight ones, dedup history and receive attempt ids), or with
   * `deleteQueues` delete them. Also forgets the waitFor journal. AWS's cool-downs still apply to what
   * follows (a purge within 60 s, a deleted name's reuse) unless `skipCooldowns` — or advance the manual clock.
   */
  reset(o?: { deleteQueues?: boolean }): Promise<ResetResult>;
  /**
   * Resolve with the first message event that matches (already seen, or still to come); reject after
   * `timeout` ms (default 5000). Needs the spy (`deps.spy`, startFerry, or the admin API).
   */
  waitFor(o: WaitForOptions): Promise<SpiedMessage>;
}

/** How often expired messages, dedup entries and tombstones are swept. */
const SWEEP_INTERVAL_MS = 5_000;
/** AWS's cool-downs (PurgeQueue, queue-name reuse after DeleteQueue). */
const AWS_COOLDOWN_MS = 60_000;
/** Queue host names we are willing to echo back into queue URLs. */
const SAFE_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The engine `config.storage` names. The SQLite and PostgreSQL engines' modules (better-sqlite3's native
 * binding, the SQL, the pg glue) load only when chosen: a memory Ferry starts without them.
 */
export async function makeEngine(
  config: FerryConfig,
  clock: Clock,
  random: Random,
  log?: Logger,
  observer?: StorageObserver,
  walSync?: ServerDeps['walSync'],
): Promise<StorageEngine> {
  // The manual test clock on PostgreSQL: its time is sent with each statement instead of the database
  // clock's (PostgresEngine timeSource), so one Ferry process on its own schema follows it.
  const timeSource = config.clock === 'manual' ? { clock } : undefined;
  switch (config.storage) {
    case 'memory':
      return new MemoryEngine({ clock, random, observer });
    case 'sqlite': {
      const { SqliteEngine } = await import('./storage/sqlite/index.js');
      const dir = resolve(config.dataDir);
      mkdirSync(dir, { recursive: true });
      return new SqliteEngine({
        path: join(dir, 'ferry.db'),
        clock,
        random,
        observer,
        disk: { reserveBytes: config.diskReserveBytes, lowBytes: config.diskLowBytes },
        log,
        defaultAccountId: config.accountId,
        ...walSync,
      });
    }
    case 'postgres': {
      const { PostgresEngine } = await import('./storage/postgres/index.js');
      // Times come from the database clock (timeSource 'database'); `clock` only measures this
      // process's long-poll sleeps.
      return new PostgresEngine({
        url: config.databaseUrl ?? '',
        schema: config.databaseSchema,
        poolSize: config.databasePoolSize,
        clock,
        timeSource,
        random,
        observer,
        defaultAccountId: config.accountId,
        warn: (msg, detail) => log?.warn(detail ?? {}, msg),
      });
    }
  }
}

export async function createServer(config: FerryConfig, deps: ServerDeps): Promise<FerryServer> {
  const clock = deps.clock ?? (config.clock === 'manual' ? new ManualClock(Date.now()) : systemClock);
  const manualClock = config.clock === 'manual' ? clock : undefined;
  if (manualClock !== undefined && !(manualClock instanceof ManualClock)) throw new ConfigError('clock manual needs a ManualClock (deps.clock)');
  const adminOn = config.adminApi || config.clock === 'manual' || config.chaos;
  const random = deps.random ?? systemRandom;
  const log = deps.logger;
  // TLS files are checked before the store is opened: a bad certificate changes nothing.
  const tls = openTls(config);
  const scheme = tls === undefined ? 'http' : 'https';
  // Monitoring serves /metrics and the console's queue views (overview, history).
  const storageMetrics = config.metrics || config.console !== 'off' ? new StorageMetrics() : undefined;
  const engine = await makeEngine(config, clock, random, log, storageMetrics, deps.walSync);
  await engine.init();
  // Before anything is served: a store whose encrypted messages need a key this key ring lacks stops here.
  const sse = await openSse(config, engine, clock, random, log);
  // The receipt-handle key is created once per store, so receipts survive restarts (and, on a shared
  // store, work across nodes).
  const services = await createActionServices({
    engine,
    clock,
    random,
    longPolls: { total: config.maxLongPolls, perQueue: config.maxLongPollsPerQueue },
  });
  const events = createEventHub((err) => log.error({ err }, 'event listener failed'));
  const chaos = config.chaos
    ? new Chaos({
        rules: config.chaosFaults,
        seed: config.chaosSeed,
        onFault: (fault, queue, action, detail) => log.info({ chaos: fault, queue, action, ...detail }, 'chaos: fault injected'),
      })
    : undefined;
  const spy = adminOn || deps.spy ? new Spy(events, async (id) => (await engine.queueGetById(id))?.name) : undefined;
  const monitoring =
    storageMetrics === undefined
      ? undefined
      : createMonitoring({
          engine,
          events,
          clock,
          storage: storageMetrics,
          longPollsWaiting: () => services.longPollsWaiting(),
          chaosFaults: chaos === undefined ? undefined : () => chaos.counters(),
          endpoint: config.metrics
            ? {
                token: config.metricsToken,
                port: config.metricsPort,
                host: config.metricsHost ?? config.host,
                queueGauges: config.metricsQueueGauges,
                tls,
              }
            : undefined,
          gaugeMaxAgeMs: config.metricsGaugeCacheMs,
          build: { version: VERSION, storage: config.storage },
          warn: (detail, msg) => log.warn(detail, msg),
        });
  const settings: ActionSettings = {
    region: config.region,
    accountId: config.accountId,
    purgeIntervalMs: config.skipCooldowns ? 0 : AWS_COOLDOWN_MS,
    queueReuseDelayMs: config.skipCooldowns ? 0 : AWS_COOLDOWN_MS,
  };
  let boundPort = config.port;
  let ready = false;

  /** The last Host header seen and the base URL built from it (clients send the same one every time). */
  let lastHost: string | undefined;
  let lastBase = '';
  const baseFor = (host: string | undefined): string => {
    if (config.publicBaseUrl !== undefined) return config.publicBaseUrl;
    if (host !== undefined && host === lastHost) return lastBase;
    const base = `${scheme}://${host && SAFE_HOST.test(host) ? host : `${hostForUrl(config.host)}:${boundPort}`}`;
    if (host !== undefined && host !== '' && SAFE_HOST.test(host)) {
      lastHost = host;
      lastBase = base;
    }
    return base;
  };

  // Identities (auth/identities.ts) and authorization (actions/authorization.ts). With auth off nothing
  // is checked: every request acts as the default account's administrator.
  const identities = new IdentityStore(buildIdentities(config));
  const authz: Authorizer | undefined =
    config.auth === 'sigv4'
      ? {
          decisions: new DecisionCache(),
          queuePolicies: new QueuePolicyCache(),
          warn: (detail, msg) => log.warn(detail, msg),
          knowsAccount: (accountId) => identities.current.accounts.has(accountId),
        }
      : undefined;
  const callerOf = (meta: Pick<RequestMeta, 'accessKeyId' | 'sourceIp' | 'userAgent' | 'secureTransport'>, internal: boolean): Caller | undefined => {
    if (authz === undefined || internal) return undefined;
    // A key removed by a reload while its request was in flight (or, defensively, no key at all) acts
    // as nobody: an identity with no policies in the default account, denied everything.
    const key = meta.accessKeyId ?? '';
    const identity = identities.get(key) ?? orphanIdentity(key, config.accountId);
    return { identity, sourceIp: meta.sourceIp, userAgent: meta.userAgent, secureTransport: meta.secureTransport };
  };

  const contextFor = (
    meta: Pick<
      RequestMeta,
      'requestId' | 'host' | 'traceHeader' | 'signal' | 'accessKeyId' | 'sourceIp' | 'userAgent' | 'secureTransport' | 'longPollMs'
    >,
    internal = false,
  ): ActionContext => ({
    engine,
    clock,
    random,
    settings,
    requestId: meta.requestId,
    queueUrlBase: baseFor(meta.host),
    traceHeader: meta.traceHeader,
    signal: meta.signal,
    services,
    reportUnexpected: (err) => log.error({ reqId: meta.requestId, err }, 'batch entry failed'),
    accessKeyId: meta.accessKeyId,
    secureTransport: meta.secureTransport,
    events,
    sse,
    caller: callerOf(meta, internal),
    authz,
    // Present from the start (set by the authorization step) so every context has one shape.
    queueMemo: undefined,
    noteLongPoll: (ms) => {
      meta.longPollMs = ms;
    },
  });

  /** The account an access key acts in (its identity's); the default account for auth off or an unknown key. */
  const accountOfKey = (accessKeyId: string | undefined): string =>
    (accessKeyId === undefined ? undefined : identities.get(accessKeyId)?.principal.accountId) ?? config.accountId;

  /**
   * The console's read routes, and its questions about what the session may do, go through the same
   * authorization step as the SQS actions: the input each action is authorized by names the queue as the
   * action does (QueueUrl; QueueName for GetQueueUrl; SourceArn for the move-task actions).
   */
  const consoleAuthorize = async (
    caller: { accessKeyId: string | undefined; sourceIp?: string; userAgent?: string; secureTransport?: boolean },
    action: ConsoleAction,
    queueName: string | undefined,
    quiet = false,
  ): Promise<boolean> => {
    const ctx = contextFor({
      requestId: 'console',
      host: undefined,
      traceHeader: undefined,
      signal: NEVER_CANCELLED,
      ...caller,
      secureTransport: caller.secureTransport ?? false,
    });
    // The console works in the caller's own account, as the API does for its key.
    const account = accountOfKey(caller.accessKeyId);
    const name = queueName ?? '';
    const input =
      action === 'ListQueues' || action === 'CreateQueue'
        ? {}
        : action === 'GetQueueUrl'
          ? { QueueName: name }
          : action === 'StartMessageMoveTask' || action === 'ListMessageMoveTasks'
            ? { SourceArn: queueArn(config.region, account, name) }
            : { QueueUrl: `/${account}/${name}` };
    try {
      await authorizeAction(action, input as never, quiet ? { ...ctx, authz: ctx.authz && { ...ctx.authz, warn: () => {} } } : ctx);
      return true;
    } catch (e) {
      if (quiet && e instanceof SqsError && e.code === 'AccessDenied') return false;
      throw e;
    }
  };
  /**
   * Whether the session's key could create some queue (CreateQueue is decided per queue name; the
   * console asks before there is one): its identity policies, as mayAllowSomeQueue reads them.
   */
  const consoleMayCreateQueues = (accessKeyId: string | undefined): boolean => {
    const identity = accessKeyId === undefined ? undefined : identities.get(accessKeyId);
    if (identity === undefined) return false;
    return mayAllowSomeQueue({ principal: identity.principal, action: 'CreateQueue', region: config.region, identityPolicies: identity.policies });
  };

  const dispatch: Dispatch = (action, input, meta) => dispatchAction(action, input as never, contextFor(meta));
  // The console's SQS calls are SQS requests too: counted in ferry_requests_total like the API's (the
  // listener reports those).
  const consoleDispatch: Dispatch =
    monitoring === undefined
      ? dispatch
      : (action, input, meta) => {
          const started = performance.now();
          const done = (code: string): void => monitoring.recordRequest(action, code, performance.now() - started);
          return dispatch(action, input, meta).then(
            (out) => {
              done('OK');
              return out;
            },
            (err: unknown) => {
              done(err instanceof SqsError ? err.code : 'InternalFailure');
              throw err;
            },
          );
        };
  // The web console (src/console) on the same port; its SQS calls take the same dispatch path.
  const consoleRoutes = createConsole({
    mode: config.console,
    auth: config.auth,
    credentials: () => identities.credentials(),
    authorize: authz === undefined ? undefined : consoleAuthorize,
    mayCreateQueues: authz === undefined ? undefined : consoleMayCreateQueues,
    region: config.region,
    accountId: config.accountId,
    accountOf: accountOfKey,
    engine,
    dispatch: consoleDispatch,
    queueUrlBase: baseFor,
    events,
    monitor: deps.monitor ?? monitoring?.monitor,
    sse,
    logger: log,
    clock,
    random,
    maxBodyBytes: config.maxBodyBytes,
    staticDir: deps.consoleStaticDir,
    trustProxy: config.consoleTrustProxy,
    journey: { windowMs: config.journeyWindow * 1000, maxMessages: config.journeyMaxMessages },
  });

  const routes: Route[] = [...(monitoring?.route === undefined ? [] : [monitoring.route]), (req, res) => consoleRoutes.handle(req, res)];
  // Signatures carry the client's real time: a manual clock must not make them look 15 minutes stale.
  const verifier =
    config.auth === 'sigv4'
      ? createSigV4Verifier({ region: config.region, credentials: identities.credentials(), clock: manualClock === undefined ? clock : systemClock })
      : undefined;
  const internalCall = (action: ActionName, input: unknown): Promise<unknown> =>
    dispatchAction(
      action,
      input as never,
      contextFor({ requestId: 'chaos', host: undefined, traceHeader: undefined, signal: NEVER_CANCELLED, secureTransport: false }, true),
    );
  // Chaos wraps the API's calls only (not the console's, nor Ferry's own internal calls).
  const apiDispatch: Dispatch =
    chaos === undefined ? dispatch : (action, input, meta) => chaos.run(action, input, (i) => dispatch(action, i, meta), internalCall);
  const reset = async (o: { deleteQueues?: boolean } = {}): Promise<ResetResult> => {
    const started = performance.now();
    const queues = await engine.queueList();
    for (const q of queues) {
      if (o.deleteQueues) await engine.queueDelete(q.id);
      else await engine.queuePurge(q.id, 0);
    }
    spy?.clear();
    const ms = Math.round((performance.now() - started) * 100) / 100;
    log.info({ queues: queues.length, deleteQueues: o.deleteQueues === true, ms }, 'reset');
    return { queues: queues.length, ms };
  };
  if (adminOn) {
    routes.unshift(
      adminRoute({
        manualClock: manualClock as ManualClock | undefined,
        now: () => clock.now(),
        chaos,
        spy,
        reset,
        verifier,
        isAdmin: (key) => identities.get(key)?.principal.admin === true,
        log: (detail, msg) => log.info(detail, msg),
        logError: (detail, msg) => log.error(detail, msg),
      }),
    );
  }
  const http = createHttpServer({
    logger: log,
    limits: listenerLimits(config),
    isReady: () => ready,
    healthDetail: () => {
      const disk = engine.diskStatus?.();
      if (disk === undefined || disk.state === 'ok') return undefined;
      return { degraded: disk.state === 'full' || disk.state === 'read-only', detail: { storage: { disk } } };
    },
    verifier,
    accountOf: accountOfKey,
    dispatch: apiDispatch,
    // /metrics (unless it has a port of its own), then the console.
    extraRoutes: routes.length === 1 ? routes[0] : (req, res) => routes.some((r) => r(req, res)),
    onRequest: monitoring === undefined ? undefined : (action, code, ms) => monitoring.recordRequest(action, code, ms),
    slowRequestMs: config.slowRequestMs,
    tls,
  });

  // Queues declared in the config file, created or updated before the server reports ready.
  await declareQueues(config, (action, input) =>
    dispatchAction(
      action,
      input as never,
      contextFor({ requestId: 'startup', host: undefined, traceHeader: undefined, signal: NEVER_CANCELLED, secureTransport: false }, true),
    ),
  );

  // One sweep at a time: a tick that finds the last sweep still running (a slow database, a loaded
  // machine) skips, where overlapping sweeps would pile up, each holding its own reads. A manual clock
  // jump during a sweep (which read "now" before it) queues one more sweep after it.
  let sweeping: Promise<void> | undefined;
  let sweepAgain = false;
  const sweepOnce = (): void => {
    if (sweeping !== undefined) return;
    sweeping = engine
      .sweep()
      .then(
        () => undefined,
        (e: unknown) => log.warn({ err: e }, 'sweep failed'),
      )
      .finally(() => {
        sweeping = undefined;
        if (sweepAgain) {
          sweepAgain = false;
          sweepOnce();
        }
      });
  };
  const sweeper = setInterval(sweepOnce, SWEEP_INTERVAL_MS);
  sweeper.unref();
  // A manual clock jump may pass retention periods and dedup windows: sweep at once, not on the next tick.
  const offClock = manualClock?.onChange?.(() => {
    if (sweeping !== undefined) sweepAgain = true;
    else sweepOnce();
  });

  let closing: Promise<void> | undefined;
  return {
    engine,
    events,
    clock,
    chaos,
    reset,
    waitFor(o) {
      if (spy === undefined) return Promise.reject(new Error('waitFor needs the event journal: start with startFerry(), the admin API, or deps.spy'));
      return spy.waitFor(o);
    },
    monitoring,
    sse,
    tls,
    reloadTls() {
      if (tls === undefined) {
        log.debug('SIGHUP: TLS is off, no certificate to reload');
        return 'off';
      }
      const r = tls.reload();
      if (!r.ok) {
        log.error({ err: r.error, tls: tlsSummary(tls.current) }, 'TLS reload failed: keeping the current certificate');
        return 'failed';
      }
      log.info({ tls: tlsSummary(r.material), changed: r.changed }, r.changed ? 'TLS certificate reloaded' : 'TLS certificate reloaded (unchanged)');
      return r.changed ? 'reloaded' : 'unchanged';
    },
    identities,
    reloadIdentities(env = process.env) {
      // Everything is validated before anything changes: on any error the old set stays.
      const next = reloadIdentityConfig(config, env);
      const set = buildIdentities({ ...config, ...next });
      if (config.auth === 'sigv4' && set.byKey.size === 0) throw new ConfigError('auth is sigv4 and the reloaded config declares no access keys');
      identities.replace(set);
      verifier?.setCredentials(identities.credentials());
      authz?.decisions.invalidate();
      log.info({ keys: set.byKey.size, users: set.byUser.size / 2, policies: Object.keys(next.policies).length }, 'identities reloaded');
    },
    async listen() {
      let port: number;
      try {
        ({ port } = await http.listen(config.port, config.host));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EADDRINUSE' && code !== 'EACCES' && code !== 'EADDRNOTAVAIL') throw e;
        await services.close();
        sweepAgain = false;
        await sweeping; // never rejects (failures are logged)
        await engine.close();
        engine.discardStartFiles?.();
        throw new ConfigError(
          code === 'EADDRINUSE'
            ? `port ${config.port} on ${config.host} is already in use (another Ferry?): stop it, or pick another port with --port <n> (--port 0 picks a free one)`
            : code === 'EACCES'
              ? `not allowed to listen on port ${config.port} (ports below 1024 need privileges): use --port 9324, or --port 0 for a free one`
              : `cannot listen on ${config.host}: no such local address (--host)`,
        );
      }
      boundPort = port;
      deps.onListening?.(`${scheme}://${hostForUrl(config.host)}:${port}`, port);
      const { metricsPort } = (await monitoring?.start()) ?? {};
      services.start();
      ready = true;
      const url = `${scheme}://${hostForUrl(config.host)}:${port}`;
      if (tls?.current.selfSigned) {
        const where = tls.current.certFile ?? 'memory only (storage memory: a new one each start)';
        log.info(
          { tls: tlsSummary(tls.current) },
          `TLS: self-signed certificate ${where}, SHA-256 fingerprint ${tls.current.fingerprint256}` +
            (tls.current.certFile ? ` — trust it with AWS_CA_BUNDLE=${tls.current.certFile} or NODE_EXTRA_CA_CERTS=${tls.current.certFile}` : ''),
        );
      }
      const banner = startupBanner({
        version: VERSION,
        url,
        config,
        metricsUrl: !config.metrics
          ? undefined
          : metricsPort === undefined
            ? `${url}/metrics`
            : `${scheme}://${hostForUrl(config.metricsHost ?? config.host)}:${metricsPort}/metrics`,
        consoleUrl: config.console === 'off' ? undefined : `${url}/console`,
      });
      log.info({ ...banner.fields, tls: tls === undefined ? undefined : tlsSummary(tls.current) }, 'ferry listening');
      if (deps.humanBanner) log.info(banner.text);
      return { port, url };
    },
    close() {
      closing ??= (async () => {
        ready = false;
        clearInterval(sweeper);
        offClock?.();
        await monitoring?.close();
        consoleRoutes.close();
        await http.close();
        await services.close();
        sweepAgain = false;
        await sweeping; // never rejects (failures are logged)
        await engine.close();
        spy?.close();
        log.info('ferry stopped');
      })();
      return closing;
    },
  };
}

/**
 * Encryption at rest (crypto/): the key ring from `kmsKeyRing` (default `<dataDir>/keyring.json`; in
 * memory for `storage: memory`) and `kmsKeys`, bound to this store. A refusal closes the engine and is
 * a ConfigError (exit code 2) naming what is missing.
 */
export async function openSse(config: FerryConfig, engine: StorageEngine, clock: Clock, random: Random, log: Logger): Promise<BodyCipher> {
  const scope = { region: config.region, accountId: config.accountId };
  const file = config.kmsKeyRing ?? (config.storage === 'memory' ? undefined : join(config.dataDir, 'keyring.json'));
  try {
    const opened = await openKeyRing({
      file: file === undefined ? undefined : resolve(file),
      envKeys: config.kmsKeys,
      store: engine,
      clock,
      random,
      scope,
      log,
    });
    return messageCryptoFor(opened, { clock, random, scope });
  } catch (e) {
    await engine.close();
    engine.discardStartFiles?.();
    if (e instanceof KeyRingError) throw new ConfigError(`encryption at rest: ${e.message}`);
    throw e;
  }
}

/**
 * TLS (http/tls.ts): `tlsCert` + `tlsKey`, or a self-signed certificate kept in `<dataDir>/tls/` (in
 * memory with storage memory, like the key ring). A file or key problem is a ConfigError (exit code 2).
 */
function openTls(config: FerryConfig): TlsContext | undefined {
  try {
    if (config.tlsCert !== undefined && config.tlsKey !== undefined)
      return createTlsContext(fileSource(resolve(config.tlsCert), resolve(config.tlsKey)));
    if (!config.tlsSelfSigned) return undefined;
    const dir = config.storage === 'memory' ? undefined : resolve(config.dataDir, 'tls');
    return createTlsContext(selfSignedSource(selfSignedNames(config.host, config.publicBaseUrl), dir));
  } catch (e) {
    if (e instanceof TlsError) throw new ConfigError(`tls: ${e.message}`);
    throw e;
  }
}

/** What the logs say about a certificate (never the key). */
function tlsSummary(m: TlsMaterial): object {
  return {
    certificate: m.certFile,
    sha256: m.fingerprint256,
    subjectAltName: m.subjectAltName,
    validTo: m.validTo,
    selfSigned: m.selfSigned || undefined,
  };
}

/** The caller of a key no longer known (removed by a reload mid-request): no policies, denied everything. */
function orphanIdentity(accessKeyId: string, accountId: string): Identity {
  return {
    accessKeyId,
    secretAccessKey: '',
    principal: { accountId, arn: `arn:aws:iam::${accountId}:user/unknown`, admin: false },
    policies: [],
    source: 'removed',
  };
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

type Call = (action: ActionName, input: unknown) => Promise<unknown>;

/**
 * Create (or bring up to date) the queues of the config file, through the same actions clients use
 * so every AWS validation rule applies. Dead-letter wiring is set in a second pass, once every
 * declared queue exists.
 */
async function declareQueues(config: FerryConfig, call: Call): Promise<void> {
  const urlOf = new Map<string, string>();
  const arnOf = (name: string) => `arn:aws:sqs:${config.region}:${config.accountId}:${name}`;
  try {
    for (const [name, decl] of Object.entries(config.queues)) {
      const attributes: Record<string, string> = { ...(decl.attributes ?? {}) };
      if (name.endsWith('.fifo') && attributes.FifoQueue === undefined) attributes.FifoQueue = 'true';
      const { RedrivePolicy: _ignored, ...withoutRedrive } = attributes;
      let url: string;
      try {
        url = ((await call('CreateQueue', { QueueName: name, Attributes: withoutRedrive, tags: decl.tags })) as { QueueUrl: string }).QueueUrl;
      } catch (e) {
        if (!(e instanceof SqsError) || e.code !== 'QueueNameExists') throw e;
        // It exists with other attributes: bring it up to date (FifoQueue is immutable and known equal by name).
        url = ((await call('GetQueueUrl', { QueueName: name })) as { QueueUrl: string }).QueueUrl;
        const { FifoQueue: _f, ...settable } = withoutRedrive;
        if (Object.keys(settable).length) await call('SetQueueAttributes', { QueueUrl: url, Attributes: settable });
        if (decl.tags && Object.keys(decl.tags).length) await call('TagQueue', { QueueUrl: url, Tags: decl.tags });
      }
      urlOf.set(name, url);
    }
    for (const [name, decl] of Object.entries(config.queues)) {
      const redrive = decl.deadLetterQueue
        ? JSON.stringify({ deadLetterTargetArn: arnOf(decl.deadLetterQueue), maxReceiveCount: decl.maxReceiveCount })
        : decl.attributes?.RedrivePolicy;
      if (redrive !== undefined) await call('SetQueueAttributes', { QueueUrl: urlOf.get(name), Attributes: { RedrivePolicy: redrive } });
    }
  } catch (e) {
    if (e instanceof SqsError) throw new ConfigError(`queue declarations: ${e.code}: ${e.message}`);
    throw e;
  }
}
