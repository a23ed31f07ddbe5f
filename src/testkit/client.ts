/**
 * `ferry-sqs/testkit`: a small client of the test admin API (`/_ferry/`, see admin.ts) for test suites
 * that run Ferry as a separate process — a global setup that started `ferry serve --port 0`, a
 * container, a shared server — rather than in-process with `startFerry` (whose server object has the
 * same operations directly). Dependency-free: it uses the global `fetch` (Node ≥ 18).
 *
 * ```ts
 * import { ferryAdmin } from 'ferry-sqs/testkit';
 * const ferry = ferryAdmin(process.env.FERRY_URL!);
 * beforeEach(() => ferry.reset());
 * await ferry.advanceClock(30);                       // seconds; needs `--clock manual`
 * await ferry.waitFor({ queue: 'jobs', event: 'deleted', body: 'hello' });
 * ```
 *
 * The server must run with `--admin-api`, `--clock manual` or `--chaos` (otherwise every /_ferry/ path is
 * 404), and without `--auth sigv4` (the admin API then needs a signed administrator request, which this
 * client does not sign).
 */
import type { SpiedMessage, SpyEventType } from './spy.js';

/** What the clock routes answer. */
export interface ClockState {
  /** ISO-8601 time on Ferry's clock. */
  now: string;
  epochMs: number;
  /** True with `--clock manual`. */
  manual: boolean;
}

/** What `reset` answers. */
export interface ResetAnswer {
  mode: 'purge' | 'delete';
  /** Queues emptied (or deleted). */
  queues: number;
  /** Server-side time it took. */
  ms: number;
}

/** `waitFor` over HTTP: the fields a message event must have (all optional but `event`). */
export interface RemoteWaitFor {
  queue?: string;
  event: SpyEventType;
  messageId?: string;
  body?: string;
  groupId?: string;
  /** Real-time ms before the server answers WaitTimeout (default 5000, at most 300000). */
  timeoutMs?: number;
  /** Only events from now on (default: recent events count too). */
  onlyNew?: boolean;
}

/** An error answer of the admin API (`code` e.g. `WaitTimeout`, `ClockNotManual`, `ChaosOff`, `NotFound`). */
export class FerryAdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'FerryAdminError';
  }
}

export interface FerryAdmin {
  /** The server's base URL, as given. */
  readonly url: string;
  /** Empty every queue (messages, in-flight ones, dedup history), or delete them; forgets waitFor's journal. */
  reset(o?: { deleteQueues?: boolean }): Promise<ResetAnswer>;
  /** Ferry's time. */
  clock(): Promise<ClockState>;
  /** Move the manual clock forward by `seconds`. */
  advanceClock(seconds: number): Promise<ClockState>;
  /** Set the manual clock to a date (it may go back). */
  setClock(to: Date | number | string): Promise<ClockState>;
  /** Resolve with the first matching message event; rejects with FerryAdminError `WaitTimeout` after timeoutMs. */
  waitFor(o: RemoteWaitFor): Promise<SpiedMessage>;
  /** Replace the chaos rules (needs `--chaos`): `{ "*": { duplicate: 0.1 }, jobs: { throttle: 0.2 } }`. */
  setChaos(faults: Record<string, Record<string, unknown>>, seed?: string | number): Promise<unknown>;
  /** Remove every chaos rule. */
  clearChaos(): Promise<unknown>;
}

/** A client of the admin API of the Ferry at `url` (e.g. `http://127.0.0.1:9324`). */
export function ferryAdmin(url: string): FerryAdmin {
  const base = url.replace(/\/+$/, '');
  const call = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}/_ferry/${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const err = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new FerryAdminError(res.status, err?.code ?? `HTTP${res.status}`, err?.message ?? (text || res.statusText));
    }
    return parsed as T;
  };
  return {
    url: base,
    reset: (o = {}) => call('POST', 'reset', { deleteQueues: o.deleteQueues === true }),
    clock: () => call('GET', 'clock'),
    advanceClock: (seconds) => call('POST', 'clock', { advanceSeconds: seconds }),
    setClock: (to) => call('POST', 'clock', { set: to instanceof Date ? to.toISOString() : to }),
    waitFor: (o) => call('POST', 'wait', o),
    setChaos: (faults, seed) => call('PUT', 'chaos', seed === undefined ? { faults } : { faults, seed }),
    clearChaos: () => call('DELETE', 'chaos'),
  };
}

export type { SpiedMessage, SpyEventType } from './spy.js';
