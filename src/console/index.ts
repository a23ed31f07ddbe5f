/**
 * The web console's server side, mounted on the SQS listener through its `extraRoutes` seam
 * (src/http/listener.ts) on the same port:
 *
 *   GET  /console, /console/<client route>   the single-page app (static.ts)
 *   GET  /console/assets/*                    its hashed build files
 *   GET  /console/api/session                 who am I, CSRF token, server facts
 *   POST /console/api/login | logout          sessions (sessions.ts)
 *   POST /console/api/sqs                     the SQS JSON 1.0 protocol, as the session's identity (sqs.ts)
 *   GET  /console/api/overview                every queue with its figures (overview.ts)
 *   GET  /console/api/permissions[?queue=…]   what the session may do (to offer only what it may)
 *   GET  /console/api/queues/<name>/history   a queue's recent figures
 *   GET  /console/api/queues/<name>/messages  peek and search, without side effects (api.ts)
 *   GET  /console/api/queues/<name>/messages/<id>/journey   what happened to a message (journey.ts)
 *
 * The contract (request and answer shapes, codes) is docs/console-api.md. Access: with auth off the
 * console is open, but a session is still issued so every change carries a CSRF token; with auth sigv4
 * a session comes only from a login with a configured key. Every POST/PUT/PATCH/DELETE under /console/api
 * except login needs the session's `X-Ferry-Csrf` token. Read-only mode refuses every change.
 */
import type http from 'node:http';
import { readFileSync } from 'node:fs';

import type { ConsoleMode } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import { DomainError } from '../errors/domain.js';
import type { EventHub } from '../core/events.js';
import { systemRandom, type Random } from '../core/random.js';
import type { Dispatch, HttpLogger } from '../http/listener.js';
import type { QueueMonitor } from '../monitoring/types.js';
import type { BodyCipher } from '../crypto/index.js';
import type { StorageEngine } from '../storage/engine.js';
import { ConsoleApi, type ConsoleAuthorize } from './api.js';
export type { ConsoleAction } from './api.js';
import {
  BodyTooLarge,
  ConsoleError,
  clientAddress,
  header,
  isSecure,
  parseJsonObject,
  readBody,
  readCookie,
  send,
  sendError,
  sendJson,
} from './http.js';
import { JourneyStore, type JourneyLimits } from './journey.js';
import {
  LoginThrottle,
  SessionStore,
  checkCredentials,
  tokensEqual,
  type ConsoleCredential,
  type Session,
  type SessionLimits,
  type ThrottleLimits,
} from './sessions.js';
import { SqsProxy } from './sqs.js';
import { StaticFiles } from './static.js';

export type { ConsoleMode };

export interface ConsoleOptions {
  mode: ConsoleMode;
  auth: 'off' | 'sigv4';
  /** The keys a login may use (the server's identities, as for SigV4; a function: read at each login, so reloads apply). */
  credentials: readonly ConsoleCredential[] | (() => readonly ConsoleCredential[]);
  region: string;
  /** The default account (`--account-id`): the console's account with auth off. */
  accountId: string;
  /**
   * The account a session's access key acts in (its identity's); absent or unknown key: `accountId`.
   * The console shows and works on that account's queues, as the API does for that key.
   */
  accountOf?: (accessKeyId: string | undefined) => string;
  engine: StorageEngine;
  /** The listener's dispatch: the console's SQS calls run exactly as the API's. */
  dispatch: Dispatch;
  /** Base of queue URLs for a request's Host header (as the API builds them). */
  queueUrlBase: (host: string | undefined) => string;
  /** Message events of this process, for the journeys. */
  events: EventHub;
  /** Live figures and history (src/monitoring). Absent: the engine fallback of overview.ts. */
  monitor?: QueueMonitor;
  /** Decrypts SSE bodies for peek and search (src/crypto). */
  sse?: BodyCipher;
  /** Authorization of the read routes (overview, history, peek, journey) and GET permissions; absent with auth off. */
  authorize?: ConsoleAuthorize;
  /** Whether a key could create some queue (GET permissions); absent with auth off (everything is allowed). */
  mayCreateQueues?: (accessKeyId: string | undefined) => boolean;
  logger: HttpLogger;
  clock: Clock;
  /** Session ids and CSRF tokens (default: node's crypto). */
  random?: Random;
  maxBodyBytes: number;
  /** Where the built SPA is (default: dist/console next to the compiled module). */
  staticDir?: string;
  /** Trust X-Forwarded-Proto / X-Forwarded-For of a TLS-terminating proxy (Secure cookie, throttling address). */
  trustProxy?: boolean;
  journey?: Partial<JourneyLimits>;
  sessions?: Partial<SessionLimits>;
  throttle?: Partial<ThrottleLimits>;
  /** Reported by GET /console/api/session (default: package.json's). */
  version?: string;
}

/** The mounted console. */
export interface ConsoleRoutes {
  /** The listener's `extraRoutes`: true when the request was a /console request (and is handled). */
  handle(req: http.IncomingMessage, res: http.ServerResponse): boolean;
  /** Stop: unsubscribe from events, cancel proxied long polls. */
  close(): void;
  /** The journey store (undefined when the console is off). */
  readonly journeys: JourneyStore | undefined;
}

export const SESSION_COOKIE = 'ferry_console';
const CSRF_HEADER = 'x-ferry-csrf';
const CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Is `path` the console or below it? */
function isConsolePath(path: string): boolean {
  return path === '/console' || path.startsWith('/console/');
}

function splitUrl(url: string): { path: string; query: string } {
  const q = url.indexOf('?');
  return q === -1 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) };
}

/** Mount the console (or, with mode off, a 404 for everything under /console). */
export function createConsole(opts: ConsoleOptions): ConsoleRoutes {
  if (opts.mode === 'off') {
    return {
      journeys: undefined,
      close: () => undefined,
      handle(req, res) {
        const url = req.url ?? '/';
        if (!url.startsWith('/console') || !isConsolePath(splitUrl(url).path)) return false;
        req.resume();
        send(res, 404, { 'Content-Type': 'text/plain; charset=utf-8' }, 'Not found\n', req.method === 'HEAD');
        return true;
      },
    };
  }
  return new Console(opts);
}

class Console implements ConsoleRoutes {
  readonly journeys: JourneyStore;
  private readonly sessions: SessionStore;
  private readonly throttle: LoginThrottle;
  private readonly files: StaticFiles;
  private readonly proxy: SqsProxy;
  private readonly api: ConsoleApi;
  private readonly readOnly: boolean;
  private readonly unsubscribe: () => void;

  constructor(private readonly opts: ConsoleOptions) {
    this.readOnly = opts.mode === 'read-only';
    this.sessions = new SessionStore(opts.clock, opts.random ?? systemRandom, opts.sessions);
    this.throttle = new LoginThrottle(opts.clock, opts.throttle);
    this.files = new StaticFiles(opts.staticDir);
    this.proxy = new SqsProxy({ dispatch: opts.dispatch, logger: opts.logger, maxBodyBytes: opts.maxBodyBytes, readOnly: this.readOnly });
    this.journeys = new JourneyStore(opts.clock, opts.journey);
    this.unsubscribe = opts.events.subscribe((e) => this.journeys.record(e));
    this.api = new ConsoleApi({
      engine: opts.engine,
      monitor: opts.monitor,
      journeys: this.journeys,
      clock: opts.clock,
      region: opts.region,
      accountId: opts.accountId,
      accountOf: opts.accountOf,
      queueUrlBase: opts.queueUrlBase,
      sse: opts.sse,
      authorize: opts.authorize,
      mayCreateQueues: opts.mayCreateQueues,
    });
  }

  close(): void {
    this.unsubscribe();
    this.proxy.close();
  }

  handle(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    const url = req.url ?? '/';
    // Every SQS request passes here first: one prefix test before any allocation.
    if (!url.startsWith('/console')) return false;
    const { path, query } = splitUrl(url);
    if (!isConsolePath(path)) return false;
    const method = req.method ?? 'GET';
    const run =
      path === '/console/api' || path.startsWith('/console/api/')
        ? this.routeApi(req, res, method, path.slice(12), query)
        : this.routeStatic(req, res, method, path);
    run.catch((e: unknown) => this.failed(req, res, e));
    return true;
  }

  private async routeStatic(req: http.IncomingMessage, res: http.ServerResponse, method: string, path: string): Promise<void> {
    req.resume();
    if (method !== 'GET' && method !== 'HEAD')
      throw new ConsoleError(405, 'MethodNotAllowed', `${method} is not allowed here.`, { Allow: 'GET, HEAD' });
    await this.files.serve(req, res, path.slice('/console'.length));
  }

  /** `route` is the path after /console/api ('' or starting with '/'). */
  private async routeApi(req: http.IncomingMessage, res: http.ServerResponse, method: string, route: string, query: string): Promise<void> {
    if (route === '/session') {
      req.resume();
      if (method !== 'GET') throw methodNotAllowed(method, 'GET');
      const s = this.sessionOf(req);
      if (s === undefined && this.opts.auth === 'off') {
        const fresh = this.sessions.create(undefined);
        sendJson(res, 200, this.sessionJson(fresh), { 'Set-Cookie': this.cookie(req, fresh.id) });
        return;
      }
      sendJson(res, 200, this.sessionJson(s));
      return;
    }
    if (route === '/login') {
      if (method !== 'POST') throw methodNotAllowed(method, 'POST');
      await this.login(req, res);
      return;
    }

    const session = this.sessionOf(req);
    if (this.opts.auth === 'sigv4' && session === undefined) {
      req.resume();
      throw new ConsoleError(401, 'NotAuthenticated', 'Log in to use the console.');
    }
    if (CHANGING.has(method)) this.checkCsrf(req, session);

    if (route === '/logout') {
      req.resume();
      if (method !== 'POST') throw methodNotAllowed(method, 'POST');
      this.sessions.delete(session?.id);
      send(res, 204, { 'Set-Cookie': this.cookie(req, '', true), 'Cache-Control': 'no-store' }, undefined);
      return;
    }
    if (route === '/sqs') {
      if (method !== 'POST') {
        req.resume();
        throw methodNotAllowed(method, 'POST');
      }
      await this.proxy.handle(req, res, session?.accessKeyId);
      return;
    }
    req.resume();
    if (method !== 'GET') throw methodNotAllowed(method, 'GET');
    const params = new URLSearchParams(query);
    const ua = req.headers['user-agent'];
    const caller = {
      accessKeyId: session?.accessKeyId,
      sourceIp: clientAddress(req, this.opts.trustProxy ?? false),
      userAgent: typeof ua === 'string' ? ua : undefined,
      secureTransport: isSecure(req, false),
    };
    sendJson(res, 200, await this.api.get(route, params, req.headers.host, caller));
  }

  private async login(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // A JSON content type cannot be sent cross-site without a CORS preflight (which Ferry never
    // grants), so a login cannot be forged by another site's form (login CSRF).
    if (!(header(req, 'content-type') ?? '').toLowerCase().startsWith('application/json')) {
      req.resume();
      throw new ConsoleError(415, 'UnsupportedMediaType', 'Send the login as application/json.');
    }
    const body = parseJsonObject(await readBody(req, 64 * 1024));
    if (this.opts.auth === 'off') {
      // Nothing to check: the console is open. Start a fresh anonymous session.
      this.sessions.delete(this.cookieId(req));
      const s = this.sessions.create(undefined);
      sendJson(res, 200, this.sessionJson(s), { 'Set-Cookie': this.cookie(req, s.id) });
      return;
    }
    const { accessKeyId, secretAccessKey } = body;
    if (
      typeof accessKeyId !== 'string' ||
      typeof secretAccessKey !== 'string' ||
      accessKeyId === '' ||
      accessKeyId.length > 256 ||
      secretAccessKey.length > 1024
    ) {
      throw new ConsoleError(400, 'InvalidRequest', 'accessKeyId and secretAccessKey must be non-empty strings.');
    }
    const subjects = [`ip:${clientAddress(req, this.opts.trustProxy ?? false)}`, `key:${accessKeyId}`];
    const wait = this.throttle.retryAfterMs(subjects);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new ConsoleError(429, 'TooManyLoginAttempts', `Too many failed logins; try again in ${seconds} s.`, { 'Retry-After': String(seconds) });
    }
    if (!checkCredentials(this.credentials(), accessKeyId, secretAccessKey)) {
      this.throttle.fail(subjects);
      this.opts.logger.warn({ console: true, accessKeyId, address: subjects[0]!.slice(3) }, 'console login failed');
      throw new ConsoleError(401, 'InvalidCredentials', 'The access key id or the secret access key is not valid.');
    }
    this.throttle.succeed(subjects);
    // A new id on every login (an id planted before the login is worth nothing after it).
    this.sessions.delete(this.cookieId(req));
    const s = this.sessions.create(accessKeyId);
    this.opts.logger.info({ console: true, accessKeyId }, 'console login');
    sendJson(res, 200, this.sessionJson(s), { 'Set-Cookie': this.cookie(req, s.id) });
  }

  private checkCsrf(req: http.IncomingMessage, session: Session | undefined): void {
    const got = header(req, CSRF_HEADER);
    if (got === undefined || got === '') {
      req.resume();
      throw new ConsoleError(403, 'CsrfTokenMissing', `This request needs the session's CSRF token in the X-Ferry-Csrf header.`);
    }
    if (session === undefined || !tokensEqual(session.csrfToken, got)) {
      req.resume();
      throw new ConsoleError(403, 'CsrfTokenInvalid', 'The X-Ferry-Csrf token does not belong to this session.');
    }
  }

  /** The keys the console takes now (a function when a SIGHUP reload can change them). */
  private credentials(): readonly ConsoleCredential[] {
    return typeof this.opts.credentials === 'function' ? this.opts.credentials() : this.opts.credentials;
  }

  private cookieId(req: http.IncomingMessage): string | undefined {
    return readCookie(req, SESSION_COOKIE);
  }

  /**
   * The request's session. One of an access key that is no longer configured (removed from the config
   * and reloaded with SIGHUP) ends here: its holder is asked to log in again (401), rather than seeing
   * a session whose every action is refused.
   */
  private sessionOf(req: http.IncomingMessage): Session | undefined {
    const s = this.sessions.get(this.cookieId(req));
    if (s?.accessKeyId === undefined) return s;
    if (this.credentials().some((c) => c.accessKeyId === s.accessKeyId)) return s;
    this.sessions.delete(s.id);
    this.opts.logger.info({ console: true, accessKeyId: s.accessKeyId }, 'console session ended: its access key is no longer configured');
    return undefined;
  }

  private cookie(req: http.IncomingMessage, value: string, clear = false): string {
    const parts = [`${SESSION_COOKIE}=${value}`, 'HttpOnly', 'SameSite=Strict', 'Path=/console'];
    if (clear) parts.push('Max-Age=0');
    if (isSecure(req, this.opts.trustProxy ?? false)) parts.push('Secure');
    return parts.join('; ');
  }

  private sessionJson(s: Session | undefined): Record<string, unknown> {
    const out: Record<string, unknown> = {
      auth: this.opts.auth,
      authenticated: s !== undefined,
      readOnly: this.readOnly,
      region: this.opts.region,
      accountId: this.opts.accountOf?.(s?.accessKeyId) ?? this.opts.accountId,
      version: this.opts.version ?? PACKAGE_VERSION,
    };
    if (s?.accessKeyId !== undefined) out.accessKeyId = s.accessKeyId;
    if (s !== undefined) out.csrfToken = s.csrfToken;
    return out;
  }

  private failed(req: http.IncomingMessage, res: http.ServerResponse, e: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (e instanceof ConsoleError) {
      sendError(res, e);
      return;
    }
    if (e instanceof BodyTooLarge) {
      res.setHeader('Connection', 'close');
      return sendError(res, new ConsoleError(413, 'RequestEntityTooLarge', `The request body must be at most ${e.limit} bytes.`));
    }
    if (e instanceof DomainError) {
      // Storage outcomes the console routes meet: a queue deleted meanwhile, a stale cursor, an outage.
      if (e.kind === 'QueueNotFound') return sendError(res, new ConsoleError(404, 'QueueDoesNotExist', 'The queue does not exist.'));
      if (e.kind === 'InvalidCursor') return sendError(res, new ConsoleError(400, 'InvalidParameterValue', 'The cursor is not valid.'));
      if (e.kind === 'Unavailable') return sendError(res, new ConsoleError(503, 'ServiceUnavailable', 'The storage is unavailable; try again.'));
    }
    this.opts.logger.error({ console: true, url: req.url, err: e }, 'console request failed');
    sendError(res, new ConsoleError(500, 'InternalError', 'The console request failed; see the server log.'));
  }
}

function methodNotAllowed(method: string, allow: string): ConsoleError {
  return new ConsoleError(405, 'MethodNotAllowed', `${method} is not allowed here.`, { Allow: allow });
}

/** package.json's version (dist/src/console/index.js → ../../../package.json). */
const PACKAGE_VERSION = ((): string => {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();
