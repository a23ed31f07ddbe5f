/**
 * The startup banner: where the API, /metrics and the console listen, and which storage and
 * authentication are on. One structured log line ('ferry listening', for log shippers and scripts) and,
 * on a terminal, the same as a readable block.
 */
import { resolve } from 'node:path';

import type { FerryConfig } from './config/schema.js';
import { redactConnectionString } from './storage/postgres/connectionString.js';

export interface BannerInput {
  version: string;
  /** The API's base URL. */
  url: string;
  config: FerryConfig;
  /** Where /metrics is served, when it is. */
  metricsUrl?: string;
  /** Where the console is served, when it is. */
  consoleUrl?: string;
}

export function startupBanner(i: BannerInput): { fields: Record<string, unknown>; text: string } {
  const c = i.config;
  const metricsAccess = c.metricsToken !== undefined ? 'bearer token' : c.metricsPort !== undefined ? 'own port' : 'open';
  const fields: Record<string, unknown> = {
    url: i.url,
    version: i.version,
    storage: c.storage,
    dataDir: c.storage === 'sqlite' ? resolve(c.dataDir) : undefined,
    database:
      c.storage === 'postgres' && c.databaseUrl !== undefined ? `${redactConnectionString(c.databaseUrl)} (schema ${c.databaseSchema})` : undefined,
    auth: c.auth,
    metrics: i.metricsUrl === undefined ? 'off' : { url: i.metricsUrl, access: metricsAccess, queueGauges: c.metricsQueueGauges },
    console: i.consoleUrl === undefined ? 'off' : { url: i.consoleUrl, mode: c.console },
    clock: c.clock === 'manual' ? 'manual' : undefined,
    chaos: c.chaos ? { seed: c.chaosSeed } : undefined,
    // What to try next: one command that works against this server as it is configured.
    next:
      c.auth === 'sigv4'
        ? `aws --endpoint-url ${i.url} --region ${c.region} sqs list-queues   (with a configured key in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)`
        : `AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x aws --endpoint-url ${i.url} --region ${c.region} sqs create-queue --queue-name hello`,
  };
  const storage =
    c.storage === 'sqlite'
      ? `SQLite ${resolve(c.dataDir, 'ferry.db')}`
      : c.storage === 'postgres'
        ? `PostgreSQL ${String(fields.database)}`
        : 'memory (lost when Ferry stops)';
  const auth = c.auth === 'sigv4' ? 'SigV4 — requests must be signed by a configured key' : 'off — any credentials are accepted';
  const metrics =
    i.metricsUrl === undefined
      ? c.auth === 'sigv4' && c.metricsToken === undefined && c.metricsPort === undefined
        ? 'off — with auth sigv4 it needs --metrics-token or --metrics-port'
        : 'off'
      : `${i.metricsUrl}  (${
          metricsAccess === 'bearer token'
            ? 'needs the bearer token'
            : metricsAccess === 'own port'
              ? 'its own port: keep it where only the scraper reaches it'
              : 'open to anyone who can reach the port'
        }${c.metricsQueueGauges ? '' : '; queue gauges off'})`;
  const text = [
    `Ferry ${i.version} is ready`,
    `  API       ${i.url}`,
    `  Auth      ${auth}`,
    `  Storage   ${storage}`,
    `  Metrics   ${metrics}`,
    `  Console   ${i.consoleUrl === undefined ? 'off' : `${i.consoleUrl}${c.console === 'read-only' ? '  (read-only)' : ''}`}`,
    ...(c.clock === 'manual' ? [`  Clock     manual — time stands still: POST ${i.url}/_ferry/clock {"advanceSeconds": 30}`] : []),
    ...(c.chaos ? [`  Chaos     ON — faults are injected on purpose (seed ${c.chaosSeed}); rules: ${i.url}/_ferry/chaos`] : []),
    `  Try       ${fields.next as string}`,
  ].join('\n');
  return { fields, text };
}
