/**
 * The console API's read routes (GET under /console/api): overview, history, peek/search and journeys.
 * Session, login, logout and the SQS proxy are routed in index.ts. Answers follow docs/console-api.md.
 */
import { queueArn } from '../core/arn.js';
import type { Clock } from '../core/clock.js';
import { queueUrl } from '../core/queue-url.js';
import type { QueueMonitor } from '../monitoring/types.js';
import type { QueueRecord, StorageEngine } from '../storage/engine.js';
import { ConsoleError } from './http.js';
import type { JourneyStore } from './journey.js';
import { historyOf, overviewOf } from './overview.js';

export interface ConsoleApiDeps {
  engine: StorageEngine;
  monitor: QueueMonitor | undefined;
  journeys: JourneyStore;
  clock: Clock;
  region: string;
  accountId: string;
  queueUrlBase: (host: string | undefined) => string;
}

/** Longest history window a request may ask for (a day) and the default (15 minutes). */
const MAX_HISTORY_S = 86_400;
const DEFAULT_HISTORY_S = 900;

const QUEUE_ROUTE = /^\/queues\/([^/]+)\/(history|messages)$/;
const JOURNEY_ROUTE = /^\/queues\/([^/]+)\/messages\/([^/]+)\/journey$/;

export class ConsoleApi {
  constructor(private readonly d: ConsoleApiDeps) {}

  /** Answer a GET `route` (path after /console/api) with its JSON value, or throw ConsoleError. */
  async get(route: string, params: URLSearchParams, host: string | undefined): Promise<unknown> {
    if (route === '/overview') return this.overview(params, host);
    let m = JOURNEY_ROUTE.exec(route);
    if (m) return this.journey(segment(m[1]!), segment(m[2]!));
    m = QUEUE_ROUTE.exec(route);
    if (m) {
      const name = segment(m[1]!);
      return m[2] === 'history' ? this.history(name, params) : this.messages(name, params);
    }
    throw new ConsoleError(404, 'NotFound', `No console API route ${route || '/'}.`);
  }

  private async overview(params: URLSearchParams, host: string | undefined): Promise<unknown> {
    const prefix = params.get('prefix') ?? undefined;
    const snapshots = await overviewOf(this.d.monitor, this.d.engine, prefix === '' ? undefined : prefix, this.d.clock.now());
    const base = this.d.queueUrlBase(host);
    return {
      queues: snapshots.map((s) => ({
        ...s,
        url: queueUrl(base, this.d.accountId, s.name),
        arn: queueArn(this.d.region, this.d.accountId, s.name),
      })),
    };
  }

  private async history(name: string, params: URLSearchParams): Promise<unknown> {
    const seconds = intParam(params, 'windowSeconds', DEFAULT_HISTORY_S, 1, MAX_HISTORY_S);
    await this.queue(name);
    return historyOf(this.d.monitor, name, seconds * 1000);
  }

  private async messages(name: string, _params: URLSearchParams): Promise<unknown> {
    await this.queue(name);
    throw new ConsoleError(501, 'NotImplemented', 'Browsing messages is not available yet.');
  }

  private async journey(_queueName: string, messageId: string): Promise<unknown> {
    const j = await this.d.journeys.get(messageId, async (id) => (await this.d.engine.queueGetById(id))?.name);
    if (j === undefined) {
      throw new ConsoleError(
        404,
        'JourneyNotFound',
        `No journey is known for message ${messageId} (journeys are kept in memory for a limited time).`,
      );
    }
    return { messageId: j.messageId, queue: _queueName, events: j.events, truncated: j.truncated };
  }

  /** The queue named `name`, or 404 QueueDoesNotExist. */
  private async queue(name: string): Promise<QueueRecord> {
    const q = await this.d.engine.queueGetByName(name);
    if (q === undefined) throw new ConsoleError(404, 'QueueDoesNotExist', `The queue ${name} does not exist.`);
    return q;
  }
}

/** A decoded path segment (a queue name or message id), or 400. */
function segment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ConsoleError(400, 'InvalidParameterValue', 'Malformed percent-encoding in the path.');
  }
}

/** An integer query parameter within [min, max], `fallback` when absent, else 400. */
export function intParam(params: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConsoleError(400, 'InvalidParameterValue', `${name} must be an integer from ${min} to ${max}.`);
  }
  return n;
}
