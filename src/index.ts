/**
 * Programmatic API: embed Ferry in a test suite or another program.
 *
 * ```ts
 * import { startFerry } from 'ferry-sqs';
 * const ferry = await startFerry({ storage: 'memory', port: 0, clock: 'manual' });
 * // … point an SQS client at ferry.url …
 * ferry.clock.advance(30_000);            // visibility timeouts, delays, retention… follow
 * await ferry.waitFor({ queue: 'jobs', event: 'deleted', match: { body: 'hello' } });
 * await ferry.reset();                    // empty every queue between tests
 * await ferry.close();
 * ```
 */
import { loadConfig } from './config/load.js';
import type { FerryConfig } from './config/schema.js';
import type { Clock, ManualClock } from './core/clock.js';
import { createLogger, type Logger } from './core/log.js';
import { createServer, type FerryServer } from './app.js';

export { createServer, type FerryServer, type ResetResult } from './app.js';
export { loadConfig } from './config/load.js';
export { ManualClock, systemClock, type Clock } from './core/clock.js';
export type { Chaos, ChaosRules, FaultSpec, FaultName } from './chaos/index.js';
export type { SpiedMessage, SpyEventType, WaitForOptions } from './testkit/spy.js';
export { WaitForTimeout } from './testkit/spy.js';
export type { FerryConfig, QueueDeclaration } from './config/schema.js';
export type { StorageEngine } from './storage/engine.js';

/** Options of {@link startFerry}: any config setting (chaos rules: `chaosFaults`, with `chaos: true`). */
export type StartOptions = Partial<FerryConfig>;

/** A started Ferry: the server, where it listens, and its clock (a ManualClock with `clock: 'manual'`). */
export type StartedFerry<O extends StartOptions = StartOptions> = Omit<FerryServer, 'clock'> & {
  url: string;
  port: number;
  clock: O extends { clock: 'manual' } ? ManualClock : Clock;
};

/**
 * Start a server from config overrides (defaults for the rest; the environment is not read). The
 * message event journal behind `waitFor` is on. Logs go to stdout at `logLevel` (pass a logger, or
 * `logLevel: 'silent'`, to quiet them).
 */
export async function startFerry<const O extends StartOptions>(overrides?: O, logger?: Logger): Promise<StartedFerry<O>> {
  const config = loadConfig({ overrides: overrides ?? {} });
  const server = await createServer(config, { logger: logger ?? createLogger(config.logLevel), spy: true });
  const { url, port } = await server.listen();
  return Object.assign(server, { url, port }) as unknown as StartedFerry<O>;
}
