/**
 * The test admin API under the reserved path `/_ferry/` (no SQS request path starts with it):
 *   GET  /_ferry/clock                     → { now, epochMs, manual }
 *   POST /_ferry/clock  {"advanceSeconds": 300} | {"advanceMs": n} | {"set": "2026-01-01T00:00:00Z" | epochMs}
 *   GET  /_ferry/chaos                     → { enabled, seed, faults, injected }
 *   PUT  /_ferry/chaos  {"faults": {...}, "seed": 42}   (replaces the rules; DELETE clears them)
 *   POST /_ferry/reset  {"deleteQueues": false}          → { queues, mode, ms }
 *   POST /_ferry/wait   {"queue", "event", "messageId"?, "body"?, "timeoutMs"?} → the matching event
 * It exists only when the server runs with the manual clock, chaos, or `--admin-api`; otherwise every
 * /_ferry/ path is 404. With `auth: sigv4` a request must be signed (SigV4, service `sqs`) by an
 * administrator identity (`admin: true`, or a compatibility key): anyone else gets 403.
 * Every answer carries an `x-amzn-RequestId`. An unexpected error is handled as the SQS API handles one:
 * logged at error with the request id and its stack, answered InternalFailure (500, the catalog's
 * message, nothing of the cause); engine errors are answered as their catalog errors.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { ManualClock } from '../core/clock.js';
import type { Chaos } from '../chaos/index.js';
import { ChaosRuleError, parseChaosRules } from '../chaos/rules.js';
import type { SigV4Verifier } from '../http/sigv4.js';
import { toSqsError, unexpectedCause } from '../errors/map.js';
import type { SpyEventType, Spy, WaitForOptions } from './spy.js';
import { WaitForTimeout } from './spy.js';

export const ADMIN_PREFIX = '/_ferry/';
const MAX_BODY = 64 * 1024;

export interface AdminDeps {
  /** The manual clock (absent: the system clock, which the API reads but cannot move). */
  manualClock?: ManualClock;
  now(): number;
  chaos?: Chaos;
  spy?: Spy;
  reset(o: { deleteQueues: boolean }): Promise<{ queues: number; ms: number }>;
  /** With auth sigv4: verifies the request and tells whether the signer is an administrator. */
  verifier?: SigV4Verifier;
  isAdmin(accessKeyId: string): boolean;
  /** Logs each change made through the API. */
  log(detail: object, msg: string): void;
  /** Logs an unexpected error (at error level, as the listener logs one for an SQS request). */
  logError(detail: object, msg: string): void;
}

class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The route (true when it handled the request). */
export function adminRoute(d: AdminDeps): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  return (req, res) => {
    const url = req.url ?? '/';
    if (!url.startsWith(ADMIN_PREFIX)) return false;
    const [path, query = ''] = url.split('?', 2) as [string, string?];
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    const reqId = randomUUID();
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      handle(d, req, path, query, body, size)
        .then((out) => send(res, reqId, 200, out))
        .catch((e: unknown) => {
          if (e instanceof AdminError) return send(res, reqId, e.status, { error: { code: e.code, message: e.message } });
          // As the SQS API: SqsErrors as they are, engine errors mapped, anything else InternalFailure.
          const err = toSqsError(e);
          const u = unexpectedCause(err);
          if (u !== undefined) d.logError({ reqId, admin: `${req.method ?? 'GET'} ${path}`, err: u.cause }, 'admin request failed');
          send(res, reqId, err.statusFor('json'), { error: { code: err.code, message: err.message } });
        });
    });
    return true;
  };
}

function send(res: http.ServerResponse, reqId: string, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-amzn-RequestId': reqId });
  res.end(text);
}

async function handle(d: AdminDeps, req: http.IncomingMessage, path: string, query: string, body: Buffer, size: number): Promise<unknown> {
  if (size > MAX_BODY) throw new AdminError(413, 'RequestTooLarge', `admin requests are at most ${MAX_BODY} bytes`);
  if (d.verifier !== undefined) {
    // Signed like any SQS request; the verifier throws the catalog's errors (403 / 400).
    const who = d.verifier.verify({ method: req.method ?? 'GET', path, query, headers: req.headers, rawHeaders: req.rawHeaders, body });
    if (!d.isAdmin(who.accessKeyId))
      throw new AdminError(403, 'AccessDenied', `the admin API needs an administrator identity; ${who.accessKeyId} is not one`);
  }
  const method = req.method ?? 'GET';
  const json = (): Record<string, unknown> => {
    if (body.length === 0) return {};
    let v: unknown;
    try {
      v = JSON.parse(body.toString('utf8'));
    } catch {
      throw new AdminError(400, 'InvalidRequest', 'the body must be a JSON object');
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new AdminError(400, 'InvalidRequest', 'the body must be a JSON object');
    return v as Record<string, unknown>;
  };
  const route = path.slice(ADMIN_PREFIX.length).replace(/\/+$/, '');
  switch (route) {
    case 'clock':
      if (method === 'GET') return clockState(d);
      if (method === 'POST' || method === 'PUT') return moveClock(d, json());
      break;
    case 'chaos':
      if (d.chaos === undefined)
        throw new AdminError(
          409,
          'ChaosOff',
          'chaos is off: start Ferry with --chaos (it is refused otherwise, so it cannot reach production by accident)',
        );
      if (method === 'GET') return { enabled: true, ...d.chaos.state() };
      if (method === 'PUT' || method === 'POST') {
        const b = json();
        for (const k of Object.keys(b))
          if (k !== 'faults' && k !== 'seed') throw new AdminError(400, 'InvalidRequest', `unknown key "${k}" (known: faults, seed)`);
        if (b.seed !== undefined && typeof b.seed !== 'string' && typeof b.seed !== 'number')
          throw new AdminError(400, 'InvalidRequest', 'seed must be a string or a number');
        let rules;
        try {
          rules = parseChaosRules(b.faults ?? {}, 'faults');
        } catch (e) {
          if (e instanceof ChaosRuleError) throw new AdminError(400, 'InvalidRequest', e.message);
          throw e;
        }
        d.chaos.configure(rules, b.seed as string | number | undefined);
        d.log({ chaos: rules, seed: b.seed }, 'chaos rules replaced through the admin API');
        return { enabled: true, ...d.chaos.state() };
      }
      if (method === 'DELETE') {
        d.chaos.configure({});
        d.log({}, 'chaos rules cleared through the admin API');
        return { enabled: true, ...d.chaos.state() };
      }
      break;
    case 'reset':
      if (method === 'POST') {
        const b = json();
        const deleteQueues = b.deleteQueues === true;
        const r = await d.reset({ deleteQueues });
        return { mode: deleteQueues ? 'delete' : 'purge', ...r };
      }
      break;
    case 'wait':
      if (method === 'POST') return wait(d, json());
      break;
    default:
      throw new AdminError(404, 'NotFound', `no admin route ${path} (known: /_ferry/clock, /_ferry/chaos, /_ferry/reset, /_ferry/wait)`);
  }
  throw new AdminError(405, 'MethodNotAllowed', `${method} is not allowed on ${path}`);
}

function clockState(d: AdminDeps): unknown {
  const now = d.now();
  return { now: new Date(now).toISOString(), epochMs: now, manual: d.manualClock !== undefined };
}

function moveClock(d: AdminDeps, b: Record<string, unknown>): unknown {
  const c = d.manualClock;
  if (c === undefined) throw new AdminError(409, 'ClockNotManual', 'the clock is the system clock: start Ferry with --clock manual to move it');
  const keys = Object.keys(b);
  if (keys.length !== 1 || !['advanceSeconds', 'advanceMs', 'set'].includes(keys[0]!))
    throw new AdminError(400, 'InvalidRequest', 'give exactly one of advanceSeconds, advanceMs or set');
  const v = b[keys[0]!];
  if (keys[0] === 'set') {
    const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
    if (!Number.isFinite(ms)) throw new AdminError(400, 'InvalidRequest', 'set must be an ISO-8601 date string or epoch milliseconds');
    c.set(ms);
  } else {
    const n = typeof v === 'number' ? v * (keys[0] === 'advanceSeconds' ? 1000 : 1) : NaN;
    if (!Number.isFinite(n) || n < 0)
      throw new AdminError(400, 'InvalidRequest', `${keys[0]} must be a number >= 0 (the clock only moves forward; use set to go back)`);
    c.advance(n);
  }
  d.log({ now: new Date(c.now()).toISOString() }, 'clock moved through the admin API');
  return clockState(d);
}

async function wait(d: AdminDeps, b: Record<string, unknown>): Promise<unknown> {
  if (d.spy === undefined) throw new AdminError(409, 'SpyOff', 'waitFor is not available');
  for (const k of Object.keys(b))
    if (!['queue', 'event', 'messageId', 'body', 'groupId', 'timeoutMs', 'onlyNew'].includes(k))
      throw new AdminError(400, 'InvalidRequest', `unknown key "${k}" (known: queue, event, messageId, body, groupId, timeoutMs, onlyNew)`);
  const event = b.event as SpyEventType;
  if (!['sent', 'received', 'deleted', 'dlq'].includes(event))
    throw new AdminError(400, 'InvalidRequest', 'event must be sent, received, deleted or dlq');
  const str = (k: string): string | undefined => {
    const v = b[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new AdminError(400, 'InvalidRequest', `${k} must be a string`);
    return v;
  };
  const timeout = b.timeoutMs === undefined ? 5000 : Number(b.timeoutMs);
  if (!Number.isInteger(timeout) || timeout < 0 || timeout > 300_000)
    throw new AdminError(400, 'InvalidRequest', 'timeoutMs must be an integer from 0 to 300000');
  const o: WaitForOptions = {
    queue: str('queue'),
    event,
    match: { messageId: str('messageId'), body: str('body'), groupId: str('groupId') },
    timeout,
    onlyNew: b.onlyNew === true,
  };
  try {
    return await d.spy.waitFor(o);
  } catch (e) {
    if (e instanceof WaitForTimeout) throw new AdminError(408, 'WaitTimeout', e.message);
    throw e;
  }
}
