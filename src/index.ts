/**
 * Programmatic API: embed Ferry in a test suite or another program.
 *
 * ```ts
 * import { startFerry } from 'ferry-sqs';
 * const ferry = await startFerry({ storage: 'memory', port: 0 });
 * // … point an SQS client at ferry.url …
 * await ferry.close();
 * ```
 */
import { loadConfig } from './config/load.js';
import type { FerryConfig } from './config/schema.js';
import { createLogger, type Logger } from './core/log.js';
import { createServer, type FerryServer } from './app.js';

export { createServer, type FerryServer } from './app.js';
export { loadConfig } from './config/load.js';
export type { FerryConfig, QueueDeclaration } from './config/schema.js';
export type { StorageEngine } from './storage/engine.js';

/** Start a server from config overrides (defaults for the rest; environment is not read). */
export async function startFerry(overrides: Partial<FerryConfig> = {}, logger?: Logger): Promise<FerryServer & { url: string; port: number }> {
  const config = loadConfig({ overrides });
  const server = await createServer(config, { logger: logger ?? createLogger(config.logLevel) });
  const { url, port } = await server.listen();
  return Object.assign(server, { url, port });
}
